"""Title keystrokes answered from the gateway frame give what discord.py's own path gives."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from itertools import count
from typing import Any

import discord
import pytest
from discord.webhook.async_ import async_context

from bot import COGS, DramaBot, DramaTree
from cogs import keystrokes
from cogs.translator import CommandTranslator
from kdrama.lookup import Catalog
from kdrama.settings import Settings

GUILD, CHANNEL, FAN, APP = 1600, 1500, 1700, 1200
_ids = count(1_300_000_000_000_000_000)


class Recorder:
    """Stands in for discord.py's webhook adapter: keeps each interaction callback it is given."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[tuple[int, str, dict[str, Any]]] = []
        self.fail = fail

    async def create_interaction_response(
        self, interaction_id: int, token: str, *, params: Any, **_: Any
    ) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append((interaction_id, token, params.payload))


def frame(
    path: str, focused: str, typed: str, *, locale: str = "en-US", in_dm: bool = False, **others: Any
) -> dict[str, Any]:
    """An INTERACTION_CREATE's data as Discord sends it while a fan types into `focused`."""
    *groups, leaf = path.split()
    options: list[dict[str, Any]] = [
        {"name": name, "type": 4 if isinstance(value, int) else 3, "value": value}
        for name, value in others.items()
    ]
    options.append({"name": focused, "type": 3, "value": typed, "focused": True})
    names = [*groups, leaf]
    for depth in range(len(names) - 1, 0, -1):
        kind = 1 if depth == len(names) - 1 else 2  # the leaf is a subcommand, above it groups
        options = [{"name": names[depth], "type": kind, "options": options}]
    user = {"id": str(FAN), "username": "fan", "discriminator": "0", "global_name": "Fan", "avatar": None}
    data: dict[str, Any] = {
        "id": str(next(_ids)),
        "application_id": str(APP),
        "type": 4,
        "data": {"id": "1400", "name": names[0], "type": 1, "options": options},
        "channel_id": str(CHANNEL),
        "token": f"token-{typed!r}",
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "app_permissions": "0",
    }
    if in_dm:
        data.update(
            user=user,
            context=1,
            channel={"id": str(CHANNEL), "type": 1},
            authorizing_integration_owners={"1": str(FAN)},
        )
    else:
        data.update(
            guild_id=str(GUILD),
            guild={"id": str(GUILD), "locale": "en-US", "features": []},
            guild_locale="en-US",
            channel={
                "id": str(CHANNEL),
                "type": 0,
                "guild_id": str(GUILD),
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "permissions": "2248473465835073",
            },
            member={
                "user": user,
                "roles": [],
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": "2248473465835073",
            },
            context=0,
            authorizing_integration_owners={"0": str(GUILD)},
        )
    return data


@pytest.fixture
async def bot(catalog: Catalog) -> AsyncIterator[DramaBot]:
    """The bot as setup_hook leaves it, without logging in."""
    drama = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}, dotenv=False), catalog.store, catalog)
    await drama._async_setup_hook()  # pyright: ignore[reportPrivateUsage]  (sets the loop, as login does)
    state = drama._connection  # pyright: ignore[reportPrivateUsage]
    state.user = discord.ClientUser(
        state=state,
        data={"id": str(APP), "username": "drama", "discriminator": "0", "avatar": None, "global_name": None},
    )  # type: ignore[typeddict-item]
    await drama.tree.set_translator(CommandTranslator())
    for name in COGS:
        await drama.load_extension(name)
    keystrokes.install(drama)
    await catalog.loaded()
    yield drama


async def answers(bot: DramaBot, data: dict[str, Any], *, generic: bool = False) -> list[dict[str, Any]]:
    """The choices the bot sends for one frame: through the installed parser, or discord.py's own."""
    recorder = Recorder()
    token = async_context.set(recorder)  # type: ignore[arg-type]
    try:
        state = bot._connection  # pyright: ignore[reportPrivateUsage]
        parse = state.parse_interaction_create if generic else state.parsers["INTERACTION_CREATE"]
        parse(data)  # pyright: ignore[reportArgumentType]  (a frame's dict, as the gateway gives it)
        for _ in range(50):
            if recorder.sent:
                break
            await asyncio.sleep(0.01)
    finally:
        async_context.reset(token)
    assert len(recorder.sent) == 1, f"{len(recorder.sent)} callbacks for {data['data']}"
    interaction_id, sent_token, payload = recorder.sent[0]
    assert (interaction_id, sent_token) == (int(data["id"]), data["token"])
    assert payload["type"] == 8
    return payload["data"]["choices"]


async def test_the_paths_are_every_command_whose_title_autocompletes_titles(bot: DramaBot) -> None:
    paths = keystrokes.titled_paths(bot.tree.get_commands())
    assert {("show",), ("release",), ("cast",), ("trailer",), ("follow", "add")} <= set(paths)
    assert ("admin", "season", "date") in paths and ("admin", "sync", "show") in paths
    # Their own autocompletes (a fan's follows, a channel's shows) stay with discord.py.
    assert (
        ("follow", "remove") not in paths
        and ("watch", "remove") not in paths
        and ("watch", "add") not in paths
    )
    assert set(paths.values()) == {"title"}


@pytest.mark.parametrize(
    ("path", "typed"),
    [
        ("release", ""),
        ("release", "a"),
        ("release", "all of us"),
        ("cast", "ALL OF US ARE"),
        ("show", "지금"),
        ("trailer", "ㅈㄱ"),
        ("release", "jigeum"),
        ("show", "squid gmae"),
        ("release", "zzqxjv"),
        ("release", "   "),
        ("follow add", "crash"),
        ("admin season date", "our bel"),
    ],
)
async def test_a_title_keystroke_gets_the_choices_discord_pys_path_gives(
    bot: DramaBot, path: str, typed: str
) -> None:
    fast = await answers(bot, frame(path, "title", typed))
    assert fast == await answers(bot, frame(path, "title", typed), generic=True)
    assert len(fast) <= 25 and all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in fast)


async def test_the_fast_path_answers_in_direct_messages_and_in_korean_too(bot: DramaBot) -> None:
    dm = frame("release", "title", "all of", in_dm=True, locale="ko")
    fast = await answers(bot, dm)
    assert "All of Us Are Dead" in [c["name"] for c in fast]
    assert fast == await answers(
        bot, frame("release", "title", "all of", in_dm=True, locale="ko"), generic=True
    )


async def test_other_keystrokes_and_commands_still_go_to_discord_py(
    bot: DramaBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[str] = []
    answer = keystrokes.answer

    async def spy(bot_: DramaBot, data: dict[str, Any], typed: str) -> None:
        taken.append(typed)
        await answer(bot_, data, typed)

    monkeypatch.setattr(keystrokes, "answer", spy)
    slug = next(c["value"] for c in await answers(bot, frame("release", "title", "all of us")))
    assert taken == ["all of us"]
    # The season option of the same command: its seasons, by discord.py's path.
    seasons = await answers(bot, frame("release", "season", "", title=slug))
    assert seasons and all(isinstance(c["value"], int) for c in seasons)
    # A fan's own follows, and a command the bot does not know.
    await answers(bot, frame("follow remove", "title", ""))
    assert taken == ["all of us"]
    assert keystrokes.typed_title(frame("nope", "title", "x"), {("release",): "title"}) is None
    slash = frame("release", "title", "x")
    slash["type"] = 2
    assert keystrokes.typed_title(slash, {("release",): "title"}) is None
    numeric = frame("release", "title", "x")
    numeric["data"]["options"][0]["value"] = 7
    assert keystrokes.typed_title(numeric, {("release",): "title"}) is None


async def test_a_failing_answer_is_logged_and_an_expired_one_is_not_an_error(
    bot: DramaBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Expired(discord.NotFound):
        def __init__(self) -> None:  # no aiohttp response to build one from
            Exception.__init__(self, "404 Not Found (error code: 10062): Unknown interaction")

    caplog.set_level(logging.DEBUG, logger="cogs.keystrokes")
    token = async_context.set(Recorder(fail=Expired()))  # type: ignore[arg-type]
    try:
        await keystrokes.answer(bot, frame("release", "title", "all of"), "all of")
    finally:
        async_context.reset(token)
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]

    async def broken(*_: Any, **__: Any) -> list[Any]:
        raise RuntimeError("the catalog is on fire")

    caplog.clear()
    monkeypatch.setattr(bot.catalog, "title_choices", broken)
    recorder = Recorder()
    token = async_context.set(recorder)  # type: ignore[arg-type]
    try:
        await keystrokes.answer(bot, frame("release", "title", "all of"), "all of")
    finally:
        async_context.reset(token)
    assert recorder.sent == []
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert caplog.records[0].exc_info is not None


async def test_a_tree_wide_check_keeps_every_keystroke_on_discord_pys_path(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def blocklist(self: Any, interaction: discord.Interaction[Any], /) -> bool:
        return interaction.user.id != FAN

    monkeypatch.setattr(DramaTree, "interaction_check", blocklist)
    drama = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}, dotenv=False), catalog.store, catalog)
    for name in COGS:
        await drama.load_extension(name)
    parsers = drama._connection.parsers  # pyright: ignore[reportPrivateUsage]
    generic = parsers["INTERACTION_CREATE"]
    keystrokes.install(drama)
    assert parsers["INTERACTION_CREATE"] is generic
