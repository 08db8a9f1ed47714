"""All SQL lives in this package, split by aggregate; each part returns typed models.

`database.Store` owns the connection, migrations and transactions; the aggregates hang off it:
`store.subscriptions` (subscriptions.py), `store.follows` (follows.py) and `store.outbox` (outbox.py).
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
from kdrama.store.follows import FollowLimitReached, FollowStore
from kdrama.store.outbox import OutboxStore
from kdrama.store.subscriptions import SubscriptionStore

__all__ = [
    "FollowLimitReached",
    "FollowStore",
    "Migration",
    "OutboxStore",
    "Store",
    "StoreError",
    "SubscriptionStore",
    "load_migrations",
    "parse_events",
    "release_columns",
    "status_columns",
    "utcnow",
]
