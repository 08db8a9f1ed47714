"""`python bot.py sync` against the TMDB stand-in, as an operator runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tmdbstandin.server import TOKEN, TmdbStandIn
from tests.tmdbstandin.world import World

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def standin() -> Iterator[TmdbStandIn]:
    server = TmdbStandIn(World(25, seed=5)).start()
    try:
        yield server
    finally:
        server.stop()


def sync(db: Path, server: TmdbStandIn, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_PATH": str(db),
        "TMDB_TOKEN": token,
        "TMDB_BASE_URL": server.base_url,
        "DISCORD_TOKEN": "",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "bot.py", "sync", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_sync_imports_the_standins_shows_and_a_second_run_changes_nothing(
    standin: TmdbStandIn, tmp_path: Path
) -> None:
    db = tmp_path / "kdrama.db"
    first = sync(db, standin)
    assert first.returncode == 0, first.stderr
    korean = len(standin.world.korean())
    assert f"{korean} added" in first.stdout
    assert "not endorsed or certified by TMDB" in first.stdout
    second = sync(db, standin)
    assert second.returncode == 0, second.stderr
    assert re.search(r"0 added, 0 updated, \d+ unchanged", second.stdout), second.stdout
    full = sync(db, standin, "--full")
    assert full.returncode == 0 and f"0 added, 0 updated, {korean} unchanged" in full.stdout


def test_a_refused_token_is_a_configuration_error(standin: TmdbStandIn, tmp_path: Path) -> None:
    result = sync(tmp_path / "kdrama.db", standin, token="eyJ.wrong.token")
    assert result.returncode == 2
    assert "TMDB_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
