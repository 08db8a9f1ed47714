"""The database: connection, migrations, transactions; the aggregates' SQL hangs off `Store`."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from kdrama.dates import utcnow
from kdrama.store.catalog import CatalogStore
from kdrama.store.changes import ChangeStore
from kdrama.store.curators import CuratorStore
from kdrama.store.outbox import OutboxStore
from kdrama.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)


# SQLite's page cache (2 MiB by default). Answers come from the in-memory catalog, and the
# start-up reads the database once from end to end, which would fill any cache: 512 KiB
# keeps the B-trees' upper pages for edits and is 1.5 MiB off the bot's peak memory.
PAGE_CACHE_KIB = 512


class StoreError(RuntimeError):
    """The database is not in a state the bot can use (e.g. from a newer version)."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The numbered .sql files shipped in kdrama/migrations, in order."""
    found: list[Migration] = []
    for entry in resources.files("kdrama.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append(Migration(int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations must be numbered 0001, 0002, … without gaps; found {versions}")
    return found


class Store:
    """The bot's one SQLite database. Writes are serialised; reads run between them."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self._write_lock = asyncio.Lock()
        self.catalog = CatalogStore(self)
        self.changes = ChangeStore(self)
        self.curators = CuratorStore(self)
        self.subscriptions = SubscriptionStore(self)
        self.outbox = OutboxStore(self)

    # --- lifecycle -----------------------------------------------------------------------
    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at `path`."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
            store = cls(db, path)
            await store.migrate()
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        async with self._write_lock:
            await self.db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def schema_version(self) -> int:
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply every migration newer than the database, each in its own transaction."""
        migrations = load_migrations()
        current = await self.schema_version()
        if current > len(migrations):
            raise StoreError(
                f"the database is at schema version {current}, newer than this code knows "
                f"({len(migrations)}); upgrade the bot"
            )
        for m in migrations[current:]:
            async with self.transaction() as db:
                for statement in _split_sql(m.sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {m.version}")
            log.info("applied migration %s", m.name)
        return len(migrations)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time: BEGIN IMMEDIATE, then COMMIT or ROLLBACK."""
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            else:
                await self.db.execute("COMMIT")

    # --- reads ---------------------------------------------------------------------------
    # aiosqlite runs every call on its own thread: `async with db.execute() as cur` plus a
    # fetch costs four round trips to it, execute_fetchall one. A profile of the latency
    # benchmark showed those hops as most of a lookup's time, so reads take one hop each.
    async def fetch_all(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Every row of a query, in one round trip to the database thread."""
        return list(await self.db.execute_fetchall(sql, args))

    async def fetch_one(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query (or None), in one round trip."""
        rows = await self.db.execute_fetchall(sql, args)
        return next(iter(rows), None)

    # --- meta ----------------------------------------------------------------------------
    async def get_meta(self, key: str) -> str | None:
        row = await self.fetch_one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # --- backup --------------------------------------------------------------------------
    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database at `target`, by SQLite's online backup API.

        Other processes may keep writing meanwhile: the copy is the database as of one
        moment, never a torn file. It is written beside `target` and renamed into place.
        """
        target = Path(target)
        if await asyncio.to_thread(os.path.realpath, target) == await asyncio.to_thread(
            os.path.realpath, self.path
        ):
            raise StoreError("the backup can't overwrite the database it copies")
        partial = target.with_name(target.name + ".partial")
        await asyncio.to_thread(partial.unlink, missing_ok=True)
        async with aiosqlite.connect(str(partial)) as copy:
            await self.db.backup(copy)
        await asyncio.to_thread(partial.replace, target)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows where each ends)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        raise StoreError("a migration ends in an incomplete statement")
    return statements


__all__ = ["Store", "StoreError", "utcnow"]
