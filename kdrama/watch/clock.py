"""The release clock: when a scheduled season's official exact release time passes, it is released."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from kdrama.models import Actor, ChangeItem, Event, Status
from kdrama.store import Store, utcnow

log = logging.getLogger(__name__)

CLOCK_INTERVAL = 10.0
CLOCK_ACTOR = Actor(None, "Drama bot (clock)")


async def release_due_seasons(store: Store, now: datetime | None = None) -> list[int]:
    """Move every scheduled season whose official exact release time has passed to released, once.

    An expected exact time (a report's, not the network's) passing proves nothing: the
    season stays scheduled and nobody hears "now streaming".

    Each move is a recorded change by the clock (events status and release), so
    subscribers hear "now streaming". The conditional UPDATE under the write lock makes
    the move idempotent: a second process, a second tick or a restart finds nothing to do.
    """
    now = now or utcnow()
    changes: list[int] = []
    for ref, season in await store.due_exact_releases(now):
        source = season.release.source or "the announced release time"
        async with store.transaction() as db:
            if not await store.mark_released(db, season.id, source=source, now=now):
                continue
            change_id = await store.record_change(
                db,
                actor=CLOCK_ACTOR,
                action="season.status",
                show=ref,
                season_number=season.number,
                source=source,
                items=[
                    ChangeItem(
                        "season",
                        f"{ref.slug}#{season.number}",
                        "status",
                        Status.SCHEDULED.value,
                        Status.RELEASED.value,
                    )
                ],
                events={Event.STATUS, Event.RELEASE},
                at=now,
            )
        if change_id is not None:
            log.info("%s season %d is out: now released (change %d)", ref.title, season.number, change_id)
            changes.append(change_id)
    return changes


async def clock_loop(
    release_due: Callable[[], Awaitable[Sequence[object]]],
    on_change: Callable[[], None],
    *,
    interval: float = CLOCK_INTERVAL,
) -> None:
    """Every `interval` seconds, release the seasons whose exact time has passed."""
    while True:
        try:
            if await release_due():
                on_change()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("release clock tick failed; trying again in %.0fs", interval)
        await asyncio.sleep(interval)
