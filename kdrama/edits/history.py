"""A show's recorded changes, a page at a time, for /admin history."""

from __future__ import annotations

from dataclasses import dataclass

from kdrama.models import Change, Show
from kdrama.store import Store


@dataclass(frozen=True, slots=True)
class HistoryPage:
    show: Show
    changes: list[Change]  # newest first
    page: int  # from 0, clamped to the pages there are
    total: int  # changes recorded for the show


async def history(store: Store, show_id: int, page: int, per_page: int) -> HistoryPage | None:
    """One page of a show's history (None when the show is gone)."""
    show = await store.catalog.show(show_id)
    if show is None:
        return None
    total = await store.changes.count_for_show(show_id)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    changes = await store.changes.for_show(show_id, limit=per_page, offset=page * per_page)
    return HistoryPage(show, changes, page, total)
