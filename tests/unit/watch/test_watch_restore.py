"""A show removed and then restored: its channels come back paused, until /watch add re-checks them."""

from __future__ import annotations

from kdrama import edits
from kdrama.follow.rules import DEFAULT_EVENTS, follow
from kdrama.lookup import Catalog
from kdrama.models import ALL_EVENTS
from kdrama.store import Store
from kdrama.watch import subscriptions as watch
from tests.unit.watch.helpers import (
    AOUAD,
    CURATOR,
    GUILD,
    FakeDiscord,
    engine_for,
    ref,
    renew,
    rows,
    subscribe,
)

FAN = 9001


async def test_undoing_a_show_removal_restores_its_subscriptions_paused(store: Store) -> None:
    catalog = await Catalog.load(store)
    await subscribe(store, 1, await ref(store, AOUAD))
    removed = await edits.remove_show(catalog, CURATOR, AOUAD)
    assert await watch.followed(store, GUILD, 1) == []
    await edits.undo(catalog, CURATOR, removed.id)
    (sub,) = await watch.followed(store, GUILD, 1)
    # The channel may have been deleted, or the bot lost access, while the show was gone.
    assert sub.show is not None and sub.show.slug == AOUAD
    assert sub.paused_reason == "the show was removed and restored: run /watch add here to resume"
    await renew(store, await ref(store, AOUAD))
    assert await rows(store) == []  # news for a paused channel is not queued
    result = await watch.subscribe(
        store,
        guild_id=GUILD,
        channel_id=1,
        show_id=sub.show.id,
        events=ALL_EVENTS,
        role_id=None,
        created_by=5,
    )
    assert result.resumed == 1
    (sub,) = await watch.followed(store, GUILD, 1)
    assert not sub.paused


def titles(fake: FakeDiscord, channel: int) -> list[str]:
    return [m.embeds[0].title or "" for m in fake.in_channel(channel)]


async def test_news_queued_about_a_removed_show_is_never_posted_not_even_after_undo(store: Store) -> None:
    catalog = await Catalog.load(store)
    aouad, squid = await ref(store, AOUAD), await ref(store, "squid-game")
    await subscribe(store, 1, aouad)
    await subscribe(store, 2, None)  # every show
    await subscribe(store, 3, aouad)
    await follow(store, FAN, aouad, DEFAULT_EVENTS, limit=200)
    await renew(store, aouad)
    await store.subscriptions.pause_channel(3, "the bot lacks permission to post here")  # holds its notice
    await renew(store, squid)
    removed = await edits.remove_show(catalog, CURATOR, AOUAD)
    fake = FakeDiscord()
    engine = engine_for(store, fake)
    await engine.drain()
    assert titles(fake, 1) == [] and titles(fake, FAN) == []
    assert titles(fake, 2) == ["Squid Game · Season 2"]  # news about other shows still goes out
    # The removal is undone and the channels resume: what was cancelled stays cancelled.
    await edits.undo(catalog, CURATOR, removed.id)
    for channel in (1, 3):
        resumed = await watch.subscribe(
            store,
            guild_id=GUILD,
            channel_id=channel,
            show_id=aouad.id,
            events=ALL_EVENTS,
            role_id=None,
            created_by=5,
        )
        assert resumed.resent == 0
    await engine.drain()
    assert [titles(fake, ch) for ch in (1, 2, 3, FAN)] == [[], ["Squid Game · Season 2"], [], []]
    # The show's next news reaches each of them once.
    await renew(store, await ref(store, AOUAD))
    await engine.drain()
    news = "All of Us Are Dead · Season 2"
    assert [titles(fake, ch) for ch in (1, 2, 3, FAN)] == [
        [news],
        ["Squid Game · Season 2", news],
        [news],
        [news],
    ]
