"""What one person or channel follows, and a search index over those shows' names, kept while they type.

/follow remove and /watch remove autocomplete a title among the shows one fan (or one
channel) follows, found by any of their names (kdrama.search.SearchIndex over
`CatalogStore.names_of`). Read and built again on every keystroke, that cost 3.8 ms at 200
follows and 9.9 ms at 500 watched shows (p50 on a 10,000-show catalog), on a path Discord
gives 3 seconds and fires per keystroke. Here each owner's list (only what the choices
show: `FollowStore.shows_of`, `SubscriptionStore.shows_of`) and index are kept, least
recently used first out; a keystroke then costs 0.2 ms (bench/bench_followed.py):

- The list (follows, subscriptions) is read again whenever anything was committed to the
  database since it was read, by any process (`PRAGMA data_version` on the store's reading
  connection, which this process's writes reach through its other connection): checking
  costs one pragma, and a list is never older than the keystroke asking for it. So a follow,
  an unfollow, a subscription, a pause in this process or another shows at once. A store
  that reads where it writes (`:memory:`) does not see its own commits that way: its lists
  are read every time.
- The index is built again when the shows listed differ, or the catalog's generation moved
  (any refresh: an edit here bumps it before its reply, another process's within the second
  of Catalog.catch_up). An alias added or a show renamed by another process may thus be
  found by its new name a second late; what is removed is always read from the database, by
  the slug the choice carries.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from kdrama.search import SearchIndex

if TYPE_CHECKING:
    from kdrama.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
# Kept, per keeper, at most this many list rows and indexed names between them. A row or a
# name costs about 160 bytes kept (bench/bench_followed.py: 1.6 MiB for a keeper full of fans
# following 200 shows, ten of them, or of channels watching 500, four of them). Keeping is
# worth it only while someone types, a few seconds, and most fans and channels follow a few
# shows (a few dozen rows and names each, so hundreds fit); a list pushed out costs its next
# keystroke what every keystroke cost before.
MAX_WEIGHT = 10_000
MAX_ENTRIES = 512  # owners kept, however small their lists


@dataclass(slots=True)
class _Kept(Generic[T]):
    listed: T
    version: int | None  # the database's data_version before `listed` was read (None: unknown)
    rows: int
    shows: frozenset[int] | None = None  # the shows `index` holds the names of
    generation: int = -1  # the catalog generation when its names were read
    index: SearchIndex | None = None
    names: int = 0

    @property
    def weight(self) -> int:
        return 1 + self.rows + self.names


class FollowedIndexes(Generic[T]):
    """Each owner's list (what `read` returns) and the index over its shows' names, kept while fresh."""

    def __init__(
        self,
        store: Store,
        generation: Callable[[], int],
        *,
        max_weight: int = MAX_WEIGHT,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self.store = store
        self._generation = generation
        self._max_weight = max_weight
        self._max_entries = max_entries
        self._kept: OrderedDict[Hashable, _Kept[T]] = OrderedDict()
        self._weight = 0
        self.reads = 0  # lists read from the database (tests count them)
        self.builds = 0  # indexes built

    async def listed(self, owner: Hashable, read: Callable[[], Awaitable[T]], rows: Callable[[T], int]) -> T:
        """The owner's list as `read` gives it, read again only if the database changed since."""
        # Read before the list: the list is never older than it. On one connection the
        # pragma does not move with the store's own commits: no version, read every time.
        store = self.store
        version = None if store.reader is store.writer else await store.data_version()
        kept = self._kept.get(owner)
        if kept is not None and version is not None and kept.version == version:
            self._kept.move_to_end(owner)
            return kept.listed
        listed = await read()
        self.reads += 1
        kept = self._kept.get(owner)
        if kept is None:
            self._put(owner, _Kept(listed, version, rows(listed)))
        else:
            self._weight -= kept.weight
            kept.listed, kept.version, kept.rows = listed, version, rows(listed)
            self._weight += kept.weight
            self._kept.move_to_end(owner)
            self._evict()
        return listed

    async def index(self, owner: Hashable, show_ids: Sequence[int]) -> SearchIndex:
        """A search index over the names of these shows, built again only if they or the catalog changed."""
        shows = frozenset(show_ids)
        generation = self._generation()  # before the names are read: a refresh meanwhile makes it stale
        kept = self._kept.get(owner)
        if (
            kept is not None
            and kept.index is not None
            and kept.shows == shows
            and kept.generation == generation
        ):
            return kept.index
        names = await self.store.catalog.names_of(show_ids)
        index = SearchIndex(names)
        self.builds += 1
        kept = self._kept.get(owner)  # the list may have been dropped or read again meanwhile
        if kept is not None:
            self._weight -= kept.weight
            kept.shows, kept.generation, kept.index, kept.names = shows, generation, index, len(names)
            self._weight += kept.weight
            self._evict()
        return index

    def _put(self, owner: Hashable, kept: _Kept[T]) -> None:
        self._kept[owner] = kept
        self._weight += kept.weight
        self._evict()

    def _evict(self) -> None:
        """Drop the least recently used until within bounds (an owner heavier than all of them goes too)."""
        while self._kept and (self._weight > self._max_weight or len(self._kept) > self._max_entries):
            _, dropped = self._kept.popitem(last=False)
            self._weight -= dropped.weight

    @property
    def weight(self) -> int:
        """Rows and names kept, against `max_weight`."""
        return self._weight

    def __len__(self) -> int:
        return len(self._kept)
