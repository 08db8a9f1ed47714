"""In-memory search over show titles and actor names, for autocomplete and /search.

Every name is folded (case, accents, punctuation) and Hangul is spelled as jamo, so a
syllable still being typed is a prefix of the finished one. A name is found under up to
three keys: its folded text, the initial consonants of its Hangul (ㅈㄱㅇㄹ), and for
Korean titles a derived Revised Romanization. A search tries, in order and scored in
tiers: prefixes of whole keys (bisect over the sorted keys), word starts and substrings
(str.find over all keys joined in one string), then close spellings (rapidfuzz over the
names that start like the query or share its words). The work of building runs as whole-
catalog string passes in C (str.translate, re.sub), so 100,000 names index in about half
a second; see bench/bench_search.py. The index is dense (kdrama/keyspace.py and the
parallel arrays of SearchIndex): about 130 bytes a name, keys and word index included,
and no Python object per name.
"""

from __future__ import annotations

import heapq
import logging
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, compress
from operator import attrgetter, not_

from kdrama.hangul import (
    COMPATIBILITY_TABLE,
    SYLLABLE_RE,
    decompose,
    has_hangul,
    initials,
    is_initials,
    romanize_many,
)
from kdrama.keyspace import KeySpace, encode
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
_SORT_RUN = 16384  # entries sorted in one C call when ordering them by show
_COMMON_WORD = 5000  # a word in more keys than this ("the", "kim") says too little

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


def search_form(query: str) -> str:
    """What a search looks for: the query folded, Hangul spelled in jamo (its words kept).

    Two queries of the same form get the same answer: "가" and "ㄱㅏ", "The B" and "the b".
    """
    folded = fold_words(query)
    return decompose(folded) if has_hangul(folded) else folded


def load_fuzzy() -> None:
    """Import what close spellings need (rapidfuzz): 2.6 MiB and ~5 ms, not left to a fan's typo.

    Not at import: `bot.py ask`, the tests and the loading child do without it, and the bot
    takes it once its catalog is loaded, when it no longer adds to the peak of the start.
    """
    import rapidfuzz.fuzz
    import rapidfuzz.process  # noqa: F401


class SearchIndex:
    """Finds shows and actors by any of their names, typo and Hangul aware.

    Dense: an entry (one key of one name) is a row of parallel arrays (ref, kind, flavour,
    where its display text is), the display texts share one string, and keys live only in
    the packed spaces; the names given to it are not kept. Edits go to small spaces of
    their own, rebuilt on the next search; removed entries are marked dead where they are.
    """

    def __init__(self, names: Iterable[Name] | NameColumns = ()) -> None:
        """Index names: pass `handed_over(a_list)` to let each Name go once it is read, or
        NameColumns filled batch by batch to have no Name at all."""
        self._load(names)

    # -- building and updating -----------------------------------------------------------

    def _load(self, names: Iterable[Name] | NameColumns) -> None:
        refs, kinds, texts = names.take() if isinstance(names, NameColumns) else _columns(names)
        del names
        (text_rows, text_keys), (initial_rows, initial_keys), (roman_rows, roman_keys) = self._keyed(
            kinds, texts
        )
        # Display texts: one string, each text once (all keys of a name point at it).
        self._text_blob = "".join(map(texts.__getitem__, text_rows))
        at_row = array("i", bytes(4 * len(texts)))  # row -> where its text starts
        for row, start in zip(
            text_rows, accumulate(map(len, map(texts.__getitem__, text_rows)), initial=0), strict=False
        ):
            at_row[row] = start
        rows = text_rows + initial_rows + roman_rows  # entry id -> row
        self._refs = array("q", map(refs.__getitem__, rows))  # entry id -> ref
        self._kinds = bytearray(map(kinds.__getitem__, rows))  # _DEAD once removed
        self._flavours = bytearray(len(text_rows))  # entry id -> _TEXT, _ROMAN or _INITIALS
        self._flavours += bytes([_INITIALS]) * len(initial_rows) + bytes([_ROMAN]) * len(roman_rows)
        self._text_at = array("i", map(at_row.__getitem__, rows))  # or ~i in _extra_texts
        self._text_len = array("i", map(len, map(texts.__getitem__, rows)))
        del rows, at_row, refs, kinds, texts
        self._extra_texts: list[str] = []  # display texts of entries added after the build
        self._slots: array[int] | None = None  # built on the first edit (see _by_slot)
        self._slot_order = array("i")
        n_text, n_initial = len(text_rows), len(initial_rows)
        self._n_base = n = len(self._refs)
        del text_rows, initial_rows, roman_rows
        # The smaller space first, its keys freed before the larger is sorted (the peak).
        initial_space = KeySpace(initial_keys, range(n_text, n_text + n_initial))
        del initial_keys
        text_keys += roman_keys
        del roman_keys
        text_ids = array("i", range(n_text)) + array("i", range(n_text + n_initial, n))
        self._base = (KeySpace(text_keys, text_ids), initial_space)
        # Entries added since the build, per alphabet: entry id -> key; their spaces are
        # rebuilt on the next search after a change. Added entries of each slot.
        self._added: tuple[dict[int, str], dict[int, str]] = ({}, {})
        self._edits: tuple[KeySpace, KeySpace] | None = (KeySpace([], []), KeySpace([], []))
        self._added_slots: dict[int, list[int]] = {}

    @staticmethod
    def _keyed(kinds: bytearray, texts: list[str]) -> tuple[_Keyed, _Keyed, _Keyed]:
        """Rows (positions in the columns) and their keys, by flavour.

        Folded text, initial consonants, romanization; the rows are array('i') so that a
        catalog's worth of them costs 4 bytes each.
        """
        is_ascii = list(map(str.isascii, texts))
        is_other = list(map(not_, is_ascii))
        every = range(len(texts))
        text_rows = array("i", compress(every, is_ascii))
        text_rows += array("i", compress(every, is_other))
        other_rows = text_rows[len(text_rows) - sum(is_other) :]
        folded = _fold_many(list(compress(texts, is_other)))
        text_keys = _fold_many(list(compress(texts, is_ascii)))
        del is_ascii, is_other
        text_keys += decompose("\n".join(folded)).split("\n") if folded else []
        # Which non-ASCII names hold Hangul syllables: they get initials and, for shows,
        # a romanization (many shows have no romanized title, and fans type "jigeum").
        has = list(map(SYLLABLE_RE.search, folded))
        hangul_rows = array("i", compress(other_rows, has))
        hangul_folded = list(compress(folded, has))
        del folded, has
        initial_keys = _initials_many(hangul_folded)
        is_title = [kinds[row] != _ACTOR for row in hangul_rows]
        title_rows = array("i", compress(hangul_rows, is_title))
        roman_keys = romanize_many(list(compress(hangul_folded, is_title)))
        del hangul_folded
        roman_ok = list(map(str.isascii, roman_keys))
        return (
            _typable(text_rows, text_keys),
            _typable(hangul_rows, initial_keys),
            _typable(array("i", compress(title_rows, roman_ok)), list(compress(roman_keys, roman_ok))),
        )

    def _text(self, entry_id: int) -> str:
        at = self._text_at[entry_id]
        if at < 0:
            return self._extra_texts[~at]
        return self._text_blob[at : at + self._text_len[entry_id]]

    def _by_slot(self) -> array[int]:
        """Slots of the built entries, sorted; _slot_order holds their entry ids."""
        # Built on the first edit only: start-up and searches never need it.
        if self._slots is None:
            slots = array("q", map(_slot_of, self._refs[: self._n_base], self._kinds[: self._n_base]))
            # Sorted in runs merged in Python, so no one C call holds the GIL for long: this
            # runs in the loading thread (prepare), and the event loop answers meanwhile.
            step = _SORT_RUN
            runs = [
                sorted(range(lo, min(lo + step, len(slots))), key=slots.__getitem__)
                for lo in range(0, len(slots), step)
            ]
            order = array("i", heapq.merge(*runs, key=slots.__getitem__))
            self._slot_order = order
            self._slots = array("q", map(slots.__getitem__, order))
        return self._slots

    def _entries_of(self, slot: int) -> list[int]:
        """Live entry ids of one (ref, group)."""
        slots = self._by_slot()
        lo = bisect_left(slots, slot)
        hi = bisect_right(slots, slot, lo)
        kinds = self._kinds
        found = [e for e in self._slot_order[lo:hi] if kinds[e] != _DEAD]
        found += self._added_slots.get(slot, ())
        return found

    def add(self, names: Iterable[Name]) -> None:
        """Add names to the index (use set_names to replace a ref's names)."""
        names = list(names)
        _, kinds, texts = _columns(names)
        text, initial, roman = self._keyed(kinds, texts)
        text_at: dict[int, int] = {}
        for row, flavour, key in chain(
            ((row, _TEXT, key) for row, key in zip(*text, strict=True)),
            ((row, _INITIALS, key) for row, key in zip(*initial, strict=True)),
            ((row, _ROMAN, key) for row, key in zip(*roman, strict=True)),
        ):
            name = names[row]
            at = text_at.get(row)
            if at is None:
                self._extra_texts.append(name.text)
                at = text_at[row] = ~(len(self._extra_texts) - 1)
            entry_id = len(self._refs)
            self._refs.append(name.ref)
            self._kinds.append(_KIND_CODE[name.kind])
            self._flavours.append(flavour)
            self._text_at.append(at)
            self._text_len.append(len(name.text))
            self._added_slots.setdefault(_slot(name), []).append(entry_id)
            self._added[flavour == _INITIALS][entry_id] = key
        self._edits = None

    def set_names(self, kinds: Iterable[str], ref: int, names: Iterable[Name]) -> None:
        """Replace every name of ref within kinds by names (after a curator edit)."""
        kinds = frozenset(kinds)
        new = list(names)
        for name in new:
            if name.ref != ref or name.kind not in kinds:
                raise ValueError(f"{name!r} is not a {sorted(kinds)} name of ref {ref}")
        current = set()
        for is_actor in {kind == "actor" for kind in kinds}:
            for entry_id in self._entries_of(ref * 2 + is_actor):
                kind = _KIND_NAMES[self._kinds[entry_id]]
                if kind in kinds:
                    current.add(Name(ref, kind, self._text(entry_id)))
        if current == set(new):
            return  # refreshing every person after an edit mostly finds nothing changed
        self.remove(ref, kinds)
        self.add(new)

    def remove(self, ref: int, kinds: Iterable[str]) -> None:
        """Forget every name of ref within kinds."""
        kinds = frozenset(kinds)
        codes = {_KIND_CODE[kind] for kind in kinds if kind in _KIND_CODE}
        for is_actor in {kind == "actor" for kind in kinds}:
            slot = ref * 2 + is_actor
            for entry_id in self._entries_of(slot):
                if self._kinds[entry_id] not in codes:
                    continue
                self._kinds[entry_id] = _DEAD  # a dead entry is skipped wherever it is met
                if entry_id >= self._n_base:
                    del self._added[self._flavours[entry_id] == _INITIALS][entry_id]
                    self._added_slots[slot].remove(entry_id)
                    if not self._added_slots[slot]:
                        del self._added_slots[slot]
                    self._edits = None

    def replace_kinds(self, kinds: Iterable[str], names: Iterable[Name]) -> None:
        """Replace every name of the given kinds at once (e.g. all actors after an import)."""
        kinds = frozenset(kinds)
        new = list(names)
        for name in new:
            if name.kind not in kinds:
                raise ValueError(f"{name!r} is not one of {sorted(kinds)}")
        kept = [
            Name(self._refs[entry_id], kind, self._text(entry_id))
            for entry_id, flavour in enumerate(self._flavours)
            if flavour == _TEXT
            and self._kinds[entry_id] != _DEAD
            and (kind := _KIND_NAMES[self._kinds[entry_id]]) not in kinds
        ]
        self._load(kept + new)

    def _spaces(self, alphabet: int) -> tuple[KeySpace, KeySpace]:
        """The built space of an alphabet (0 text, 1 initials) and the space of its edits."""
        edits = self._edits
        if edits is None:
            # Rebuilt after edits, on the next search: a few ms per thousand edited names.
            edits = self._edits = tuple(  # type: ignore[assignment]
                KeySpace(list(added.values()), list(added)) for added in self._added
            )
            assert edits is not None
        return self._base[alphabet], edits[alphabet]

    def first_keystrokes(self, longest: int = 2) -> list[str]:
        """Every start of one to `longest` letters of the names, as queries (search forms).

        What fans type first, and the slowest to answer: a letter or two matches a good
        part of the catalog. 625 at 10,000 shows (letters, Hangul jamo pairs such as
        "ㄱㅏ" for 가, initial consonants).
        """
        found: dict[str, None] = {}
        for alphabet in (0, 1):
            for space in self._spaces(alphabet):
                found.update(dict.fromkeys(space.starts(longest)))
        return list(found)

    def crowded_starts(self, limit: int = 25, shortest: int = 3) -> Iterator[str]:
        """Every start of `shortest` letters or more that more than `limit` keys begin with, as queries.

        The searches that walk the most keys, and so the slowest of those typed past the
        first keystrokes: "home", "백" (ㅂㅐㄱ), "cheons". 1,805 at 10,000 shows, of which
        1,692 fill a list with names that start with them (see prefix_answer). Found as
        they are read (KeySpace.crowded), from the spaces as they are now.
        """
        seen: set[str] = set()
        for alphabet in (0, 1):
            for space in self._spaces(alphabet):
                for start in space.crowded(limit):
                    if len(start) >= shortest and start not in seen:
                        seen.add(start)
                        yield start

    def prefix_answer(self, query: str, limit: int = 25) -> list[Match] | None:
        """search(query, limit=limit) if names starting with the query fill the list, else None.

        Then nothing else is searched, so the answer depends on the query's letters alone,
        not on its spaces: it is the answer to "my b" as to "myb", and can be kept by the
        query's letters (search_form without spaces) until the index changes.
        """
        q = search_form(query).replace(" ", "")
        if not q or limit <= 0:
            return None
        found: dict[int, tuple[float, int]] = {}
        for space in self._spaces(1 if is_initials(q) else 0):
            self._prefixes(space, q, _ALL_CODES, limit, found)
        if len(found) < limit:
            return None
        return self._best(found, limit)

    def prepare(self) -> None:
        """Build now what the first searches would build (the word index: typos, rare substrings)."""
        # Worth calling once after start-up, outside any interaction: the first typo
        # would otherwise pay ~0.15 s for 100,000 names.
        for space in self._spaces(0):
            space.prepare_words()
        # The first edit would otherwise sort every entry by show on the event loop (30 ms
        # at 10,000 shows, bench/bench_edits.py).
        self._by_slot()

    # -- searching -----------------------------------------------------------------------

    def search(self, query: str, *, kinds: frozenset[str] | None = None, limit: int = 25) -> list[Match]:
        """Best matches for query, best first, one per show or actor; [] for an empty query."""
        if limit <= 0:
            return []
        spaced = search_form(query)
        q = spaced.replace(" ", "")
        if not q:
            return []
        codes = _ALL_CODES if kinds is None else frozenset(_KIND_CODE[k] for k in kinds if k in _KIND_CODE)
        found: dict[int, tuple[float, int]] = {}  # slot -> (score, entry id)
        alphabet = 1 if is_initials(q) else 0
        spaces = self._spaces(alphabet)
        for space in spaces:
            self._prefixes(space, q, codes, limit, found)
        if len(found) < limit and len(q) >= 2:
            for space in spaces:
                self._inside(space, q, spaced, codes, found)
        # Close spellings are only worth a look when the exact ways found few names, and
        # none that starts with what was typed or has a word starting with it: then the fan
        # is typing a name right, and typos would only pad the list (and cost most of the
        # time of a keystroke, bench/bench_latency.py).
        if (
            len(found) < min(limit, _ENOUGH_EXACT)
            and len(q) >= 3
            and alphabet == 0
            and all(score < _WORD for score, _ in found.values())
        ):
            for space in spaces:
                self._fuzzy(space, q, spaced, codes, found)
        return self._best(found, limit)

    def _best(self, found: dict[int, tuple[float, int]], limit: int) -> list[Match]:
        """The best `limit` of found, best first."""
        best = list(found.values())
        if len(best) > limit:
            # Only names scoring at least the limit-th best score can make the list: the
            # others' texts (for breaking ties) need not be read.
            cutoff = heapq.nlargest(limit, [score for score, _ in best])[-1]
            best = [entry for entry in best if entry[0] >= cutoff]
        ranked = sorted(
            (-score, len(text), text, self._refs[entry_id], _KIND_NAMES[self._kinds[entry_id]])
            for score, entry_id in best
            if (text := self._text(entry_id)) is not None
        )
        return [Match(ref, kind, text, round(-score, 2)) for score, _, text, ref, kind in ranked[:limit]]

    def _offer(self, found: dict[int, tuple[float, int]], score: float, entry_id: int) -> None:
        if self._flavours[entry_id] == _ROMAN:
            score -= _DERIVED_PENALTY
        slot = self._refs[entry_id] * 2 + (self._kinds[entry_id] == _ACTOR)
        best = found.get(slot)
        if best is None or score > best[0]:
            found[slot] = (score, entry_id)
        elif score == best[0] and self._preference(entry_id) < self._preference(best[1]):
            # Same score through two names: show the one fans typed over the derived one,
            # then the shorter, whatever order the index happens to hold them in.
            found[slot] = (score, entry_id)

    def _preference(self, entry_id: int) -> tuple[bool, int, str, str]:
        text = self._text(entry_id)
        return (self._flavours[entry_id] == _ROMAN, len(text), text, _KIND_NAMES[self._kinds[entry_id]])

    def _prefixes(
        self,
        space: KeySpace,
        q: str,
        codes: frozenset[int],
        limit: int,
        found: dict[int, tuple[float, int]],
    ) -> None:
        lo, hi = space.range(q)
        if lo == hi:
            return
        kinds, ids, offer = self._kinds, space.ids, self._offer
        n = len(q)
        if hi - lo <= _SCAN_LIMIT:
            for entry_id, size in zip(ids[lo:hi], space.sizes(lo, hi), strict=True):
                if kinds[entry_id] in codes:
                    offer(found, 100.0 if size == n else _PREFIX + _TIER_SPAN * n / size, entry_id)
            return
        # The first letters typed match a good part of the catalog; the best prefix
        # matches are the shortest keys, so walk the range shortest first and stop early.
        stop_at = -1
        for position, size in space.shortest_first(lo, hi, n):
            if size > stop_at >= 0:
                break
            entry_id = ids[position]
            if kinds[entry_id] not in codes:
                continue
            offer(found, 100.0 if size == n else _PREFIX + _TIER_SPAN * n / size, entry_id)
            if stop_at < 0 and len(found) >= limit:
                stop_at = size  # keep keys of this length too, so ties break by text

    def _inside(
        self,
        space: KeySpace,
        q: str,
        spaced: str,
        codes: frozenset[int],
        found: dict[int, tuple[float, int]],
    ) -> None:
        # Searched with the query's own word breaks: "landing on" is the start of a word
        # of "crash landing on you"; "anding" is inside one.
        kinds, ids = self._kinds, space.ids
        n = len(q)
        # Two letters inside a word match almost anything: look for them at a word start.
        needle = spaced if n >= 3 else " " + spaced
        for position, at_word in space.occurrences(needle, _INFIX_LIMIT):
            entry_id = ids[position]
            if kinds[entry_id] not in codes:
                continue
            base = _WORD if at_word or needle[0] == " " else _INFIX
            self._offer(found, base + _TIER_SPAN * n / space.size(position), entry_id)

    def _fuzzy(
        self,
        space: KeySpace,
        q: str,
        spaced: str,
        codes: frozenset[int],
        found: dict[int, tuple[float, int]],
    ) -> None:
        run, others = self._fuzzy_candidates(space, q, spaced)
        if not run and not others:
            return
        from rapidfuzz import process  # see load_fuzzy()
        from rapidfuzz.fuzz import ratio

        n = len(q)
        # The run's keys (most of the candidates) come from one slice of the blob, not a
        # slice each: 0.10 -> 0.04 ms for the unknown titles of bench/bench_latency.py.
        keys = space.compact_run(run.start, run.stop) + space.compact_keys(others)
        q = encode(q)  # as the keys are held: the same edit distances
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
        kinds, ids, in_run = self._kinds, space.ids, len(run)
        for i, score in scores.items():
            entry_id = ids[run[i] if i < in_run else others[i - in_run]]
            if kinds[entry_id] in codes:
                self._offer(found, _FUZZY_SCALE * score, entry_id)

    def _fuzzy_candidates(self, space: KeySpace, q: str, spaced: str) -> tuple[range, list[int]]:
        """Positions in space of the keys worth scoring for a query that may hold a typo:
        a run of them (lo:hi), and the others."""
        run = range(0)
        # Fans rarely get the first letters wrong: the names that start like the query,
        # with the longest start that still leaves a manageable number of names.
        for size in range(1, min(len(q), 4)):
            lo, hi = space.range(q[:size])
            if hi - lo <= _FUZZY_CANDIDATES:
                run = range(lo, hi)
                break
        # A typo seldom spoils every word: the names sharing the query's other words,
        # those sharing the most first ("mi hee won" finds "min hee won" by hee and won).
        postings = [
            posting
            for word in dict.fromkeys(spaced.split(" "))  # in order: the same answer every run
            if len(word) >= 2
            and (posting := space.word_positions(word)) is not None
            and len(posting) <= _COMMON_WORD
        ]
        if len(postings) == 1 and len(postings[0]) > _FUZZY_CANDIDATES:
            # One word to go by, in too many names: those whose keys sort nearest the
            # query's (the posting is in key order), so its first letters still count.
            return run, list(set(_nearest(postings[0], space.range(q)[0])).difference(run))
        if postings:
            # The names holding all the words but one at least (any one, of a single word),
            # by set algebra in C: counting each name's words was 0.4 ms for "love in the".
            sets = [set(posting) for posting in postings]
            if len(sets) == 1:
                shared, more = sets[0], set()
            else:
                shared = set().union(*(set.intersection(*sets[:i], *sets[i + 1 :]) for i in range(len(sets))))
                more = set.intersection(*sets)
            if len(shared) > _FUZZY_CANDIDATES:
                # Too many: those holding every word are worth scoring first, and when
                # there are some, the rest (a common word's whole posting) are not worth it.
                if more:
                    shared = more
                if len(shared) > _FUZZY_CANDIDATES:  # as many words each: the nearest keys
                    shared = _nearest(sorted(shared), space.range(q)[0])
            return run, list(set(shared).difference(run))
        return run, []


def _nearest(positions: Sequence[int], at: int) -> Sequence[int]:
    """_FUZZY_CANDIDATES of the (sorted) positions, those nearest `at` in key order."""
    middle = bisect_left(positions, at)
    lo = max(0, min(middle - _FUZZY_CANDIDATES // 2, len(positions) - _FUZZY_CANDIDATES))
    return positions[lo : lo + _FUZZY_CANDIDATES]


_Keyed = tuple["array[int]", list[str]]
_TEXT_OF = attrgetter("text")
_KIND_OF = attrgetter("kind")
_REF_OF = attrgetter("ref")
_KIND_NAMES = ("title", "korean", "romanized", "alias", "actor")
_KIND_CODE = {kind: code for code, kind in enumerate(_KIND_NAMES)}
_ACTOR = _KIND_CODE["actor"]
_DEAD = 255  # the kind of a removed entry: in no set of codes
_ALL_CODES = frozenset(range(len(_KIND_NAMES)))


def _columns(names: Iterable[Name]) -> tuple[array[int], bytearray, list[str]]:
    """Ref, kind code and text of each name, reading the names one at a time."""
    refs, kinds, texts = array("q"), bytearray(), []
    codes = _KIND_CODE
    for name in names:
        code = codes.get(name.kind)
        if code is None:
            raise ValueError(f"unknown name kinds [{name.kind!r}]")
        refs.append(name.ref)
        kinds.append(code)
        texts.append(name.text)
    return refs, kinds, texts


class NameColumns:
    """Names as the index reads them (ref, kind code, text in parallel), filled batch by batch.

    The store hands names over as rows a batch at a time; kept here as columns, a catalog
    of names costs its texts and 9 bytes each, never a Name object or a row.
    """

    def __init__(self) -> None:
        self._refs: array[int] = array("q")
        self._kinds = bytearray()
        self._texts: list[str] = []

    def __len__(self) -> int:
        return len(self._texts)

    def extend(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Add (ref, kind, text) rows."""
        codes = _KIND_CODE
        for ref, kind, text in rows:
            code = codes.get(kind)
            if code is None:
                raise ValueError(f"unknown name kinds [{kind!r}]")
            self._refs.append(ref)
            self._kinds.append(code)
            self._texts.append(text)

    def take(self) -> tuple[array[int], bytearray, list[str]]:
        """The columns, handed over: this object is empty afterwards."""
        taken = self._refs, self._kinds, self._texts
        self.__init__()
        return taken


def handed_over(names: list[Name]) -> Iterator[Name]:
    """The names one at a time, each dropped from the list as it is read (it ends empty).

    Given to SearchIndex, every Name object is freed once read instead of when the index
    is done: at 30,000 shows that is tens of MiB off the start-up peak.
    """
    names.reverse()
    while names:
        yield names.pop()


def _typable(rows: array[int], keys: list[str]) -> _Keyed:
    """Drop names whose key is empty (made only of punctuation: nobody can type them)."""
    if "" not in keys:
        return rows, keys
    return array("i", compress(rows, keys)), list(filter(None, keys))


def _slot(name: Name) -> int:
    # One int per (ref, group): cheaper than a tuple in a dict of 70,000 people and shows.
    return name.ref * 2 + (name.kind == "actor")


def _slot_of(ref: int, kind: int) -> int:
    return ref * 2 + (kind == _ACTOR)
