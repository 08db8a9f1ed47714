"""The TMDB stand-in itself: its routes, auth, editable world, and each fault switch."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from kdrama.tmdb.models import parse_season, parse_show, parse_show_page
from tests.tmdbstandin.server import API_KEY, TOKEN, TmdbStandIn
from tests.tmdbstandin.world import Video, World

APPENDS = "aggregate_credits,videos,alternative_titles,watch/providers,recommendations,external_ids"


async def get(
    server: TmdbStandIn, path: str, token: str | None = TOKEN, **query: Any
) -> tuple[int, bytes, dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            server.base_url + path, params={k: str(v) for k, v in query.items()}, headers=headers
        ) as resp,
    ):
        return resp.status, await resp.read(), dict(resp.headers)


async def test_a_show_is_served_in_the_documented_shape(tmdb: TmdbStandIn) -> None:
    world_show = tmdb.world.korean()[0]
    status, body, _ = await get(
        tmdb, f"/tv/{world_show.id}", append_to_response=APPENDS, include_video_language="ko,en"
    )
    data = json.loads(body)
    assert status == 200 and "watch/providers" in data and "aggregate_credits" in data
    show = parse_show(data)
    assert show.name == world_show.name and show.original_name.startswith("가상 드라마")
    status, body, _ = await get(
        tmdb, f"/tv/{world_show.id}/season/1", append_to_response="aggregate_credits,videos"
    )
    assert status == 200 and parse_season(json.loads(body)).cast


async def test_only_the_asked_for_appends_and_video_languages_are_served(tmdb: TmdbStandIn) -> None:
    world_show = tmdb.world.korean()[0]
    _, body, _ = await get(tmdb, f"/tv/{world_show.id}")
    assert "aggregate_credits" not in json.loads(body)
    _, body, _ = await get(tmdb, f"/tv/{world_show.id}/season/1", append_to_response="videos")
    assert json.loads(body)["videos"]["results"] == []  # ko videos, and only en asked for


async def test_auth_by_token_or_key_and_401_code_7_otherwise(tmdb: TmdbStandIn) -> None:
    status, body, _ = await get(tmdb, "/configuration", token="wrong")
    assert status == 401 and json.loads(body)["status_code"] == 7
    status, _, _ = await get(tmdb, "/configuration", token=None, api_key=API_KEY)
    assert status == 200
    status, _, _ = await get(tmdb, "/configuration", token=None)
    assert status == 401


async def test_an_unknown_route_is_404_code_34_and_recorded(tmdb: TmdbStandIn) -> None:
    status, body, _ = await get(tmdb, "/movie/550")
    assert status == 404 and json.loads(body)["status_code"] == 34
    assert [r.path for r in tmdb.unexpected][-1] == "/3/movie/550"
    tmdb.unexpected.clear()  # this test meant to hit it


async def test_discover_pages_filters_and_the_page_cap(tmdb: TmdbStandIn) -> None:
    korean = tmdb.world.korean()
    query = {"with_origin_country": "KR", "with_original_language": "ko", "sort_by": "first_air_date.asc"}
    _, body, _ = await get(tmdb, "/discover/tv", page=1, **query)
    page = parse_show_page(json.loads(body))
    dated = [s for s in korean if s.first_air_date]
    assert page.total_results == len(dated) and len(page.results) == 20
    days = [s.first_air_date for s in page.results]
    assert days == sorted(d for d in days if d)
    status, body, _ = await get(tmdb, "/discover/tv", page=501, **query)
    assert status == 400 and json.loads(body)["status_code"] == 22


async def test_the_world_is_editable_and_the_changes_feed_lists_marked_ids(tmdb: TmdbStandIn) -> None:
    world = tmdb.world
    world_show = world.korean()[1]
    season = world_show.seasons[-1]
    old_day, old_videos = season.air_date, list(season.videos)
    try:
        season.air_date = date(2031, 1, 2)
        season.videos.append(
            Video("NewTeaser01", "New teaser", type="Teaser", published_at=datetime.now(UTC))
        )
        world.mark_changed(world_show.id)
        _, body, _ = await get(tmdb, f"/tv/{world_show.id}")
        assert parse_show(json.loads(body)).seasons[-1].air_date == date(2031, 1, 2)
        _, body, _ = await get(
            tmdb,
            f"/tv/{world_show.id}/season/{season.number}",
            append_to_response="videos",
            include_video_language="ko",
        )
        assert "NewTeaser01" in [v["key"] for v in json.loads(body)["videos"]["results"]]
        today = world.today
        _, body, _ = await get(
            tmdb,
            "/tv/changes",
            start_date=(today - timedelta(days=1)).isoformat(),
            end_date=today.isoformat(),
        )
        assert {"id": world_show.id, "adult": False} in json.loads(body)["results"]
    finally:
        season.air_date, season.videos = old_day, old_videos
        world.changes.clear()


async def test_a_changes_window_over_14_days_is_refused_and_recorded(tmdb: TmdbStandIn) -> None:
    status, _, _ = await get(tmdb, "/tv/changes", start_date="2026-01-01", end_date="2026-01-16")
    assert status == 400 and len(tmdb.window_violations) == 1
    tmdb.window_violations.clear()  # this test meant to


async def test_429_comes_with_retry_after_and_code_25_the_next_n_times(tmdb: TmdbStandIn) -> None:
    tmdb.inject("/configuration", "429", times=2, retry_after=3)
    answers = [await get(tmdb, "/configuration") for _ in range(3)]
    assert [a[0] for a in answers] == [429, 429, 200]
    assert answers[0][2]["Retry-After"] == "3" and json.loads(answers[0][1])["status_code"] == 25


@pytest.mark.parametrize("kind", ["500", "502", "503"])
async def test_server_errors_are_injected_per_route(tmdb: TmdbStandIn, kind: str) -> None:
    tmdb.inject("/tv/{id}", kind)
    status, _, _ = await get(tmdb, "/configuration")  # another route is untouched
    assert status == 200
    status, _, _ = await get(tmdb, f"/tv/{tmdb.world.korean()[0].id}")
    assert status == int(kind)


async def test_a_delay_holds_the_answer(tmdb: TmdbStandIn) -> None:
    tmdb.inject("*", "delay", delay=0.5)
    started = time.monotonic()
    status, _, _ = await get(tmdb, "/configuration")
    assert status == 200 and time.monotonic() - started >= 0.5


async def test_malformed_bodies(tmdb: TmdbStandIn) -> None:
    show_id = tmdb.world.korean()[0].id
    tmdb.inject("/tv/{id}", "invalid_json")
    _, body, _ = await get(tmdb, f"/tv/{show_id}")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    tmdb.inject("/tv/{id}", "wrong_type", field="seasons")
    _, body, _ = await get(tmdb, f"/tv/{show_id}")
    assert isinstance(json.loads(body)["seasons"], str)


async def test_a_dropped_connection_and_a_whole_outage(tmdb: TmdbStandIn) -> None:
    tmdb.inject("/configuration", "drop", times=2)  # aiohttp itself retries a dropped request once
    with pytest.raises(aiohttp.ClientError):
        await get(tmdb, "/configuration")
    assert [r.status for r in tmdb.requests_to("/configuration")] == [-1, -1]
    tmdb.start_outage(0.5)
    assert (await get(tmdb, "/configuration"))[0] == 503
    assert (await get(tmdb, f"/tv/{tmdb.world.korean()[0].id}"))[0] == 503
    await asyncio.sleep(0.6)
    assert (await get(tmdb, "/configuration"))[0] == 200


async def test_request_times_measure_the_rate(tmdb: TmdbStandIn) -> None:
    for _ in range(5):
        await get(tmdb, "/configuration")
    assert len(tmdb.requests_to("/configuration")) == 5 and tmdb.max_per_second() == 5


def test_the_world_is_deterministic_fictional_and_fast_to_build() -> None:
    started = time.monotonic()
    big = World(5000, seed=1)
    assert time.monotonic() - started < 3.0 and len(big.shows) == 5000
    a, b = World(50, seed=3), World(50, seed=3)
    assert [s.listed() for s in a.shows.values()] == [s.listed() for s in b.shows.values()]
    assert all(s.name.startswith("Stand-in Drama ") for s in big.shows.values())
    assert 0 < len(big.korean()) < 5000  # a few non-Korean shows for discover to filter out
