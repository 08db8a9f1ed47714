"""Hangul helpers the search index builds on: jamo, initial consonants, romanization."""

from __future__ import annotations

from kdrama import hangul


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
