"""Finding the catalog's unlinked show a TMDB show is: sure matches link, doubtful ones wait for a curator."""

from __future__ import annotations

from datetime import date

from kdrama.store.sync import UnlinkedShow
from kdrama.tmdb.identity import match
from kdrama.tmdb.models import ListedShow

SIGNAL = UnlinkedShow(1, "signal", "Signal", "시그널", 2016)


def tv(tmdb_id: int, name: str, original: str, first: date | None = None) -> ListedShow:
    return ListedShow(tmdb_id, name, original, first)


def test_the_korean_title_finds_the_show_whatever_its_english_title() -> None:
    found = match([tv(7, "Signal (2016)", "시그널", date(2016, 1, 22))], [SIGNAL])
    assert (found.link, found.new, found.held) == ({7: 1}, set(), [])


def test_the_english_title_finds_it_folded_when_no_year_says_otherwise() -> None:
    hand_made = UnlinkedShow(2, "mr-sunshine", "Mr. Sunshine", None, None)
    found = match([tv(8, "mr sunshine", "미스터 션샤인", date(2018, 7, 7))], [hand_made])
    assert found.link == {8: 2}


def test_a_show_nobody_holds_is_new() -> None:
    found = match([tv(9, "Moving", "무빙", date(2023, 8, 9))], [SIGNAL])
    assert (found.link, found.new, found.held) == ({}, {9}, [])


def test_two_catalog_shows_with_the_title_are_not_guessed_between() -> None:
    twin = UnlinkedShow(3, "signal-2", "Signal", None, None)
    found = match([tv(7, "Signal", "시그널", None)], [SIGNAL, twin])
    assert found.link == {} and found.new == set()
    [held] = found.held
    assert held.candidates == ("signal", "signal-2")
    assert "tmdb_id:7" in held.message() and "title:7" in held.message()


def test_a_contradicting_year_or_korean_title_is_held() -> None:
    found = match(
        [tv(7, "Signal", "시그널", date(2031, 1, 1)), tv(8, "Signal", "신호", date(2016, 1, 1))], [SIGNAL]
    )
    assert found.link == {} and found.new == set()
    assert sorted(h.tmdb_id for h in found.held) == [7, 8]


def test_two_tmdb_shows_that_would_both_be_one_catalog_show_are_held() -> None:
    found = match([tv(7, "Signal", "시그널", None), tv(8, "Signal", "시그널", None)], [SIGNAL])
    assert found.link == {} and sorted(h.tmdb_id for h in found.held) == [7, 8]
