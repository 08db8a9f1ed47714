"""Statements a curator's file makes count as the curator's: the TMDB sync leaves them for review."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import Status
from kdrama.store import Store, load_migrations
from kdrama.tmdb.sync import Syncer
from tests.tmdbstandin.server import TmdbStandIn
from tests.unit.tmdb.sync_support import (
    CURATOR,
    client,
    curated_after_upgrade,
    two_season_world,
)

pytestmark = pytest.mark.asyncio

UNCONFIRMED_STATUS_MIGRATION = next(
    m.version for m in load_migrations() if m.name.endswith("_curated_unconfirmed_status.sql")
)


async def test_a_files_sourced_unconfirmed_status_is_the_curators_and_a_bare_one_follows_tmdb(
    empty_store: Store,
) -> None:
    catalog = await Catalog.load(empty_store)
    nothing_yet = {
        "value": "unconfirmed",
        "source": "The network, asked in 2023",
        "note": "Nothing announced.",
    }
    file = {
        "shows": [
            {
                "slug": "hand-made-drama",
                "title": "Hand Made Drama",
                "seasons": [{"number": 1, "status": nothing_yet}, {"number": 2}],
            }
        ]
    }
    await edits.import_catalog(catalog, CURATOR, json.dumps(file).encode(), hosts=None)
    ref = await empty_store.catalog.show_ref_by_slug("hand-made-drama")
    assert ref is not None
    world, tv = two_season_world(date(2025, 3, 1))  # both seasons have aired on TMDB
    server = TmdbStandIn(world).start()
    try:
        async with client(server) as tmdb:
            await Syncer(empty_store, tmdb).pull(tv.id, show_id=ref.id)
    finally:
        server.stop()
    first, second = await empty_store.catalog.seasons(ref.id)
    assert first.status.value is Status.UNCONFIRMED and first.status.note == "Nothing announced."
    assert second.status.value in (Status.AIRING, Status.RELEASED)
    assert "season.1.status" in {i.key for i in await empty_store.sync.open_reviews(50)}


async def test_a_catalog_imported_before_keeps_its_sourced_unconfirmed_status_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    store = await Store.open(path)
    catalog = await Catalog.load(store)
    nothing_yet = {"value": "unconfirmed", "source": "The network, asked in 2023"}
    file = {
        "shows": [
            {
                "slug": "hand-made-drama",
                "title": "Hand Made Drama",
                "seasons": [{"number": 1, "status": nothing_yet}],
            }
        ]
    }
    await edits.import_catalog(catalog, CURATOR, json.dumps(file).encode(), hosts=None)
    ref = await store.catalog.show_ref_by_slug("hand-made-drama")
    assert ref is not None
    # As an import before the fix recorded it: the unconfirmed status was nobody's.
    assert "season.1.status" in await curated_after_upgrade(
        store, path, ref.id, "season.1.status", UNCONFIRMED_STATUS_MIGRATION
    )
