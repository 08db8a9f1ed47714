"""Curator edits against a real SQLite file loaded with the bundled starter catalog.

What a curator or a fan would notice: the answer `/release` gives after an edit, what the
history says, which edits notify watchers (outbox rows), and that refused input leaves the
catalog exactly as it was.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from kdrama import answers, edits, render
from kdrama.dates import PartialDate, Precision
from kdrama.lookup import Catalog, UserError
from kdrama.models import Actor, Event, Status
from kdrama.settings import DEFAULT_TRAILER_HOSTS
from kdrama.store import Store, utcnow
from kdrama.validate import ValidationError

AOUAD = "all-of-us-are-dead"
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
CURATOR = Actor(1001, "curator")
OTHER = Actor(1002, "second curator")
GUILD, CHANNEL = 500, 600
Refused = (UserError, ValidationError)


async def watch_every_show(store: Store) -> None:
    """A channel subscribed to every event of every show, so the outbox shows who is notified."""
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO subscription (guild_id, channel_id, show_id, events, created_by, created_at) "
            "VALUES (?, ?, NULL, 'cast,date,release,status,trailer', 1, ?)",
            (GUILD, CHANNEL, utcnow().isoformat()),
        )


async def outbox(store: Store) -> list[int]:
    async with store.db.execute("SELECT change_id FROM delivery ORDER BY id") as cur:
        return [r[0] for r in await cur.fetchall()]


async def snapshot(store: Store) -> tuple[str, int]:
    """The exported catalog and the number of recorded changes: 'nothing changed' means both equal."""
    async with store.db.execute("SELECT count(*) FROM change") as cur:
        row = await cur.fetchone()
    assert row is not None
    return await edits.export_text(store), row[0]


async def release_text(catalog: Catalog, season: int = 2) -> str:
    return render.to_text(await answers.release(catalog, "All of Us Are Dead", season))


# --- status and date -------------------------------------------------------------------------


async def test_renewal_is_what_release_answers_and_notifies_status(catalog: Catalog) -> None:
    await watch_every_show(catalog.store)
    change = await edits.set_status(catalog, CURATOR, "All of Us Are Dead", 2, Status.RENEWED, NETFLIX)
    assert change is not None
    assert change.events == {Event.STATUS}
    assert change.action == "season.status" and change.season_number == 2
    assert "the status of season 2: Filming → Renewed" in edits.describe_change(change)
    text = await release_text(catalog)
    assert "Season 2 is officially renewed" in text
    assert NETFLIX in text
    # The date stays what it was: not announced, with the expectations that passed.
    assert "Release date:\nNot announced\n" in text
    assert "It was expected in 2023 (reported in 2022)" in text
    assert await outbox(catalog.store) == [change.id]


@pytest.mark.parametrize("status", [Status.AIRING, Status.RELEASED])
async def test_streaming_status_also_notifies_release(catalog: Catalog, status: Status) -> None:
    change = await edits.set_status(catalog, CURATOR, AOUAD, 2, status, "Netflix Tudum")
    assert change is not None
    assert change.events == {Event.STATUS, Event.RELEASE}


async def test_date_edit_keeps_its_precision_and_notifies_date(catalog: Catalog) -> None:
    await watch_every_show(catalog.store)
    change = await edits.set_date(catalog, CURATOR, AOUAD, 2, "Q4 2027", False, "Soompi report")
    assert change is not None
    assert change.events == {Event.DATE}
    season = await catalog.store.catalog.season((await catalog.resolve(AOUAD)).id, 2)
    assert season is not None
    assert season.release.date.precision is Precision.QUARTER
    assert season.release.as_of == PartialDate.from_day(utcnow().date())
    assert "reports expect it in Q4 2027" in await release_text(catalog)
    # Only the officialness moves: still a date event.
    official = await edits.set_date(catalog, CURATOR, AOUAD, 2, "Q4 2027", True, NETFLIX)
    assert official is not None and official.events == {Event.DATE}
    assert await outbox(catalog.store) == [change.id, official.id]


async def test_exact_time_is_korea_time_unless_zoned(catalog: Catalog) -> None:
    await edits.set_date(catalog, CURATOR, AOUAD, 2, "2027-10-06 17:00", True, NETFLIX)
    season = await catalog.store.catalog.season((await catalog.resolve(AOUAD)).id, 2)
    assert season is not None and season.release.date.at is not None
    assert season.release.date.at.isoformat() == "2027-10-06T08:00:00+00:00"


async def test_an_edit_that_changes_nothing_records_nothing(catalog: Catalog) -> None:
    assert await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX) is not None
    assert await edits.set_date(catalog, CURATOR, AOUAD, 2, "2027", False, "Soompi") is not None
    before = await snapshot(catalog.store)
    assert await edits.set_status(catalog, OTHER, AOUAD, 2, "renewed", NETFLIX) is None
    assert await edits.set_date(catalog, OTHER, AOUAD, 2, "2027", False, "Soompi") is None
    assert await edits.add_season(catalog, OTHER, AOUAD, 2) is None
    assert await edits.alias(catalog, OTHER, AOUAD, "now at our school") is None
    assert await edits.edit_show(catalog, OTHER, AOUAD, {"platform": "Netflix"}) is None
    assert await snapshot(catalog.store) == before


async def test_source_only_refresh_is_recorded_but_notifies_no_one(catalog: Catalog) -> None:
    await watch_every_show(catalog.store)
    renewal = await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX)
    assert renewal is not None
    refresh = await edits.set_status(
        catalog, CURATOR, AOUAD, 2, "renewed", "https://www.netflix.com/tudum", note="Confirmed at Tudum"
    )
    assert refresh is not None
    assert refresh.events == frozenset()
    assert {i.field for i in refresh.items} == {"status_source", "status_note"}
    assert await outbox(catalog.store) == [renewal.id]
    history = await catalog.store.changes.for_show(renewal.show_id or 0)
    assert [c.id for c in history[:2]] == [refresh.id, renewal.id]


async def test_a_new_status_clears_the_old_status_note(catalog: Catalog) -> None:
    show = await catalog.resolve(AOUAD)
    before = await catalog.store.catalog.season(show.id, 2)
    assert before is not None and before.status.note and "reported wrapped" in before.status.note
    assert "reported wrapped" in await release_text(catalog)
    await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX)
    after = await catalog.store.catalog.season(show.id, 2)
    assert after is not None and after.status.note is None
    assert "reported wrapped" not in await release_text(catalog)


async def test_a_new_date_clears_the_old_date_note(catalog: Catalog) -> None:
    assert "expected late 2026" in await release_text(catalog)
    await edits.set_date(catalog, CURATOR, AOUAD, 2, "Q4 2026", False, "Soompi")
    season = await catalog.store.catalog.season((await catalog.resolve(AOUAD)).id, 2)
    assert season is not None and season.release.note is None
    assert "expected late 2026" not in await release_text(catalog)


# --- trailers, cast, shows, seasons ------------------------------------------------------------


async def test_trailer_add_notifies_and_remove_does_not(catalog: Catalog) -> None:
    url = "https://www.youtube.com/watch?v=teaser2"
    added = await edits.add_trailer(
        catalog, CURATOR, AOUAD, 2, url, name="Season 2 teaser", kind="teaser", hosts=DEFAULT_TRAILER_HOSTS
    )
    assert added is not None and added.events == {Event.TRAILER}
    answer = render.to_text(await answers.trailer(catalog, AOUAD, 2))
    assert url in answer
    removed = await edits.remove_trailer(catalog, CURATOR, AOUAD, 2, url)
    assert removed.events == frozenset()
    assert url not in render.to_text(await answers.trailer(catalog, AOUAD, 2))


async def test_trailer_from_an_unknown_host_is_refused(catalog: Catalog) -> None:
    before = await snapshot(catalog.store)
    with pytest.raises(Refused, match="known video site"):
        await edits.add_trailer(
            catalog, CURATOR, AOUAD, 2, "https://evil.example/x", hosts=DEFAULT_TRAILER_HOSTS
        )
    with pytest.raises(Refused, match="https://"):
        await edits.add_trailer(
            catalog, CURATOR, AOUAD, 2, "http://www.youtube.com/watch?v=x", hosts=DEFAULT_TRAILER_HOSTS
        )
    assert await snapshot(catalog.store) == before


async def test_cast_events_official_only(catalog: Catalog) -> None:
    expected = await edits.add_cast(
        catalog, CURATOR, AOUAD, "Yoo In-soo", "Yoon Gwi-nam", season=2, official=False, source="Fan article"
    )
    assert expected is not None and expected.events == frozenset()
    made_official = await edits.add_cast(
        catalog, CURATOR, AOUAD, "Yoo In-soo", "Yoon Gwi-nam", season=2, official=True, source=NETFLIX
    )
    assert made_official is not None and made_official.events == {Event.CAST}
    # Re-adding without saying official or expected keeps what is there: nothing changes.
    assert await edits.add_cast(catalog, CURATOR, AOUAD, "Yoo In-soo", "Yoon Gwi-nam", season=2) is None
    new_official = await edits.add_cast(catalog, CURATOR, AOUAD, "Im Jae-hyuk", "Yang Dae-su", season=2)
    assert new_official is not None and new_official.events == {Event.CAST}
    cast = render.to_text(await answers.cast(catalog, AOUAD, 2))
    assert "Yoo In-soo" in cast and "Im Jae-hyuk" in cast
    removed = await edits.remove_cast(catalog, CURATOR, AOUAD, "im jae-hyuk", season=2)
    assert removed.events == frozenset()
    assert "Im Jae-hyuk" not in render.to_text(await answers.cast(catalog, AOUAD, 2))


async def test_cast_add_on_an_existing_entry_takes_the_korean_name_it_was_given(catalog: Catalog) -> None:
    assert await edits.add_cast(catalog, CURATOR, AOUAD, "Kim Newcomer", "A student", season=2) is not None
    billed = render.to_text(await answers.cast(catalog, AOUAD, 2))
    updated = await edits.add_cast(
        catalog, CURATOR, AOUAD, "Kim Newcomer", "A student", season=2, korean_name="김뉴커머"
    )
    assert updated is not None
    assert "Korean name of the cast entry for Kim Newcomer (season 2): none → “김뉴커머”" in "\n".join(
        edits.describe_change(updated)
    )
    cast = render.to_text(await answers.cast(catalog, AOUAD, 2))
    assert "Kim Newcomer (김뉴커머) as A student" in cast
    assert cast.index("Kim Newcomer") == billed.index("Kim Newcomer")  # same place in the billing
    # Left out, the Korean name stays; given again, nothing changes.
    assert await edits.add_cast(catalog, CURATOR, AOUAD, "Kim Newcomer", "A student", season=2) is None
    assert (
        await edits.add_cast(
            catalog, CURATOR, AOUAD, "Kim Newcomer", "A student", season=2, korean_name="김뉴커머"
        )
        is None
    )
    await edits.undo(catalog, CURATOR, updated.id)
    assert render.to_text(await answers.cast(catalog, AOUAD, 2)) == billed


async def test_cast_add_with_a_korean_name_picks_that_actor_among_two_of_one_english_name(
    catalog: Catalog,
) -> None:
    data = json.loads(await edits.export_text(catalog.store))
    aouad = next(s for s in data["shows"] if s["slug"] == AOUAD)
    aouad["seasons"][1]["cast"] += [
        {"actor": "Kim Ji-won", "character": "A student"},
        {"actor": "Kim Ji-won", "korean_name": "김지원", "character": "A teacher"},
    ]
    await edits.import_catalog(
        catalog, CURATOR, json.dumps({"format": 1, "shows": [aouad]}).encode(), hosts=None
    )
    change = await edits.add_cast(
        catalog, CURATOR, AOUAD, "Kim Ji-won", "The principal", season=2, korean_name="김지원"
    )
    assert change is not None
    cast = render.to_text(await answers.cast(catalog, AOUAD, 2))
    assert "Kim Ji-won (김지원) as The principal" in cast and "Kim Ji-won as A student" in cast, cast


async def test_expected_cast_needs_a_source(catalog: Catalog) -> None:
    before = await snapshot(catalog.store)
    with pytest.raises(Refused, match="expected cast entry needs a source"):
        await edits.add_cast(catalog, CURATOR, AOUAD, "Someone", "Someone else", season=2, official=False)
    assert await snapshot(catalog.store) == before


async def test_show_add_edit_alias_remove_and_undo_remove(catalog: Catalog) -> None:
    await watch_every_show(catalog.store)
    added = await edits.add_show(
        catalog,
        CURATOR,
        "Lovely Runner",
        korean_title="선재 업고 튀어",
        platform="tvN",
        country="kr",
        genres="Romance, Fantasy",
    )
    assert added.events == frozenset()
    assert (await catalog.resolve("선재 업고 튀어")).slug == "lovely-runner"
    season = await edits.add_season(catalog, CURATOR, "Lovely Runner", 1, episodes=16)
    assert season is not None and season.events == frozenset()
    edited = await edits.edit_show(
        catalog,
        CURATOR,
        "lovely-runner",
        {"platform": "TVING", "synopsis": "A fan travels back in time.", "country": "-"},
    )
    assert edited is not None
    assert {i.field for i in edited.items} == {"platform", "synopsis", "country"}
    show = await catalog.resolve("lovely-runner")
    assert (show.platform, show.synopsis, show.country) == ("TVING", "A fan travels back in time.", None)
    aliased = await edits.alias(catalog, CURATOR, "lovely-runner", "Sunjae")
    assert aliased is not None
    assert (await catalog.resolve("Sunjae")).slug == "lovely-runner"
    removed = await edits.remove_show(catalog, CURATOR, "lovely-runner")
    with pytest.raises(UserError):
        await catalog.resolve("Lovely Runner")
    await edits.undo(catalog, OTHER, removed.id)
    back = await catalog.resolve("Sunjae")
    assert back.id == show.id and back.synopsis == "A fan travels back in time."
    assert [s.episodes for s in await catalog.store.catalog.seasons(back.id)] == [16]
    assert await outbox(catalog.store) == []  # none of these notify


async def test_season_remove_takes_cast_and_trailers_and_undo_brings_them_back(catalog: Catalog) -> None:
    before = await edits.export_text(catalog.store)
    removed = await edits.remove_season(catalog, CURATOR, AOUAD, 1)
    assert removed.events == frozenset()
    assert {i.entity for i in removed.items} == {"season", "credit", "trailer"}
    assert "Yoo In-soo" not in render.to_text(await answers.cast(catalog, AOUAD, None))
    restored = await edits.undo(catalog, CURATOR, removed.id)
    assert await edits.export_text(catalog.store) == before
    assert restored.events == frozenset()  # its old trailer and cast are not news


# --- undo --------------------------------------------------------------------------------------


async def test_undo_restores_the_previous_answer_and_notifies(catalog: Catalog) -> None:
    await watch_every_show(catalog.store)
    before = await release_text(catalog)
    change = await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX)
    assert change is not None
    undone = await edits.undo(catalog, OTHER, change.id)
    assert undone.undo_of == change.id
    assert undone.events == {Event.STATUS}
    assert await release_text(catalog) == before
    assert await outbox(catalog.store) == [change.id, undone.id]
    with pytest.raises(UserError, match=f"Change #{change.id} was already undone by change #{undone.id}"):
        await edits.undo(catalog, OTHER, change.id)


async def test_undo_is_refused_after_a_later_change_to_the_same_field(catalog: Catalog) -> None:
    renewal = await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX)
    filming = await edits.set_status(catalog, OTHER, AOUAD, 2, "filming", NETFLIX)
    assert renewal is not None and filming is not None
    before = await snapshot(catalog.store)
    with pytest.raises(
        UserError, match=rf"^Change #{filming.id} later changed the status of season 2; undo that first\.$"
    ):
        await edits.undo(catalog, CURATOR, renewal.id)
    assert await snapshot(catalog.store) == before
    # A later edit of another field does not block: the date is separate from the status.
    dated = await edits.set_date(catalog, OTHER, AOUAD, 2, "2027", False, "Soompi")
    assert dated is not None
    await edits.undo(catalog, CURATOR, filming.id)
    await edits.undo(catalog, CURATOR, renewal.id)
    assert "Season 2 is filming" in await release_text(catalog)
    assert "reports expect it in 2027" in await release_text(catalog)


async def test_undo_of_an_unknown_change_is_refused(catalog: Catalog) -> None:
    with pytest.raises(UserError, match="There is no change #9999"):
        await edits.undo(catalog, CURATOR, 9999)


# --- concurrency -------------------------------------------------------------------------------


async def test_concurrent_edits_of_one_season_both_land_in_order(catalog: Catalog) -> None:
    first, second = await asyncio.gather(
        edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX),
        edits.set_status(catalog, OTHER, AOUAD, 2, "filming", "https://www.netflix.com/tudum"),
    )
    assert first is not None and second is not None
    history = await catalog.store.changes.for_show(first.show_id or 0, limit=2)
    assert [c.id for c in history] == [second.id, first.id]
    status_items = {c.id: next(i for i in c.items if i.field == "status") for c in history}
    # The second read the first's value inside its transaction: a chain, nothing lost.
    assert status_items[first.id].new == status_items[second.id].old == "renewed"
    assert "Season 2 is filming" in await release_text(catalog)


# --- refused input leaves everything as it was -------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: edits.set_date(c, CURATOR, AOUAD, 2, "2023-02-30", True, NETFLIX),
            "2023-02-30 is not a date: February 2023 has 28 days.",
        ),
        (
            lambda c: edits.set_date(c, CURATOR, AOUAD, 2, "soon", True, NETFLIX),
            "I can't read the date 'soon'.",
        ),
        (
            lambda c: edits.set_status(c, CURATOR, AOUAD, 2, "renewed", "  "),
            "A status edit needs a source: an https:// link or a short citation.",
        ),
        (
            lambda c: edits.set_date(c, CURATOR, AOUAD, 2, "2025", True, None),
            "A date edit needs a source: an https:// link or a short citation.",
        ),
        (
            lambda c: edits.set_status(c, CURATOR, AOUAD, 2, "renewed", "http://example.com/x"),
            "source must be an https:// link or a short citation",
        ),
        (
            lambda c: edits.set_status(c, CURATOR, AOUAD, 5, "renewed", NETFLIX),
            "All of Us Are Dead has no season 5; its seasons are 1 and 2.",
        ),
        (
            lambda c: edits.set_status(c, CURATOR, "No Such Drama Anywhere", 1, "renewed", NETFLIX),
            "No show called “No Such Drama Anywhere”",
        ),
        (lambda c: edits.add_show(c, CURATOR, " \x07 "), "The title can't be empty."),
        (
            lambda c: edits.add_show(c, CURATOR, "x" * 201),
            "The title is too long: 201 characters, at most 200.",
        ),
        (
            lambda c: edits.add_show(c, CURATOR, "Squid Game"),
            "A show called “Squid Game” is already in the catalog",
        ),
        (
            lambda c: edits.add_show(c, CURATOR, "New One", platform_url="ftp://x.org"),
            "The platform link must be an https:// link",
        ),
        (
            lambda c: edits.set_status(c, CURATOR, AOUAD, 2, "renewed", NETFLIX, note="x" * 3001),
            "The note is too long",
        ),
        (
            lambda c: edits.remove_cast(c, CURATOR, AOUAD, "Nobody Here", season=1),
            "Nobody Here is not in the cast",
        ),
        (
            lambda c: edits.remove_cast(c, CURATOR, AOUAD, "Park Ji-hu"),
            "Park Ji-hu is not in the cast of All of Us Are Dead (the whole-show cast); "
            "they are credited in season 1, season 2.",
        ),
        (lambda c: edits.remove_trailer(c, CURATOR, AOUAD, 2, "https://youtu.be/x"), "has no trailer"),
        (lambda c: edits.alias(c, CURATOR, AOUAD, "Zombie School", remove=True), "has no alias"),
        (lambda c: edits.remove_curator(c.store, CURATOR, 42), "is not a curator"),
    ],
)
async def test_bad_input_is_refused_with_a_sentence_and_changes_nothing(
    catalog: Catalog, call, message
) -> None:
    before = await snapshot(catalog.store)
    with pytest.raises(Refused) as info:
        await call(catalog)
    assert message in str(info.value)
    assert await snapshot(catalog.store) == before


BLANKS = {"zero-width space": "\u200b", "spaces": "   ", "a control character": "\x00"}
BLANK_INPUTS = {
    "date": lambda c, typed: edits.set_date(c, CURATOR, AOUAD, 1, typed, True, "Netflix"),
    "status note": lambda c, typed: edits.set_status(c, CURATOR, AOUAD, 2, "filming", NETFLIX, note=typed),
    "date note": lambda c, typed: edits.set_date(c, CURATOR, AOUAD, 2, "unknown", False, NETFLIX, note=typed),
    "character": lambda c, typed: edits.add_cast(c, CURATOR, AOUAD, "Park Ji-hu", typed, season=1),
    "korean name": lambda c, typed: edits.add_cast(
        c, CURATOR, AOUAD, "Park Ji-hu", "Nam On-jo", season=1, korean_name=typed
    ),
    "cast source": lambda c, typed: edits.add_cast(
        c, CURATOR, AOUAD, "Park Ji-hu", "Nam On-jo", season=1, source=typed
    ),
    "trailer name": lambda c, typed: edits.add_trailer(
        c,
        CURATOR,
        AOUAD,
        2,
        "https://www.youtube.com/watch?v=teaser2",
        name=typed,
        hosts=DEFAULT_TRAILER_HOSTS,
    ),
}


@pytest.mark.parametrize("typed", BLANKS.values(), ids=BLANKS.keys())
@pytest.mark.parametrize("call", BLANK_INPUTS.values(), ids=BLANK_INPUTS.keys())
async def test_a_blank_or_invisible_value_is_refused_not_read_as_unknown_or_empty(
    catalog: Catalog, call, typed: str
) -> None:
    """Text that shows nothing (Discord lets it through) never wipes a date, a note or a character."""
    before = await snapshot(catalog.store)
    with pytest.raises(Refused, match="empty") as info:
        await call(catalog, typed)
    assert "\n" not in str(info.value) and str(info.value).endswith(".")
    assert await snapshot(catalog.store) == before


async def test_unknown_and_a_dash_still_clear_a_date_and_its_note(catalog: Catalog) -> None:
    await edits.set_date(catalog, CURATOR, AOUAD, 2, "Q4 2026", False, "Soompi", note="A rumour.")
    assert "A rumour." in await release_text(catalog)
    assert await edits.set_date(catalog, CURATOR, AOUAD, 2, "Q4 2026", False, "Soompi", note="-") is not None
    assert "A rumour." not in await release_text(catalog)
    await edits.set_date(catalog, CURATOR, AOUAD, 1, "unknown", False, "Netflix")
    season = await catalog.store.catalog.season((await catalog.resolve(AOUAD)).id, 1)
    assert season is not None and season.release.date.precision is Precision.UNKNOWN


SHOW_TEXT_FIELDS = (
    "korean_title",
    "romanized_title",
    "platform",
    "platform_url",
    "country",
    "genres",
    "synopsis",
    "poster_url",
)


SHOW_BLANKS = {
    f"{field}, {what}": (field, typed) for field in SHOW_TEXT_FIELDS for what, typed in BLANKS.items()
}
SHOW_BLANKS["genres, only commas"] = ("genres", " , ,")


@pytest.mark.parametrize(("field", "typed"), SHOW_BLANKS.values(), ids=SHOW_BLANKS.keys())
async def test_a_blank_or_invisible_show_field_is_refused_not_emptied(
    catalog: Catalog, field: str, typed: str
) -> None:
    """/admin show edit with text that shows nothing keeps the field; only "-" empties it."""
    await edits.edit_show(catalog, CURATOR, AOUAD, {"poster_url": "https://image.example.org/aouad.jpg"})
    before = await snapshot(catalog.store)
    with pytest.raises(Refused, match="empty") as info:
        await edits.edit_show(catalog, CURATOR, AOUAD, {field: typed})
    assert "\n" not in str(info.value) and str(info.value).endswith(".")
    assert await snapshot(catalog.store) == before


@pytest.mark.parametrize("field", SHOW_TEXT_FIELDS)
async def test_a_dash_still_empties_an_optional_show_field(catalog: Catalog, field: str) -> None:
    await edits.edit_show(catalog, CURATOR, AOUAD, {"poster_url": "https://image.example.org/aouad.jpg"})
    assert getattr(await catalog.resolve(AOUAD), field), f"{field} has a value to empty"
    changed = await edits.edit_show(catalog, CURATOR, AOUAD, {field: "-"})
    assert changed is not None and [i.field for i in changed.items] == [field]
    assert not getattr(await catalog.resolve(AOUAD), field)


async def test_control_characters_are_cleaned_from_free_text(catalog: Catalog) -> None:
    change = await edits.set_status(
        catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX, note="Confirmed\x00 at\u202e Tudum"
    )
    assert change is not None
    season = await catalog.store.catalog.season((await catalog.resolve(AOUAD)).id, 2)
    assert season is not None and season.status.note == "Confirmed at Tudum"


# --- curators ----------------------------------------------------------------------------------


async def test_curators_add_list_remove(catalog: Catalog) -> None:
    store = catalog.store
    assert not await edits.is_curator(store, 77)
    assert await edits.add_curator(store, CURATOR, 77) is not None
    assert await edits.add_curator(store, CURATOR, 77) is None  # already one
    assert await edits.is_curator(store, 77)
    assert [c[0] for c in await edits.list_curators(store)] == [77]
    change_id = await edits.remove_curator(store, CURATOR, 77)
    assert not await edits.is_curator(store, 77)
    with pytest.raises(UserError, match="Curator changes are not undone"):
        await edits.undo(catalog, CURATOR, change_id)


# --- import and export -------------------------------------------------------------------------


async def test_bad_import_changes_nothing_and_names_the_entry(catalog: Catalog) -> None:
    data = json.loads(await edits.export_text(catalog.store))
    data["shows"][0]["title"] = "Changed but never written"
    data["shows"][3]["seasons"][0]["release"]["date"] = "2023-02-30"
    bad_title = data["shows"][3]["title"]
    before = await snapshot(catalog.store)
    with pytest.raises(UserError) as info:
        await edits.import_catalog(catalog, CURATOR, json.dumps(data).encode(), hosts=DEFAULT_TRAILER_HOSTS)
    assert str(info.value).startswith(f"Nothing imported: shows[3] ({bad_title}): 2023-02-30 is not a date")
    assert await snapshot(catalog.store) == before
    with pytest.raises(UserError, match="not valid JSON"):
        await edits.import_catalog(catalog, CURATOR, b"{nope", hosts=DEFAULT_TRAILER_HOSTS)
    with pytest.raises(UserError, match="too big"):
        await edits.import_catalog(
            catalog, CURATOR, b" " * (edits.IMPORT_MAX_BYTES + 1), hosts=DEFAULT_TRAILER_HOSTS
        )
    assert await snapshot(catalog.store) == before


async def test_export_then_import_into_an_empty_database_gives_the_same_catalog(
    catalog: Catalog, tmp_path: Path
) -> None:
    await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", NETFLIX)
    await edits.add_cast(
        catalog, CURATOR, AOUAD, "Cho Yi-hyun", "Choi Nam-ra", season=2, official=False, source="Fan article"
    )
    exported = await edits.export_text(catalog.store)
    empty = await Store.open(tmp_path / "empty.db")
    try:
        other = await Catalog.load(empty)
        result = await edits.import_catalog(other, CURATOR, exported.encode(), hosts=DEFAULT_TRAILER_HOSTS)
        assert len(result.report.added) == len(json.loads(exported)["shows"])
        assert len(result.change_ids) == len(result.report.added)
        assert await edits.export_text(empty) == exported
        assert (await other.resolve("지금 우리 학교는")).slug == AOUAD
    finally:
        await empty.close()


async def test_an_import_can_be_undone(catalog: Catalog) -> None:
    before = await edits.export_text(catalog.store)
    data = json.loads(before)
    aouad = next(s for s in data["shows"] if s["slug"] == AOUAD)
    aouad["seasons"][1]["status"] = {
        "value": "renewed",
        "source": NETFLIX,
        "as_of": "2026-01-01",
        "note": None,
    }
    new_show = {**data["shows"][0], "slug": "brand-new-show", "title": "Brand New Show", "similar": []}
    result = await edits.import_catalog(
        catalog, CURATOR, json.dumps({"format": 1, "shows": [aouad, new_show]}).encode(), hosts=None
    )
    assert result.report.added == ["Brand New Show"] and result.report.changed == ["All of Us Are Dead"]
    assert "officially renewed" in await release_text(catalog)
    for change_id in result.change_ids:
        await edits.undo(catalog, CURATOR, change_id)
    assert await edits.export_text(catalog.store) == before


async def test_search_finds_a_new_cast_member_and_forgets_a_removed_one(catalog: Catalog) -> None:
    curator = Actor(42, "curator")
    assert (await catalog.search("Kim Newcomer")).people == []
    await edits.add_cast(
        catalog,
        curator,
        "All of Us Are Dead",
        "Kim Newcomer",
        "A new student",
        season=2,
        official=True,
        source="https://example.org/cast",
    )
    found = (await catalog.search("Kim Newcomer")).people
    assert [(p.name, [s.title for s in p.shows]) for p in found] == [("Kim Newcomer", ["All of Us Are Dead"])]
    await edits.remove_cast(catalog, curator, "All of Us Are Dead", "Kim Newcomer", season=2)
    assert all(p.name != "Kim Newcomer" for p in (await catalog.search("Kim Newcomer")).people)


async def test_a_renewal_moves_the_show_into_the_list_offered_before_typing(catalog: Catalog) -> None:
    before = {c.value for c in await catalog.title_choices("")}
    assert len(before) == 25  # 26 starter shows: one is left out of the list
    (left_out,) = {ref.slug for ref in (await catalog.store.catalog.show_refs()).values()} - before
    curator = Actor(42, "curator")
    seasons = await catalog.store.catalog.seasons((await catalog.resolve(left_out)).id)
    await edits.add_season(catalog, curator, left_out, seasons[-1].number + 1)
    await edits.set_status(
        catalog, curator, left_out, seasons[-1].number + 1, "renewed", "https://example.org/renewal"
    )
    assert left_out in [c.value for c in await catalog.title_choices("")]
