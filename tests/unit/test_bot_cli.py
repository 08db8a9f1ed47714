"""The command line: a failure at start-up is one clear line and an exit, never a hang."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

import bot
from kdrama.catalog import CatalogError
from kdrama.store import Store


def test_a_starter_catalog_that_cant_be_read_ends_the_command_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def unreadable(store: Store) -> None:
        raise CatalogError("can't read data/catalog.json: No such file or directory")

    monkeypatch.setattr(bot.edits, "load_starter_if_empty", unreadable)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.db"))
    monkeypatch.chdir(tmp_path)  # no stray .env
    before = set(threading.enumerate())

    code = bot.main(["ask", "/release title:Squid Game"])

    assert code == 1
    assert capsys.readouterr().err.strip() == (
        "Drama bot stopped: can't read data/catalog.json: No such file or directory"
    )
    # The database connection's thread is gone: nothing keeps the process alive.
    new = [t for t in set(threading.enumerate()) - before if not t.daemon]
    for thread in new:
        thread.join(timeout=5)
    left = [t for t in new if t.is_alive()]
    assert not left, left


def test_commands_run_on_uvloop_where_it_is_installed() -> None:
    async def which_loop() -> int:
        seen.append(type(asyncio.get_running_loop()).__module__)
        return 7

    seen: list[str] = []
    assert bot.run_loop(which_loop()) == 7
    assert seen[0].startswith("asyncio" if sys.platform == "win32" else "uvloop"), seen
