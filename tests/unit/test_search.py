"""What fans find when they type a title or an actor's name."""

from __future__ import annotations

import random

import pytest

from kdrama.hangul import decompose, initials, romanize, romanize_many
from kdrama.models import Name
from kdrama.search import (
    ACTOR_KINDS,
    SHOW_KINDS,
    Match,
    SearchIndex,
    handed_over,
    normalize,
    search_form,
)

AOUAD, SQUID, CLOY, OKAY, SQUID_CHALLENGE, CRASH, NOW_WE, SCHOOL, RAMEN = range(1, 10)
PARK_JIHU, YUN_CHAN_YOUNG, LEE_JUNG_JAE = 101, 102, 103

SHOWS = {
    AOUAD: (
        "All of Us Are Dead",
        "지금 우리 학교는",
        "Jigeum Uri Hakgyoneun",
        ["Now at Our School"],
    ),
    SQUID: ("Squid Game", "오징어 게임", "Ojingeo Geim", []),
    CLOY: ("Crash Landing on You", "사랑의 불시착", "Sarangui Bulsichak", ["CLOY"]),
    OKAY: ("It's Okay to Not Be Okay", "사이코지만 괜찮아", None, ["Psycho but It's Okay"]),
    SQUID_CHALLENGE: ("Squid Game: The Challenge", None, None, []),
    CRASH: ("Crash Course in Romance", "일타 스캔들", "Ilta Seukaendeul", []),
    NOW_WE: ("Now, We Are Breaking Up", "지금, 헤어지는 중입니다", None, []),
    SCHOOL: ("School 2021", "학교 2021", None, []),
    # No romanized title on purpose: "jigeumeun" must still find it by its Hangul.
    RAMEN: ("Ramen Days", "지금은 라면 시대", None, []),
}
ACTORS = {
    PARK_JIHU: ("Park Ji-hu", "박지후"),
    YUN_CHAN_YOUNG: ("Yoon Chan-young", "윤찬영"),
    LEE_JUNG_JAE: ("Lee Jung-jae", "이정재"),
}


def catalog_names() -> list[Name]:
    names: list[Name] = []
    for ref, (title, korean, romanized, aliases) in SHOWS.items():
        names.append(Name(ref, "title", title))
        if korean:
            names.append(Name(ref, "korean", korean))
        if romanized:
            names.append(Name(ref, "romanized", romanized))
        names.extend(Name(ref, "alias", alias) for alias in aliases)
    for ref, (english, korean) in ACTORS.items():
        names += [Name(ref, "actor", english), Name(ref, "actor", korean)]
    return names


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex(catalog_names())


def refs(matches: list[Match]) -> list[int]:
    return [m.ref for m in matches]


def first(index: SearchIndex, query: str, **kwargs: object) -> Match:
    matches = index.search(query, **kwargs)  # type: ignore[arg-type]
    assert matches, f"nothing found for {query!r}"
    return matches[0]


def test_exact_title_ranks_first_with_full_score(index: SearchIndex) -> None:
    hit = first(index, "Squid Game")
    assert (hit.ref, hit.kind, hit.text, hit.score) == (SQUID, "title", "Squid Game", 100.0)
    assert refs(index.search("squid game"))[:2] == [SQUID, SQUID_CHALLENGE]


def test_prefix_beats_word_prefix_beats_infix(index: SearchIndex) -> None:
    # "cra": prefix of two titles; the query covers more of the shorter one.
    assert refs(index.search("cra"))[:2] == [CLOY, CRASH]
    # "school": prefix of School 2021, a later word of AOUAD's alias Now at Our School.
    assert refs(index.search("school"))[:2] == [SCHOOL, AOUAD]
    prefix, word = index.search("school")[:2]
    assert prefix.score > word.score
    # "land" only inside a word: found, below a show whose word starts with it.
    hits = index.search("anding")
    assert refs(hits) == [CLOY] and hits[0].score < 80


def test_a_show_appears_once_with_its_best_name(index: SearchIndex) -> None:
    hits = index.search("squid")
    assert refs(hits).count(SQUID) == 1
    # "cloy" is an exact alias: the alias wins over any fuzzy title match.
    hit = first(index, "cloy")
    assert (hit.ref, hit.kind, hit.score) == (CLOY, "alias", 100.0)


def test_case_accents_punctuation_and_spaces_do_not_matter(index: SearchIndex) -> None:
    assert first(index, "its okay to not be okay").ref == OKAY
    assert first(index, "IT’S OKAY").ref == OKAY
    assert first(index, "crashlanding").ref == CLOY
    assert first(index, "Crásh Lánding").ref == CLOY
    cafe = SearchIndex([Name(1, "title", "Café Minamdang"), Name(2, "title", "Søn ＷＩＤＥ")])
    assert first(cafe, "cafe min").ref == 1
    assert first(cafe, "son wide").ref == 2
    assert first(index, "now we are").ref == NOW_WE
    assert normalize("It's Okay, to  Not-Be Okay!") == "itsokaytonotbeokay"


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        ("all of us are ded", AOUAD),
        ("sqiud game", SQUID),
        ("crash landng", CLOY),
        ("crash landing on yuo", CLOY),
        ("sqiud", SQUID),
        ("its okey to not be", OKAY),
    ],
)
def test_typos_still_find_the_show_first(index: SearchIndex, query: str, ref: int) -> None:
    assert first(index, query).ref == ref


@pytest.mark.parametrize(
    "query",
    [
        "지금",
        "지금 우리",
        "지금우리학교",
        "지그",
        "지금 우",
        "ㅈㄱㅇㄹㅎㄱㄴ",
        "ㅈㄱㅇㄹ",
        "ㅈㄱ ㅇㄹ",
    ],
)
def test_hangul_as_typed_finds_the_korean_title(index: SearchIndex, query: str) -> None:
    assert AOUAD in refs(index.search(query, limit=3))
    hit = next(m for m in index.search(query) if m.ref == AOUAD)
    assert hit.text == "지금 우리 학교는" and hit.kind == "korean"


def test_full_hangul_title_is_exact(index: SearchIndex) -> None:
    hit = first(index, "지금 우리 학교는")
    assert (hit.ref, hit.score) == (AOUAD, 100.0)
    assert first(index, "지금우리학").ref == AOUAD  # the last syllable still being typed


def test_initial_consonants_of_a_later_word(index: SearchIndex) -> None:
    assert first(index, "ㅂㅅㅊ").ref == CLOY  # 불시착, the second word of 사랑의 불시착


def test_hangul_typo_of_one_jamo(index: SearchIndex) -> None:
    assert first(index, "오징아 게임").ref == SQUID


def test_romanized_queries(index: SearchIndex) -> None:
    assert first(index, "jigeum uri hakgyo").ref == AOUAD
    assert AOUAD in refs(index.search("jigeum"))
    # No romanized title stored: the Revised Romanization of the Hangul title is used.
    hit = first(index, "jigeumeun ramyeon")
    assert (hit.ref, hit.text) == (RAMEN, "지금은 라면 시대")


def test_actor_names_in_english_and_hangul(index: SearchIndex) -> None:
    for query in ("Park Ji-hu", "park jihu", "parkjihu", "박지후", "ㅂㅈㅎ", "park jhu"):
        hit = first(index, query, kinds=ACTOR_KINDS)
        assert (hit.ref, hit.kind) == (PARK_JIHU, "actor"), query
    assert first(index, "박지").text == "박지후"


def test_kinds_keep_shows_and_actors_apart(index: SearchIndex) -> None:
    assert all(m.kind in SHOW_KINDS for m in index.search("park", kinds=SHOW_KINDS))
    assert refs(index.search("lee jung", kinds=ACTOR_KINDS)) == [LEE_JUNG_JAE]
    both = index.search("이")
    assert {m.kind for m in both} >= {"actor"}


def test_nonsense_and_empty_queries_find_nothing(index: SearchIndex) -> None:
    assert index.search("zzzzqqq") == []
    assert index.search("xkcdwv") == []
    assert index.search("") == []
    assert index.search("  !? ") == []


def test_closest_matches_for_an_unknown_title(index: SearchIndex) -> None:
    assert refs(index.search("squid games 3", kinds=SHOW_KINDS, limit=3))[:1] == [SQUID]
    assert len(index.search("squid games 3", limit=1)) == 1


def test_a_typo_in_the_first_letters_finds_the_show_among_many_sharing_its_words() -> None:
    """Over a thousand names hold both of the query's known words: those whose keys sort
    nearest the query's are scored, not the first thousand of them in the alphabet."""
    rng = random.Random(5)
    words = sorted({"".join(rng.choice("abcdefghijklmnopqrstuvwxy") for _ in range(7)) for _ in range(1500)})
    names = [Name(i, "title", f"Love Story of {w.title()}") for i, w in enumerate(words, start=1)]
    names.append(Name(9999, "title", "Love Story of Zebra"))
    index = SearchIndex(names)
    # "lx": no name starts so, and "story" and "of" are in 1,501 names each.
    assert refs(index.search("Lxve Story of Zebrq", limit=3))[:1] == [9999]


def test_a_typo_in_the_first_letter_finds_the_show_by_its_other_words_past_names_starting_so() -> None:
    """The names starting like the query are scored with those sharing its words: a show
    found only by its words is itself, whatever the names that start like the query."""
    names = [Name(i, "title", f"Dream {word}") for i, word in enumerate(("High", "Sister", "Again"), 1)]
    names += [Name(10, "title", "Squid Game"), Name(11, "title", "Game of Thrones")]
    index = SearchIndex(names)
    # "dq": no name starts so, but "d" starts three, all scored alongside the names
    # holding "game".
    assert refs(index.search("Dquid Game", kinds=SHOW_KINDS, limit=3))[:1] == [10]
    assert first(index, "Sream Sister").ref == 2  # "sister": a name starting with "s" too


def test_limit_and_stable_order() -> None:
    names = [
        Name(i, "title", f"Love {word}")
        for i, word in enumerate(
            ["Alarm", "Next Door", "Is Blind", "in Contract", "to Hate You", "Revolution"]
        )
    ]
    index = SearchIndex(names)
    hits = index.search("love", limit=4)
    assert len(hits) == 4
    # The query covers more of a shorter name (spaces do not count), so it comes first.
    assert [m.text for m in hits] == [
        "Love Alarm",
        "Love Is Blind",
        "Love Next Door",
        "Love to Hate You",
    ]
    assert [m.score for m in hits] == sorted((m.score for m in hits), reverse=True)
    same = SearchIndex([Name(2, "title", "Dream B"), Name(1, "title", "Dream A")])
    assert [m.text for m in same.search("dream")] == ["Dream A", "Dream B"]


def test_large_prefix_range_keeps_the_shortest_names() -> None:
    names = [Name(i, "title", f"Star {'x' * (i % 40)} {i}") for i in range(2000)]
    names.append(Name(5000, "title", "Stars"))
    index = SearchIndex(names)
    hits = index.search("s", limit=5)
    assert hits[0].text == "Stars"
    assert [len(m.text) for m in hits] == sorted(len(m.text) for m in hits)
    shortest = sorted(len(n.text) for n in names)[:5]
    assert [len(m.text) for m in hits] == shortest


def test_set_names_replaces_a_shows_titles(index: SearchIndex) -> None:
    index.set_names(
        SHOW_KINDS,
        SQUID,
        [Name(SQUID, "title", "Squid Game"), Name(SQUID, "alias", "Red Light Green Light")],
    )
    assert first(index, "red light").ref == SQUID
    assert SQUID not in refs(index.search("오징어"))  # the Korean title was dropped
    assert first(index, "squid game").ref == SQUID
    index.remove(SQUID, {"alias"})
    assert index.search("red light") == []
    assert first(index, "squid game").ref == SQUID
    index.remove(SQUID, SHOW_KINDS)
    assert SQUID not in refs(index.search("squid"))
    # Actors keep their names when a show with the same id is removed.
    index.remove(PARK_JIHU, SHOW_KINDS)
    assert first(index, "park ji-hu").ref == PARK_JIHU


def test_updates_agree_with_a_fresh_build() -> None:
    names = catalog_names()
    built = SearchIndex(names)
    grown = SearchIndex()
    for ref in {n.ref for n in names}:
        group = ACTOR_KINDS if ref >= 100 else SHOW_KINDS
        grown.set_names(group, ref, [n for n in names if n.ref == ref])
    for query in ("s", "squid", "지금", "ㅈㄱ", "crash landng", "park", "now"):
        assert built.search(query) == grown.search(query), query


def test_set_names_rejects_names_of_another_ref(index: SearchIndex) -> None:
    with pytest.raises(ValueError):
        index.set_names({"title"}, SQUID, [Name(CLOY, "title", "x")])


def test_hangul_helpers() -> None:
    assert romanize("지금 우리 학교는") == "jigeum uri hakgyoneun"
    assert romanize("사랑의 불시착") == "sarangui bulsichak"
    assert romanize("별로") == "byeollo"
    assert initials("지금 우리") == "ㅈㄱ ㅇㄹ"
    assert decompose("과") == "ㄱㅗㅏ"  # typed ㄱ ㅗ ㅏ, so 고 is a prefix of it


def test_bulk_romanization_agrees_with_the_syllable_walker() -> None:
    rng = random.Random(5)
    texts = [
        "".join(
            chr(0xAC00 + rng.randrange(11172)) if rng.random() < 0.85 else rng.choice(" 1a,")
            for _ in range(rng.randint(1, 8))
        )
        for _ in range(3000)
    ]
    texts += ["지금 우리 학교는", "별로", "사랑의 불시착", "괜찮아 사랑이야", "닭이"]
    assert romanize_many(texts) == [romanize(text) for text in texts]


def test_replace_kinds_swaps_every_actor_at_once(index: SearchIndex) -> None:
    index.replace_kinds(ACTOR_KINDS, [Name(7, "actor", "Kim Tae-ri"), Name(7, "actor", "김태리")])
    assert index.search("park ji", kinds=ACTOR_KINDS) == []
    assert first(index, "김태", kinds=ACTOR_KINDS).ref == 7
    assert first(index, "kim tae", kinds=ACTOR_KINDS).text == "Kim Tae-ri"
    assert first(index, "지금 우리").ref == AOUAD  # shows untouched, Hangul keys rebuilt
    assert first(index, "jigeum uri").ref == AOUAD


def test_names_added_after_the_build_are_found_everywhere(index: SearchIndex) -> None:
    index.search("anding")  # builds the substring index, which the edit must refresh
    index.add([Name(50, "title", "Lovely Runner"), Name(50, "korean", "선재 업고 튀어")])
    assert first(index, "lovely r").ref == 50
    assert first(index, "runner").ref == 50
    assert first(index, "ㅅㅈ ㅇㄱ").ref == 50
    assert first(index, "seonjae").ref == 50
    assert first(index, "lovley runner").ref == 50


def test_prepared_index_answers_the_same(index: SearchIndex) -> None:
    cold = SearchIndex(catalog_names())
    index.prepare()
    for query in ("anding", "sqiud game", "ㅂㅅㅊ", "jigeum", "park jhu"):
        assert index.search(query) == cold.search(query), query


def test_names_handed_over_are_found_and_not_kept() -> None:
    given = catalog_names()
    index = SearchIndex(handed_over(given))
    assert given == []  # each name left the list as the index read it
    held = [
        x for value in vars(index).values() for x in (value if isinstance(value, list | tuple) else [value])
    ]
    assert not any(isinstance(x, Name) for x in held)
    assert first(index, "squid game").ref == SQUID
    assert first(index, "ㅇㅈㅇ").ref == SQUID


def test_a_prefix_range_is_walked_shortest_key_first_whatever_the_sizes() -> None:
    """Sizes are kept in a byte each; keys of 255 letters and more are sized from the key."""
    from kdrama.keyspace import KeySpace

    rng = random.Random(5)
    keys = [
        "s" + "".join(rng.choice("ab ") for _ in range(rng.choice((2, 5, 9, 254, 255, 300, 400))))
        for _ in range(600)
    ]
    keys = [k.rstrip() or "s" for k in keys]
    space = KeySpace(keys, range(len(keys)))
    lo, hi = space.range("s")
    assert (lo, hi) == (0, len(keys))
    walked = list(space.shortest_first(lo, hi, 1))
    expected = sorted(((p, len(space.key(p).replace(" ", ""))) for p in range(lo, hi)), key=lambda e: e[1])
    assert walked == expected
    assert space.sizes(lo, hi) == [size for _, size in sorted(expected)]


def test_keys_of_ascii_and_jamo_take_a_byte_a_letter_and_latin1_letters_stay_apart() -> None:
    from kdrama.keyspace import KeySpace

    korean = KeySpace(["ㅎㅏㄱ ㄱㅛ", "abc", "ㅏbc"], range(3))
    assert max(korean._blob) <= "\xff"  # one byte a letter, not two
    # Inside the keys ㅏ is held as U+0092 and U+0092 as ㅏ: neither is taken for the other.
    keys = ["ㅎㅏㄱ ㄱㅛ", "\u00b2\u0092 x", "abc", "ㅏbc"]
    space = KeySpace(keys, range(len(keys)))
    for prefix, expected in (("ㅎㅏ", [0]), ("\u00b2\u0092", [1]), ("ㅏ", [3]), ("\u0092", []), ("ㅣ", [])):
        lo, hi = space.range(prefix)
        assert sorted(space.ids[p] for p in range(lo, hi)) == expected, prefix
    assert sorted(space.ids[p] for p, _ in space.occurrences("bc", 10)) == [2, 3]
    assert sorted(space.ids[p] for p, _ in space.occurrences("ㄱㅛ", 10)) == [0]
    assert [space.ids[p] for p, _ in space.occurrences("\u0092 x", 10)] == [1]
    assert list(space.occurrences("ㅏ ", 10)) == []
    every = range(len(keys))
    assert space.compact_keys(every) == [space.key(p).replace(" ", "") for p in every]
    assert space.compact_keys([]) == []
    assert space.compact_run(0, len(keys)) == space.compact_keys(every)
    assert space.compact_run(1, 3) == space.compact_keys([1, 2]) and space.compact_run(2, 2) == []
    assert space.word_positions("ㄱㅛ") is not None and space.word_positions("\u0092") is None


def test_substrings_looked_for_by_their_words_are_those_a_scan_of_every_key_finds() -> None:
    """A needle whose words few keys hold is searched in those keys only: the same
    occurrences in the same order as reading every key, whatever its spaces and letters."""
    from bisect import bisect_right

    from bench.gen_catalog import generate
    from kdrama.keyspace import KeySpace, encode

    catalog = generate(400, 3)
    texts = [s["title"] for s in catalog["shows"]] + [s["korean_title"] for s in catalog["shows"]]
    keys = [search_form(t) for t in texts if t]  # as the index keys them: words and jamo
    keys += ["crash landing on you", "landing zone", "lan party", "the island ok", "okay"]
    space = KeySpace(keys, range(len(keys)))
    space.prepare_words()  # as SearchIndex.prepare does for its text spaces

    def scanned(needle: str) -> list[tuple[int, bool]]:  # every key read, as before the words
        blob, starts, found = space._blob, space._starts, []
        at = blob.find(needle, 1)
        while at >= 0:
            if blob[at - 1] != "\n":
                found.append((bisect_right(starts, at) - 1, blob[at - 1] == " "))
            at = blob.find(needle, at + 1)
        return found

    rng = random.Random(4)
    needles = ["landing on", "anding o", "ash landing", "and", "island ok", " ok", "ok", "on you"]
    for _ in range(1500):
        key = encode(space.key(rng.randrange(len(space))))
        start = rng.randrange(len(key))
        needles.append(key[start : rng.randrange(start, len(key)) + 1])
    by_words = 0
    for needle in needles:
        space._offsets_of.clear()  # no shorter needle's offsets to narrow from
        by_words += space._keys_holding(encode(needle)) is not None
        assert list(space.occurrences(needle, 10_000)) == scanned(encode(needle)), needle
    assert by_words > 500  # most needles went by their words, not by the scan
    assert space._keys_holding("ash landing") is not None
    assert [space.ids[p] for p, at_word in space.occurrences("anding o", 10)] == [len(keys) - 5]
    assert list(space.occurrences("island okay", 10)) == []  # "okay" is a key, not after "island"
    assert space._keys_holding("island qzx") == []  # no word starts so: no key to look in


def _crowded_catalog() -> list[Name]:
    """Names sharing long starts: 60 "Love ..." titles, 60 "Home..." ones and a few others."""
    rng = random.Random(11)
    words = ["Next Door", "Is Blind", "in Contract", "to Hate You", "Revolution", "Song"]
    names = [Name(i, "title", f"Love {'Alarm' if i % 2 else rng.choice(words)} {i}") for i in range(60)]
    names += [Name(100 + i, "title", f"Home{'town' if i % 2 else ' Sweet Home'} {i}") for i in range(60)]
    names += [Name(200 + i, "korean", f"사랑 {i}") for i in range(30)]
    names += [Name(300, "title", "Lovely Runner"), Name(301, "title", "Squid Game")]
    return names


def test_crowded_starts_are_the_prefixes_more_keys_begin_with_than_the_list_holds() -> None:
    names = _crowded_catalog()
    index = SearchIndex(names)
    crowded = set(index.crowded_starts(25, shortest=1))
    compact = [normalize(n.text) for n in names if n.kind == "title"]
    compact += [normalize(romanize(n.text)) for n in names if n.kind == "korean"]  # "sarang"
    expected = {
        key[:size]
        for key in compact
        for size in range(1, len(key) + 1)
        if sum(other.startswith(key[:size]) for other in compact) > 25
    }
    assert {start for start in crowded if start.isascii()} == expected
    assert {"love", "lovealarm", "homesweethome", "hometown", "sarang"} <= expected
    assert not {"squid", "lovel", "lovealarm1"} & expected
    assert "ㅅㅏㄹㅏㅇ" in crowded and "ㅅㄹ" in crowded  # 사랑 as jamo, and its initials
    assert all(len(start) >= 3 for start in index.crowded_starts(25))  # shortest=3 by default


def test_a_prefix_answer_is_the_search_whatever_the_spaces() -> None:
    names = _crowded_catalog()
    index = SearchIndex(names)
    answered = {query: index.prefix_answer(query) for query in index.crowded_starts(25, shortest=1)}
    kept = {query for query, answer in answered.items() if answer is not None}
    assert {"love", "lovealarm", "ㅅㅏㄹㅏㅇ", "ㅅㄹ"} <= kept
    for query in kept:
        assert answered[query] == index.search(query), query
    for typed, letters in (
        ("Love ", "love"),
        ("LOVE A", "lovea"),
        ("love  alarm", "lovealarm"),
        ("home t", "homet"),
        ("사랑", "ㅅㅏㄹㅏㅇ"),
        ("ㅅ ㄹ", "ㅅㄹ"),
    ):
        assert index.search(typed) == answered[letters], typed
    # Fewer names start with it than the list holds: the search goes on past the prefixes.
    assert index.prefix_answer("lovely") is None and index.prefix_answer("squid") is None
    assert index.prefix_answer("love", limit=100) is None
    assert index.prefix_answer("love", limit=5) == index.search("love", limit=5)
