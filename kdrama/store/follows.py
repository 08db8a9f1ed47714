"""Follows: which person follows which show by DM, their DM channel, and whether they are paused.

Pausing, resuming, unfollowing and forgetting a person also holds, requeues, cancels or
deletes their DMs in the outbox, in the same transaction, through the outbox module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from kdrama.models import Event, Follow, Follower, FollowResult, ShowRef, events_text, parse_events
from kdrama.store import outbox
from kdrama.store.outbox import moment, stamp

if TYPE_CHECKING:
    from kdrama.store.database import Store


class FollowLimitReached(Exception):
    """The person already follows as many shows as allowed (`count`)."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


class FollowStore:
    """The SQL of follows and followers, on the bot's one Store (writes serialised)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def db(self) -> aiosqlite.Connection:
        return self.store.db

    async def follower(self, user_id: int) -> Follower | None:
        """Everything kept about a person (None: nothing), follows by title."""
        rows = list(
            await self.db.execute_fetchall(
                "SELECT dm_channel_id, paused_reason, paused_at FROM follower WHERE user_id = ?",
                (user_id,),
            )
        )
        if not rows:
            return None
        dm_channel_id, reason, paused_at = rows[0]
        follows = await self.db.execute_fetchall(
            "SELECT x.id, x.slug, x.title, x.korean_title, f.events, f.created_at FROM follow f "
            "JOIN show x ON x.id = f.show_id WHERE f.user_id = ? ORDER BY x.title COLLATE NOCASE",
            (user_id,),
        )
        return Follower(
            user_id=user_id,
            follows=tuple(
                Follow(ShowRef(r[0], r[1], r[2], r[3]), parse_events(r[4]), moment(r[5]) or datetime.now(UTC))
                for r in follows
            ),
            dm_channel_id=dm_channel_id,
            paused_reason=reason,
            paused_at=moment(paused_at),
        )

    async def shows_of(self, user_id: int) -> tuple[ShowRef, ...] | None:
        """The shows a person follows, in follower()'s order (None: nothing kept about them).

        Only what /follow remove offers, read on a keystroke after any commit
        (kdrama/followed_index.py): a third of follower()'s time, and of its objects' memory.
        """
        rows = await self.db.execute_fetchall(
            "SELECT x.id, x.slug, x.title, x.korean_title FROM follower p "
            "LEFT JOIN follow f ON f.user_id = p.user_id LEFT JOIN show x ON x.id = f.show_id "
            "WHERE p.user_id = ? ORDER BY x.title COLLATE NOCASE",
            (user_id,),
        )
        if not rows:
            return None
        return tuple(ShowRef(r[0], r[1], r[2], r[3]) for r in rows if r[0] is not None)

    async def add(
        self,
        user_id: int,
        show: ShowRef,
        events: frozenset[Event],
        *,
        limit: int,
        resend_since: datetime,
        now: datetime,
        language: str | None = None,
    ) -> FollowResult:
        """Follow a show (or change its events) and resume the person if they were paused.

        Raises FollowLimitReached for a new follow beyond `limit`. A resumed person's held DMs
        made since `resend_since` are queued again; older ones are marked failed as stale.
        `language` (one of i18n.LANGUAGES) becomes the language of their DMs; None keeps it.
        """
        async with self.store.transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO follower (user_id, created_at) VALUES (?, ?)", (user_id, stamp(now))
            )
            if language is not None:
                await db.execute("UPDATE follower SET language = ? WHERE user_id = ?", (language, user_id))
            cur = await db.execute(
                "UPDATE follow SET events = ? WHERE user_id = ? AND show_id = ?",
                (events_text(events), user_id, show.id),
            )
            created = cur.rowcount == 0
            if not created:  # fewer events: the DMs of the news dropped are not sent
                await outbox.drop_unfollowed(db, user_id, show.id, keep=events)
            rows = list(
                await db.execute_fetchall("SELECT count(*) FROM follow WHERE user_id = ?", (user_id,))
            )
            count = int(rows[0][0])
            if created:
                if count >= limit:
                    raise FollowLimitReached(count)  # rolls the transaction back: nothing changes
                await db.execute(
                    "INSERT INTO follow (user_id, show_id, events, created_at) VALUES (?,?,?,?)",
                    (user_id, show.id, events_text(events), stamp(now)),
                )
                count += 1
            cur = await db.execute(
                "UPDATE follower SET paused_reason = NULL, paused_at = NULL "
                "WHERE user_id = ? AND paused_reason IS NOT NULL",
                (user_id,),
            )
            resumed = cur.rowcount > 0
            resent, _ = await outbox.resend_held(db, user_id, resend_since) if resumed else (0, 0)
        return FollowResult(Follow(show, events, now), created, resumed, resent, count)

    async def remove(self, user_id: int, show_id: int) -> bool:
        """Unfollow one show; its DMs not sent yet are cancelled. False if it wasn't followed."""
        async with self.store.transaction() as db:
            cur = await db.execute("DELETE FROM follow WHERE user_id = ? AND show_id = ?", (user_id, show_id))
            removed = cur.rowcount > 0
            if removed:
                await outbox.drop_unfollowed(db, user_id, show_id)
        return removed

    async def forget(self, user_id: int) -> bool:
        """Forget a person: follows, DM channel, pause reason and every DM row. False: nothing kept.

        Their follows kept in removed shows' recorded snapshots go too, so undoing a removal
        never brings them back.
        """
        async with self.store.transaction() as db:
            await db.execute("DELETE FROM follow WHERE user_id = ?", (user_id,))
            await self.store.changes.forget_follower(user_id)
            cur = await db.execute("DELETE FROM follower WHERE user_id = ?", (user_id,))
            forgotten = cur.rowcount > 0
            dropped = await outbox.forget_user(db, user_id)
        return forgotten or dropped > 0

    async def pause(self, user_id: int, reason: str, *, now: datetime | None = None) -> int:
        """Discord can't DM this person: pause their follows and hold their DMs; returns DMs held."""
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE follower SET paused_reason = ?, paused_at = ? WHERE user_id = ?",
                (reason, stamp(now), user_id),
            )
            return await outbox.hold_channel(db, user_id, reason)

    async def dm_channel(self, user_id: int) -> int | None:
        """The person's DM channel, if it was opened before."""
        rows = list(
            await self.db.execute_fetchall("SELECT dm_channel_id FROM follower WHERE user_id = ?", (user_id,))
        )
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    async def remember_dm_channel(self, user_id: int, channel_id: int | None) -> None:
        """Keep (or, with None, forget) the person's DM channel, so it is opened only once."""
        async with self.store.transaction() as db:
            await db.execute("UPDATE follower SET dm_channel_id = ? WHERE user_id = ?", (channel_id, user_id))

    async def rows_of_show(self, show_id: int) -> list[dict[str, Any]]:
        """Who follows a show, for which news and since when: removing the show can be undone with them."""
        rows = await self.db.execute_fetchall(
            "SELECT user_id, events, created_at FROM follow WHERE show_id = ? ORDER BY id", (show_id,)
        )
        return [{"user_id": r[0], "events": r[1], "created_at": r[2]} for r in rows]

    async def followed_ids(self, user_id: int) -> set[int]:
        """The ids of the shows a person follows (for the Notify me toggle and autocomplete)."""
        rows = await self.db.execute_fetchall("SELECT show_id FROM follow WHERE user_id = ?", (user_id,))
        return {int(r[0]) for r in rows}
