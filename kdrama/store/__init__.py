"""All SQL lives in this package, split by aggregate; each part returns typed models.

`database.Store` owns the connection, migrations and transactions; the aggregates hang off
it as attributes: `store.catalog` (catalog.py reads, catalog_writes.py writes), `store.changes`
(changes.py), `store.curators` (curators.py), `store.subscriptions` (subscriptions.py),
`store.follows` (follows.py), `store.outbox` (outbox.py) and `store.sync` (sync.py: TMDB
links, provenance, review, runs).
"""

from kdrama.models import parse_events
from kdrama.store.catalog import CatalogStore, release_columns, status_columns
from kdrama.store.changes import ChangeStore
from kdrama.store.curators import CuratorStore
from kdrama.store.database import Migration, Store, StoreError, load_migrations, utcnow
from kdrama.store.follows import FollowLimitReached, FollowStore
from kdrama.store.outbox import OutboxStore
from kdrama.store.subscriptions import SubscriptionStore
from kdrama.store.sync import SyncStore

__all__ = [
    "CatalogStore",
    "ChangeStore",
    "CuratorStore",
    "FollowLimitReached",
    "FollowStore",
    "Migration",
    "OutboxStore",
    "Store",
    "StoreError",
    "SubscriptionStore",
    "SyncStore",
    "load_migrations",
    "parse_events",
    "release_columns",
    "status_columns",
    "utcnow",
]
