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
    assert (
        "There is no official word on season 2 yet, and there is no official release date; "
        "reports expected it in 2023, which has passed without a release." in text
    )
    assert "2023 (expected: reported, not official)" in text
    assert "Reports expected it later in 2023." in text
    assert (
        'Source: "All of Us Are Dead Season 2: everything we know so far" (fan article citing Rotten Tomatoes)'
        in text
    )
    assert db.exists()  # created, migrated and filled on first use


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
        "시즌 2에 대한 공식 발표는 아직 없습니다. 공식 공개일은 없으며, 보도에서는 2023년에 공개될 "
        "것으로 예상했지만 그 시기가 지나도록 공개되지 않았습니다."
    )
    assert "2023년 (예상: 보도된 내용, 비공식)" in lines
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
