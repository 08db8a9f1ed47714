"""Which import changes notify watchers: what the same curator edits would, never a new show."""

from __future__ import annotations

import asyncio
import contextvars
import json
from typing import Any

from kdrama import edits
from kdrama.errors import UserError
from kdrama.lookup import Catalog
from kdrama.models import Actor, Event, Status
from kdrama.store import Store, utcnow

AOUAD = "all-of-us-are-dead"
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
CURATOR = Actor(1001, "curator")


async def watch_every_show(store: Store) -> None:
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO subscription (guild_id, channel_id, show_id, events, created_by, created_at) "
            "VALUES (500, 600, NULL, 'cast,date,release,status,trailer', 1, ?)",
            (utcnow().isoformat(),),
        )


async def outbox(store: Store) -> list[int]:
    return [r[0] for r in await store.db.execute_fetchall("SELECT change_id FROM delivery ORDER BY id")]


async def exported(catalog: Catalog) -> dict[str, Any]:
    return json.loads(await edits.export_text(catalog.store))


def show(data: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(s for s in data["shows"] if s["slug"] == slug)


async def run_import(catalog: Catalog, *shows: dict[str, Any]) -> list[int]:
    data = json.dumps({"format": 1, "shows": list(shows)}).encode()
    return (await edits.import_catalog(catalog, CURATOR, data, hosts=None)).change_ids


async def test_a_replaced_show_notifies_what_the_same_edits_would(catalog: Catalog) -> None:
    await watch_every_show(catalog.store)
    aouad = show(await exported(catalog), AOUAD)
    aouad["seasons"][1]["status"] = {
        "value": "renewed",
        "source": NETFLIX,
        "as_of": "2026-01-01",
        "note": None,
    }
    aouad["seasons"][1]["trailers"].append(
        {
            "title": "Teaser",
            "url": "https://www.youtube.com/watch?v=abcdefghijk",
            "kind": "teaser",
            "published": None,
        }
    )
    (change_id,) = await run_import(catalog, aouad)
    change = await catalog.store.changes.change(change_id)
    assert change is not None and change.events == {Event.STATUS, Event.TRAILER}
    assert await outbox(catalog.store) == [change_id]
    # Undoing the import takes the renewal back, which is news like undoing a status edit.
    undone = await edits.undo(catalog, CURATOR, change_id)
    assert undone.events == {Event.STATUS}
    assert await outbox(catalog.store) == [change_id, undone.id]


async def test_a_new_season_counts_as_added_then_set(catalog: Catalog) -> None:
    aouad = show(await exported(catalog), AOUAD)
    aouad["seasons"].append(
        {
            "number": 3,
            "status": {"value": "unconfirmed"},
            "release": {"date": "2028", "official": False, "source": "A fan forum"},
        }
    )
    (change_id,) = await run_import(catalog, aouad)
    change = await catalog.store.changes.change(change_id)
    assert change is not None and change.events == {Event.DATE}


async def test_a_new_show_or_a_synopsis_notifies_no_one(catalog: Catalog) -> None:
    await watch_every_show(catalog.store)
    data = await exported(catalog)
    aouad = show(data, AOUAD)
    aouad["synopsis"] = "Zombies at school."
    new_show = {**data["shows"][0], "slug": "brand-new-show", "title": "Brand New Show", "similar": []}
    ids = await run_import(catalog, aouad, new_show)
    assert len(ids) == 2
    for change_id in ids:
        change = await catalog.store.changes.change(change_id)
        assert change is not None and change.events == frozenset()
    assert await outbox(catalog.store) == []


async def test_undoing_an_import_keeps_an_edit_that_landed_while_the_import_was_reading(
    catalog: Catalog,
) -> None:
    """Another curator's edit made while an import reads the catalog is never lost to its undo."""
    store = catalog.store
    aouad = show(await exported(catalog), AOUAD)
    aouad["synopsis"] = "Imported synopsis."
    real = store.catalog.file_shows
    other_edit: list[asyncio.Task[Any]] = []

    async def file_shows_while_a_curator_edits(ids: list[int] | None = None) -> list[dict[str, Any]]:
        found = await real(ids)
        if not other_edit:
            # The other curator's edit runs as its own task, as a second interaction would; it
            # commits at once unless the import's reads and writes hold the catalog meanwhile.
            edit = edits.set_status(catalog, Actor(1002, "other"), AOUAD, 2, "renewed", "Netflix Tudum")
            other_edit.append(asyncio.create_task(edit, context=contextvars.Context()))
            await asyncio.wait(other_edit, timeout=1.0)
        return found

    store.catalog.file_shows = file_shows_while_a_curator_edits  # type: ignore[method-assign]
    try:
        (import_id,) = await run_import(catalog, aouad)
    finally:
        store.catalog.file_shows = real  # type: ignore[method-assign]
    await other_edit[0]
    try:
        await edits.undo(catalog, CURATOR, import_id)
    except UserError as refused:  # the edit came after the import: undo names it
        assert "undo that first" in str(refused)
    season = await store.catalog.season((await catalog.resolve(AOUAD)).id, 2)
    assert season is not None and season.status.value is Status.RENEWED
