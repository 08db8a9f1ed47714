"""What can go wrong talking to TMDB, as types the sync can tell apart."""

from __future__ import annotations


class TmdbError(Exception):
    """Any failure of a TMDB request; the message says which request and why."""


class TmdbConfigError(TmdbError):
    """TMDB refused our credentials (401, status_code 7): fix TMDB_TOKEN, retrying won't help."""


class TmdbNotFound(TmdbError):
    """The resource is gone (404, status_code 34), e.g. a show deleted on TMDB."""


class TmdbUnavailable(TmdbError):
    """TMDB kept failing (429, 5xx, timeouts, connection errors) until the time allowed ran out."""


class TmdbMalformed(TmdbError):
    """A body that is not the documented shape (bad JSON, missing field, wrong type)."""
