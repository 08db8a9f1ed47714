"""What the TMDB sync tests share: a fast client for the stand-in and the curator who edits."""

from __future__ import annotations

from kdrama.models import Actor
from kdrama.tmdb.client import TmdbClient
from tests.tmdbstandin.server import TOKEN, TmdbStandIn

CURATOR = Actor(501, "Curator Kim")


def client(server: TmdbStandIn, **options: float) -> TmdbClient:
    """A client for the stand-in, fast and with short retries."""
    settings = {"rate": 400.0, "backoff_base": 0.05, "backoff_max": 0.5, "request_deadline": 10.0}
    settings.update(options)
    return TmdbClient(TOKEN, base_url=server.base_url, **settings)
