"""The catalog answered from memory: fresh after every edit, after another process's, and in time."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kdrama import answers, edits
from kdrama.lookup import Catalog, UnknownShow
from kdrama.models import Actor
from kdrama.render import to_text
from kdrama.store import Store

CURATOR = Actor(1, "curator")
SOURCE = "https://www.netflix.com/tudum"


async def test_answers_come_from_memory_and_follow_each_edit(catalog: Catalog) -> None:
    assert catalog.snapshot.complete
    before = to_text(await answers.release(catalog, "squid-game", 3))
    again = to_text(await answers.release(catalog, "squid-game", 3))  # from the reply cache
    assert again == before and "Released" in before
    await edits.set_status(catalog, CURATOR, "squid-game", 3, "cancelled", SOURCE)
    after = to_text(await answers.release(catalog, "squid-game", 3))
    assert "Season 3 was cancelled" in after
    await edits.add_cast(catalog, CURATOR, "squid-game", "Kim Newcomer", "The Host", season=3)
    assert "Kim Newcomer" in to_text(await answers.cast(catalog, "squid-game", 3))


async def test_a_show_edited_while_the_snapshot_fills_keeps_its_edit(store: Store) -> None:
    """The fill packs rows read before the edit: the show's newer record must not be replaced by them."""
    catalog = Catalog.loading(store)
    gate = threading.Event()
    pack = catalog.snapshot.pack

    def held_in_the_worker(rows):  # the refresh packs on the loop: only the fill's packing waits
        if threading.current_thread() is not threading.main_thread():
            assert gate.wait(5)
        return pack(rows)

    catalog.snapshot.pack = held_in_the_worker  # type: ignore[method-assign]
    await catalog.loaded()
    await asyncio.sleep(0.2)  # the fill has read its batch (the whole starter catalog) and waits
    assert not catalog.snapshot.complete
    await edits.set_status(catalog, CURATOR, "squid-game", 3, "cancelled", SOURCE)
    gate.set()
    assert catalog._filling is not None
    await catalog._filling
    assert catalog.snapshot.complete
    assert "Season 3 was cancelled" in to_text(await answers.release(catalog, "squid-game", 3))


async def test_a_removed_show_is_no_longer_answered(catalog: Catalog) -> None:
    assert "Squid Game" in to_text(await answers.release(catalog, "squid-game"))
    await edits.remove_show(catalog, CURATOR, "squid-game")
    with pytest.raises(UnknownShow):
        await answers.release(catalog, "squid-game")
    assert all(c.value != "squid-game" for c in await catalog.title_choices("squid"))


async def test_another_process_edit_is_answered_once_refreshed_since(store: Store, tmp_path: Path) -> None:
    mine = await Catalog.load(store)
    assert "Season 3 was cancelled" not in to_text(await answers.release(mine, "squid-game", 3))
    async with await Store.open(store.path) as other_store:
        other = await Catalog.load(other_store)
        await edits.set_status(other, CURATOR, "squid-game", 3, "cancelled", SOURCE)
        await edits.edit_show(other, CURATOR, "squid-game", {"title": "Squid Game Redux"})
    # Memory holds what it read until told the database moved on; then only that show is read.
    assert "Season 3 was cancelled" not in to_text(await answers.release(mine, "squid-game", 3))
    version = await mine.refresh_since()
    assert version == await store.changes.last_id()
    assert "Season 3 was cancelled" in to_text(await answers.release(mine, "squid-game", 3))
    assert (await mine.title_choices("squid game red"))[0].name == "Squid Game Redux"


async def test_a_cached_answer_still_says_when_an_expected_date_has_passed(catalog: Catalog) -> None:
    await edits.set_date(catalog, CURATOR, "squid-game", 3, "2027-03", False, SOURCE)
    await edits.set_status(catalog, CURATOR, "squid-game", 3, "filming", SOURCE)
    march = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    april = datetime(2027, 4, 2, 12, 0, tzinfo=UTC)
    first = to_text(await answers.release(catalog, "squid-game", 3, now=march), march)
    assert "reports expect it in March 2027." in first
    assert to_text(await answers.release(catalog, "squid-game", 3, now=march), march) == first
    later = to_text(await answers.release(catalog, "squid-game", 3, now=april), april)
    assert "which has passed without a release" in later


async def test_each_show_packs_alone_and_unpacks_to_what_the_store_holds(catalog: Catalog) -> None:
    import marshal
    import zlib

    from kdrama.snapshot import WBITS, Snapshot
    from kdrama.store.catalog import show_record

    store = catalog.store
    ids = [ref.id for ref in (await store.catalog.show_refs()).values()]
    rows = await store.catalog.show_rows(ids)
    snapshot = Snapshot()
    packed = snapshot.pack(rows)
    snapshot.put(packed)
    for show_id, (slug, record) in packed.items():
        # Each record is a deflate stream of its own over the shared dictionary.
        unpacker = zlib.decompressobj(WBITS, zdict=snapshot._zdict or b"")
        assert marshal.loads(unpacker.decompress(record) + unpacker.flush()) == rows[show_id]
        assert unpacker.eof and not unpacker.unused_data
        assert slug == rows[show_id][0][1]
        assert snapshot.record(show_id) == show_record(rows[show_id])
