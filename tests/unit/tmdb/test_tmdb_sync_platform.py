"""The platform the TMDB sync takes: JustWatch's streaming data is credited to JustWatch."""

from __future__ import annotations

import pytest

from kdrama import answers, edits
from kdrama.lookup import Catalog
from kdrama.render import to_text
from kdrama.store import Store
from kdrama.tmdb.sync import Syncer
from tests.tmdbstandin.server import TmdbStandIn
from tests.unit.tmdb.sync_support import CURATOR, client, linked

pytestmark = pytest.mark.asyncio


def platform_field(text: str) -> str:
    """The value under "Platform:" in a /show answer as text."""
    lines = text.splitlines()
    return lines[lines.index("Platform:") + 1]


async def test_a_platform_from_tmdbs_watch_providers_is_credited_to_justwatch_where_shown(
    standin: TmdbStandIn, db: Store
) -> None:
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
        _, ref = await linked(db, show.id)
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
    world = standin.world
    show = next(s for s in world.korean() if s.providers)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        catalog = await Catalog.load(db)
        show_id, ref = await linked(db, show.id)
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
