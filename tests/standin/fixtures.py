"""pytest fixtures for end-to-end tests; import them in tests/e2e/conftest.py:

    from tests.standin.fixtures import bot_factory, standin, standin_server  # noqa: F401

`standin_server` is module-scoped (one server per test module); `standin` is the same server
for one test, with fault switches reset and no unexpected request allowed afterwards.
`bot_factory(script=..., **BotProcess kwargs)` makes BotProcess objects (not started), all
killed at the end of the module, and checks that none is left running.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psutil
import pytest

from .process import BotProcess
from .scenario import DiscordStandIn


@pytest.fixture(scope="module")
def standin_server() -> Iterator[DiscordStandIn]:
    """A stand-in server for the whole test module."""
    server = DiscordStandIn().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def standin(standin_server: DiscordStandIn) -> Iterator[DiscordStandIn]:
    """The module's stand-in; after the test, faults are cleared and no unexpected request."""
    server = standin_server
    with server.lock:
        seen = len(server.unexpected)
    yield server
    with server.lock:
        server.clear_faults()
        server.enforce_global_limit = False
        server.invalidate_next_resume = False
        unexpected = server.unexpected[seen:]
    assert not unexpected, "the bot called routes the stand-in does not know: " + ", ".join(
        r.route for r in unexpected
    )


@pytest.fixture(scope="module")
def bot_factory(
    standin_server: DiscordStandIn, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., BotProcess]]:
    """Make BotProcess objects against the module's stand-in; all are cleaned up."""
    made: list[BotProcess] = []

    def make(server: DiscordStandIn | None = None, **kwargs: Any) -> BotProcess:
        name = kwargs.pop("name", f"bot{len(made)}")
        workdir = tmp_path_factory.mktemp(name)
        proc = BotProcess(server or standin_server, workdir, name=name, **kwargs)
        made.append(proc)
        return proc

    try:
        yield make
    finally:
        pids = [p.pid for p in made if p.proc is not None]
        for proc in made:
            proc.close()
        left = [
            pid
            for pid in pids
            if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        ]
        assert not left, f"bot processes left behind: {left}"
