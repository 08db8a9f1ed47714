"""The TMDB stand-in's fixtures for the TMDB tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from kdrama.store import Store
from tests.tmdbstandin.fixtures import tmdb, tmdb_server  # noqa: F401
from tests.tmdbstandin.server import TmdbStandIn
from tests.tmdbstandin.world import World


@pytest.fixture
def standin() -> Iterator[TmdbStandIn]:
    """A stand-in of 40 generated shows."""
    server = TmdbStandIn(World(40, seed=11)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    """An empty database of its own."""
    store = await Store.open(tmp_path / "sync.db")
    try:
        yield store
    finally:
        await store.close()
