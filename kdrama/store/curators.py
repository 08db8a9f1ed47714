"""The curator list's SQL: who may edit the catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kdrama.models import Curator

if TYPE_CHECKING:
    from kdrama.store.database import Store


class CuratorStore:
    """Curators. `store.curators`; writes run inside the caller's transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def get(self, user_id: int) -> Curator | None:
        row = await self._store.fetch_one(
            "SELECT user_id, added_by, added_at FROM curator WHERE user_id = ?", (user_id,)
        )
        return Curator(row[0], row[1], row[2]) if row else None

    async def all(self) -> list[Curator]:
        """Every curator, oldest first."""
        rows = await self._store.fetch_all(
            "SELECT user_id, added_by, added_at FROM curator ORDER BY added_at, user_id"
        )
        return [Curator(r[0], r[1], r[2]) for r in rows]

    async def add(self, curator: Curator) -> None:
        await self._store.db.execute(
            "INSERT INTO curator (user_id, added_by, added_at) VALUES (?,?,?)",
            (curator.user_id, curator.added_by, curator.added_at),
        )

    async def remove(self, user_id: int) -> None:
        await self._store.db.execute("DELETE FROM curator WHERE user_id = ?", (user_id,))
