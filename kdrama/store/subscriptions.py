"""Subscriptions: which channel follows which show, for which news, and whether it is paused.

Pausing, resuming and removing a channel also holds, requeues or cancels its deliveries, in
the same transaction, through the outbox module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from kdrama.models import AddResult, Event, ShowRef, Subscription, WatchedShow, events_text, parse_events
from kdrama.store import outbox
from kdrama.store.outbox import moment, stamp

if TYPE_CHECKING:
    from kdrama.store.database import Store

_COLUMNS = (
    "s.id, s.guild_id, s.channel_id, s.show_id, x.slug, x.title, s.events, s.role_id, s.created_by, "
    "s.created_at, s.paused_reason, s.paused_at, s.language, x.korean_title"
)


def _subscription(r: Sequence[Any]) -> Subscription:
    show = ShowRef(int(r[3]), str(r[4]), str(r[5]), r[13]) if r[3] is not None else None
    return Subscription(
        id=int(r[0]),
        guild_id=int(r[1]),
        channel_id=int(r[2]),
        show=show,
        events=parse_events(r[6]),
        role_id=int(r[7]) if r[7] is not None else None,
        created_by=int(r[8]),
        created_at=moment(r[9]) or datetime.now(UTC),
        paused_reason=r[10],
        paused_at=moment(r[11]),
        language=r[12],
    )


class SubscriptionLimit(RuntimeError):
    """A server already has as many subscriptions as it may; nothing was written."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the server already has {limit} subscriptions")
        self.limit = limit


class SubscriptionStore:
    """The SQL of subscriptions, on the bot's one Store (writes serialised)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def db(self) -> aiosqlite.Connection:
        return self.store.db

    async def for_guild(self, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
        """A server's subscriptions (or one channel's), by channel, every-show first, then title."""
        where, args = "s.guild_id = ?", [guild_id]
        if channel_id is not None:
            where += " AND s.channel_id = ?"
            args.append(channel_id)
        rows = await self.db.execute_fetchall(
            f"SELECT {_COLUMNS} FROM subscription s LEFT JOIN show x ON x.id = s.show_id "
            f"WHERE {where} ORDER BY s.channel_id, s.show_id IS NOT NULL, x.title",
            args,
        )
        return [_subscription(r) for r in rows]

    async def shows_of(self, guild_id: int, channel_id: int) -> list[WatchedShow]:
        """What a channel follows, in for_guild's order, with only what /watch remove offers of it.

        Read on a keystroke after any commit (kdrama/followed_index.py): a third of for_guild's
        time at 500 subscriptions, and a fraction of its objects' memory while kept.
        """
        rows = await self.db.execute_fetchall(
            "SELECT s.show_id, x.slug, x.title, x.korean_title, s.paused_reason IS NOT NULL "
            "FROM subscription s LEFT JOIN show x ON x.id = s.show_id "
            "WHERE s.guild_id = ? AND s.channel_id = ? ORDER BY s.show_id IS NOT NULL, x.title",
            (guild_id, channel_id),
        )
        return [
            WatchedShow(ShowRef(r[0], r[1], r[2], r[3]) if r[0] is not None else None, bool(r[4]))
            for r in rows
        ]

    async def get(self, channel_id: int, show_id: int | None) -> Subscription | None:
        """A channel's subscription to one show (None: to every show), if it has one."""
        rows = await self.db.execute_fetchall(
            f"SELECT {_COLUMNS} FROM subscription s LEFT JOIN show x ON x.id = s.show_id "
            "WHERE s.channel_id = ? AND s.show_id IS ?",
            (channel_id, show_id),
        )
        row = next(iter(rows), None)
        return _subscription(row) if row else None

    async def add(
        self,
        *,
        guild_id: int,
        channel_id: int,
        show_id: int | None,
        events: frozenset[Event],
        role_id: int | None,
        created_by: int,
        resend_since: datetime,
        now: datetime,
        language: str | None = None,
        max_per_guild: int | None = None,
    ) -> AddResult:
        """Subscribe a channel (or update its subscription) and resume it if it was paused.

        Every paused subscription of the channel resumes; its held deliveries made since
        `resend_since` are queued again, older ones are marked failed as stale. A new
        subscription past `max_per_guild` raises SubscriptionLimit (counted in the same
        transaction, so two staff at once can't both pass it). `language` becomes the
        channel's: one delivery per channel, in one language.
        """
        async with self.store.transaction() as db:
            cur = await db.execute(
                "UPDATE subscription SET events = ?, role_id = ?, guild_id = ? "
                "WHERE channel_id = ? AND show_id IS ?",
                (events_text(events), role_id, guild_id, channel_id, show_id),
            )
            created = cur.rowcount == 0
            if created and max_per_guild is not None:
                async with db.execute(
                    "SELECT count(*) FROM subscription WHERE guild_id = ?", (guild_id,)
                ) as c:
                    row = await c.fetchone()
                if row is not None and row[0] >= max_per_guild:
                    raise SubscriptionLimit(max_per_guild)
            if created:
                await db.execute(
                    "INSERT INTO subscription (guild_id, channel_id, show_id, events, role_id, "
                    "created_by, created_at) VALUES (?,?,?,?,?,?,?)",
                    (guild_id, channel_id, show_id, events_text(events), role_id, created_by, stamp(now)),
                )
            cur = await db.execute(
                "UPDATE subscription SET paused_reason = NULL, paused_at = NULL "
                "WHERE channel_id = ? AND paused_reason IS NOT NULL",
                (channel_id,),
            )
            resumed = cur.rowcount
            await db.execute(
                "UPDATE subscription SET language = ? WHERE channel_id = ?", (language, channel_id)
            )
            # Events or role changed: what is queued follows suit before anything is resent.
            await outbox.fit_to_subscriptions(db, channel_id)
            resent, dropped = await outbox.resend_held(db, channel_id, resend_since)
        sub = await self.get(channel_id, show_id)
        assert sub is not None
        return AddResult(sub, created, resumed, resent, dropped)

    async def remove(self, channel_id: int, show_id: int | None) -> bool:
        """Unsubscribe a channel from a show (or from every show); False if it wasn't."""
        async with self.store.transaction() as db:
            cur = await db.execute(
                "DELETE FROM subscription WHERE channel_id = ? AND show_id IS ?", (channel_id, show_id)
            )
            removed = cur.rowcount > 0
            if removed:
                await outbox.fit_to_subscriptions(db, channel_id)
        return removed

    async def pause_channel(self, channel_id: int, reason: str, *, now: datetime | None = None) -> int:
        """Pause every subscription of a channel and hold its queue; returns deliveries held."""
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE subscription SET paused_reason = ?, paused_at = ? "
                "WHERE channel_id = ? AND paused_reason IS NULL",
                (reason, stamp(now), channel_id),
            )
            return await outbox.hold_channel(db, channel_id, reason)

    async def pause_guild(self, guild_id: int, reason: str, *, now: datetime | None = None) -> int:
        """Pause a whole server's subscriptions (the bot was removed from it); returns how many."""
        async with self.store.transaction() as db:
            cur = await db.execute(
                "UPDATE subscription SET paused_reason = ?, paused_at = ? "
                "WHERE guild_id = ? AND paused_reason IS NULL",
                (reason, stamp(now), guild_id),
            )
            paused = cur.rowcount
            await outbox.hold_guild(db, guild_id, reason)
        return paused

    async def delete_channel(self, channel_id: int) -> int:
        """A deleted channel loses its subscriptions and its queue; returns subscriptions removed."""
        async with self.store.transaction() as db:
            cur = await db.execute("DELETE FROM subscription WHERE channel_id = ?", (channel_id,))
            removed = cur.rowcount
            await outbox.cancel_channel(db, channel_id)
        return removed
