"""The subscription store: what a server follows comes back typed, in the order staff read it."""

from __future__ import annotations

from kdrama.models import Event
from kdrama.store import Store
from tests.unit.watch.helpers import AOUAD, GUILD, OTHER_GUILD, ref, subscribe


async def test_a_servers_subscriptions_come_by_channel_every_show_first_then_title(store: Store) -> None:
    squid, aouad = await ref(store, "squid-game"), await ref(store, AOUAD)
    await subscribe(store, 2, squid)
    await subscribe(store, 2, aouad, events=frozenset({Event.RELEASE, Event.STATUS}), role=501)
    await subscribe(store, 2, None)
    await subscribe(store, 1, squid)
    await subscribe(store, 3, aouad, guild=OTHER_GUILD)
    subs = await store.subscriptions.for_guild(GUILD)
    assert [(s.channel_id, s.show_title) for s in subs] == [
        (1, "Squid Game"),
        (2, "Every show"),
        (2, "All of Us Are Dead"),
        (2, "Squid Game"),
    ]
    aouad_sub = subs[2]
    assert aouad_sub.events == {Event.STATUS, Event.RELEASE} and aouad_sub.role_id == 501
    assert aouad_sub.show is not None and aouad_sub.show.slug == AOUAD and not aouad_sub.paused
    assert [s.channel_id for s in await store.subscriptions.for_guild(GUILD, 2)] == [2, 2, 2]
    assert await store.subscriptions.get(3, aouad.id) is not None
    assert await store.subscriptions.get(3, None) is None


async def test_subscribing_again_updates_instead_of_adding(store: Store) -> None:
    aouad = await ref(store, AOUAD)
    await subscribe(store, 1, aouad, role=501)
    await subscribe(store, 1, aouad, events=frozenset({Event.TRAILER}))
    (sub,) = await store.subscriptions.for_guild(GUILD, 1)
    assert sub.events == {Event.TRAILER} and sub.role_id is None
