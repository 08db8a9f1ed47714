"""The lookup commands as functions from options to a `Reply`.

The cog and `bot.py ask` both call these, so the offline answer is the one Discord gets. A
question they can't answer raises `UserError`; the command tree (or `ask`'s caller) says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from kdrama import lookup_render, season_words
from kdrama.errors import UserError
from kdrama.i18n import ENGLISH
from kdrama.lookup import CHOICE_MAX, CHOICES_MAX, Catalog, Choice
from kdrama.models import Season
from kdrama.render import Reply
from kdrama.store import utcnow

log = logging.getLogger(__name__)


async def _cached(
    catalog: Catalog,
    key: Hashable,
    when: datetime,
    make: Callable[[], Awaitable[tuple[Reply, datetime | None]]],
) -> Reply:
    """The rendered reply for `key`: from the cache, or made and kept until it would read differently."""
    generation = catalog.generation  # before the await: an edit meanwhile makes this copy stale
    reply = catalog.replies.get(key, generation, when)
    if reply is None:
        reply, until = await make()
        catalog.replies.put(key, generation, when, until, reply)
    return _copy(reply)


async def show(catalog: Catalog, title: str, *, now: datetime | None = None, locale: str = ENGLISH) -> Reply:
    when = now or utcnow()

    async def make() -> tuple[Reply, datetime | None]:
        answer = await catalog.overview(title)
        return lookup_render.overview_reply(answer, when, locale), valid_until(answer.seasons, when)

    return await _cached(catalog, ("show", title, None, locale), when, make)


async def release(
    catalog: Catalog,
    title: str,
    season: int | None = None,
    *,
    now: datetime | None = None,
    locale: str = ENGLISH,
) -> Reply:
    when = now or utcnow()

    async def make() -> tuple[Reply, datetime | None]:
        answer = await catalog.release(title, season, now=when)
        return lookup_render.release_reply(answer, locale), valid_until(answer.seasons, when)

    return await _cached(catalog, ("release", title, season, locale), when, make)


async def cast(catalog: Catalog, title: str, season: int | None = None, *, locale: str = ENGLISH) -> Reply:
    async def make() -> tuple[Reply, datetime | None]:
        # A cast list does not age: kept while the catalog holds.
        return lookup_render.cast_reply(await catalog.cast(title, season), locale=locale), None

    return await _cached(catalog, ("cast", title, season, locale), utcnow(), make)


async def trailer(catalog: Catalog, title: str, season: int | None = None, *, locale: str = ENGLISH) -> Reply:
    async def make() -> tuple[Reply, datetime | None]:
        # Nor does a trailer.
        return lookup_render.trailer_reply(await catalog.trailer(title, season), locale), None

    return await _cached(catalog, ("trailer", title, season, locale), utcnow(), make)


async def upcoming(
    catalog: Catalog, days: int = 90, *, now: datetime | None = None, locale: str = ENGLISH
) -> Reply:
    return lookup_render.upcoming_reply(await catalog.upcoming(days, now=now), locale)


async def search(catalog: Catalog, query: str, *, locale: str = ENGLISH) -> Reply:
    return lookup_render.search_reply(await catalog.search(query), locale)


async def season_choices(
    catalog: Catalog, title: str, query: str, locale: str = ENGLISH, *, now: datetime | None = None
) -> list[Choice]:
    """The seasons of the show chosen so far, newest first, as choices (value: the number)."""
    typed = query.strip()
    when = now or utcnow()
    return [
        Choice(_fit_choice(season_words.season_label(s, locale, when)), str(s.number))
        for s in reversed(await catalog.seasons_for(title))
        if not typed or str(s.number).startswith(typed)
    ][:CHOICES_MAX]


def _fit_choice(text: str) -> str:
    return text if len(text) <= CHOICE_MAX else text[: CHOICE_MAX - 1] + "…"


@dataclass(frozen=True, slots=True)
class Spec:
    run: Callable[..., Awaitable[Reply]]
    options: dict[str, type]  # option name -> str or int
    required: tuple[str, ...]


COMMANDS: dict[str, Spec] = {
    "show": Spec(show, {"title": str}, ("title",)),
    "release": Spec(release, {"title": str, "season": int}, ("title",)),
    "cast": Spec(cast, {"title": str, "season": int}, ("title",)),
    "trailer": Spec(trailer, {"title": str, "season": int}, ("title",)),
    "upcoming": Spec(upcoming, {"days": int}, ()),
    "search": Spec(search, {"query": str}, ("query",)),
}

_OPTION = re.compile(r"(?:^|\s)([a-z_]+):")


def parse_question(text: str) -> tuple[str, dict[str, str]]:
    """Split "/release title:All of Us Are Dead season:2" into the name and its options."""
    text = text.strip()
    if not text.startswith("/"):
        raise UserError('Ask like a slash command, e.g. "/release title:All of Us Are Dead season:2".')
    name, _, rest = text[1:].partition(" ")
    marks = list(_OPTION.finditer(" " + rest))
    options: dict[str, str] = {}
    if marks and marks[0].start() > 0 and (" " + rest)[: marks[0].start()].strip():
        raise UserError("Write options as name:value, e.g. title:Squid Game.")
    if not marks and rest.strip():
        raise UserError("Write options as name:value, e.g. title:Squid Game.")
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(rest) + 1
        options[m[1]] = (" " + rest)[m.end() : end].strip()
    return name.lower(), options


async def ask(catalog: Catalog, text: str, *, now: datetime | None = None, locale: str = ENGLISH) -> Reply:
    """Answer one lookup command typed as text, as the bot would in Discord.

    A question the bot can't answer as asked raises UserError, as the commands do.
    """
    name, raw = parse_question(text)
    spec = COMMANDS.get(name)
    if spec is None:
        raise UserError(
            "/{name} is not a lookup command; try {commands}.",
            name=name,
            commands=", ".join(f"/{c}" for c in COMMANDS),
        )
    kwargs: dict[str, object] = {}
    for key, value in raw.items():
        kind = spec.options.get(key)
        if kind is None:
            raise UserError(
                "/{name} has no option {option}; its options are {options}.",
                name=name,
                option=key,
                options=", ".join(spec.options),
            )
        if kind is int:
            if not value.isdigit() or int(value) < 1:
                raise UserError(
                    "{option} must be a whole number from 1, not {value}.", option=key, value=repr(value)
                )
            kwargs[key] = int(value)
        else:
            kwargs[key] = value
    missing = [k for k in spec.required if k not in kwargs]
    if missing:
        raise UserError("/{name} needs {option}:…", name=name, option=missing[0])
    if now is not None and name in ("show", "release", "upcoming"):
        kwargs["now"] = now
    kwargs["locale"] = locale
    return await spec.run(catalog, **kwargs)


def valid_until(seasons: Iterable[Season], now: datetime) -> datetime | None:
    """The first moment from `now` at which an answer about these seasons could read differently.

    Rendering reads the clock only to say that a date has passed (the end of its span) or
    that a report is over a year old (that end plus season_words.OLD_REPORT); None: never.
    """
    later: datetime | None = None
    for season in seasons:
        st, r = season.status, season.release
        dates = [st.as_of, r.date, r.as_of, *(h.as_of for h in st.history)]
        for h in r.history:
            dates += (h.date, h.as_of)
        for d in dates:
            span = d.span() if d is not None else None
            if span is None:
                continue
            for moment in (span[1], span[1] + season_words.OLD_REPORT):
                if moment >= now and (later is None or moment < later):
                    later = moment
    return later


def _copy(reply: Reply) -> Reply:
    """A cached reply for one more sender: its own lists (the embeds are shared: never mutated)."""
    return replace(reply, embeds=list(reply.embeds), links=list(reply.links))
