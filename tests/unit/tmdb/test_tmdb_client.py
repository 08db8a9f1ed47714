"""The TMDB client against the local stand-in: complete, polite, and resilient."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from kdrama.tmdb.client import DEFAULT_RATE, TmdbClient, is_v3_key
from kdrama.tmdb.errors import TmdbConfigError, TmdbMalformed, TmdbNotFound, TmdbUnavailable
from tests.tmdbstandin.server import API_KEY, TOKEN, TmdbStandIn
from tests.tmdbstandin.world import World

pytestmark = pytest.mark.asyncio


def client(server: TmdbStandIn, **options: object) -> TmdbClient:
    settings: dict[str, object] = {
        "rate": 200.0,
        "backoff_base": 0.05,
        "backoff_max": 0.5,
        "request_deadline": 15.0,
    }
    settings.update(options)
    return TmdbClient(TOKEN, base_url=server.base_url, **settings)  # type: ignore[arg-type]


def a_show(server: TmdbStandIn) -> int:
    return server.world.korean()[0].id


async def test_discover_finds_every_korean_drama_past_the_page_cap() -> None:
    world = World(400, seed=11)
    with TmdbStandIn(world, max_pages=3) as server:  # 60 shows a query at most: ranges must split
        async with client(server, max_pages=3) as tmdb_client:
            found = await tmdb_client.discover_all()
        assert set(found) == {s.id for s in world.korean()}
        assert any(s.first_air_date is None for s in world.korean())  # the undated ones are found too
        bounds = {
            (r.query.get("first_air_date.gte"), r.query.get("first_air_date.lte")) for r in server.requests
        }
        assert len(bounds) > 8
        assert all(int(r.query["page"]) <= 3 for r in server.requests) and not server.unexpected


async def test_changes_are_read_in_windows_of_at_most_14_days_and_every_page(tmdb: TmdbStandIn) -> None:
    world = tmdb.world
    ids = [s.id for s in world.korean()]
    start = world.today - timedelta(days=40)
    for tmdb_id in ids[:150]:
        world.mark_changed(tmdb_id, start + timedelta(days=3))  # 150 in one window: two pages
    world.mark_changed(ids[150], start + timedelta(days=39))
    world.mark_changed(ids[151], start - timedelta(days=1))  # before the window: not asked for
    try:
        async with client(tmdb) as tmdb_client:
            changed = await tmdb_client.changed_ids(start, world.today)
    finally:
        world.changes.clear()
    assert changed == set(ids[:151])
    windows = {(r.query["start_date"], r.query["end_date"]) for r in tmdb.requests_to("/tv/changes")}
    assert len(windows) == 3  # 40 days: 14 + 14 + 12
    assert {r.query["page"] for r in tmdb.requests_to("/tv/changes")} == {"1", "2"}


async def test_a_show_and_its_season_with_everything_appended(tmdb: TmdbStandIn) -> None:
    world_show = tmdb.world.korean()[0]
    async with client(tmdb) as tmdb_client:
        show = await tmdb_client.show(world_show.id)
        season = await tmdb_client.season(world_show.id, 1)
        images = await tmdb_client.configuration()
        found = await tmdb_client.search(world_show.name)
    assert show.name == world_show.name and show.cast and show.watch is not None
    assert season.number == 1 and season.cast and any(v.official for v in season.videos)
    assert "w500" in images.poster_sizes
    assert world_show.id in [s.id for s in found.results]


async def test_a_429_holds_every_request_for_its_retry_after(tmdb: TmdbStandIn) -> None:
    tmdb.inject("/tv/{id}", "429", times=1, retry_after=1.0)
    ids = [s.id for s in tmdb.world.korean()[:4]]
    async with client(tmdb, rate=5.0) as tmdb_client:
        shows = await asyncio.gather(*(tmdb_client.show(i) for i in ids))
    assert [s.id for s in shows] == ids
    limited = next(r for r in tmdb.requests if r.status == 429)
    later = [r for r in tmdb.requests if r.time > limited.time]
    assert len(later) == 4 and all(r.status == 200 for r in later)
    assert min(r.time for r in later) - limited.time >= 0.95


@pytest.mark.parametrize("kinds", [("500",), ("502", "503"), ("drop",), ("delay",)])
async def test_server_errors_timeouts_and_dropped_connections_are_retried(
    tmdb: TmdbStandIn, kinds: tuple[str, ...]
) -> None:
    for kind in kinds:
        tmdb.inject("/tv/{id}", kind, delay=2.0)
    async with client(tmdb, attempt_timeout=0.5) as tmdb_client:
        show = await tmdb_client.show(a_show(tmdb))
    assert show.id == a_show(tmdb)
    answers = [r.status for r in tmdb.requests_to("/tv/{id}")]
    assert len(answers) == len(kinds) + 1 and answers[-1] == 200


async def test_an_outage_of_a_few_seconds_is_survived(tmdb: TmdbStandIn) -> None:
    tmdb.start_outage(3.0)
    started = time.monotonic()
    async with client(tmdb, backoff_max=1.0) as tmdb_client:
        shows = await asyncio.gather(*(tmdb_client.show(s.id) for s in tmdb.world.korean()[:5]))
    assert len(shows) == 5 and time.monotonic() - started >= 2.9
    assert any(r.fault == "outage:503" for r in tmdb.requests)


async def test_an_outage_longer_than_the_deadline_gives_up_cleanly(tmdb: TmdbStandIn) -> None:
    tmdb.start_outage(30.0, kind="drop")
    started = time.monotonic()
    async with client(tmdb, request_deadline=1.5, attempt_timeout=0.5) as tmdb_client:
        with pytest.raises(TmdbUnavailable, match="gave up"):
            await tmdb_client.show(a_show(tmdb))
    assert time.monotonic() - started < 1.5 + 0.5 + 0.5


async def test_requests_stay_under_20_a_second(tmdb: TmdbStandIn) -> None:
    ids = [s.id for s in tmdb.world.korean()[:50]]
    async with TmdbClient(TOKEN, base_url=tmdb.base_url) as tmdb_client:  # the default rate
        started = time.monotonic()
        await asyncio.gather(*(tmdb_client.show(i) for i in ids))
        elapsed = time.monotonic() - started
    assert len(tmdb.requests) == 50
    assert tmdb.max_per_second() <= 20
    assert elapsed >= 49 / DEFAULT_RATE - 0.1


async def test_a_wrong_token_is_a_configuration_error_at_once(tmdb: TmdbStandIn) -> None:
    async with TmdbClient("eyJ.wrong.token", base_url=tmdb.base_url) as tmdb_client:
        with pytest.raises(TmdbConfigError, match="TMDB_TOKEN"):
            await tmdb_client.show(a_show(tmdb))
    assert [r.status for r in tmdb.requests] == [401]


async def test_a_v3_key_is_sent_as_api_key(tmdb: TmdbStandIn) -> None:
    assert is_v3_key(API_KEY) and not is_v3_key(TOKEN)
    async with TmdbClient(API_KEY, base_url=tmdb.base_url) as tmdb_client:
        await tmdb_client.show(a_show(tmdb))
    assert tmdb.requests[-1].query["api_key"] == API_KEY and tmdb.requests[-1].status == 200


async def test_a_deleted_show_is_not_found(tmdb: TmdbStandIn) -> None:
    async with client(tmdb) as tmdb_client:
        with pytest.raises(TmdbNotFound):
            await tmdb_client.show(1)
        with pytest.raises(TmdbNotFound):
            await tmdb_client.season(a_show(tmdb), 99)


@pytest.mark.parametrize("kind", ["invalid_json", "wrong_type"])
async def test_a_malformed_body_is_a_typed_error_and_not_retried(tmdb: TmdbStandIn, kind: str) -> None:
    tmdb.inject("/tv/{id}", kind, field="name")
    async with client(tmdb) as tmdb_client:
        with pytest.raises(TmdbMalformed):
            await tmdb_client.show(a_show(tmdb))
        show = await tmdb_client.show(a_show(tmdb))  # the next answer is whole again
    assert show.name
    assert len(tmdb.requests_to("/tv/{id}")) == 2
