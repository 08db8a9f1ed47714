"""Sorted search keys packed in one string, for kdrama.search: prefix ranges, substrings, words.

A catalog's keys cost no Python object each: one newline-separated string in sorted order,
offsets in an array('i'), each key's size in a byte, and for close spellings and rare
substrings a sorted string of distinct words with the positions of the keys holding each
(see KeySpace).
"""

from __future__ import annotations

import logging
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain, groupby, repeat

log = logging.getLogger(__name__)

_SORT_SLICE = 32768  # keys sorted in one C call at most (see sorted_positions)
_LONG = 255  # a key size of this or more is stored as this, and read from the key itself
_TOP = "\U0010ffff"  # sorts after every key: q + _TOP bounds the keys starting with q
_NARROW_FROM = 3  # queries this long keep their offsets, for the next keystroke to narrow
_NARROW_MAX = 4096  # offsets kept per query at most
_NARROW_CACHED = 256  # queries whose offsets are kept
_BY_WORDS_MAX = 512  # keys read one by one for a substring at most; past it, the blob is scanned
_BY_WORDS_LOOKS = 32  # words holding a part looked at, at most, before the blob is scanned

# Keys are held with Hangul's compatibility jamo (U+3131-U+318E: all that decompose() and
# initials() write) swapped with U+0080-U+00DD. CPython stores a string as wide as its
# widest character, so a blob of ASCII and jamo takes one byte a character instead of two:
# half the memory, and substring scans over half the bytes. The swap is a bijection, so
# prefixes, substrings and edit distances are what they were; every string compared with
# the keys goes through encode() first (KeySpace's methods do it themselves).
_JAMO, _SWAPPED = 0x3131, 0x318E - 0x3131 + 1
_SWAP = str.maketrans(
    {**{_JAMO + i: 0x80 + i for i in range(_SWAPPED)}, **{0x80 + i: _JAMO + i for i in range(_SWAPPED)}}
)


def encode(text: str) -> str:
    """Text as the keys hold it (see _SWAP)."""
    return text if text.isascii() else text.translate(_SWAP)


def sorted_positions(keys: Sequence[str]) -> list[int]:
    """Positions 0..n-1 ordered by keys, stable, without holding the GIL for long.

    One sort of 300,000 strings is a single C call of a quarter of a second, during which
    the event loop (waiting for the GIL while the index builds in a worker thread) stalls.
    Sorted in slices, then merged pairwise (sorted() of two sorted runs is a linear merge
    in C), no call holds the GIL for more than one merge.
    """
    n, by = len(keys), keys.__getitem__
    runs = [sorted(range(lo, min(n, lo + _SORT_SLICE)), key=by) for lo in range(0, n, _SORT_SLICE)]
    while len(runs) > 1:
        runs = [
            sorted(runs[i] + runs[i + 1], key=by) if i + 1 < len(runs) else runs[i]
            for i in range(0, len(runs), 2)
        ]
    return runs[0] if runs else []


class KeySpace:
    """Keys in one alphabet, packed: one string of every key in sorted order, and offsets.

    A key is the folded name with its word breaks ("crash landing on you"); keys are kept
    sorted as if they had no spaces, so bisect finds "crashlan" and "crash lan" alike. The
    keys live only in the blob (no Python string per key): `key(position)` slices it.
    Immutable: an index keeps one built at load and one for its edits since.
    """

    __slots__ = (
        "_blob",
        "_offsets_of",
        "_post_at",
        "_postings",
        "_sizes",
        "_starts",
        "_word_starts",
        "_words",
        "ids",
    )

    def __init__(self, keys: list[str], ids: Sequence[int]) -> None:
        keys = list(map(encode, keys))
        compact = "\n".join(keys).replace(" ", "").split("\n") if keys else []
        order = sorted_positions(compact)
        # Each key's size without spaces (up to _LONG): what scores a prefix match, and
        # what walks a large prefix range shortest key first, without reading the keys.
        sizes = list(map(len, map(compact.__getitem__, order)))
        del compact
        try:
            self._sizes = bytes(sizes)
        except ValueError:  # a key of 256 letters or more
            self._sizes = bytes(min(_LONG, size) for size in sizes)
        del sizes
        self.ids = array("i", map(ids.__getitem__, order))  # entry id of each key
        ordered = list(map(keys.__getitem__, order))
        del order
        self._blob = "\n".join(ordered)  # every key, newline-separated, for substring search
        self._starts = array("i", accumulate(map((1).__add__, map(len, ordered)), initial=0))
        del ordered
        self._offsets_of: OrderedDict[str, array[int]] = OrderedDict()  # see _offsets
        self._words = ""  # distinct words of the keys, sorted, newline-separated (typos)
        self._word_starts = array("i")
        self._postings = array("i")  # positions of the keys holding each word, by word
        self._post_at = array("i")  # where each word's positions start in _postings

    def __len__(self) -> int:
        return len(self.ids)

    def key(self, position: int) -> str:
        """The key at position, encoded (compare it with encode(text))."""
        starts = self._starts
        return self._blob[starts[position] : starts[position + 1] - 1]

    def _compact_key(self, position: int) -> str:
        starts = self._starts
        return self._blob[starts[position] : starts[position + 1] - 1].replace(" ", "")

    def compact_keys(self, positions: Iterable[int]) -> list[str]:
        """The keys at positions without their spaces, encoded: the spaces go in one C pass."""
        blob, starts = self._blob, self._starts
        keys = [blob[starts[p] : starts[p + 1] - 1] for p in positions]
        return "\n".join(keys).replace(" ", "").split("\n") if keys else []

    def compact_run(self, lo: int, hi: int) -> list[str]:
        """The keys lo:hi without their spaces, encoded: one slice of the blob."""
        starts = self._starts
        return self._blob[starts[lo] : starts[hi] - 1].replace(" ", "").split("\n") if hi > lo else []

    def range(self, prefix: str) -> tuple[int, int]:
        """Positions lo:hi of the keys that start with prefix (spaces ignored)."""
        prefix = encode(prefix)
        positions, key = range(len(self.ids)), self._compact_key
        lo = bisect_left(positions, prefix, key=key)
        return lo, bisect_left(positions, prefix + _TOP, lo, key=key)

    def starts(self, longest: int) -> list[str]:
        """Every distinct start of the keys (spaces ignored), one to `longest` letters, as text."""
        return list(self._starts_of(longest, 0))

    def crowded(self, more_than: int) -> Iterator[str]:
        """Every start of the keys (spaces ignored) that more than `more_than` keys begin with, as text.

        The prefixes whose search reads the most keys (see SearchIndex.prefix_answer).
        Found as they are read: 5,000 at 30,000 shows take 65 ms, too long for one go on
        the event loop; between two of them, the work is a bisect per letter that follows.
        """
        return self._starts_of(None, more_than)

    def _starts_of(self, longest: int | None, more_than: int) -> Iterator[str]:
        """Starts of up to `longest` letters (None: any) begun by more than `more_than` keys."""
        positions, key = range(len(self.ids)), self._compact_key
        todo = [("", 0, len(self.ids))]  # (start, lo, hi): the keys lo:hi begin with start
        while todo:
            start, lo, hi = todo.pop()
            n, at = len(start), lo
            while at < hi:
                compact = key(at)
                if len(compact) <= n:  # the key is the start itself
                    at += 1
                    continue
                longer = compact[: n + 1]
                end = bisect_left(positions, longer + _TOP, at, hi, key=key)
                if end - at > more_than:  # a longer start is begun by no more keys than this one
                    yield encode(longer)  # the swap is its own inverse: back to text
                    if longest is None or n + 1 < longest:
                        todo.append((longer, at, end))
                at = end

    def size(self, position: int) -> int:
        """The length of a key without its spaces."""
        size = self._sizes[position]
        if size == _LONG:
            key = self.key(position)
            return len(key) - key.count(" ")
        return size

    def sizes(self, lo: int, hi: int) -> list[int]:
        """Lengths without spaces of keys lo:hi."""
        sizes = list(self._sizes[lo:hi])
        if _LONG in sizes:
            sizes = [self.size(p) for p in range(lo, hi)]
        return sizes

    def shortest_first(self, lo: int, hi: int, shortest: int) -> Iterator[tuple[int, int]]:
        """(position, size) of keys lo:hi, shortest first, then by position.

        `shortest` is no more than the size of any of them (the prefix's). Each size is a
        byte: the keys of one size are found with bytes.find (memchr), so a walk that stops
        after the first few sizes reads a few bytes per key of the range and no key.
        """
        sizes = self._sizes
        for size in range(max(0, min(shortest, _LONG)), _LONG + 1):
            at = sizes.find(size, lo, hi)
            if size == _LONG:  # read from the keys themselves: sorted by their true size
                long: list[tuple[int, int]] = []
                while at >= 0:
                    long.append((at, self.size(at)))
                    at = sizes.find(size, at + 1, hi)
                yield from sorted(long, key=lambda entry: entry[1])
                return
            while at >= 0:
                yield at, size
                at = sizes.find(size, at + 1, hi)

    def occurrences(self, q: str, limit: int) -> Iterable[tuple[int, bool]]:
        """(position, at a word start) of q inside keys, not at their very start."""
        q = encode(q)
        blob, starts = self._blob, self._starts
        found = 0
        for at in self._offsets(q):
            if found >= limit:
                return
            before = blob[at - 1]
            if before != "\n":
                found += 1
                yield bisect_right(starts, at) - 1, before == " "

    def _offsets(self, q: str) -> Iterable[int]:
        """Where q occurs in the blob (after its first character), in order.

        A fan types a name a letter at a time, and every occurrence of "crash lan" is an
        occurrence of "crash la": when every offset of a shorter start of q is known, q's
        are those of them where q follows, and the blob (megabytes, mostly out of the CPU's
        caches between two keystrokes) is not scanned again. Nor is it for a q whose words
        only a few keys could hold (_keys_holding): those keys are searched one by one.
        """
        cache = self._offsets_of
        for size in range(len(q), _NARROW_FROM - 1, -1):
            shorter = cache.get(q[:size])
            if shorter is None:
                continue
            cache.move_to_end(q[:size])
            if size == len(q):
                return shorter
            blob = self._blob
            offsets = array("i", [at for at in shorter if blob.startswith(q, at)])
            self._remember(q, offsets)
            return offsets
        keys = self._keys_holding(q)
        if keys is None:
            return self._scan(q)
        # Only these keys can hold q: each is searched within its own bounds, in key order,
        # so the offsets are those the scan would find, in the same order.
        blob, starts = self._blob, self._starts
        find = blob.find
        offsets = array("i")
        for position in keys:
            end = starts[position + 1] - 1
            at = find(q, starts[position] or 1, end)  # never offset 0, as the scan
            while at >= 0:
                offsets.append(at)
                at = find(q, at + 1, end)
        self._remember(q, offsets)
        return offsets

    def _scan(self, q: str) -> Iterator[int]:
        """The offsets of q, found one by one; kept for narrowing if the caller reads them all."""
        blob = self._blob
        offsets = array("i")
        at = blob.find(q, 1)
        while at >= 0:
            offsets.append(at)
            yield at
            at = blob.find(q, at + 1)
        self._remember(q, offsets)

    def _remember(self, q: str, offsets: array[int]) -> None:
        if len(q) < _NARROW_FROM or len(offsets) > _NARROW_MAX:
            return
        cache = self._offsets_of
        cache[q] = offsets
        if len(cache) > _NARROW_CACHED:
            cache.popitem(last=False)

    # -- words, for close spellings and rare substrings ---------------------------------------

    def prepare_words(self) -> None:
        """Build the word index (sorted distinct words, each with the keys holding it)."""
        if self._post_at or not self.ids:
            return
        keys = self._blob.split("\n")
        counts = list(map(str.count, keys, repeat(" ")))
        del keys
        words = self._blob.replace("\n", " ").split(" ")
        owners = array("i", chain.from_iterable(map(repeat, range(len(counts)), map((1).__add__, counts))))
        del counts
        order = sorted_positions(words)
        # Positions ascend within a word (the sort is stable). A word twice in one key is
        # there twice: _fuzzy_candidates counts distinct keys.
        self._postings = array("i", map(owners.__getitem__, order))
        del owners
        distinct: list[str] = []
        sizes: list[int] = []
        for word, group in groupby(map(words.__getitem__, order)):
            distinct.append(word)
            sizes.append(len(list(group)))
        del order, words
        self._post_at = array("i", accumulate(sizes, initial=0))
        self._words = "\n".join(distinct)
        self._word_starts = array("i", accumulate(map((1).__add__, map(len, distinct)), initial=0))

    def word_positions(self, word: str) -> array[int] | None:
        """Positions of the keys holding word as a whole word (None if there are none)."""
        word = encode(word)
        self.prepare_words()
        lo, hi = self._word_range(word, whole=True)
        if lo == hi:
            return None
        return self._postings[self._post_at[lo] : self._post_at[hi]]

    def _word_range(self, part: str, *, whole: bool) -> tuple[int, int]:
        """Indexes lo:hi of the distinct words equal to part (whole) or starting with it."""
        words, starts = self._words, self._word_starts
        indexes = range(len(starts) - 1)

        def word(i: int) -> str:
            return words[starts[i] : starts[i + 1] - 1]

        lo = bisect_left(indexes, part, key=word)
        if whole:
            return lo, lo + 1 if lo < len(indexes) and word(lo) == part else lo
        return lo, bisect_left(indexes, part + _TOP, lo, key=word)

    def _keys_holding(self, q: str) -> list[int] | None:
        """Positions, in order, of a few keys among which are all that hold q (None: too many).

        Scanning the blob for a substring that is rare reads all of it: 0.2 to 0.4 ms for
        the 680,000 letters of 10,000 shows' titles, most of a searched keystroke
        (bench/bench_search.py). Each word of q tells something of the words of a key that
        holds it: a word between two spaces is one of them, the first word (a space after
        it) ends one, the last (a space before it) starts one, and a lone word is inside
        one. The word index gives the keys of the words that fit; the part that fits the
        fewest keys is used, when they are at most _BY_WORDS_MAX. Parts of one or two
        letters without a space before them fit too many words to be worth the look.
        """
        if not self._post_at:
            return None  # no word index here: the initials' spaces, or edits no typo search read yet
        parts = q.split(" ")
        last = len(parts) - 1
        best: Sequence[int] | None = None  # indexes of the words of the most telling part
        fewest = _BY_WORDS_MAX + 1
        for i, part in enumerate(parts[1:], 1):  # after a space: a word's start, or a whole word
            if len(part) >= (1 if i < last else 2):  # a lone letter starts too many words
                lo, hi = self._word_range(part, whole=i < last)
                keys = self._post_at[hi] - self._post_at[lo]
                if keys < fewest:
                    best, fewest = range(lo, hi), keys
        if fewest > _BY_WORDS_MAX and len(parts[0]) >= 3:  # the first: inside a word, or its end
            found = self._words_with(parts[0], last > 0, fewest)
            if found is not None:
                best, fewest = found
        if best is None or fewest > _BY_WORDS_MAX:
            return None
        postings, post_at = self._postings, self._post_at
        return sorted({p for i in best for p in postings[post_at[i] : post_at[i + 1]]})

    def _words_with(self, part: str, at_end: bool, fewer_than: int) -> tuple[list[int], int] | None:
        """Indexes of the distinct words holding part (ending with it, if at_end), and how
        many keys hold them; None if fewer_than keys or more do, or too many words."""
        words, starts, post_at = self._words, self._word_starts, self._post_at
        size = len(words)
        found: list[int] = []
        keys = 0
        at = words.find(part)
        for _ in range(_BY_WORDS_LOOKS):
            if at < 0:
                return found, keys
            i = bisect_right(starts, at) - 1
            end = at + len(part)
            if not at_end or end == size or words[end] == "\n":
                found.append(i)
                keys += post_at[i + 1] - post_at[i]
                if keys >= fewer_than:
                    return None
            at = words.find(part, at + 1 if at_end else starts[i + 1])
        return None  # a part this common is found sooner in the blob
