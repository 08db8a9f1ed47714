"""In-memory search over show titles and actor names, for autocomplete and /search."""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from rapidfuzz.fuzz import ratio

from kdrama.hangul import (
    decompose,
    has_hangul,
    initials,
    is_initials,
    romanize,
    to_compatibility,
)

log = logging.getLogger(__name__)

SHOW_KINDS = frozenset({"title", "korean", "romanized", "alias"})
ACTOR_KINDS = frozenset({"actor"})
ALL_KINDS = SHOW_KINDS | ACTOR_KINDS


@dataclass(frozen=True, slots=True)
class Name:
    """One searchable name: a title, Korean title, romanized title, alias or actor name."""

    ref: int  # show id for the title kinds, person id for "actor"
    kind: str  # "title" | "korean" | "romanized" | "alias" | "actor"
    text: str  # as displayed


@dataclass(frozen=True, slots=True)
class Match:
    """A search hit: the name that matched and how well (0..100, higher is better)."""

    ref: int
    kind: str
    text: str
    score: float


def kind_group(kind: str) -> str:
    """The group a kind belongs to: "actor" for actors, "show" for every title kind."""
    return "actor" if kind == "actor" else "show"


# Scores are tiered so that a better kind of match always wins over a closer fuzzy one:
# exact 100, prefix of the whole name (90, 99), prefix of a later word (80, 89),
# anywhere inside (70, 79), fuzzy below 70. Within a tier the query covering more of the
# name scores higher, so "squid" ranks "Squid Game" above "Squid Game: The Challenge".
_PREFIX, _WORD, _INFIX, _TIER_SPAN = 90.0, 80.0, 70.0, 9.0
_FUZZY_SCALE = 0.69
# rapidfuzz ratio (0..100) a fuzzy candidate needs: "sqiud game" vs "squid game" is 89,
# "crash landng" vs the start of "crash landing on you" 91, unrelated names stay below.
_FUZZY_CUTOFF = 72.0
_PREFIX_FUZZY_PENALTY = 0.95  # a typo in a prefix is a little less sure than in the whole
_SCAN_LIMIT = 256  # prefix ranges larger than this are walked shortest name first
_FUZZY_MAX_CANDIDATES = 1500
_SHORT_PREFIX_CANDIDATES = 600
_TOP = "\U0010ffff"

_APOSTROPHES = str.maketrans("", "", "'’‘`´ʼ")
_NON_WORD = re.compile(r"[\W_]+")


def fold_words(text: str) -> str:
    """Fold text for matching: lower case, no accents or punctuation, single spaces."""
    if text.isascii():
        folded = text.lower()
    else:
        # NFKC folds full-width letters; NFD then dropping combining marks removes accents,
        # and NFC puts Hangul syllables (decomposed by NFD) back together.
        folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        folded = to_compatibility(unicodedata.normalize("NFC", folded))
    folded = folded.translate(_APOSTROPHES)  # "It's" -> "its", not "it s"
    return " ".join(_NON_WORD.sub(" ", folded).split())


def _key(words: list[str]) -> tuple[str, tuple[int, ...]]:
    starts: list[int] = []
    at = 0
    for word in words:
        starts.append(at)
        at += len(word)
    return "".join(words), tuple(starts)


def normalize(text: str) -> str:
    """Compact fold for comparing names: lower case, no accents, punctuation or spaces."""
    return fold_words(text).replace(" ", "")


def search_key(text: str) -> str:
    """The form a query is matched in: normalized, and Hangul spelled as jamo."""
    folded = normalize(text)
    return decompose(folded) if has_hangul(folded) else folded


class _Entry:
    """One key under which a name can be found (a name may have several)."""

    __slots__ = ("derived", "group", "key", "name", "space", "starts")

    def __init__(
        self, name: Name, key: str, starts: tuple[int, ...], space: _Space, derived: bool
    ) -> None:
        self.derived = derived  # a key made from the name (romanization), not typed by anyone
        self.name = name
        self.key = key
        self.starts = starts  # where each word starts in key
        self.group = kind_group(name.kind)
        self.space = space


class _Space:
    """Keys of one alphabet (ordinary text, or Hangul initial consonants) and their indexes."""

    def __init__(self, grams: bool) -> None:
        self.keys: list[str] = []  # sorted, for prefix ranges with bisect
        self.ids: list[int] = []  # entry id of each key, parallel to keys
        self.word_starts: dict[str, list[int]] = {}  # first 1-3 chars of a later word
        self.grams: dict[str, list[int]] | None = {} if grams else None  # trigram postings
        self.by_length: dict[str, list[int]] = {}  # large prefix ranges, shortest first

    def postings(self, entry_id: int, entry: _Entry) -> Iterable[tuple[dict[str, list[int]], str]]:
        key = entry.key
        starts = set()
        for at in entry.starts[1:]:
            for n in (1, 2, 3):
                if at + n <= len(key):
                    starts.add(key[at : at + n])
        for gram in starts:
            yield self.word_starts, gram
        if self.grams is not None:
            for gram in {key[i : i + 3] for i in range(len(key) - 2)}:
                yield self.grams, gram

    def add(self, entry_id: int, entry: _Entry, *, bulk: bool) -> None:
        if bulk:
            self.keys.append(entry.key)
            self.ids.append(entry_id)
        else:
            at = bisect_left(self.keys, entry.key)
            self.keys.insert(at, entry.key)
            self.ids.insert(at, entry_id)
            self.by_length.clear()
        for table, gram in self.postings(entry_id, entry):
            posting = table.get(gram)
            if posting is None:
                table[gram] = [entry_id]
            else:
                posting.append(entry_id)

    def discard(self, entry_id: int, entry: _Entry) -> None:
        at = bisect_left(self.keys, entry.key)
        while self.ids[at] != entry_id:
            at += 1
        del self.keys[at]
        del self.ids[at]
        self.by_length.clear()
        for table, gram in self.postings(entry_id, entry):
            posting = table[gram]
            posting.remove(entry_id)
            if not posting:
                del table[gram]

    def finish_bulk(self) -> None:
        order = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        self.keys = [self.keys[i] for i in order]
        self.ids = [self.ids[i] for i in order]
        self.by_length.clear()


class SearchIndex:
    """Finds shows and actors by any of their names, typo and Hangul aware."""

    def __init__(self, names: Iterable[Name] = ()) -> None:
        self._entries: list[_Entry | None] = []
        self._free: list[int] = []
        self._by_ref: dict[tuple[int, str], list[int]] = {}  # (ref, group) -> entry ids
        self._text = _Space(grams=True)
        self._initials = _Space(grams=False)
        for name in names:
            self._add(name, bulk=True)
        self._text.finish_bulk()
        self._initials.finish_bulk()

    # -- updates -----------------------------------------------------------------------

    def add(self, names: Iterable[Name]) -> None:
        """Add names to the index (use set_names to replace a ref's names)."""
        for name in names:
            self._add(name, bulk=False)

    def set_names(self, kinds: Iterable[str], ref: int, names: Iterable[Name]) -> None:
        """Replace every name of ref within kinds by names (after a curator edit)."""
        kinds = frozenset(kinds)
        new = list(names)
        for name in new:
            if name.ref != ref or name.kind not in kinds:
                raise ValueError(f"{name!r} is not a {sorted(kinds)} name of ref {ref}")
        self.remove(ref, kinds)
        self.add(new)

    def remove(self, ref: int, kinds: Iterable[str]) -> None:
        """Forget every name of ref within kinds."""
        kinds = frozenset(kinds)
        for group in {kind_group(kind) for kind in kinds}:
            ids = self._by_ref.get((ref, group))
            if not ids:
                continue
            keep: list[int] = []
            for entry_id in ids:
                entry = self._entries[entry_id]
                assert entry is not None
                if entry.name.kind not in kinds:
                    keep.append(entry_id)
                    continue
                entry.space.discard(entry_id, entry)
                self._entries[entry_id] = None
                self._free.append(entry_id)
            if keep:
                self._by_ref[(ref, group)] = keep
            else:
                del self._by_ref[(ref, group)]

    def _add(self, name: Name, *, bulk: bool) -> None:
        if name.kind not in ALL_KINDS:
            raise ValueError(f"unknown name kind {name.kind!r}")
        words = fold_words(name.text).split()
        if not words:
            return
        keys: list[tuple[_Space, str, tuple[int, ...], bool]] = []
        if any(has_hangul(word) for word in words):
            key, starts = _key([decompose(word) for word in words])
            keys.append((self._text, key, starts, False))
            cho_words = [_consonants(initials(word)) for word in words]
            cho_words = [word for word in cho_words if word]
            if cho_words:
                key, starts = _key(cho_words)
                keys.append((self._initials, key, starts, False))
            if kind_group(name.kind) == "show":
                # Many shows have no romanized title, and fans type "jigeum uri" anyway.
                roman = fold_words(romanize(" ".join(words))).split()
                if roman and not has_hangul("".join(roman)):
                    key, starts = _key(roman)
                    keys.append((self._text, key, starts, True))
        else:
            key, starts = _key(words)
            keys.append((self._text, key, starts, False))
        ids = self._by_ref.setdefault((name.ref, kind_group(name.kind)), [])
        for space, key, starts, derived in keys:
            entry = _Entry(name, key, starts, space, derived)
            if self._free:
                entry_id = self._free.pop()
                self._entries[entry_id] = entry
            else:
                entry_id = len(self._entries)
                self._entries.append(entry)
            ids.append(entry_id)
            space.add(entry_id, entry, bulk=bulk)

    # -- search ------------------------------------------------------------------------

    def search(
        self, query: str, *, kinds: frozenset[str] | None = None, limit: int = 25
    ) -> list[Match]:
        """Best matches for query, best first, one per show or actor; [] for an empty query."""
        if limit <= 0:
            return []
        q = search_key(query)
        if not q:
            return []
        found: dict[tuple[int, str], tuple[float, _Entry]] = {}
        space = self._initials if is_initials(q) else self._text
        self._prefixes(space, q, kinds, limit, found)
        if len(found) < limit:
            self._word_prefixes(space, q, kinds, found)
        if len(found) < limit and space.grams is not None and len(q) >= 3:
            self._fuzzy(space, q, kinds, found)
        ranked = sorted(
            found.values(),
            key=lambda hit: (-hit[0], len(hit[1].name.text), hit[1].name.text, hit[1].name.ref),
        )
        return [
            Match(entry.name.ref, entry.name.kind, entry.name.text, round(score, 2))
            for score, entry in ranked[:limit]
        ]

    def _offer(
        self,
        found: dict[tuple[int, str], tuple[float, _Entry]],
        score: float,
        entry: _Entry,
    ) -> None:
        slot = (entry.name.ref, entry.group)
        best = found.get(slot)
        if best is None or score > best[0]:
            found[slot] = (score, entry)
        elif score == best[0] and _preference(entry) < _preference(best[1]):
            # Same score through two names: show the one fans typed over the derived one,
            # then the shorter, whatever order the index happens to hold them in.
            found[slot] = (score, entry)

    def _prefixes(
        self,
        space: _Space,
        q: str,
        kinds: frozenset[str] | None,
        limit: int,
        found: dict[tuple[int, str], tuple[float, _Entry]],
    ) -> None:
        lo = bisect_left(space.keys, q)
        hi = bisect_left(space.keys, q + _TOP, lo)
        if lo == hi:
            return
        entries = self._entries
        n = len(q)
        if hi - lo <= _SCAN_LIMIT:
            ordered: Iterable[int] = space.ids[lo:hi]
            bounded = False
        else:
            # Typing the first letter matches a good part of the catalog; the best prefix
            # matches are the shortest names, so walk the range shortest first and stop.
            cached = space.by_length.get(q)
            if cached is None:
                cached = sorted(space.ids[lo:hi], key=lambda i: len(entries[i].key))  # type: ignore[union-attr]
                space.by_length[q] = cached
            ordered = cached
            bounded = True
        stop_at = -1
        for entry_id in ordered:
            entry = entries[entry_id]
            assert entry is not None
            size = len(entry.key)
            if bounded and size > stop_at >= 0:
                break
            if kinds is not None and entry.name.kind not in kinds:
                continue
            score = 100.0 if size == n else _PREFIX + _TIER_SPAN * n / size
            self._offer(found, score, entry)
            if bounded and stop_at < 0 and len(found) >= limit:
                stop_at = size  # keep names of this length too, so ties break by text

    def _word_prefixes(
        self,
        space: _Space,
        q: str,
        kinds: frozenset[str] | None,
        found: dict[tuple[int, str], tuple[float, _Entry]],
    ) -> None:
        posting = space.word_starts.get(q[:3])
        if not posting:
            return
        entries = self._entries
        n = len(q)
        for entry_id in posting:
            entry = entries[entry_id]
            assert entry is not None
            if kinds is not None and entry.name.kind not in kinds:
                continue
            key = entry.key
            for at in entry.starts[1:]:
                if key.startswith(q, at):
                    self._offer(found, _WORD + _TIER_SPAN * n / len(key), entry)
                    break

    def _fuzzy(
        self,
        space: _Space,
        q: str,
        kinds: frozenset[str] | None,
        found: dict[tuple[int, str], tuple[float, _Entry]],
    ) -> None:
        assert space.grams is not None
        entries = self._entries
        candidates: set[int] = set()
        grams = {q[i : i + 3] for i in range(len(q) - 2)}
        postings = [p for g in grams if (p := space.grams.get(g))]
        if postings:
            counts = Counter(chain.from_iterable(postings))
            # A typo spoils at most three trigrams; ask for a third of them in common.
            need = max(1, -(-len(grams) // 3))
            hits = [e for e, c in counts.items() if c >= need]
            if len(hits) > _FUZZY_MAX_CANDIDATES:
                hits = [e for e, _ in counts.most_common(_FUZZY_MAX_CANDIDATES)]
            candidates.update(hits)
        # Short words with a typo share no trigram ("sqiud"/"squid"); the first two
        # letters are rarely the wrong ones, so also try names starting like the query.
        head = q[:2]
        lo = bisect_left(space.keys, head)
        hi = bisect_left(space.keys, head + _TOP, lo)
        if 0 < hi - lo <= _SHORT_PREFIX_CANDIDATES:
            candidates.update(space.ids[lo:hi])
        n = len(q)
        for entry_id in candidates:
            entry = entries[entry_id]
            assert entry is not None
            if kinds is not None and entry.name.kind not in kinds:
                continue
            key = entry.key
            if q in key:
                self._offer(found, _INFIX + _TIER_SPAN * n / len(key), entry)
                continue
            score = ratio(q, key, score_cutoff=_FUZZY_CUTOFF)
            if len(key) > n + 1:
                # The user may still be typing: compare with the start of the name too,
                # one letter longer or not (a letter left out, or one typed wrong).
                head_score = max(ratio(q, key[:n]), ratio(q, key[: n + 1]))
                score = max(score, _PREFIX_FUZZY_PENALTY * head_score)
            if score >= _FUZZY_CUTOFF:
                self._offer(found, _FUZZY_SCALE * score, entry)


def _preference(entry: _Entry) -> tuple[bool, int, str, str]:
    return (entry.derived, len(entry.name.text), entry.name.text, entry.name.kind)


def _consonants(text: str) -> str:
    return "".join(ch for ch in text if is_initials(ch))
