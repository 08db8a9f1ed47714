"""The catalog read in bulk, a batch of shows at a time: for the in-memory snapshot and search index.

Rows come back as plain tuples, grouped per show (`ShowRows`), so the caller can pack them
compactly; `catalog.show_record` turns one show's rows into models when a fan asks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from typing import Any

from kdrama.store.catalog_writes import _SEASON_COLUMNS, CatalogWrites

# One show's rows: (show row, season rows, trailer rows), as the reads of catalog.py return
# them and in their order. Credits are not among them: they are three quarters of a show's
# bytes, so the snapshot reads them when a fan asks (`credit_rows`).
ShowRows = tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]
# A searchable name as a row: (ref, kind, text); ref is a show id, or a person id for "actor".
NameRow = tuple[int, str, str]

SHOW_COLUMNS = (
    "id, slug, title, korean_title, romanized_title, country, platform, "
    "platform_url, genres, synopsis, poster_url, "
    "(SELECT json_group_array(alias) FROM (SELECT alias FROM show_alias "
    " WHERE show_id = show.id ORDER BY position, alias)), "
    "(SELECT json_group_array(json_array(id, slug, title, korean_title)) FROM (SELECT s.id, s.slug, "
    " s.title, s.korean_title FROM show_similar x JOIN show s ON s.id = x.similar_id "
    " WHERE x.show_id = show.id ORDER BY x.position, s.title))"
)
CREDIT_COLUMNS = (
    "c.id, c.show_id, c.season_number, c.person_id, p.name, p.korean_name, "
    "c.character, c.billing, c.official, c.source"
)
CREDIT_ORDER = "c.official DESC, c.billing IS NULL, c.billing, p.name"
TRAILER_COLUMNS = "id, show_id, season_number, title, url, kind, published"
TRAILER_ORDER = "season_number, published IS NULL, published, id"
BATCH = 500  # shows per round of bulk reads: about 1 MiB of rows at a time


def _marks(n: int) -> str:
    return ",".join("?" * n)


class CatalogBulk(CatalogWrites):
    """Bulk reads of `store.catalog`: every show's rows, and every searchable name, in batches."""

    async def show_id_batches(self, size: int = BATCH) -> AsyncIterator[list[int]]:
        """Every show id, ascending, `size` at a time."""
        after = 0
        while True:
            ids = [
                r[0]
                for r in await self._all(
                    "SELECT id FROM show WHERE id > ? ORDER BY id LIMIT ?", (after, size)
                )
            ]
            if not ids:
                return
            yield ids
            after = ids[-1]

    async def show_rows(self, ids: Sequence[int]) -> dict[int, ShowRows]:
        """The rows of the given shows (those that exist), in three round trips."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        marks = _marks(len(wanted))
        shows = await self._all(f"SELECT {SHOW_COLUMNS} FROM show WHERE id IN ({marks})", wanted)
        parts: dict[int, tuple[list[Any], list[Any]]] = {s[0]: ([], []) for s in shows}
        for r in await self._all(
            f"SELECT {_SEASON_COLUMNS} FROM season WHERE show_id IN ({marks}) ORDER BY show_id, number",
            wanted,
        ):
            parts[r[1]][0].append(tuple(r))
        for r in await self._all(
            f"SELECT {TRAILER_COLUMNS} FROM trailer WHERE show_id IN ({marks}) ORDER BY show_id, {TRAILER_ORDER}",
            wanted,
        ):
            parts[r[1]][1].append(tuple(r))
        return {s[0]: (tuple(s), tuple(p[0]), tuple(p[1])) for s in shows for p in (parts[s[0]],)}

    async def credit_rows(self, show_id: int) -> list[sqlite3.Row]:
        """Every credit of a show (each season's and the whole show's), official first, in billing order."""
        return await self._all(
            f"SELECT {CREDIT_COLUMNS} FROM credit c JOIN person p ON p.id = c.person_id "
            f"WHERE c.show_id = ? ORDER BY {CREDIT_ORDER}",
            (show_id,),
        )

    async def title_rows(self, ids: Sequence[int]) -> list[NameRow]:
        """The searchable names of the given shows: title, Korean, romanized, aliases."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        marks = _marks(len(wanted))
        names: list[NameRow] = []
        for show_id, title, korean, romanized in await self._all(
            f"SELECT id, title, korean_title, romanized_title FROM show WHERE id IN ({marks}) ORDER BY id",
            wanted,
        ):
            names.append((show_id, "title", title))
            if korean:
                names.append((show_id, "korean", korean))
            if romanized:
                names.append((show_id, "romanized", romanized))
        names.extend(
            (r[0], "alias", r[1])
            for r in await self._all(
                f"SELECT show_id, alias FROM show_alias WHERE show_id IN ({marks}) ORDER BY show_id, position",
                wanted,
            )
        )
        return names

    async def actor_row_batches(self, size: int = 5000) -> AsyncIterator[list[NameRow]]:
        """The searchable names of everyone credited anywhere, about `size` people at a time."""
        after = 0
        while True:
            rows = await self._all(
                # EXISTS walks the credit_person index; IN (SELECT ...) would build a
                # temporary table of every credit's person for each batch.
                "SELECT id, name, korean_name FROM person WHERE id > ? "
                "AND EXISTS (SELECT 1 FROM credit WHERE person_id = person.id) ORDER BY id LIMIT ?",
                (after, size),
            )
            if not rows:
                return
            names: list[NameRow] = []
            for person_id, name, korean in rows:
                names.append((person_id, "actor", name))
                if korean:
                    names.append((person_id, "actor", korean))
            yield names
            after = rows[-1][0]
