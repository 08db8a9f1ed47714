"""In-memory search over show titles and actor names, for autocomplete and /search.

Every name is folded (case, accents, punctuation) and Hangul is spelled as jamo, so a
syllable still being typed is a prefix of the finished one. A name is found under up to
three keys: its folded text, the initial consonants of its Hangul (ㅈㄱㅇㄹ), and for
Korean titles a derived Revised Romanization. A search tries, in order and scored in
tiers: prefixes of whole keys (bisect in a sorted list), word starts and substrings
(str.find over all keys joined in one string), then close spellings (rapidfuzz over the
names that start like the query or share its words). The work of building runs as whole-
catalog string passes in C (str.translate, re.sub), so 100,000 names index in well under
half a second; see bench/bench_search.py.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, compress
from operator import attrgetter, not_

from rapidfuzz import process
from rapidfuzz.fuzz import ratio

from kdrama.hangul import (
    COMPATIBILITY_TABLE,
    SYLLABLE_RE,
    decompose,
    has_hangul,
    initials,
    is_initials,
    romanize_many,
)
from kdrama.models import Name

log = logging.getLogger(__name__)

SHOW_KINDS = frozenset({"title", "korean", "romanized", "alias"})
ACTOR_KINDS = frozenset({"actor"})
ALL_KINDS = SHOW_KINDS | ACTOR_KINDS


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
# "crash landng" vs the start of "crash landing on you" 91; unrelated names stay below.
_FUZZY_CUTOFF = 72.0
_HEAD_PENALTY = 0.95  # a typo in what is typed so far is a little less sure than in the whole
_SCAN_LIMIT = 256  # prefix ranges larger than this are walked shortest name first
_INFIX_LIMIT = 600  # occurrences looked at inside names; more means the query is too common
_FUZZY_CANDIDATES = 1000  # names scored by rapidfuzz at most, per query and source
# A romanization we derived ranks a little below a name someone typed in: "ha" should offer
# "Hanna" before 해 (hae), though both start with it.
_DERIVED_PENALTY = 1.0
_ENOUGH_EXACT = 10  # names found without typos after which close spellings are not sought
_COMMON_WORD = 5000  # a word in more keys than this ("the", "kim") says too little
_CACHE_SIZE = 4096  # prefixes whose shortest-first order is kept
_TOP = "\U0010ffff"  # sorts after every key: q + _TOP bounds the keys starting with q

# Entry flavours: the folded text of the name, its derived romanization, its initials.
_TEXT, _ROMAN, _INITIALS = 0, 1, 2

_APOSTROPHES = "'’‘`´ʼ"  # deleted: "It's" -> "its", not "it s"
_NON_WORD = re.compile(r"(?:[^\w\n]|_)+")
_EDGE_SPACES = re.compile(r" *\n *")
_NOT_CONSONANT = re.compile("[^\u3131-\u314e \n]+")
_SPACES = re.compile(" {2,}")


def _fold_tables() -> tuple[dict[int, str | None], dict[int, str | None]]:
    # str.translate with a table is a C loop, dozens of times faster over a whole catalog
    # than a regular expression, so folding is done by tables where it can be.
    ascii_table: dict[int, str | None] = {}
    for code in range(128):
        char = chr(code).lower()
        if char.isalnum() or char == "\n":
            ascii_table[code] = char
        else:
            ascii_table[code] = None if char in _APOSTROPHES else " "
    # After NFKC and casefold: accented Latin letters lose their accents (é -> e; NFD of
    # the whole text would also take Hangul apart), stray combining marks go, and the
    # conjoining jamo NFKC makes of typed jamo become typed jamo again.
    wide_table: dict[int, str | None] = {code: ascii_table[code] for code in range(128)}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))
        if len(base) > 1 and base[0].isascii() and base[0].isalpha():
            wide_table[code] = base[0].lower()
    # Letters NFD leaves whole, as people type them on an English keyboard.
    for letter, plain in {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}.items():
        wide_table[ord(letter)] = plain
    for code in range(0x300, 0x370):
        wide_table[code] = None
    for char in _APOSTROPHES:
        wide_table[ord(char)] = None
    wide_table.update(COMPATIBILITY_TABLE)
    return ascii_table, wide_table


_ASCII_FOLD, _WIDE_FOLD = _fold_tables()


def _fold_block(block: str) -> str:
    """Fold newline-separated texts in one go (C-speed string ops over the whole block)."""
    if block.isascii():
        block = block.translate(_ASCII_FOLD)
    else:
        block = unicodedata.normalize("NFKC", block).casefold().translate(_WIDE_FOLD)
        if not block.replace(" ", "").replace("\n", "").isalnum():
            # Some punctuation beyond ASCII is left (…, ·, 「」): only those lines need
            # the slower Unicode-aware expression.
            block = "\n".join(
                line if line.replace(" ", "").isalnum() else _NON_WORD.sub(" ", line)
                for line in block.split("\n")
            )
    block = _SPACES.sub(" ", block)
    return block.replace(" \n", "\n").replace("\n ", "\n").strip(" ")


def _fold_many(texts: Sequence[str]) -> list[str]:
    if not texts:
        return []
    folded = _fold_block("\n".join(texts)).split("\n")
    if len(folded) != len(texts):  # a text held a line break of its own
        folded = [_fold_block(" ".join(text.splitlines())) for text in texts]
    return folded


def fold_words(text: str) -> str:
    """Fold text for matching: lower case, no accents or punctuation, single spaces."""
    return _fold_block(" ".join(text.splitlines()))


def normalize(text: str) -> str:
    """Compact fold for comparing names: lower case, no accents, punctuation or spaces."""
    return fold_words(text).replace(" ", "")


def _initials_many(folded: list[str]) -> list[str]:
    """Initial consonants of each word of folded Hangul texts, words without any dropped."""
    if not folded:
        return []
    block = _NOT_CONSONANT.sub("", initials("\n".join(folded)))
    return _EDGE_SPACES.sub("\n", _SPACES.sub(" ", block)).strip(" ").split("\n")


def _compact(key: str) -> str:
    return key.replace(" ", "")


class _Space:
    """Keys in one alphabet (text and romanization, or initial consonants).

    A key is the folded name with its word breaks ("crash landing on you"); keys are kept
    sorted as if they had no spaces, so bisect finds "crashlan" and "crash lan" alike.
    """

    def __init__(self, keys: list[str], ids: list[int]) -> None:
        order = sorted(range(len(keys)), key="\n".join(keys).replace(" ", "").split("\n").__getitem__)
        self.keys = list(map(keys.__getitem__, order))
        self.ids = array("i", map(ids.__getitem__, order))  # entry id of each key
        self.by_length: dict[str, list[int]] = {}  # large prefix ranges, shortest key first
        self._blob = ""  # every key, newline-separated, for substring search
        self._starts = array("i")  # where each key starts in the blob
        self._stale = True

    def insert(self, key: str, entry_id: int) -> None:
        at = bisect_right(self.keys, _compact(key), key=_compact)
        self.keys.insert(at, key)
        self.ids.insert(at, entry_id)
        self.changed()

    def delete(self, key: str, entry_id: int) -> None:
        at = bisect_left(self.keys, _compact(key), key=_compact)
        while self.ids[at] != entry_id:
            at += 1
        del self.keys[at]
        del self.ids[at]
        self.changed()

    def changed(self) -> None:
        self.by_length.clear()
        self._stale = True

    def range(self, prefix: str) -> tuple[int, int]:
        """Positions lo:hi of the keys that start with prefix (spaces ignored)."""
        keys = self.keys
        lo = bisect_left(keys, prefix, key=_compact)
        return lo, bisect_left(keys, prefix + _TOP, lo, key=_compact)

    def shortest_first(self, prefix: str, lo: int, hi: int) -> list[int]:
        """Entry ids of keys lo:hi, shortest key first (cached: the same letters recur)."""
        ordered = self.by_length.get(prefix)
        if ordered is None:
            ids = self.ids[lo:hi].tolist()
            lengths = [len(key) - key.count(" ") for key in self.keys[lo:hi]]
            ordered = [ids[i] for i in sorted(range(len(ids)), key=lengths.__getitem__)]
            if len(self.by_length) >= _CACHE_SIZE:
                self.by_length.clear()
            self.by_length[prefix] = ordered
        return ordered

    def refresh(self) -> None:
        """Rebuild the substring index if keys changed since it was built."""
        if self._stale:
            # Rebuilt lazily: after a curator edit the next search inside names pays it
            # (a few tens of ms for 100,000 names).
            self._blob = "\n".join(self.keys)
            self._starts = array("i", accumulate((len(k) + 1 for k in self.keys), initial=0))
            self._stale = False

    def occurrences(self, q: str, limit: int) -> Iterable[tuple[int, bool]]:
        """(position in keys, at a word start) of q inside keys, not at their very start."""
        self.refresh()
        blob, starts = self._blob, self._starts
        found = 0
        at = blob.find(q, 1)
        while at >= 0 and found < limit:
            before = blob[at - 1]
            if before != "\n":
                found += 1
                yield bisect_right(starts, at) - 1, before == " "
            at = blob.find(q, at + 1)


class SearchIndex:
    """Finds shows and actors by any of their names, typo and Hangul aware."""

    def __init__(self, names: Iterable[Name] = ()) -> None:
        self._load(list(names))

    # -- building and updating -----------------------------------------------------------

    def _load(self, names: list[Name]) -> None:
        unknown = {name.kind for name in names} - ALL_KINDS
        if unknown:
            raise ValueError(f"unknown name kinds {sorted(unknown)}")
        text, initial, roman = self._keyed(names)
        # Entry ids: text keys first, then initials, then romanizations.
        entry_names: list[Name | None] = [*text[0], *initial[0], *roman[0]]
        keys = [*text[1], *initial[1], *roman[1]]
        n_text, n_initial = len(text[0]), len(initial[0])
        self._names = entry_names  # entry id -> the name it finds
        self._keys: list[str | None] = list(keys)  # entry id -> its key, shared with a space
        flavours = bytearray(n_text)
        flavours += bytes([_INITIALS]) * n_initial + bytes([_ROMAN]) * len(roman[0])
        self._flavours = flavours  # entry id -> _TEXT, _ROMAN or _INITIALS
        self._free: list[int] = []
        self._slots: dict[int, list[int]] | None = None  # ref * 2 + is_actor -> entry ids
        self._words: dict[str, array[int]] | None = None  # word -> entry ids, for typos
        text_ids = [*range(n_text), *range(n_text + n_initial, len(keys))]
        self._text = _Space([*text[1], *roman[1]], text_ids)
        self._initials = _Space(initial[1], list(range(n_text, n_text + n_initial)))

    @staticmethod
    def _keyed(names: Sequence[Name]) -> tuple[_Keyed, _Keyed, _Keyed]:
        """The names and their keys: folded text, initial consonants, romanization."""
        texts = list(map(_TEXT_OF, names))
        is_ascii = list(map(str.isascii, texts))
        is_other = list(map(not_, is_ascii))
        text_names = list(compress(names, is_ascii)) + list(compress(names, is_other))
        other_names = text_names[sum(is_ascii) :]
        folded = _fold_many(list(compress(texts, is_other)))
        text_keys = _fold_many(list(compress(texts, is_ascii)))
        text_keys += decompose("\n".join(folded)).split("\n") if folded else []
        # Which non-ASCII names hold Hangul syllables: they get initials and, for shows,
        # a romanization (many shows have no romanized title, and fans type "jigeum").
        has = list(map(SYLLABLE_RE.search, folded))
        hangul_names = list(compress(other_names, has))
        hangul_folded = list(compress(folded, has))
        initial_keys = _initials_many(hangul_folded)
        is_title = [kind != "actor" for kind in map(_KIND_OF, hangul_names)]
        title_names = list(compress(hangul_names, is_title))
        roman_keys = romanize_many(list(compress(hangul_folded, is_title)))
        roman_ok = list(map(str.isascii, roman_keys))
        return (
            _typable(text_names, text_keys),
            _typable(hangul_names, initial_keys),
            _typable(list(compress(title_names, roman_ok)), list(compress(roman_keys, roman_ok))),
        )

    def _by_slot(self) -> dict[int, list[int]]:
        # Built on the first edit only: start-up and searches never need it.
        if self._slots is None:
            slots: dict[int, list[int]] = {}
            for entry_id, name in enumerate(self._names):
                if name is not None:
                    slots.setdefault(_slot(name), []).append(entry_id)
            self._slots = slots
        return self._slots

    def add(self, names: Iterable[Name]) -> None:
        """Add names to the index (use set_names to replace a ref's names)."""
        names = list(names)
        unknown = {name.kind for name in names} - ALL_KINDS
        if unknown:
            raise ValueError(f"unknown name kinds {sorted(unknown)}")
        slots = self._by_slot()
        text, initial, roman = self._keyed(names)
        for name, flavour, key in chain(
            ((name, _TEXT, key) for name, key in zip(*text, strict=True)),
            ((name, _INITIALS, key) for name, key in zip(*initial, strict=True)),
            ((name, _ROMAN, key) for name, key in zip(*roman, strict=True)),
        ):
            if self._free:
                entry_id = self._free.pop()
                self._names[entry_id], self._keys[entry_id] = name, key
                self._flavours[entry_id] = flavour
            else:
                entry_id = len(self._names)
                self._names.append(name)
                self._keys.append(key)
                self._flavours.append(flavour)
            slots.setdefault(_slot(name), []).append(entry_id)
            space = self._initials if flavour == _INITIALS else self._text
            space.insert(key, entry_id)
            if self._words is not None and flavour != _INITIALS:
                for word in set(key.split(" ")):
                    self._words.setdefault(word, array("i")).append(entry_id)

    def set_names(self, kinds: Iterable[str], ref: int, names: Iterable[Name]) -> None:
        """Replace every name of ref within kinds by names (after a curator edit)."""
        kinds = frozenset(kinds)
        new = list(names)
        for name in new:
            if name.ref != ref or name.kind not in kinds:
                raise ValueError(f"{name!r} is not a {sorted(kinds)} name of ref {ref}")
        slots = self._by_slot()
        current = set()
        for is_actor in {kind == "actor" for kind in kinds}:
            for entry_id in slots.get(ref * 2 + is_actor, ()):
                name = self._names[entry_id]
                if name is not None and name.kind in kinds:
                    current.add(name)
        if current == set(new):
            return  # refreshing every person after an edit mostly finds nothing changed
        self.remove(ref, kinds)
        self.add(new)

    def remove(self, ref: int, kinds: Iterable[str]) -> None:
        """Forget every name of ref within kinds."""
        kinds = frozenset(kinds)
        slots = self._by_slot()
        for is_actor in {kind == "actor" for kind in kinds}:
            slot = ref * 2 + is_actor
            entry_ids = slots.get(slot)
            if not entry_ids:
                continue
            keep: list[int] = []
            for entry_id in entry_ids:
                name, key = self._names[entry_id], self._keys[entry_id]
                assert name is not None and key is not None
                if name.kind not in kinds:
                    keep.append(entry_id)
                    continue
                flavour = self._flavours[entry_id]
                space = self._initials if flavour == _INITIALS else self._text
                space.delete(key, entry_id)
                if self._words is not None and flavour != _INITIALS:
                    for word in set(key.split(" ")):
                        posting = self._words[word]
                        posting.remove(entry_id)
                        if not posting:
                            del self._words[word]
                self._names[entry_id] = self._keys[entry_id] = None
                self._free.append(entry_id)
            if keep:
                slots[slot] = keep
            else:
                del slots[slot]

    def replace_kinds(self, kinds: Iterable[str], names: Iterable[Name]) -> None:
        """Replace every name of the given kinds at once (e.g. all actors after an import)."""
        kinds = frozenset(kinds)
        new = list(names)
        for name in new:
            if name.kind not in kinds:
                raise ValueError(f"{name!r} is not one of {sorted(kinds)}")
        kept = [
            name
            for name, flavour in zip(self._names, self._flavours, strict=True)
            if name is not None and flavour == _TEXT and name.kind not in kinds
        ]
        self._load(kept + new)

    def prepare(self) -> None:
        """Build now what the first searches would build (substring index, word map)."""
        # Worth calling once after start-up, outside any interaction: the first typo
        # would otherwise pay ~0.15 s for 100,000 names.
        self._text.refresh()
        self._initials.refresh()
        self._word_map()

    # -- searching -----------------------------------------------------------------------

    def search(self, query: str, *, kinds: frozenset[str] | None = None, limit: int = 25) -> list[Match]:
        """Best matches for query, best first, one per show or actor; [] for an empty query."""
        if limit <= 0:
            return []
        folded = fold_words(query)
        spaced = decompose(folded) if has_hangul(folded) else folded
        q = spaced.replace(" ", "")
        if not q:
            return []
        found: dict[int, tuple[float, int]] = {}  # slot -> (score, entry id)
        space = self._initials if is_initials(q) else self._text
        self._prefixes(space, q, kinds, limit, found)
        if len(found) < limit and len(q) >= 2:
            self._inside(space, q, spaced, kinds, found)
        # Close spellings are only worth a look when the exact ways found few names, and
        # none by its whole name.
        if (
            len(found) < min(limit, _ENOUGH_EXACT)
            and len(q) >= 3
            and space is self._text
            and all(score < 100.0 for score, _ in found.values())
        ):
            self._fuzzy(space, q, spaced, kinds, found)
        names = self._names
        ranked = sorted(
            (-score, len(name.text), name.text, name.ref, name.kind)
            for score, entry_id in found.values()
            if (name := names[entry_id]) is not None
        )
        return [Match(ref, kind, text, round(-score, 2)) for score, _, text, ref, kind in ranked[:limit]]

    def _offer(self, found: dict[int, tuple[float, int]], score: float, entry_id: int, name: Name) -> None:
        if self._flavours[entry_id] == _ROMAN:
            score -= _DERIVED_PENALTY
        slot = name.ref * 2 + (name.kind == "actor")
        best = found.get(slot)
        if best is None or score > best[0]:
            found[slot] = (score, entry_id)
        elif score == best[0] and self._preference(entry_id) < self._preference(best[1]):
            # Same score through two names: show the one fans typed over the derived one,
            # then the shorter, whatever order the index happens to hold them in.
            found[slot] = (score, entry_id)

    def _preference(self, entry_id: int) -> tuple[bool, int, str, str]:
        name = self._names[entry_id]
        assert name is not None
        return (self._flavours[entry_id] == _ROMAN, len(name.text), name.text, name.kind)

    def _prefixes(
        self,
        space: _Space,
        q: str,
        kinds: frozenset[str] | None,
        limit: int,
        found: dict[int, tuple[float, int]],
    ) -> None:
        lo, hi = space.range(q)
        if lo == hi:
            return
        names, keys, offer = self._names, self._keys, self._offer
        n = len(q)
        if hi - lo <= _SCAN_LIMIT:
            for entry_id in space.ids[lo:hi]:
                name, key = names[entry_id], keys[entry_id]
                assert name is not None and key is not None
                if kinds is None or name.kind in kinds:
                    size = len(key) - key.count(" ")
                    offer(found, 100.0 if size == n else _PREFIX + _TIER_SPAN * n / size, entry_id, name)
            return
        # The first letters typed match a good part of the catalog; the best prefix
        # matches are the shortest keys, so walk the range shortest first and stop early.
        stop_at = -1
        for entry_id in space.shortest_first(q, lo, hi):
            name, key = names[entry_id], keys[entry_id]
            assert name is not None and key is not None
            size = len(key) - key.count(" ")
            if size > stop_at >= 0:
                break
            if kinds is not None and name.kind not in kinds:
                continue
            offer(found, 100.0 if size == n else _PREFIX + _TIER_SPAN * n / size, entry_id, name)
            if stop_at < 0 and len(found) >= limit:
                stop_at = size  # keep keys of this length too, so ties break by text

    def _inside(
        self,
        space: _Space,
        q: str,
        spaced: str,
        kinds: frozenset[str] | None,
        found: dict[int, tuple[float, int]],
    ) -> None:
        # Searched with the query's own word breaks: "landing on" is the start of a word
        # of "crash landing on you"; "anding" is inside one.
        names, ids, keys = self._names, space.ids, space.keys
        n = len(q)
        # Two letters inside a word match almost anything: look for them at a word start.
        needle = spaced if n >= 3 else " " + spaced
        for position, at_word in space.occurrences(needle, _INFIX_LIMIT):
            entry_id = ids[position]
            name = names[entry_id]
            assert name is not None
            if kinds is not None and name.kind not in kinds:
                continue
            key = keys[position]
            size = len(key) - key.count(" ")
            base = _WORD if at_word or needle[0] == " " else _INFIX
            self._offer(found, base + _TIER_SPAN * n / size, entry_id, name)

    def _fuzzy(
        self,
        space: _Space,
        q: str,
        spaced: str,
        kinds: frozenset[str] | None,
        found: dict[int, tuple[float, int]],
    ) -> None:
        candidates = self._fuzzy_candidates(space, q, spaced)
        if not candidates:
            return
        n = len(q)
        all_keys = self._keys
        keys = [all_keys[entry_id].replace(" ", "") for entry_id in candidates]  # type: ignore[union-attr]
        scores: dict[int, float] = {}
        for _, score, i in process.extract(
            q, keys, scorer=ratio, processor=None, score_cutoff=_FUZZY_CUTOFF, limit=None
        ):
            scores[i] = score
        # The fan may still be typing: compare with the start of each name too, as long
        # as what was typed, and for short queries one letter longer (a letter left out
        # weighs more in "sqid" than in "crash landng").
        for head in (n, n + 1) if n < 8 else (n,):
            heads = [key[:head] for key in keys]
            for _, score, i in process.extract(
                q, heads, scorer=ratio, processor=None, score_cutoff=_FUZZY_CUTOFF, limit=None
            ):
                score *= _HEAD_PENALTY
                if score >= _FUZZY_CUTOFF and score > scores.get(i, 0.0):
                    scores[i] = score
        names = self._names
        for i, score in scores.items():
            entry_id = candidates[i]
            name = names[entry_id]
            assert name is not None
            if kinds is None or name.kind in kinds:
                self._offer(found, _FUZZY_SCALE * score, entry_id, name)

    def _fuzzy_candidates(self, space: _Space, q: str, spaced: str) -> list[int]:
        """Entry ids worth scoring for a query that may hold a typo."""
        candidates: list[int] = []
        # Fans rarely get the first letters wrong: the names that start like the query,
        # with the longest start that still leaves a manageable number of names.
        for size in range(1, min(len(q), 4)):
            lo, hi = space.range(q[:size])
            if hi - lo <= _FUZZY_CANDIDATES:
                candidates = space.ids[lo:hi].tolist()
                break
        # A typo seldom spoils every word: the names sharing the query's other words,
        # those sharing the most first ("mi hee won" finds "min hee won" by hee and won).
        words = self._word_map()
        postings = [
            posting
            for word in set(spaced.split(" "))
            if len(word) >= 2 and (posting := words.get(word)) is not None and len(posting) <= _COMMON_WORD
        ]
        if postings:
            need = max(1, len(postings) - 1)
            counts = Counter(chain.from_iterable(postings))
            shared = [entry_id for entry_id, count in counts.items() if count >= need]
            if len(shared) > _FUZZY_CANDIDATES:
                shared = [entry_id for entry_id, _ in counts.most_common(_FUZZY_CANDIDATES)]
            candidates = list({*candidates, *shared})
        return candidates

    def _word_map(self) -> dict[str, array[int]]:
        """Word -> entry ids of the keys holding it (built on the first fuzzy search)."""
        if self._words is None:
            words: dict[str, array[int]] = {}
            for entry_id, key in enumerate(self._keys):
                if key is not None and self._flavours[entry_id] != _INITIALS:
                    for word in set(key.split(" ")):
                        posting = words.get(word)
                        if posting is None:
                            words[word] = array("i", (entry_id,))
                        else:
                            posting.append(entry_id)
            self._words = words
        return self._words


_Keyed = tuple[list[Name], list[str]]
_TEXT_OF = attrgetter("text")
_KIND_OF = attrgetter("kind")


def _typable(names: list[Name], keys: list[str]) -> _Keyed:
    """Drop names whose key is empty (made only of punctuation: nobody can type them)."""
    if "" not in keys:
        return names, keys
    kept = [(name, key) for name, key in zip(names, keys, strict=True) if key]
    return [name for name, _ in kept], [key for _, key in kept]


def _slot(name: Name) -> int:
    # One int per (ref, group): cheaper than a tuple in a dict of 70,000 people and shows.
    return name.ref * 2 + (name.kind == "actor")
