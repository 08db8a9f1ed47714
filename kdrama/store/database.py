"""The database: connection, migrations, transactions; the aggregates' SQL hangs off `Store`."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from kdrama.dates import utcnow
from kdrama.store.catalog import CatalogStore
from kdrama.store.changes import ChangeStore
from kdrama.store.curators import CuratorStore
from kdrama.store.follows import FollowStore
from kdrama.store.outbox import OutboxStore
from kdrama.store.subscriptions import SubscriptionStore
from kdrama.store.sync import SyncStore

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


# Set while a task is inside `Store.transaction()`: its reads go to the writer connection
# (they must see the edit's own rows); every other task reads committed data only. The value
# is that transaction's own marker, so a task that inherited it (created inside) and outlives
# the transaction reads committed data again, never another transaction's rows.
_writing: ContextVar[object | None] = ContextVar("writing", default=None)
BUSY_TIMEOUT_MS = 5000


class Store:
    """The bot's one SQLite database: one connection writes, serialised; another reads.

    Readers (lookups, the delivery loop) have their own connection, so they never see the
    rows of an edit that is not committed, and never wait behind a write that waits on a
    lock held by another process.
    """

    def __init__(self, writer: aiosqlite.Connection, path: Path) -> None:
        self.writer = writer
        self.reader = writer  # until open() adds the read-only connection
        self.path = path
        self._write_lock = asyncio.Lock()
        self._open_transaction: object | None = None
        self.catalog = CatalogStore(self)
        self.changes = ChangeStore(self)
        self.curators = CuratorStore(self)
        self.subscriptions = SubscriptionStore(self)
        self.outbox = OutboxStore(self)
        self.follows = FollowStore(self)
        self.sync = SyncStore(self)

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
            await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
            store = cls(db, path)
            await store.migrate()
            if str(path) != ":memory:":
                store.reader = await _open_reader(path)
        except BaseException:
            await db.close()
            raise
        return store

    @classmethod
    async def open_readonly(cls, path: Path | str) -> Store:
        """Open an existing, migrated database only to read it (another process's copy of it)."""
        reader = await _open_reader(Path(path))
        return cls(reader, Path(path))

    @property
    def db(self) -> aiosqlite.Connection:
        """The connection for this task: the writer inside a transaction, else the reader."""
        marker = _writing.get()
        return self.writer if marker is not None and marker is self._open_transaction else self.reader

    async def close(self) -> None:
        async with self._write_lock:
            if self.reader is not self.writer:
                await self.reader.close()
            await self.writer.close()

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
                # Another process on the same file may have applied it while we waited.
                if await self.schema_version() >= m.version:
                    continue
                for statement in _split_sql(m.sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {m.version}")
            log.info("applied migration %s", m.name)
        return len(migrations)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time: BEGIN IMMEDIATE, then COMMIT or ROLLBACK.

        Whatever ends it (an error, a failed COMMIT, the task cancelled while BEGIN waits on
        another process's lock), it ends rolled back or committed: no transaction is left
        open on the connection and the lock is released.
        """
        async with self._write_lock:
            marker = self._open_transaction = object()
            token = _writing.set(marker)
            try:
                # Inside the try: a cancel while BEGIN waits still rolls back once it lands.
                await self.writer.execute("BEGIN IMMEDIATE")
                yield self.writer
                await self.writer.execute("COMMIT")
            except BaseException:
                await self._roll_back()
                raise
            finally:
                self._open_transaction = None
                _writing.reset(token)

    async def _roll_back(self) -> None:
        """ROLLBACK whatever is open, even if this task is cancelled meanwhile.

        aiosqlite runs statements in order on its thread, so this ROLLBACK comes after a
        BEGIN or COMMIT still in flight; the write lock is held until it is done.
        """
        rollback = asyncio.ensure_future(self._rollback_if_open())
        try:
            await asyncio.shield(rollback)
        except asyncio.CancelledError:
            await rollback
            raise

    async def _rollback_if_open(self) -> None:
        try:
            await self.writer.execute("ROLLBACK")
        except sqlite3.OperationalError:
            if self.writer.in_transaction:
                log.exception("ROLLBACK failed; the write connection is still in a transaction")
                raise
            # BEGIN never took effect, or SQLite already rolled back (e.g. on a full disk).

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

    async def data_version(self) -> int:
        """A number that changes whenever another connection (or process) commits."""
        row = await self.fetch_one("PRAGMA data_version")
        return int(row[0]) if row else 0

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
            await self.reader.backup(copy)
        await asyncio.to_thread(partial.replace, target)


async def _open_reader(path: Path) -> aiosqlite.Connection:
    """A read-only connection to the database at `path` (already created, in WAL mode)."""
    uri = (await asyncio.to_thread(path.resolve)).as_uri() + "?mode=ro"
    reader = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    try:
        await reader.execute("PRAGMA foreign_keys=ON")
        await reader.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        await reader.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    except BaseException:
        await reader.close()
        raise
    return reader


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
