"""`python bot.py ask` answers from the local database, as a fan would read it in Discord."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


def ask(question: str, db: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_PATH": str(db), "DISCORD_TOKEN": ""}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "ask", *options, question],
        capture_output=True,
        text=True,
        env=env,
        cwd=db.parent,
        timeout=60,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ask") / "kdrama.db"


def test_release_of_season_two_is_honest_about_what_is_not_known(db: Path) -> None:
    out = ask("/release title:All of Us Are Dead season:2", db)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith("All of Us Are Dead · Season 2\n")
    # Filming, officially since July 2025; no official date; the expected 2023 and 2024
    # passed, each with the age of the report behind it.
    assert text.splitlines()[2] == (
        "Season 2 is filming, and no release date has been announced. "
        "Officially filming since 23 Jul 2025; that was over a year ago, so it may be out of date. "
        "It was expected in 2023 (reported in 2022) and in 2024 (reported in January 2024); "
        "both passed without a release."
    )
    assert "Status (official):\nFilming\n" in text
    assert "Source: Netflix's production announcement, 23 July 2025 · as of 23 Jul 2025" in text
    assert "Release date:\nNot announced\n" in text
    assert "late 2026" in text
    assert (
        "Earlier: 2023 (expected, reported in 2022), passed without a release. "
        'Source: "All of Us Are Dead Season 2: everything we know so far" (fan article citing Rotten Tomatoes)'
        in text
    )
    assert (
        "Earlier: 2024 (expected, reported in January 2024), passed without a release. "
        "Source: An agency statement, January 2024" in text
    )
    assert "25 Nov 2026" not in text  # the day the catalog was typed is no one's as-of
    assert db.exists()  # created, migrated and filled on first use


def test_cast_of_season_two_lists_the_eight_official_actors(db: Path) -> None:
    text = ask("/cast title:All of Us Are Dead season:2", db).stdout
    expected = [
        "Park Ji-hu (박지후) as Nam On-jo",
        "Yoon Chan-young (윤찬영) as Lee Cheong-san",
        "Cho Yi-hyun (조이현) as Choi Nam-ra",
        "Lomon (로몬) as Lee Su-hyeok",
        "Lee Min-jae as Ma-ru",
        "Kim Si-eun as Ju-ran",
        "Roh Jae-won as Han Du-seok",
        "Yoon Ga-i as Jong-a",
    ]
    lines = text.splitlines()
    start = lines.index(expected[0])
    assert lines[start : start + 9] == [*expected, ""]
    assert "expected" not in "\n".join(lines[start : start + 8])


def test_show_and_upcoming_give_the_same_ages_as_release(db: Path) -> None:
    ages = (
        "status as of 23 Jul 2025, may be out of date; "
        "expected in 2023 (reported in 2022) and in 2024 (reported in January 2024), not released"
    )
    show = ask("/show title:All of Us Are Dead", db).stdout
    assert f"Season 2: Filming · {ages}\n" in show
    upcoming = ask("/upcoming", db).stdout
    assert f"• All of Us Are Dead season 2: Filming; {ages}\n" in upcoming


def test_release_defaults_to_the_newest_season(db: Path) -> None:
    assert "Season 2" in ask("/release title:All of Us Are Dead", db).stdout.splitlines()[0]


def test_cast_of_season_one_lists_the_seven_actors_with_their_characters(db: Path) -> None:
    text = ask("/cast title:All of Us Are Dead season:1", db).stdout
    expected = [
        "Park Ji-hu (박지후) as Nam On-jo",
        "Yoon Chan-young (윤찬영) as Lee Cheong-san",
        "Cho Yi-hyun (조이현) as Choi Nam-ra",
        "Park Solomon (박솔로몬) as Lee Su-hyeok",
        "Yoo In-soo (유인수) as Yoon Gwi-nam",
        "Lee Yoo-mi (이유미) as Lee Na-yeon",
        "Im Jae-hyuk (임재혁) as Yang Dae-su",
    ]
    lines = text.splitlines()
    start = lines.index(expected[0])
    assert lines[start : start + 7] == expected


def test_trailer_for_season_two_falls_back_to_season_one_and_says_so(db: Path) -> None:
    text = ask("/trailer title:All of Us Are Dead season:2", db).stdout
    assert text == (
        "No trailer for All of Us Are Dead season 2 yet. Here is season 1's: "
        "All of Us Are Dead | Official Trailer | Netflix\n"
        "https://www.youtube.com/watch?v=IN5TD4VRcSM\n"
    )


def test_titles_resolve_in_korean_and_any_case(db: Path) -> None:
    assert ask("/release title:지금 우리 학교는 season:1", db).stdout.startswith(
        "All of Us Are Dead · Season 1"
    )
    assert ask("/show title:squid game", db).stdout.startswith("Squid Game (오징어 게임)")


def test_unknown_title_answers_privately_with_the_closest_matches(db: Path) -> None:
    out = ask("/release title:All of Us Are Ded", db)
    assert out.returncode == 1
    assert out.stdout.startswith(
        "(only you can see this)\nNo show called “All of Us Are Ded”; did you mean “All of Us Are Dead”"
    )


def test_a_missing_season_lists_the_seasons_that_exist(db: Path) -> None:
    out = ask("/release title:All of Us Are Dead season:5", db)
    assert (
        out.stdout
        == "(only you can see this)\nAll of Us Are Dead has no season 5; its seasons are 1 and 2.\n"
    )


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("release All of Us", "Ask like a slash command"),
        ("/dance title:x", "/dance is not a lookup command"),
        ("/release title:Squid Game season:two", "season must be a whole number from 1, not 'two'."),
        ("/release season:2", "/release needs title:…"),
    ],
)
def test_malformed_questions_get_one_clear_sentence(db: Path, question: str, message: str) -> None:
    out = ask(question, db)
    assert out.returncode == 1 and message in out.stdout and "Traceback" not in out.stderr


def test_running_without_a_token_explains_how_to_get_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DATABASE_PATH"] = str(tmp_path / "x.db")
    out = subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert out.returncode == 2
    assert "No DISCORD_TOKEN is set" in out.stderr and "developers/applications" in out.stderr


def test_ask_in_korean_prints_the_korean_answer(db: Path) -> None:
    out = ask("/release title:지금 우리 학교는 season:2", db, "--locale", "ko")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "지금 우리 학교는 (All of Us Are Dead) · 시즌 2"
    assert lines[2] == (
        "시즌 2 촬영 중입니다. 공개일은 아직 발표되지 않았습니다. "
        "2025년 7월 23일부터 공식 촬영 중 상태입니다. 1년도 더 지난 정보라 지금과 다를 수 있습니다. "
        "2023년에 (2022년 보도) 및 2024년에 (2024년 1월 보도) 공개될 것으로 예상되었지만, "
        "두 시기 모두 지나도록 공개되지 않았습니다."
    )
    assert "발표되지 않음" in lines
    assert "시즌 1: 공개 완료 · 2022년 1월 28일 (공식) · 12부작" in lines
    refused = ask("/release title:지금 우리 학교는 season:5", db, "--locale", "ko")
    assert refused.returncode == 1
    assert refused.stdout.splitlines() == [
        "(나만 볼 수 있는 메시지)",
        "지금 우리 학교는 (All of Us Are Dead)에는 해당 시즌(시즌 5)이 없습니다. 있는 시즌: 1 및 2.",
    ]
    assert (
        ask("/release title:지금 우리 학교는 season:2", db, "--locale", "fr").stdout
        == ask("/release title:지금 우리 학교는 season:2", db).stdout
    )
