"""The TMDB sync against the stand-in: imports, stays quiet when nothing changed, curators win."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kdrama import edits
from kdrama.edits.sync import accept_review, keep_review
from kdrama.lookup import Catalog
from kdrama.models import Actor, Event
from kdrama.store import Store
from kdrama.tmdb.client import TmdbClient
from kdrama.tmdb.sync import Syncer
from tests.tmdbstandin.server import TOKEN, TmdbStandIn
from tests.tmdbstandin.world import Video, World

pytestmark = pytest.mark.asyncio

CURATOR = Actor(501, "Curator Kim")


@pytest.fixture
def standin() -> Iterator[TmdbStandIn]:
    server = TmdbStandIn(World(40, seed=11)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "sync.db")
    try:
        yield store
    finally:
        await store.close()


def client(server: TmdbStandIn, **options: float) -> TmdbClient:
    settings = {"rate": 400.0, "backoff_base": 0.05, "backoff_max": 0.5, "request_deadline": 10.0}
    settings.update(options)
    return TmdbClient(TOKEN, base_url=server.base_url, **settings)


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
        from tests.tmdbstandin.world import Season

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
        show_id = await db.sync.show_id(show.id)
        assert show_id is not None
        ref = await db.catalog.show_ref(show_id)
        assert ref is not None
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
        show_id = await db.sync.show_id(show.id)
        assert show_id is not None
        ref = await db.catalog.show_ref(show_id)
        assert ref is not None
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


def platform_field(text: str) -> str:
    """The value under "Platform:" in a /show answer as text."""
    lines = text.splitlines()
    return lines[lines.index("Platform:") + 1]


async def test_a_platform_from_tmdbs_watch_providers_is_credited_to_justwatch_where_shown(
    standin: TmdbStandIn, db: Store
) -> None:
    from kdrama import answers
    from kdrama.render import to_text

    world = standin.world
    streamed = next(s for s in world.korean() if s.providers)
    broadcast = next(s for s in world.korean() if not s.providers and s.networks[0][1] != "Stand-in Stream")
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.pull(streamed.id)
        await syncer.pull(broadcast.id)
    catalog = await Catalog.load(db)
    slugs = {}
    for show in (streamed, broadcast):
        show_id = await db.sync.show_id(show.id)
        assert show_id is not None
        ref = await db.catalog.show_ref(show_id)
        assert ref is not None
        slugs[show.id] = ref.slug
    slug = slugs[streamed.id]
    text = to_text(await answers.show(catalog, slug))
    assert platform_field(text) == "Stand-in Stream (where-to-watch data: JustWatch)"
    korean = to_text(await answers.show(catalog, slug, locale="ko"), locale="ko")
    assert "Stand-in Stream (시청 가능한 곳 정보: JustWatch)" in korean
    # A network's name (no streaming data from TMDB) is TMDB's own: no JustWatch credit.
    other = to_text(await answers.show(catalog, slugs[broadcast.id]))
    assert platform_field(other) == broadcast.networks[0][1] and "JustWatch" not in other
    # /release names the platform only on its Watch button, once there is a link for it.
    assert "JustWatch" not in to_text(await answers.release(catalog, slug))
    await edits.edit_show(catalog, CURATOR, slug, {"platform_url": "https://www.example.com/stand-in/1"})
    release = to_text(await answers.release(catalog, slug))
    assert "[Watch on Stand-in Stream] https://www.example.com/stand-in/1" in release
    assert "Where-to-watch data from TMDB comes from JustWatch." in release
    # A platform a curator set is the curator's: no JustWatch credit anywhere.
    await edits.edit_show(catalog, CURATOR, slug, {"platform": "Curated Flix"})
    text = to_text(await answers.show(catalog, slug))
    assert platform_field(text) == "Curated Flix" and "JustWatch" not in text
    assert "JustWatch" not in to_text(await answers.release(catalog, slug))


async def test_the_justwatch_credit_follows_where_tmdb_takes_the_platform_from(
    standin: TmdbStandIn, db: Store
) -> None:
    from kdrama import answers
    from kdrama.render import to_text

    world = standin.world
    show = next(s for s in world.korean() if s.providers)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        catalog = await Catalog.load(db)
        show_id = await db.sync.show_id(show.id)
        assert show_id is not None
        ref = await db.catalog.show_ref(show_id)
        assert ref is not None
        assert "JustWatch" in platform_field(to_text(await answers.show(catalog, ref.slug)))
        # TMDB loses the streaming data: the platform is its network now, TMDB's own.
        show.providers = {}
        show.networks = [(97, "Stand-in Network Nine")]
        world.mark_changed(show.id)
        await syncer.run("incremental")
        await catalog.refresh_since()
        assert platform_field(to_text(await answers.show(catalog, ref.slug))) == "Stand-in Network Nine"
        # And streams again, under the same name the network had: JustWatch's data again.
        show.providers = {"KR": ["Stand-in Network Nine"]}
        world.mark_changed(show.id)
        await syncer.run("incremental")
        async with db.transaction():  # as a database synced before platforms were told apart
            await db.sync.mark(show_id, ["show.platform"], "tmdb")
        assert await db.sync.justwatch_platforms([show_id]) == set()
        await syncer.pull(show.id)  # the show's next sync says where its platform came from
    assert await db.sync.justwatch_platforms([show_id]) == {show_id}
    catalog = await Catalog.load(db)
    text = to_text(await answers.show(catalog, ref.slug))
    assert platform_field(text) == "Stand-in Network Nine (where-to-watch data: JustWatch)"
