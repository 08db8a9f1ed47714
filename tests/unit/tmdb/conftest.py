"""The TMDB stand-in's fixtures for the TMDB tests."""

from __future__ import annotations

from tests.tmdbstandin.fixtures import tmdb, tmdb_server  # noqa: F401
