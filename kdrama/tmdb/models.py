"""TMDB's JSON as typed, frozen values; a body of the wrong shape raises TmdbMalformed, whole.

Shapes follow TMDB's API v3 reference (developer.themoviedb.org, its OpenAPI document) and the
appended names documented under "append_to_response": each appended method appears in the
body under its own name, `"watch/providers"` included. Only what the bot uses is read; other
fields are ignored. Where the reference is silent, a comment says what we assume.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kdrama.tmdb.errors import TmdbMalformed

# --- values ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListedShow:
    """A show as listed by discover, search or recommendations."""

    id: int
    name: str
    original_name: str
    first_air_date: date | None


@dataclass(frozen=True, slots=True)
class ShowPage:
    page: int
    total_pages: int
    total_results: int
    results: tuple[ListedShow, ...]


@dataclass(frozen=True, slots=True)
class ChangesPage:
    page: int
    total_pages: int
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ImageConfig:
    secure_base_url: str
    poster_sizes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeasonSummary:
    number: int
    name: str | None
    episode_count: int | None
    air_date: date | None


@dataclass(frozen=True, slots=True)
class EpisodeRef:
    season_number: int
    episode_number: int
    air_date: date | None


@dataclass(frozen=True, slots=True)
class Role:
    character: str
    episode_count: int | None


@dataclass(frozen=True, slots=True)
class CastMember:
    id: int
    name: str
    original_name: str | None
    order: int | None
    roles: tuple[Role, ...]
    total_episode_count: int | None


@dataclass(frozen=True, slots=True)
class Video:
    site: str
    key: str
    type: str
    official: bool
    published_at: datetime | None
    name: str | None
    iso_639_1: str | None


@dataclass(frozen=True, slots=True)
class WatchRegion:
    """Where a show streams in one country; the data is JustWatch's and must say so where shown."""

    link: str | None
    flatrate: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlternativeTitle:
    title: str
    iso_3166_1: str | None
    type: str | None


@dataclass(frozen=True, slots=True)
class ExternalIds:
    imdb_id: str | None = None
    tvdb_id: int | None = None
    wikidata_id: str | None = None


@dataclass(frozen=True, slots=True)
class TvShow:
    """`GET /tv/{id}` with the appended methods the bot asks for (absent ones are empty)."""

    id: int
    name: str
    original_name: str
    overview: str | None
    status: str | None
    networks: tuple[str, ...]
    genres: tuple[str, ...]
    poster_path: str | None
    first_air_date: date | None
    seasons: tuple[SeasonSummary, ...]
    next_episode_to_air: EpisodeRef | None
    last_episode_to_air: EpisodeRef | None
    origin_country: tuple[str, ...]
    original_language: str | None
    alternative_titles: tuple[AlternativeTitle, ...] = ()
    cast: tuple[CastMember, ...] = ()
    videos: tuple[Video, ...] = ()
    watch: Mapping[str, WatchRegion] | None = None
    recommendations: tuple[int, ...] = ()
    external_ids: ExternalIds | None = None


@dataclass(frozen=True, slots=True)
class SeasonDetail:
    """`GET /tv/{id}/season/{n}` with `aggregate_credits,videos` appended."""

    number: int
    air_date: date | None
    episodes: tuple[EpisodeRef, ...]
    cast: tuple[CastMember, ...] = ()
    videos: tuple[Video, ...] = ()


# --- reading -----------------------------------------------------------------------------------


def loads(raw: bytes | str, what: str) -> dict[str, Any]:
    """A JSON object from a body, or TmdbMalformed."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise TmdbMalformed(f"{what}: the body is not JSON ({e})") from e
    if not isinstance(data, dict):
        raise TmdbMalformed(f"{what}: the body is not a JSON object")
    return data


_MISSING = object()


class _R:
    """Typed field access with the JSON path in every error."""

    __slots__ = ("d", "path")

    def __init__(self, d: object, path: str) -> None:
        if not isinstance(d, dict):
            raise TmdbMalformed(f"{path}: expected an object, got {type(d).__name__}")
        self.d: dict[str, Any] = d
        self.path = path

    def _get(self, key: str, required: bool) -> Any:
        value = self.d.get(key, _MISSING)
        if value is _MISSING:
            if required:
                raise TmdbMalformed(f"{self.path}.{key}: missing")
            return None
        return value

    def num(self, key: str, *, required: bool = True) -> int | None:
        v = self._get(key, required)
        if v is None and not required:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            raise TmdbMalformed(f"{self.path}.{key}: expected an integer, got {v!r:.40}")
        return v

    def req_int(self, key: str) -> int:
        v = self.num(key)
        assert v is not None
        return v

    def string(self, key: str, *, required: bool = True) -> str | None:
        v = self._get(key, required)
        if v is None and not required:
            return None
        if not isinstance(v, str):
            raise TmdbMalformed(f"{self.path}.{key}: expected text, got {v!r:.40}")
        return v

    def req_str(self, key: str) -> str:
        v = self.string(key)
        assert v is not None
        return v

    def text(self, key: str) -> str | None:
        """Optional text where TMDB uses "" for none."""
        v = self.string(key, required=False)
        return v or None

    def flag(self, key: str, *, default: bool = False) -> bool:
        v = self._get(key, False)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise TmdbMalformed(f"{self.path}.{key}: expected true or false, got {v!r:.40}")
        return v

    def day(self, key: str) -> date | None:
        """A "YYYY-MM-DD" date; null, absent or "" (TMDB's "no date") is None."""
        v = self._get(key, False)
        if v is None or v == "":
            return None
        if not isinstance(v, str):
            raise TmdbMalformed(f"{self.path}.{key}: expected a date, got {v!r:.40}")
        try:
            return date.fromisoformat(v)
        except ValueError as e:
            raise TmdbMalformed(f"{self.path}.{key}: {v!r:.40} is not a date") from e

    def moment(self, key: str) -> datetime | None:
        v = self._get(key, False)
        if v is None or v == "":
            return None
        if not isinstance(v, str):
            raise TmdbMalformed(f"{self.path}.{key}: expected a time, got {v!r:.40}")
        try:
            at = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError as e:
            raise TmdbMalformed(f"{self.path}.{key}: {v!r:.40} is not a time") from e
        return at if at.tzinfo else at.replace(tzinfo=UTC)

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        v = self._get(key, required)
        if v is None:
            return []
        if not isinstance(v, list):
            raise TmdbMalformed(f"{self.path}.{key}: expected a list, got {v!r:.40}")
        return v

    def obj(self, key: str) -> _R | None:
        v = self._get(key, False)
        return None if v is None else _R(v, f"{self.path}.{key}")

    def strings(self, key: str) -> tuple[str, ...]:
        out = []
        for i, v in enumerate(self.items(key)):
            if not isinstance(v, str):
                raise TmdbMalformed(f"{self.path}.{key}[{i}]: expected text, got {v!r:.40}")
            out.append(v)
        return tuple(out)

    def each(self, key: str, *, required: bool = False) -> list[_R]:
        return [_R(v, f"{self.path}.{key}[{i}]") for i, v in enumerate(self.items(key, required=required))]


def _listed(r: _R) -> ListedShow:
    return ListedShow(r.req_int("id"), r.req_str("name"), r.req_str("original_name"), r.day("first_air_date"))


def parse_show_page(data: dict[str, Any], what: str = "discover") -> ShowPage:
    """`/discover/tv`, `/search/tv` and `/tv/{id}/recommendations`: a page of shows."""
    r = _R(data, what)
    return ShowPage(
        page=r.req_int("page"),
        total_pages=r.req_int("total_pages"),
        total_results=r.req_int("total_results"),
        results=tuple(_listed(x) for x in r.each("results", required=True)),
    )


def parse_changes_page(data: dict[str, Any]) -> ChangesPage:
    """`/tv/changes`: `results[]` of `{id, adult}`."""
    r = _R(data, "changes")
    return ChangesPage(
        page=r.req_int("page"),
        total_pages=r.req_int("total_pages"),
        ids=tuple(x.req_int("id") for x in r.each("results", required=True)),
    )


def parse_configuration(data: dict[str, Any]) -> ImageConfig:
    """`/configuration`: `images.secure_base_url` and `images.poster_sizes`."""
    images = _R(data, "configuration").obj("images")
    if images is None:
        raise TmdbMalformed("configuration.images: missing")
    base = images.req_str("secure_base_url")
    if not base.startswith("https://"):
        raise TmdbMalformed(f"configuration.images.secure_base_url: {base!r:.60} is not https")
    return ImageConfig(base, images.strings("poster_sizes"))


def _episode(r: _R | None) -> EpisodeRef | None:
    # The reference documents null when there is none; its example shows {} instead: both mean none.
    if r is None or not r.d:
        return None
    return EpisodeRef(r.req_int("season_number"), r.req_int("episode_number"), r.day("air_date"))


def _cast(r: _R | None) -> tuple[CastMember, ...]:
    """`aggregate_credits.cast[]`; crew is not used."""
    if r is None:
        return ()
    out = []
    for c in r.each("cast", required=True):
        roles = []
        for role in c.each("roles"):
            character = role.string("character", required=False)
            if character:
                roles.append(Role(character, role.num("episode_count", required=False)))
        out.append(
            CastMember(
                id=c.req_int("id"),
                name=c.req_str("name"),
                original_name=c.text("original_name"),
                order=c.num("order", required=False),
                roles=tuple(roles),
                total_episode_count=c.num("total_episode_count", required=False),
            )
        )
    return tuple(out)


def _videos(r: _R | None) -> tuple[Video, ...]:
    if r is None:
        return ()
    return tuple(
        Video(
            site=v.req_str("site"),
            key=v.req_str("key"),
            type=v.req_str("type"),
            official=v.flag("official"),
            published_at=v.moment("published_at"),
            name=v.text("name"),
            iso_639_1=v.text("iso_639_1"),
        )
        for v in r.each("results", required=True)
    )


def _watch(r: _R | None) -> Mapping[str, WatchRegion] | None:
    """`watch/providers.results.<COUNTRY>`: `link` and `flatrate[].provider_name` (JustWatch data)."""
    if r is None:
        return None
    results = r.obj("results")
    if results is None:
        return {}
    regions: dict[str, WatchRegion] = {}
    for country in results.d:
        region = results.obj(country)
        assert region is not None
        names = tuple(p.req_str("provider_name") for p in region.each("flatrate"))
        regions[country] = WatchRegion(region.text("link"), names)
    return regions


def _external(r: _R | None) -> ExternalIds | None:
    if r is None:
        return None
    return ExternalIds(r.text("imdb_id"), r.num("tvdb_id", required=False), r.text("wikidata_id"))


def parse_show(data: dict[str, Any]) -> TvShow:
    """`/tv/{id}` with `aggregate_credits,videos,alternative_titles,watch/providers,recommendations,external_ids`."""
    r = _R(data, f"tv/{data.get('id', '?')}")
    seasons = tuple(
        SeasonSummary(
            number=s.req_int("season_number"),
            name=s.text("name"),
            episode_count=s.num("episode_count", required=False),
            air_date=s.day("air_date"),
        )
        for s in r.each("seasons")
    )
    alt = r.obj("alternative_titles")
    # The TV form lists `results[]`; the movie form names the same list `titles`.
    alternative = tuple(
        AlternativeTitle(a.req_str("title"), a.text("iso_3166_1"), a.text("type"))
        for a in (alt.each("results") if alt else [])
    )
    recs = r.obj("recommendations")
    return TvShow(
        id=r.req_int("id"),
        name=r.req_str("name"),
        original_name=r.req_str("original_name"),
        overview=r.text("overview"),
        status=r.text("status"),
        networks=tuple(n.req_str("name") for n in r.each("networks")),
        genres=tuple(g.req_str("name") for g in r.each("genres")),
        poster_path=r.text("poster_path"),
        first_air_date=r.day("first_air_date"),
        seasons=seasons,
        next_episode_to_air=_episode(r.obj("next_episode_to_air")),
        last_episode_to_air=_episode(r.obj("last_episode_to_air")),
        origin_country=r.strings("origin_country"),
        original_language=r.text("original_language"),
        alternative_titles=alternative,
        cast=_cast(r.obj("aggregate_credits")),
        videos=_videos(r.obj("videos")),
        watch=_watch(r.obj("watch/providers")),
        recommendations=tuple(x.id for x in parse_show_page(recs.d, "recommendations").results)
        if recs
        else (),
        external_ids=_external(r.obj("external_ids")),
    )


def parse_season(data: dict[str, Any]) -> SeasonDetail:
    """`/tv/{id}/season/{n}` with `aggregate_credits,videos` appended."""
    r = _R(data, f"season/{data.get('season_number', '?')}")
    number = r.req_int("season_number")
    return SeasonDetail(
        number=number,
        air_date=r.day("air_date"),
        episodes=tuple(
            EpisodeRef(
                e.num("season_number", required=False) or number,
                e.req_int("episode_number"),
                e.day("air_date"),
            )
            for e in r.each("episodes")
        ),
        cast=_cast(r.obj("aggregate_credits")),
        videos=_videos(r.obj("videos")),
    )
