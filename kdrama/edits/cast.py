"""Edits of what hangs under a season: cast entries and trailers."""

from __future__ import annotations

from typing import Any

from kdrama.edits.common import (
    NAME_MAX,
    EditError,
    finish,
    given,
    require_season,
    season_number,
    show_ref,
)
from kdrama.edits.items import credit_key, credit_value, diff, events_for, trailer_key, trailer_value
from kdrama.i18n import N_, Phrase, Phrases
from kdrama.lookup import Catalog
from kdrama.models import Action, Actor, Change, ChangeItem, Credit, Entity
from kdrama.store import Store
from kdrama.validate import TITLE_MAX, clean_text, https_url
from kdrama.validate import source as check_source


def _expected_needs_source(official: bool, source: str | None) -> None:
    if not official and not source:
        raise EditError("An expected cast entry needs a source: an https:// link or a short citation.")


async def update_credit(store: Store, show_id: int, current: Credit, fields: dict[str, Any]) -> None:
    """Change fields of a cast entry; a new Korean name makes it the entry of that person."""
    if "korean_name" not in fields:
        await store.catalog.update_credit(current.id, fields)
        return
    # The Korean name is the person's, not the credit's (two actors may share an English
    # name): the entry moves to the person with both names, keeping its place in the billing.
    await store.catalog.delete_credit(current.id)
    await store.catalog.insert_credit(show_id, credit_value(current) | fields)


async def add_cast(
    catalog: Catalog,
    actor: Actor,
    title: str,
    person: str,
    character: str | None,
    *,
    season: int | None = None,
    official: bool | None = None,
    source: str | None = None,
    korean_name: str | None = None,
) -> Change | None:
    """Add a cast entry (or update an existing one) for a season, or the whole show without one.

    `official` None means: official for a new entry, unchanged for an existing one.
    """
    name = clean_text(person, field=N_("The actor's name"), max_len=NAME_MAX, required=True)
    assert name is not None
    role = given(character, N_("The character"), NAME_MAX)
    korean = given(korean_name, N_("The Korean name"), NAME_MAX)
    src = check_source(source, field=N_("The source"), required=source is not None)
    number = season_number(season) if season is not None else None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        if number is not None:
            await require_season(store, ref, number)
        key = credit_key(ref.slug, number, name)
        existing = await store.catalog.season_credits(ref.id, number, name)
        if existing:
            # Two actors may share an English name: the Korean name, when given, says which.
            current = next(
                (c for c in existing if korean is not None and c.korean_name == korean), existing[0]
            )
            key = credit_key(ref.slug, number, current.actor)
            wanted: dict[str, Any] = {"character": role}
            if official is not None:
                wanted["official"] = official
            if src is not None:
                wanted["source"] = src
            if korean is not None:
                wanted["korean_name"] = korean
            _expected_needs_source(wanted.get("official", current.official), src or current.source)
            items = diff(key, credit_value(current), wanted)
            await update_credit(store, ref.id, current, {i.field: i.new for i in items})
        else:
            _expected_needs_source(official is not False, src)
            value = {
                "season_number": number,
                "actor": name,
                "korean_name": korean,
                "character": role,
                "billing": await store.catalog.next_billing(ref.id, number),
                "official": official is not False,
                "source": src,
            }
            await store.catalog.insert_credit(ref.id, value)
            items = [ChangeItem(Entity.CREDIT, key, "*", None, value)]
        change_id = await store.changes.record(
            actor=actor,
            action=Action.CAST_ADD,
            show=ref,
            season_number=number,
            source=src,
            items=items,
            events=events_for(items),
        )
    return await finish(catalog, change_id)


async def remove_cast(
    catalog: Catalog, actor: Actor, title: str, person: str, *, season: int | None = None
) -> Change:
    """Remove an actor's cast entry from a season (or from the whole show)."""
    name = clean_text(person, field=N_("The actor's name"), max_len=NAME_MAX, required=True)
    assert name is not None
    number = season_number(season) if season is not None else None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        found = await store.catalog.season_credits(ref.id, number, name)
        if not found:
            where = (
                Phrase.of(N_("season {number}"), number=number)
                if number is not None
                else Phrase.of(N_("the whole-show cast"))
            )
            elsewhere = await store.catalog.credited_seasons(ref.id, name)
            if not elsewhere:
                raise EditError(
                    "{name} is not in the cast of {title} ({where}).", name=name, title=ref.title, where=where
                )
            places = Phrases(
                tuple(
                    Phrase.of(N_("the whole show"))
                    if n is None
                    else Phrase.of(N_("season {number}"), number=n)
                    for n in elsewhere
                )
            )
            raise EditError(
                "{name} is not in the cast of {title} ({where}); they are credited in {places}.",
                name=name,
                title=ref.title,
                where=where,
                places=places,
            )
        c = found[0]
        await store.catalog.delete_credit(c.id)
        items = [ChangeItem(Entity.CREDIT, credit_key(ref.slug, number, c.actor), "*", credit_value(c), None)]
        change_id = await store.changes.record(
            actor=actor, action=Action.CAST_REMOVE, show=ref, season_number=number, source=None, items=items
        )
    change = await finish(catalog, change_id)
    assert change is not None
    return change


async def add_trailer(
    catalog: Catalog,
    actor: Actor,
    title: str,
    season: int,
    url: str,
    *,
    name: str | None = None,
    kind: str = "trailer",
    hosts: tuple[str, ...],
) -> Change | None:
    """Add a trailer (from an allowed video host) to a season; a known URL gets its name or kind updated."""
    number = season_number(season)
    link = https_url(url, field=N_("The trailer link"), hosts=hosts)
    if link is None:
        raise EditError("Give the trailer's link.")
    if kind not in ("teaser", "trailer"):
        raise EditError("The kind is teaser or trailer, not {kind}.", kind=repr(kind))
    label = given(name, N_("The trailer's name"), TITLE_MAX)
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        await require_season(store, ref, number)
        key = trailer_key(ref.slug, number, link)
        current = await store.catalog.trailer(ref.id, number, link)
        if current is None:
            value = {"season_number": number, "url": link, "title": label, "kind": kind, "published": None}
            await store.catalog.insert_trailer(ref.id, value)
            items = [ChangeItem(Entity.TRAILER, key, "*", None, value)]
        else:
            wanted: dict[str, Any] = {"kind": kind}
            if label is not None:
                wanted["title"] = label
            items = diff(key, trailer_value(current), wanted)
            await store.catalog.update_trailer(current.id, {i.field: i.new for i in items})
        change_id = await store.changes.record(
            actor=actor,
            action=Action.TRAILER_ADD,
            show=ref,
            season_number=number,
            source=None,
            items=items,
            events=events_for(items),
        )
    return await finish(catalog, change_id)


async def remove_trailer(catalog: Catalog, actor: Actor, title: str, season: int, url: str) -> Change:
    """Remove a trailer from a season."""
    number = season_number(season)
    link = clean_text(url, field=N_("The trailer link"), max_len=500, required=True)
    assert link is not None
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        await require_season(store, ref, number)
        current = await store.catalog.trailer(ref.id, number, link)
        if current is None:
            urls = [t.url for t in await store.catalog.season_trailers(ref.id, number)]
            listed = ", ".join(urls) if urls else "none"
            raise EditError(
                "Season {number} of {title} has no trailer {link} (its trailers: {listed}).",
                number=number,
                title=ref.title,
                link=link,
                listed=listed,
            )
        await store.catalog.delete_trailer(current.id)
        items = [
            ChangeItem(Entity.TRAILER, trailer_key(ref.slug, number, link), "*", trailer_value(current), None)
        ]
        change_id = await store.changes.record(
            actor=actor,
            action=Action.TRAILER_REMOVE,
            show=ref,
            season_number=number,
            source=None,
            items=items,
        )
    change = await finish(catalog, change_id)
    assert change is not None
    return change
