from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kdrama.catalog import (
    BUNDLED_CATALOG,
    CatalogError,
    dumps,
    export_catalog,
    load_file,
    parse_catalog,
    parse_text,
    show_to_dict,
)
from kdrama.edits import import_shows as import_catalog
from kdrama.models import Actor, ChangeItem, Event, Status
from kdrama.store import Store, load_migrations

ACTOR = Actor(1, "curator")


async def test_a_new_database_is_migrated_with_wal_and_foreign_keys(empty_store: Store) -> None:
    assert await empty_store.schema_version() == len(load_migrations())
    async with empty_store.db.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"  # type: ignore[index]
    async with empty_store.db.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1  # type: ignore[index]


async def test_reopening_does_not_migrate_again_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as store:
        await import_catalog(store, load_file(BUNDLED_CATALOG), actor=ACTOR)
        shows = await store.catalog.count_shows()
    async with await Store.open(path) as store:
        assert await store.catalog.count_shows() == shows > 20


async def test_upgrading_keeps_who_set_each_field_and_can_credit_justwatch(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as old:  # a database as the bot left it before migration 0008
        for migration in load_migrations()[:7]:
            old.executescript(migration.sql)
        old.execute("PRAGMA user_version = 7")
        old.execute("INSERT INTO show (id, slug, title, platform) VALUES (1, 'x', 'X', 'Stand-in Stream')")
        old.execute(
            "INSERT INTO field_source VALUES (1, 'show.synopsis', 'curator'), (1, 'show.platform', 'tmdb')"
        )
    async with await Store.open(path) as store:
        assert await store.sync.sources(1) == {"show.synopsis": "curator", "show.platform": "tmdb"}
        assert await store.sync.curated(1) == {"show.synopsis"}  # the sync still leaves it alone
        async with store.transaction():
            await store.sync.mark(1, ["show.platform"], "justwatch")
        assert await store.sync.justwatch_platforms() == {1}
        with pytest.raises(sqlite3.IntegrityError):
            async with store.transaction():
                await store.sync.mark(1, ["show.title"], "someone")


async def test_seed_show_reads_back_as_the_article_has_it(store: Store) -> None:
    show = await store.catalog.show_by_slug("all-of-us-are-dead")
    assert show is not None
    assert show.korean_title == "지금 우리 학교는"
    assert [s.title for s in show.similar] == [
        "Squid Game",
        "Crash Landing on You",
        "Our Beloved Summer",
        "It's Okay to Not Be Okay",
    ]
    one, two = await store.catalog.seasons(show.id)
    assert (one.status.value, one.release.date.canonical(), one.release.official, one.episodes) == (
        Status.RELEASED,
        "2022-01-28",
        True,
        12,
    )
    assert (two.status.value, two.release.date.canonical(), two.release.official) == (
        Status.FILMING,
        "unknown",
        False,
    )
    # The renewal of 6 June 2022 comes back as the status's history; the fan article's
    # expectation (said in 2022) as the release date's.
    assert [(h.value, h.as_of and h.as_of.canonical()) for h in two.status.history] == [
        (Status.RENEWED, "2022-06-06")
    ]
    assert [
        (h.date.canonical(), h.official, h.as_of and h.as_of.canonical()) for h in two.release.history
    ] == [
        ("2023", False, "2022"),
        ("2024", False, "2024-01"),
    ]
    assert "fan article" in (two.release.history[0].source or "")
    cast = await store.catalog.credits(show.id, 1)
    assert [(c.actor, c.character) for c in cast] == [
        ("Park Ji-hu", "Nam On-jo"),
        ("Yoon Chan-young", "Lee Cheong-san"),
        ("Cho Yi-hyun", "Choi Nam-ra"),
        ("Park Solomon", "Lee Su-hyeok"),
        ("Yoo In-soo", "Yoon Gwi-nam"),
        ("Lee Yoo-mi", "Lee Na-yeon"),
        ("Im Jae-hyuk", "Yang Dae-su"),
    ]
    trailers = await store.catalog.trailers(show.id)
    assert [(t.season_number, t.url) for t in trailers] == [
        (1, "https://www.youtube.com/watch?v=IN5TD4VRcSM")
    ]


async def test_export_then_import_into_an_empty_database_gives_the_same_catalog(
    store: Store, tmp_path: Path
) -> None:
    exported = await export_catalog(store)
    assert exported == json.loads(dumps(exported))
    async with await Store.open(tmp_path / "other.db") as other:
        report = await import_catalog(other, parse_text(dumps(exported)), actor=ACTOR)
        assert len(report.added) == len(exported["shows"])
        assert await export_catalog(other) == exported
        again = await import_catalog(other, parse_text(dumps(exported)), actor=ACTOR)
        assert (again.added, again.changed, again.unchanged) == ([], [], len(exported["shows"]))


async def test_the_bundled_file_round_trips_without_loss(store: Store) -> None:
    """Every field of every show in data/catalog.json comes back out of the database."""
    expected = {s.slug: show_to_dict(s) for s in load_file(BUNDLED_CATALOG)}
    exported = {s["slug"]: s for s in (await export_catalog(store))["shows"]}
    assert exported == expected


async def test_aliases_and_similar_shows_read_back_in_the_curators_order(empty_store: Store) -> None:
    data = {
        "shows": [
            {"slug": "b", "title": "Bravo"},
            {"slug": "a", "title": "Alpha"},
            {
                "slug": "z",
                "title": "Zulu",
                "aliases": ["Zeta", "Alpha Z", "지금"],
                "similar": ["b", "a"],
            },
            {"slug": "lonely", "title": "Lonely"},
        ]
    }
    await import_catalog(empty_store, parse_catalog(data), actor=ACTOR)
    show = await empty_store.catalog.show_by_slug("z")
    assert show is not None
    assert show.aliases == ("Zeta", "Alpha Z", "지금")
    assert [(s.slug, s.title) for s in show.similar] == [("b", "Bravo"), ("a", "Alpha")]
    lonely = await empty_store.catalog.show_by_slug("lonely")
    assert lonely is not None and lonely.aliases == () and lonely.similar == ()
    assert await empty_store.catalog.show_by_slug("nothing") is None


async def test_a_bad_import_changes_nothing_and_names_the_entry(store: Store) -> None:
    before = await export_catalog(store)
    bad = json.loads(dumps(before))
    bad["shows"][3]["seasons"][0]["release"]["date"] = "2023-02-30"
    title = bad["shows"][3]["title"]
    with pytest.raises(CatalogError) as caught:
        parse_catalog(bad)
    assert f"shows[3] ({title})" in str(caught.value)
    assert "February 2023 has 28 days" in str(caught.value)
    assert await export_catalog(store) == before


async def test_import_refuses_a_similar_show_that_does_not_exist(empty_store: Store) -> None:
    shows = parse_catalog({"shows": [{"slug": "a", "title": "A", "similar": ["nowhere"]}]})
    with pytest.raises(CatalogError, match="'nowhere' is neither in the file nor in the catalog"):
        await import_catalog(empty_store, shows, actor=ACTOR)
    assert await empty_store.catalog.is_empty()


async def test_a_change_with_no_items_records_nothing(store: Store) -> None:
    show = await store.catalog.show_by_slug("squid-game")
    assert show
    before = await store.changes.count_for_show(show.id)
    async with store.transaction():
        change_id = await store.changes.record(
            actor=ACTOR, action="noop", show=show.ref, season_number=1, source="x", items=[]
        )
    assert change_id is None
    assert await store.changes.count_for_show(show.id) == before


async def test_outbox_rows_are_written_with_the_change_one_per_channel(store: Store) -> None:
    show = await store.catalog.show_by_slug("all-of-us-are-dead")
    other = await store.catalog.show_by_slug("squid-game")
    assert show and other
    async with store.transaction() as db:
        rows = [
            (10, 100, show.id, "status,date", 7),  # the show
            (10, 100, None, "status", 8),  # and every show, same channel: one message, two roles
            (10, 101, None, "trailer", None),  # wants other events
            (10, 102, other.id, "status", None),  # another show
            (11, 200, show.id, "status", None),
        ]
        for guild, channel, show_id, events, role in rows:
            await db.execute(
                "INSERT INTO subscription (guild_id, channel_id, show_id, events, role_id, created_by, created_at) "
                "VALUES (?,?,?,?,?,1,'2026-01-01')",
                (guild, channel, show_id, events, role),
            )
        change_id = await store.changes.record(
            actor=ACTOR,
            action="season.status",
            show=show.ref,
            season_number=2,
            source="https://example.org",
            items=[ChangeItem("season", "all-of-us-are-dead#2", "status", "unconfirmed", "renewed")],
            events={Event.STATUS},
        )
    async with store.db.execute(
        "SELECT channel_id, role_ids, state FROM delivery WHERE change_id = ? ORDER BY channel_id",
        (change_id,),
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [
            (100, "[7, 8]", "pending"),
            (200, "[]", "pending"),
        ]


# --- as-of precision and season history ---------------------------------------------------------


async def test_the_bundled_file_comes_back_out_exactly_as_written(store: Store) -> None:
    """Raw JSON in, export out: history lists and less precise as-of values included."""
    written = {s["slug"]: s for s in json.loads(BUNDLED_CATALOG.read_text(encoding="utf-8"))["shows"]}
    exported = {s["slug"]: s for s in (await export_catalog(store))["shows"]}
    assert exported == written


def _season_two(status: dict[str, object], release: dict[str, object] | None = None) -> dict[str, object]:
    season: dict[str, object] = {"number": 2, "status": status}
    if release is not None:
        season["release"] = release
    return {"shows": [{"slug": "x", "title": "X", "seasons": [season]}]}


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2022-06-06T10:00:00Z", "a year, a month or a day"),
        ("June 2022", "a year, a month or a day"),
        ("2022-02-30", "a year, a month or a day"),
        ("unknown", "a year, a month or a day"),
    ],
)
def test_an_as_of_more_precise_or_vaguer_than_a_day_month_or_year_is_refused(
    as_of: str, message: str
) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog(_season_two({"value": "renewed", "source": "Netflix press release", "as_of": as_of}))


def test_an_as_of_keeps_the_precision_it_was_given() -> None:
    (show,) = parse_catalog(
        _season_two(
            {"value": "renewed", "source": "Netflix press release", "as_of": "2022-06"},
            {"date": "2023", "source": "a fan article", "as_of": "2022"},
        )
    )
    season = show.seasons[0]
    assert season.status.as_of is not None and season.status.as_of.canonical() == "2022-06"
    assert season.release.as_of is not None and season.release.as_of.canonical() == "2022"
    assert show_to_dict(show)["seasons"][0]["release"]["as_of"] == "2022"


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            [{"value": "greenlit", "source": "Netflix press release", "as_of": "2022-06-06"}],
            "value must be one of",
        ),
        ([{"value": "renewed", "source": "Netflix press release", "as_of": "2026-01-01"}], "oldest first"),
        ("renewed", "must be a list"),
    ],
)
def test_a_wrong_status_history_is_refused_naming_the_season(history: object, message: str) -> None:
    data = _season_two(
        {"value": "filming", "source": "Netflix press release", "as_of": "2025-07-23", "history": history}
    )
    with pytest.raises(CatalogError, match=rf"^shows\[0\] \(X\): season 2 .*{message}"):
        parse_catalog(data)


async def test_import_records_each_status_step_on_its_own_day_and_notifies_no_one(store: Store) -> None:
    show = await store.catalog.show_by_slug("all-of-us-are-dead")
    assert show is not None
    changes = list(reversed(await store.changes.for_show(show.id, limit=50)))
    steps = [c for c in changes if c.action == "import.history"]
    assert [
        (c.at.isoformat(), c.season_number, [(i.field, i.old, i.new) for i in c.items]) for c in steps
    ] == [
        ("2022-06-06T00:00:00+00:00", 2, [("status", "unconfirmed", "renewed")]),
        ("2025-07-23T00:00:00+00:00", 2, [("status", "renewed", "filming")]),
    ]
    assert "Geeked Week" in (steps[0].source or "")
    assert steps[1].source == "Netflix's production announcement, 23 July 2025"
    assert all(c.events == frozenset() for c in steps)
    # Oldest first, and before the load that wrote them.
    assert [c.action for c in changes] == ["import.history", "import.history", "import"]


async def test_a_reimport_does_not_record_known_steps_again_but_records_a_new_one(store: Store) -> None:
    show = await store.catalog.show_by_slug("all-of-us-are-dead")
    assert show is not None
    data = json.loads(BUNDLED_CATALOG.read_text(encoding="utf-8"))
    (aouad,) = [s for s in data["shows"] if s["slug"] == "all-of-us-are-dead"]
    status = aouad["seasons"][1]["status"]
    status["history"].append({"value": "filming", "source": status["source"], "as_of": status["as_of"]})
    status.update(value="post_production", source="A later announcement", as_of="2026-03-02", note=None)
    await import_catalog(store, parse_catalog(data), actor=ACTOR)
    steps = [c for c in await store.changes.for_show(show.id, limit=50) if c.action == "import.history"]
    assert [(c.at.date().isoformat(), c.items[0].new) for c in reversed(steps)] == [
        ("2022-06-06", "renewed"),
        ("2025-07-23", "filming"),
        ("2026-03-02", "post_production"),
    ]
