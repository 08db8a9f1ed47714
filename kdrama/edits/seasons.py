"""Edits of seasons: add, remove, status and date, and the release clock's scheduled → released."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kdrama.dates import DateError, PartialDate, Precision
from kdrama.edits.common import (
    EPISODES_MAX,
    EditError,
    finish,
    require_season,
    required_source,
    season_number,
    show_ref,
)
from kdrama.edits.common import note as _note
from kdrama.edits.common import status as check_status
from kdrama.edits.items import (
    credit_key,
    credit_value,
    diff,
    events_for,
    season_key,
    season_values,
    trailer_key,
    trailer_value,
)
from kdrama.i18n import N_
from kdrama.lookup import Catalog
from kdrama.models import Action, Actor, Change, ChangeItem, Entity, Season, Show, Status
from kdrama.store import utcnow
from kdrama.validate import clean_text

log = logging.getLogger(__name__)

CLOCK_ACTOR = Actor(None, "Drama bot (clock)")
CLOCK_SOURCE = "the announced release time"


async def add_season(
    catalog: Catalog, actor: Actor, title: str, season: int, episodes: int | None = None
) -> Change | None:
    """Add a season (status unconfirmed, date unknown); on an existing season, set its episode count."""
    number = season_number(season)
    if episodes is not None and not 0 <= episodes <= EPISODES_MAX:
        raise EditError("The episode count is a whole number from 0 to {max}.", max=EPISODES_MAX)
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        key = season_key(ref.slug, number)
        current = await store.catalog.season(ref.id, number)
        if current is None:
            await store.catalog.insert_season(ref.id, number, {"episodes": episodes})
            added = await store.catalog.season(ref.id, number)
            assert added is not None
            items = [ChangeItem(Entity.SEASON, key, "*", None, season_values(added))]
            action = Action.SEASON_ADD
        else:
            items = diff(key, season_values(current), {"episodes": episodes}) if episodes is not None else []
            await store.catalog.update_season(ref.id, number, {i.field: i.new for i in items})
            action = Action.SEASON_EDIT
        change_id = await store.changes.record(
            actor=actor, action=action, show=ref, season_number=number, source=None, items=items
        )
    return await finish(catalog, change_id)


async def remove_season(catalog: Catalog, actor: Actor, title: str, season: int) -> Change:
    """Remove a season with its cast entries and trailers."""
    number = season_number(season)
    show = await catalog.resolve(title)
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        current = await require_season(store, ref, number)
        items = [ChangeItem(Entity.SEASON, season_key(ref.slug, number), "*", season_values(current), None)]
        for c in await store.catalog.season_credits(ref.id, number):
            items.append(
                ChangeItem(Entity.CREDIT, credit_key(ref.slug, number, c.actor), "*", credit_value(c), None)
            )
        for t in await store.catalog.season_trailers(ref.id, number):
            items.append(
                ChangeItem(Entity.TRAILER, trailer_key(ref.slug, number, t.url), "*", trailer_value(t), None)
            )
        await store.catalog.delete_season(ref.id, number, with_cast_and_trailers=True)
        change_id = await store.changes.record(
            actor=actor, action=Action.SEASON_REMOVE, show=ref, season_number=number, source=None, items=items
        )
    change = await finish(catalog, change_id)
    assert change is not None
    return change


async def _edit_season_fact(
    catalog: Catalog,
    actor: Actor,
    show: Show,
    number: int,
    action: Action,
    source: str,
    new_fields: Callable[[dict[str, Any]], dict[str, Any]],
) -> Change | None:
    """One status or date edit: read the season, write what `new_fields` returns, record it."""
    store = catalog.store
    async with store.transaction():
        ref = await show_ref(store, show.id)
        current = season_values(await require_season(store, ref, number))
        items = diff(season_key(ref.slug, number), current, new_fields(current))
        await store.catalog.update_season(ref.id, number, {i.field: i.new for i in items})
        change_id = await store.changes.record(
            actor=actor,
            action=action,
            show=ref,
            season_number=number,
            source=source,
            items=items,
            events=events_for(items),
        )
    return await finish(catalog, change_id)


async def set_status(
    catalog: Catalog,
    actor: Actor,
    title: str,
    season: int,
    status: Status | str,
    source: str | None,
    note: str | None = None,
) -> Change | None:
    """Set a season's official status, with its source; as-of becomes today."""
    number = season_number(season)
    value = check_status(status)
    src = required_source(source, N_("status"))
    new_note = _note(note)
    show = await catalog.resolve(title)

    def new_fields(current: dict[str, Any]) -> dict[str, Any]:
        new: dict[str, Any] = {
            "status": value.value,
            "status_source": src,
            "status_as_of": utcnow().date().isoformat(),
        }
        # A note is about the status it was written for: keep it unless the status moves.
        if note is not None:
            new["status_note"] = new_note
        elif current["status"] != value.value:
            new["status_note"] = None
        return new

    return await _edit_season_fact(catalog, actor, show, number, Action.SEASON_STATUS, src, new_fields)


async def set_date(
    catalog: Catalog,
    actor: Actor,
    title: str,
    season: int,
    date_text: str,
    official: bool,
    source: str | None,
    note: str | None = None,
) -> Change | None:
    """Set a season's release date at the precision it was typed, official or expected; as-of today."""
    number = season_number(season)
    typed = clean_text(date_text, field=N_("The date"), max_len=60)
    if typed is None:  # blank or invisible: never read as "unknown", which wipes a known date
        raise EditError("The date is empty: type it as precisely as it is known, or unknown.")
    try:
        when = PartialDate.parse(typed)
    except DateError as e:
        raise EditError(e.message, **e.params) from e
    src = required_source(source, N_("date"))
    new_note = _note(note)
    show = await catalog.resolve(title)

    def new_fields(current: dict[str, Any]) -> dict[str, Any]:
        new: dict[str, Any] = {
            "release_date": when.canonical(),
            "release_official": bool(official),
            "release_source": src,
            "release_as_of": utcnow().date().isoformat(),
        }
        if note is not None:
            new["release_note"] = new_note
        elif current["release_date"] != when.canonical() or current["release_official"] != bool(official):
            new["release_note"] = None
        return new

    return await _edit_season_fact(catalog, actor, show, number, Action.SEASON_DATE, src, new_fields)


async def release_due(catalog: Catalog, now: datetime | None = None) -> list[Change]:
    """Move every scheduled season whose official exact release time has passed to released, once.

    An expected exact time (a report's, not the network's) passing proves nothing: the season
    stays scheduled and nobody hears "now streaming".

    Each move is an edit like a curator's, by the clock: it records every field it changes
    (so undo puts the season back as it was), shows in /admin history with the date's source,
    and notifies (status and release) like any status edit. The write is conditional under
    the write lock, so a second process, a second tick or a restart finds nothing to do.
    """
    now = now or utcnow()
    store = catalog.store
    done: list[int] = []
    for ref, season in await store.catalog.due_exact_releases(now):
        source = season.release.source or CLOCK_SOURCE
        async with store.transaction():
            current = await store.catalog.season(ref.id, season.number)
            if current is None or not _due(current, now):
                continue
            new = {
                "status": Status.RELEASED.value,
                "status_source": source,
                "status_as_of": now.date().isoformat(),
                "status_note": None,
            }
            items = diff(season_key(ref.slug, season.number), season_values(current), new)
            if not await store.catalog.release_if_due(current.id, now, {i.field: i.new for i in items}):
                continue
            change_id = await store.changes.record(
                actor=CLOCK_ACTOR,
                action=Action.SEASON_STATUS,
                show=ref,
                season_number=season.number,
                source=source,
                items=items,
                events=events_for(items),
                at=now,
            )
        if change_id is not None:
            log.info("%s season %d is out: now released (change %d)", ref.title, season.number, change_id)
            done.append(change_id)
    return [c for c in [await finish(catalog, i) for i in done] if c is not None]


def _due(season: Season, now: datetime) -> bool:
    span = season.release.date.span()
    return (
        season.status.value is Status.SCHEDULED
        and season.release.official
        and season.release.date.precision is Precision.EXACT
        and span is not None
        and span[0] <= now
    )
