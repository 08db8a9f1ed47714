"""All SQL lives in this package, split by aggregate; each part returns typed models.

`database.Store` owns the connection, migrations and transactions; the aggregates hang off it.
"""

from kdrama.store.database import (
    Migration,
    Store,
    StoreError,
    load_migrations,
    parse_events,
    release_columns,
    status_columns,
    utcnow,
)

__all__ = [
    "Migration",
    "Store",
    "StoreError",
    "load_migrations",
    "parse_events",
    "release_columns",
    "status_columns",
    "utcnow",
]
