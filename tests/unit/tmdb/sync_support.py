"""What the TMDB sync tests share: a fast client for the stand-in and the curator who edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import aiosqlite

from kdrama.models import Actor, ShowRef
from kdrama.store import Store
from kdrama.tmdb.client import TmdbClient
from tests.tmdbstandin.server import TOKEN, TmdbStandIn
from tests.tmdbstandin.world import Season, Show, World

CURATOR = Actor(501, "Curator Kim")


def client(server: TmdbStandIn, **options: float) -> TmdbClient:
    """A client for the stand-in, fast and with short retries."""
    settings = {"rate": 400.0, "backoff_base": 0.05, "backoff_max": 0.5, "request_deadline": 10.0}
    settings.update(options)
    return TmdbClient(TOKEN, base_url=server.base_url, **settings)


async def linked(db: Store, tmdb_id: int) -> tuple[int, ShowRef]:
    """The catalog show a TMDB show is linked to (asserting that it is), and its ref."""
    show_id = await db.sync.show_id(tmdb_id)
    assert show_id is not None
    ref = await db.catalog.show_ref(show_id)
    assert ref is not None
    return show_id, ref


def two_season_world(second: date) -> tuple[World, Show]:
    """One stand-in show: season 1 aired in 2024, season 2 listed on TMDB for `second`."""
    world = World(1, seed=11)
    tv = world.korean()[0]
    s1 = next(s for s in tv.seasons if s.number == 1)
    s1.air_date = date(2024, 3, 1)
    tv.seasons = [s1, Season(2, second, 10)]
    return world, tv


async def rewind_schema(conn: aiosqlite.Connection, version: int) -> None:
    """Make a database look as it did at schema `version`, so the later migrations run again."""
    if version < 15:  # 0015 added a column, which can't be added twice
        await conn.execute("ALTER TABLE sync_run DROP COLUMN held")
    await conn.execute(f"PRAGMA user_version = {version}")


async def curated_after_upgrade(store: Store, path: Path, show_id: int, key: str, migration: int) -> set[str]:
    """The show's curated keys once the database at `path`, its `key` left unsourced as the code
    before `migration` recorded it, is opened again and upgraded (closes `store`)."""
    async with store.transaction() as conn:
        await conn.execute("DELETE FROM field_source WHERE show_id = ? AND key = ?", (show_id, key))
        await rewind_schema(conn, migration - 1)
    await store.close()
    store = await Store.open(path)
    try:
        return await store.sync.curated(show_id)
    finally:
        await store.close()
