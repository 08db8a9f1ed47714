"""Answers built on TMDB's data: a date only TMDB lists is never called official."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kdrama import lookup_render, render, season_words
from kdrama.dates import PartialDate, as_of_day
from kdrama.lookup import ReleaseAnswer
from kdrama.models import ReleaseDate, Season, SeasonStatus, Show, Status

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
TMDB = "https://www.themoviedb.org/tv/9000001"
FETCHED = as_of_day(date(2026, 11, 30))


def listed(day: date) -> Season:
    return Season(
        1,
        1,
        3,
        status=SeasonStatus(Status.UNCONFIRMED, TMDB, FETCHED, "Season 3 is listed on TMDB."),
        release=ReleaseDate(PartialDate.from_day(day), False, TMDB, FETCHED, "As listed on TMDB."),
    )


def test_a_future_date_only_tmdb_lists_reads_as_listed_on_tmdb_with_its_fetch_day() -> None:
    season = listed(date(2027, 1, 9))
    poster = "https://image.tmdb.org/t/p/w500/standin1.jpg"
    answer = ReleaseAnswer(Show(1, "x", "Crown Secret", poster_url=poster), season, [season], NOW)
    reply = lookup_render.release_reply(answer)
    assert reply.embeds[0].thumbnail.url == poster
    text = render.to_text(reply)
    assert "as listed on TMDB, it comes out on 9 January 2027" in text
    assert "9 January 2027 (as listed on TMDB, not official)" in text
    assert (
        "Source: TMDB (community-edited), <https://www.themoviedb.org/tv/9000001> · as of 30 Nov 2026" in text
    )
    assert "2027 (official)" not in text
    assert "(as listed on TMDB, not official)" in season_words.season_summary(season, NOW)


def test_a_tmdb_date_that_passed_without_an_airing_says_so() -> None:
    season = listed(date(2026, 10, 1))
    sentence = season_words.release_sentence(season, NOW)
    assert sentence == (
        "There is no official word on season 3 yet; TMDB listed it for 1 October 2026, "
        "which has passed without a release."
    )


def test_an_aired_season_from_tmdb_is_official_and_a_curators_expectation_stays_expected() -> None:
    aired = Season(
        1,
        1,
        1,
        status=SeasonStatus(Status.RELEASED, TMDB, FETCHED),
        release=ReleaseDate(PartialDate.from_day(date(2022, 2, 28)), True, TMDB, FETCHED),
    )
    assert season_words.release_sentence(aired, NOW) == "Season 1 was released on 28 February 2022."
    reported = Season(
        1, 1, 2, release=ReleaseDate(PartialDate.parse("2027"), False, "A fan article", FETCHED)
    )
    assert "(expected, not official)" in season_words.season_summary(reported, NOW)
