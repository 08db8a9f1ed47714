"""The catalog's SQL: shows, seasons, credits, trailers, aliases and the searchable names.

Reads take one round trip to the database thread each; the writes are in catalog_writes.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kdrama.dates import stored, stored_as_of
from kdrama.models import (
    Credit,
    Name,
    Person,
    ReleaseDate,
    Season,
    SeasonStatus,
    Show,
    ShowRecord,
    ShowRef,
    Status,
    Trailer,
)
from kdrama.store.catalog_bulk import SHOW_COLUMNS, CatalogBulk, ShowRows
from kdrama.store.catalog_writes import (
    _SEASON_COLUMNS,
    SEASON_FIELDS,
    SHOW_FIELDS,
    _iso_day,
    release_columns,
    season_columns,
    status_columns,
)
from kdrama.store.history import release_history, status_history

if TYPE_CHECKING:
    pass


def _season(row: sqlite3.Row | tuple[Any, ...]) -> Season:
    return Season(
        id=row[0],
        show_id=row[1],
        number=row[2],
        episodes=row[3],
        notes=row[4],
        status=SeasonStatus(Status(row[5]), row[6], stored_as_of(row[7]), row[8], status_history(row[14])),
        release=ReleaseDate(
            stored(row[9]),
            bool(row[10]),
            row[11],
            stored_as_of(row[12]),
            row[13],
            release_history(row[15]),
        ),
    )


def _credit(r: sqlite3.Row | tuple[Any, ...]) -> Credit:
    return Credit(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), r[9])


def _trailer(r: sqlite3.Row | tuple[Any, ...]) -> Trailer:
    return Trailer(r[0], r[1], r[2], r[3], r[4], r[5], _iso_day(r[6]))


def _show(row: sqlite3.Row | tuple[Any, ...]) -> Show:
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
        similar=tuple(ShowRef(*ref) for ref in json.loads(row[12])),
    )


def show_record(rows: ShowRows) -> ShowRecord:
    """One show's rows from `show_rows` as models: the show, its seasons and trailers."""
    show, seasons, trailers = rows
    return ShowRecord(_show(show), tuple(_season(r) for r in seasons), tuple(_trailer(r) for r in trailers))


def credit_record(rows: Iterable[sqlite3.Row | tuple[Any, ...]]) -> tuple[Credit, ...]:
    """A show's rows from `credit_rows` as models."""
    return tuple(_credit(r) for r in rows)


class CatalogStore(CatalogBulk):
    """Shows and everything under them. `store.catalog`."""

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
        row = await self._one(f"SELECT {SHOW_COLUMNS} FROM show WHERE {where}", args)
        return None if row is None else _show(row)

    async def show_refs(self, ids: Iterable[int] | None = None) -> dict[int, ShowRef]:
        """Id, slug and titles of the given shows (of every show when `ids` is None).

        Every show's refs are what the lookup keeps in memory for autocomplete: without the
        Korean title, which would cost 0.75 MiB per 10,000 shows there; the lists that name
        shows Korean-first read it with their rows.
        """
        if ids is None:
            sql, args = "SELECT id, slug, title, NULL FROM show", ()
        else:
            wanted = list(dict.fromkeys(ids))
            if not wanted:
                return {}
            sql = (
                f"SELECT id, slug, title, korean_title FROM show WHERE id IN ({','.join('?' * len(wanted))})"
            )
            args = tuple(wanted)
        return {r[0]: ShowRef(r[0], r[1], r[2], r[3]) for r in await self._all(sql, args)}

    async def popular_shows(self, limit: int) -> list[ShowRef]:
        """Shows to offer before anything is typed: those with news coming first."""
        rows = await self._all(
            "SELECT s.id, s.slug, s.title, s.korean_title FROM show s ORDER BY EXISTS (SELECT 1 FROM season x "
            "WHERE x.show_id = s.id AND x.status IN ('renewed', 'filming', 'post_production', "
            "'scheduled', 'airing')) DESC, s.title LIMIT ?",
            (limit,),
        )
        return [ShowRef(r[0], r[1], r[2], r[3]) for r in rows]

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
            f"SELECT s.slug, s.title, {', '.join('x.' + c.strip() for c in _SEASON_COLUMNS.split(','))}, "
            "s.korean_title "
            "FROM season x JOIN show s ON s.id = x.show_id "
            "WHERE x.release_at >= ? AND x.release_at < ? ORDER BY x.release_at, s.title",
            (start.timestamp(), end.timestamp()),
        )
        return [(ShowRef(r[3], r[0], r[1], r[-1]), _season(r[2:-1])) for r in rows]

    async def seasons_in_production(self) -> list[tuple[ShowRef, Season]]:
        """Seasons renewed, filming, in post-production or scheduled, or expected with no word."""
        rows = await self._all(
            f"SELECT s.slug, s.title, {', '.join('x.' + c.strip() for c in _SEASON_COLUMNS.split(','))}, "
            "s.korean_title "
            "FROM season x JOIN show s ON s.id = x.show_id "
            "WHERE x.status IN ('renewed', 'filming', 'post_production', 'scheduled') "
            "OR (x.status = 'unconfirmed' AND x.release_precision != 'unknown') "
            "ORDER BY x.release_at IS NULL, x.release_at, s.title, x.number"
        )
        return [(ShowRef(r[3], r[0], r[1], r[-1]), _season(r[2:-1])) for r in rows]

    async def due_exact_releases(self, now: datetime) -> list[tuple[ShowRef, Season]]:
        """Scheduled seasons whose official exact release time has passed.

        An expected time (a report's) passing proves nothing, so it is not due.
        """
        rows = await self._all(
            f"SELECT s.slug, s.title, {', '.join('x.' + c.strip() for c in _SEASON_COLUMNS.split(','))}, "
            "s.korean_title "
            "FROM season x JOIN show s ON s.id = x.show_id "
            "WHERE x.status = 'scheduled' AND x.release_precision = 'exact' AND x.release_official = 1 "
            "AND x.release_at <= ? "
            "ORDER BY x.release_at",
            (now.timestamp(),),
        )
        return [(ShowRef(r[3], r[0], r[1], r[-1]), _season(r[2:-1])) for r in rows]

    async def names_of(self, show_ids: Iterable[int]) -> list[Name]:
        """The searchable names (title, Korean, romanized, aliases) of these shows.

        What /follow remove and /watch remove match typed text against, among the shows one
        person or one channel follows (a few hundred at most: the follow and subscription caps).
        """
        ids = list(dict.fromkeys(show_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        names: list[Name] = []
        for show_id, title, korean, romanized in await self._all(
            f"SELECT id, title, korean_title, romanized_title FROM show WHERE id IN ({marks})", ids
        ):
            names.append(Name(show_id, "title", title))
            if korean:
                names.append(Name(show_id, "korean", korean))
            if romanized:
                names.append(Name(show_id, "romanized", romanized))
        names.extend(
            Name(r[0], "alias", r[1])
            for r in await self._all(f"SELECT show_id, alias FROM show_alias WHERE show_id IN ({marks})", ids)
        )
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
            "SELECT DISTINCT s.id, s.slug, s.title, s.korean_title FROM credit c JOIN show s ON s.id = c.show_id "
            "WHERE c.person_id = ? ORDER BY s.title",
            (person_id,),
        )
        return Person(row[0], row[1], row[2], tuple(ShowRef(r[0], r[1], r[2], r[3]) for r in rows))

    # --- what an edit reads --------------------------------------------------------------
    async def show_ref(self, show_id: int) -> ShowRef | None:
        row = await self._one("SELECT id, slug, title FROM show WHERE id = ?", (show_id,))
        return ShowRef(row[0], row[1], row[2]) if row else None

    async def slug_titled(self, title: str, *, besides: int | None = None) -> str | None:
        """The slug of the show called `title` (any case), other than show `besides`."""
        row = await self._one(
            "SELECT slug FROM show WHERE title = ? COLLATE NOCASE AND id IS NOT ?", (title, besides)
        )
        return row[0] if row else None

    async def season_numbers(self, show_id: int) -> list[int]:
        return [
            r[0]
            for r in await self._all(
                "SELECT number FROM season WHERE show_id = ? ORDER BY number", (show_id,)
            )
        ]

    async def season_credits(
        self, show_id: int, season: int | None, person: str | None = None
    ) -> list[Credit]:
        """The credits of exactly one season (None: the whole show), of `person` (any case) if given."""
        sql = (
            "SELECT c.id, c.show_id, c.season_number, c.person_id, p.name, p.korean_name, "
            "c.character, c.billing, c.official, c.source "
            "FROM credit c JOIN person p ON p.id = c.person_id WHERE c.show_id = ? AND c.season_number IS ?"
        )
        args: list[Any] = [show_id, season]
        if person is not None:
            sql += " AND p.name = ? COLLATE NOCASE"
            args.append(person)
        return [
            _credit(r) for r in await self._all(sql + " ORDER BY c.billing IS NULL, c.billing, c.id", args)
        ]

    async def credited_seasons(self, show_id: int, person: str) -> list[int | None]:
        """The seasons (None: the whole show) where `person` (any case) is credited."""
        rows = await self._all(
            "SELECT DISTINCT c.season_number FROM credit c JOIN person p ON p.id = c.person_id "
            "WHERE c.show_id = ? AND p.name = ? COLLATE NOCASE ORDER BY c.season_number",
            (show_id, person),
        )
        return [r[0] for r in rows]

    async def next_billing(self, show_id: int, season: int | None) -> int:
        row = await self._one(
            "SELECT max(billing) FROM credit WHERE show_id = ? AND season_number IS ?", (show_id, season)
        )
        return (row[0] or 0) + 1 if row else 1

    async def trailer(self, show_id: int, season: int, url: str) -> Trailer | None:
        row = await self._one(
            "SELECT id, show_id, season_number, title, url, kind, published FROM trailer "
            "WHERE show_id = ? AND season_number = ? AND url = ?",
            (show_id, season, url),
        )
        return _trailer(row) if row else None

    async def season_trailers(self, show_id: int, season: int) -> list[Trailer]:
        """One season's trailers, in the order they were added."""
        rows = await self._all(
            "SELECT id, show_id, season_number, title, url, kind, published FROM trailer "
            "WHERE show_id = ? AND season_number = ? ORDER BY id",
            (show_id, season),
        )
        return [_trailer(r) for r in rows]

    async def aliases(self, show_id: int) -> list[tuple[str, int]]:
        """(alias, position) of a show's aliases, in order."""
        rows = await self._all(
            "SELECT alias, position FROM show_alias WHERE show_id = ? ORDER BY position", (show_id,)
        )
        return [(r[0], r[1]) for r in rows]

    async def similar_of(self, show_id: int) -> list[list[Any]]:
        """[slug, position] of the shows that list this one as similar."""
        rows = await self._all(
            "SELECT s.slug, x.position FROM show_similar x JOIN show s ON s.id = x.show_id "
            "WHERE x.similar_id = ? ORDER BY s.slug",
            (show_id,),
        )
        return [[r[0], r[1]] for r in rows]

    async def subscription_rows(self, show_id: int) -> list[dict[str, Any]]:
        """A show's subscriptions as whole rows, so removing the show can be undone with them."""
        cur = await self._store.db.execute(
            "SELECT * FROM subscription WHERE show_id = ? ORDER BY id", (show_id,)
        )
        async with cur:
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in await cur.fetchall()]

    # --- writes (inside the caller's transaction) ----------------------------------------

    async def file_shows(self, show_ids: list[int] | None = None) -> list[dict[str, Any]]:
        """Shows in the file format, with bulk queries (fast for a 10,000-show catalog)."""
        if show_ids is not None and not show_ids:
            return []
        flt, args = "", ()
        if show_ids is not None:
            flt = f" WHERE show_id IN ({','.join('?' * len(show_ids))})"
            args = tuple(show_ids)
        show_flt = flt.replace("show_id", "id")
        show_rows = await self._all(
            "SELECT id, slug, title, korean_title, romanized_title, country, platform, platform_url, "
            f"genres, synopsis, poster_url FROM show{show_flt} ORDER BY slug",
            args,
        )
        aliases: dict[int, list[str]] = defaultdict(list)
        for sid, alias in await self._all(
            f"SELECT show_id, alias FROM show_alias{flt} ORDER BY show_id, position", args
        ):
            aliases[sid].append(alias)
        similar: dict[int, list[str]] = defaultdict(list)
        for sid, slug_ in await self._all(
            "SELECT x.show_id, s.slug FROM show_similar x JOIN show s ON s.id = x.similar_id"
            f"{flt.replace('show_id', 'x.show_id')} ORDER BY x.show_id, x.position",
            args,
        ):
            similar[sid].append(slug_)
        credits: dict[tuple[int, int | None], list[dict[str, Any]]] = defaultdict(list)
        for sid, number, name, korean, character, billing, official, src in await self._all(
            "SELECT c.show_id, c.season_number, p.name, p.korean_name, c.character, c.billing, c.official, c.source "
            f"FROM credit c JOIN person p ON p.id = c.person_id{flt.replace('show_id', 'c.show_id')} "
            "ORDER BY c.show_id, c.season_number, c.billing IS NULL, c.billing, c.id",
            args,
        ):
            credits[(sid, number)].append(
                {
                    "actor": name,
                    "korean_name": korean,
                    "character": character,
                    "billing": billing,
                    "official": bool(official),
                    "source": src,
                }
            )
        trailers: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        for sid, number, title, url, kind, published in await self._all(
            f"SELECT show_id, season_number, title, url, kind, published FROM trailer{flt} ORDER BY id", args
        ):
            trailers[(sid, number)].append({"title": title, "url": url, "kind": kind, "published": published})
        seasons: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in await self._all(
            "SELECT show_id, number, episodes, notes, status, status_source, status_as_of, status_note, "
            "release_date, release_official, release_source, release_as_of, release_note, "
            f"status_history, release_history FROM season{flt} ORDER BY show_id, number",
            args,
        ):
            sid, number = r[0], r[1]
            seasons[sid].append(
                {
                    "number": number,
                    "episodes": r[2],
                    "notes": r[3],
                    "status": {
                        "value": r[4],
                        "source": r[5],
                        "as_of": r[6],
                        "note": r[7],
                        "history": json.loads(r[13] or "[]"),
                    },
                    "release": {
                        "date": r[8],
                        "official": bool(r[9]),
                        "source": r[10],
                        "as_of": r[11],
                        "note": r[12],
                        "history": json.loads(r[14] or "[]"),
                    },
                    "cast": credits.get((sid, number), []),
                    "trailers": trailers.get((sid, number), []),
                }
            )
        return [
            {
                "slug": r[1],
                "title": r[2],
                "korean_title": r[3],
                "romanized_title": r[4],
                "aliases": aliases.get(r[0], []),
                "country": r[5],
                "platform": r[6],
                "platform_url": r[7],
                "genres": json.loads(r[8] or "[]"),
                "synopsis": r[9],
                "poster_url": r[10],
                "similar": similar.get(r[0], []),
                "cast": credits.get((r[0], None), []),
                "seasons": seasons.get(r[0], []),
            }
            for r in show_rows
        ]


__all__ = [
    "SEASON_FIELDS",
    "SHOW_FIELDS",
    "CatalogStore",
    "release_columns",
    "season_columns",
    "status_columns",
]
