"""Title autocomplete answered straight from the gateway's INTERACTION_CREATE frame.

Every keystroke in a `title` option is an interaction: the most frequent thing the bot
answers, and one with a 3-second deadline on a fan's phone. discord.py's generic path for
it builds an Interaction (the member, the guild, the channel, the permissions), resolves the
command, fills a Namespace, awaits the translator once per choice and makes a Choice object
of each name, none of which a title's choices depend on: they are the catalog's answer to
the text typed. On a bot holding a large catalog, that code runs from cold CPU caches, and it
cost as much as the whole answer of a bare bot (bench/bench_latency.py: 0.30 ms before the
domain and 0.15 ms after it, at p50).

So a keystroke in a `title` option of a command whose autocomplete is
`cogs.ui.title_autocomplete` is read from the frame's dict and answered through the same
webhook adapter discord.py answers interactions with (never the bot's global rate limit,
as Discord does not count interaction callbacks against it). Anything else, and anything
unexpected in the frame, takes discord.py's path as before: both paths give the same
choices (tests/unit/test_keystrokes.py). What these keystrokes skip of discord.py: the
`on_interaction` event (no listener here uses it) and the tree's `interaction_check`
(DramaTree has none; should one be added, `install` leaves every keystroke to discord.py,
so that the check keeps applying).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.webhook.async_ import async_context, interaction_response_params

from cogs.ui import title_autocomplete

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

AUTOCOMPLETE = discord.InteractionType.autocomplete.value  # 4
CHAT_INPUT = discord.AppCommandType.chat_input.value  # 1
AUTOCOMPLETE_RESULT = discord.InteractionResponseType.autocomplete_result.value  # 8
CHOICES_MAX = 25  # Discord's limit for an autocomplete result
SUBCOMMAND_TYPES = (
    discord.AppCommandOptionType.subcommand.value,
    discord.AppCommandOptionType.subcommand_group.value,
)


def titled_paths(
    commands: Iterable[app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu],
) -> dict[tuple[str, ...], str]:
    """Each command path (("release",), ("follow", "add")) whose title option autocompletes titles.

    The value is the option's name as Discord sends it.
    """
    found: dict[tuple[str, ...], str] = {}
    for command in commands:
        if isinstance(command, app_commands.Group):
            for path, option in titled_paths(command.commands).items():
                found[(command.name, *path)] = option
            continue
        if isinstance(command, app_commands.ContextMenu):
            continue
        # Parameter.autocomplete only says whether there is one; the callback is kept here.
        for param in command._params.values():  # pyright: ignore[reportPrivateUsage]
            if param.autocomplete is title_autocomplete:
                found[(command.name,)] = param.display_name
    return found


def typed_title(data: dict[str, Any], paths: dict[tuple[str, ...], str]) -> str | None:
    """The text typed in a title option, when `data` (a frame's interaction) is such a keystroke."""
    if data.get("type") != AUTOCOMPLETE:
        return None
    command = data.get("data")
    if not isinstance(command, dict) or command.get("type", CHAT_INPUT) != CHAT_INPUT:
        return None
    path = [command.get("name")]
    options = command.get("options") or []
    # A subcommand (group) is the only option at its level, with the real options inside it.
    while len(options) == 1 and options[0].get("type") in SUBCOMMAND_TYPES:
        path.append(options[0].get("name"))
        options = options[0].get("options") or []
    wanted = paths.get(tuple(path))  # type: ignore[arg-type]
    if wanted is None:
        return None
    for option in options:
        if option.get("focused"):
            value = option.get("value")
            return value if option.get("name") == wanted and isinstance(value, str) else None
    return None


def install(bot: DramaBot) -> None:
    """Answer title keystrokes from the frame; every other interaction goes to discord.py."""
    if type(bot.tree).interaction_check is not app_commands.CommandTree.interaction_check:
        log.info("the command tree checks every interaction: title keystrokes go through discord.py")
        return
    parsers: dict[str, Callable[[dict[str, Any]], None]] = bot._connection.parsers  # pyright: ignore[reportPrivateUsage]
    generic = parsers["INTERACTION_CREATE"]
    paths = titled_paths(bot.tree.get_commands())
    answering: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks

    def parse_interaction_create(data: dict[str, Any]) -> None:
        typed = typed_title(data, paths)
        if typed is None:
            generic(data)
            return
        task = bot.loop.create_task(answer(bot, data, typed), name="title-keystroke")
        answering.add(task)
        task.add_done_callback(answering.discard)

    parsers["INTERACTION_CREATE"] = parse_interaction_create


async def answer(bot: DramaBot, data: dict[str, Any], typed: str) -> None:
    """Send the title choices for `typed` as the interaction's autocomplete result."""
    try:
        choices = await bot.catalog.title_choices(typed)
        payload = {"choices": [{"name": c.name, "value": c.value} for c in choices[:CHOICES_MAX]]}
        http = bot.http
        await async_context.get().create_interaction_response(
            int(data["id"]),
            data["token"],
            session=http._HTTPClient__session,  # pyright: ignore  (as discord.Interaction takes it)
            proxy=http.proxy,
            proxy_auth=http.proxy_auth,
            params=interaction_response_params(type=AUTOCOMPLETE_RESULT, data=payload),
        )
    except discord.HTTPException as e:
        # Usually 10062: the fan typed on, and Discord no longer waits for this answer.
        log.debug("title keystroke %s not answered: %s", data.get("id"), e)
    except Exception:
        log.exception("title keystroke %s failed", data.get("id"))
