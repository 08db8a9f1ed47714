"""The catalog loaded by a child process answers exactly as one built in the bot's own process."""

from __future__ import annotations

import logging
import shutil
import sys

import pytest

from kdrama import answers, edits, loader
from kdrama.lookup import Catalog
from kdrama.models import Actor
from kdrama.render import to_text
from kdrama.store import Store

CURATOR = Actor(1, "curator")
QUERIES = ("squid", "all of us", "지금", "ㅈㄱ", "jigeum", "Crash Landng", "lee", "박", "Yoon Chan")


@pytest.fixture
def in_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load even the 26-show starter catalog in a child process."""
    monkeypatch.setattr(loader, "CHILD_FROM_SHOWS", 0)


async def _here(store: Store, monkeypatch: pytest.MonkeyPatch) -> Catalog:
    with monkeypatch.context() as m:
        m.setattr(loader, "CHILD_FROM_SHOWS", 10**9)
        return await Catalog.load(store)


async def test_a_catalog_loaded_in_a_child_answers_as_one_built_here(
    store: Store, in_child: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="kdrama.loader"):
        child = await Catalog.load(store)
    assert "catalog loaded by two child processes" in caplog.text
    here = await _here(store, monkeypatch)
    assert child.snapshot.complete and len(child.snapshot) == len(here.snapshot) == 26
    for query in QUERIES:
        assert child.titles.search(query) == here.titles.search(query), query
        assert child.people.search(query) == here.people.search(query), query
        assert await child.title_choices(query) == await here.title_choices(query), query
    async for ids in store.catalog.show_id_batches():
        for show_id in ids:
            assert child.snapshot.record(show_id) == here.snapshot.record(show_id)
    for question in ("squid-game", "All of Us Are Dead", "지금 우리 학교는"):
        assert to_text(await answers.release(child, question)) == to_text(
            await answers.release(here, question)
        )
        assert to_text(await answers.cast(child, question)) == to_text(await answers.cast(here, question))


async def test_edits_reach_a_catalog_loaded_in_a_child(store: Store, in_child: None) -> None:
    catalog = await Catalog.load(store)
    await edits.edit_show(catalog, CURATOR, "squid-game", {"title": "Squid Game Redux"})
    assert (await catalog.title_choices("squid game red"))[0].name == "Squid Game Redux"
    assert "Squid Game Redux" in to_text(await answers.release(catalog, "squid-game"))
    await edits.remove_show(catalog, CURATOR, "squid-game")
    assert all(c.value != "squid-game" for c in await catalog.title_choices("squid"))


async def test_an_edit_committed_while_the_child_loads_is_not_lost(store: Store, in_child: None) -> None:
    catalog = Catalog.loading(store)  # the child starts; another process edits meanwhile
    async with await Store.open(store.path) as other_store:
        other = await Catalog.load(other_store)
        await edits.edit_show(other, CURATOR, "squid-game", {"title": "Squid Game Redux"})
    await catalog.loaded()
    await catalog.catch_up()
    assert (await catalog.title_choices("squid game red"))[0].name == "Squid Game Redux"
    assert "Squid Game Redux" in to_text(await answers.release(catalog, "squid-game"))


async def test_a_child_that_fails_leaves_the_catalog_loaded_here(
    store: Store, in_child: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    false = shutil.which("false")
    assert false is not None
    monkeypatch.setattr(sys, "executable", false)  # a child that exits at once, saying nothing
    with caplog.at_level(logging.WARNING, logger="kdrama.loader"):
        catalog = await Catalog.load(store)
    assert "could not load the catalog in a child process; loading it here" in caplog.text
    assert (await catalog.title_choices("squid"))[0].value == "squid-game"
    assert "Squid Game" in to_text(await answers.release(catalog, "squid-game"))


async def test_one_failing_child_of_two_leaves_the_catalog_loaded_here(
    store: Store, in_child: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The snapshot's child hands back something else than a snapshot; the indexes' child is fine.
    monkeypatch.setitem(loader.PART_TYPES, "snapshot", (dict, int))
    with caplog.at_level(logging.WARNING, logger="kdrama.loader"):
        catalog = await Catalog.load(store)
    assert caplog.text.count("could not load the catalog in a child process; loading it here") == 1
    assert catalog.snapshot.complete and len(catalog.snapshot) == 26
    assert "Squid Game" in to_text(await answers.release(catalog, "squid-game"))
