"""The outbox: an edit queues one delivery per subscribed channel that asked for its news."""

from __future__ import annotations

from kdrama.models import Event
from kdrama.store import Store
from tests.unit.watch.helpers import AOUAD, add_trailer, ref, renew, rows, subscribe


async def test_an_edit_queues_one_delivery_per_subscribed_channel(store: Store) -> None:
    show = await ref(store, AOUAD)
    other = await ref(store, "squid-game")
    await subscribe(store, 1, show, role=501)
    await subscribe(store, 1, None, role=502)  # the same channel also follows every show
    await subscribe(store, 2, None)
    await subscribe(store, 3, other)  # another show only
    await subscribe(store, 4, show, events=frozenset({Event.TRAILER}))  # not this kind of news
    await renew(store, show)
    queued = await rows(store)
    assert [(r[0], r[1], r[3]) for r in queued] == [(1, "pending", "[501, 502]"), (2, "pending", "[]")]


async def test_events_filter_picks_the_channels_that_asked(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show, events=frozenset({Event.TRAILER}))
    await subscribe(store, 2, show, events=frozenset({Event.STATUS, Event.DATE}))
    await add_trailer(store, show)
    assert [r[0] for r in await rows(store)] == [1]
