"""The one describer of change items, in the reader's language.

Curators read a change as lines ("the status of season 2: Filming → Renewed") in `/admin`
replies, `/admin history` and undo replies; a channel reads the same items as the fields of
a notice ("Status (official)": "Filming → **Renewed**"). Both read their values (statuses,
dates, officialness, lists, whole rows) through `plain_value`, and name fields from one table.
"""

from __future__ import annotations

from typing import Any

from kdrama import i18n
from kdrama.dates import DateError, PartialDate
from kdrama.i18n import N_, Text
from kdrama.models import Change, ChangeItem, Entity, Event, Season, Status
from kdrama.render import cut, safe, shown_link, status_label, when

EN = i18n.text(i18n.ENGLISH)
ARROW = "→"

# A field's name inside a curator's sentence ("the {label} of season 2").
FIELD_LABELS = {
    "title": N_("title"),
    "korean_title": N_("Korean title"),
    "romanized_title": N_("romanized title"),
    "country": N_("country"),
    "platform": N_("platform"),
    "platform_url": N_("platform link"),
    "genres": N_("genres"),
    "synopsis": N_("synopsis"),
    "poster_url": N_("poster link"),
    "episodes": N_("episode count"),
    "notes": N_("notes"),
    "status": N_("status"),
    "status_source": N_("status source"),
    "status_as_of": N_("status as-of date"),
    "status_note": N_("status note"),
    "release_date": N_("release date"),
    "release_official": N_("release date's officialness"),
    "release_source": N_("release date source"),
    "release_as_of": N_("release date as-of"),
    "release_note": N_("release date note"),
    "status_history": N_("earlier statuses"),
    "release_history": N_("earlier release dates"),
    "character": N_("character"),
    "korean_name": N_("Korean name"),
    "billing": N_("billing"),
    "official": N_("officialness"),
    "source": N_("source"),
    "kind": N_("kind"),
    "published": N_("published date"),
    "tmdb_id": N_("TMDB link"),
}
# A field's name as a notice's field heading.
NOTICE_LABELS = {
    "status": N_("Status (official)"),
    "release_date": N_("Release date"),
    "release_official": N_("Release date"),
    "release_source": N_("Release date source"),
    "status_source": N_("Status source"),
    "episodes": N_("Episodes"),
    "notes": N_("Notes"),
    "platform": N_("Platform"),
    "platform_url": N_("Where to watch"),
    "title": N_("Title"),
}
# An event's name where a sentence lists them ("Watchers of status, date will hear about it").
EVENT_NAMES = {
    Event.STATUS: N_("status"),
    Event.DATE: N_("date"),
    Event.TRAILER: N_("trailer"),
    Event.CAST: N_("cast"),
    Event.RELEASE: N_("release"),
}
_DATE_FIELDS = {"release_date"}
_OFFICIAL_FIELDS = {"release_official", "official"}
# Bookkeeping a curator's edit also records; a notice shows the change's source instead.
_QUIET_FIELDS = {"status_source", "status_as_of", "release_source", "release_as_of"}
_NOTE_FIELDS = {"status_note": N_("Status note"), "release_note": N_("Release date note")}


def field_label(field: str, t: Text = EN) -> str:
    """A field's name inside a sentence: "status", "Korean title"."""
    label = FIELD_LABELS.get(field)
    return t.gettext(label) if label else field.replace("_", " ")


# --- values ----------------------------------------------------------------------------------


def official_text(value: object, t: Text = EN) -> str:
    return t.gettext("official") if value else t.gettext("expected")


def date_text(value: object, t: Text = EN, *, discord_time: bool = False) -> str | None:
    """A stored date in words at its precision; None when it is not a date."""
    try:
        d = PartialDate.parse(str(value))
    except DateError:
        return None
    if not d.known:
        return t.gettext("unknown")
    return when(d, t) if discord_time else t.date(d)


def plain_value(field: str, value: object, t: Text = EN) -> str | None:
    """A status, date, officialness, list or emptiness in words; None for free text."""
    if value is None or value == "" or value == []:
        return t.gettext("none")
    if field == "status":
        try:
            return status_label(Status(str(value)), t)
        except ValueError:
            return None
    if field in _DATE_FIELDS:
        return date_text(value, t)
    if field in _OFFICIAL_FIELDS:
        return official_text(value, t)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return None


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def curator_value(field: str, value: object, t: Text = EN) -> str:
    """A stored value as a curator reads it: free text quoted and shortened, links as they are.

    Catalog text (a curator's, an import's, TMDB's community-edited) is made inert as in the
    fans' answers: a masked link or bold in a synopsis shows as the characters typed.
    """
    words = plain_value(field, value, t)
    if words is not None:
        return safe(words)
    text = str(value)
    if isinstance(value, str) and not text.startswith("https://"):
        return f"“{safe(_short(text))}”"
    return safe(text)


def channel_value(item: ChangeItem, value: object, t: Text = EN) -> str:
    """One side of an old → new pair in a notice: catalog text made inert."""
    if item.field in _DATE_FIELDS and value not in (None, ""):
        return date_text(value, t, discord_time=True) or safe(str(value))
    words = plain_value(item.field, value, t)
    if words is not None:
        return safe(words)
    if isinstance(value, bool):
        return t.gettext("yes") if value else t.gettext("no")
    if isinstance(value, dict):
        return record(item.entity, value, t)
    text = str(value)
    if item.field.endswith("url") or text.startswith("https://"):
        return shown_link(text, t)
    return safe(cut(text, 300))


def record(entity: Entity, value: dict[str, Any], t: Text = EN) -> str:
    """A whole added row (a trailer, a cast entry) in words."""
    if entity is Entity.TRAILER or "url" in value:
        name = safe(value.get("title") or value.get("kind") or t.gettext("Trailer"))
        url = str(value.get("url") or "")
        return f"{name}\n{shown_link(url, t)}" if url else name
    if entity is Entity.CREDIT or "actor" in value:
        actor = f"**{safe(str(value.get('actor') or '?'))}**"
        if value.get("korean_name"):
            actor += f" ({safe(str(value['korean_name']))})"
        text = (
            t.gettext("{actor} as {character}", actor=actor, character=safe(str(value["character"])))
            if value.get("character")
            else actor
        )
        if "official" in value:
            text += " (" + (
                t.gettext("official") if value["official"] else t.gettext("expected, not official")
            )
            text += ")"
        return text
    parts = [f"{safe(str(k))}: {safe(str(v))}" for k, v in value.items() if v not in (None, "", [])]
    return cut("; ".join(parts), 300) or t.gettext("none")


# --- for curators: one line per item ---------------------------------------------------------


def describe_target(item: ChangeItem, t: Text = EN) -> str:
    """What an item is about, in words: "the status of season 2"; names from the catalog inert."""
    key = item.key
    label = field_label(item.field, t)
    whole = item.field == "*"
    match item.entity:
        case Entity.SHOW:
            return t.gettext("the show") if whole else t.gettext("the {label}", label=label)
        case Entity.SEASON:
            if whole:
                return t.gettext("season {season}", season=key.season)
            return t.gettext("the {label} of season {season}", label=label, season=key.season)
        case Entity.CREDIT:
            where = (
                t.gettext("the whole show")
                if key.season is None
                else t.gettext("season {season}", season=key.season)
            )
            what = t.gettext("the cast entry for {name} ({where})", name=safe(key.name), where=where)
            return what if whole else t.gettext("the {label} of {what}", label=label, what=what)
        case Entity.TRAILER:
            what = t.gettext("the trailer {url} of season {season}", url=safe(key.name), season=key.season)
            return what if whole else t.gettext("the {label} of {what}", label=label, what=what)
        case Entity.ALIAS:
            return t.gettext("the alias “{alias}”", alias=safe(key.name))
        case Entity.CURATOR:
            return t.gettext("the curator <@{user}>", user=key.slug)
    return f"{item.entity} {key} {item.field}"


class Target:
    """An item's target as a message parameter: described in the language of the message."""

    def __init__(self, item: ChangeItem) -> None:
        self.item = item

    def localize(self, t: Text) -> str:
        return describe_target(self.item, t)

    def __format__(self, spec: str) -> str:
        return format(describe_target(self.item), spec)

    def __str__(self) -> str:
        return describe_target(self.item)


def describe_item(item: ChangeItem, t: Text = EN) -> str:
    """One line saying what an item changed, old → new: Discord markdown with the catalog's text inert."""
    target = describe_target(item, t)
    if item.field == "*":
        if item.old is None:
            return t.gettext("added {target}", target=target)
        if item.new is None:
            return t.gettext("removed {target}", target=target)
        return t.gettext("replaced {target} (import)", target=target)
    old, new = curator_value(item.field, item.old, t), curator_value(item.field, item.new, t)
    return f"{target}: {old} {ARROW} {new}"


def describe_change(change: Change, t: Text = EN) -> list[str]:
    """Every line of a change; repeated season/credit prefixes are kept, the curator reads them."""
    return [describe_item(i, t) for i in change.items]


# --- for channels: one notice field per thing that changed ------------------------------------


def _item_field(item: ChangeItem, t: Text) -> tuple[str, str]:
    """The (name, value) of one notice field for one changed item."""
    added = item.old is None and item.new is not None
    removed = item.old is not None and item.new is None
    if item.entity is Entity.TRAILER:
        if removed:
            return t.gettext("Trailer removed"), channel_value(item, item.old, t)
        kind = item.new.get("kind") if isinstance(item.new, dict) else None
        name = t.gettext("New teaser") if kind == "teaser" else t.gettext("New trailer")
        return name, channel_value(item, item.new, t)
    if item.entity is Entity.CREDIT:
        if removed:
            return t.gettext("Cast entry removed"), channel_value(item, item.old, t)
        if added:
            official = not isinstance(item.new, dict) or item.new.get("official", True)
            name = t.gettext("Cast announced") if official else t.gettext("Cast reported")
            return name, channel_value(item, item.new, t)
        if item.field == "*":
            return t.gettext("Cast changed"), channel_value(item, item.new, t)
    label = NOTICE_LABELS.get(item.field)
    name = t.gettext(label) if label else field_label(item.field, t).capitalize()
    if added:
        return name, f"**{channel_value(item, item.new, t)}**"
    if removed:
        return name, f"~~{channel_value(item, item.old, t)}~~ {ARROW} {t.gettext('removed')}"
    return name, f"{channel_value(item, item.old, t)} {ARROW} **{channel_value(item, item.new, t)}**"


def _cancelled(items: list[ChangeItem], season: Season | None) -> bool:
    """The season is cancelled as of this change (its own status item, else the season's status now)."""
    status = next((i for i in items if i.entity is Entity.SEASON and i.field == "status"), None)
    if status is not None:
        return status.new == Status.CANCELLED.value
    return season is not None and season.status.value is Status.CANCELLED


def _date_side(d: object, official: object, t: Text) -> str:
    """One side of a release date change: the date in words, official or expected."""
    unknown = t.gettext("unknown")
    text = unknown if d is None else date_text(d, t, discord_time=True) or safe(str(d))
    if text != unknown and official is not None:
        text += " (" + (t.gettext("official") if official else t.gettext("expected, not official")) + ")"
    return text


def _date_field(items: list[ChangeItem], season: Season | None, t: Text) -> tuple[str, str]:
    """A release date change (its date, its officialness or both) as one old → new field."""
    date_item = next((i for i in items if i.field in _DATE_FIELDS), None)
    official_item = next((i for i in items if i.field in _OFFICIAL_FIELDS), None)
    current_date = season.release.date.canonical() if season else None
    current_official = season.release.official if season else None
    new_date = date_item.new if date_item else current_date
    old_date = date_item.old if date_item else new_date
    new_official = official_item.new if official_item else current_official
    old_official = official_item.old if official_item else new_official
    value = f"{_date_side(old_date, old_official, t)} {ARROW} **{_date_side(new_date, new_official, t)}**"
    if new_date not in (None, "", "unknown") and _cancelled(items, season):
        # Never a date read as ahead of a season that will not come out.
        value += t.gettext(", no longer stands: the season was cancelled")
    return t.gettext("Release date"), value


def _cancelled_date_field(season: Season, t: Text) -> tuple[str, str]:
    """The date a season had when it was cancelled, which no longer stands."""
    had = _date_side(season.release.date.canonical(), season.release.official, t)
    gone = t.gettext("no longer stands: the season was cancelled")
    return t.gettext("Release date"), f"{had} {ARROW} **{gone}**"


def notice_fields(change: Change, season: Season | None, t: Text = EN) -> list[tuple[str, str]]:
    """One notice field per thing that changed, in the order of the change's items."""
    out: list[tuple[str, str]] = []
    date_done = False
    for item in change.items:
        if item.entity is Entity.SEASON and item.field in _QUIET_FIELDS:
            continue
        if item.entity is Entity.SEASON and item.field in _NOTE_FIELDS:
            if item.new:
                out.append((t.gettext(_NOTE_FIELDS[item.field]), safe(cut(str(item.new), 500))))
            continue
        if item.entity is Entity.SEASON and (item.field in _DATE_FIELDS or item.field in _OFFICIAL_FIELDS):
            if not date_done:
                date_done = True
                related = [i for i in change.items if i.entity is Entity.SEASON and i.key == item.key]
                out.append(_date_field(related, season, t))
            continue
        if item.entity is Entity.CREDIT and item.field == "official":
            name = t.gettext("Cast confirmed") if item.new else t.gettext("Cast no longer confirmed")
            old = t.gettext("official") if item.old else t.gettext("expected, not official")
            new = t.gettext("official") if item.new else t.gettext("expected, not official")
            out.append((name, f"**{safe(item.key.name or '?')}**: {old} {ARROW} **{new}**"))
            continue
        out.append(_item_field(item, t))
    if not date_done and season is not None and season.release.date.known:
        own = [i for i in change.items if i.entity is Entity.SEASON and i.key.season == season.number]
        if any(i.field == "status" for i in own) and _cancelled(own, season):
            out.append(_cancelled_date_field(season, t))
    return out
