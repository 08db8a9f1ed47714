"""The TMDB sync against the stand-in: imports, stays quiet when nothing changed, curators win."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kdrama import admin_render, answers, edits
from kdrama.dates import PartialDate
from kdrama.edits import load_starter_if_empty
from kdrama.edits.sync import accept_review, keep_review
from kdrama.lookup import Catalog
from kdrama.models import Event
from kdrama.render import to_text
from kdrama.store import Store, load_migrations
from kdrama.tmdb.client import TmdbClient
from kdrama.tmdb.sync import Syncer
from tests.tmdbstandin.server import TmdbStandIn
from tests.tmdbstandin.world import Credit, Person, Season, Show, Video, World
from tests.unit.tmdb.sync_support import (
    CURATOR,
    client,
    curated_after_upgrade,
    linked,
    rewind_schema,
    two_season_world,
)

pytestmark = pytest.mark.asyncio

UNKNOWN_RELEASE_MIGRATION = next(
    m.version for m in load_migrations() if m.name.endswith("_curated_unknown_release.sql")
)


async def only_show_id(store: Store) -> int:
    row = await store.fetch_one("SELECT id FROM show")
    assert row is not None
    return int(row[0])


async def count(store: Store, table: str) -> int:
    row = await store.fetch_one(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_a_full_sync_imports_every_korean_drama_and_a_second_run_changes_nothing(
    standin: TmdbStandIn, db: Store
) -> None:
    async with client(standin) as tmdb:
        first = await Syncer(db, tmdb).run("full")
        korean = standin.world.korean()
        assert first.ok and first.stats.added == len(korean) and first.stats.errors == 0
        assert await db.catalog.count_shows() == len(korean)
        assert set(await db.sync.links()) == {s.id for s in korean}
        changes = await count(db, "change")
        second = await Syncer(db, tmdb).run("incremental")
    assert second.ok and second.mode == "incremental"
    assert (second.stats.added, second.stats.updated) == (0, 0)
    assert await count(db, "change") == changes
    runs = await db.sync.last_runs()
    assert [r.mode for r in runs[:2]] == ["incremental", "full"]
    assert runs[1].added == len(korean)


async def test_the_first_import_notifies_no_one_and_a_new_air_date_notifies_once(
    standin: TmdbStandIn, db: Store
) -> None:
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        assert await count(db, "delivery") == 0
        # A watched show whose next season has no date yet.
        world = standin.world
        show = next(s for s in world.korean() if s.seasons[-1].air_date is not None)
        show.seasons.append(Season(len([s for s in show.seasons if s.number]) + 1, None, 12))
        world.mark_changed(show.id)
        await syncer.run("incremental")
        show_id = await db.sync.show_id(show.id)
        assert show_id is not None
        now = datetime.now(UTC)
        for channel in (11, 12):
            await db.subscriptions.add(
                guild_id=1,
                channel_id=channel,
                show_id=show_id,
                events=frozenset(Event),
                role_id=None,
                created_by=1,
                resend_since=now,
                now=now,
            )
        before = await count(db, "delivery")
        new_season = show.seasons[-1]
        new_season.air_date = world.today + timedelta(days=60)
        world.mark_changed(show.id)
        result = await syncer.run("incremental")
    assert result.stats.updated == 1
    rows = await db.fetch_all(
        "SELECT d.channel_id, c.actor_name, c.events FROM delivery d JOIN change c ON c.id = d.change_id "
        "WHERE d.id > ?",
        (before,),
    )
    assert sorted(r[0] for r in rows) == [11, 12]
    assert {r[1] for r in rows} == {"TMDB sync"}
    assert {r[2] for r in rows} == {"date"}
    season = await db.catalog.season(show_id, new_season.number)
    assert season is not None and not season.release.official  # a future date is only listed on TMDB
    assert season.release.date.known


async def test_a_curator_field_is_not_overwritten_and_waits_for_review(
    standin: TmdbStandIn, db: Store
) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        show = standin.world.korean()[0]
        show_id, ref = await linked(db, show.id)
        await edits.edit_show(catalog, CURATOR, ref.slug, {"synopsis": "The curators' own synopsis."})
        show.overview = "TMDB's new overview."
        show.videos = []
        show.seasons[0].videos.append(Video("abcDEF12345", "Season 1 Main Trailer"))
        standin.world.mark_changed(show.id)
        result = await syncer.run("incremental")
    stored = await db.catalog.show(show_id)
    assert stored is not None and stored.synopsis == "The curators' own synopsis."
    assert result.stats.reviews == 1 and result.stats.updated == 1  # the trailer still came in
    items = await db.sync.open_reviews()
    assert [(i.show_id, i.key) for i in items] == [(show_id, "show.synopsis")]
    assert "TMDB's new overview." in items[0].summary
    change = await accept_review(catalog, CURATOR, items[0].id)
    assert change is not None and change.actor_name == "Curator Kim"
    stored = await db.catalog.show(show_id)
    assert stored is not None and stored.synopsis == "TMDB's new overview."
    assert await db.sync.open_reviews() == []
    assert "show.synopsis" not in await db.sync.curated(show_id)  # it follows TMDB again
    # Undo puts the curator's synopsis back, as any edit.
    await edits.undo(catalog, CURATOR, change.id)
    stored = await db.catalog.show(show_id)
    assert stored is not None and stored.synopsis == "The curators' own synopsis."


async def test_keep_ours_stays_kept_until_tmdb_changes_again(standin: TmdbStandIn, db: Store) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        show = standin.world.korean()[1]
        await syncer.pull(show.id)
        show_id, ref = await linked(db, show.id)
        await edits.edit_show(catalog, CURATOR, ref.slug, {"platform": "Curated Flix"})
        show.networks = [(99, "TMDB Network")]
        show.providers = {}
        await syncer.pull(show.id)
        [item] = await db.sync.open_reviews()
        assert (await keep_review(db, CURATOR, item.id)).startswith("Kept the catalog's platform")
        await syncer.pull(show.id)
        assert await db.sync.open_reviews() == []
        show.networks = [(98, "Another Network")]
        await syncer.pull(show.id)
    [again] = await db.sync.open_reviews()
    assert "Another Network" in again.summary
    stored = await db.catalog.show(show_id)
    assert stored is not None and stored.platform == "Curated Flix"


async def test_a_malformed_answer_is_skipped_whole_and_taken_next_time(
    standin: TmdbStandIn, db: Store
) -> None:
    show = standin.world.korean()[2]
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        standin.inject("/tv/{id}/season/{n}", "wrong_type", field="episodes")
        first, _ = await syncer.pull(show.id)
        assert first.stats.errors == 1 and not first.ok
        assert await db.sync.show_id(show.id) is None
        assert await db.catalog.count_shows() == 0  # not half-written
        again, result = await syncer.pull(show.id)
    assert again.ok and result is not None and result.added
    runs = await db.sync.last_runs()
    assert runs[1].errors == 1 and "TMDB" in runs[1].error_text[0]


async def test_429s_and_an_outage_lose_nothing(standin: TmdbStandIn, db: Store) -> None:
    standin.inject("*", "429", times=5, retry_after=0.2)
    standin.start_outage(2.0)
    async with client(standin, request_deadline=8.0) as tmdb:
        result = await Syncer(db, tmdb).run("full")
    assert result.ok and result.stats.errors == 0
    assert result.stats.added == len(standin.world.korean())


async def test_a_wrong_token_stops_the_run_and_is_recorded(standin: TmdbStandIn, db: Store) -> None:
    from kdrama.tmdb.errors import TmdbConfigError

    async with TmdbClient("eyJ.wrong.token", base_url=standin.base_url) as tmdb:
        with pytest.raises(TmdbConfigError):
            await Syncer(db, tmdb).run("full")
    [run] = await db.sync.last_runs()
    assert not run.ok and run.errors == 1


async def test_linking_a_hand_made_show_keeps_every_curated_value_and_lists_the_differences(
    standin: TmdbStandIn, store: Store
) -> None:
    aouad = await store.catalog.show_by_slug("all-of-us-are-dead")
    assert aouad is not None
    before = await store.catalog.file_shows([aouad.id])
    tmdb_show = standin.world.korean()[3]
    async with client(standin) as tmdb:
        run, result = await Syncer(store, tmdb).pull(tmdb_show.id, show_id=aouad.id)
    assert run.ok and result is not None and not result.added
    assert await store.sync.tmdb_id(aouad.id) == tmdb_show.id
    after = await store.catalog.file_shows([aouad.id])
    # The starter catalog is curated: its title, synopsis, seasons' status and dates stand.
    for field in ("title", "korean_title", "synopsis", "platform"):
        assert after[0][field] == before[0][field]
    old_seasons = {s["number"]: s for s in before[0]["seasons"]}
    for season in after[0]["seasons"]:
        if season["number"] in old_seasons:
            assert season["status"] == old_seasons[season["number"]]["status"]
            assert season["release"] == old_seasons[season["number"]]["release"]
    keys = {i.key for i in await store.sync.open_reviews(50)}
    assert {"show.title", "show.synopsis", "season.1.release"} <= keys


async def test_a_listed_future_seasons_cast_is_never_official(empty_store: Store) -> None:
    world = World(1, seed=11)
    tv = world.korean()[0]
    tv.name = "Harbor Lights"
    s1 = next(s for s in tv.seasons if s.number == 1)
    s1.air_date = date(2024, 3, 1)
    newcomer = Person(81_000_001, "Newcomer Actor", "신인 배우")
    s2 = Season(2, date(2027, 3, 1), 10, [Credit(newcomer, "New Hero", 10, 0)])
    tv.seasons = [s1, s2]
    server = TmdbStandIn(world).start()
    try:
        async with client(server) as tmdb:
            assert (await Syncer(empty_store, tmdb).run("full")).ok
    finally:
        server.stop()
    catalog = await Catalog.load(empty_store)
    ref = await empty_store.catalog.show_ref(await only_show_id(empty_store))
    assert ref is not None
    season_2 = to_text(await answers.cast(catalog, ref.slug, 2))
    lines = [x for x in season_2.splitlines() if x.startswith("Newcomer Actor")]
    assert len(lines) == 1 and "expected" in lines[0], season_2
    # Season 1's actors are season 1's: none of them is listed for season 2.
    for credit in s1.cast:
        assert credit.person.name not in season_2
    season_1 = to_text(await answers.cast(catalog, ref.slug, 1))
    assert "Newcomer Actor" not in season_1 and s1.cast[0].person.name in season_1


async def test_a_show_synced_before_loses_tmdbs_whole_show_cast_on_the_next_sync(
    standin: TmdbStandIn, db: Store
) -> None:
    show = standin.world.korean()[0]
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.pull(show.id)
        show_id = await db.sync.show_id(show.id)
        assert show_id is not None
        # What an older sync wrote: TMDB's whole-show cast, official, marked as TMDB's.
        async with db.transaction():
            await db.catalog.insert_credit(
                show_id,
                {
                    "season_number": None,
                    "actor": "Stand-in Whole Show Actor",
                    "korean_name": None,
                    "character": "Everyone",
                    "billing": 1,
                    "official": True,
                    "source": f"https://www.themoviedb.org/tv/{show.id}",
                },
            )
            await db.sync.mark(show_id, ["show.cast"], "tmdb")
        catalog = await Catalog.load(db)
        ref = await db.catalog.show_ref(show_id)
        assert ref is not None
        assert "Stand-in Whole Show Actor" in to_text(await answers.cast(catalog, ref.slug, 1))
        await syncer.pull(show.id)
    catalog = await Catalog.load(db)
    assert "Stand-in Whole Show Actor" not in to_text(await answers.cast(catalog, ref.slug, 1))
    assert await db.catalog.season_credits(show_id, None) == []


async def test_a_curators_whole_show_cast_stays(standin: TmdbStandIn, db: Store) -> None:
    show = standin.world.korean()[0]
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.pull(show.id)
        show_id, ref = await linked(db, show.id)
        await edits.add_cast(catalog, CURATOR, ref.slug, "Curated Narrator", "Narrator")
        show.overview = "Changed so that the show is read again."
        await syncer.pull(show.id)
    assert [c.actor for c in await db.catalog.season_credits(show_id, None)] == ["Curated Narrator"]


async def test_linking_the_starter_show_leaves_its_season_cast_as_curated(
    standin: TmdbStandIn, store: Store
) -> None:
    catalog = await Catalog.load(store)
    before = to_text(await answers.cast(catalog, "all-of-us-are-dead", 2))
    ref = await store.catalog.show_ref_by_slug("all-of-us-are-dead")
    assert ref is not None
    tv = standin.world.korean()[3]
    assert any(c for s in tv.seasons for c in s.cast)
    async with client(standin) as tmdb:
        run, _ = await Syncer(store, tmdb).pull(tv.id, show_id=ref.id)
    assert run.ok
    catalog = await Catalog.load(store)
    assert to_text(await answers.cast(catalog, "all-of-us-are-dead", 2)) == before


def aouad_on_tmdb(world: World, second: date | None) -> Show:
    """A stand-in show to link All of Us Are Dead to: season 1 aired, season 2 listed on `second`."""
    tv = world.korean()[0]
    tv.name, tv.original_name = "All of Us Are Dead", "지금 우리 학교는"
    while len([s for s in tv.seasons if s.number >= 1]) < 2:
        tv.seasons.append(Season(len(tv.seasons) + 1, None, 8))
    tv.seasons = [s for s in tv.seasons if s.number >= 1][:2]
    tv.seasons[0].number, tv.seasons[1].number = 1, 2
    tv.seasons[0].air_date, tv.seasons[1].air_date = date(2022, 1, 28), second
    return tv


async def test_linking_keeps_the_starter_catalogs_unknown_release_and_reviews_tmdbs_date(
    store: Store,
) -> None:
    world = World(3, seed=11)
    tv = aouad_on_tmdb(world, date(2027, 1, 15))
    ref = await store.catalog.show_ref_by_slug("all-of-us-are-dead")
    assert ref is not None
    before = await store.catalog.season(ref.id, 2)
    assert before is not None and not before.release.date.known and before.release.note
    server = TmdbStandIn(world).start()
    try:
        async with client(server) as tmdb:
            run, _ = await Syncer(store, tmdb).pull(tv.id, show_id=ref.id)
    finally:
        server.stop()
    assert run.ok
    after = await store.catalog.season(ref.id, 2)
    assert after is not None and after.release == before.release
    catalog = await Catalog.load(store)
    assert "15 January 2027" not in to_text(await answers.release(catalog, "All of Us Are Dead", 2))
    reviews = {i.key: i for i in await store.sync.open_reviews(50)}
    assert "15 January 2027" in reviews["season.2.release"].summary


async def test_a_bare_unknown_release_is_filled_by_tmdbs_listed_date(empty_store: Store) -> None:
    catalog = await Catalog.load(empty_store)
    # A hand-made show whose seasons were added without a word about their dates.
    change = await edits.add_show(catalog, CURATOR, "Hand Made Drama")
    assert change is not None
    ref = await empty_store.catalog.show_ref(change.show_id)
    assert ref is not None
    for number in (1, 2):
        await edits.add_season(catalog, CURATOR, ref.slug, number)
    assert "season.2.release" not in await empty_store.sync.curated(ref.id)
    world = World(3, seed=11)
    tv = aouad_on_tmdb(world, date(2027, 1, 15))
    server = TmdbStandIn(world).start()
    try:
        async with client(server) as tmdb:
            await Syncer(empty_store, tmdb).pull(tv.id, show_id=ref.id)
    finally:
        server.stop()
    after = await empty_store.catalog.season(ref.id, 2)
    assert after is not None and after.release.date == PartialDate.from_day(date(2027, 1, 15))
    assert not after.release.official


async def test_a_catalog_imported_before_keeps_its_unknown_release_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    store = await Store.open(path)
    await load_starter_if_empty(store)
    ref = await store.catalog.show_ref_by_slug("all-of-us-are-dead")
    assert ref is not None
    # As an import before the fix recorded it: the unknown release was nobody's.
    assert "season.2.release" in await curated_after_upgrade(
        store, path, ref.id, "season.2.release", UNKNOWN_RELEASE_MIGRATION
    )


async def test_the_upgrade_leaves_a_season_tmdb_listed_without_a_date_to_tmdb(
    standin: TmdbStandIn, tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    store = await Store.open(path)
    tv = standin.world.korean()[0]
    tv.seasons.append(Season(max(s.number for s in tv.seasons) + 1, None, 10))
    async with client(standin) as tmdb:
        await Syncer(store, tmdb).pull(tv.id)
    show_id = await store.sync.show_id(tv.id)
    assert show_id is not None
    key = f"season.{tv.seasons[-1].number}.release"
    async with store.transaction() as conn:
        await conn.execute("DELETE FROM field_source WHERE show_id = ? AND key = ?", (show_id, key))
        await rewind_schema(conn, UNKNOWN_RELEASE_MIGRATION - 1)
    await store.close()
    store = await Store.open(path)
    try:
        assert key not in await store.sync.curated(show_id)
    finally:
        await store.close()


async def test_when_tmdb_moves_a_listed_date_the_status_note_moves_with_it(empty_store: Store) -> None:
    world, tv = two_season_world(date(2027, 1, 15))
    server = TmdbStandIn(world).start()
    try:
        async with client(server) as tmdb:
            syncer = Syncer(empty_store, tmdb)
            assert (await syncer.run("full")).ok
            tv.seasons[1].air_date = date(2027, 2, 20)
            world.mark_changed(tv.id)
            result = await syncer.run("incremental")
    finally:
        server.stop()
    assert result.stats.updated == 1
    catalog = await Catalog.load(empty_store)
    ref = await empty_store.catalog.show_ref(await only_show_id(empty_store))
    assert ref is not None
    text = to_text(await answers.release(catalog, ref.slug, 2))
    assert "20 February 2027" in text and "15 January 2027" not in text, text


async def test_a_curators_status_note_stays_when_tmdb_moves_its_date(empty_store: Store) -> None:
    world, tv = two_season_world(date(2027, 1, 15))
    server = TmdbStandIn(world).start()
    try:
        async with client(server) as tmdb:
            syncer = Syncer(empty_store, tmdb)
            await syncer.run("full")
            catalog = await Catalog.load(empty_store)
            ref = await empty_store.catalog.show_ref(await only_show_id(empty_store))
            assert ref is not None
            await edits.set_status(
                catalog,
                CURATOR,
                ref.slug,
                2,
                "unconfirmed",
                "https://example.com/agency",
                note="No word yet.",
            )
            tv.seasons[1].air_date = date(2027, 2, 20)
            world.mark_changed(tv.id)
            await syncer.run("incremental")
    finally:
        server.stop()
    season = await empty_store.catalog.season(ref.id, 2)
    assert season is not None and season.status.note == "No word yet."
    assert season.status.source == "https://example.com/agency"


async def test_a_season_a_curator_removed_stays_removed(standin: TmdbStandIn, db: Store) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        show = next(s for s in standin.world.korean() if any(x.number >= 1 for x in s.seasons))
        number = max(x.number for x in show.seasons)
        show_id, ref = await linked(db, show.id)
        await edits.remove_season(catalog, CURATOR, ref.slug, number)
        assert f"season.{number}" in await db.sync.curated(show_id)
        standin.world.mark_changed(show.id)
        await syncer.run("incremental")
    assert await db.catalog.season(show_id, number) is None
    # TMDB still lists it: a curator may bring it back from the review list.
    assert f"season.{number}" in {i.key for i in await db.sync.open_reviews(50) if i.show_id == show_id}


async def test_keep_ours_on_a_release_date_stays_kept_on_the_next_days_sync(
    standin: TmdbStandIn, store: Store
) -> None:
    ref = await store.catalog.show_ref_by_slug("all-of-us-are-dead")
    assert ref is not None
    tv = standin.world.korean()[3]
    today = datetime.now(UTC)
    async with client(standin) as tmdb:
        await Syncer(store, tmdb, now=lambda: today).pull(tv.id, show_id=ref.id)
        item = next(i for i in await store.sync.open_reviews(50) if i.key == "season.1.release")
        await keep_review(store, CURATOR, item.id)
        await Syncer(store, tmdb, now=lambda: today + timedelta(days=1)).pull(tv.id)
    assert "season.1.release" not in {i.key for i in await store.sync.open_reviews(50)}


async def test_a_review_item_goes_away_once_tmdb_agrees_with_the_curator(
    standin: TmdbStandIn, db: Store
) -> None:
    catalog = await Catalog.load(db)
    show = standin.world.korean()[1]
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.pull(show.id)
        _, ref = await linked(db, show.id)
        await edits.edit_show(catalog, CURATOR, ref.slug, {"synopsis": "The curators' own synopsis."})
        show.overview = "TMDB's new overview."
        await syncer.pull(show.id)
        assert [i.key for i in await db.sync.open_reviews()] == ["show.synopsis"]
        show.overview = "The curators' own synopsis."
        await syncer.pull(show.id)
    assert await db.sync.open_reviews() == []


async def test_use_tmdbs_reply_shows_a_markdown_overview_as_text(standin: TmdbStandIn, db: Store) -> None:
    """TMDB's text is community-edited: a masked link in an overview is no link in the curator's reply."""
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        show = standin.world.korean()[2]
        await syncer.pull(show.id)
        _, ref = await linked(db, show.id)
        await edits.edit_show(catalog, CURATOR, ref.slug, {"synopsis": "The curators' own synopsis."})
        show.overview = "[Watch on Netflix](https://evil.example/x) **now**"
        standin.world.mark_changed(show.id)
        await syncer.pull(show.id)
    [item] = await db.sync.open_reviews()
    change = await accept_review(catalog, CURATOR, item.id)
    reply = admin_render.change_reply(change, "").content or ""
    assert "→ “\\[Watch on Netflix](https://evil.example/x) \\*\\*now\\*\\*”" in reply, reply
