"""The outbox: an edit queues one delivery per subscribed channel that asked for its news; ids never repeat."""

from __future__ import annotations

from pathlib import Path

import pytest

from kdrama.edits import load_starter_if_empty
from kdrama.models import Event
from kdrama.store import Store, database, load_migrations
from tests.unit.watch.helpers import AOUAD, add_trailer, ref, renew, rows, subscribe


async def test_an_edit_queues_one_delivery_per_subscribed_channel(store: Store) -> None:
    show = await ref(store, AOUAD)
    other = await ref(store, "squid-game")
    await subscribe(store, 1, show, role=501)
    await subscribe(store, 1, None, role=502)  # the same channel also follows every show
    await subscribe(store, 2, None)
    await subscribe(store, 3, other)  # another show only
    await subscribe(store, 4, show, events=frozenset({Event.TRAILER}))  # not this kind of news
    await renew(store, show)
    queued = await rows(store)
    assert [(r[0], r[1], r[3]) for r in queued] == [(1, "pending", "[501, 502]"), (2, "pending", "[]")]


async def test_events_filter_picks_the_channels_that_asked(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show, events=frozenset({Event.TRAILER}))
    await subscribe(store, 2, show, events=frozenset({Event.STATUS, Event.DATE}))
    await add_trailer(store, show)
    assert [r[0] for r in await rows(store)] == [1]


async def test_an_upgraded_outbox_keeps_every_notice_and_never_hands_an_id_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kdrama.db"
    every = load_migrations()
    (rebuild,) = [m for m in every if m.name.endswith("_delivery_ids_never_reused.sql")]
    before = [m for m in every if m.version < rebuild.version]
    monkeypatch.setattr(database, "load_migrations", lambda: before)
    async with await Store.open(path) as old:  # the database as the previous release left it
        await load_starter_if_empty(old)
        show = await ref(old, AOUAD)
        await subscribe(old, 1, show, role=501)
        await subscribe(old, 2, show)
        await renew(old, show)
        await add_trailer(old, show)
        async with old.transaction() as db:  # the newest row freed, as forgetting a fan does
            await db.execute("DELETE FROM delivery WHERE id = (SELECT max(id) FROM delivery)")
        kept = [tuple(r) for r in await old.db.execute_fetchall("SELECT * FROM delivery ORDER BY id")]
        indexes = await old.db.execute_fetchall(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'delivery' AND type = 'index' ORDER BY name"
        )
        freed = kept[-1][0] + 1
    monkeypatch.setattr(database, "load_migrations", lambda: every)
    async with await Store.open(path) as store:
        assert await store.schema_version() == len(every)
        assert [
            tuple(r) for r in await store.db.execute_fetchall("SELECT * FROM delivery ORDER BY id")
        ] == kept
        now = await store.db.execute_fetchall(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'delivery' AND type = 'index' ORDER BY name"
        )
        assert [tuple(r) for r in now] == [tuple(r) for r in indexes]
        await renew(store, show)
        ids = [r[0] for r in await store.db.execute_fetchall("SELECT id FROM delivery ORDER BY id")]
        assert len(ids) == len(kept) + 2 and min(ids[len(kept) :]) > freed
        async with store.transaction() as db:  # freed again, by the new schema this time
            await db.execute("DELETE FROM delivery WHERE id = ?", (ids[-1],))
        await add_trailer(store, show)
        newest = await store.db.execute_fetchall("SELECT max(id) FROM delivery")
        assert next(iter(newest))[0] > ids[-1]
