from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from kdrama import answers, edits, lookup
from kdrama.catalog import parse_catalog
from kdrama.edits import import_shows as import_catalog
from kdrama.lookup import Catalog, Choice, UnknownSeason, UnknownShow, UserError
from kdrama.models import Actor
from kdrama.search import search_form
from kdrama.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def test_titles_resolve_by_slug_english_korean_romanized_and_alias(catalog: Catalog) -> None:
    for typed in (
        "all-of-us-are-dead",
        "All of Us Are Dead",
        "all of us are dead",
        "지금 우리 학교는",
        "Jigeum Uri Hakgyoneun",
        "Now at Our School",
    ):
        assert (await catalog.resolve(typed)).slug == "all-of-us-are-dead", typed


async def test_an_unknown_title_offers_the_closest_matches(catalog: Catalog) -> None:
    with pytest.raises(UnknownShow) as caught:
        await catalog.resolve("Squid Gam")
    assert caught.value.suggestions[0] == "Squid Game"
    assert str(caught.value).startswith("No show called “Squid Gam”; did you mean “Squid Game”")


async def test_shows_sharing_a_title_are_suggested_once(catalog: Catalog) -> None:
    namesakes = [{"slug": f"squid-game-{n}", "title": "Squid Game"} for n in (2, 3)]
    await import_catalog(catalog.store, parse_catalog({"shows": namesakes}), actor=Actor(None, "test"))
    await catalog.refresh_since()
    with pytest.raises(UnknownShow) as caught:
        await catalog.resolve("Squid Gam")
    assert caught.value.suggestions.count("Squid Game") == 1
    assert str(caught.value).count("“Squid Game”") == 1


async def test_a_season_that_does_not_exist_lists_those_that_do(catalog: Catalog) -> None:
    with pytest.raises(UnknownSeason, match=r"Squid Game has no season 7; its seasons are 1, 2 and 3\."):
        await catalog.release("Squid Game", 7)


async def test_release_defaults_to_the_highest_season(catalog: Catalog) -> None:
    answer = await catalog.release("Squid Game", None)
    assert answer.season.number == 3


async def test_trailer_falls_back_to_the_nearest_earlier_season(catalog: Catalog) -> None:
    answer = await catalog.trailer("All of Us Are Dead", 2)
    assert (answer.asked, answer.season_number) == (2, 1)
    assert answer.trailer and answer.trailer.url == "https://www.youtube.com/watch?v=IN5TD4VRcSM"
    none = await catalog.trailer("Squid Game", 2)
    assert none.trailer is None


async def test_every_show_is_offered_first_only_where_asked(catalog: Catalog) -> None:
    assert (await catalog.title_choices("", every_show=True))[0].value == "*"
    assert (await catalog.title_choices("every", every_show=True))[0].value == "*"
    assert all(c.value != "*" for c in await catalog.title_choices("", every_show=False))
    assert all(c.value != "*" for c in await catalog.title_choices("squid", every_show=True))


async def test_autocomplete_respects_discords_limits(catalog: Catalog) -> None:
    for query in ("", "a", "the", "지", "ㅅ"):
        choices = await catalog.title_choices(query)
        assert len(choices) <= 25
        assert all(1 <= len(c.name) <= 100 and len(c.value) <= 100 for c in choices)


async def test_search_finds_shows_and_actors(catalog: Catalog) -> None:
    answer = await catalog.search("Park Ji-hu")
    assert answer.people and answer.people[0].name == "Park Ji-hu"
    assert [s.title for s in answer.people[0].shows] == ["All of Us Are Dead"]
    with pytest.raises(UserError):
        await catalog.search("   ")


async def test_upcoming_separates_firm_dates_from_the_rest(empty_store: Store) -> None:
    data = {
        "shows": [
            {
                "slug": "soon",
                "title": "Soon",
                "seasons": [
                    {
                        "number": 1,
                        "status": {"value": "released"},
                        "release": {"date": "2025-01-01", "official": True},
                    },
                    {
                        "number": 2,
                        "status": {"value": "scheduled"},
                        "release": {"date": "2026-12-24", "official": True},
                    },
                ],
            },
            {
                "slug": "later",
                "title": "Later",
                "seasons": [
                    {
                        "number": 1,
                        "status": {"value": "scheduled"},
                        "release": {"date": "2027-06-01", "official": True},
                    },
                ],
            },
            {
                "slug": "renewed",
                "title": "Renewed",
                "seasons": [
                    {
                        "number": 1,
                        "status": {"value": "renewed"},
                        "release": {"date": "Q2 2027", "official": False},
                    },
                ],
            },
            {
                "slug": "overdue",
                "title": "Overdue",
                "seasons": [
                    {
                        "number": 1,
                        "status": {"value": "unconfirmed"},
                        "release": {"date": "2023", "official": False},
                    },
                ],
            },
            {"slug": "quiet", "title": "Quiet", "seasons": [{"number": 1}]},
        ]
    }
    await import_catalog(empty_store, parse_catalog(data), actor=Actor(None, "test"))
    catalog = await Catalog.load(empty_store)
    answer = await catalog.upcoming(90, now=NOW)
    assert [(r.slug, s.number) for r, s in answer.dated] == [("soon", 2)]
    assert {(r.slug, s.number) for r, s in answer.undated} == {("renewed", 1), ("overdue", 1)}
    from kdrama.lookup_render import upcoming_reply
    from kdrama.render import to_text

    text = to_text(upcoming_reply(answer), NOW)
    assert "• 24 December 2026: Soon season 2 (official)" in text
    assert "• Overdue season 1: No official word; expected 2023, not released" in text
    assert "• Renewed season 1: Renewed; expected Q2 2027 (not official)" in text
    with pytest.raises(UserError):
        await catalog.upcoming(0)


async def test_autocomplete_follows_a_renamed_and_a_new_show_once_refreshed(catalog: Catalog) -> None:
    store = catalog.store
    squid = await store.catalog.show_by_slug("squid-game")
    assert squid is not None
    async with store.transaction() as db:
        await db.execute("UPDATE show SET title = 'Squid Game Redux' WHERE id = ?", (squid.id,))
    await catalog.refresh_show(squid.id)
    offered = await catalog.title_choices("squid")
    assert offered[0].name == "Squid Game Redux" and offered[0].value == "squid-game"

    new = parse_catalog({"shows": [{"slug": "squidward", "title": "Squidward Returns"}]})
    await import_catalog(store, new, actor=Actor(None, "test"))
    added = await store.catalog.show_by_slug("squidward")
    assert added is not None
    await catalog.refresh_show(added.id)
    assert ("Squidward Returns", "squidward") in [
        (c.name, c.value) for c in await catalog.title_choices("squidw")
    ]


async def test_a_fan_typing_while_the_index_is_still_being_built_gets_real_answers(store: Store) -> None:
    catalog = Catalog.loading(store)  # as the bot starts: the index builds in the background
    offered = await catalog.title_choices("ㅈㄱㅇㄹ")
    assert offered and offered[0].value == "all-of-us-are-dead"
    assert (await catalog.resolve("Squid Game")).slug == "squid-game"
    await catalog.loaded()
    assert (await catalog.search("Park Ji-hu")).people[0].name == "Park Ji-hu"


async def test_the_list_before_typing_puts_a_show_with_news_first_once_refreshed(catalog: Catalog) -> None:
    store = catalog.store
    before = await catalog.title_choices("")
    assert len(before) == 25
    news = {
        "slug": "aaa-renewed",
        "title": "AAA Renewed",
        "seasons": [{"number": 1, "status": {"value": "renewed"}, "release": {"date": "2027"}}],
    }
    await import_catalog(store, parse_catalog({"shows": [news]}), actor=Actor(None, "test"))
    added = await store.catalog.show_by_slug("aaa-renewed")
    assert added is not None
    await catalog.refresh_show(added.id)
    after = await catalog.title_choices("")
    assert after[0].value == "aaa-renewed"
    assert [c.value for c in after[1:]] == [c.value for c in before[:24]]


async def test_a_show_another_process_adds_is_found_after_catching_up(store: Store) -> None:
    here = await Catalog.load(store)
    assert await here.catch_up() == 0  # nothing changed since it loaded
    elsewhere_store = await Store.open(store.path)  # another process on the same file
    try:
        elsewhere = await Catalog.load(elsewhere_store)
        await edits.add_show(elsewhere, Actor(1, "curator"), "Moonlit Ferry Crossing")
    finally:
        await elsewhere_store.close()
    assert not await here.title_choices("Moonlit Ferry")
    assert await here.catch_up() == 1
    assert [c.name for c in await here.title_choices("Moonlit Ferry")] == ["Moonlit Ferry Crossing"]
    assert await here.catch_up() == 0


async def _warmed(catalog: Catalog) -> None:
    for _ in range(500):
        if catalog._warm_timer is None and not catalog._warming:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the first keystrokes were not made ready within 5 s")


async def test_the_first_keystrokes_are_answered_ready_and_made_again_after_an_edit(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lookup, "WARM_AFTER", 0.0)
    catalog.keep_first_keystrokes_ready()
    await _warmed(catalog)
    first = catalog.titles.first_keystrokes()
    assert {"s", "sq", "ㅈ", "ㅈㅣ", "ㅈㄱ"} <= set(first)  # Squid Game, 지금 우리 학교는 and its initials
    # Ready for every first keystroke, and still there after more other queries than the
    # cache of answers holds.
    for typed in range(lookup.CHOICES_CACHED + 100):
        await catalog.title_choices(f"no such title {typed}")
    ready = {key for key, (generation, _) in catalog._first.items() if generation == catalog.generation}
    assert {(search_form(q), False) for q in first} <= ready
    cold = await Catalog.load(catalog.store)
    for typed in ("S", "sq", "지", "ㅈㄱ"):
        assert await catalog.title_choices(typed) == await cold.title_choices(typed), typed

    await edits.edit_show(catalog, Actor(None, "test"), "squid-game", {"title": "Squid Game Redux"})
    await _warmed(catalog)
    generation, choices = catalog._first[("sq", False)]
    assert generation == catalog.generation
    assert "Squid Game Redux" in [c.name for c in choices]


async def test_prefixes_many_shows_share_are_answered_ahead_and_anew_after_an_edit(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 30 namesakes of a start: more than a list of choices holds.
    harbors = [{"slug": f"moonlit-harbor-{n}", "title": f"Moonlit Harbor {n}"} for n in range(30)]
    await import_catalog(catalog.store, parse_catalog({"shows": harbors}), actor=Actor(None, "test"))
    await catalog.refresh_since()
    monkeypatch.setattr(lookup, "WARM_AFTER", 0.0)
    catalog.keep_first_keystrokes_ready()
    await _warmed(catalog)
    assert "moonlitharbor" in catalog.titles.crowded_starts(lookup.CHOICES_MAX)
    cold = await Catalog.load(catalog.store)
    expected = await cold.title_choices("Moonlit Harbor")
    assert len(expected) == lookup.CHOICES_MAX
    # Answered from what was made ahead, whatever the spaces, without walking the names.
    walk = catalog.titles._prefixes
    monkeypatch.setattr(catalog.titles, "_prefixes", lambda *args: pytest.fail("walked the names"))
    for typed in ("Moonlit Harbor", "moonlit harb", "MOONLITHARBOR"):
        assert await catalog.title_choices(typed) == await cold.title_choices(typed), typed
    monkeypatch.setattr(catalog.titles, "_prefixes", walk)

    await edits.add_show(catalog, Actor(None, "test"), "Moonlit Harbor")
    # Not the answer kept before the edit: the exact title is now the best.
    assert (await catalog.title_choices("Moonlit Harbo"))[0].name == "Moonlit Harbor"
    await _warmed(catalog)
    assert (await catalog.title_choices("moonlit harbor "))[0].name == "Moonlit Harbor"
    assert catalog._crowded  # made again after the edit


async def test_a_database_read_is_not_held_up_by_the_warm_up(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up never holds the GIL for long: the database thread needs it for every row."""
    monkeypatch.setattr(lookup, "WARM_AFTER", 0.0)
    make = catalog._choices_for

    async def slow(q: str, choices: list[Choice], pool: object = None) -> list[Choice]:
        spin = time.perf_counter() + 0.0005  # a catalog of 30,000 shows takes this long a query
        while time.perf_counter() < spin:
            pass
        return await make(q, choices, pool)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "_choices_for", slow)
    monkeypatch.setattr(catalog.titles, "first_keystrokes", lambda: [f"s{i}" for i in range(2000)])
    show = await catalog.resolve("Squid Game")
    catalog.keep_first_keystrokes_ready()
    await asyncio.sleep(0.05)
    assert catalog._warming  # one second of warm-up work under way
    started = time.perf_counter()
    rows = await catalog.store.catalog.credit_rows(show.id)  # what a /cast reads
    took = time.perf_counter() - started
    assert rows and catalog._warming
    assert took < 0.1, f"a credits read took {took * 1000:.0f} ms during the warm-up"
    for task in list(catalog._warming):
        task.cancel()


async def test_shows_of_one_title_are_told_apart_in_the_title_choices(catalog: Catalog) -> None:
    def river(slug: str, released: str | None) -> dict[str, object]:
        release = {"date": released, "official": True} if released else {"date": "2027", "official": False}
        return {"slug": slug, "title": "Moon River", "seasons": [{"number": 1, "release": release}]}

    actor = Actor(None, "test")
    await import_catalog(
        catalog.store, parse_catalog({"shows": [river("moon-river", "2019-05-01")]}), actor=actor
    )
    await import_catalog(
        catalog.store, parse_catalog({"shows": [river("moon-river-2", "2024-02-03")]}), actor=actor
    )
    await catalog.refresh_since()
    choices = await catalog.title_choices("Moon River")
    assert sorted((c.name, c.value) for c in choices) == [
        ("Moon River (2019)", "moon-river"),
        ("Moon River (2024)", "moon-river-2"),
    ]
    # /search too: one line each, told apart the same way.
    shows = (await answers.search(catalog, "moon river")).embeds[0].fields[0].value or ""
    assert sorted(shows.splitlines()) == ["• **Moon River** (2019)", "• **Moon River** (2024)"]
    # A third with no official date yet: the years no longer tell all three apart.
    await import_catalog(catalog.store, parse_catalog({"shows": [river("moon-river-3", None)]}), actor=actor)
    await catalog.refresh_since()
    choices = await catalog.title_choices("moon river")
    assert sorted(c.name for c in choices) == [
        "Moon River (moon-river)",
        "Moon River (moon-river-2)",
        "Moon River (moon-river-3)",
    ]
    shows = (await answers.search(catalog, "moon river")).embeds[0].fields[0].value or ""
    assert "• **Moon River** (moon-river-3)" in shows.splitlines()
    squid = (await answers.search(catalog, "squid game")).embeds[0].fields[0].value or ""
    assert squid.splitlines()[0] == "• **Squid Game**"  # no namesake, nothing added
    assert (await catalog.title_choices("Squid Game"))[0].name == "Squid Game"  # no namesake
