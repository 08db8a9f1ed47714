"""A show removed and then restored: its channels come back paused, until /watch add re-checks them."""

from __future__ import annotations

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import ALL_EVENTS
from kdrama.store import Store
from kdrama.watch import subscriptions as watch
from tests.unit.watch.helpers import AOUAD, CURATOR, GUILD, ref, renew, rows, subscribe


async def test_undoing_a_show_removal_restores_its_subscriptions_paused(store: Store) -> None:
    catalog = await Catalog.load(store)
    await subscribe(store, 1, await ref(store, AOUAD))
    removed = await edits.remove_show(catalog, CURATOR, AOUAD)
    assert await watch.followed(store, GUILD, 1) == []
    await edits.undo(catalog, CURATOR, removed.id)
    (sub,) = await watch.followed(store, GUILD, 1)
    # The channel may have been deleted, or the bot lost access, while the show was gone.
    assert sub.show is not None and sub.show.slug == AOUAD
    assert sub.paused_reason == "the show was removed and restored: run /watch add here to resume"
    await renew(store, await ref(store, AOUAD))
    assert await rows(store) == []  # news for a paused channel is not queued
    result = await watch.subscribe(
        store,
        guild_id=GUILD,
        channel_id=1,
        show_id=sub.show.id,
        events=ALL_EVENTS,
        role_id=None,
        created_by=5,
    )
    assert result.resumed == 1
    (sub,) = await watch.followed(store, GUILD, 1)
    assert not sub.paused
