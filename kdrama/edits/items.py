"""Change items: their keys, what watchers hear about them, and how they read in words.

An item carries enough to undo it: the entity, its key, the field, and the old and new
values; an add or a removal records the whole row (field "*") as new or old.

Keys: a show is its slug; a season `slug#2`; a credit `slug#2#Actor` (`slug#0#Actor` for the
whole show); a trailer `slug#2#url`; an alias `slug#alias`. A key under another (`slug#2#…`
under `slug#2`) belongs to it, which is how undo sees that a later edit touched the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from kdrama.dates import DateError, PartialDate, as_of_text
from kdrama.models import Change, ChangeItem, Credit, Entity, Event, ItemKey, Season, Show, Status, Trailer
from kdrama.store.catalog import SEASON_FIELDS, SHOW_FIELDS
from kdrama.store.history import release_history_json, status_history_json

__all__ = ["SEASON_FIELDS", "SHOW_FIELDS"]

CREDIT_FIELDS = ("character", "billing", "official", "source")
TRAILER_FIELDS = ("title", "kind", "published")

FIELD_LABELS = {
    "title": "title",
    "korean_title": "Korean title",
    "romanized_title": "romanized title",
    "country": "country",
    "platform": "platform",
    "platform_url": "platform link",
    "genres": "genres",
    "synopsis": "synopsis",
    "poster_url": "poster link",
    "episodes": "episode count",
    "notes": "notes",
    "status": "status",
    "status_source": "status source",
    "status_as_of": "status as-of date",
    "status_note": "status note",
    "release_date": "release date",
    "release_official": "release date's officialness",
    "release_source": "release date source",
    "release_as_of": "release date as-of",
    "release_note": "release date note",
    "status_history": "earlier statuses",
    "release_history": "earlier release dates",
    "character": "character",
    "billing": "billing",
    "official": "officialness",
    "source": "source",
    "kind": "kind",
    "published": "published date",
}


# --- keys ------------------------------------------------------------------------------------


def show_key(slug: str) -> ItemKey:
    return ItemKey(Entity.SHOW, slug)


def season_key(slug: str, number: int) -> ItemKey:
    return ItemKey(Entity.SEASON, slug, number)


def credit_key(slug: str, season: int | None, person: str) -> ItemKey:
    return ItemKey(Entity.CREDIT, slug, season, person)


def trailer_key(slug: str, season: int, url: str) -> ItemKey:
    return ItemKey(Entity.TRAILER, slug, season, url)


def alias_key(slug: str, alias: str) -> ItemKey:
    return ItemKey(Entity.ALIAS, slug, None, alias)


def curator_key(user_id: int) -> ItemKey:
    return ItemKey(Entity.CURATOR, str(user_id))


# --- models as item values -------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def show_values(show: Show) -> dict[str, Any]:
    """A show's editable fields, as items record them."""
    return {
        "title": show.title,
        "korean_title": show.korean_title,
        "romanized_title": show.romanized_title,
        "country": show.country,
        "platform": show.platform,
        "platform_url": show.platform_url,
        "genres": list(show.genres),
        "synopsis": show.synopsis,
        "poster_url": show.poster_url,
    }


def season_values(season: Season) -> dict[str, Any]:
    """A season's fields, as items record them."""
    return {
        "episodes": season.episodes,
        "notes": season.notes,
        "status": season.status.value.value,
        "status_source": season.status.source,
        "status_as_of": as_of_text(season.status.as_of),
        "status_note": season.status.note,
        "release_date": season.release.date.canonical(),
        "release_official": season.release.official,
        "release_source": season.release.source,
        "release_as_of": as_of_text(season.release.as_of),
        "release_note": season.release.note,
        "status_history": status_history_json(season.status),
        "release_history": release_history_json(season.release),
    }


def credit_value(credit: Credit) -> dict[str, Any]:
    """A cast entry, as items record it."""
    return {
        "season_number": credit.season_number,
        "actor": credit.actor,
        "korean_name": credit.korean_name,
        "character": credit.character,
        "billing": credit.billing,
        "official": credit.official,
        "source": credit.source,
    }


def trailer_value(trailer: Trailer) -> dict[str, Any]:
    """A trailer, as items record it."""
    return {
        "season_number": trailer.season_number,
        "url": trailer.url,
        "title": trailer.title,
        "kind": trailer.kind,
        "published": _day(trailer.published),
    }


def diff(key: ItemKey, old: dict[str, Any], new: dict[str, Any]) -> list[ChangeItem]:
    """One item per field whose value `new` changes."""
    return [ChangeItem(key.entity, key, f, old.get(f), new[f]) for f in new if old.get(f) != new[f]]


# --- events ----------------------------------------------------------------------------------


_NEW_SEASON: dict[str, Any] = {
    "status": {"value": "unconfirmed"},
    "release": {"date": PartialDate().canonical(), "official": False},
    "cast": [],
    "trailers": [],
}


def events_for(items: Iterable[ChangeItem]) -> frozenset[Event]:
    """What watchers hear about: status, date, a trailer added, an official cast entry added.

    A whole show replaced by an import (or by undoing one) raises what the same edits would.
    """
    items = list(items)
    events = set(_edit_events(items))
    for i in items:
        if i.entity is Entity.SHOW and i.field == "*" and isinstance(i.old, dict) and isinstance(i.new, dict):
            events |= replaced_show_events(i.key.slug, i.old, i.new)
    return frozenset(events)


def _edit_events(items: list[ChangeItem]) -> frozenset[Event]:
    # Cast and trailers that come back with their whole season (undoing its removal) are not news.
    whole = [i.key for i in items if i.entity is Entity.SEASON and i.field == "*"]
    events: set[Event] = set()
    for i in items:
        if any(w.covers(i.key) for w in whole):
            continue
        if i.entity is Entity.SEASON and i.field == "status" and i.old != i.new:
            events.add(Event.STATUS)
            if i.new in (Status.AIRING.value, Status.RELEASED.value):
                events.add(Event.RELEASE)
        elif i.entity is Entity.SEASON and i.field in ("release_date", "release_official") and i.old != i.new:
            events.add(Event.DATE)
        elif i.entity is Entity.TRAILER and i.field == "*" and i.old is None and i.new is not None:
            events.add(Event.TRAILER)
        elif i.entity is Entity.CREDIT and i.field == "*" and i.old is None and isinstance(i.new, dict):
            if i.new.get("official"):
                events.add(Event.CAST)
        elif i.entity is Entity.CREDIT and i.field == "official" and i.new is True and i.old is not True:
            events.add(Event.CAST)
    return frozenset(events)


def replaced_show_events(slug: str, old: dict[str, Any] | None, new: dict[str, Any]) -> frozenset[Event]:
    """What replacing show `old` with `new` (file-format dicts) tells watchers: what edits would.

    A show that is added (old None) or removed (new None) notifies no one, like `/admin show
    add|remove`: nobody follows a new show yet, and a first load of a large catalog must not
    flood "every show" channels. A season new in `new` counts as added unconfirmed and undated,
    then set as `new` says.
    """
    if old is None:
        return frozenset()
    # Built as the items the equivalent edits would record, then read like them.
    items: list[ChangeItem] = []
    _cast_items(items, slug, None, old.get("cast", []), new.get("cast", []))
    before = {s["number"]: s for s in old.get("seasons", [])}
    for season in new.get("seasons", []):
        n = season["number"]
        was = before.get(n, _NEW_SEASON)
        key = season_key(slug, n)
        items.append(
            ChangeItem(Entity.SEASON, key, "status", was["status"]["value"], season["status"]["value"])
        )
        for field, part in (("release_date", "date"), ("release_official", "official")):
            items.append(ChangeItem(Entity.SEASON, key, field, was["release"][part], season["release"][part]))
        had = {t["url"] for t in was.get("trailers", [])}
        for t in season.get("trailers", []):
            if t["url"] not in had:
                items.append(ChangeItem(Entity.TRAILER, trailer_key(slug, n, t["url"]), "*", None, t))
        _cast_items(items, slug, n, was.get("cast", []), season.get("cast", []))
    return _edit_events(items)


def _cast_items(
    items: list[ChangeItem],
    slug: str,
    season: int | None,
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
) -> None:
    had = {c["actor"].casefold(): c for c in old}
    for c in new:
        key = credit_key(slug, season, c["actor"])
        before = had.get(c["actor"].casefold())
        if before is None:
            items.append(ChangeItem(Entity.CREDIT, key, "*", None, c))
        else:
            items.append(
                ChangeItem(Entity.CREDIT, key, "official", bool(before["official"]), bool(c["official"]))
            )


# --- in words --------------------------------------------------------------------------------


def _value(field: str, value: object) -> str:
    """A stored value as a curator reads it."""
    if value is None or value == "" or value == []:
        return "none"
    if field == "status":
        try:
            return Status(str(value)).label
        except ValueError:
            return str(value)
    if field == "release_date":
        try:
            return PartialDate.parse(str(value)).human()
        except DateError:
            return str(value)
    if field in ("release_official", "official"):
        return "official" if value else "expected"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if isinstance(value, str) and not text.startswith("https://"):
        text = f"“{_short(text)}”"
    return text


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_target(item: ChangeItem) -> str:
    """What an item is about, in words: "the status of season 2"."""
    key = item.key
    label = FIELD_LABELS.get(item.field, item.field.replace("_", " "))
    match item.entity:
        case Entity.SHOW:
            return "the show" if item.field == "*" else f"the {label}"
        case Entity.SEASON:
            return f"season {key.season}" if item.field == "*" else f"the {label} of season {key.season}"
        case Entity.CREDIT:
            where = "the whole show" if key.season is None else f"season {key.season}"
            what = f"the cast entry for {key.name} ({where})"
            return what if item.field == "*" else f"the {label} of {what}"
        case Entity.TRAILER:
            what = f"the trailer {key.name} of season {key.season}"
            return what if item.field == "*" else f"the {label} of {what}"
        case Entity.ALIAS:
            return f"the alias “{key.name}”"
        case Entity.CURATOR:
            return f"the curator <@{key.slug}>"
    return f"{item.entity} {key} {item.field}"


def describe_item(item: ChangeItem) -> str:
    """One line saying what an item changed, old → new."""
    target = describe_target(item)
    if item.field == "*":
        if item.old is None:
            return f"added {target}"
        if item.new is None:
            return f"removed {target}"
        return f"replaced {target} (import)"
    return f"{target}: {_value(item.field, item.old)} → {_value(item.field, item.new)}"


def describe_change(change: Change) -> list[str]:
    """Every line of a change; repeated season/credit prefixes are kept, the curator reads them."""
    return [describe_item(i) for i in change.items]
