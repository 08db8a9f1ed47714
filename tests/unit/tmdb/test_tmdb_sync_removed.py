"""What a curator removed stays removed: the TMDB sync never adds back an alias, similar show
or trailer a curator took out, while TMDB's others still come in."""

from __future__ import annotations

import json

import pytest

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.store import Store
from kdrama.tmdb.sync import Syncer
from tests.tmdbstandin.server import TmdbStandIn
from tests.unit.tmdb.sync_support import CURATOR, client, linked

pytestmark = pytest.mark.asyncio


async def test_an_alias_a_curator_removed_stays_removed_and_new_ones_still_come_in(
    standin: TmdbStandIn, db: Store
) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        show = standin.world.korean()[0]
        show_id, ref = await linked(db, show.id)
        stored = await db.catalog.show(show_id)
        assert stored is not None and stored.aliases
        gone = stored.aliases[0]
        await edits.alias(catalog, CURATOR, ref.slug, gone, remove=True)
        show.alternative_titles.append(("US", "Stand-in Brand New Title"))
        standin.world.mark_changed(show.id)
        await syncer.run("incremental")
    stored = await db.catalog.show(show_id)
    assert stored is not None
    assert gone not in stored.aliases and "Stand-in Brand New Title" in stored.aliases


async def test_a_similar_show_a_curators_file_left_out_stays_out(standin: TmdbStandIn, db: Store) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        linked = await db.sync.links()
        show = next(
            s for s in standin.world.korean() if len(set(s.recommendations) & set(linked) - {s.id}) >= 2
        )
        show_id = linked[show.id]
        [entry] = await db.catalog.file_shows([show_id])
        assert len(entry["similar"]) >= 2
        gone = entry["similar"][0]
        entry["similar"] = entry["similar"][1:]
        await edits.import_catalog(catalog, CURATOR, json.dumps({"shows": [entry]}).encode(), hosts=None)
        standin.world.mark_changed(show.id)
        await syncer.run("incremental")
        await syncer.pull(show.id)
    stored = await db.catalog.show(show_id)
    assert stored is not None
    slugs = [r.slug for r in stored.similar]
    assert gone not in slugs and slugs == entry["similar"]


async def test_a_trailer_a_curator_removed_stays_removed(standin: TmdbStandIn, db: Store) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        show = standin.world.korean()[0]
        show_id, ref = await linked(db, show.id)
        [trailer, *_] = await db.catalog.trailers(show_id)
        assert trailer.season_number is not None
        await edits.remove_trailer(catalog, CURATOR, ref.slug, trailer.season_number, trailer.url)
        standin.world.mark_changed(show.id)
        await syncer.run("incremental")
    assert trailer.url not in [t.url for t in await db.catalog.trailers(show_id)]


async def test_undoing_the_syncs_similar_shows_keeps_them_out(standin: TmdbStandIn, db: Store) -> None:
    catalog = await Catalog.load(db)
    async with client(standin) as tmdb:
        syncer = Syncer(db, tmdb)
        await syncer.run("full")
        row = await db.fetch_one(
            "SELECT c.id, c.show_id, i.old FROM change c JOIN change_item i ON i.change_id = c.id "
            "WHERE c.actor_name = 'TMDB sync' AND i.field = 'similar' ORDER BY c.id LIMIT 1"
        )
        assert row is not None
        change_id, show_id, old = row
        await edits.undo(catalog, CURATOR, change_id)
        tmdb_id = await db.sync.tmdb_id(show_id)
        assert tmdb_id is not None
        standin.world.mark_changed(tmdb_id)
        await syncer.run("incremental")
        await syncer.pull(tmdb_id)
    stored = await db.catalog.show(show_id)
    assert stored is not None and [r.slug for r in stored.similar] == json.loads(old)
