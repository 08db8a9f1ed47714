"""Transactions: a failed COMMIT or a cancelled task leaves no half edit and no lock; readers
never see an edit before it is committed."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import Actor
from kdrama.store import Store

OWNER = Actor(1, "owner")
SQLITE_TRANSACTION = 22  # the authorizer's action code for BEGIN, COMMIT and ROLLBACK


def other_process(path: Path) -> sqlite3.Connection:
    """A connection as another process would have it (no waiting on locks)."""
    return sqlite3.connect(path, isolation_level=None, timeout=0.2)


def committed_curators(path: Path) -> set[int]:
    with closing(other_process(path)) as db:
        return {row[0] for row in db.execute("SELECT user_id FROM curator")}


def write_lock_is_free(path: Path) -> bool:
    """Whether another process could start writing now."""
    with closing(other_process(path)) as db:
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        db.execute("ROLLBACK")
        return True


async def test_a_failed_commit_rolls_back_and_frees_the_database(empty_store: Store) -> None:
    def refuse_commit(action: int, arg1: str | None, *_: object) -> int:
        if action == SQLITE_TRANSACTION and arg1 == "COMMIT":
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    await empty_store.writer.set_authorizer(refuse_commit)
    with pytest.raises(sqlite3.DatabaseError):
        await edits.add_curator(empty_store, OWNER, 42)
    await empty_store.writer.set_authorizer(None)
    # Nothing of the edit, no lock left for another process, and the next edit works.
    assert committed_curators(empty_store.path) == set()
    assert await empty_store.curators.get(42) is None
    assert write_lock_is_free(empty_store.path)
    assert await edits.add_curator(empty_store, OWNER, 43) is not None
    assert committed_curators(empty_store.path) == {43}


async def test_a_task_cancelled_while_waiting_to_begin_leaves_no_transaction_open(
    empty_store: Store,
) -> None:
    path = empty_store.path
    with closing(other_process(path)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # another process writes: our BEGIN waits on it
        task = asyncio.ensure_future(edits.add_curator(empty_store, OWNER, 7))
        await asyncio.sleep(0.3)
        task.cancel()
        await asyncio.sleep(0.1)
        holder.execute("ROLLBACK")
    with pytest.raises(asyncio.CancelledError):
        await task
    # Our BEGIN went through after the cancel: it must not stay open behind everyone's back.
    assert await asyncio.wait_for(edits.add_curator(empty_store, OWNER, 8), 3) is not None
    assert committed_curators(path) == {8}
    assert write_lock_is_free(path)


async def test_a_task_cancelled_mid_edit_leaves_no_half_edit(empty_store: Store) -> None:
    inside = asyncio.Event()

    async def half_edit() -> None:
        async with empty_store.transaction() as db:
            await db.execute("INSERT INTO curator (user_id, added_by, added_at) VALUES (9, 1, '2026-11-30')")
            inside.set()
            await asyncio.Event().wait()  # cancelled here, its row written but not committed

    task = asyncio.ensure_future(half_edit())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert committed_curators(empty_store.path) == set()
    assert write_lock_is_free(empty_store.path)
    assert await edits.add_curator(empty_store, OWNER, 10) is not None
    assert committed_curators(empty_store.path) == {10}


async def test_lookups_never_see_an_uncommitted_edit(store: Store) -> None:
    catalog = await Catalog.load(store)
    inside, release = asyncio.Event(), asyncio.Event()

    async def slow_edit() -> None:
        async with store.transaction() as db:
            await db.execute("INSERT INTO curator (user_id, added_by, added_at) VALUES (5, 1, '2026-11-30')")
            await db.execute("UPDATE show SET title = 'Half Edited' WHERE slug = 'all-of-us-are-dead'")
            inside.set()
            await release.wait()

    task = asyncio.ensure_future(slow_edit())
    await inside.wait()
    # Another task (a fan's lookup, the delivery loop) reads meanwhile: the committed state only.
    assert await store.curators.get(5) is None
    assert (await catalog.resolve("all-of-us-are-dead")).title == "All of Us Are Dead"
    release.set()
    await task
    assert await store.curators.get(5) is not None
    # Lookups answer from the catalog in memory: a write made here in raw SQL (the edits
    # refresh it themselves) is seen once the catalog re-reads the show.
    await catalog.refresh_show((await catalog.resolve("all-of-us-are-dead")).id)
    assert (await catalog.resolve("all-of-us-are-dead")).title == "Half Edited"


async def test_a_task_started_inside_an_edit_never_reads_a_later_edits_rows(empty_store: Store) -> None:
    go_read, second_open, finish = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def read_later() -> object:
        await go_read.wait()
        return await empty_store.curators.get(11)

    async with empty_store.transaction():
        reading = asyncio.ensure_future(read_later())  # inherits the edit's context

    async def second_edit() -> None:
        async with empty_store.transaction() as db:
            await db.execute("INSERT INTO curator (user_id, added_by, added_at) VALUES (11, 1, '2026-11-30')")
            second_open.set()
            await finish.wait()

    second = asyncio.ensure_future(second_edit())
    await second_open.wait()
    go_read.set()
    assert await reading is None  # the second edit is not committed yet
    finish.set()
    await second
    assert await empty_store.curators.get(11) is not None
