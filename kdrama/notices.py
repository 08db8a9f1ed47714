"""The notification a subscribed channel receives: one embed naming everything a change did.

Catalog text is data: it goes through render.safe, so a title can never ping or format.
The content holds only the mentions of the roles the channel's subscriptions chose.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from kdrama.dates import DateError, PartialDate
from kdrama.models import Change, ChangeItem, Entity, Event, Season, Show, Status
from kdrama.render import (
    COLOUR,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    Link,
    Reply,
    cut,
    fit,
    safe,
    shown_link,
    shown_source,
    sound_link,
    when,
)
from kdrama.store import Store
from kdrama.watch import Delivery

log = logging.getLogger(__name__)

ARROW = "→"
STREAMING_COLOUR = discord.Colour(0x2ECC71)
FOOTER = "Official: confirmed by the network or studio. Expected: reported, not confirmed."
_DATE_FIELDS = {"release_date"}
_OFFICIAL_FIELDS = {"release_official", "official"}
_LABELS = {
    "status": "Status (official)",
    "release_date": "Release date",
    "release_official": "Release date",
    "release_source": "Release date source",
    "status_source": "Status source",
    "episodes": "Episodes",
    "notes": "Notes",
    "platform": "Platform",
    "platform_url": "Where to watch",
    "title": "Title",
}


@dataclass(frozen=True, slots=True)
class Notice:
    """A rendered change, the same for every channel; roles are added per delivery."""

    embed: dict[str, Any]
    links: tuple[Link, ...]


def _status_label(value: object) -> str:
    try:
        return Status(str(value)).label
    except ValueError:
        return safe(str(value))


def _date_text(value: object) -> str:
    if value is None:
        return "unknown"
    try:
        d = PartialDate.parse(str(value))
    except DateError:
        return safe(str(value))
    return when(d) if d.known else "unknown"


def _value(item: ChangeItem, value: object) -> str:
    """One side of an old → new pair, as a reader should see it."""
    if value is None or value == "":
        return "none"
    if item.field == "status":
        return _status_label(value)
    if item.field in _DATE_FIELDS:
        return _date_text(value)
    if item.field in _OFFICIAL_FIELDS or isinstance(value, bool):
        if item.field in _OFFICIAL_FIELDS:
            return "official" if value else "expected"
        return "yes" if value else "no"
    if isinstance(value, dict):
        return _record(item.entity, value)
    if isinstance(value, list):
        return safe(", ".join(str(v) for v in value))
    text = str(value)
    if item.field.endswith("url") or text.startswith("https://"):
        return shown_link(text)
    return safe(cut(text, 300))


def _record(entity: str, value: dict[str, Any]) -> str:
    """A whole added row (a trailer, a cast entry) in words."""
    if entity == "trailer" or "url" in value:
        name = safe(value.get("title") or value.get("kind") or "Trailer")
        url = str(value.get("url") or "")
        return f"{name}\n{shown_link(url)}" if url else name
    if entity == "credit" or "actor" in value:
        actor = value.get("actor") or "?"
        text = f"**{safe(str(actor))}**"
        if value.get("korean_name"):
            text += f" ({safe(str(value['korean_name']))})"
        if value.get("character"):
            text += f" as {safe(str(value['character']))}"
        if "official" in value:
            text += " (official)" if value["official"] else " (expected, not official)"
        return text
    parts = [f"{safe(str(k))}: {safe(str(v))}" for k, v in value.items() if v not in (None, "", [])]
    return cut("; ".join(parts), 300) or "none"


def _item_field(item: ChangeItem, season: Season | None) -> tuple[str, str]:
    """The (name, value) of one embed field for one changed item."""
    added = item.old is None and item.new is not None
    removed = item.old is not None and item.new is None
    if item.entity is Entity.TRAILER:
        kind = item.new.get("kind") if isinstance(item.new, dict) else None
        name = "New teaser" if kind == "teaser" else "New trailer"
        if removed:
            return "Trailer removed", _value(item, item.old)
        return name, _value(item, item.new)
    if item.entity is Entity.CREDIT:
        if removed:
            return "Cast entry removed", _value(item, item.old)
        official = not isinstance(item.new, dict) or item.new.get("official", True)
        name = ("Cast announced" if official else "Cast reported") if added else "Cast changed"
        if added:
            return name, _value(item, item.new)
    label = _LABELS.get(item.field) or item.field.replace("_", " ").capitalize()
    if added:
        return label, f"**{_value(item, item.new)}**"
    if removed:
        return label, f"~~{_value(item, item.old)}~~ {ARROW} removed"
    return label, f"{_value(item, item.old)} {ARROW} **{_value(item, item.new)}**"


# Bookkeeping a curator's edit also records; the notice shows the change's source instead.
_QUIET_FIELDS = {"status_source", "status_as_of", "release_source", "release_as_of"}
_NOTE_FIELDS = {"status_note": "Status note", "release_note": "Release date note"}


def _official_text(value: object) -> str:
    return "official" if value else "expected, not official"


def _date_field(items: list[ChangeItem], season: Season | None) -> tuple[str, str]:
    """A release date change (its date, its officialness or both) as one old → new field."""
    date_item = next((i for i in items if i.field in _DATE_FIELDS), None)
    official_item = next((i for i in items if i.field in _OFFICIAL_FIELDS), None)
    current_date = season.release.date.canonical() if season else None
    current_official = season.release.official if season else None
    new_date = date_item.new if date_item else current_date
    old_date = date_item.old if date_item else new_date
    new_official = official_item.new if official_item else current_official
    old_official = official_item.old if official_item else new_official

    def side(d: object, official: object) -> str:
        text = _date_text(d)
        if text != "unknown" and official is not None:
            text += f" ({_official_text(official)})"
        return text

    return "Release date", f"{side(old_date, old_official)} {ARROW} **{side(new_date, new_official)}**"


def _fields(change: Change, season: Season | None) -> list[tuple[str, str]]:
    """One field per thing that changed, in the order of the change's items."""
    out: list[tuple[str, str]] = []
    date_done = False
    for item in change.items:
        if item.entity is Entity.SEASON and item.field in _QUIET_FIELDS:
            continue
        if item.entity is Entity.SEASON and item.field in _NOTE_FIELDS:
            if item.new:
                out.append((_NOTE_FIELDS[item.field], safe(cut(str(item.new), 500))))
            continue
        if item.entity is Entity.SEASON and (item.field in _DATE_FIELDS or item.field in _OFFICIAL_FIELDS):
            if not date_done:
                date_done = True
                related = [i for i in change.items if i.entity is Entity.SEASON and i.key == item.key]
                out.append(_date_field(related, season))
            continue
        if item.entity is Entity.CREDIT and item.field == "official":
            person = item.key.name or "?"
            name = "Cast confirmed" if item.new else "Cast no longer confirmed"
            out.append(
                (
                    name,
                    f"**{safe(person)}**: {_official_text(item.old)} {ARROW} **{_official_text(item.new)}**",
                )
            )
            continue
        out.append(_item_field(item, season))
    return out


def _headline(change: Change, show_title: str, season: Season | None) -> tuple[str, bool]:
    """The sentence that says what happened; True when it is "now streaming" news."""
    number = change.season_number
    status_items = [i for i in change.items if i.field == "status" and i.entity is Entity.SEASON]
    new_status = str(status_items[-1].new) if status_items else None
    where = f"Season {number} of {show_title}" if number else show_title
    if Event.RELEASE in change.events and new_status in (Status.RELEASED.value, Status.AIRING.value):
        verb = "has started airing" if new_status == Status.AIRING.value else "is out"
        return f"**Now streaming**: {where} {verb}.", True
    if new_status is not None:
        return f"{where}: {_status_label(new_status)}.", False
    if Event.TRAILER in change.events:
        return f"A new trailer for {where}.", False
    if Event.CAST in change.events:
        return f"Cast news for {where}.", False
    if Event.DATE in change.events:
        return f"Release date news for {where}.", False
    return f"News about {where}.", False


def render_notice(
    change: Change, show: Show | None, season: Season | None, *, platform_link: bool = True
) -> Notice:
    """The one embed for a change: show and season, every changed item (old → new), source."""
    show_title = safe(show.title if show else change.show_title or "A show")
    title = show_title + (f" · Season {change.season_number}" if change.season_number else "")
    headline, streaming = _headline(change, show_title, season)
    embed = discord.Embed(
        title=cut(title, 256),
        description=headline,
        colour=STREAMING_COLOUR if streaming else COLOUR,
        timestamp=change.at if isinstance(change.at, datetime) else None,
    )
    fields = _fields(change, season)
    if len(fields) > FIELDS_MAX - 1:
        rest = len(fields) - (FIELDS_MAX - 2)
        fields = [*fields[: FIELDS_MAX - 2], ("More changes", f"… and {rest} more")]
    for name, value in fields:
        embed.add_field(name=name, value=cut(value, FIELD_VALUE_MAX), inline=False)
    if streaming and show and show.platform:
        embed.add_field(name="Where to watch", value=safe(show.platform), inline=True)
    if change.source:
        embed.add_field(name="Source", value=cut(shown_source(change.source), FIELD_VALUE_MAX), inline=False)
    embed.set_footer(text=f"{FOOTER} Edit by {safe(change.actor_name)}.")
    links: list[Link] = []
    for item in change.items:
        if item.entity is Entity.TRAILER and isinstance(item.new, dict):
            url = sound_link(str(item.new.get("url") or ""))
            if url and len(links) < 3:
                links.append(Link("Watch the trailer", url))
    platform_url = sound_link(show.platform_url) if platform_link and show else None
    if show and platform_url:
        label = f"Watch on {show.platform}" if show.platform else "Where to watch"
        links.append(Link(cut(label, 80), platform_url))
    data: dict[str, Any] = dict(fit(embed).to_dict())
    return Notice(data, tuple(links))


def role_content(role_ids: tuple[int, ...]) -> str | None:
    """The message content: the chosen roles' mentions and nothing else."""
    return " ".join(f"<@&{r}>" for r in role_ids) or None


def to_reply(notice: Notice, role_ids: tuple[int, ...]) -> Reply:
    return Reply(
        content=role_content(role_ids),
        embeds=[discord.Embed.from_dict(notice.embed)],
        links=list(notice.links),
    )


class NoticeRenderer:
    """Renders a delivery's change once per change, however many channels it goes to."""

    def __init__(self, store: Store, cache_size: int = 64) -> None:
        self.store = store
        self._cache: OrderedDict[int, Notice] = OrderedDict()
        self._cache_size = cache_size

    async def notice(self, change_id: int) -> Notice:
        cached = self._cache.get(change_id)
        if cached is not None:
            self._cache.move_to_end(change_id)
            return cached
        change = await self.store.changes.change(change_id)
        if change is None:
            raise LookupError(f"change {change_id} is not in the database")
        show = await self.store.catalog.show(change.show_id) if change.show_id is not None else None
        season = (
            await self.store.catalog.season(change.show_id, change.season_number)
            if change.show_id is not None and change.season_number is not None
            else None
        )
        notice = render_notice(change, show, season)
        self._cache[change_id] = notice
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return notice

    async def __call__(self, delivery: Delivery) -> Reply:
        return to_reply(await self.notice(delivery.change_id), delivery.role_ids)
