from __future__ import annotations

import json
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
        Status.UNCONFIRMED,
        "2023",
        False,
    )
    assert "fan article" in (two.release.source or "")
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
