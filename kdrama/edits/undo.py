"""Undo: restore what a change replaced, as a new change that is recorded and notifies like any edit."""

from __future__ import annotations

from kdrama.describe import Target
from kdrama.edits.cast import update_credit
from kdrama.edits.common import EditError, finish
from kdrama.edits.items import (
    credit_value,
    events_for,
    season_values,
    show_key,
    show_values,
    trailer_value,
)
from kdrama.edits.shows import delete_show, restore_sync_state, snapshot_show, write_show
from kdrama.edits.sync import LINK_FIELD
from kdrama.lookup import Catalog
from kdrama.models import Action, Actor, Change, ChangeItem, Entity, ShowRef
from kdrama.store import Store


def _overlaps(a: ChangeItem, b: ChangeItem) -> bool:
    """Whether two items touch the same thing (a whole show or season covers what is under it)."""
    if a.entity is b.entity and a.key == b.key:
        return a.field == b.field or "*" in (a.field, b.field)
    return (a.field == "*" and a.key.covers(b.key)) or (b.field == "*" and b.key.covers(a.key))


async def _later_conflict(store: Store, change: Change) -> tuple[int, ChangeItem] | None:
    """The first later change that touched what `change` touched, ignoring later edits since undone."""
    slugs = {i.key.slug for i in change.items}
    later = await store.changes.later(change.id)
    undone = {undo_of for undo_of in later.values() if undo_of is not None}
    # A later edit undone by a later undo that still stands cancels out: neither counts.
    cancelled = {
        cid
        for cid, undo_of in later.items()
        if undo_of is not None and undo_of in later and cid not in undone
    }
    cancelled |= {later_undo_of for later_undo_of in (later[c] for c in list(cancelled)) if later_undo_of}
    for slug in sorted(slugs):
        for cid, item in await store.changes.later_items_of_show(change.id, slug):
            if cid in cancelled:
                continue
            if any(_overlaps(mine, item) for mine in change.items):
                return cid, item
    return None


async def _restore(store: Store, change: Change, item: ChangeItem) -> list[ChangeItem]:
    """Put one item's old value back; return what that changed (old: now, new: restored)."""
    key = item.key
    slug = key.slug
    found = await store.catalog.show_ref_by_slug(slug)
    show_id = found.id if found else None
    if item.entity is Entity.SHOW and item.field == "*":
        current = await snapshot_show(store, show_id) if show_id is not None else None
        if item.old is None:
            if show_id is not None and current is not None:
                await delete_show(store, show_id, current)
        else:
            assert isinstance(item.old, dict)
            await write_show(store, item.old, change.show_id)
        return [ChangeItem(Entity.SHOW, show_key(slug), "*", current, item.old)]
    if show_id is None:
        raise EditError(
            "The show {slug} is no longer in the catalog, so change #{change} can't be undone.",
            slug=slug,
            change=change.id,
        )
    match item.entity:
        case "show" if item.field == LINK_FIELD:
            now_linked = await store.sync.tmdb_id(show_id)
            if item.old is None:
                await store.sync.unlink(show_id)
            else:
                await store.sync.link(show_id, int(str(item.old)))
            return [ChangeItem(Entity.SHOW, show_key(slug), LINK_FIELD, now_linked, item.old)]
        case "show" if item.field == "similar":
            show = await store.catalog.show(show_id)
            assert show is not None and isinstance(item.old, list)
            await store.catalog.set_similar(show_id, [str(x) for x in item.old])
            now_similar = [r.slug for r in show.similar]
            return [ChangeItem(Entity.SHOW, show_key(slug), "similar", now_similar, item.old)]
        case "show":
            show = await store.catalog.show(show_id)
            assert show is not None
            now = show_values(show)[item.field]
            await store.catalog.update_show(show_id, {item.field: item.old})
            return [ChangeItem(Entity.SHOW, show_key(slug), item.field, now, item.old)]
        case "season":
            number = key.season
            assert number is not None
            season = await store.catalog.season(show_id, number)
            current = season_values(season) if season else None
            if item.field == "*":
                if item.old is None:
                    await store.catalog.delete_season(show_id, number)
                else:
                    assert isinstance(item.old, dict)
                    await store.catalog.insert_season(show_id, number, item.old)
                return [ChangeItem(Entity.SEASON, item.key, "*", current, item.old)]
            if current is None:
                raise EditError(
                    "Season {number} is gone, so change #{change} can't be undone.",
                    number=number,
                    change=change.id,
                )
            await store.catalog.update_season(show_id, number, {item.field: item.old})
            return [ChangeItem(Entity.SEASON, item.key, item.field, current[item.field], item.old)]
        case "credit":
            number = key.season
            rows = await store.catalog.season_credits(show_id, number, key.name)
            now_value = credit_value(rows[0]) if rows else None
            if item.field == "*":
                if rows:
                    await store.catalog.delete_credit(rows[0].id)
                if item.old is not None:
                    assert isinstance(item.old, dict)
                    await store.catalog.insert_credit(show_id, item.old)
                return [ChangeItem(Entity.CREDIT, item.key, "*", now_value, item.old)]
            if not rows or now_value is None:
                raise EditError(
                    "That cast entry is gone, so change #{change} can't be undone.", change=change.id
                )
            await update_credit(store, show_id, rows[0], {item.field: item.old})
            return [ChangeItem(Entity.CREDIT, item.key, item.field, now_value[item.field], item.old)]
        case "trailer":
            number, url = key.season, key.name or ""
            assert number is not None
            trailer = await store.catalog.trailer(show_id, number, url)
            if item.field == "*":
                if trailer is not None:
                    await store.catalog.delete_trailer(trailer.id)
                if item.old is not None:
                    assert isinstance(item.old, dict)
                    await store.catalog.insert_trailer(show_id, item.old)
                now = trailer_value(trailer) if trailer else None
                return [ChangeItem(Entity.TRAILER, item.key, "*", now, item.old)]
            if trailer is None:
                raise EditError(
                    "That trailer is gone, so change #{change} can't be undone.", change=change.id
                )
            await store.catalog.update_trailer(trailer.id, {item.field: item.old})
            return [
                ChangeItem(Entity.TRAILER, item.key, item.field, trailer_value(trailer)[item.field], item.old)
            ]
        case "alias":
            text = key.name or ""
            row = next((a for a in await store.catalog.aliases(show_id) if a[0] == text), None)
            await store.catalog.remove_alias(show_id, text)
            if isinstance(item.old, dict):
                await store.catalog.add_alias(show_id, item.old["alias"], item.old.get("position", 0))
            now_alias = {"alias": row[0], "position": row[1]} if row else None
            return [ChangeItem(Entity.ALIAS, item.key, "*", now_alias, item.old)]
    raise EditError(
        "Change #{change} holds an item this bot can't undo ({entity}).", change=change.id, entity=item.entity
    )


async def _undo_show_ref(store: Store, change: Change, slugs: set[str]) -> ShowRef | None:
    """The show an undo is filed under: the undone change's show, by its id now if it still exists."""
    if not slugs:
        return None
    slug = sorted(slugs)[0]
    found = await store.catalog.show_ref_by_slug(slug)
    if found is not None:
        return found
    if change.show_id is None:
        return None
    return ShowRef(change.show_id, slug, change.show_title or slug)


async def undo(catalog: Catalog, actor: Actor, change_id: int) -> Change:
    """Restore what a change replaced, as a new recorded change that notifies like any edit."""
    store = catalog.store
    touched_shows: set[str] = set()
    async with store.transaction():
        change = await store.changes.change(change_id)
        if change is None:
            raise EditError("There is no change #{change}.", change=change_id)
        if change.action.about_curators:
            raise EditError("Curator changes are not undone: use /admin curator add or remove.")
        done = await store.changes.undone_by(change_id)
        if done:
            raise EditError(
                "Change #{change} was already undone by change #{undo}.", change=change_id, undo=done
            )
        conflict = await _later_conflict(store, change)
        if conflict:
            later, item = conflict
            raise EditError(
                "Change #{later} later changed {target}; undo that first.", later=later, target=Target(item)
            )
        items: list[ChangeItem] = []
        for item in reversed(change.items):
            items.extend(await _restore(store, change, item))
            touched_shows.add(item.key.slug)
        # Applied newest first; listed in the undone change's order.
        items = [i for i in reversed(items) if i.old != i.new]
        ref = await _undo_show_ref(store, change, touched_shows)
        new_id = await store.changes.record(
            actor=actor,
            action=Action.UNDO,
            show=ref,
            season_number=change.season_number,
            source=f"undo of change #{change_id}",
            items=items,
            events=events_for(items),
            undo_of=change_id,
        )
        for item in change.items:
            if item.entity is Entity.SHOW and item.field == "*" and isinstance(item.old, dict):
                restored = await store.catalog.show_ref_by_slug(item.key.slug)
                if restored is not None:
                    await restore_sync_state(store, restored.id, item.old)
    if new_id is None:
        raise EditError(
            "Change #{change} has nothing left to undo: the catalog already holds its old values.",
            change=change_id,
        )
    result = await finish(catalog, new_id)
    assert result is not None
    return result
