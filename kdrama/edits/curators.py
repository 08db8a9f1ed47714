"""The curator list: who may edit the catalog. Additions and removals are recorded, not undone."""

from __future__ import annotations

from kdrama.edits.common import EditError
from kdrama.edits.items import curator_key
from kdrama.models import Action, Actor, ChangeItem, Curator, Entity
from kdrama.store import Store, utcnow


async def is_curator(store: Store, user_id: int) -> bool:
    """Whether `user_id` is on the curator list (owners are checked by the bot, not here)."""
    return await store.curators.get(user_id) is not None


async def list_curators(store: Store) -> list[tuple[int, int | None, str]]:
    """(user id, added by, added at ISO) of every curator, oldest first."""
    return [(c.user_id, c.added_by, c.added_at) for c in await store.curators.all()]


async def add_curator(store: Store, actor: Actor, user_id: int) -> int | None:
    """Put a user on the curator list; the change id, or None when they already were."""
    async with store.transaction():
        if await store.curators.get(user_id) is not None:
            return None
        at = utcnow().isoformat(timespec="seconds")
        await store.curators.add(Curator(user_id, actor.id, at))
        return await store.changes.record(
            actor=actor,
            action=Action.CURATOR_ADD,
            show=None,
            season_number=None,
            source=None,
            items=[
                ChangeItem(
                    Entity.CURATOR, curator_key(user_id), "*", None, {"added_by": actor.id, "added_at": at}
                )
            ],
        )


async def remove_curator(store: Store, actor: Actor, user_id: int) -> int:
    """Take a user off the curator list; refuse when they are not on it."""
    async with store.transaction():
        found = await store.curators.get(user_id)
        if found is None:
            raise EditError(f"<@{user_id}> is not a curator.")
        await store.curators.remove(user_id)
        change_id = await store.changes.record(
            actor=actor,
            action=Action.CURATOR_REMOVE,
            show=None,
            season_number=None,
            source=None,
            items=[
                ChangeItem(
                    Entity.CURATOR,
                    curator_key(user_id),
                    "*",
                    {"added_by": found.added_by, "added_at": found.added_at},
                    None,
                )
            ],
        )
    assert change_id is not None
    return change_id
