"""pytest fixtures for the TMDB stand-in; import them in a conftest.py:

    from tests.tmdbstandin.fixtures import tmdb, tmdb_server  # noqa: F401

`tmdb_server` is one stand-in (200 shows, seed 7) for a test module; `tmdb` is that server for
one test, with its faults cleared afterwards and the test failed if it hit a route the
stand-in does not know or asked /tv/changes for more than 14 days.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import TmdbStandIn
from .world import World


@pytest.fixture(scope="module")
def tmdb_server() -> Iterator[TmdbStandIn]:
    """A TMDB stand-in for the whole test module."""
    server = TmdbStandIn(World(200, seed=7)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tmdb(tmdb_server: TmdbStandIn) -> Iterator[TmdbStandIn]:
    """The module's stand-in for one test: clean switches, no unexpected route afterwards."""
    server = tmdb_server
    with server.lock:
        server.clear_faults()
        seen, windows = len(server.unexpected), len(server.window_violations)
        server.requests.clear()
    yield server
    with server.lock:
        server.clear_faults()
        unexpected = server.unexpected[seen:]
        too_long = server.window_violations[windows:]
    assert not unexpected, "the client called routes TMDB does not have: " + ", ".join(
        r.path for r in unexpected
    )
    assert not too_long, "the client asked /tv/changes for a window over 14 days"
