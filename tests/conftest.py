"""Shared fixtures: a real SQLite database in tmp_path, filled from the bundled catalog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kdrama.edits import load_starter_if_empty
from kdrama.lookup import Catalog
from kdrama.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def empty_store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "kdrama.db")
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def store(empty_store: Store) -> Store:
    await load_starter_if_empty(empty_store)
    return empty_store


@pytest.fixture
async def catalog(store: Store) -> Catalog:
    return await Catalog.load(store)
