"""The command tree in the reader's language: discord.py's Translator over our gettext catalogs.

Discord shows each user the `name_localizations` and `description_localizations` of their
client's locale; interactions still carry the English names, so nothing else changes. This
module also extracts the tree's strings for Babel (`babel.cfg`), since they are written as
plain decorator arguments, not gettext calls.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.ext import commands

from kdrama import i18n
from kdrama.i18n import ENGLISH

# Names follow Discord's naming rules (lowercase, no spaces), so they are translated apart
# from text that happens to read the same ("cast" the command vs "Cast" the heading).
NAME_CONTEXT = "command name"
NAMES = frozenset({Where.command_name, Where.group_name, Where.parameter_name})


class CommandTranslator(app_commands.Translator):
    """Names, descriptions and choice names of every command, from the message catalogs."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = i18n.resolve(locale.value)
        if lang == ENGLISH:
            return None  # English is the default text itself
        msgctxt = NAME_CONTEXT if context.location in NAMES else None
        return i18n.text(lang).translated(string.message, msgctxt)


# --- extraction (babel.cfg) ------------------------------------------------------------------


class _Recorder(app_commands.Translator):
    """Notes every string the tree asks to translate, with where it is, and translates none."""

    def __init__(self) -> None:
        self.found: dict[tuple[str | None, str], int] = {}
        self.line = 1

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        line = _line_of(context.data)
        if line:
            self.line = line
        msgctxt = NAME_CONTEXT if context.location in NAMES else None
        self.found.setdefault((msgctxt, string.message), self.line)
        return None


def _line_of(data: Any) -> int | None:
    command = getattr(data, "command", data)  # a Parameter knows its command
    callback = getattr(command, "callback", None)
    if callback is None:
        return None
    try:
        return inspect.getsourcelines(callback)[1]
    except (OSError, TypeError):
        return None


def tree_commands(module: Any) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """The top-level app commands the cogs of a module add, without a bot to load them into."""
    found: list[app_commands.Command[Any, ..., Any] | app_commands.Group] = []
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if issubclass(cls, commands.Cog) and cls.__module__ == module.__name__:
            # Cog.__new__ builds the command copies (and a GroupCog's group); __init__ needs a bot.
            cog = cls.__new__(cls)
            group = cog.__cog_app_commands_group__
            found.extend([group] if group is not None else cog.__cog_app_commands__)
    return found


async def _record(tree_of: list[Any]) -> dict[tuple[str | None, str], int]:
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    recorder = _Recorder()
    for command in tree_of:
        await command.get_translated_payload(tree, recorder)
    return recorder.found


def extract_commands(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extraction method for cogs/*.py: its gettext calls, then its command tree's strings."""
    yield from i18n.extract(fileobj, keywords, comment_tags, options)
    path = Path(getattr(fileobj, "name", ""))
    if path.suffix != ".py" or path.stem.startswith("_"):
        return
    module = importlib.import_module(f"{path.parent.name}.{path.stem}")
    if not hasattr(module, "setup"):
        return
    for (msgctxt, message), line in asyncio.run(_record(tree_commands(module))).items():
        if msgctxt is None:
            yield line, "gettext", message, []
        else:
            yield line, "pgettext", (msgctxt, message), []
