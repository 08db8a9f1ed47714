"""The catalog in memory: every show's rows packed small, decoded only for the shows fans ask about.

A show with its seasons and trailers is packed (marshal, then raw deflate with a dictionary
taken from the catalog itself) in about 0.2 KB: 1.8 MiB for 10,000 shows. Unpacking one
takes about 20 µs, and the shows asked about lately stay unpacked in a small LRU. Credits are
left out: with them a show packs in 0.8 KB (names, characters and sources barely
compress), 6 MiB more per 10,000 shows than the memory target allows, so the catalog
reads a show's credits when a fan first asks (lookup.Catalog.credits, an LRU too). A
refresh replaces a show's packed record whole; records are never changed in place."""

from __future__ import annotations

import logging
import marshal
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from kdrama.models import ShowRecord
from kdrama.store.catalog import show_record
from kdrama.store.catalog_bulk import ShowRows

log = logging.getLogger(__name__)

DECODED_MAX = 256  # shows kept unpacked (about 2 KB each): the ones fans ask about now
ZDICT_MAX = 32 * 1024  # zlib uses at most the last 32 KiB of a preset dictionary
LEVEL = 6
# Raw deflate, without zlib's header and checksums: a zlib stream makes every unpack check
# the dictionary's adler32, all 32 KiB of it (10 µs of the 12 an inflate took; now 2).
WBITS = -zlib.MAX_WBITS


class Snapshot:
    """Packed show records by id and slug; `complete` once every show of the catalog is in."""

    def __init__(self) -> None:
        self._packed: dict[int, tuple[str, bytes]] = {}  # id -> (slug, record)
        self._slugs: dict[str, int] = {}
        self._decoded: OrderedDict[int, ShowRecord] = OrderedDict()
        self._zdict: bytes | None = None
        self.complete = False

    def __len__(self) -> int:
        return len(self._packed)

    @property
    def size(self) -> int:
        """Bytes of packed records (for the logs and the benchmarks)."""
        return sum(len(record) for _, record in self._packed.values())

    def pack(self, rows: Mapping[int, ShowRows]) -> dict[int, tuple[str, bytes]]:
        """Rows of shows packed (slug, record); safe in a worker thread (zlib lets go of the GIL)."""
        dumped = {show_id: marshal.dumps(r) for show_id, r in rows.items()}
        if self._zdict is None and dumped:
            # The first rows packed teach zlib what a record looks like (keys, sources, JSON).
            self._zdict = b"".join(dumped.values())[-ZDICT_MAX:]
        # Each record is compressed on its own, from a copy of one compressor that has read
        # the dictionary: a third of the time of setting the dictionary up for every record
        # (0.6 -> 0.2 s for 10,000 shows), the same bytes.
        primed = zlib.compressobj(LEVEL, zlib.DEFLATED, WBITS, zdict=self._zdict or b"")
        out: dict[int, tuple[str, bytes]] = {}
        for show_id, raw in dumped.items():
            packer = primed.copy()
            out[show_id] = (rows[show_id][0][1], packer.compress(raw) + packer.flush())
        return out

    def put(self, packed: Mapping[int, tuple[str, bytes]]) -> None:
        """Take these shows' new records."""
        for show_id, entry in packed.items():
            self.remove((show_id,))
            self._packed[show_id] = entry
            self._slugs[entry[0]] = show_id

    def remove(self, show_ids: Iterable[int]) -> None:
        """Forget these shows (gone from the catalog, or about to be replaced)."""
        for show_id in show_ids:
            self._decoded.pop(show_id, None)
            old = self._packed.pop(show_id, None)
            if old is not None and self._slugs.get(old[0]) == show_id:
                del self._slugs[old[0]]

    def has(self, show_id: int) -> bool:
        return show_id in self._packed

    def id_of(self, slug: str) -> int | None:
        """The show with this slug, when it is in the snapshot."""
        return self._slugs.get(slug)

    def record(self, show_id: int) -> ShowRecord | None:
        """A show with its seasons, credits and trailers (None when it is not in the snapshot)."""
        decoded = self._decoded
        record = decoded.get(show_id)
        if record is not None:
            decoded.move_to_end(show_id)
            return record
        entry = self._packed.get(show_id)
        if entry is None:
            return None
        unpacker = zlib.decompressobj(WBITS, zdict=self._zdict or b"")
        record = show_record(marshal.loads(unpacker.decompress(entry[1]) + unpacker.flush()))
        decoded[show_id] = record
        if len(decoded) > DECODED_MAX:
            decoded.popitem(last=False)
        return record
