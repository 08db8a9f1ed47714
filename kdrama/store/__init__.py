"""All SQL lives in this package, split by aggregate; each part returns typed models.

`database.Store` owns the connection, migrations and transactions; the aggregates hang off
it as attributes: `store.catalog` (catalog.py reads, catalog_writes.py writes), `store.changes`
(changes.py), `store.curators` (curators.py).
"""

from kdrama.store.catalog import CatalogStore, release_columns, status_columns
from kdrama.store.changes import ChangeStore, parse_events
from kdrama.store.curators import CuratorStore
from kdrama.store.database import Migration, Store, StoreError, load_migrations, utcnow

__all__ = [
    "CatalogStore",
    "ChangeStore",
    "CuratorStore",
    "Migration",
    "Store",
    "StoreError",
    "load_migrations",
    "parse_events",
    "release_columns",
    "status_columns",
    "utcnow",
]
