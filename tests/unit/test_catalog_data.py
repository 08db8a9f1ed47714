"""Checks on the bundled starter catalog `data/catalog.json`, read by the product's own parser.

The bot answers fans straight from this file on first start, so a malformed date, a
dangling `similar` slug or a drifted seed fact would reach users as a wrong answer. Dates,
statuses and slugs are checked with kdrama's own code (kdrama/catalog.py, kdrama/dates.py,
kdrama/validate.py), so this test can't drift from what the bot accepts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kdrama import catalog as catalog_file
from kdrama.dates import DateError, PartialDate
from kdrama.errors import UserError
from kdrama.models import Status
from kdrama.validate import slug as check_slug

CATALOG_PATH = Path(__file__).resolve().parents[2] / "data" / "catalog.json"

STATUSES = {s.value for s in Status}
TRAILER_KINDS = {"teaser", "trailer"}
ARTICLE = '"All of Us Are Dead Season 2: everything we know so far" (fan article citing Rotten Tomatoes)'
PRODUCTION = "Netflix's production announcement, 23 July 2025"
# Days the catalog was typed or loaded: never when a source said anything.
LOAD_DAYS = {"2026-11-25"}


def _load() -> dict[str, Any]:
    with CATALOG_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    """The parsed catalog file."""
    return _load()


@pytest.fixture(scope="module")
def shows(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalog's shows."""
    return catalog["shows"]


@pytest.fixture(scope="module")
def seed(shows: list[dict[str, Any]]) -> dict[str, Any]:
    """The seed show of the design."""
    (found,) = [s for s in shows if s["slug"] == "all-of-us-are-dead"]
    return found


def _season(show: dict[str, Any], number: int) -> dict[str, Any]:
    (found,) = [s for s in show["seasons"] if s["number"] == number]
    return found


def _is_iso_day(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def as_of_ok(text: str) -> bool:
    """An as-of as precise as it is known: a day, a month, a quarter or a year."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _is_iso_day(text)
    return text not in ("unknown",) and release_date_ok(text) and "T" not in text


def release_date_ok(text: str) -> bool:
    """True when `text` is a release date as the bot reads it, written in its canonical form."""
    try:
        return PartialDate.parse(text).canonical() == text
    except DateError:
        return False


def slug_ok(text: str) -> bool:
    try:
        return check_slug(text) == text
    except UserError:
        return False


def _strings(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string in the document with a readable path to it."""
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}[{i}]")


def _facts(shows: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every status and release entry, labelled by show and season."""
    for show in shows:
        for season in show["seasons"]:
            label = f"{show['slug']} s{season['number']}"
            yield f"{label} status", season["status"]
            yield f"{label} release", season["release"]


def _credits(show: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    yield show["slug"], show["cast"]
    for season in show["seasons"]:
        yield f"{show['slug']} s{season['number']}", season["cast"]


# --- the grammar helper itself, so a lax checker cannot pass bad data ---------------


@pytest.mark.parametrize(
    "text",
    ["unknown", "2023", "Q4 2023", "2023-10", "2023-10-06", "2023-10-06T08:00:00Z", "2024-02-29"],
)
def test_release_date_grammar_accepts_documented_forms(text: str) -> None:
    assert release_date_ok(text)


@pytest.mark.parametrize(
    "text",
    [
        "later in 2023",
        "2023-13",
        "2023-02-30",
        "2023-02-29",
        "Q5 2023",
        "2023-10-06 08:00",
        "2023-10-06T25:00:00Z",
        "23",
        "",
    ],
)
def test_release_date_grammar_rejects_other_text(text: str) -> None:
    assert not release_date_ok(text)


# --- whole-file structure -------------------------------------------------------------


def test_file_parses_as_format_1_with_shows(catalog: dict[str, Any]) -> None:
    assert catalog["format"] == 1
    assert isinstance(catalog["shows"], list)
    assert len(catalog["shows"]) >= 20


def test_the_bot_reads_the_file_whole_and_writes_it_back_the_same(catalog: dict[str, Any]) -> None:
    # load_file validates every entry as an import would (and raises naming the first bad one);
    # show_to_dict is what export writes: the file holds nothing the bot would drop or rewrite.
    entries = catalog_file.load_file(CATALOG_PATH)
    assert [catalog_file.show_to_dict(e) for e in entries] == catalog["shows"]


def test_slugs_are_well_formed_and_unique(shows: list[dict[str, Any]]) -> None:
    slugs = [s["slug"] for s in shows]
    assert [s for s in slugs if not slug_ok(s)] == []
    assert len(slugs) == len(set(slugs))


def test_every_show_has_a_title_and_country_code(shows: list[dict[str, Any]]) -> None:
    for show in shows:
        assert isinstance(show["title"], str) and show["title"].strip(), show["slug"]
        assert show["country"] is None or re.fullmatch(r"[A-Z]{2}", show["country"])


def test_titles_and_aliases_do_not_collide_between_shows(shows: list[dict[str, Any]]) -> None:
    # A name shared by two shows would make a fan's lookup ambiguous.
    owner: dict[str, str] = {}
    for show in shows:
        names = [show["title"], show["korean_title"], *show["aliases"]]
        for name in filter(None, names):
            key = name.casefold()
            assert owner.setdefault(key, show["slug"]) == show["slug"], name


def test_similar_slugs_exist_and_are_not_self(shows: list[dict[str, Any]]) -> None:
    slugs = {s["slug"] for s in shows}
    for show in shows:
        similar = show["similar"]
        assert set(similar) <= slugs, (show["slug"], set(similar) - slugs)
        assert show["slug"] not in similar
        assert len(similar) == len(set(similar)), show["slug"]


def test_seasons_are_numbered_one_to_n(shows: list[dict[str, Any]]) -> None:
    for show in shows:
        numbers = [s["number"] for s in show["seasons"]]
        assert numbers == list(range(1, len(numbers) + 1)), show["slug"]
        for season in show["seasons"]:
            episodes = season["episodes"]
            assert episodes is None or (isinstance(episodes, int) and episodes > 0)


def test_statuses_are_from_the_allowed_list(shows: list[dict[str, Any]]) -> None:
    bad = [
        (show["slug"], season["number"], season["status"]["value"])
        for show in shows
        for season in show["seasons"]
        if season["status"]["value"] not in STATUSES
    ]
    assert bad == []


def test_every_release_date_follows_the_grammar(shows: list[dict[str, Any]]) -> None:
    bad = [
        (show["slug"], season["number"], season["release"]["date"])
        for show in shows
        for season in show["seasons"]
        if not release_date_ok(season["release"]["date"])
    ]
    assert bad == []


def test_every_status_and_release_has_source_and_as_of(shows: list[dict[str, Any]]) -> None:
    for label, fact in _facts(shows):
        assert isinstance(fact["source"], str) and fact["source"].strip(), label
        assert isinstance(fact["as_of"], str) and as_of_ok(fact["as_of"]), label
        for step in fact["history"]:
            assert isinstance(step["source"], str) and step["source"].strip(), label
            assert isinstance(step["as_of"], str) and as_of_ok(step["as_of"]), label


@pytest.mark.parametrize("text", ["2022", "2024-01", "Q1 2024", "2022-06-06"])
def test_as_of_grammar_accepts_a_year_quarter_month_or_day(text: str) -> None:
    assert as_of_ok(text)


@pytest.mark.parametrize("text", ["unknown", "2022-06-06T00:00:00Z", "2022-02-30", "June 2022", ""])
def test_as_of_grammar_rejects_other_text(text: str) -> None:
    assert not as_of_ok(text)


def test_no_as_of_is_the_day_the_catalog_was_loaded(catalog: dict[str, Any]) -> None:
    # As-of is when the source said it. Every as-of of the file, wherever it is.
    as_ofs = [(where, text) for where, text in _strings(catalog) if where.endswith(".as_of")]
    assert len(as_ofs) > 60
    assert [(where, text) for where, text in as_ofs if text in LOAD_DAYS] == []
    # Nor a day still to come: a source cannot have said it yet.
    today = date.today().isoformat()
    assert [(where, text) for where, text in as_ofs if text > today] == []


def test_as_of_is_never_before_the_fact_it_dates(shows: list[dict[str, Any]]) -> None:
    # A released season's status is settled on or after its premiere, and its release date
    # was said on that day at the earliest; history runs oldest first.
    for show in shows:
        for season in show["seasons"]:
            label = (show["slug"], season["number"])
            status, release = season["status"], season["release"]
            if status["value"] == "released":
                assert status["as_of"] >= release["date"][:10], label
                assert release["as_of"] == release["date"][:10], label
            steps = [h["as_of"] for h in status["history"]] + [status["as_of"]]
            assert steps == sorted(steps), label


def test_released_and_airing_seasons_have_an_official_date(
    shows: list[dict[str, Any]],
) -> None:
    for show in shows:
        for season in show["seasons"]:
            if season["status"]["value"] not in {"released", "airing"}:
                continue
            release = season["release"]
            label = (show["slug"], season["number"])
            assert release["official"] is True, label
            assert release["date"] != "unknown", label
            # Out already, so it cannot premiere after the day that was checked.
            assert release["date"][:10] <= season["status"]["as_of"], label


def test_credits_are_well_formed(shows: list[dict[str, Any]]) -> None:
    for show in shows:
        for label, credits in _credits(show):
            billings = [c["billing"] for c in credits if c["billing"] is not None]
            assert len(billings) == len(set(billings)), label
            for credit in credits:
                assert isinstance(credit["actor"], str) and credit["actor"].strip(), label
                assert isinstance(credit["official"], bool), label
                assert credit["billing"] is None or credit["billing"] >= 1, label
                # An expected credit must say who expects it.
                assert credit["official"] or credit["source"], (label, credit["actor"])


def test_trailers_are_well_formed(shows: list[dict[str, Any]]) -> None:
    for show in shows:
        for season in show["seasons"]:
            for trailer in season["trailers"]:
                assert trailer["title"] and trailer["kind"] in TRAILER_KINDS
                assert trailer["url"].startswith("https://")
                published = trailer["published"]
                assert published is None or _is_iso_day(published)


def test_urls_are_https_everywhere(catalog: dict[str, Any]) -> None:
    insecure = [(where, text) for where, text in _strings(catalog) if "http://" in text]
    assert insecure == []
    for show in catalog["shows"]:
        for field in ("platform_url", "poster_url"):
            value = show[field]
            assert value is None or value.startswith("https://"), (show["slug"], field)


# --- the seed show, exactly as the design has it --------------------------------------


def test_seed_titles_platform_and_episode_count(seed: dict[str, Any]) -> None:
    assert seed["title"] == "All of Us Are Dead"
    assert seed["korean_title"] == "지금 우리 학교는"
    assert seed["romanized_title"] == "Jigeum Uri Hakgyoneun"
    assert "Now at Our School" in seed["aliases"]
    assert seed["platform"] == "Netflix"
    assert _season(seed, 1)["episodes"] == 12
    assert "Joo Dong-geun" in (seed["synopsis"] or "") + (_season(seed, 1)["notes"] or "")


def test_seed_season_1_released_officially_on_28_january_2022(seed: dict[str, Any]) -> None:
    season = _season(seed, 1)
    assert season["status"]["value"] == "released"
    assert season["release"]["date"] == "2022-01-28"
    assert season["release"]["official"] is True
    assert season["status"]["as_of"] == season["release"]["as_of"] == "2022-01-28"


def test_the_articles_unattested_claims_are_not_stated_as_facts(catalog: dict[str, Any]) -> None:
    # "Number 1 in 50 countries" and "100% on Rotten Tomatoes" are the article's claims, not
    # attested: nowhere in the file unless labelled as the article's, with its date.
    for where, text in _strings(catalog):
        if "50 countries" in text or ("Rotten Tomatoes" in text and "100%" in text):
            assert "article" in text and "2022" in text, where


def test_seed_season_1_cast_in_billing_order(seed: dict[str, Any]) -> None:
    cast = sorted(_season(seed, 1)["cast"], key=lambda c: c["billing"])
    assert [(c["actor"], c["character"]) for c in cast] == [
        ("Park Ji-hu", "Nam On-jo"),
        ("Yoon Chan-young", "Lee Cheong-san"),
        ("Cho Yi-hyun", "Choi Nam-ra"),
        ("Park Solomon", "Lee Su-hyeok"),
        ("Yoo In-soo", "Yoon Gwi-nam"),
        ("Lee Yoo-mi", "Lee Na-yeon"),
        ("Im Jae-hyuk", "Yang Dae-su"),
    ]
    assert [c["korean_name"] for c in cast] == [
        "박지후",
        "윤찬영",
        "조이현",
        "박솔로몬",
        "유인수",
        "이유미",
        "임재혁",
    ]
    assert all(c["official"] is True for c in cast)


def test_seed_trailer_is_on_season_1(seed: dict[str, Any]) -> None:
    trailers = _season(seed, 1)["trailers"]
    assert [(t["title"], t["url"], t["kind"]) for t in trailers] == [
        (
            "All of Us Are Dead | Official Trailer | Netflix",
            "https://www.youtube.com/watch?v=IN5TD4VRcSM",
            "trailer",
        )
    ]
    assert _season(seed, 2)["trailers"] == []


def test_seed_season_2_is_officially_filming_since_july_2025_after_the_2022_renewal(
    seed: dict[str, Any],
) -> None:
    status = _season(seed, 2)["status"]
    assert (status["value"], status["source"], status["as_of"]) == ("filming", PRODUCTION, "2025-07-23")
    assert "wrapped in February 2026" in status["note"] and "not confirmed by Netflix" in status["note"]
    assert [(h["value"], h["as_of"]) for h in status["history"]] == [("renewed", "2022-06-06")]
    assert "Geeked Week" in status["history"][0]["source"]


def test_seed_season_2_date_is_unknown_with_the_passed_expectations(seed: dict[str, Any]) -> None:
    season = _season(seed, 2)
    release = season["release"]
    assert (release["date"], release["official"]) == ("unknown", False)
    assert "late 2026" in release["note"]
    # The expectations that passed, none official, each dated when it was said.
    assert [(h["date"], h["official"], h["source"], h["as_of"]) for h in release["history"]] == [
        ("2023", False, ARTICLE, "2022"),
        ("2024", False, "An agency statement, January 2024", "2024-01"),
    ]
    assert season["episodes"] is None


def test_seed_season_2_cast_is_the_eight_official_actors_in_billing_order(seed: dict[str, Any]) -> None:
    cast = sorted(_season(seed, 2)["cast"], key=lambda c: c["billing"])
    assert [(c["actor"], c["korean_name"], c["character"]) for c in cast] == [
        ("Park Ji-hu", "박지후", "Nam On-jo"),
        ("Yoon Chan-young", "윤찬영", "Lee Cheong-san"),
        ("Cho Yi-hyun", "조이현", "Choi Nam-ra"),
        ("Lomon", "로몬", "Lee Su-hyeok"),
        ("Lee Min-jae", None, "Ma-ru"),
        ("Kim Si-eun", None, "Ju-ran"),
        ("Roh Jae-won", None, "Han Du-seok"),
        ("Yoon Ga-i", None, "Jong-a"),
    ]
    assert [c["billing"] for c in cast] == list(range(1, 9))
    assert all(c["official"] is True and c["source"] == PRODUCTION for c in cast)


def test_seed_points_fans_to_the_four_shows_in_order(seed: dict[str, Any]) -> None:
    assert seed["similar"] == [
        "squid-game",
        "crash-landing-on-you",
        "our-beloved-summer",
        "its-okay-to-not-be-okay",
    ]


def test_recommended_shows_carry_their_titles(shows: list[dict[str, Any]]) -> None:
    by_slug = {s["slug"]: s for s in shows}
    assert by_slug["squid-game"]["title"] == "Squid Game"
    assert by_slug["crash-landing-on-you"]["title"] == "Crash Landing on You"
    assert by_slug["our-beloved-summer"]["title"] == "Our Beloved Summer"
    assert by_slug["its-okay-to-not-be-okay"]["title"] == "It's Okay to Not Be Okay"
