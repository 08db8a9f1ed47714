"""TMDB bodies become typed values, or a TmdbMalformed naming the field: never half-parsed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kdrama.tmdb.errors import TmdbMalformed
from kdrama.tmdb.models import (
    loads,
    parse_changes_page,
    parse_configuration,
    parse_season,
    parse_show,
    parse_show_page,
)
from tests.unit.tmdb.tmdb_bodies import SHOW_ID, season_body, show_body


def test_a_show_with_every_append_is_read() -> None:
    show = parse_show(show_body())
    assert (show.id, show.name, show.original_name) == (
        SHOW_ID,
        "Paper Lanterns of Nowhere",
        "어디에도 없는 종이등",
    )
    assert show.genres == ("Drama", "Mystery") and show.networks == ("Fictional Broadcasting",)
    assert [(s.number, s.episode_count, s.air_date) for s in show.seasons] == [
        (0, 2, None),
        (1, 12, date(2024, 3, 2)),
        (2, 12, date(2027, 5, 1)),
    ]
    assert show.next_episode_to_air is None
    assert show.last_episode_to_air is not None and show.last_episode_to_air.episode_number == 12
    actor = show.cast[1]
    assert (actor.name, actor.order, actor.total_episode_count) == ("Invented Actor", 1, 12)
    assert [(r.character, r.episode_count) for r in actor.roles] == [("Detective", 2), ("Jun-ho", 10)]
    teaser = show.videos[0]
    assert (teaser.site, teaser.key, teaser.type, teaser.official) == (
        "YouTube",
        "AbCdEfGhIj0",
        "Teaser",
        True,
    )
    assert teaser.published_at == datetime(2024, 1, 10, 9, tzinfo=UTC)
    assert [a.title for a in show.alternative_titles] == ["Lanterns", "어디에도 없는 종이등"]
    assert show.watch is not None and show.watch["KR"].flatrate == ("Invented Stream",)
    assert show.watch["FR"].flatrate == () and show.watch["FR"].link
    assert show.recommendations == (9_100_002,)
    assert show.external_ids is not None and show.external_ids.imdb_id is None


def test_appends_left_out_are_empty_not_errors() -> None:
    body = show_body()
    for name in ("aggregate_credits", "videos", "alternative_titles", "watch/providers", "recommendations"):
        del body[name]
    show = parse_show(body)
    assert show.cast == () and show.videos == () and show.watch is None and show.recommendations == ()


def test_the_reference_examples_empty_next_episode_means_none() -> None:
    # TMDB's reference example shows "next_episode_to_air": {} where its schema says null.
    assert parse_show(show_body(next_episode_to_air={})).next_episode_to_air is None


def test_an_empty_date_is_no_date() -> None:
    body = show_body()
    body["seasons"][1]["air_date"] = ""
    assert parse_show(body).seasons[1].air_date is None


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"id": "9100001"}, r"tv/9100001\.id: expected an integer"),
        ({"name": None}, r"\.name: expected text"),
        ({"seasons": {"season_number": 1}}, r"\.seasons: expected a list"),
        ({"first_air_date": "next spring"}, r"first_air_date: 'next spring' is not a date"),
        ({"genres": [{"id": 18}]}, r"genres\[0\]\.name: missing"),
        ({"aggregate_credits": {"cast": [{"id": 1, "name": "X", "order": "first"}]}}, r"cast\[0\]\.order"),
        ({"videos": {"results": [{"site": "YouTube", "key": 5, "type": "Trailer"}]}}, r"results\[0\]\.key"),
        ({"watch/providers": {"results": {"KR": {"flatrate": [{"provider_name": 3}]}}}}, "provider_name"),
        ({"last_episode_to_air": {"season_number": 1}}, r"last_episode_to_air\.episode_number: missing"),
    ],
)
def test_a_field_of_the_wrong_shape_is_refused_by_name(change: dict[str, object], where: str) -> None:
    with pytest.raises(TmdbMalformed, match=where):
        parse_show(show_body(**change))


def test_a_missing_required_field_is_refused() -> None:
    body = show_body()
    del body["original_name"]
    with pytest.raises(TmdbMalformed, match="original_name: missing"):
        parse_show(body)


@pytest.mark.parametrize("raw", [b'{"id": 1, "name": "cut off', b"<html>502 Bad Gateway</html>", b"[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_refused(raw: bytes) -> None:
    with pytest.raises(TmdbMalformed, match="GET /tv/1"):
        loads(raw, "GET /tv/1")


def test_a_season_with_its_episodes_cast_and_videos() -> None:
    season = parse_season(season_body(2, ["2027-05-01", None]))
    assert season.number == 2 and season.air_date == date(2027, 5, 1)
    assert [(e.episode_number, e.air_date) for e in season.episodes] == [(1, date(2027, 5, 1)), (2, None)]
    assert {c.name for c in season.cast} == {"Invented Actor", "Invented Actress"}
    assert season.videos[0].key == "Season2Tr"


def test_pages_changes_and_configuration() -> None:
    page = parse_show_page(
        {
            "page": 2,
            "results": [{"id": 7, "name": "A", "original_name": "가", "first_air_date": "2020-01-01"}],
            "total_pages": 9,
            "total_results": 170,
        }
    )
    assert (page.page, page.total_pages, page.results[0].first_air_date) == (2, 9, date(2020, 1, 1))
    changes = parse_changes_page({"results": [{"id": 5, "adult": False}], "page": 1, "total_pages": 1})
    assert changes.ids == (5,)
    images = parse_configuration(
        {"images": {"secure_base_url": "https://image.example/t/p/", "poster_sizes": ["w500"]}}
    )
    assert images.poster_sizes == ("w500",)
    with pytest.raises(TmdbMalformed, match="results: missing"):
        parse_show_page({"page": 1, "total_pages": 1, "total_results": 0})
    with pytest.raises(TmdbMalformed, match="not https"):
        parse_configuration({"images": {"secure_base_url": "http://image.example/", "poster_sizes": []}})
