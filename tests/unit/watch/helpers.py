"""What the watch tests share: subscribing, a curator's edits, the outbox rows and a fake Discord."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kdrama.dates import PartialDate
from kdrama.models import (
    ALL_EVENTS,
    Actor,
    ChangeItem,
    Delivery,
    Event,
    ReleaseDate,
    SeasonStatus,
    ShowRef,
    Status,
)
from kdrama.notices import NoticeRenderer
from kdrama.render import Reply
from kdrama.store import Store, release_columns, status_columns
from kdrama.watch.budget import TokenBucket
from kdrama.watch.engine import ChannelUnusable, DeliveryEngine
from kdrama.watch.subscriptions import subscribe as watch_add

GUILD = 81_000_000_000_000_000
OTHER_GUILD = 82_000_000_000_000_000
CURATOR = Actor(7, "Curator Kim")
AOUAD = "all-of-us-are-dead"


async def ref(store: Store, slug: str) -> ShowRef:
    show = await store.catalog.show_by_slug(slug)
    assert show is not None
    return show.ref


async def subscribe(
    store: Store,
    channel: int,
    show: ShowRef | None,
    events: frozenset[Event] = ALL_EVENTS,
    role: int | None = None,
    guild: int = GUILD,
) -> None:
    await watch_add(
        store,
        guild_id=guild,
        channel_id=channel,
        show_id=show.id if show else None,
        events=events,
        role_id=role,
        created_by=99,
    )


async def renew(store: Store, show: ShowRef, *, with_date: bool = False) -> int:
    """A curator's edit, as /admin season status does it: the change and its outbox rows."""
    items = [ChangeItem("season", f"{show.slug}#2", "status", "unconfirmed", "renewed")]
    events = {Event.STATUS}
    if with_date:
        items.append(ChangeItem("season", f"{show.slug}#2", "release_date", "2023", "Q4 2025"))
        events.add(Event.DATE)
    async with store.transaction():
        change_id = await store.changes.record(
            actor=CURATOR,
            action="season.status",
            show=show,
            season_number=2,
            source="https://about.netflix.com/en/news/all-of-us-are-dead-season-2",
            items=items,
            events=events,
        )
    assert change_id is not None
    return change_id


async def add_trailer(store: Store, show: ShowRef) -> int:
    async with store.transaction():
        change_id = await store.changes.record(
            actor=CURATOR,
            action="trailer.add",
            show=show,
            season_number=1,
            source=None,
            items=[
                ChangeItem(  # as /admin trailer add records it
                    "trailer",
                    f"{show.slug}#1#https://www.youtube.com/watch?v=IN5TD4VRcSM",
                    "*",
                    None,
                    {
                        "season_number": 1,
                        "url": "https://www.youtube.com/watch?v=IN5TD4VRcSM",
                        "title": "Teaser",
                        "kind": "teaser",
                        "published": None,
                    },
                )
            ],
            events={Event.TRAILER},
        )
    assert change_id is not None
    return change_id


async def schedule(store: Store, show: ShowRef, at: datetime, *, official: bool = True) -> None:
    """Season 1 scheduled, its release expected (or officially set) at the exact time `at`."""
    cols = {
        **status_columns(SeasonStatus(Status.SCHEDULED, "https://about.netflix.com", None)),
        **release_columns(ReleaseDate(PartialDate.from_datetime(at), official, "https://about.netflix.com")),
    }
    async with store.transaction() as db:
        await db.execute(
            f"UPDATE season SET {', '.join(f'{k} = ?' for k in cols)} WHERE show_id = ? AND number = 1",
            (*cols.values(), show.id),
        )


async def rows(store: Store, where: str = "1", args: tuple[object, ...] = ()) -> list[tuple]:
    """The outbox: (channel, state, attempts, role ids, last error, next try) by channel."""
    async with store.db.execute(
        f"SELECT channel_id, state, attempts, role_ids, last_error, next_try_at FROM delivery WHERE {where} "
        "ORDER BY channel_id, id",
        args,
    ) as cur:
        return list(await cur.fetchall())


@dataclass
class FakeDiscord:
    """Answers like Discord: messages deduplicated by nonce, faults queued per channel."""

    requests: list[tuple[int, str]] = field(default_factory=list)
    messages: dict[str, tuple[int, Reply]] = field(default_factory=dict)
    faults: dict[int, list[BaseException]] = field(default_factory=dict)
    gone: dict[int, ChannelUnusable] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    delay: float = 0.0

    async def send(self, delivery: Delivery, message: Reply) -> int:
        self.requests.append((delivery.channel_id, delivery.nonce))
        self.times.append(time.monotonic())
        if self.delay:
            await asyncio.sleep(self.delay)
        if delivery.channel_id in self.gone:
            raise self.gone[delivery.channel_id]
        queued = self.faults.get(delivery.channel_id)
        if queued:
            raise queued.pop(0)
        if delivery.nonce not in self.messages:
            self.messages[delivery.nonce] = (delivery.channel_id, message)
        return 1000 + len(self.messages)

    def in_channel(self, channel: int) -> list[Reply]:
        return [m for ch, m in self.messages.values() if ch == channel]


class Counted:
    """Wraps a store method and counts the calls: how often the delivery loop reads the outbox."""

    def __init__(self, real: Callable[..., Awaitable[Any]]) -> None:
        self.real = real
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return await self.real(*args, **kwargs)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def engine_for(
    store: Store, fake: FakeDiscord, *, wall: Clock | None = None, render: Any = None, **kw: Any
) -> DeliveryEngine[Reply]:
    """An engine posting to `fake` with no pacing to speak of, polling every 50 ms."""
    return DeliveryEngine(
        store,
        render or NoticeRenderer(store),
        fake,
        budget=TokenBucket(10_000, 10_000),
        channel_interval=0.0,
        poll_interval=0.05,
        wall=wall or time.time,
        rng=lambda: 0.5,
        **kw,
    )
