"""The database: connection, migrations, transactions, and (for now) most of the SQL."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from kdrama.dates import PartialDate, Precision, as_of_text, parse_as_of
from kdrama.models import (
    Actor,
    Change,
    ChangeItem,
    Credit,
    Event,
    Name,
    Person,
    ReleaseDate,
    Season,
    SeasonStatus,
    Show,
    ShowRef,
    Status,
    Trailer,
    parse_events,
)
from kdrama.store.follows import FollowStore
from kdrama.store.history import (
    release_history,
    release_history_json,
    status_history,
    status_history_json,
)
from kdrama.store.outbox import OutboxStore, enqueue_deliveries
from kdrama.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The database is not in a state the bot can use (e.g. from a newer version)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _events_text(events: Iterable[Event]) -> str:
    return ",".join(sorted(e.value for e in events))


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


_SEASON_COLUMNS = (
    "id, show_id, number, episodes, notes, status, status_source, status_as_of, status_note, "
    "release_date, release_official, release_source, release_as_of, release_note, "
    "status_history, release_history"
)


def _season(row: sqlite3.Row | tuple[Any, ...]) -> Season:
    return Season(
        id=row[0],
        show_id=row[1],
        number=row[2],
        episodes=row[3],
        notes=row[4],
        status=SeasonStatus(Status(row[5]), row[6], parse_as_of(row[7]), row[8], status_history(row[14])),
        release=ReleaseDate(
            PartialDate.parse(row[9]),
            bool(row[10]),
            row[11],
            parse_as_of(row[12]),
            row[13],
            release_history(row[15]),
        ),
    )


class Store:
    """The bot's one SQLite database. Writes are serialised; reads run between them."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self._write_lock = asyncio.Lock()
        self.subscriptions = SubscriptionStore(self)
        self.outbox = OutboxStore(self)
        self.follows = FollowStore(self)

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
    async def _all(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Every row of a query, in one round trip to the database thread."""
        return list(await self.db.execute_fetchall(sql, args))

    async def _one(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query (or None), in one round trip."""
        rows = await self.db.execute_fetchall(sql, args)
        return next(iter(rows), None)

    # --- meta ----------------------------------------------------------------------------
    async def get_meta(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM meta WHERE key = ?", (key,))
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

    # --- catalog reads -------------------------------------------------------------------
    async def is_empty(self) -> bool:
        row = await self._one("SELECT NOT EXISTS (SELECT 1 FROM show)")
        return bool(row and row[0])

    async def count_shows(self) -> int:
        row = await self._one("SELECT count(*) FROM show")
        return int(row[0]) if row else 0

    async def show(self, show_id: int) -> Show | None:
        return await self._show_where("id = ?", (show_id,))

    async def show_by_slug(self, slug: str) -> Show | None:
        return await self._show_where("slug = ?", (slug,))

    async def _show_where(self, where: str, args: tuple[Any, ...]) -> Show | None:
        # One query: aliases and similar shows come along as JSON arrays.
        sql = (
            "SELECT id, slug, title, korean_title, romanized_title, country, platform, "
            "platform_url, genres, synopsis, poster_url, "
            "(SELECT json_group_array(alias) FROM (SELECT alias FROM show_alias "
            " WHERE show_id = show.id ORDER BY position, alias)), "
            "(SELECT json_group_array(json_array(id, slug, title)) FROM (SELECT s.id, s.slug, "
            " s.title FROM show_similar x JOIN show s ON s.id = x.similar_id "
            " WHERE x.show_id = show.id ORDER BY x.position, s.title)) "
            f"FROM show WHERE {where}"
        )
        row = await self._one(sql, args)
        if row is None:
            return None
        return Show(
            id=row[0],
            slug=row[1],
            title=row[2],
            korean_title=row[3],
            romanized_title=row[4],
            aliases=tuple(json.loads(row[11])),
            country=row[5],
            platform=row[6],
            platform_url=row[7],
            genres=tuple(json.loads(row[8] or "[]")),
            synopsis=row[9],
            poster_url=row[10],
            similar=tuple(ShowRef(i, slug, title) for i, slug, title in json.loads(row[12])),
        )

    async def show_refs(self, ids: Iterable[int] | None = None) -> dict[int, ShowRef]:
        """Id, slug and title of the given shows (of every show when `ids` is None)."""
        if ids is None:
            sql, args = "SELECT id, slug, title FROM show", ()
        else:
            wanted = list(dict.fromkeys(ids))
            if not wanted:
                return {}
            sql = f"SELECT id, slug, title FROM show WHERE id IN ({','.join('?' * len(wanted))})"
            args = tuple(wanted)
        return {r[0]: ShowRef(r[0], r[1], r[2]) for r in await self._all(sql, args)}

    async def popular_shows(self, limit: int) -> list[ShowRef]:
        """Shows to offer before anything is typed: those with news coming first."""
        rows = await self._all(
            "SELECT s.id, s.slug, s.title FROM show s ORDER BY EXISTS (SELECT 1 FROM season x "
            "WHERE x.show_id = s.id AND x.status IN ('renewed', 'filming', 'post_production', "
            "'scheduled', 'airing')) DESC, s.title LIMIT ?",
            (limit,),
        )
        return [ShowRef(r[0], r[1], r[2]) for r in rows]

    async def seasons(self, show_id: int) -> list[Season]:
        rows = await self._all(
            f"SELECT {_SEASON_COLUMNS} FROM season WHERE show_id = ? ORDER BY number", (show_id,)
        )
        return [_season(r) for r in rows]

    async def season(self, show_id: int, number: int) -> Season | None:
        row = await self._one(
            f"SELECT {_SEASON_COLUMNS} FROM season WHERE show_id = ? AND number = ?",
            (show_id, number),
        )
        return _season(row) if row else None

    async def credits(self, show_id: int, season_number: int | None) -> list[Credit]:
        """Credits of one season plus the whole-show credits, in billing order."""
        rows = await self._all(
            "SELECT c.id, c.show_id, c.season_number, c.person_id, p.name, p.korean_name, "
            "c.character, c.billing, c.official, c.source FROM credit c "
            "JOIN person p ON p.id = c.person_id "
            "WHERE c.show_id = ? AND (c.season_number IS ? OR c.season_number IS NULL) "
            "ORDER BY c.official DESC, c.billing IS NULL, c.billing, p.name",
            (show_id, season_number),
        )
        return [Credit(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), r[9]) for r in rows]

    async def trailers(self, show_id: int) -> list[Trailer]:
        rows = await self._all(
            "SELECT id, show_id, season_number, title, url, kind, published FROM trailer "
            "WHERE show_id = ? ORDER BY season_number, published IS NULL, published, id",
            (show_id,),
        )
        return [Trailer(r[0], r[1], r[2], r[3], r[4], r[5], _iso_day(r[6])) for r in rows]

    async def seasons_with_dates_between(
        self, start: datetime, end: datetime
    ) -> list[tuple[ShowRef, Season]]:
        """Seasons whose release date starts in [start, end), soonest first."""
        rows = await self._all(
            f"SELECT s.slug, s.title, {', '.join('x.' + c.strip() for c in _SEASON_COLUMNS.split(','))} "
            "FROM season x JOIN show s ON s.id = x.show_id "
            "WHERE x.release_at >= ? AND x.release_at < ? ORDER BY x.release_at, s.title",
            (start.timestamp(), end.timestamp()),
        )
        return [(ShowRef(r[3], r[0], r[1]), _season(r[2:])) for r in rows]

    async def seasons_in_production(self) -> list[tuple[ShowRef, Season]]:
        """Seasons renewed, filming, in post-production or scheduled, or expected with no word."""
        rows = await self._all(
            f"SELECT s.slug, s.title, {', '.join('x.' + c.strip() for c in _SEASON_COLUMNS.split(','))} "
            "FROM season x JOIN show s ON s.id = x.show_id "
            "WHERE x.status IN ('renewed', 'filming', 'post_production', 'scheduled') "
            "OR (x.status = 'unconfirmed' AND x.release_precision != 'unknown') "
            "ORDER BY x.release_at IS NULL, x.release_at, s.title, x.number"
        )
        return [(ShowRef(r[3], r[0], r[1]), _season(r[2:])) for r in rows]

    async def due_exact_releases(self, now: datetime) -> list[tuple[ShowRef, Season]]:
        """Scheduled seasons whose exact release time has passed."""
        rows = await self._all(
            f"SELECT s.slug, s.title, {', '.join('x.' + c.strip() for c in _SEASON_COLUMNS.split(','))} "
            "FROM season x JOIN show s ON s.id = x.show_id "
            "WHERE x.status = 'scheduled' AND x.release_precision = 'exact' AND x.release_at <= ? "
            "ORDER BY x.release_at",
            (now.timestamp(),),
        )
        return [(ShowRef(r[3], r[0], r[1]), _season(r[2:])) for r in rows]

    async def mark_released(
        self, db: aiosqlite.Connection, season_id: int, *, source: str, now: datetime
    ) -> bool:
        """Release one due scheduled season in `db`'s transaction; False if no longer due."""
        cur = await db.execute(
            "UPDATE season SET status = 'released', status_source = ?, status_as_of = ?, "
            "status_note = NULL WHERE id = ? AND status = 'scheduled' "
            "AND release_precision = 'exact' AND release_at <= ?",
            (source, now.date().isoformat(), season_id, now.timestamp()),
        )
        return cur.rowcount == 1

    async def search_names(self) -> list[Name]:
        """Every searchable name: titles, Korean, romanized, aliases, and actors."""
        names: list[Name] = []
        for show_id, title, korean, romanized in await self._all(
            "SELECT id, title, korean_title, romanized_title FROM show"
        ):
            names.append(Name(show_id, "title", title))
            if korean:
                names.append(Name(show_id, "korean", korean))
            if romanized:
                names.append(Name(show_id, "romanized", romanized))
        names.extend(
            Name(r[0], "alias", r[1]) for r in await self._all("SELECT show_id, alias FROM show_alias")
        )
        names.extend(await self.actor_names())
        return names

    async def actor_names(self, show_ids: list[int] | None = None) -> list[Name]:
        """Searchable names of the people credited on `show_ids` (on any show when None)."""
        if show_ids is None:
            where, args = "", ()
        elif not show_ids:
            return []
        else:
            where, args = f" WHERE show_id IN ({','.join('?' * len(show_ids))})", tuple(show_ids)
        names: list[Name] = []
        for person_id, name, korean in await self._all(
            f"SELECT id, name, korean_name FROM person WHERE id IN (SELECT person_id FROM credit{where})",
            args,
        ):
            names.append(Name(person_id, "actor", name))
            if korean:
                names.append(Name(person_id, "actor", korean))
        return names

    async def show_names(self, show_id: int) -> list[Name]:
        """The searchable names of one show (after an edit, to refresh the index)."""
        show = await self.show(show_id)
        if show is None:
            return []
        names = [Name(show.id, "title", show.title)]
        if show.korean_title:
            names.append(Name(show.id, "korean", show.korean_title))
        if show.romanized_title:
            names.append(Name(show.id, "romanized", show.romanized_title))
        names.extend(Name(show.id, "alias", a) for a in show.aliases)
        return names

    async def person(self, person_id: int) -> Person | None:
        row = await self._one("SELECT id, name, korean_name FROM person WHERE id = ?", (person_id,))
        if row is None:
            return None
        rows = await self._all(
            "SELECT DISTINCT s.id, s.slug, s.title FROM credit c JOIN show s ON s.id = c.show_id "
            "WHERE c.person_id = ? ORDER BY s.title",
            (person_id,),
        )
        return Person(row[0], row[1], row[2], tuple(ShowRef(r[0], r[1], r[2]) for r in rows))

    # --- change log ----------------------------------------------------------------------
    async def record_change(
        self,
        db: aiosqlite.Connection,
        *,
        actor: Actor,
        action: str,
        show: ShowRef | None,
        season_number: int | None,
        source: str | None,
        items: Sequence[ChangeItem],
        events: Iterable[Event] = (),
        undo_of: int | None = None,
        at: datetime | None = None,
    ) -> int | None:
        """Write one change and its outbox rows inside the caller's transaction.

        Returns the change id, or None when `items` is empty: an edit that changes nothing
        records nothing and notifies no one.
        """
        if not items:
            return None
        event_set = frozenset(events)
        cur = await db.execute(
            "INSERT INTO change (at, actor_id, actor_name, show_id, show_slug, show_title, "
            "season_number, action, source, events, undo_of) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                (at or utcnow()).isoformat(timespec="seconds"),
                actor.id,
                actor.name,
                show.id if show else None,
                show.slug if show else None,
                show.title if show else None,
                season_number,
                action,
                source,
                _events_text(event_set),
                undo_of,
            ),
        )
        change_id = cur.lastrowid
        assert change_id is not None
        await db.executemany(
            "INSERT INTO change_item (change_id, entity, key, field, old, new) VALUES (?,?,?,?,?,?)",
            [(change_id, i.entity, i.key, i.field, _json(i.old), _json(i.new)) for i in items],
        )
        if event_set and show is not None:
            await enqueue_deliveries(db, change_id, show.id, event_set)
        return change_id

    async def change(self, change_id: int) -> Change | None:
        changes = await self._changes("c.id = ?", (change_id,))
        return changes[0] if changes else None

    async def changes_for_show(self, show_id: int, *, limit: int = 10, offset: int = 0) -> list[Change]:
        """A show's changes, newest first."""
        return await self._changes("c.show_id = ?", (show_id,), order="c.id DESC", limit=limit, offset=offset)

    async def count_changes_for_show(self, show_id: int) -> int:
        async with self.db.execute("SELECT count(*) FROM change WHERE show_id = ?", (show_id,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _changes(
        self, where: str, args: tuple[Any, ...], *, order: str = "c.id", limit: int = -1, offset: int = 0
    ) -> list[Change]:
        async with self.db.execute(
            "SELECT c.id, c.at, c.actor_id, c.actor_name, c.show_id, c.show_title, c.season_number, "
            f"c.action, c.source, c.events, c.undo_of FROM change c WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ) as cur:
            heads = await cur.fetchall()
        if not heads:
            return []
        ids = [h[0] for h in heads]
        items: dict[int, list[ChangeItem]] = {i: [] for i in ids}
        async with self.db.execute(
            "SELECT change_id, entity, key, field, old, new FROM change_item "
            f"WHERE change_id IN ({','.join('?' * len(ids))}) ORDER BY id",
            ids,
        ) as cur:
            for cid, entity, key, field_, old, new in await cur.fetchall():
                items[cid].append(ChangeItem(entity, key, field_, _unjson(old), _unjson(new)))
        return [
            Change(
                id=h[0],
                at=datetime.fromisoformat(h[1]),
                actor_id=h[2],
                actor_name=h[3],
                show_id=h[4],
                show_title=h[5],
                season_number=h[6],
                action=h[7],
                source=h[8],
                events=parse_events(h[9]),
                items=tuple(items[h[0]]),
                undo_of=h[10],
            )
            for h in heads
        ]


def release_columns(release: ReleaseDate) -> dict[str, Any]:
    """The season columns that store a release date."""
    span = release.date.span()
    return {
        "release_date": release.date.canonical(),
        "release_precision": release.date.precision.value,
        "release_at": span[0].timestamp() if span else None,
        "release_official": int(release.official),
        "release_source": release.source,
        "release_as_of": as_of_text(release.as_of),
        "release_note": release.note,
        "release_history": release_history_json(release),
    }


def status_columns(status: SeasonStatus) -> dict[str, Any]:
    return {
        "status": status.value.value,
        "status_source": status.source,
        "status_as_of": as_of_text(status.as_of),
        "status_note": status.note,
        "status_history": status_history_json(status),
    }


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _unjson(text: str | None) -> object:
    return None if text is None else json.loads(text)


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


__all__ = ["Precision", "Store", "StoreError", "release_columns", "status_columns", "utcnow"]
