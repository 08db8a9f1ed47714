"""The engine and DMs: one per follower, beside channel posts; a refused person is paused, not the channel."""

from __future__ import annotations

from datetime import timedelta

from kdrama.follow.rules import DEFAULT_EVENTS, DMS_CLOSED, follow, forget
from kdrama.store import Store, utcnow
from kdrama.watch.engine import ChannelUnusable, RetryLater
from tests.unit.watch.helpers import (
    AOUAD,
    Clock,
    FakeDiscord,
    add_trailer,
    engine_for,
    ref,
    renew,
    rows,
    subscribe,
)

FAN, CLOSED_FAN = 9001, 9002


async def test_followers_get_one_dm_each_and_a_refusing_one_is_paused_after_one_request(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    now = utcnow()
    for user in (FAN, CLOSED_FAN):
        await store.follows.add(
            user, show, DEFAULT_EVENTS, limit=200, resend_since=now - timedelta(days=1), now=now
        )
    await renew(store, show)
    await renew(store, show, with_date=True)
    fake = FakeDiscord(gone={CLOSED_FAN: ChannelUnusable(DMS_CLOSED, status=403, code=50007)})
    engine = engine_for(store, fake)
    await engine.drain()
    await engine.drain()
    assert len(fake.in_channel(1)) == 2  # the channel, as before
    assert len(fake.in_channel(FAN)) == 2  # one DM per change
    assert [key for key, _ in fake.requests].count(CLOSED_FAN) == 1  # one refusal, then silence
    person = await store.follows.follower(CLOSED_FAN)
    assert person is not None and person.paused_reason == DMS_CLOSED
    assert [r[1] for r in await rows(store, "user_id = ?", (CLOSED_FAN,))] == ["paused", "paused"]
    # The channel and the other fan are not paused by someone else's closed DMs.
    assert (await store.follows.follower(FAN)).paused_reason is None  # type: ignore[union-attr]
    assert [r[1] for r in await rows(store, "channel_id = 1")] == ["sent", "sent"]
    await renew(store, show)
    await engine.drain()
    assert [key for key, _ in fake.requests].count(CLOSED_FAN) == 1
    assert len(fake.in_channel(FAN)) == 3


async def test_a_fan_reads_their_dms_in_the_order_the_news_came(store: Store) -> None:
    show = await ref(store, AOUAD)
    now = utcnow()
    await store.follows.add(
        FAN, show, DEFAULT_EVENTS, limit=200, resend_since=now - timedelta(days=1), now=now
    )
    await renew(store, show)
    await add_trailer(store, show)
    clock = Clock()
    fake = FakeDiscord(faults={FAN: [RetryLater("HTTP 503: Service Unavailable", status=503)]})
    engine = engine_for(store, fake, wall=clock)
    await engine.drain()
    assert fake.in_channel(FAN) == []  # the trailer waits behind the renewal's retry
    clock.now += 60
    await engine.drain()
    titles = [m.embeds[0].description for m in fake.in_channel(FAN)]
    assert len(titles) == 2 and "Renewed" in (titles[0] or "") and "Renewed" not in (titles[1] or "")


async def test_a_fan_who_forgets_and_follows_again_gets_the_next_dm(store: Store) -> None:
    show = await ref(store, AOUAD)
    fake = FakeDiscord()
    engine = engine_for(store, fake)
    now = utcnow()
    await store.follows.add(
        FAN, show, DEFAULT_EVENTS, limit=200, resend_since=now - timedelta(days=1), now=now
    )
    await renew(store, show)
    await engine.drain()
    assert await forget(store, FAN)  # /follow remove title:* deletes every DM row kept for them
    await store.follows.add(
        FAN, show, DEFAULT_EVENTS, limit=200, resend_since=now - timedelta(days=1), now=now
    )
    await renew(store, show, with_date=True)
    await engine.drain()
    nonces = [n for ch, n in fake.requests if ch == FAN]
    assert len(nonces) == 2 and nonces[0] != nonces[1], f"nonce reused: {nonces}"
    assert len(fake.in_channel(FAN)) == 2  # Discord made a second message: the news reached them


async def test_a_channel_post_after_a_fan_is_forgotten_is_not_taken_for_an_old_dm(store: Store) -> None:
    show = await ref(store, AOUAD)
    fake = FakeDiscord()  # as Discord may: one nonce, one message, whoever it went to
    engine = engine_for(store, fake)
    now = utcnow()
    await store.follows.add(
        FAN, show, DEFAULT_EVENTS, limit=200, resend_since=now - timedelta(days=1), now=now
    )
    await renew(store, show)
    await engine.drain()
    assert await forget(store, FAN)
    await subscribe(store, 1, show)
    await renew(store, show, with_date=True)
    await engine.drain()
    assert len(fake.in_channel(1)) == 1


async def test_a_resumed_fan_gets_what_they_missed_in_the_last_24_hours(store: Store) -> None:
    show = await ref(store, AOUAD)
    await follow(store, FAN, show, DEFAULT_EVENTS, limit=200)
    fake = FakeDiscord(gone={FAN: ChannelUnusable(DMS_CLOSED, status=403, code=50007)})
    engine = engine_for(store, fake)
    await renew(store, show)
    await engine.drain()  # DMs closed: the fan is paused, the renewal held
    await add_trailer(store, show)  # news while they are paused
    await engine.drain()
    assert [ch for ch, _ in fake.requests].count(FAN) == 1  # still not asked again
    fake.gone.clear()  # they opened their DMs
    result = await follow(store, FAN, show, DEFAULT_EVENTS, limit=200)
    assert result.resumed and result.resent == 2  # the reply counts both
    await engine.drain()
    assert len(fake.in_channel(FAN)) == 2
