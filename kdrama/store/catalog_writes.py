"""The catalog's writes: every insert, update and delete of shows and what hangs under them.

They run inside the caller's `Store.transaction()`, so an edit and the change that records
it commit together. `CatalogStore` (catalog.py) adds the reads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kdrama.dates import PartialDate, as_of_text
from kdrama.models import ReleaseDate, SeasonStatus, ShowEntry, ShowRef
from kdrama.store import outbox
from kdrama.store.history import release_history_json, status_history_json

if TYPE_CHECKING:
    from kdrama.store.database import Store

SHOW_FIELDS = (
    "title",
    "korean_title",
    "romanized_title",
    "country",
    "platform",
    "platform_url",
    "genres",
    "synopsis",
    "poster_url",
)
SEASON_FIELDS = (
    "episodes",
    "notes",
    "status",
    "status_source",
    "status_as_of",
    "status_note",
    "release_date",
    "release_official",
    "release_source",
    "release_as_of",
    "release_note",
    "status_history",
    "release_history",
)
_SEASON_COLUMNS = (
    "id, show_id, number, episodes, notes, status, status_source, status_as_of, status_note, "
    "release_date, release_official, release_source, release_as_of, release_note, "
    "status_history, release_history"
)
_CHILD_TABLES = ("show_alias", "show_similar", "credit", "trailer", "season")


def _iso_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _day_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


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


def season_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """Season fields as columns, with the release date's precision and instant derived."""
    cols = {f: values[f] for f in SEASON_FIELDS if f in values}
    if "release_official" in cols:
        cols["release_official"] = int(bool(cols["release_official"]))
    if "release_date" in cols:
        d = PartialDate.parse(cols["release_date"])
        span = d.span()
        cols["release_date"] = d.canonical()
        cols["release_precision"] = d.precision.value
        cols["release_at"] = span[0].timestamp() if span else None
    return cols


def _show_row(entry: ShowEntry) -> tuple[Any, ...]:
    return (
        entry.title,
        entry.korean_title,
        entry.romanized_title,
        entry.country,
        entry.platform,
        entry.platform_url,
        json.dumps(list(entry.genres), ensure_ascii=False),
        entry.synopsis,
        entry.poster_url,
    )


def _entry_season_columns(season: Any) -> dict[str, Any]:
    return {**status_columns(season.status), **release_columns(season.release)}


class CatalogTable:
    """The helpers the catalog's SQL shares: one round trip per read; writes in the caller's transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def _all(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return await self._store.fetch_all(sql, args)

    async def _one(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
        return await self._store.fetch_one(sql, args)

    async def _run(self, sql: str, args: Sequence[Any] = ()) -> int | None:
        """Run one write; the new row's id."""
        cur = await self._store.db.execute(sql, args)
        return cur.lastrowid

    async def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._store.db.executemany(sql, rows)

    # --- catalog reads -------------------------------------------------------------------

    async def show_ref_by_slug(self, slug: str) -> ShowRef | None:
        row = await self._one("SELECT id, slug, title FROM show WHERE slug = ?", (slug,))
        return ShowRef(row[0], row[1], row[2]) if row else None


class CatalogWrites(CatalogTable):
    """Writes of `store.catalog`."""

    async def update_show(self, show_id: int, values: Mapping[str, Any]) -> None:
        cols = {
            f: (json.dumps(list(v or []), ensure_ascii=False) if f == "genres" else v)
            for f, v in values.items()
            if f in SHOW_FIELDS
        }
        if cols:
            await self._run(
                f"UPDATE show SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                (*cols.values(), show_id),
            )

    async def delete_show(self, show_id: int) -> int:
        """Delete a show (its rows cascade) and cancel its unsent notices; returns how many were cancelled."""
        cancelled = await outbox.cancel_show(self._store.db, show_id)
        await self._run("DELETE FROM show WHERE id = ?", (show_id,))
        return cancelled

    async def _put_shows(
        self, entries: Sequence[ShowEntry], prefer_ids: Mapping[str, int | None]
    ) -> dict[str, int]:
        """The one place `show` rows are written: insert each entry, or replace it (and empty
        what hangs under it) when its slug exists. A new show keeps its preferred id when free."""
        existing = {r[0]: r[1] for r in await self._all("SELECT slug, id FROM show")}
        taken = set(existing.values())
        replaced = [(existing[e.slug],) for e in entries if e.slug in existing]
        for table in _CHILD_TABLES:
            await self._run_many(f"DELETE FROM {table} WHERE show_id = ?", replaced)
        rows = []
        for e in entries:
            prefer = prefer_ids.get(e.slug)
            show_id = (
                prefer if e.slug not in existing and prefer is not None and prefer not in taken else None
            )
            rows.append((show_id, e.slug, *_show_row(e)))
        await self._run_many(
            f"INSERT INTO show (id, slug, {', '.join(SHOW_FIELDS)}) VALUES ({','.join('?' * (2 + len(SHOW_FIELDS)))}) "
            "ON CONFLICT (slug) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in SHOW_FIELDS),
            rows,
        )
        wanted = [e.slug for e in entries]
        found = await self._all(
            f"SELECT slug, id FROM show WHERE slug IN ({','.join('?' * len(wanted))})", wanted
        )
        return {r[0]: r[1] for r in found}

    async def import_shows(self, entries: Sequence[ShowEntry]) -> dict[str, int]:
        """Write validated file entries in bulk (fast for a 10,000-show catalog); slug → id."""
        put = await self._put_shows(entries, {})
        ids = {r[0]: r[1] for r in await self._all("SELECT slug, id FROM show")}
        await self._run_many(
            "INSERT OR IGNORE INTO show_alias (show_id, alias, position) VALUES (?,?,?)",
            [(ids[s.slug], a, n) for s in entries for n, a in enumerate(s.aliases)],
        )
        await self._run_many(
            "INSERT OR IGNORE INTO show_similar (show_id, similar_id, position) VALUES (?,?,?)",
            [
                (ids[s.slug], ids[x], n)
                for s in entries
                for n, x in enumerate(s.similar)
                if x != s.slug and x in ids
            ],
        )
        season_rows = []
        for s in entries:
            for season in s.seasons:
                cols = _entry_season_columns(season)
                season_rows.append(
                    (ids[s.slug], season.number, season.episodes, season.notes, *cols.values())
                )
        cols_names = list({**status_columns(SeasonStatus()), **release_columns(ReleaseDate())})
        await self._run_many(
            f"INSERT INTO season (show_id, number, episodes, notes, {', '.join(cols_names)}) "
            f"VALUES ({','.join('?' * (4 + len(cols_names)))})",
            season_rows,
        )
        credits = [
            (s.slug, season_number, c)
            for s in entries
            for season_number, cast in [(None, s.cast), *((x.number, x.cast) for x in s.seasons)]
            for c in cast
        ]
        await self._run_many(
            "INSERT OR IGNORE INTO person (name, korean_name) VALUES (?, ?)",
            list({(c.actor, c.korean_name) for _, _, c in credits}),
        )
        people = {
            (r[0], r[1]): r[2]
            for r in await self._all("SELECT name, ifnull(korean_name, ''), id FROM person")
        }
        await self._run_many(
            "INSERT OR REPLACE INTO credit (show_id, season_number, person_id, character, billing, official, source) "
            "VALUES (?,?,?,?,?,?,?)",
            [
                (
                    ids[slug_],
                    number,
                    people[(c.actor, c.korean_name or "")],
                    c.character,
                    c.billing,
                    int(c.official),
                    c.source,
                )
                for slug_, number, c in credits
            ],
        )
        await self._run_many(
            "INSERT OR IGNORE INTO trailer (show_id, season_number, title, url, kind, published) VALUES (?,?,?,?,?,?)",
            [
                (
                    ids[s.slug],
                    season.number,
                    t.title,
                    t.url,
                    t.kind,
                    t.published.isoformat() if t.published else None,
                )
                for s in entries
                for season in s.seasons
                for t in season.trailers
            ],
        )
        return put

    async def restore_show(
        self,
        entry: ShowEntry,
        *,
        prefer_id: int | None,
        similar_of: Iterable[Sequence[Any]] = (),
        subscriptions: Iterable[Mapping[str, Any]] = (),
        follows: Iterable[Mapping[str, Any]] = (),
    ) -> int:
        """Write one show with all it holds (an add, or undoing a removal or an import); its id.

        `similar_of`, `subscriptions` and `follows` are what removing it had cascaded away from
        other rows. A follow comes back only while its fan is still a follower.
        """
        show_id = (await self._put_shows([entry], {entry.slug: prefer_id}))[entry.slug]
        await self._run_many(
            "INSERT OR IGNORE INTO show_alias (show_id, alias, position) VALUES (?,?,?)",
            [(show_id, a, n) for n, a in enumerate(entry.aliases)],
        )
        for n, other in enumerate(entry.similar):
            found = await self.show_ref_by_slug(other)
            if found is not None and found.id != show_id:
                await self._run(
                    "INSERT OR IGNORE INTO show_similar (show_id, similar_id, position) VALUES (?,?,?)",
                    (show_id, found.id, n),
                )
        for slug_, position in similar_of:
            found = await self.show_ref_by_slug(slug_)
            if found is not None:
                await self._run(
                    "INSERT OR IGNORE INTO show_similar (show_id, similar_id, position) VALUES (?,?,?)",
                    (found.id, show_id, position),
                )
        for season in entry.seasons:
            cols = {"episodes": season.episodes, "notes": season.notes, **_entry_season_columns(season)}
            await self.insert_season(
                show_id, season.number, {k: v for k, v in cols.items() if k in SEASON_FIELDS}
            )
            for t in season.trailers:
                await self.insert_trailer(
                    show_id,
                    {
                        "season_number": season.number,
                        "title": t.title,
                        "url": t.url,
                        "kind": t.kind,
                        "published": t.published.isoformat() if t.published else None,
                    },
                )
        for number, cast in [(None, entry.cast), *((s.number, s.cast) for s in entry.seasons)]:
            for c in cast:
                await self.insert_credit(
                    show_id,
                    {
                        "season_number": number,
                        "actor": c.actor,
                        "korean_name": c.korean_name,
                        "character": c.character,
                        "billing": c.billing,
                        "official": c.official,
                        "source": c.source,
                    },
                )
        for sub in subscriptions:
            row = {**sub, "show_id": show_id}
            row.pop("id", None)
            await self._run(
                f"INSERT OR IGNORE INTO subscription ({', '.join(row)}) VALUES ({','.join('?' * len(row))})",
                tuple(row.values()),
            )
        await self._run_many(
            "INSERT OR IGNORE INTO follow (user_id, show_id, events, created_at) "
            "SELECT user_id, ?, ?, ? FROM follower WHERE user_id = ?",
            [(show_id, f["events"], f["created_at"], f["user_id"]) for f in follows],
        )
        return show_id

    async def insert_season(self, show_id: int, number: int, values: Mapping[str, Any]) -> None:
        cols = {"show_id": show_id, "number": number, **season_columns(values)}
        await self._run(
            f"INSERT INTO season ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})",
            tuple(cols.values()),
        )

    async def update_season(self, show_id: int, number: int, values: Mapping[str, Any]) -> None:
        cols = season_columns(values)
        if cols:
            await self._run(
                f"UPDATE season SET {', '.join(f'{c} = ?' for c in cols)} WHERE show_id = ? AND number = ?",
                (*cols.values(), show_id, number),
            )

    async def release_if_due(self, season_id: int, now: datetime, values: Mapping[str, Any]) -> bool:
        """Write `values` to a season only if it is still scheduled for an official exact time that has passed."""
        cols = season_columns(values)
        cur = await self._store.db.execute(
            f"UPDATE season SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ? AND status = 'scheduled' "
            "AND release_precision = 'exact' AND release_official = 1 AND release_at <= ?",
            (*cols.values(), season_id, now.timestamp()),
        )
        return cur.rowcount == 1

    async def delete_season(self, show_id: int, number: int, *, with_cast_and_trailers: bool = False) -> None:
        if with_cast_and_trailers:
            await self._run("DELETE FROM credit WHERE show_id = ? AND season_number = ?", (show_id, number))
            await self._run("DELETE FROM trailer WHERE show_id = ? AND season_number = ?", (show_id, number))
        await self._run("DELETE FROM season WHERE show_id = ? AND number = ?", (show_id, number))

    async def _person_id(self, name: str, korean_name: str | None) -> int:
        """The person called `name` (and `korean_name` when given), created when new."""
        if korean_name:
            row = await self._one(
                "SELECT id FROM person WHERE name = ? AND korean_name = ?", (name, korean_name)
            )
        else:
            row = await self._one(
                "SELECT id FROM person WHERE name = ? ORDER BY korean_name IS NOT NULL, id", (name,)
            )
        if row:
            return row[0]
        new_id = await self._run("INSERT INTO person (name, korean_name) VALUES (?, ?)", (name, korean_name))
        assert new_id is not None
        return new_id

    async def insert_credit(self, show_id: int, value: Mapping[str, Any]) -> None:
        person_id = await self._person_id(value["actor"], value.get("korean_name"))
        await self._run(
            "INSERT INTO credit (show_id, season_number, person_id, character, billing, official, source) "
            "VALUES (?,?,?,?,?,?,?)",
            (
                show_id,
                value.get("season_number"),
                person_id,
                value.get("character"),
                value.get("billing"),
                int(bool(value.get("official", True))),
                value.get("source"),
            ),
        )

    async def update_credit(self, credit_id: int, values: Mapping[str, Any]) -> None:
        cols = {f: (int(bool(v)) if f == "official" else v) for f, v in values.items()}
        if cols:
            await self._run(
                f"UPDATE credit SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                (*cols.values(), credit_id),
            )

    async def delete_credit(self, credit_id: int) -> None:
        await self._run("DELETE FROM credit WHERE id = ?", (credit_id,))

    async def insert_trailer(self, show_id: int, value: Mapping[str, Any]) -> None:
        await self._run(
            "INSERT INTO trailer (show_id, season_number, title, url, kind, published) VALUES (?,?,?,?,?,?)",
            (
                show_id,
                value["season_number"],
                value.get("title"),
                value["url"],
                value.get("kind") or "trailer",
                value.get("published"),
            ),
        )

    async def update_trailer(self, trailer_id: int, values: Mapping[str, Any]) -> None:
        for f, v in values.items():
            await self._run(f"UPDATE trailer SET {f} = ? WHERE id = ?", (v, trailer_id))

    async def delete_trailer(self, trailer_id: int) -> None:
        await self._run("DELETE FROM trailer WHERE id = ?", (trailer_id,))

    async def set_similar(self, show_id: int, slugs: Sequence[str]) -> None:
        """Make a show's similar shows these (by slug, in order; unknown slugs are skipped)."""
        await self._run("DELETE FROM show_similar WHERE show_id = ?", (show_id,))
        await self._run_many(
            "INSERT OR IGNORE INTO show_similar (show_id, similar_id, position) "
            "SELECT ?, id, ? FROM show WHERE slug = ? AND id != ?",
            [(show_id, n, slug_, show_id) for n, slug_ in enumerate(slugs)],
        )

    async def add_alias(self, show_id: int, alias: str, position: int) -> None:
        await self._run(
            "INSERT INTO show_alias (show_id, alias, position) VALUES (?,?,?)", (show_id, alias, position)
        )

    async def remove_alias(self, show_id: int, alias: str) -> None:
        await self._run("DELETE FROM show_alias WHERE show_id = ? AND alias = ?", (show_id, alias))

    # --- export --------------------------------------------------------------------------
