"""Edits of whole shows: add, edit, remove, and aliases."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kdrama import catalog as catalog_file
from kdrama.edits.common import (
    NAME_MAX,
    EditError,
    clearing,
    finish,
    show_ref,
    text,
)
from kdrama.edits.common import country as _country
from kdrama.edits.common import genres as _genres
from kdrama.edits.items import SHOW_FIELDS, alias_key, diff, show_key, show_values
from kdrama.i18n import N_, Phrase
from kdrama.lookup import Catalog
from kdrama.models import Action, Actor, Change, ChangeItem, Entity, ShowRef
from kdrama.store import Store, utcnow
from kdrama.validate import LONG_TEXT_MAX, TITLE_MAX, clean_text, https_url, slugify

log = logging.getLogger(__name__)

# A show field's name where a refusal starts with it ("The platform link must be …").
EDIT_FIELD_NAMES = {
    "title": N_("The title"),
    "korean_title": N_("The Korean title"),
    "romanized_title": N_("The romanized title"),
    "country": N_("The country"),
    "platform": N_("The platform"),
    "platform_url": N_("The platform link"),
    "genres": N_("The genres"),
    "synopsis": N_("The synopsis"),
    "poster_url": N_("The poster link"),
}
# Why a subscription restored with its show (undoing the show's removal) waits for /watch add
# (stored in English; /watch list translates it).
RESTORED_PAUSED = N_("the show was removed and restored: run /watch add here to resume")


async def snapshot_show(store: Store, show_id: int) -> dict[str, Any]:
    """A show in the file format, plus what a removal would cascade away from other rows."""
    found = await store.catalog.file_shows([show_id])
    snapshot = found[0]
    snapshot["_similar_of"] = await store.catalog.similar_of(show_id)
    snapshot["_subscriptions"] = await store.catalog.subscription_rows(show_id)
    snapshot["_follows"] = await store.follows.rows_of_show(show_id)
    snapshot["_sync"] = await store.sync.saved(show_id)
    return snapshot


async def delete_show(store: Store, show_id: int, snapshot: Mapping[str, Any]) -> None:
    """Take a show out of the catalog (its snapshot taken); a TMDB show stays out of the sync."""
    cancelled = await store.catalog.delete_show(show_id)
    if cancelled:
        log.info("show %d removed: %d unsent notice(s) about it cancelled", show_id, cancelled)
    await store.sync.forget_show(snapshot.get("_sync") or {})


async def restore_sync_state(store: Store, show_id: int, snapshot: Mapping[str, Any]) -> None:
    """Give a restored show its TMDB link, provenance and review back, once its change is recorded.

    Recording the restore marks every field it wrote as a curator's; the snapshot knows better.
    A snapshot from before it kept these (older removals) leaves the show as recorded.
    """
    saved = snapshot.get("_sync")
    if saved and not await store.sync.restore(show_id, saved):
        log.warning("show %d restored without its TMDB link: another show holds that TMDB id now", show_id)


async def write_show(store: Store, snapshot: Mapping[str, Any], prefer_id: int | None) -> int:
    """Write a show from its file-format dict: replace it when its slug exists, else insert it."""
    clean = {k: v for k, v in snapshot.items() if not k.startswith("_")}
    try:
        (entry,) = catalog_file.parse_catalog({"format": catalog_file.FORMAT, "shows": [clean]})
    except catalog_file.CatalogError as e:
        raise EditError("The recorded show can't be restored: {reason}", reason=e) from e
    # Keep the old id when it is free, so the show's history stays with it.
    return await store.catalog.restore_show(
        entry,
        prefer_id=prefer_id,
        similar_of=snapshot.get("_similar_of") or [],
        subscriptions=[_paused(sub) for sub in snapshot.get("_subscriptions") or []],
        follows=snapshot.get("_follows") or [],
    )


def _paused(sub: Mapping[str, Any]) -> dict[str, Any]:
    """A subscription restored with its show, paused until /watch add checks its channel again.

    The channel may have been deleted, or the bot may have lost access to it, while the
    show was gone; a subscription that was already paused keeps its own reason.
    """
    if sub.get("paused_reason"):
        return dict(sub)
    return {**sub, "paused_reason": RESTORED_PAUSED, "paused_at": utcnow().isoformat(timespec="seconds")}


async def add_show(
    catalog: Catalog,
    actor: Actor,
    title: str,
    *,
    korean_title: str | None = None,
    romanized_title: str | None = None,
    platform: str | None = None,
    platform_url: str | None = None,
    country: str | None = None,
    genres: str | None = None,
    poster_url: str | None = None,
) -> Change:
    """Add a show (no seasons yet); its slug comes from the title."""
    clean_title = clean_text(title, field=N_("The title"), max_len=TITLE_MAX, required=True)
    assert clean_title is not None
    row = {
        "title": clean_title,
        "korean_title": text(korean_title, N_("The Korean title"), TITLE_MAX),
        "romanized_title": text(romanized_title, N_("The romanized title"), TITLE_MAX),
        "country": _country(country),
        "platform": text(platform, N_("The platform"), NAME_MAX),
        "platform_url": https_url(platform_url, field=N_("The platform link")),
        "genres": _genres(genres),
        "synopsis": None,
        "poster_url": https_url(poster_url, field=N_("The poster link")),
    }
    store = catalog.store
    async with store.transaction():
        same = await store.catalog.slug_titled(clean_title)
        if same:
            raise EditError(
                "A show called “{title}” is already in the catalog (slug {slug}).",
                title=clean_title,
                slug=same,
            )
        base = slugify(clean_title)
        slug, n = base, 2
        while await store.catalog.show_ref_by_slug(slug) is not None:
            slug, n = f"{base}-{n}", n + 1
        snapshot = {"slug": slug, **row, "aliases": [], "similar": [], "cast": [], "seasons": []}
        show_id = await write_show(store, snapshot, None)
        change_id = await store.changes.record(
            actor=actor,
            action=Action.SHOW_ADD,
            show=ShowRef(show_id, slug, clean_title),
            season_number=None,
            source=None,
            items=[ChangeItem(Entity.SHOW, show_key(slug), "*", None, snapshot)],
        )
    change = await finish(catalog, change_id)
    assert change is not None
    return change


async def edit_show(
    catalog: Catalog, actor: Actor, title: str, changes: Mapping[str, str | None]
) -> Change | None:
    """Change a show's fields; an option given as "-" empties the field (never the title).

    Text that shows nothing (spaces, a zero-width space) is refused: read as empty, it would
    silently wipe the field.
    """
    unknown = set(changes) - set(SHOW_FIELDS)
    if unknown:
        raise EditError("Shows have no field {field}.", field=repr(sorted(unknown)[0]))
    new: dict[str, Any] = {}
    for field, raw in changes.items():
        if raw is None:
            continue
        if clearing(raw):
            if field == "title":
                raise EditError("A show always has a title; type the new one instead of -.")
            new[field] = [] if field == "genres" else None
            continue
        label = EDIT_FIELD_NAMES[field]
        new[field] = _typed_value(field, raw, label)
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        if "title" in new and new["title"] != ref.title:
            same = await store.catalog.slug_titled(new["title"], besides=ref.id)
            if same:
                raise EditError(
                    "Another show is already called “{title}” (slug {slug}).", title=new["title"], slug=same
                )
        current = await store.catalog.show(ref.id)
        assert current is not None
        items = diff(show_key(ref.slug), show_values(current), new)
        await store.catalog.update_show(ref.id, {i.field: i.new for i in items})
        new_ref = ShowRef(ref.id, ref.slug, new.get("title") or ref.title)
        change_id = await store.changes.record(
            actor=actor, action=Action.SHOW_EDIT, show=new_ref, season_number=None, source=None, items=items
        )
    return await finish(catalog, change_id)


def _typed_value(field: str, raw: str, label: str) -> Any:
    """A show field's new value as typed; text that shows nothing is refused, never read as "-"."""
    match field:
        case "title":
            return clean_text(raw, field=label, max_len=TITLE_MAX, required=True)
        case "korean_title" | "romanized_title":
            value: Any = text(raw, label, TITLE_MAX)
        case "country":
            value = _country(raw)
        case "platform":
            value = text(raw, label, NAME_MAX)
        case "platform_url" | "poster_url":
            value = https_url(raw, field=label)
        case "genres":
            value = _genres(raw)
        case _:  # the synopsis
            value = text(raw, label, LONG_TEXT_MAX, multiline=True)
    if not value:  # spaces, a zero-width space, a control character: Discord lets them through
        raise EditError(
            "{field} as typed is empty; type the new value, or - to empty it.", field=Phrase.of(label)
        )
    return value


async def remove_show(catalog: Catalog, actor: Actor, title: str) -> Change:
    """Remove a show with its seasons, cast and trailers (undo puts it all back)."""
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        snapshot = await snapshot_show(store, ref.id)
        await delete_show(store, ref.id, snapshot)
        change_id = await store.changes.record(
            actor=actor,
            action=Action.SHOW_REMOVE,
            show=ref,
            season_number=None,
            source=None,
            items=[ChangeItem(Entity.SHOW, show_key(ref.slug), "*", snapshot, None)],
        )
    change = await finish(catalog, change_id)
    assert change is not None
    return change


async def alias(
    catalog: Catalog, actor: Actor, title: str, alias_text: str, *, remove: bool = False
) -> Change | None:
    """Add an alias to a show, or remove one."""
    wanted = clean_text(alias_text, field=N_("The alias"), max_len=TITLE_MAX, required=True)
    assert wanted is not None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        rows = await store.catalog.aliases(ref.id)
        existing = next((r for r in rows if r[0].casefold() == wanted.casefold()), None)
        items: list[ChangeItem] = []
        if remove:
            if existing is None:
                listed = ", ".join(f"“{r[0]}”" for r in rows) or "none"
                raise EditError(
                    "{title} has no alias “{wanted}” (its aliases: {listed}).",
                    title=ref.title,
                    wanted=wanted,
                    listed=listed,
                )
            await store.catalog.remove_alias(ref.id, existing[0])
            items.append(
                ChangeItem(
                    Entity.ALIAS,
                    alias_key(ref.slug, existing[0]),
                    "*",
                    {"alias": existing[0], "position": existing[1]},
                    None,
                )
            )
        elif existing is None:
            if wanted.casefold() == ref.title.casefold():
                raise EditError("“{wanted}” is already the show's title.", wanted=wanted)
            position = max((r[1] for r in rows), default=-1) + 1
            await store.catalog.add_alias(ref.id, wanted, position)
            items.append(
                ChangeItem(
                    Entity.ALIAS,
                    alias_key(ref.slug, wanted),
                    "*",
                    None,
                    {"alias": wanted, "position": position},
                )
            )
        change_id = await store.changes.record(
            actor=actor, action=Action.SHOW_ALIAS, show=ref, season_number=None, source=None, items=items
        )
    return await finish(catalog, change_id)
