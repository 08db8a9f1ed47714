"""The release clock: a passed exact release time releases the season once (edits.release_due)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import Event, Status
from kdrama.render import to_text
from kdrama.store import Store
from tests.unit.watch.helpers import AOUAD, FakeDiscord, engine_for, ref, schedule, subscribe


async def test_a_passed_release_time_releases_the_season_exactly_once(store: Store, catalog: Catalog) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show, events=frozenset({Event.RELEASE}))
    await subscribe(store, 2, None)
    await subscribe(store, 3, show, events=frozenset({Event.TRAILER}))
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    await schedule(store, show, at)
    assert await edits.release_due(catalog, at - timedelta(seconds=1)) == []
    # Two ticks at once (two shard processes, or a tick and a catch-up) and a third later.
    results = await asyncio.gather(
        edits.release_due(catalog, at + timedelta(hours=1)),
        edits.release_due(catalog, at + timedelta(hours=1)),
    )
    assert sorted(len(r) for r in results) == [0, 1]
    assert await edits.release_due(catalog, at + timedelta(days=3)) == []
    season = await store.catalog.season(show.id, 1)
    assert season is not None and season.status.value is Status.RELEASED
    change = max(results, key=len)[0]
    assert change.actor_name == "Drama bot (clock)"
    assert change.events == {Event.STATUS, Event.RELEASE}
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert [ch for ch, _ in fake.requests] == [1, 2]
    assert "Now streaming" in to_text(fake.in_channel(1)[0])


async def test_an_expected_release_time_passing_announces_nothing(store: Store, catalog: Catalog) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    await schedule(store, show, at, official=False)  # a report's time, not the network's
    assert await edits.release_due(catalog, at + timedelta(days=1)) == []
    season = await store.catalog.season(show.id, 1)
    assert season is not None and season.status.value is Status.SCHEDULED
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert fake.requests == []  # no "now streaming" on a guess
