"""Hangul helpers the search index builds on: jamo, initial consonants, romanization, and
translate tables that stay bounded whatever text they are asked to translate."""

from __future__ import annotations

from kdrama import hangul
from kdrama.hangul import decompose, initials, romanize, romanize_many

SYLLABLES = "".join(map(chr, range(0xAC00, 0xD7A4)))


def _every_kind_of_text() -> list[str]:
    """Every syllable, plus code points from every plane (emoji, CJK, Latin, private use)."""
    others = [chr(code) for code in range(0x20, 0x110000, 7) if not 0xD800 <= code <= 0xDFFF]
    lines = [SYLLABLES[i : i + 300] for i in range(0, len(SYLLABLES), 300)]
    lines += ["".join(others[i : i + 300]) for i in range(0, len(others), 300)]
    return lines


def test_translate_tables_stay_bounded() -> None:
    texts = _every_kind_of_text()
    block = "\n".join(texts)
    decompose(block)
    initials(block)
    romanize_many(texts)
    for table in (hangul._JAMO_TABLE, hangul._INITIAL_TABLE, hangul._RR_SYLLABLES):
        assert len(table) <= hangul.TABLE_BOUND


def test_text_beyond_the_tables_is_still_translated() -> None:
    # Characters the tables do not keep are still mapped, each time they are met.
    text = "🦑 오징어 게임 🎮 鱿鱼 Ōjingeo"
    assert decompose(text) == "🦑 ㅇㅗㅈㅣㅇㅇㅓ ㄱㅔㅇㅣㅁ 🎮 鱿鱼 Ōjingeo"
    assert initials(text) == "🦑 ㅇㅈㅇ ㄱㅇ 🎮 鱿鱼 Ōjingeo"
    assert romanize_many([text]) == [romanize(text)]


def test_initial_consonants_are_what_fans_type_as_a_shortcut() -> None:
    assert hangul.initials("지금 우리 학교는") == "ㅈㄱ ㅇㄹ ㅎㄱㄴ"
    assert hangul.is_initials("ㅈㄱㅇㄹ")
    assert not hangul.is_initials("지금")


def test_syllables_decompose_into_jamo() -> None:
    assert hangul.decompose("학교") == "ㅎㅏㄱㄱㅛ"


def test_romanization_follows_revised_romanization() -> None:
    assert hangul.romanize("지금 우리 학교는") == "jigeum uri hakgyoneun"
    assert hangul.romanize_many(["오징어 게임"]) == ["ojingeo geim"]


def test_hangul_is_detected_in_mixed_text() -> None:
    assert hangul.has_hangul("Squid Game 오징어")
    assert not hangul.has_hangul("Squid Game")
