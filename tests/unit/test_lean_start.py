"""A bot without TMDB_TOKEN starts without Babel's date, list and message modules or TMDB's client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

# What start-up builds, short of connecting: the database with the starter catalog, the
# catalog, the bot with every cog and the command tree translated into every language (as a
# sync sends it), each language's messages, and an English answer with its dates.
START = """
import asyncio, json, sys
from datetime import UTC, date, datetime
import discord
import bot
from cogs.translator import CommandTranslator
from kdrama import answers, i18n, render
from kdrama.dates import PartialDate
from kdrama.lookup import Catalog
from kdrama.settings import Settings

async def main():
    settings = Settings.from_env({"DISCORD_TOKEN": "x", "DATABASE_PATH": sys.argv[1]})
    async with await bot.open_store(settings) as store:
        catalog = await Catalog.load(store)
        client = bot.DramaBot(settings, store, catalog)
        await client.tree.set_translator(CommandTranslator())
        for name in bot.COGS:
            await client.load_extension(name)
        payload = await client.command_payload()
        reply = await answers.ask(catalog, "/release title:All of Us Are Dead season:2")
        started = sorted(sys.modules)
        # Ready (a user stands in for the gateway's): the catalog is loaded, typos come next.
        client._connection.user = type("User", (), {"id": 1, "__str__": lambda self: "Drama bot"})()
        await client.on_ready()
        for name in bot.COGS:
            await client.unload_extension(name)
    en = i18n.text("en")
    shown = {
        "payload": next(p for p in payload if p["name"] == "release")["name_localizations"],
        "messages": {lang: i18n.text(lang).gettext("unknown") for lang in i18n.LANGUAGES},
        "dates": [
            en.date(PartialDate.parse("2023-Q4")),
            en.long_day(date(2023, 10, 6)),
            en.day(date(2026, 11, 25)),
            en.moment(datetime(2023, 10, 6, 8, tzinfo=UTC)),
            str(i18n.any_of(["A", "B", "C"])),
        ],
        "answer": render.to_text(reply),
        "modules": started,
        "modules_when_ready": sorted(sys.modules),
    }
    print(json.dumps(shown, ensure_ascii=False))

asyncio.run(main())
"""

NOT_AT_START = (
    "babel.dates",
    "babel.lists",
    "babel.messages",
    "aiolimiter",
    "tenacity",
    "importlib.metadata",
)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What START printed, run once in a fresh interpreter without TMDB_TOKEN."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMDB_")}
    done = subprocess.run(
        [sys.executable, "-c", START, str(tmp_path_factory.mktemp("start") / "kdrama.db")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_start_up_without_a_tmdb_token_loads_no_babel_nor_tmdb_client(shown: dict[str, Any]) -> None:
    # It did the work: Korean names and messages are there, English dates and answers read as ever.
    assert shown["payload"] == {"ko": "공개일"}
    assert shown["messages"] == {"en": "unknown", "ko": "알 수 없음"}
    assert shown["dates"] == [
        "Q4 2023",
        "6 October 2023",
        "25 Nov 2026",
        "Friday, 6 October 2023 08:00 UTC",
        "A, B or C",
    ]
    assert "All of Us Are Dead" in shown["answer"]
    loaded = [m for m in shown["modules"] if m in NOT_AT_START or m.startswith(NOT_AT_START[:3])]
    assert loaded == []


def test_close_spellings_are_imported_when_ready_not_at_start_nor_in_a_fans_typo(
    shown: dict[str, Any],
) -> None:
    assert "rapidfuzz.process" not in shown["modules"]
    assert "rapidfuzz.process" in shown["modules_when_ready"]
