"""Hangul helpers for search: jamo decomposition, initial consonants and romanization."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from hangul_romanize import Transliter
from hangul_romanize.core import Syllable
from jamo import JAMO_LEADS_MODERN, JAMO_TAILS_MODERN, JAMO_VOWELS_MODERN, j2hcj

log = logging.getLogger(__name__)

_FIRST_SYLLABLE = 0xAC00
_LAST_SYLLABLE = 0xD7A3

# A Korean keyboard types compound vowels and compound final consonants as two keys, so
# while a syllable is being typed its jamo are a prefix of the finished syllable's jamo
# only if compounds are spelled as their parts (과 is typed ㄱ ㅗ ㅏ and shows 고 first).
_COMPOUND_JAMO = {
    "ㅘ": "ㅗㅏ",
    "ㅙ": "ㅗㅐ",
    "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ",
    "ㅟ": "ㅜㅣ",
    "ㅢ": "ㅡㅣ",
    "ㄳ": "ㄱㅅ",
    "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ",
    "ㄺ": "ㄹㄱ",
    "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ",
    "ㅀ": "ㄹㅎ",
    "ㅄ": "ㅂㅅ",
}

_HANGUL_RE = re.compile("[\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff]")
_CONSONANTS = frozenset("ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")


def _split(compat: str) -> str:
    return "".join(_COMPOUND_JAMO.get(ch, ch) for ch in compat)


# What the lazy tables keep: the syllables (11,172), the compatibility jamo (U+3131..318E)
# and the code points below U+3000 (Latin, Greek, Cyrillic, punctuation, spaces: the text
# around Hangul in most names). Any other character (CJK, emoji, private use, any of the
# other ~1.1 million code points a user can type) is translated each time it is met and
# never stored, so a table can't grow past this bound however much text it is fed.
_KEPT_BELOW = 0x3000
_KEPT_JAMO = range(0x3131, 0x318F)
TABLE_BOUND = _KEPT_BELOW + len(_KEPT_JAMO) + (0xD7A3 - 0xAC00 + 1)


class _LazyTable(dict[int, str]):
    """A str.translate table that fills itself with the characters it is actually asked for.

    Full tables for all 11,172 syllables cost about 5 MiB of the bot's memory, while a
    catalog uses a few thousand syllables; str.translate still reads this dict in C, and
    calls back into Python only the first time it meets a character it keeps (at most
    TABLE_BOUND of them), and every time for the rare others.
    """

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[int], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, code: int) -> str:
        value = self._make(code)
        if code < _KEPT_BELOW or _FIRST_SYLLABLE <= code <= _LAST_SYLLABLE or code in _KEPT_JAMO:
            self[code] = value
        return value


def _build_tables() -> tuple[_LazyTable, _LazyTable]:
    # str.translate is a C loop, so decomposing a whole catalog costs milliseconds instead
    # of a Python loop per char. jamo gives the compatibility letters (the ones a keyboard
    # types) for the modern leads, vowels and tails; syllables are composed
    # arithmetically (Unicode 3.12).
    leads = [_split(j2hcj(ch)) for ch in sorted(JAMO_LEADS_MODERN)]
    vowels = [_split(j2hcj(ch)) for ch in sorted(JAMO_VOWELS_MODERN)]
    tails = ["", *(_split(j2hcj(ch)) for ch in sorted(JAMO_TAILS_MODERN))]
    compounds = {ord(compound): parts for compound, parts in _COMPOUND_JAMO.items()}

    def jamo_of(code: int) -> str:
        if _FIRST_SYLLABLE <= code <= _LAST_SYLLABLE:
            index = code - _FIRST_SYLLABLE
            return leads[index // 588] + vowels[(index // 28) % 21] + tails[index % 28]
        return compounds.get(code, chr(code))

    def initial_of(code: int) -> str:
        if _FIRST_SYLLABLE <= code <= _LAST_SYLLABLE:
            return leads[(code - _FIRST_SYLLABLE) // 588]
        return chr(code)

    return _LazyTable(jamo_of), _LazyTable(initial_of)


_JAMO_TABLE, _INITIAL_TABLE = _build_tables()
# NFKC turns the letters a keyboard types (ㅈ, U+3148) into conjoining jamo (U+110C); this
# turns them back, so text folded with NFKC still compares with typed jamo.
COMPATIBILITY_TABLE = {
    ord(ch): j2hcj(ch) for ch in (*JAMO_LEADS_MODERN, *JAMO_VOWELS_MODERN, *JAMO_TAILS_MODERN)
}


def has_hangul(text: str) -> bool:
    """Whether the text contains any Hangul syllable or jamo."""
    return _HANGUL_RE.search(text) is not None


SYLLABLE_RE = re.compile("[\uac00-\ud7a3]")  # a composed syllable, 가 to 힣


def decompose(text: str) -> str:
    """Spell every Hangul syllable as compatibility jamo, compounds split (학교 -> ㅎㅏㄱㄱㅛ)."""
    return text.translate(_JAMO_TABLE)


def initials(text: str) -> str:
    """The initial consonants (choseong) of the Hangul syllables in text, other characters kept."""
    return text.translate(_INITIAL_TABLE)


def is_initials(text: str) -> bool:
    """Whether text is made only of Hangul consonants (a choseong query such as ㅈㄱㅇㄹ)."""
    return bool(text) and all(ch in _CONSONANTS for ch in text)


# Revised Romanization, as far as it follows from spelling: a final consonant is carried to
# the next syllable when that starts with a vowel (우리 -> uri, 사랑의 -> sarangui) and is
# otherwise written as its unreleased sound (학교 -> hakgyo, 박 -> bak). Sound changes
# between consonants (nasalisation, 독립 -> dongnip) are not applied: fans rarely agree on
# them either, and the fuzzy matcher absorbs the difference.
_RR_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k",
    "t", "p", "h",
)  # fmt: skip
_RR_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
    "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_RR_FINALS_BEFORE_VOWEL = (
    "", "g", "kk", "gs", "n", "nj", "n", "d", "r", "lg", "lm", "lb", "ls", "lt", "lp", "r",
    "m", "b", "bs", "s", "ss", "ng", "j", "ch", "k", "t", "p", "",
)  # fmt: skip
_RR_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
    "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
_VOWEL_INITIAL = 11  # ㅇ as an initial is silent
_RIEUL = 5  # ㄹ as an initial
_RIEUL_FINALS = frozenset({8, 11, 12, 13, 15})  # finals ending in an l sound


def _rr_rule(
    now: tuple[str, Syllable | None],
    pre: tuple[str | None, Syllable | None],
    post: tuple[str | None, Syllable | None],
) -> str:
    char, syllable = now
    if syllable is None:
        return char
    before, after = pre[1], post[1]
    if syllable.initial == _RIEUL and before is not None and before.final in _RIEUL_FINALS:
        initial = "l"  # ㄹㄹ is written ll (별로 -> byeollo)
    else:
        initial = _RR_INITIALS[syllable.initial]
    if after is not None and after.initial == _VOWEL_INITIAL:
        final = _RR_FINALS_BEFORE_VOWEL[syllable.final]
    else:
        final = _RR_FINALS[syllable.final]
    return initial + _RR_VOWELS[syllable.vowel] + final


_TRANSLITER = Transliter(_rr_rule)


def romanize(text: str) -> str:
    """Revised Romanization of the Hangul in text (지금 우리 학교는 -> jigeum uri hakgyoneun)."""
    return _TRANSLITER.translit(text)


# The same rules as tables, for romanizing a whole catalog at once: a Python call per
# syllable (as the walker above makes) costs a fifth of a second on 10,000 shows, while
# str.translate and two regular expressions run over all titles in C. Each syllable becomes
# its initial and vowel in letters plus a marker for its final; markers are resolved by
# what follows them. Tests check both give the same text.
_FINAL_MARK = 0xE000  # + final index 1..27 (private use area)
_SILENT_INITIAL = "\ue100"  # ㅇ as an initial: the final before it is carried over
_RIEUL_INITIAL = "\ue101"  # ㄹ as an initial: after an l sound it is written l


def _rr_syllable(code: int) -> str:
    if not _FIRST_SYLLABLE <= code <= _LAST_SYLLABLE:
        return chr(code)
    index = code - _FIRST_SYLLABLE
    initial, vowel, final = index // 588, (index // 28) % 21, index % 28
    if initial == _VOWEL_INITIAL:
        lead = _SILENT_INITIAL
    elif initial == _RIEUL:
        lead = _RIEUL_INITIAL
    else:
        lead = _RR_INITIALS[initial]
    tail = chr(_FINAL_MARK + final) if final else ""
    return lead + _RR_VOWELS[vowel] + tail


def _rr_tables() -> tuple[_LazyTable, dict[int, str], dict[str, str]]:
    finals = {_FINAL_MARK + f: _RR_FINALS[f] for f in range(1, 28)}
    finals[ord(_SILENT_INITIAL)] = ""
    finals[ord(_RIEUL_INITIAL)] = "r"
    carried = {chr(_FINAL_MARK + f): _RR_FINALS_BEFORE_VOWEL[f] for f in range(1, 28)}
    return _LazyTable(_rr_syllable), finals, carried


_RR_SYLLABLES, _RR_REST, _RR_CARRIED = _rr_tables()
_CARRIED_FINAL = re.compile(f"([{chr(_FINAL_MARK + 1)}-{chr(_FINAL_MARK + 27)}])(?={_SILENT_INITIAL})")
_DOUBLE_L = re.compile(
    "(?<=[" + "".join(chr(_FINAL_MARK + f) for f in sorted(_RIEUL_FINALS)) + f"]){_RIEUL_INITIAL}"
)


def romanize_many(texts: list[str]) -> list[str]:
    """romanize() for many texts at once, in C-speed passes over all of them."""
    if not texts:
        return []
    block = "\n".join(texts).translate(_RR_SYLLABLES)
    block = _DOUBLE_L.sub("l", block)
    block = _CARRIED_FINAL.sub(lambda m: _RR_CARRIED[m[1]], block)
    return block.translate(_RR_REST).split("\n")
