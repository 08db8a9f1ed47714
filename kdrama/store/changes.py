"""The change log's SQL: every edit with its items, for history, undo and notifications."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kdrama.dates import utcnow
from kdrama.models import Action, Actor, Change, ChangeItem, Entity, Event, ItemKey, ShowRef, parse_events
from kdrama.store.outbox import enqueue_deliveries

if TYPE_CHECKING:
    from kdrama.store.database import Store


def _events_text(events: Iterable[Event]) -> str:
    """A change's events as stored: comma-separated, alphabetical."""
    return ",".join(sorted(e.value for e in events))


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _unjson(text: str | None) -> object:
    return None if text is None else json.loads(text)


def _item(row: sqlite3.Row | tuple[Any, ...]) -> ChangeItem:
    entity = Entity(row[0])
    return ChangeItem(entity, ItemKey.parse(entity, row[1]), row[2], _unjson(row[3]), _unjson(row[4]))


class ChangeStore:
    """The append-only change log. `store.changes`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def record(
        self,
        *,
        actor: Actor,
        action: Action,
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
        db = self._store.db
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
                Action(action).value,
                source,
                _events_text(event_set),
                undo_of,
            ),
        )
        change_id = cur.lastrowid
        assert change_id is not None
        await db.executemany(
            "INSERT INTO change_item (change_id, entity, key, field, old, new) VALUES (?,?,?,?,?,?)",
            [(change_id, i.entity.value, str(i.key), i.field, _json(i.old), _json(i.new)) for i in items],
        )
        if show is not None:
            await self._store.sync.mark_change(show.id, actor, items)
        if event_set and show is not None:
            await enqueue_deliveries(db, change_id, show.id, event_set)
        return change_id

    async def forget_follower(self, user_id: int) -> None:
        """Drop a person's follows from removed shows' snapshots (inside the caller's transaction)."""
        db = self._store.db
        for column in ("old", "new"):
            # Only whole-show items hold a snapshot; instr() skips the rest before any JSON is read.
            await db.execute(
                f"UPDATE change_item SET {column} = json_set({column}, '$._follows', "
                f"(SELECT json_group_array(json(value)) FROM json_each({column}, '$._follows') "
                "WHERE json_extract(value, '$.user_id') != ?1)) "
                f"WHERE entity = 'show' AND field = '*' AND instr({column}, '\"_follows\"') > 0 "
                f"AND EXISTS (SELECT 1 FROM json_each({column}, '$._follows') "
                "WHERE json_extract(value, '$.user_id') = ?1)",
                (user_id,),
            )

    async def change(self, change_id: int) -> Change | None:
        changes = await self._changes("c.id = ?", (change_id,))
        return changes[0] if changes else None

    async def for_show(self, show_id: int, *, limit: int = 10, offset: int = 0) -> list[Change]:
        """A show's changes, newest first."""
        return await self._changes("c.show_id = ?", (show_id,), order="c.id DESC", limit=limit, offset=offset)

    async def count_for_show(self, show_id: int) -> int:
        row = await self._store.fetch_one("SELECT count(*) FROM change WHERE show_id = ?", (show_id,))
        return int(row[0]) if row else 0

    async def _changes(
        self, where: str, args: tuple[Any, ...], *, order: str = "c.id", limit: int = -1, offset: int = 0
    ) -> list[Change]:
        # One round trip: the items come along as a JSON array of arrays.
        rows = await self._store.fetch_all(
            "SELECT c.id, c.at, c.actor_id, c.actor_name, c.show_id, c.show_title, c.season_number, "
            "c.action, c.source, c.events, c.undo_of, "
            "(SELECT json_group_array(json_array(entity, key, field, old, new)) FROM "
            " (SELECT entity, key, field, old, new FROM change_item WHERE change_id = c.id ORDER BY id)) "
            f"FROM change c WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            (*args, limit, offset),
        )
        return [
            Change(
                id=h[0],
                at=datetime.fromisoformat(h[1]),
                actor_id=h[2],
                actor_name=h[3],
                show_id=h[4],
                show_title=h[5],
                season_number=h[6],
                action=Action(h[7]),
                source=h[8],
                events=parse_events(h[9]),
                items=tuple(_item(i) for i in json.loads(h[11])),
                undo_of=h[10],
            )
            for h in rows
        ]

    async def undone_by(self, change_id: int) -> int | None:
        """The undo that reverted `change_id`, if any."""
        row = await self._store.fetch_one(
            "SELECT id FROM change WHERE undo_of = ? ORDER BY id LIMIT 1", (change_id,)
        )
        return row[0] if row else None

    async def later(self, change_id: int) -> dict[int, int | None]:
        """Every change after `change_id`: its id and what it undid."""
        rows = await self._store.fetch_all("SELECT id, undo_of FROM change WHERE id > ?", (change_id,))
        return {r[0]: r[1] for r in rows}

    async def later_items_of_show(self, change_id: int, slug: str) -> list[tuple[int, ChangeItem]]:
        """The items of later changes whose key is the show `slug` or under it, oldest first."""
        rows = await self._store.fetch_all(
            "SELECT c.id, i.entity, i.key, i.field FROM change_item i JOIN change c ON c.id = i.change_id "
            "WHERE c.id > ? AND (i.key = ? OR substr(i.key, 1, ?) = ?) ORDER BY c.id, i.id",
            (change_id, slug, len(slug) + 1, slug + "#"),
        )
        return [(r[0], _item((r[1], r[2], r[3], None, None))) for r in rows]

    async def last_id(self) -> int:
        row = await self._store.fetch_one("SELECT ifnull(max(id), 0) FROM change")
        return int(row[0]) if row else 0

    async def shows_changed_since(self, after: int) -> tuple[int, list[int]]:
        """The last change id, and the shows that changes after `after` touched (by id or item key).

        A show removed since is listed by the id the change recorded; a show an item names
        (an undo restores several) by its slug, when it exists.
        """
        rows = await self._store.fetch_all(
            "SELECT (SELECT ifnull(max(id), ?) FROM change WHERE id > ?), NULL "
            "UNION ALL SELECT NULL, show_id FROM change WHERE id > ? AND show_id IS NOT NULL "
            "UNION ALL SELECT NULL, s.id FROM change_item i JOIN show s "
            "ON s.slug = substr(i.key, 1, instr(i.key || '#', '#') - 1) WHERE i.change_id > ?",
            (after, after, after, after),
        )
        last = int(rows[0][0]) if rows else after
        return last, list(dict.fromkeys(r[1] for r in rows[1:]))

    async def ids_since(self, after: int, *, action: Action, actor_id: int | None) -> list[int]:
        rows = await self._store.fetch_all(
            "SELECT id FROM change WHERE id > ? AND action = ? AND actor_id IS ? ORDER BY id",
            (after, Action(action).value, actor_id),
        )
        return [r[0] for r in rows]
