"""A show removed and restored by undo: its fans follow it again, unless they asked to be forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import Actor, Event
from kdrama.store import Store
from tests.unit.watch.helpers import add_trailer

AOUAD = "all-of-us-are-dead"
CURATOR = Actor(1001, "curator")
FAN, FORGOTTEN_FAN = 7, 8


async def follow(store: Store, user: int, catalog: Catalog, slug: str, events: frozenset[Event]) -> None:
    show = await catalog.resolve(slug)
    now = datetime.now(UTC)
    await store.follows.add(user, show.ref, events, limit=200, resend_since=now, now=now)


async def test_undoing_a_show_removal_gives_fans_their_follows_back(catalog: Catalog) -> None:
    store = catalog.store
    show = await catalog.resolve(AOUAD)
    now = datetime.now(UTC)
    await store.follows.add(7, show.ref, frozenset(Event), limit=200, resend_since=now, now=now)
    removed = await edits.remove_show(catalog, CURATOR, AOUAD)
    await edits.undo(catalog, CURATOR, removed.id)
    assert (await catalog.resolve(AOUAD)).id == show.id
    assert show.id in await store.follows.followed_ids(7)


async def test_a_restored_follow_keeps_its_events_and_its_fan_hears_the_next_news(catalog: Catalog) -> None:
    store = catalog.store
    await follow(store, FAN, catalog, AOUAD, frozenset({Event.TRAILER}))
    before = await store.follows.follower(FAN)
    assert before is not None
    await store.follows.pause(FAN, "Discord said it can't message them")
    removed = await edits.remove_show(catalog, CURATOR, AOUAD)
    assert await store.follows.followed_ids(FAN) == set()
    await edits.undo(catalog, CURATOR, removed.id)
    after = await store.follows.follower(FAN)
    assert after is not None and after.follows == before.follows  # same show, events, since when
    assert after.paused_reason == "Discord said it can't message them"  # still paused, as before
    await store.follows.add(
        FAN,
        after.follows[0].show,
        frozenset({Event.TRAILER}),
        limit=200,
        resend_since=datetime.now(UTC) - timedelta(days=1),
        now=datetime.now(UTC),
    )
    await add_trailer(store, after.follows[0].show)
    rows = await store.fetch_all("SELECT count(*) FROM delivery WHERE user_id = ?", (FAN,))
    assert rows[0][0] == 1


async def test_a_fan_who_asked_to_be_forgotten_is_not_brought_back_by_the_undo(catalog: Catalog) -> None:
    store = catalog.store
    await follow(store, FAN, catalog, AOUAD, frozenset(Event))
    await follow(store, FORGOTTEN_FAN, catalog, AOUAD, frozenset(Event))
    removed = await edits.remove_show(catalog, CURATOR, AOUAD)
    assert await store.follows.forget(FORGOTTEN_FAN)  # /follow remove title:*
    await follow(store, FORGOTTEN_FAN, catalog, "squid-game", frozenset(Event))  # and starts afresh
    undone = await edits.undo(catalog, CURATOR, removed.id)
    show = await catalog.resolve(AOUAD)
    assert show.id in await store.follows.followed_ids(FAN)
    assert show.id not in await store.follows.followed_ids(FORGOTTEN_FAN)
    # Nothing about them is left in the change log either, not even in the removal's snapshot.
    rows = await store.fetch_all(
        "SELECT count(*) FROM change_item WHERE change_id IN (?, ?) AND "
        "(instr(ifnull(old, ''), ?) > 0 OR instr(ifnull(new, ''), ?) > 0)",
        (removed.id, undone.id, f'"user_id": {FORGOTTEN_FAN}', f'"user_id":{FORGOTTEN_FAN}'),
    )
    assert rows[0][0] == 0
