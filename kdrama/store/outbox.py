"""The outbox: one `delivery` row per (change, subscribed channel or follower), and its life until sent.

Every statement on the delivery table is here. The functions that take a connection run
inside the caller's transaction: `enqueue_deliveries` in the edit's own (so a notification
exists exactly when its change does), the hold/resend/cancel ones in a subscription's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiosqlite

from kdrama.models import ChannelBacklog, Delivery, Event, Shards, parse_events

if TYPE_CHECKING:
    from kdrama.store.database import Store


def stamp(now: datetime | None = None) -> str:
    """A moment as the watch tables store it (UTC, to the second)."""
    return (now or datetime.now(UTC)).isoformat(timespec="seconds")


def moment(text: str | None) -> datetime | None:
    """A stored moment back as an aware datetime (UTC when the text has no zone)."""
    if not text:
        return None
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- inside the caller's transaction ------------------------------------------------------------


async def enqueue_deliveries(
    db: aiosqlite.Connection, change_id: int, show_id: int, events: frozenset[Event]
) -> None:
    """One outbox row per subscribed channel that wants any of `events`."""
    async with db.execute(
        "SELECT guild_id, channel_id, events, role_id FROM subscription "
        "WHERE paused_reason IS NULL AND (show_id = ? OR show_id IS NULL)",
        (show_id,),
    ) as cur:
        rows = await cur.fetchall()
    per_channel: dict[int, tuple[int, set[int]]] = {}
    for guild_id, channel_id, wanted, role_id in rows:
        if not events & parse_events(wanted):
            continue
        _, roles = per_channel.setdefault(channel_id, (guild_id, set()))
        if role_id:
            roles.add(role_id)
    now = stamp()
    await db.executemany(
        "INSERT OR IGNORE INTO delivery (change_id, guild_id, channel_id, role_ids, created_at) "
        "VALUES (?,?,?,?,?)",
        [
            (change_id, guild_id, channel_id, json.dumps(sorted(roles)), now)
            for channel_id, (guild_id, roles) in per_channel.items()
        ],
    )
    await _enqueue_dms(db, change_id, show_id, events, now)


async def _enqueue_dms(
    db: aiosqlite.Connection, change_id: int, show_id: int, events: frozenset[Event], now: str
) -> None:
    """One DM row per follower of the show who wants any of `events`; held for a paused one.

    A paused follower's row waits, held, for them to resume (they are not asked meanwhile);
    resuming sends what is still news, as for the DMs held when they were paused.
    """
    if not events:
        return
    wanted, args = _any_event("f.events", events)
    await db.execute(
        "INSERT OR IGNORE INTO delivery (change_id, guild_id, channel_id, user_id, created_at, state, last_error) "
        "SELECT ?, 0, f.user_id, f.user_id, ?, "
        "CASE WHEN p.paused_reason IS NULL THEN 'pending' ELSE 'paused' END, p.paused_reason "
        "FROM follow f JOIN follower p ON p.user_id = f.user_id "
        f"WHERE f.show_id = ? AND {wanted}",
        (change_id, now, show_id, *args),
    )


def _any_event(column: str, events: frozenset[Event]) -> tuple[str, list[str]]:
    """SQL true when the comma list in `column` names any of `events` (false for none)."""
    if not events:
        return "0", []
    return (
        "(" + " OR ".join(f"instr(',' || {column} || ',', ?) > 0" for _ in events) + ")",
        [f",{e.value}," for e in sorted(events)],
    )


async def drop_unfollowed(
    db: aiosqlite.Connection, user_id: int, show_id: int, keep: frozenset[Event] = frozenset()
) -> int:
    """A show unfollowed, or its events narrowed to `keep`: its unsent DMs no longer wanted never will be."""
    wanted, args = _any_event("c.events", keep)
    cur = await db.execute(
        "UPDATE delivery SET state = 'failed', last_error = 'unfollowed before it was sent' "
        "WHERE user_id = ? AND state IN ('pending', 'paused') "
        f"AND change_id IN (SELECT c.id FROM change c WHERE c.show_id = ? AND NOT {wanted})",
        (user_id, show_id, *args),
    )
    return cur.rowcount


async def cancel_show(db: aiosqlite.Connection, show_id: int) -> int:
    """A show removed from the catalog: its queued and held notices, to channels and fans, never go out.

    Cancelled, not deleted: a row kept failed is never queued again, not by a resume nor by
    the show coming back (its restored subscriptions and follows only hear later news).
    """
    cur = await db.execute(
        "UPDATE delivery SET state = 'failed', last_error = 'the show was removed before it was sent' "
        "WHERE state IN ('pending', 'paused') AND change_id IN (SELECT id FROM change WHERE show_id = ?)",
        (show_id,),
    )
    return cur.rowcount


async def forget_user(db: aiosqlite.Connection, user_id: int) -> int:
    """Every DM row of a person who asked to be forgotten, sent or not, goes."""
    cur = await db.execute("DELETE FROM delivery WHERE user_id = ?", (user_id,))
    return cur.rowcount


async def resend_held(db: aiosqlite.Connection, channel_id: int, since: datetime) -> tuple[int, int]:
    """Queue a resumed channel's held deliveries again if made since `since`, fail older ones.

    Returns (resent, dropped).
    """
    cur = await db.execute(
        "UPDATE delivery SET state = 'pending', attempts = 0, next_try_at = 0 "
        "WHERE channel_id = ? AND state = 'paused' AND created_at >= ?",
        (channel_id, stamp(since)),
    )
    resent = cur.rowcount
    cur = await db.execute(
        "UPDATE delivery SET state = 'failed', last_error = 'stale: the channel was paused "
        "for more than a day' WHERE channel_id = ? AND state = 'paused'",
        (channel_id,),
    )
    return resent, cur.rowcount


async def fit_to_subscriptions(db: aiosqlite.Connection, channel_id: int) -> int:
    """Make a channel's queued and held notices match what it follows now; returns how many were cancelled.

    A notice no subscription of the channel wants any more (its show unfollowed, or its kind
    of news dropped from the events) is cancelled; the others ping the roles of the
    subscriptions that still want them.
    """
    subscriptions = [
        (show_id, parse_events(events), role_id)
        for show_id, events, role_id in await db.execute_fetchall(
            "SELECT show_id, events, role_id FROM subscription WHERE channel_id = ?", (channel_id,)
        )
    ]
    queued = await db.execute_fetchall(
        "SELECT d.id, d.role_ids, c.show_id, c.events FROM delivery d JOIN change c ON c.id = d.change_id "
        "WHERE d.channel_id = ? AND d.user_id IS NULL AND d.state IN ('pending', 'paused')",
        (channel_id,),
    )
    unwanted: list[tuple[int]] = []
    refitted: list[tuple[str, int]] = []
    for delivery_id, role_ids, show_id, events in queued:
        news = parse_events(events)
        wanting = [s for s in subscriptions if s[0] in (None, show_id) and s[1] & news]
        if not wanting:
            unwanted.append((delivery_id,))
            continue
        roles = json.dumps(sorted({role for *_, role in wanting if role}))
        if roles != role_ids:
            refitted.append((roles, delivery_id))
    await db.executemany(
        "UPDATE delivery SET state = 'failed', last_error = 'unsubscribed before it was posted' WHERE id = ?",
        unwanted,
    )
    await db.executemany("UPDATE delivery SET role_ids = ? WHERE id = ?", refitted)
    return len(unwanted)


async def hold_channel(db: aiosqlite.Connection, channel_id: int, reason: str) -> int:
    """Hold a paused channel's pending deliveries; returns how many."""
    cur = await db.execute(
        "UPDATE delivery SET state = 'paused', last_error = ? WHERE channel_id = ? AND state = 'pending'",
        (reason, channel_id),
    )
    return cur.rowcount


async def hold_guild(db: aiosqlite.Connection, guild_id: int, reason: str) -> int:
    """Hold the pending deliveries of a whole server; returns how many."""
    cur = await db.execute(
        "UPDATE delivery SET state = 'paused', last_error = ? WHERE guild_id = ? AND state = 'pending'",
        (reason, guild_id),
    )
    return cur.rowcount


async def cancel_channel(db: aiosqlite.Connection, channel_id: int) -> None:
    """A deleted channel's queue will never be posted: fail it."""
    await db.execute(
        "UPDATE delivery SET state = 'failed', last_error = 'the channel was deleted' "
        "WHERE channel_id = ? AND state IN ('pending', 'paused')",
        (channel_id,),
    )


# --- the delivery loop's side --------------------------------------------------------------------


def _pending_on(shards: Shards | None, extra: str = "", args: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """WHERE clause and arguments for pending deliveries to guilds on `shards` (all if None)."""
    where, values = f"state = 'pending' {extra}".strip(), list(args)
    if shards is not None:
        ids = sorted(shards.ids)
        where += f" AND ((guild_id >> 22) % ?) IN ({','.join('?' * len(ids))})"
        values += [shards.count, *ids]
    return where, values


def _heads(shards: Shards | None) -> tuple[str, list[Any]]:
    """A query for the oldest pending delivery of each channel (and follower) on `shards`."""
    where, args = _pending_on(shards)
    return f"SELECT min(id) FROM delivery WHERE {where} GROUP BY channel_id", args


class OutboxStore:
    """Claiming and recording deliveries, on the bot's one Store (writes serialised)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def db(self) -> aiosqlite.Connection:
        return self.store.db

    async def _one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        rows = await self.db.execute_fetchall(sql, args)
        return next(iter(rows), None)

    async def due(self, now: float, shards: Shards | None, limit: int = 200) -> list[Delivery]:
        """Each channel's oldest pending delivery, if it is due by `now`; the oldest first.

        A channel (or a follower) gets its notices in the order they were made: while its
        oldest waits out a retry, the newer ones wait behind it, so a channel's last word is
        never an older change. The oldest stops holding the rest once it is sent, failed or
        cancelled.
        """
        heads, args = _heads(shards)
        rows = await self.db.execute_fetchall(
            "SELECT id, change_id, guild_id, channel_id, role_ids, attempts, created_at, user_id, "
            # A channel's notices are in its subscriptions' language, a DM in its follower's.
            "coalesce((SELECT max(s.language) FROM subscription s WHERE s.channel_id = delivery.channel_id), "
            "(SELECT f.language FROM follower f WHERE f.user_id = delivery.user_id)) "
            f"FROM delivery WHERE id IN ({heads}) AND next_try_at <= ? ORDER BY id LIMIT ?",
            (*args, now, limit),
        )
        return [
            Delivery(
                id=r[0],
                change_id=r[1],
                guild_id=r[2],
                channel_id=r[3],
                role_ids=tuple(json.loads(r[4] or "[]")),
                attempts=r[5],
                created_at=moment(r[6]) or datetime.now(UTC),
                user_id=r[7],
                language=r[8],
            )
            for r in rows
        ]

    async def count_pending(self, shards: Shards | None) -> int:
        where, args = _pending_on(shards)
        row = await self._one(f"SELECT count(*) FROM delivery WHERE {where}", args)
        return int(row[0]) if row else 0

    async def next_due_at(self, shards: Shards | None, *, after: float | None = None) -> float | None:
        """When the soonest channel's oldest pending delivery is due (wall-clock seconds), or None.

        With `after`, only deliveries not yet due then count: those due by then were already
        read by the caller, and it knows why it did not start them.
        """
        heads, args = _heads(shards)
        later = "" if after is None else " AND next_try_at > ?"
        row = await self._one(
            f"SELECT min(next_try_at) FROM delivery WHERE id IN ({heads}){later}",
            [*args, *(() if after is None else (after,))],
        )
        return float(row[0]) if row and row[0] is not None else None

    async def state(self, delivery_id: int) -> str | None:
        row = await self._one("SELECT state FROM delivery WHERE id = ?", (delivery_id,))
        return row[0] if row else None

    async def backlog(self, channel_id: int) -> ChannelBacklog:
        row = await self._one(
            "SELECT sum(state = 'pending'), sum(state = 'paused'), sum(state = 'failed') "
            "FROM delivery WHERE channel_id = ?",
            (channel_id,),
        )
        return ChannelBacklog(*(int(x or 0) for x in (row or (0, 0, 0))))

    async def mark_sent(self, delivery_id: int, message_id: int | None) -> None:
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE delivery SET state = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE id = ?",
                (message_id, stamp(), delivery_id),
            )

    async def mark_retry(self, delivery_id: int, attempts: int, next_try_at: float, error: str) -> None:
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE delivery SET attempts = ?, next_try_at = ?, last_error = ? "
                "WHERE id = ? AND state = 'pending'",
                (attempts, next_try_at, error[:500], delivery_id),
            )

    async def mark_failed(self, delivery_id: int, attempts: int, error: str) -> None:
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE delivery SET state = 'failed', attempts = ?, last_error = ? WHERE id = ?",
                (attempts, error[:500], delivery_id),
            )

    async def expire_held_dms(self, *, older_than: timedelta, now: datetime | None = None) -> int:
        """Fail the held DMs of paused followers made more than `older_than` ago; returns how many.

        Resuming would drop them as stale anyway; failing them lets the retention prune them,
        so a person whose DMs stay closed does not grow a backlog.
        """
        cutoff = stamp((now or datetime.now(UTC)) - older_than)
        async with self.store.transaction() as db:
            cur = await db.execute(
                "UPDATE delivery SET state = 'failed', last_error = 'stale: the follower was paused "
                "for more than a day' WHERE user_id IS NOT NULL AND state = 'paused' "
                "AND julianday(created_at) < julianday(?)",
                (cutoff,),
            )
        return cur.rowcount

    async def prune(self, *, older_than_days: float, now: datetime | None = None) -> int:
        """Delete sent and failed deliveries made more than `older_than_days` ago; returns how many.

        Pending and paused rows stay whatever their age: they are news still owed.
        """
        cutoff = stamp((now or datetime.now(UTC)) - timedelta(days=older_than_days))
        async with self.store.transaction() as db:
            cur = await db.execute(
                "DELETE FROM delivery WHERE state IN ('sent', 'failed') AND julianday(created_at) < julianday(?)",
                (cutoff,),
            )
        return cur.rowcount
