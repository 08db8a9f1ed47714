"""The lookup commands as functions from options to a `Reply`.

The cog and `bot.py ask` both call these, so the offline answer is the one Discord gets. A
question they can't answer raises `UserError`; the command tree (or `ask`'s caller) says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from kdrama import render
from kdrama.errors import UserError
from kdrama.i18n import ENGLISH
from kdrama.lookup import CHOICE_MAX, CHOICES_MAX, Catalog, Choice
from kdrama.render import Reply
from kdrama.store import utcnow

log = logging.getLogger(__name__)


async def show(catalog: Catalog, title: str, *, now: datetime | None = None, locale: str = ENGLISH) -> Reply:
    return render.overview_reply(await catalog.overview(title), now or utcnow(), locale)


async def release(
    catalog: Catalog,
    title: str,
    season: int | None = None,
    *,
    now: datetime | None = None,
    locale: str = ENGLISH,
) -> Reply:
    return render.release_reply(await catalog.release(title, season, now=now), locale)


async def cast(catalog: Catalog, title: str, season: int | None = None, *, locale: str = ENGLISH) -> Reply:
    return render.cast_reply(await catalog.cast(title, season), locale=locale)


async def trailer(catalog: Catalog, title: str, season: int | None = None, *, locale: str = ENGLISH) -> Reply:
    return render.trailer_reply(await catalog.trailer(title, season), locale)


async def upcoming(
    catalog: Catalog, days: int = 90, *, now: datetime | None = None, locale: str = ENGLISH
) -> Reply:
    return render.upcoming_reply(await catalog.upcoming(days, now=now), locale)


async def search(catalog: Catalog, query: str, *, locale: str = ENGLISH) -> Reply:
    return render.search_reply(await catalog.search(query), locale)


async def season_choices(catalog: Catalog, title: str, query: str, locale: str = ENGLISH) -> list[Choice]:
    """The seasons of the show chosen so far, newest first, as choices (value: the number)."""
    typed = query.strip()
    return [
        Choice(_fit_choice(render.season_label(s, locale)), str(s.number))
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
