"""A TMDB show that only may be a catalog show: held for a curator, never counted as an error.

It is counted apart in the run, waits in /admin sync review with its candidates and the reason,
and leaves that list once settled: linked by a curator (recorded, undoable), added as a show of
its own, or linked by a later run that finds the match sure. Holding it again never doubles it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date

import pytest

from kdrama import admin_render, edits, i18n, sync_render
from kdrama.lookup import Catalog
from kdrama.models import ShowRef
from kdrama.store import Store
from kdrama.store.sync import HeldShow
from kdrama.tmdb.identity import CATALOG_YEAR
from kdrama.tmdb.sync import Syncer
from tests.tmdbstandin.server import TmdbStandIn
from tests.tmdbstandin.world import World
from tests.unit.tmdb.sync_support import CURATOR, client

pytestmark = pytest.mark.asyncio

AOUAD = "all-of-us-are-dead"
KO = i18n.text("ko")


@pytest.fixture
def remake() -> World:
    """Three TMDB shows; the first has the bundled All of Us Are Dead's titles but airs in 2031."""
    world = World(3, seed=11)
    tv = world.korean()[0]
    tv.name, tv.original_name = "All of Us Are Dead", "지금 우리 학교는"
    tv.seasons = tv.seasons[:1]
    tv.seasons[0].number = 1
    tv.seasons[0].air_date = date(2031, 3, 1)  # the catalog's season 1 is from 2022: a remake?
    return world


@pytest.fixture
def remake_server(remake: World) -> Iterator[TmdbStandIn]:
    server = TmdbStandIn(remake).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def catalog(store: Store) -> AsyncIterator[Catalog]:
    yield await Catalog.load(store)


async def _aouad_id(store: Store) -> int:
    ref = await store.catalog.show_ref_by_slug(AOUAD)
    assert ref is not None
    return ref.id


async def test_a_doubtful_match_is_held_for_a_curator_not_an_error(
    store: Store, remake_server: TmdbStandIn, remake: World
) -> None:
    tv = remake.korean()[0]
    async with client(remake_server) as tmdb:
        result = await Syncer(store, tmdb).run("full")
    assert result.ok
    assert (result.stats.errors, result.stats.held) == (0, 1)
    assert result.stats.added == len(remake.korean()) - 1
    assert "1 held for a curator, 0 errors" in result.summary()
    [run] = await store.sync.last_runs(1)
    assert (run.errors, run.held, run.error_text) == (0, 1, ())

    # /admin sync status tells errors and held shows apart, in English and in Korean.
    status = sync_render.status_reply(True, 360, [run], 2, 0, held=await store.sync.count_held())
    assert status.content is not None
    assert "1 held for a curator, 0 errors" in status.content
    assert "1 TMDB show is waiting for a curator" in status.content
    assert "`/admin sync review`" in status.content
    assert "Errors of run" not in status.content
    korean = sync_render.status_reply(True, 360, [run], 2, 0, KO, held=1)
    assert korean.content is not None
    assert "큐레이터를 기다리는 TMDB 작품이 1개 있습니다" in korean.content, korean.content
    assert "`/관리 동기화 검토`" in korean.content

    # The review list says which TMDB show, which catalog show it may be, and why.
    [held] = await store.sync.held_shows()
    assert (held.tmdb_id, held.name, held.year) == (tv.id, "All of Us Are Dead", 2031)
    assert held.candidates == (await _aouad_id(store),)
    refs = await store.catalog.show_refs(held.candidates)
    review = sync_render.review_reply([], 0, held=[held], held_total=1, refs=refs)
    assert review.content is not None
    assert (
        f"- TMDB {tv.id}: All of Us Are Dead (2031) <https://www.themoviedb.org/tv/{tv.id}> "
        f"may be All of Us Are Dead ({AOUAD}); held because the catalog's show is from 2022."
    ) in review.content
    korean_review = sync_render.review_reply([], 0, KO, [held], 1, refs)
    assert korean_review.content is not None and "2022년" in korean_review.content


async def test_holding_it_again_on_the_next_sync_does_not_double_it(
    store: Store, remake_server: TmdbStandIn
) -> None:
    async with client(remake_server) as tmdb:
        syncer = Syncer(store, tmdb)
        await syncer.run("full")
        [first] = await store.sync.held_shows()
        again = await syncer.run("incremental")
    assert (again.stats.held, again.stats.errors) == (1, 0)
    assert await store.sync.count_held() == 1
    [held] = await store.sync.held_shows()
    assert held.held_at == first.held_at  # still the first run's: oldest first stays true


async def test_linking_it_settles_it_as_the_curators_undoable_change(
    store: Store, catalog: Catalog, remake_server: TmdbStandIn, remake: World
) -> None:
    tv = remake.korean()[0]
    aouad = await _aouad_id(store)
    async with client(remake_server) as tmdb:
        syncer = Syncer(store, tmdb)
        await syncer.run("full")
        run, result = await syncer.pull(tv.id, show_id=aouad, linked_by=CURATOR, unlinked_only=True)
        assert result is not None and result.link_change is not None
        assert await store.sync.show_id(tv.id) == aouad
        assert await store.sync.held_shows() == [] and await store.sync.count_held() == 0
        reply = sync_render.pull_reply(run, result)
        assert reply.content is not None
        assert reply.content.startswith(
            f"**Change #{result.link_change}**: linked **All of Us Are Dead** to TMDB {tv.id}"
        ), reply.content
        assert f"`/admin undo change_id:{result.link_change}`" in reply.content

        # /admin history shows the link under the curator's name.
        page = await edits.history(store, aouad, 0, 10)
        assert page is not None
        shown = admin_render.history_reply(page.show, page.changes, page.page, page.total)
        text = shown.content or "".join(str(e.description) for e in shown.embeds)
        assert f"the TMDB link: none → {tv.id}" in text, text
        assert CURATOR.name in text

        # Linked: the next run neither holds nor adds it.
        later = await syncer.run("full")
        assert (later.stats.held, later.stats.errors, later.stats.added) == (0, 0, 0)
        assert await store.sync.count_held() == 0

        # Undo takes the link back; the next run holds the show for a curator again, once.
        await edits.undo(catalog, CURATOR, result.link_change)
        assert await store.sync.show_id(tv.id) is None
        again = await syncer.run("full")
    assert (again.stats.held, again.stats.errors) == (1, 0)
    assert [h.tmdb_id for h in await store.sync.held_shows()] == [tv.id]


async def test_adding_it_as_a_show_of_its_own_settles_it(
    store: Store, remake_server: TmdbStandIn, remake: World
) -> None:
    tv = remake.korean()[0]
    async with client(remake_server) as tmdb:
        syncer = Syncer(store, tmdb)
        await syncer.run("full")
        _, added = await syncer.pull(tv.id)
        assert added is not None and added.added and added.show_id != await _aouad_id(store)
        assert await store.sync.count_held() == 0
        later = await syncer.run("full")
    assert (later.stats.held, later.stats.errors, later.stats.added) == (0, 0, 0)


async def test_a_later_run_that_finds_the_match_sure_settles_it(
    store: Store, remake_server: TmdbStandIn, remake: World
) -> None:
    tv = remake.korean()[0]
    async with client(remake_server) as tmdb:
        syncer = Syncer(store, tmdb)
        await syncer.run("full")
        assert await store.sync.count_held() == 1
        tv.seasons[0].air_date = date(2022, 1, 28)  # TMDB corrected: it is the 2022 show after all
        later = await syncer.run("full")
    assert (later.stats.held, later.stats.errors) == (0, 0)
    assert await store.sync.show_id(tv.id) == await _aouad_id(store)
    assert await store.sync.count_held() == 0


async def test_tmdb_and_catalog_text_in_a_held_item_is_inert() -> None:
    held = HeldShow(
        7, "[Free](https://evil.example) @everyone **Drama**", 2031, (3,), CATALOG_YEAR, {"year": 2022}, None
    )
    refs = {3: ShowRef(3, "drama", "<@123456789012345678> `Drama`")}
    review = sync_render.review_reply([], 0, held=[held], held_total=1, refs=refs)
    assert review.content is not None
    # Escaped: Discord shows the characters, never a masked link, bold, code or a mention.
    assert "\\[Free](https://evil.example)" in review.content
    assert "@\u200beveryone \\*\\*Drama\\*\\*" in review.content
    assert "<@\u200b123456789012345678> \\`Drama\\`" in review.content
    assert "<https://www.themoviedb.org/tv/7>" in review.content  # the one link is ours
