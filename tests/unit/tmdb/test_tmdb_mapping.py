"""TMDB's facts in catalog terms: the past is official, the future only "as listed on TMDB"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kdrama.catalog import parse_catalog, show_to_dict
from kdrama.dates import PartialDate
from kdrama.models import Status
from kdrama.tmdb.mapping import LISTED_NOTE, map_show
from kdrama.tmdb.models import ImageConfig, parse_season, parse_show
from tests.unit.tmdb.tmdb_bodies import SHOW_ID, season_body, show_body

NOW = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
SOURCE = f"https://www.themoviedb.org/tv/{SHOW_ID}"
TODAY = PartialDate.from_day(date(2026, 11, 30))
IMAGES = ImageConfig("https://image.tmdb.org/t/p/", ("w92", "w500", "original"))


def mapped(body: dict | None = None, seasons: dict | None = None, now: datetime = NOW):
    show = parse_show(body or show_body())
    details = {n: parse_season(b) for n, b in (seasons or {}).items()}
    return map_show(show, fetched_at=now, images=IMAGES, seasons=details)


def test_an_aired_season_is_official_and_a_future_one_only_listed() -> None:
    entry = mapped().entry
    s1, s2 = entry.seasons
    assert (s1.number, s1.status.value, s1.release.official) == (1, Status.RELEASED, True)
    assert s1.release.date == PartialDate.from_day(date(2024, 3, 2))
    assert (s1.status.source, s1.status.as_of, s1.release.as_of) == (
        SOURCE,
        TODAY,
        TODAY,
    )
    # Season 2's date is TMDB's listing: expected, never official, and the status claims nothing.
    assert s2.status.value is Status.UNCONFIRMED
    assert s2.release.date == PartialDate.from_day(date(2027, 5, 1)) and s2.release.official is False
    assert (s2.release.source, s2.release.note) == (SOURCE, LISTED_NOTE)
    assert s2.status.note is not None and "listed on TMDB for 1 May 2027" in s2.status.note
    assert "Not officially confirmed" in s2.status.note and "'Returning Series'" in s2.status.note


def test_specials_are_not_a_season() -> None:
    assert [s.number for s in mapped().entry.seasons] == [1, 2]


def test_a_season_with_no_date_is_unknown_and_unconfirmed() -> None:
    body = show_body()
    body["seasons"][2]["air_date"] = None
    s2 = mapped(body).entry.seasons[1]
    assert s2.status.value is Status.UNCONFIRMED and not s2.release.date.known and not s2.release.official
    assert s2.status.note is not None and "without a date" in s2.status.note


def test_a_premiere_today_in_korea_is_not_yet_official() -> None:
    body = show_body()
    body["seasons"][2]["air_date"] = "2026-12-01"  # 19:00 UTC on 30 Nov is 04:00 on 1 Dec in Seoul
    s2 = mapped(body).entry.seasons[1]
    assert s2.status.value is Status.UNCONFIRMED and not s2.release.official
    later = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # midnight in Seoul: the day is over
    s2 = mapped(body, now=later).entry.seasons[1]
    assert s2.status.value is Status.AIRING and s2.release.official


def test_a_season_with_episodes_still_to_come_is_airing() -> None:
    body = show_body(
        next_episode_to_air={"season_number": 1, "episode_number": 7, "air_date": "2026-12-05"},
        last_episode_to_air={"season_number": 1, "episode_number": 6, "air_date": "2026-11-28"},
    )
    assert mapped(body).entry.seasons[0].status.value is Status.AIRING


def test_without_proof_of_the_last_episode_a_started_season_is_only_airing() -> None:
    body = show_body(last_episode_to_air=None)
    assert mapped(body).entry.seasons[0].status.value is Status.AIRING


def test_a_season_followed_by_an_aired_season_is_released() -> None:
    body = show_body(last_episode_to_air=None)
    body["seasons"][2]["air_date"] = "2025-01-01"
    s1, s2 = mapped(body).entry.seasons
    assert s1.status.value is Status.RELEASED and s2.status.value is Status.AIRING


@pytest.mark.parametrize(
    ("days", "status"),
    [
        ([f"2024-03-{2 + i:02d}" for i in range(12)], Status.RELEASED),
        (["2026-11-20", "2026-11-27", "2026-12-04"], Status.AIRING),
        (["2026-11-20", None], Status.AIRING),
    ],
)
def test_the_episode_list_decides_released_or_airing(days: list[str | None], status: Status) -> None:
    season = mapped(seasons={1: season_body(1, days)}).entry.seasons[0]
    assert season.status.value is status and season.episodes == len(days)


def test_titles_korean_title_aliases_slug_and_poster() -> None:
    entry = mapped().entry
    assert (entry.title, entry.korean_title) == ("Paper Lanterns of Nowhere", "어디에도 없는 종이등")
    assert entry.aliases == ("Lanterns",)  # the Korean alternative title is already the Korean title
    assert entry.slug == f"paper-lanterns-of-nowhere-{SHOW_ID}"
    assert entry.poster_url == "https://image.tmdb.org/t/p/w500/lanterns.jpg"
    assert (entry.country, entry.genres, entry.synopsis) == (
        "KR",
        ("Drama", "Mystery"),
        "An invented drama for tests.",
    )


def test_a_non_hangul_original_name_is_no_korean_title_and_same_names_get_different_slugs() -> None:
    a = mapped(show_body(original_name="Paper Lanterns")).entry
    b = mapped(show_body(id=SHOW_ID + 1, original_name="Paper Lanterns")).entry
    assert a.korean_title is None and a.slug != b.slug


def test_the_platform_is_the_korean_streamer_else_the_network() -> None:
    assert mapped().entry.platform == "Invented Stream"
    body = show_body()
    del body["watch/providers"]
    assert mapped(body).entry.platform == "Fictional Broadcasting"
    result = mapped()
    assert result.watch["KR"].link and "FR" not in result.watch  # Korea and the US only


def test_cast_in_billing_order_with_the_main_character_and_official_only_once_aired() -> None:
    first = season_body(1)
    first["aggregate_credits"]["cast"][0]["roles"].insert(
        0, {"credit_id": "d", "character": "Detective", "episode_count": 2}
    )
    result = mapped(seasons={1: first, 2: season_body(2, ["2027-05-01"])})
    s1, s2 = result.entry.seasons
    assert [(c.actor, c.korean_name, c.billing) for c in s1.cast] == [
        ("Invented Actress", "가짜 배우", 1),
        ("Invented Actor", None, 2),
    ]
    assert s1.cast[1].character == "Jun-ho / Detective"  # most episodes first
    assert all(c.official and c.source == SOURCE for c in s1.cast)
    assert s2.cast and not any(c.official for c in s2.cast)  # a season to come: expected cast


def test_tmdbs_whole_show_cast_is_no_cast_of_every_season() -> None:
    # TMDB's show-level aggregate lists every season's actors: each season's own list counts.
    result = mapped(seasons={1: season_body(1), 2: season_body(2, ["2027-05-01"])})
    assert result.entry.cast == ()


def test_only_official_youtube_trailers_and_teasers_each_for_its_season() -> None:
    # Several seasons: show-level videos don't say which season, so only season videos count.
    result = mapped(seasons={1: season_body(1)})
    s1, s2 = result.entry.seasons
    assert [t.url for t in s1.trailers] == ["https://www.youtube.com/watch?v=Season1Tr"]
    assert s2.trailers == ()
    body = show_body()
    body["seasons"] = body["seasons"][:2]
    (only,) = mapped(body).entry.seasons
    assert [(t.kind, t.url, t.published) for t in only.trailers] == [
        ("teaser", "https://www.youtube.com/watch?v=AbCdEfGhIj0", date(2024, 1, 10))
    ]


def test_recommendations_are_kept_as_tmdb_ids_for_the_sync() -> None:
    result = mapped()
    assert result.similar_tmdb_ids == (9_100_002,) and result.entry.similar == ()
    assert result.tmdb_id == SHOW_ID and result.fetched_at == NOW


def test_the_entry_passes_the_catalogs_own_validation() -> None:
    entry = mapped(seasons={1: season_body(1)}).entry
    (again,) = parse_catalog({"shows": [show_to_dict(entry)]})
    assert again == entry


def test_overlong_or_control_text_is_cleaned_not_refused() -> None:
    entry = mapped(show_body(overview="x" * 5000, name="Lantern\u0000 Night")).entry
    assert entry.title == "Lantern Night"
    assert entry.synopsis is not None and len(entry.synopsis) == 3000 and entry.synopsis.endswith("…")


def test_fetched_at_must_say_its_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        map_show(parse_show(show_body()), fetched_at=datetime(2026, 11, 30))
