"""Meta-test: every cog loads and the command tree is within Discord's limits."""

from __future__ import annotations

import re
from typing import Any

from discord import app_commands

from bot import COGS, DramaBot
from cogs.translator import CommandTranslator
from kdrama.lookup import Catalog
from kdrama.settings import Settings
from tests.standin.validation import validate_commands

NAME = re.compile(r"^[-_\w]{1,32}$")


def check_options(path: str, options: list[dict[str, Any]], problems: list[str]) -> None:
    names = [o["name"] for o in options]
    if len(names) != len(set(names)):
        problems.append(f"{path}: duplicate option names {names}")
    if len(options) > 25:
        problems.append(f"{path}: {len(options)} options")
    required_seen_optional = False
    for o in options:
        where = f"{path} {o['name']}"
        if not NAME.match(o["name"]) or o["name"] != o["name"].lower():
            problems.append(f"{where}: bad name")
        if not 1 <= len(o.get("description", "")) <= 100:
            problems.append(f"{where}: description length {len(o.get('description', ''))}")
        if o["type"] in (1, 2):  # subcommand or group
            if len(o.get("options", [])) > 25:
                problems.append(f"{where}: more than 25 subcommands")
            check_options(where, o.get("options", []), problems)
            continue
        if o.get("required"):
            if required_seen_optional:
                problems.append(f"{where}: required option after an optional one")
        else:
            required_seen_optional = True
        for choice in o.get("choices", []) or []:
            if not 1 <= len(choice["name"]) <= 100:
                problems.append(f"{where}: choice name length")
        if len(o.get("choices", []) or []) > 25:
            problems.append(f"{where}: more than 25 choices")


async def test_every_cog_loads_and_the_tree_is_within_discords_limits(catalog: Catalog) -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": "x"})
    bot = DramaBot(settings, catalog.store, catalog)
    for name in COGS:
        await bot.load_extension(name)
    commands = bot.tree.get_commands()
    payload = [c.to_dict(bot.tree) for c in commands]
    names = [p["name"] for p in payload]
    assert len(names) == len(set(names)), names
    assert len(payload) <= 100
    problems: list[str] = []
    for p in payload:
        if not NAME.match(p["name"]) or p["name"] != p["name"].lower():
            problems.append(f"/{p['name']}: bad name")
        if not 1 <= len(p.get("description", "")) <= 100:
            problems.append(f"/{p['name']}: description length")
        check_options("/" + p["name"], p.get("options", []), problems)
    assert problems == []
    # The public interface of DESIGN.md: these commands exist with these options.
    by_name = {p["name"]: p for p in payload}
    for command, options in {
        "show": ["title"],
        "release": ["title", "season"],
        "cast": ["title", "season"],
        "trailer": ["title", "season"],
        "upcoming": ["days"],
        "search": ["query"],
    }.items():
        assert [o["name"] for o in by_name[command].get("options", [])] == options
    assert all(isinstance(c, app_commands.Command | app_commands.Group) for c in commands)


async def test_the_synced_tree_carries_korean_translations_discord_accepts(catalog: Catalog) -> None:
    bot = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}), catalog.store, catalog)
    await bot.tree.set_translator(CommandTranslator())
    for name in COGS:
        await bot.load_extension(name)
    payload = await bot.command_payload()  # what a sync sends, and what its hash covers
    assert validate_commands(payload) == {}
    by_name = {p["name"]: p for p in payload}
    assert by_name["release"]["name_localizations"] == {"ko": "공개일"}
    assert by_name["watch"]["description_localizations"] == {"ko": "채널에 작품 소식을 게시합니다"}
    admin_show = next(o for o in by_name["admin"]["options"] if o["name"] == "show")
    assert admin_show["name_localizations"] == {"ko": "작품"}


async def test_mentions_are_disabled_bot_wide(catalog: Catalog) -> None:
    bot = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}), catalog.store, catalog)
    mentions = bot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == {"parse": []}


def _leaf_options(options: list[dict[str, Any]], path: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for o in options:
        if o["type"] in (1, 2):
            found.extend(_leaf_options(o.get("options", []), f"{path} {o['name']}"))
        else:
            found.append((path, o))
    return found


async def test_every_title_and_season_option_autocompletes(catalog: Catalog) -> None:
    bot = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}), catalog.store, catalog)
    for name in COGS:
        await bot.load_extension(name)
    missing = [
        f"{path} {o['name']}"
        for c in bot.tree.get_commands()
        for path, o in _leaf_options(c.to_dict(bot.tree).get("options", []), "/" + c.name)
        if o["name"] in ("title", "season")
        and not o.get("autocomplete")
        and path != "/admin show add"  # a new show's title is not picked from existing ones
    ]
    assert missing == []


async def test_fans_commands_are_user_installable_and_staff_ones_stay_in_servers(catalog: Catalog) -> None:
    bot = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}), catalog.store, catalog)
    for name in COGS:
        await bot.load_extension(name)
    payload = {c.name: c.to_dict(bot.tree) for c in bot.tree.get_commands()}
    where = {name: (p.get("integration_types"), p.get("contexts")) for name, p in payload.items()}
    fans = ("show", "release", "cast", "trailer", "upcoming", "search", "follow", "about")
    assert {name: where[name] for name in fans} == {name: ([0, 1], [0, 1, 2]) for name in fans}
    assert where["watch"] == where["admin"] == ([0], [0])
    follow = {o["name"]: [x["name"] for x in o.get("options", [])] for o in payload["follow"]["options"]}
    assert follow == {"add": ["title", "events"], "remove": ["title"], "list": []}
    assert payload["follow"].get("default_member_permissions") is None
