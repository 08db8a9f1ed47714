"""The notification a subscribed channel receives: one embed naming everything a change did.

Written in the channel's language (its subscriptions'); the items are put in words by
kdrama.describe, the same describer as /admin's.

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

from kdrama import i18n
from kdrama.describe import notice_fields
from kdrama.i18n import N_, Text
from kdrama.models import Change, ChangeItem, Entity, Event, Season, Show, Status
from kdrama.render import (
    COLOUR,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    JUSTWATCH,
    Link,
    Reply,
    cut,
    fit,
    safe,
    show_name,
    shown_source,
    sound_link,
    status_label,
)
from kdrama.store import Store
from kdrama.watch import Delivery

log = logging.getLogger(__name__)

STREAMING_COLOUR = discord.Colour(0x2ECC71)
FOOTER = N_("Official: confirmed by the network or studio. Expected: reported, not confirmed.")


@dataclass(frozen=True, slots=True)
class Notice:
    """A rendered change in one language, the same for every channel; roles are added per delivery."""

    embed: dict[str, Any]
    links: tuple[Link, ...]


def _headline(change: Change, show_title: str, t: Text) -> tuple[str, bool]:
    """The sentence that says what happened; True when it is "now streaming" news."""
    number = change.season_number
    status_items = [i for i in change.items if i.field == "status" and i.entity is Entity.SEASON]
    new_status = str(status_items[-1].new) if status_items else None
    where = t.gettext("Season {number} of {show}", number=number, show=show_title) if number else show_title
    if Event.RELEASE in change.events and new_status in (Status.RELEASED.value, Status.AIRING.value):
        if new_status == Status.AIRING.value:
            return t.gettext("**Now streaming**: {where} has started airing.", where=where), True
        return t.gettext("**Now streaming**: {where} is out.", where=where), True
    if new_status is not None:
        try:
            label = status_label(Status(new_status), t)
        except ValueError:
            label = safe(new_status)
        return t.gettext("{where}: {status}.", where=where, status=label), False
    if Event.TRAILER in change.events:
        return t.gettext("A new trailer for {where}.", where=where), False
    if Event.CAST in change.events:
        return t.gettext("Cast news for {where}.", where=where), False
    if Event.DATE in change.events:
        return t.gettext("Release date news for {where}.", where=where), False
    return t.gettext("News about {where}.", where=where), False


def render_notice(
    change: Change,
    show: Show | None,
    season: Season | None,
    *,
    platform_link: bool = True,
    language: str = i18n.ENGLISH,
    platform_from_justwatch: bool = False,
) -> Notice:
    """The one embed for a change: show and season, every changed item (old → new), source.

    `platform_from_justwatch`: the show's platform is JustWatch's data (TMDB's watch providers),
    credited wherever the notice shows it, as the answers do.
    """
    t = i18n.text(language)
    justwatch = platform_from_justwatch and show is not None and bool(show.platform)
    english_title = show.title if show else change.show_title or t.gettext("A show")
    show_title = show_name(english_title, show.korean_title if show else None, t)
    title = show_title
    if change.season_number:
        title += " · " + t.gettext("Season {number}", number=change.season_number)
    headline, streaming = _headline(change, show_title, t)
    embed = discord.Embed(
        title=cut(title, 256),
        description=headline,
        colour=STREAMING_COLOUR if streaming else COLOUR,
        timestamp=change.at if isinstance(change.at, datetime) else None,
    )
    fields = notice_fields(change, season, t)
    if len(fields) > FIELDS_MAX - 1:
        rest = len(fields) - (FIELDS_MAX - 2)
        more = (t.gettext("More changes"), t.gettext("… and {count} more", count=rest))
        fields = [*fields[: FIELDS_MAX - 2], more]
    for name, value in fields:
        embed.add_field(name=name, value=cut(value, FIELD_VALUE_MAX), inline=False)
    # The show's platform named in a field: credited there, as /show does.
    where_to_watch = None
    if streaming and show and show.platform:
        where_to_watch = safe(show.platform)
        if justwatch:
            where_to_watch = t.gettext("{platform} (where-to-watch data: JustWatch)", platform=where_to_watch)
        embed.add_field(name=t.gettext("Where to watch"), value=where_to_watch, inline=True)
    if change.source:
        source = shown_source(change.source, t)
        embed.add_field(name=t.gettext("Source"), value=cut(source, FIELD_VALUE_MAX), inline=False)
    footer = t.gettext(FOOTER) + " " + t.gettext("Edit by {name}.", name=safe(change.actor_name))
    embed.set_footer(text=footer)
    links: list[Link] = []
    for item in change.items:
        if item.entity is Entity.TRAILER and isinstance(item.new, dict):
            url = sound_link(str(item.new.get("url") or ""))
            if url and len(links) < 3:
                links.append(Link(t.gettext("Watch the trailer"), url))
    platform_url = sound_link(show.platform_url) if platform_link and show else None
    named_on_button = False
    if show and platform_url:
        named_on_button = bool(show.platform)
        label = (
            t.gettext("Watch on {platform}", platform=show.platform)
            if show.platform
            else t.gettext("Where to watch")
        )
        links.append(Link(cut(label, 80), platform_url))
    fit(embed)
    if justwatch and show is not None:
        in_field = where_to_watch is not None and any(f.value == where_to_watch for f in embed.fields)
        in_change = any(_names_platform(i, show.platform) for i in change.items)
        if (named_on_button or in_change) and not in_field:
            # Named on the Watch button or in a platform change, and no field credits it: the
            # footer does, as /release's does (before "Edit by", so a cut can never drop it).
            footer = " ".join(
                (
                    t.gettext(FOOTER),
                    t.gettext(JUSTWATCH),
                    t.gettext("Edit by {name}.", name=safe(change.actor_name)),
                )
            )
            embed.set_footer(text=footer)
            fit(embed)
    data: dict[str, Any] = dict(embed.to_dict())
    return Notice(data, tuple(links))


def _names_platform(item: ChangeItem, platform: str | None) -> bool:
    """Whether a change item shows `platform`: a platform change, or a whole show replaced (an import)."""
    if item.entity is not Entity.SHOW:
        return False
    if item.field == "platform":
        return platform in (item.old, item.new)
    if item.field == "*":
        return any(isinstance(v, dict) and v.get("platform") == platform for v in (item.old, item.new))
    return False


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
    """Renders a change once per language, however many channels it goes to."""

    def __init__(self, store: Store, cache_size: int = 64) -> None:
        self.store = store
        self._cache: OrderedDict[tuple[int, str], Notice] = OrderedDict()
        self._cache_size = cache_size

    async def notice(self, change_id: int, language: str | None = None) -> Notice:
        """The notice of a change in `language` (one of i18n.LANGUAGES; None: English)."""
        lang = i18n.resolve(language or i18n.ENGLISH)
        key = (change_id, lang)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
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
        # Read when the notice is rendered (it may be sent long after the change, from another
        # process): whether the platform it may name is JustWatch's, which it must credit.
        justwatch = (
            show is not None
            and bool(show.platform)
            and show.id in await self.store.sync.justwatch_platforms([show.id])
        )
        notice = render_notice(change, show, season, language=lang, platform_from_justwatch=justwatch)
        self._cache[key] = notice
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return notice

    async def __call__(self, delivery: Delivery) -> Reply:
        return to_reply(await self.notice(delivery.change_id, delivery.language), delivery.role_ids)
