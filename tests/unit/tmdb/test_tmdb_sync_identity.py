"""The TMDB sync and the catalog's own shows: one show stays one show, and a curator's removal sticks."""

from __future__ import annotations

from datetime import date

import pytest

from kdrama import answers, edits
from kdrama.edits.sync import ShowSync
from kdrama.lookup import Catalog
from kdrama.models import ShowRef
from kdrama.render import to_text
from kdrama.store import Store
from kdrama.tmdb.client import TmdbClient
from kdrama.tmdb.sync import Syncer
from tests.tmdbstandin.server import TOKEN, TmdbStandIn
from tests.tmdbstandin.world import World
from tests.unit.tmdb.sync_support import CURATOR, client, linked
from tests.unit.tmdb.test_tmdb_sync_platform import platform_field

pytestmark = pytest.mark.asyncio


# --- a TMDB show the catalog already holds, unlinked (the starter catalog, a hand-made show) ---


def _like_aouad(world: World) -> int:
    """Make the world's first Korean drama TMDB's entry for the bundled All of Us Are Dead."""
    tv = world.korean()[0]
    tv.name, tv.original_name = "All of Us Are Dead", "지금 우리 학교는"
    tv.seasons = tv.seasons[:1]
    tv.seasons[0].number = 1
    tv.seasons[0].air_date = date(2022, 1, 28)
    return tv.id


async def test_full_sync_does_not_duplicate_a_bundled_show(store: Store) -> None:
    world = World(3, seed=11)
    tmdb_id = _like_aouad(world)
    aouad = await store.catalog.show_by_slug("all-of-us-are-dead")
    assert aouad is not None
    before = (await store.catalog.file_shows([aouad.id]))[0]
    server = TmdbStandIn(world).start()
    try:
        async with TmdbClient(TOKEN, base_url=server.base_url, rate=400.0) as tmdb:
            result = await Syncer(store, tmdb).run("full")
    finally:
        server.stop()
    rows = await store.fetch_all("SELECT slug FROM show WHERE title = 'All of Us Are Dead'")
    assert [r[0] for r in rows] == ["all-of-us-are-dead"]
    assert await store.sync.show_id(tmdb_id) == aouad.id  # TMDB's updates now reach the bundled show
    assert result.ok and result.stats.added == len(world.korean()) - 1
    after = (await store.catalog.file_shows([aouad.id]))[0]
    assert [s for s in after["seasons"] if s["number"] == 2] == [
        s for s in before["seasons"] if s["number"] == 2
    ]
    for field in ("title", "korean_title", "synopsis", "platform"):
        assert after[field] == before[field]


async def test_an_incremental_sync_links_a_new_tmdb_show_to_the_curators_own_instead_of_adding_it(
    standin: TmdbStandIn, db: Store
) -> None:
    catalog = await Catalog.load(db)
    later = standin.world.korean()[5]
    later.origin_country = ["JP"]  # not a Korean drama on TMDB yet: discover leaves it out
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        assert await db.sync.show_id(later.id) is None
        mine = await edits.add_show(catalog, CURATOR, later.name, korean_title=later.original_name)
        later.origin_country = ["KR"]  # now discover lists it as new
        result = await syncer.run("incremental")
    assert result.ok and result.stats.added == 0 and result.stats.errors == 0
    assert await db.sync.show_id(later.id) == mine.show_id
    rows = await db.fetch_all("SELECT id FROM show WHERE title = ?", (later.name,))
    assert [r[0] for r in rows] == [mine.show_id]


async def test_a_tmdb_show_that_only_may_be_a_catalog_show_is_left_for_a_curator(store: Store) -> None:
    world = World(3, seed=11)
    tmdb_id = _like_aouad(world)
    world.show(tmdb_id).seasons[0].air_date = date(2031, 3, 1)  # same title, another year: a remake?
    server = TmdbStandIn(world).start()
    try:
        async with TmdbClient(TOKEN, base_url=server.base_url, rate=400.0) as tmdb:
            result = await Syncer(store, tmdb).run("full")
    finally:
        server.stop()
    rows = await store.fetch_all("SELECT slug FROM show WHERE title = 'All of Us Are Dead'")
    assert [r[0] for r in rows] == ["all-of-us-are-dead"]  # neither a copy nor a guess
    assert await store.sync.show_id(tmdb_id) is None
    assert result.stats.added == len(world.korean()) - 1
    [run] = await store.sync.last_runs(1)
    assert (run.errors, run.held) == (0, 1)  # not an error: it waits in /admin sync review
    [held] = await store.sync.held_shows()
    aouad = await store.catalog.show_ref_by_slug("all-of-us-are-dead")
    assert aouad is not None and (held.tmdb_id, held.candidates) == (tmdb_id, (aouad.id,))


# --- a curator's removal of a TMDB show, and undoing it ---------------------------------------


async def test_a_show_a_curator_removed_stays_removed(standin: TmdbStandIn, db: Store) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        show = standin.world.korean()[0]
        ref = await db.catalog.show_ref(await db.sync.show_id(show.id) or 0)
        assert ref is not None
        await edits.remove_show(catalog, CURATOR, ref.slug)
        standin.world.mark_changed(show.id)
        incremental = await syncer.run("incremental")
        full = await syncer.run("full")
        assert await db.catalog.show_ref_by_slug(ref.slug) is None
        assert await db.sync.show_id(show.id) is None
        assert (incremental.stats.added, full.stats.added) == (0, 0)
        assert incremental.stats.errors == full.stats.errors == 0
        # A curator who adds it again (/admin sync show title:<TMDB id>) puts it back under the sync.
        _, back = await syncer.pull(show.id)
        assert back is not None and back.added
        show.overview = "TMDB's overview once it is back."
        standin.world.mark_changed(show.id)
        later = await syncer.run("incremental")
    assert later.stats.updated == 1
    stored = await db.catalog.show(back.show_id)
    assert stored is not None and stored.synopsis == "TMDB's overview once it is back."


async def test_undoing_the_syncs_import_keeps_the_show_out_until_that_undo_is_undone(
    standin: TmdbStandIn, db: Store
) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        show = standin.world.korean()[1]
        _, added = await syncer.pull(show.id)
        assert added is not None and added.added
        slug = (await db.catalog.show_ref(added.show_id) or ShowRef(0, "", "")).slug
        undone = await edits.undo(catalog, CURATOR, added.change_ids[0])
        await syncer.run("full")
        assert await db.catalog.show_ref_by_slug(slug) is None
        assert await db.sync.show_id(show.id) is None
        await edits.undo(catalog, CURATOR, undone.id)
        restored = await db.catalog.show_ref_by_slug(slug)
        assert restored is not None and await db.sync.show_id(show.id) == restored.id
        again = await syncer.run("incremental")
    assert again.stats.errors == 0
    rows = await db.fetch_all("SELECT count(*) FROM show WHERE title = ?", (show.name,))
    assert rows[0][0] == 1


async def test_undoing_a_show_removal_keeps_its_tmdb_link(standin: TmdbStandIn, db: Store) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        show = standin.world.korean()[0]
        show_id, ref = await linked(db, show.id)
        await edits.edit_show(catalog, CURATOR, ref.slug, {"platform": "Curated Flix"})
        sources = await db.sync.sources(show_id)
        removed = await edits.remove_show(catalog, CURATOR, ref.slug)
        await edits.undo(catalog, CURATOR, removed.id)
        assert await db.sync.show_id(show.id) == show_id
        assert await db.sync.sources(show_id) == sources  # the curator's platform, TMDB's the rest
        # TMDB's later changes reach it again; the curator's field stays the curator's.
        show.overview = "TMDB's overview after the undo."
        show.networks = [(97, "Yet Another Network")]
        show.providers = {}
        standin.world.mark_changed(show.id)
        result = await syncer.run("incremental")
    assert result.ok and result.stats.errors == 0 and result.stats.updated == 1
    stored = await db.catalog.show(show_id)
    assert stored is not None
    assert stored.synopsis == "TMDB's overview after the undo."
    assert stored.platform == "Curated Flix"


async def test_a_show_removed_while_a_run_is_under_way_is_not_added_back_by_that_run(
    standin: TmdbStandIn, db: Store
) -> None:
    catalog = await Catalog.load(db)
    first, last = standin.world.korean()[0], standin.world.korean()[-1]
    async with client(standin) as tmdb:
        await Syncer(db, tmdb).run("full")
        last_ref = await db.catalog.show_ref(await db.sync.show_id(last.id) or 0)
        assert last_ref is not None

        async def curator_removes_the_last_show(result: ShowSync) -> None:
            if result.tmdb_id == first.id:  # the run read the last show's link before this
                await edits.remove_show(catalog, CURATOR, last_ref.slug)

        first.overview = "A change, so the run tells on_show about the first show."
        syncer = Syncer(db, tmdb, workers=1, on_show=curator_removes_the_last_show)
        result = await syncer.run("full")
    assert result.stats.updated == 1 and result.stats.added == 0 and result.stats.errors == 0
    assert await db.catalog.show_ref_by_slug(last_ref.slug) is None
    assert await db.sync.show_id(last.id) is None


async def test_undoing_a_show_removal_keeps_the_justwatch_credit_of_its_platform(
    standin: TmdbStandIn, db: Store
) -> None:
    show = next(s for s in standin.world.korean() if s.providers)
    async with client(standin) as tmdb:
        await Syncer(db, tmdb).pull(show.id)
    catalog = await Catalog.load(db)
    show_id = await db.sync.show_id(show.id)
    assert show_id is not None
    sources = await db.sync.sources(show_id)
    assert sources["show.platform"] == "justwatch"
    ref = await db.catalog.show_ref(show_id)
    assert ref is not None
    removed = await edits.remove_show(catalog, CURATOR, ref.slug)
    await edits.undo(catalog, CURATOR, removed.id)
    assert await db.sync.sources(show_id) == sources
    text = to_text(await answers.show(catalog, ref.slug))
    assert platform_field(text).endswith("(where-to-watch data: JustWatch)")
