"""From a parsed TMDB show to the catalog's terms, honestly: pure functions, no I/O.

TMDB is community-edited. What it says about the past (a season that aired) is taken as
official; what it says about the future (a date to come, a season with no date) is shown as
"listed on TMDB": expected, never official, with TMDB as the source and the fetch time as its
as-of.

How a season's status and release date follow from TMDB (`now` is the fetch time):

| TMDB says about season n                                  | status      | release date           |
|-----------------------------------------------------------|-------------|------------------------|
| air date whose Korean day is over, every episode aired    | released    | that day, official     |
| air date whose Korean day is over, episodes still to come | airing      | that day, official     |
| air date still to come (today in Korea included)          | unconfirmed | that day, expected     |
| no air date                                               | unconfirmed | unknown                |

"Every episode aired": the season's episode list (from `/tv/{id}/season/{n}`) has every air date
over; without it, a later season has aired, or `last_episode_to_air` is this season's last
episode (by `episode_count`) and `next_episode_to_air` is not in this season. When neither
proves it, the season is only `airing`: it premiered, and we claim no more.

A future date never moves the status to `scheduled` ("Date announced"): the catalog's status is
the *official* state of a season and a TMDB listing is not an announcement. The expectation is
carried by the release date (official false, note "as listed on TMDB") and the status note.
TMDB's show `status` ("Returning Series", "Planned", "Canceled", ...) never sets a season's
status either; it is kept in the status note of seasons without an aired date.

Cast is per season only (each season's aggregate credits): TMDB's whole-show aggregate lists
the actors of every season, so as a whole-show cast it would show season 1's actors as the
official cast of a season still to come.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from kdrama.catalog import CreditEntry, SeasonEntry, ShowEntry, TrailerEntry
from kdrama.dates import PartialDate, as_of_day
from kdrama.hangul import has_hangul
from kdrama.models import ReleaseDate, SeasonStatus, Status
from kdrama.tmdb.models import (
    CastMember,
    ImageConfig,
    SeasonDetail,
    SeasonSummary,
    TvShow,
    Video,
    WatchRegion,
)
from kdrama.validate import LONG_TEXT_MAX, TITLE_MAX, slugify

TMDB_SHOW_URL = "https://www.themoviedb.org/tv/{id}"
LISTED_NOTE = "As listed on TMDB (community-edited); not an official announcement."
POSTER_SIZE = "w500"
REGIONS = ("KR", "US")  # watch providers: Korea, then the United States
PLATFORM_MAX = 100
TRAILER_TYPES = {"Trailer": "trailer", "Teaser": "teaser"}
YOUTUBE_WATCH = "https://www.youtube.com/watch?v={key}"


@dataclass(frozen=True, slots=True)
class TmdbEntry:
    """A show as TMDB has it, in catalog terms, plus what only the sync needs."""

    tmdb_id: int
    entry: ShowEntry
    fetched_at: datetime
    # Recommendations by TMDB id; the sync keeps those that are in the catalog as similar shows.
    similar_tmdb_ids: tuple[int, ...] = ()
    # Streaming where it is known, by country (JustWatch's data: attribute it where shown).
    watch: Mapping[str, WatchRegion] = field(default_factory=dict)
    imdb_id: str | None = None

    @property
    def platform_from_justwatch(self) -> bool:
        """The platform is a streaming service of TMDB's watch providers (JustWatch's data), not a network."""
        platform = self.entry.platform
        return platform is not None and any(
            platform == _text(name, PLATFORM_MAX) for w in self.watch.values() for name in w.flatrate
        )


def tmdb_url(tmdb_id: int) -> str:
    return TMDB_SHOW_URL.format(id=tmdb_id)


def show_slug(name: str, tmdb_id: int) -> str:
    """A slug from the English name, with the TMDB id so that two shows of one name differ."""
    return f"{slugify(name)[:80].strip('-') or 'show'}-{tmdb_id}"


def poster_url(poster_path: str | None, images: ImageConfig | None) -> str | None:
    if not poster_path or images is None:
        return None
    sizes = [s for s in images.poster_sizes if s != "original"]
    size = POSTER_SIZE if POSTER_SIZE in images.poster_sizes or not sizes else sizes[-1]
    return images.secure_base_url.rstrip("/") + "/" + size + poster_path


def day_is_over(day: date, now: datetime) -> bool:
    """True once the whole Korean day `day` lies before `now`."""
    return PartialDate.from_day(day).has_passed(now)


def map_show(
    show: TvShow,
    *,
    fetched_at: datetime,
    images: ImageConfig | None = None,
    seasons: Mapping[int, SeasonDetail] | None = None,
) -> TmdbEntry:
    """The catalog entry for `show`; `seasons` are the per-season details fetched, if any."""
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at needs a time zone")
    details = seasons or {}
    source = tmdb_url(show.id)
    as_of = as_of_day(fetched_at.astimezone(UTC).date())  # the fetch is when TMDB said it
    title = _text(show.name, TITLE_MAX) or show.original_name
    korean = show.original_name if has_hangul(show.original_name) else None
    numbered = sorted((s for s in show.seasons if s.number >= 1), key=lambda s: s.number)
    season_entries = tuple(
        _season(show, s, details.get(s.number), numbered, fetched_at, source, as_of) for s in numbered
    )
    aliases = []
    for alt in show.alternative_titles:
        text = _text(alt.title, TITLE_MAX)
        if text and text not in (title, korean) and text not in aliases:
            aliases.append(text)
    watch = {c: show.watch[c] for c in REGIONS if show.watch and c in show.watch}
    platform = next((w.flatrate[0] for w in watch.values() if w.flatrate), None)
    if platform is None and show.networks:
        platform = show.networks[0]
    entry = ShowEntry(
        slug=show_slug(show.name, show.id),
        title=title,
        korean_title=korean,
        romanized_title=None,
        aliases=tuple(aliases),
        country="KR" if "KR" in show.origin_country else (show.origin_country or (None,))[0],
        platform=_text(platform, PLATFORM_MAX),
        platform_url=None,
        genres=tuple(g for g in (_text(x, 40) for x in show.genres) if g),
        synopsis=_text(show.overview, LONG_TEXT_MAX),
        poster_url=poster_url(show.poster_path, images),
        similar=(),
        # TMDB's show-level aggregate cast is everyone of every season: each season's own
        # aggregate cast says who is in it, and is official only once that season aired.
        cast=(),
        seasons=season_entries,
    )
    return TmdbEntry(
        tmdb_id=show.id,
        entry=entry,
        fetched_at=fetched_at,
        similar_tmdb_ids=tuple(dict.fromkeys(i for i in show.recommendations if i != show.id)),
        watch=watch,
        imdb_id=show.external_ids.imdb_id if show.external_ids else None,
    )


def season_status(
    show: TvShow, season: SeasonSummary, detail: SeasonDetail | None, later_aired: bool, now: datetime
) -> Status:
    """The status the table in this module's docstring gives."""
    air_date = detail.air_date if detail and detail.air_date else season.air_date
    if air_date is None or not day_is_over(air_date, now):
        return Status.UNCONFIRMED
    if detail and detail.episodes:
        days = [e.air_date for e in detail.episodes]
        done = all(d is not None and day_is_over(d, now) for d in days)
        return Status.RELEASED if done else Status.AIRING
    if later_aired:
        return Status.RELEASED
    nxt, last = show.next_episode_to_air, show.last_episode_to_air
    if nxt is not None and nxt.season_number == season.number:
        return Status.AIRING
    if (
        last is not None
        and last.season_number == season.number
        and season.episode_count is not None
        and last.episode_number >= season.episode_count
        and (last.air_date is None or day_is_over(last.air_date, now))
    ):
        return Status.RELEASED
    return Status.AIRING


def _season(
    show: TvShow,
    season: SeasonSummary,
    detail: SeasonDetail | None,
    numbered: list[SeasonSummary],
    now: datetime,
    source: str,
    as_of: PartialDate,
) -> SeasonEntry:
    later_aired = any(
        s.number > season.number and s.air_date is not None and day_is_over(s.air_date, now) for s in numbered
    )
    status = season_status(show, season, detail, later_aired, now)
    air_date = detail.air_date if detail and detail.air_date else season.air_date
    aired = status.out
    if aired:
        assert air_date is not None
        season_status_value = SeasonStatus(status, source, as_of, None)
        release = ReleaseDate(PartialDate.from_day(air_date), True, source, as_of, None)
    else:
        listed = f"Season {season.number} is listed on TMDB"
        listed += f" for {PartialDate.from_day(air_date).human()}" if air_date else ", without a date"
        if show.status:
            listed += f"; TMDB gives the show's status as {show.status!r}"
        note = f"{listed}. Not officially confirmed."
        season_status_value = SeasonStatus(Status.UNCONFIRMED, source, as_of, note)
        release = ReleaseDate(
            PartialDate.from_day(air_date) if air_date else PartialDate(),
            False,
            source,
            as_of,
            LISTED_NOTE if air_date else None,
        )
    videos = detail.videos if detail else ()
    if not videos and len(numbered) == 1:
        # Show-level videos don't say which season they are for; with one season there is no doubt.
        videos = show.videos
    episodes = season.episode_count
    if detail and detail.episodes:
        episodes = len(detail.episodes)
    return SeasonEntry(
        number=season.number,
        episodes=episodes if episodes else None,
        notes=None,
        status=season_status_value,
        release=release,
        cast=_credits(detail.cast if detail else (), official=aired, source=source),
        trailers=trailers(videos),
    )


def _credits(cast: tuple[CastMember, ...], *, official: bool, source: str) -> tuple[CreditEntry, ...]:
    """Aggregate cast in billing order; before a season airs, TMDB's cast is only expected."""
    ordered = sorted(cast, key=lambda c: (c.order is None, c.order or 0, c.id))
    out: list[CreditEntry] = []
    seen: set[tuple[str, str | None]] = set()
    for member in ordered:
        name = _text(member.name, 100)
        if not name:
            continue
        korean = member.original_name if member.original_name and has_hangul(member.original_name) else None
        korean = _text(korean, 100)
        if (name, korean) in seen:
            continue
        seen.add((name, korean))
        roles = sorted(member.roles, key=lambda r: -(r.episode_count or 0))
        characters = [r.character.strip() for r in roles if r.character.strip()]
        character = _text(" / ".join(dict.fromkeys(characters)), 100)
        out.append(CreditEntry(name, korean, character, len(out) + 1, official, source))
    return tuple(out)


def trailers(videos: tuple[Video, ...]) -> tuple[TrailerEntry, ...]:
    """Official YouTube trailers and teasers, oldest first."""
    picked = [
        v
        for v in videos
        if v.site == "YouTube"
        and v.official
        and v.type in TRAILER_TYPES
        and v.key.replace("-", "").replace("_", "").isalnum()
    ]
    picked.sort(key=lambda v: (v.published_at is None, v.published_at or datetime.min))
    out: dict[str, TrailerEntry] = {}
    for v in picked:
        url = YOUTUBE_WATCH.format(key=v.key)
        out.setdefault(
            url,
            TrailerEntry(
                title=_text(v.name, TITLE_MAX),
                url=url,
                kind=TRAILER_TYPES[v.type],
                published=v.published_at.date() if v.published_at else None,
            ),
        )
    return tuple(out.values())


def _text(value: str | None, max_len: int) -> str | None:
    """One line of TMDB text: control characters out, spaces collapsed, cut to `max_len`."""
    if not value:
        return None
    multiline = max_len >= LONG_TEXT_MAX
    cleaned = "".join(ch if ch.isprintable() or (multiline and ch == "\n") else " " for ch in value)
    if multiline:
        lines = [" ".join(line.split()) for line in cleaned.splitlines()]
        cleaned = "\n".join(line for line in lines if line)
    else:
        cleaned = " ".join(cleaned.split())
    if len(cleaned) > max_len:
        cleaned = cleaned[: max_len - 1].rstrip() + "…"
    return cleaned or None
