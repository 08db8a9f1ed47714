"""Bad catalog files are refused with one sentence naming the entry, and nothing is written.

Both ways in: `/admin import` (edits.import_catalog) and `python bot.py import FILE`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bot
from kdrama import edits
from kdrama.edits import EditError
from kdrama.lookup import Catalog
from kdrama.models import Actor
from kdrama.settings import Settings
from kdrama.store import Store

CURATOR = Actor(1001, "curator")
HUGE = "9" * 5000
TABLES = ("show", "season", "person", "credit", "trailer", "change")


def catalog_text(show: str) -> str:
    """A catalog whose second show is `show` (JSON text), after a good one."""
    good = json.dumps({"slug": "good-show", "title": "Good Show"})
    return '{"format": 1, "shows": [' + good + ", " + show + "]}"


def show_with(**fields: str) -> str:
    parts = ['"slug": "bad-show"', '"title": "Bad Show"'] + [f'"{k}": {v}' for k, v in fields.items()]
    return "{" + ", ".join(parts) + "}"


# (what is wrong, the file, what the refusal must say after "Nothing imported: ")
BAD_FILES = [
    ("deep nesting", catalog_text(show_with(seasons="[" * 100_000 + "]" * 100_000)), "shows[1]"),
    (
        "5,000 digits",
        catalog_text(show_with(seasons=f'[{{"number": 2, "episodes": {HUGE}}}]')),
        "shows[1] (Bad Show)",
    ),
    (
        "beyond SQLite's integers",
        catalog_text(show_with(cast=f'[{{"actor": "Kim", "billing": {2**64}}}]')),
        "shows[1] (Bad Show)",
    ),
    (
        "a season no command reaches",
        catalog_text(show_with(seasons='[{"number": 100}]')),
        "shows[1] (Bad Show)",
    ),
    (
        "the same actor twice in a cast",
        catalog_text(
            show_with(
                seasons='[{"number": 1, "cast": [{"actor": "Kim"}, {"actor": "Kim", "character": "B"}]}]'
            )
        ),
        "shows[1] (Bad Show)",
    ),
    (
        "an expected cast entry without a source",
        catalog_text(show_with(seasons='[{"number": 1, "cast": [{"actor": "Kim", "official": false}]}]')),
        "shows[1] (Bad Show)",
    ),
]


async def counts(store: Store) -> dict[str, int]:
    return {t: (await store.fetch_one(f"SELECT count(*) FROM {t}"))[0] for t in TABLES}  # type: ignore[index]


def one_sentence(text: str) -> None:
    assert "\n" not in text and len(text) < 300, text
    assert text.endswith("."), text
    assert "Traceback" not in text and "Error" not in text, text


@pytest.mark.parametrize(("what", "text", "names"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
async def test_admin_import_refuses_a_bad_file_naming_the_entry(
    catalog: Catalog, what: str, text: str, names: str
) -> None:
    before = await counts(catalog.store)
    with pytest.raises(EditError) as refused:
        await edits.import_catalog(catalog, CURATOR, text.encode(), hosts=None)
    message = str(refused.value)
    assert message.startswith(f"Nothing imported: {names}"), message
    one_sentence(message)
    assert await counts(catalog.store) == before
    assert await catalog.store.catalog.show_by_slug("good-show") is None


@pytest.mark.parametrize(("what", "text", "names"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
async def test_the_command_line_import_refuses_a_bad_file_naming_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, text: str, names: str
) -> None:
    settings = Settings.from_env({"DATABASE_PATH": str(tmp_path / "kdrama.db")})
    async with await bot.open_store(settings) as store:
        before = await counts(store)
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert await bot.import_file(settings, path) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"Nothing imported: {names}"), err
    one_sentence(err)
    async with await Store.open(settings.database_path) as store:
        assert await counts(store) == before


async def test_an_import_refuses_an_expected_cast_entry_without_a_source(catalog: Catalog) -> None:
    """What /admin cast add refuses, an import refuses too: an expected item shows its source."""
    data = json.loads(await edits.export_text(catalog.store))
    aouad = next(s for s in data["shows"] if s["slug"] == "all-of-us-are-dead")
    aouad["seasons"][1]["cast"].append(
        {"actor": "Rumoured Actor", "character": "Someone", "official": False, "source": None}
    )
    with pytest.raises(EditError, match="source"):
        await edits.add_cast(
            catalog, CURATOR, "all-of-us-are-dead", "Rumoured Actor", "Someone", season=2, official=False
        )
    before = await counts(catalog.store)
    with pytest.raises(EditError, match="expected cast entry, so it needs a source") as refused:
        await edits.import_catalog(
            catalog, CURATOR, json.dumps({"format": 1, "shows": [aouad]}).encode(), hosts=None
        )
    one_sentence(str(refused.value))
    assert await counts(catalog.store) == before
