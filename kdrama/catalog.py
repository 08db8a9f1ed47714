"""The catalog as JSON: validate a whole file into entries, and export the catalog back.

`data/catalog.json`, `bot.py import|export` and `/admin import|export` share this code;
applying entries is an edit (kdrama/edits/imports.py).
The format is documented in docs/catalog-format.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kdrama import i18n
from kdrama.dates import DateError, PartialDate, as_of_text, parse_as_of
from kdrama.errors import UserError
from kdrama.i18n import Text
from kdrama.models import (
    CreditEntry,
    ReleaseDate,
    SeasonEntry,
    SeasonStatus,
    ShowEntry,
    Status,
    TrailerEntry,
)
from kdrama.store import Store
from kdrama.store.history import release_step, status_step
from kdrama.validate import (
    EPISODES_MAX,
    LONG_TEXT_MAX,
    SEASON_MAX,
    TITLE_MAX,
    ValidationError,
    clean_text,
    https_url,
)
from kdrama.validate import (
    slug as check_slug,
)
from kdrama.validate import (
    source as check_source,
)

FORMAT = 1
SQLITE_INT_MAX = 2**63 - 1  # SQLite's INTEGER is 64-bit signed
INT_DIGITS_MAX = 19  # longer numbers are never read as int: Python refuses 4,300+ digits anyway
NESTING_MAX = 100  # a catalog nests 6 deep; past this the file is refused, not parsed
BUNDLED_CATALOG = Path(__file__).resolve().parent.parent / "data" / "catalog.json"


class CatalogError(UserError, ValueError):
    """A catalog file we refuse; the message names the entry that is wrong."""


@dataclass(slots=True)
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self, t: Text | None = None) -> str:
        """What an import did, in one sentence (English unless a language is given)."""
        t = t or i18n.text(i18n.ENGLISH)

        def names(titles: list[str]) -> str:
            if len(titles) > 10:
                return t.gettext(
                    "{names} and {count} more", names=", ".join(titles[:10]), count=len(titles) - 10
                )
            return ", ".join(titles)

        parts = []
        if self.added:
            parts.append(
                t.ngettext(
                    "added {count} show ({names})",
                    "added {count} shows ({names})",
                    len(self.added),
                    count=len(self.added),
                    names=names(self.added),
                )
            )
        if self.changed:
            parts.append(
                t.gettext("changed {count} ({names})", count=len(self.changed), names=names(self.changed))
            )
        if self.unchanged:
            parts.append(t.gettext("{count} already up to date", count=self.unchanged))
        if not parts:
            return t.gettext("The file lists no shows.")
        return t.gettext("Imported: {parts}.", parts="; ".join(parts))


# --- reading and validating ------------------------------------------------------------------


def load_file(path: Path | str, *, trailer_hosts: tuple[str, ...] | None = None) -> list[ShowEntry]:
    """Read and validate a catalog file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise CatalogError("can't read {path}: {reason}", path=path, reason=e.strerror or e) from e
    return parse_text(text, trailer_hosts=trailer_hosts)


def parse_text(text: str | bytes, *, trailer_hosts: tuple[str, ...] | None = None) -> list[ShowEntry]:
    try:
        data = json.loads(text, parse_int=_json_int)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        where = f" (line {e.lineno}, column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        raise CatalogError("the file is not valid JSON{where}.", where=where) from e
    except RecursionError:
        raise _too_deep(text) from None
    return parse_catalog(data, trailer_hosts=trailer_hosts)


class LongNumber:
    """A number in the file too long to be any field's value; the validators refuse it by name."""

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a {len(self.digits.lstrip('-')):,}-digit number"

    __str__ = __repr__


def _json_int(digits: str) -> int | LongNumber:
    # int() of 4,300+ digits raises ValueError (and takes quadratic time before that limit).
    return int(digits) if len(digits) <= INT_DIGITS_MAX else LongNumber(digits)


def _too_deep(text: str | bytes) -> CatalogError:
    """Where lists or objects first nest deeper than NESTING_MAX: the show, line and column."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth, show, line, line_start, in_string, escaped = 0, -1, 1, 0, False, False
    at = 0
    for at, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth == 3:  # {"shows": [ {a show} ]}
                show += 1
            if depth > NESTING_MAX:
                break
        elif ch in "]}":
            depth -= 1
        elif ch == "\n":
            line, line_start = line + 1, at + 1
    if show < 0:
        return CatalogError(
            "the file: lists or objects nest too deeply (line {line}, column {column}).",
            line=line,
            column=at - line_start + 1,
        )
    return CatalogError(
        "{where}: lists or objects nest too deeply (line {line}, column {column}).",
        where="shows[" + str(show) + "]",
        line=line,
        column=at - line_start + 1,
    )


def parse_catalog(data: object, *, trailer_hosts: tuple[str, ...] | None = None) -> list[ShowEntry]:
    """Validate a whole catalog; raise CatalogError naming the first wrong entry."""
    if not isinstance(data, dict) or not isinstance(data.get("shows"), list):
        raise CatalogError('the file must be a JSON object with a "shows" list.')
    if data.get("format", FORMAT) != FORMAT:
        raise CatalogError(
            "format {found} is not supported (this bot reads format {format}).",
            found=repr(data.get("format")),
            format=FORMAT,
        )
    shows: list[ShowEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["shows"]):
        label = f"shows[{i}]"
        if isinstance(raw, dict) and isinstance(raw.get("title"), str):
            label += f" ({raw['title'][:60]})"
        try:
            entry = _show(raw, trailer_hosts)
        except (ValidationError, DateError) as e:
            raise CatalogError("{label}: {reason}", label=label, reason=e) from e
        if entry.slug in seen:
            raise CatalogError("{label}: the slug {slug} is used twice.", label=label, slug=repr(entry.slug))
        seen.add(entry.slug)
        shows.append(entry)
    return shows


def _obj(raw: object, what: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValidationError("{what} must be an object.", what=what)
    return raw


def _list(raw: object, what: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError("{what} must be a list.", what=what)
    return raw


def _int(raw: object, what: str, *, minimum: int = 0, maximum: int = SQLITE_INT_MAX) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not minimum <= raw <= maximum:
        shown = raw if isinstance(raw, LongNumber) or len(repr(raw)) <= 30 else "that"
        raise ValidationError(
            "{what} must be a whole number from {minimum} to {maximum}, not {shown}.",
            what=what,
            minimum=minimum,
            maximum=format(maximum, ","),
            shown=shown,
        )
    return raw


def _once_each(credits: tuple[CreditEntry, ...], where: str) -> tuple[CreditEntry, ...]:
    """A cast lists each actor once (an actor is their name and Korean name)."""
    seen: set[tuple[str, str]] = set()
    for c in credits:
        identity = (c.actor, c.korean_name or "")
        if identity in seen:
            raise ValidationError(
                "{where} lists {actor} twice; give each actor one entry.", where=where, actor=c.actor
            )
        seen.add(identity)
    return credits


def _bool(raw: object, what: str, default: bool) -> bool:
    if raw is None:
        return default
    if not isinstance(raw, bool):
        raise ValidationError("{what} must be true or false.", what=what)
    return raw


def _day(raw: object, what: str) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError as e:
        raise ValidationError(
            "{what} must be a day like 2024-05-31, not {raw}.", what=what, raw=repr(raw)
        ) from e


def _as_of(raw: object, what: str) -> PartialDate | None:
    if raw is None:
        return None
    try:
        return parse_as_of(str(raw))
    except DateError as e:
        raise ValidationError(
            "{what} must be when the source said it: a year, a month or a day (2022, 2022-06, 2022-06-06), "
            "not {raw}.",
            what=what,
            raw=repr(raw),
        ) from e


def _show(raw: object, trailer_hosts: tuple[str, ...] | None) -> ShowEntry:
    d = _obj(raw, "a show")
    title = clean_text(d.get("title"), field="title", max_len=TITLE_MAX, required=True)
    assert title is not None
    seasons = tuple(_season(s, trailer_hosts) for s in _list(d.get("seasons"), "seasons"))
    numbers = [s.number for s in seasons]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("a season number is listed twice.")
    aliases = tuple(
        a
        for a in (clean_text(x, field="alias", max_len=TITLE_MAX) for x in _list(d.get("aliases"), "aliases"))
        if a
    )
    genres = tuple(
        g for g in (clean_text(x, field="genre", max_len=40) for x in _list(d.get("genres"), "genres")) if g
    )
    similar = tuple(check_slug(x, field="similar") for x in _list(d.get("similar"), "similar"))
    country = clean_text(d.get("country"), field="country", max_len=2)
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise ValidationError(
            "country must be a two-letter code like KR, not {country}.", country=repr(country)
        )
    return ShowEntry(
        slug=check_slug(d.get("slug")),
        title=title,
        korean_title=clean_text(d.get("korean_title"), field="korean_title", max_len=TITLE_MAX),
        romanized_title=clean_text(d.get("romanized_title"), field="romanized_title", max_len=TITLE_MAX),
        aliases=tuple(dict.fromkeys(aliases)),
        country=country.upper() if country else None,
        platform=clean_text(d.get("platform"), field="platform", max_len=100),
        platform_url=https_url(d.get("platform_url"), field="platform_url"),
        genres=genres,
        synopsis=clean_text(d.get("synopsis"), field="synopsis", max_len=LONG_TEXT_MAX, multiline=True),
        poster_url=https_url(d.get("poster_url"), field="poster_url"),
        similar=tuple(dict.fromkeys(similar)),
        cast=_once_each(
            tuple(_credit(c, f"cast[{i}]") for i, c in enumerate(_list(d.get("cast"), "cast"))), "the cast"
        ),
        seasons=seasons,
    )


def _season(raw: object, trailer_hosts: tuple[str, ...] | None) -> SeasonEntry:
    d = _obj(raw, "a season")
    number = _int(d.get("number"), "season number", minimum=1, maximum=SEASON_MAX)
    if number is None:
        raise ValidationError("every season needs a number.")
    where = f"season {number}"
    st = _obj(d.get("status") or {"value": "unconfirmed"}, f"{where} status")
    try:
        status_value = Status(st.get("value", "unconfirmed"))
    except ValueError as e:
        allowed = ", ".join(s.value for s in Status)
        raise ValidationError(
            "{where} status must be one of {allowed}, not {value}.",
            where=where,
            allowed=allowed,
            value=repr(st.get("value")),
        ) from e
    status = SeasonStatus(
        status_value,
        check_source(st.get("source"), field=f"{where} status source", required=False),
        _as_of(st.get("as_of"), f"{where} status as_of"),
        clean_text(st.get("note"), field=f"{where} status note", max_len=LONG_TEXT_MAX, multiline=True),
    )
    status = _with_status_history(status, st.get("history"), where)
    rel = _obj(d.get("release") or {"date": "unknown"}, f"{where} release")
    release = ReleaseDate(
        PartialDate.parse(str(rel.get("date") or "unknown")),
        _bool(rel.get("official"), f"{where} release official", False),
        check_source(rel.get("source"), field=f"{where} release source", required=False),
        _as_of(rel.get("as_of"), f"{where} release as_of"),
        clean_text(rel.get("note"), field=f"{where} release note", max_len=LONG_TEXT_MAX, multiline=True),
    )
    release = _with_release_history(release, rel.get("history"), where)
    return SeasonEntry(
        number=number,
        episodes=_int(d.get("episodes"), f"{where} episodes", maximum=EPISODES_MAX),
        notes=clean_text(d.get("notes"), field=f"{where} notes", max_len=LONG_TEXT_MAX, multiline=True),
        status=status,
        release=release,
        cast=_once_each(
            tuple(_credit(c, f"{where} cast[{i}]") for i, c in enumerate(_list(d.get("cast"), "cast"))),
            f"{where} cast",
        ),
        trailers=tuple(
            _trailer(t, f"{where} trailers[{i}]", trailer_hosts)
            for i, t in enumerate(_list(d.get("trailers"), "trailers"))
        ),
    )


# --- history: the earlier official states of a season, and its earlier release dates ---------


def _with_status_history(status: SeasonStatus, raw: object, where: str) -> SeasonStatus:
    """The status with its earlier official states, oldest first."""
    steps: list[SeasonStatus] = []
    for i, item in enumerate(_list(raw, f"{where} status history")):
        what = f"{where} status history[{i}]"
        d = _obj(item, what)
        try:
            value = Status(d.get("value"))
        except ValueError as e:
            raise ValidationError(
                "{what} value must be one of {allowed}.", what=what, allowed=", ".join(Status)
            ) from e
        source = check_source(d.get("source"), field=f"{what} source", required=False)
        steps.append(SeasonStatus(value, source, _as_of(d.get("as_of"), f"{what} as_of")))
    if not steps:
        return status
    dated = [x.as_of.canonical() for x in (*steps, status) if x.as_of]
    if dated != sorted(dated):
        raise ValidationError(
            "{where} status history must run oldest first, ending before the status.", where=where
        )
    return SeasonStatus(status.value, status.source, status.as_of, status.note, tuple(steps))


def _with_release_history(release: ReleaseDate, raw: object, where: str) -> ReleaseDate:
    """The release date with the earlier ones it replaced (e.g. expectations that passed)."""
    steps: list[ReleaseDate] = []
    for i, item in enumerate(_list(raw, f"{where} release history")):
        what = f"{where} release history[{i}]"
        d = _obj(item, what)
        official = _bool(d.get("official"), f"{what} official", False)
        source = check_source(d.get("source"), field=f"{what} source", required=True)
        as_of = _as_of(d.get("as_of"), f"{what} as_of")
        if as_of is None:
            raise ValidationError("{what} needs as_of: when the source said it.", what=what)
        steps.append(ReleaseDate(PartialDate.parse(str(d.get("date") or "unknown")), official, source, as_of))
    if not steps:
        return release
    return ReleaseDate(
        release.date, release.official, release.source, release.as_of, release.note, tuple(steps)
    )


def _credit(raw: object, where: str) -> CreditEntry:
    d = _obj(raw, where)
    actor = clean_text(d.get("actor"), field=f"{where} actor", max_len=100, required=True)
    assert actor is not None
    official = _bool(d.get("official"), f"{where} official", True)
    source = check_source(d.get("source"), field=f"{where} source", required=False)
    if not official and source is None:  # as /admin cast add: an expected item shows its source
        raise ValidationError(
            "{where} is an expected cast entry, so it needs a source: an https:// link or a short citation.",
            where=where,
        )
    return CreditEntry(
        actor=actor,
        korean_name=clean_text(d.get("korean_name"), field=f"{where} korean_name", max_len=100),
        character=clean_text(d.get("character"), field=f"{where} character", max_len=100),
        billing=_int(d.get("billing"), f"{where} billing", minimum=1),
        official=official,
        source=source,
    )


def _trailer(raw: object, where: str, hosts: tuple[str, ...] | None) -> TrailerEntry:
    d = _obj(raw, where)
    url = https_url(d.get("url"), field=f"{where} url", hosts=hosts)
    if url is None:
        raise ValidationError("{where} needs a url.", where=where)
    kind = d.get("kind") or "trailer"
    if kind not in ("teaser", "trailer"):
        raise ValidationError(
            "{where} kind must be teaser or trailer, not {kind}.", where=where, kind=repr(kind)
        )
    return TrailerEntry(
        title=clean_text(d.get("title"), field=f"{where} title", max_len=TITLE_MAX),
        url=url,
        kind=kind,
        published=_day(d.get("published"), f"{where} published"),
    )


# --- exporting -------------------------------------------------------------------------------


def show_to_dict(s: ShowEntry) -> dict[str, Any]:
    """A validated entry in the file format (what export writes)."""

    def credit(c: CreditEntry) -> dict[str, Any]:
        return {
            "actor": c.actor,
            "korean_name": c.korean_name,
            "character": c.character,
            "billing": c.billing,
            "official": c.official,
            "source": c.source,
        }

    return {
        "slug": s.slug,
        "title": s.title,
        "korean_title": s.korean_title,
        "romanized_title": s.romanized_title,
        "aliases": list(s.aliases),
        "country": s.country,
        "platform": s.platform,
        "platform_url": s.platform_url,
        "genres": list(s.genres),
        "synopsis": s.synopsis,
        "poster_url": s.poster_url,
        "similar": list(s.similar),
        "cast": [credit(c) for c in s.cast],
        "seasons": [
            {
                "number": x.number,
                "episodes": x.episodes,
                "notes": x.notes,
                "status": {
                    "value": x.status.value.value,
                    "source": x.status.source,
                    "as_of": as_of_text(x.status.as_of),
                    "note": x.status.note,
                    "history": [status_step(h) for h in x.status.history],
                },
                "release": {
                    "date": x.release.date.canonical(),
                    "official": x.release.official,
                    "source": x.release.source,
                    "as_of": as_of_text(x.release.as_of),
                    "note": x.release.note,
                    "history": [release_step(h) for h in x.release.history],
                },
                "cast": [credit(c) for c in x.cast],
                "trailers": [
                    {
                        "title": t.title,
                        "url": t.url,
                        "kind": t.kind,
                        "published": t.published.isoformat() if t.published else None,
                    }
                    for t in x.trailers
                ],
            }
            for x in sorted(s.seasons, key=lambda x: x.number)
        ],
    }


async def export_catalog(store: Store) -> dict[str, Any]:
    """The whole catalog in the file format."""
    return {"format": FORMAT, "shows": await store.catalog.file_shows()}


def dumps(catalog: dict[str, Any]) -> str:
    return json.dumps(catalog, ensure_ascii=False, indent=2) + "\n"
