"""store.sync: TMDB links, who set each field (provenance), TMDB's disputed values, held shows, sync runs.

Provenance keys (kdrama/store/provenance.py) are the sync planner's field keys, plus one
per alias or similar show a curator removed. `ChangeStore.record` marks them from every recorded change, so every
edit path (curators, undo, imports, the clock) marks what it set without knowing about TMDB:
the sync's own changes (actor "TMDB sync") mark 'tmdb', everything else 'curator'. A platform
the sync took from TMDB's watch providers is then marked 'justwatch' (JustWatch's data, credited
where shown); like 'tmdb', it follows TMDB.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kdrama.dates import PartialDate
from kdrama.models import Actor, ChangeItem
from kdrama.store.outbox import moment, stamp
from kdrama.store.provenance import CURATOR, TMDB, is_sync_actor, provenance_keys

if TYPE_CHECKING:
    from kdrama.store.database import Store
    from kdrama.tmdb.identity import Held

_ERRORS_KEPT = 20
_IDS_PER_QUERY = 500  # well under SQLite's limit on bound parameters


def _said(value: object) -> object:
    """A review value without its as-of dates: TMDB's value is the same fact whenever it was fetched."""
    if isinstance(value, dict):
        return {k: _said(v) for k, v in value.items() if k != "as_of"}
    if isinstance(value, list):
        return [_said(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A field where TMDB disagrees with a curator's value."""

    id: int
    show_id: int
    show_title: str
    key: str
    ours: object
    theirs: object
    summary: str
    state: str
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class UnlinkedShow:
    """A catalog show with no TMDB link, as the sync compares it with TMDB's new shows."""

    id: int
    slug: str
    title: str
    korean_title: str | None
    year: int | None  # of its first season's release date, when known


@dataclass(frozen=True, slots=True)
class SyncRun:
    id: int
    mode: str
    started_at: datetime | None
    finished_at: datetime | None
    ok: bool
    seen: int
    added: int
    updated: int
    unchanged: int
    reviews: int
    errors: int
    error_text: tuple[str, ...]
    held: int = 0


@dataclass(frozen=True, slots=True)
class HeldShow:
    """A TMDB show the sync held for a curator: it may be one of `candidates`, not surely."""

    tmdb_id: int
    name: str
    year: int | None
    candidates: tuple[int, ...]  # catalog show ids still in the catalog, in the run's order
    why: str  # a message id
    why_params: dict[str, Any]
    held_at: datetime | None


@dataclass(slots=True)
class RunStats:
    """What a sync run did so far (written when it finishes)."""

    seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    reviews: int = 0
    errors: int = 0
    error_text: list[str] | None = None
    held: int = 0  # TMDB shows left for a curator: not errors

    def error(self, text: str) -> None:
        self.errors += 1
        if self.error_text is None:
            self.error_text = []
        if len(self.error_text) < _ERRORS_KEPT:
            self.error_text.append(text[:300])


def _run(r: Sequence[Any]) -> SyncRun:
    return SyncRun(
        r[0],
        r[1],
        moment(r[2]),
        moment(r[3]),
        bool(r[4]),
        r[5],
        r[6],
        r[7],
        r[8],
        r[9],
        r[10],
        tuple(json.loads(r[11] or "[]")),
        r[12],
    )


def _review(r: Sequence[Any]) -> ReviewItem:
    return ReviewItem(
        r[0], r[1], r[2], r[3], json.loads(r[4]) if r[4] else None, json.loads(r[5]), r[6], r[7], moment(r[8])
    )


_REVIEW_SELECT = (
    "SELECT r.id, r.show_id, s.title, r.key, r.ours, r.theirs, r.summary, r.state, r.created_at "
    "FROM sync_review r JOIN show s ON s.id = r.show_id"
)
_HELD_SELECT = "SELECT tmdb_id, name, year, candidates, why, why_params, held_at FROM sync_held"
_RUN_SELECT = (
    "SELECT id, mode, started_at, finished_at, ok, seen, added, updated, unchanged, reviews, errors, "
    "error_text, held FROM sync_run"
)


class SyncStore:
    """The sync's own tables."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # --- links --------------------------------------------------------------------------------
    async def links(self) -> dict[int, int]:
        """TMDB id → catalog show id, for every linked show."""
        rows = await self._store.fetch_all("SELECT tmdb_id, show_id FROM tmdb_link")
        return {r[0]: r[1] for r in rows}

    async def links_for(self, tmdb_ids: Iterable[int]) -> dict[int, int]:
        """TMDB id → catalog show id, for those of `tmdb_ids` that are linked."""
        wanted = list(dict.fromkeys(tmdb_ids))
        if not wanted:
            return {}
        rows = await self._store.fetch_all(
            f"SELECT tmdb_id, show_id FROM tmdb_link WHERE tmdb_id IN ({','.join('?' * len(wanted))})", wanted
        )
        return {r[0]: r[1] for r in rows}

    async def tmdb_id(self, show_id: int) -> int | None:
        row = await self._store.fetch_one("SELECT tmdb_id FROM tmdb_link WHERE show_id = ?", (show_id,))
        return row[0] if row else None

    async def fetched_at(self, show_id: int) -> datetime | None:
        row = await self._store.fetch_one("SELECT fetched_at FROM tmdb_link WHERE show_id = ?", (show_id,))
        return moment(row[0]) if row else None

    async def show_id(self, tmdb_id: int) -> int | None:
        row = await self._store.fetch_one("SELECT show_id FROM tmdb_link WHERE tmdb_id = ?", (tmdb_id,))
        return row[0] if row else None

    async def unlinked_shows(self) -> list[UnlinkedShow]:
        """Every catalog show not linked to TMDB, with its first season's year."""
        rows = await self._store.fetch_all(
            "SELECT s.id, s.slug, s.title, s.korean_title, (SELECT release_date FROM season "
            "WHERE show_id = s.id AND number >= 1 ORDER BY number LIMIT 1) FROM show s "
            "WHERE NOT EXISTS (SELECT 1 FROM tmdb_link l WHERE l.show_id = s.id)"
        )
        return [UnlinkedShow(r[0], r[1], r[2], r[3], PartialDate.parse(r[4]).year) for r in rows]

    async def link(self, show_id: int, tmdb_id: int, fetched_at: datetime | None = None) -> None:
        """Link a show to a TMDB id (inside the caller's transaction); a link moves, never doubles.

        Linking a TMDB show a curator had removed brings it back under the sync.
        """
        db = self._store.db
        await db.execute("DELETE FROM tmdb_removed WHERE tmdb_id = ?", (tmdb_id,))
        await db.execute("DELETE FROM sync_held WHERE tmdb_id = ?", (tmdb_id,))  # settled
        await db.execute("DELETE FROM tmdb_link WHERE tmdb_id = ? AND show_id != ?", (tmdb_id, show_id))
        await db.execute(
            "INSERT INTO tmdb_link (show_id, tmdb_id, fetched_at) VALUES (?, ?, ?) "
            "ON CONFLICT (show_id) DO UPDATE SET tmdb_id = excluded.tmdb_id, "
            "fetched_at = coalesce(excluded.fetched_at, tmdb_link.fetched_at)",
            (show_id, tmdb_id, stamp(fetched_at) if fetched_at else None),
        )

    async def unlink(self, show_id: int) -> None:
        """Take a show's TMDB link away (inside the caller's transaction): undoing a curator's link."""
        await self._store.db.execute("DELETE FROM tmdb_link WHERE show_id = ?", (show_id,))

    async def removed_ids(self) -> set[int]:
        """TMDB ids of the shows curators took out of the catalog: the sync does not add them again."""
        rows = await self._store.fetch_all("SELECT tmdb_id FROM tmdb_removed")
        return {r[0] for r in rows}

    async def is_removed(self, tmdb_id: int) -> bool:
        row = await self._store.fetch_one("SELECT 1 FROM tmdb_removed WHERE tmdb_id = ?", (tmdb_id,))
        return row is not None

    async def saved(self, show_id: int) -> dict[str, Any]:
        """What removing a show cascades away here (link, provenance, review), for its snapshot."""
        link = await self._store.fetch_one(
            "SELECT tmdb_id, fetched_at FROM tmdb_link WHERE show_id = ?", (show_id,)
        )
        reviews = await self._store.fetch_all(
            "SELECT id, key, ours, theirs, summary, state, created_at, resolved_at, resolved_by "
            "FROM sync_review WHERE show_id = ? ORDER BY id",
            (show_id,),
        )
        names = (
            "id",
            "key",
            "ours",
            "theirs",
            "summary",
            "state",
            "created_at",
            "resolved_at",
            "resolved_by",
        )
        return {
            "link": {"tmdb_id": link[0], "fetched_at": link[1]} if link else None,
            "sources": await self.sources(show_id),
            "reviews": [dict(zip(names, r, strict=True)) for r in reviews],
        }

    async def forget_show(self, saved: Mapping[str, Any]) -> None:
        """A curator took this show out (inside the caller's transaction): the sync keeps it out."""
        link = saved.get("link")
        if link:
            await self._store.db.execute(
                "INSERT OR REPLACE INTO tmdb_removed (tmdb_id, removed_at) VALUES (?, ?)",
                (link["tmdb_id"], stamp()),
            )

    async def restore(self, show_id: int, saved: Mapping[str, Any]) -> bool:
        """Put back what `saved` kept for a restored show (inside the caller's transaction).

        Provenance becomes exactly what it was. The link comes back unless a curator has
        linked its TMDB id to another show since (then False: that link stands).
        """
        db = self._store.db
        await db.execute("DELETE FROM field_source WHERE show_id = ?", (show_id,))
        by_source: dict[str, list[str]] = {}
        for key, source in (saved.get("sources") or {}).items():
            by_source.setdefault(source, []).append(key)
        for source, keys in by_source.items():
            await self.mark(show_id, keys, source)
        for r in saved.get("reviews") or []:
            await db.execute(
                "INSERT INTO sync_review (id, show_id, key, ours, theirs, summary, state, created_at, "
                "resolved_at, resolved_by) VALUES ((SELECT CASE WHEN count(*) THEN NULL ELSE ? END "
                "FROM sync_review WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (show_id, key) DO NOTHING",
                (
                    r["id"],
                    r["id"],
                    show_id,
                    r["key"],
                    r["ours"],
                    r["theirs"],
                    r["summary"],
                    r["state"],
                    r["created_at"],
                    r["resolved_at"],
                    r["resolved_by"],
                ),
            )
        link = saved.get("link")
        if not link:
            return True
        await db.execute("DELETE FROM tmdb_removed WHERE tmdb_id = ?", (link["tmdb_id"],))
        elsewhere = await self._store.fetch_one(
            "SELECT show_id FROM tmdb_link WHERE tmdb_id = ? AND show_id != ?", (link["tmdb_id"], show_id)
        )
        if elsewhere is not None:
            return False
        await db.execute(
            "INSERT OR REPLACE INTO tmdb_link (show_id, tmdb_id, fetched_at) VALUES (?, ?, ?)",
            (show_id, link["tmdb_id"], link["fetched_at"]),
        )
        return True

    # --- provenance ---------------------------------------------------------------------------
    async def curated(self, show_id: int) -> set[str]:
        rows = await self._store.fetch_all(
            "SELECT key FROM field_source WHERE show_id = ? AND source = 'curator'", (show_id,)
        )
        return {r[0] for r in rows}

    async def sources(self, show_id: int) -> dict[str, str]:
        rows = await self._store.fetch_all(
            "SELECT key, source FROM field_source WHERE show_id = ?", (show_id,)
        )
        return {r[0]: r[1] for r in rows}

    async def mark(self, show_id: int, keys: Iterable[str], source: str) -> None:
        """Record who set these fields (inside the caller's transaction)."""
        await self._store.db.executemany(
            # A removed show has no row to hang provenance on: SELECT finds nothing to insert.
            "INSERT INTO field_source (show_id, key, source) SELECT id, ?, ? FROM show WHERE id = ? "
            "ON CONFLICT (show_id, key) DO UPDATE SET source = excluded.source",
            [(k, source, show_id) for k in sorted(set(keys))],
        )

    async def justwatch_platforms(self, show_ids: Sequence[int] | None = None) -> set[int]:
        """The shows (of `show_ids`; None: all) whose platform is JustWatch's streaming data."""
        query = "SELECT show_id FROM field_source WHERE key = 'show.platform' AND source = 'justwatch'"
        if show_ids is None:
            return {r[0] for r in await self._store.fetch_all(query)}
        found: set[int] = set()
        for at in range(0, len(show_ids), _IDS_PER_QUERY):
            chunk = show_ids[at : at + _IDS_PER_QUERY]
            rows = await self._store.fetch_all(
                f"{query} AND show_id IN ({','.join('?' * len(chunk))})", tuple(chunk)
            )
            found.update(r[0] for r in rows)
        return found

    async def mark_change(self, show_id: int, actor: Actor, items: Sequence[ChangeItem]) -> None:
        keys = provenance_keys(items)
        if keys:
            await self.mark(show_id, keys, TMDB if is_sync_actor(actor) else CURATOR)

    # --- review ---------------------------------------------------------------------------
    async def put_review(self, show_id: int, key: str, ours: object, theirs: object, summary: str) -> bool:
        """Open (or refresh) a review item; True when it is newly open. A value a curator kept stays kept."""
        theirs_json = json.dumps(theirs, ensure_ascii=False, sort_keys=True, default=str)
        ours_json = json.dumps(ours, ensure_ascii=False, sort_keys=True, default=str)
        row = await self._store.fetch_one(
            "SELECT state, theirs FROM sync_review WHERE show_id = ? AND key = ?", (show_id, key)
        )
        db = self._store.db
        if row is None:
            await db.execute(
                "INSERT INTO sync_review (show_id, key, ours, theirs, summary, created_at) VALUES (?,?,?,?,?,?)",
                (show_id, key, ours_json, theirs_json, summary, stamp()),
            )
            return True
        if row[0] != "open" and _said(json.loads(row[1])) == _said(json.loads(theirs_json)):
            return False  # decided already, and TMDB still says the same (fetched another day)
        await db.execute(
            "UPDATE sync_review SET ours = ?, theirs = ?, summary = ?, state = 'open', "
            "resolved_at = NULL, resolved_by = NULL, created_at = CASE WHEN state = 'open' "
            "THEN created_at ELSE ? END WHERE show_id = ? AND key = ?",
            (ours_json, theirs_json, summary, stamp(), show_id, key),
        )
        return row[0] != "open"

    async def close_review(self, show_id: int, key: str) -> None:
        """TMDB agrees again (or the field is TMDB's now): nothing left to review."""
        await self._store.db.execute(
            "DELETE FROM sync_review WHERE show_id = ? AND key = ? AND state = 'open'", (show_id, key)
        )

    async def close_reviews_besides(self, show_id: int, keys: Iterable[str]) -> None:
        """Close the show's open items TMDB no longer disputes (inside the caller's transaction)."""
        keep = sorted(set(keys))
        await self._store.db.execute(
            f"DELETE FROM sync_review WHERE show_id = ? AND state = 'open' "
            f"AND key NOT IN ({','.join('?' * len(keep))})",
            (show_id, *keep),
        )

    async def open_reviews(self, limit: int = 10, offset: int = 0) -> list[ReviewItem]:
        rows = await self._store.fetch_all(
            f"{_REVIEW_SELECT} WHERE r.state = 'open' ORDER BY r.id LIMIT ? OFFSET ?", (limit, offset)
        )
        return [_review(r) for r in rows]

    async def count_open_reviews(self) -> int:
        row = await self._store.fetch_one("SELECT count(*) FROM sync_review WHERE state = 'open'")
        return int(row[0]) if row else 0

    async def review(self, review_id: int) -> ReviewItem | None:
        row = await self._store.fetch_one(f"{_REVIEW_SELECT} WHERE r.id = ?", (review_id,))
        return _review(row) if row else None

    async def resolve_review(self, review_id: int, state: str, by: int | None) -> bool:
        """Mark an open item decided (inside the caller's transaction); False if it was not open."""
        cur = await self._store.db.execute(
            "UPDATE sync_review SET state = ?, resolved_at = ?, resolved_by = ? WHERE id = ? AND state = 'open'",
            (state, stamp(), by, review_id),
        )
        return cur.rowcount == 1

    # --- held shows -------------------------------------------------------------------------
    async def replace_held(self, held: Iterable[Held]) -> None:
        """The TMDB shows a run held: these stay or come in, every other one is settled."""
        rows = [h for h in held if h.show_ids]
        async with self._store.transaction() as db:
            keep = [h.tmdb_id for h in rows]
            await db.execute(
                f"DELETE FROM sync_held WHERE tmdb_id NOT IN ({','.join('?' * len(keep))})", keep
            )
            await db.executemany(
                # A show linked meanwhile (a curator was quicker than the run) is settled already.
                "INSERT INTO sync_held (tmdb_id, name, year, candidates, why, why_params, held_at) "
                "SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM tmdb_link WHERE tmdb_id = ?) "
                "ON CONFLICT (tmdb_id) DO UPDATE SET name = excluded.name, year = excluded.year, "
                "candidates = excluded.candidates, why = excluded.why, why_params = excluded.why_params",
                [
                    (
                        h.tmdb_id,
                        h.name,
                        h.year,
                        json.dumps(list(h.show_ids)),
                        h.why,
                        json.dumps(h.why_params, ensure_ascii=False, sort_keys=True),
                        stamp(),
                        h.tmdb_id,
                    )
                    for h in rows
                ],
            )

    async def held_shows(self, limit: int = 10) -> list[HeldShow]:
        """The TMDB shows waiting for a curator, oldest first; candidates removed since are left out."""
        rows = await self._store.fetch_all(f"{_HELD_SELECT} ORDER BY held_at, tmdb_id LIMIT ?", (limit,))
        return [await self._held(r) for r in rows]

    async def held_show(self, tmdb_id: int) -> HeldShow | None:
        row = await self._store.fetch_one(f"{_HELD_SELECT} WHERE tmdb_id = ?", (tmdb_id,))
        return await self._held(row) if row else None

    async def count_held(self) -> int:
        row = await self._store.fetch_one("SELECT count(*) FROM sync_held")
        return int(row[0]) if row else 0

    async def _held(self, r: Sequence[Any]) -> HeldShow:
        ids = [int(i) for i in json.loads(r[3])]
        present = (
            await self._store.fetch_all(f"SELECT id FROM show WHERE id IN ({','.join('?' * len(ids))})", ids)
            if ids
            else []
        )
        there = {p[0] for p in present}
        return HeldShow(
            r[0],
            r[1],
            r[2],
            tuple(i for i in ids if i in there),
            r[4],
            json.loads(r[5] or "{}"),
            moment(r[6]),
        )

    # --- runs -------------------------------------------------------------------------------
    async def start_run(self, mode: str) -> int:
        async with self._store.transaction() as db:
            cur = await db.execute("INSERT INTO sync_run (mode, started_at) VALUES (?, ?)", (mode, stamp()))
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def finish_run(self, run_id: int, stats: RunStats, *, ok: bool) -> None:
        async with self._store.transaction() as db:
            await db.execute(
                "UPDATE sync_run SET finished_at = ?, ok = ?, seen = ?, added = ?, updated = ?, "
                "unchanged = ?, reviews = ?, errors = ?, error_text = ?, held = ? WHERE id = ?",
                (
                    stamp(),
                    int(ok),
                    stats.seen,
                    stats.added,
                    stats.updated,
                    stats.unchanged,
                    stats.reviews,
                    stats.errors,
                    json.dumps(stats.error_text or [], ensure_ascii=False),
                    stats.held,
                    run_id,
                ),
            )

    async def last_runs(self, limit: int = 5) -> list[SyncRun]:
        rows = await self._store.fetch_all(f"{_RUN_SELECT} ORDER BY id DESC LIMIT ?", (limit,))
        return [_run(r) for r in rows]

    async def last_ok_catalog_run(self) -> SyncRun | None:
        """The last finished full or incremental run: the changes feed is read since its start."""
        row = await self._store.fetch_one(
            f"{_RUN_SELECT} WHERE ok = 1 AND mode IN ('full', 'incremental') ORDER BY id DESC LIMIT 1"
        )
        return _run(row) if row else None
