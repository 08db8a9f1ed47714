"""The TMDB stand-in's world: generated, fictional Korean dramas, editable by tests.

Every show is invented ("Stand-in Drama 17", 가상 드라마 17, actors "Stand-in Actor 42"): no fact
about a real show lives here. The world is deterministic from its seed, and renders the JSON
shapes of TMDB's API v3 reference on demand.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

FIRST_ID = 9_000_001  # far above the ids of the examples in TMDB's reference
GENRES = ((18, "Drama"), (35, "Comedy"), (10765, "Sci-Fi & Fantasy"), (9648, "Mystery"), (80, "Crime"))
NETWORKS = ((9001, "Stand-in Broadcasting"), (9002, "Stand-in Cable"), (9003, "Stand-in Stream"))
WORDS = ("Moonlit", "Harbor", "Secret", "Garden", "Winter", "Signal", "Crown", "Letter", "River", "Spring")


@dataclass
class Person:
    id: int
    name: str
    original_name: str


@dataclass
class Credit:
    person: Person
    character: str
    episode_count: int
    order: int


@dataclass
class Video:
    key: str
    name: str
    type: str = "Trailer"
    site: str = "YouTube"
    official: bool = True
    published_at: datetime | None = None
    iso_639_1: str = "ko"
    id: str = ""


@dataclass
class Season:
    number: int
    air_date: date | None
    episodes: int
    cast: list[Credit] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)
    # Per-episode air dates; None means "weekly from air_date" (two a week).
    episode_dates: list[date | None] | None = None

    def episode_days(self) -> list[date | None]:
        if self.episode_dates is not None:
            return self.episode_dates
        if self.air_date is None:
            return [None] * self.episodes
        return [self.air_date + timedelta(days=7 * (i // 2) + (i % 2)) for i in range(self.episodes)]


@dataclass
class Show:
    id: int
    name: str
    original_name: str
    overview: str
    status: str
    genres: list[tuple[int, str]]
    networks: list[tuple[int, str]]
    poster_path: str | None
    origin_country: list[str]
    original_language: str
    popularity: float
    seasons: list[Season]
    alternative_titles: list[tuple[str, str]] = field(default_factory=list)  # (country, title)
    providers: dict[str, list[str]] = field(default_factory=dict)  # country -> flatrate names
    recommendations: list[int] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)  # show-level only
    imdb_id: str | None = None

    @property
    def first_air_date(self) -> date | None:
        dated = [s.air_date for s in self.seasons if s.number >= 1 and s.air_date]
        return min(dated) if dated else None

    def listed(self) -> dict[str, Any]:
        """The show as discover, search and recommendations list it."""
        return {
            "adult": False,
            "backdrop_path": None,
            "genre_ids": [g[0] for g in self.genres],
            "id": self.id,
            "origin_country": self.origin_country,
            "original_language": self.original_language,
            "original_name": self.original_name,
            "overview": self.overview,
            "popularity": self.popularity,
            "poster_path": self.poster_path,
            "first_air_date": self.first_air_date.isoformat() if self.first_air_date else "",
            "name": self.name,
            "vote_average": 0,
            "vote_count": 0,
        }


def _key(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(11))


class World:
    """N fictional shows (and a few non-Korean ones discover must filter out), from a seed."""

    def __init__(self, shows: int = 200, *, seed: int = 7, today: date | None = None) -> None:
        self.today = today or datetime.now(UTC).date()
        self.shows: dict[int, Show] = {}
        self.people: list[Person] = []
        self.changes: list[tuple[int, date]] = []
        rng = random.Random(seed)
        self.people = [Person(80_000_001 + i, f"Stand-in Actor {i + 1}", f"배우 {i + 1}") for i in range(600)]
        for i in range(shows):
            show = self._make(rng, FIRST_ID + i, i + 1)
            self.shows[show.id] = show
        ids = list(self.shows)
        for show in self.shows.values():
            show.recommendations = rng.sample(ids, k=min(3, len(ids)))

    def _make(self, rng: random.Random, tmdb_id: int, n: int) -> Show:
        korean = rng.random() > 0.03
        seasons: list[Season] = []
        count = rng.choice((1, 1, 1, 2, 2, 3))
        start = self.today - timedelta(days=rng.randint(-400, 12_000))
        undated = rng.random() < 0.02
        for number in range(1, count + 1):
            air = None if undated else start + timedelta(days=500 * (number - 1))
            episodes = rng.choice((8, 12, 16, 16, 20))
            cast = [
                Credit(p, f"Character {n}-{number}-{k + 1}", episodes - k, k)
                for k, p in enumerate(rng.sample(self.people, 6))
            ]
            published = datetime.combine(air - timedelta(days=30), datetime.min.time(), UTC) if air else None
            videos = [
                Video(
                    _key(rng),
                    f"Season {number} Official Trailer",
                    published_at=published,
                    id=f"v{tmdb_id}{number}",
                ),
                Video(
                    _key(rng),
                    "Behind the scenes",
                    type="Behind the Scenes",
                    official=False,
                    id=f"b{tmdb_id}{number}",
                ),
            ]
            seasons.append(Season(number, air, episodes, cast, videos))
        if rng.random() < 0.2:
            seasons.insert(0, Season(0, None, 2))  # Specials
        words = rng.sample(WORDS, 2)
        return Show(
            id=tmdb_id,
            name=f"Stand-in Drama {n}: {words[0]} {words[1]}",
            original_name=f"가상 드라마 {n}" if korean else f"スタンドイン {n}",
            overview=f"A fictional drama made up by the TMDB stand-in (number {n}).",
            status="Returning Series" if count > 1 else "Ended",
            genres=rng.sample(GENRES, 2),
            networks=[rng.choice(NETWORKS)],
            poster_path=f"/standin{n}.jpg",
            origin_country=["KR"] if korean else ["JP"],
            original_language="ko" if korean else "ja",
            popularity=round(rng.uniform(1, 500), 3),
            seasons=seasons,
            alternative_titles=[("KR", f"가상 {n}"), ("US", f"Stand-in {n}")],
            providers={"KR": ["Stand-in Stream"]} if rng.random() < 0.5 else {},
        )

    # --- editing --------------------------------------------------------------------------

    def show(self, tmdb_id: int) -> Show:
        return self.shows[tmdb_id]

    def mark_changed(self, tmdb_id: int, day: date | None = None) -> None:
        """List `tmdb_id` in the changes feed on `day` (default: today)."""
        self.changes.append((tmdb_id, day or self.today))

    def korean(self) -> list[Show]:
        return [s for s in self.shows.values() if s.origin_country == ["KR"] and s.original_language == "ko"]

    # --- rendering ------------------------------------------------------------------------

    def details(self, show: Show, appends: set[str], video_languages: set[str]) -> dict[str, Any]:
        """`GET /tv/{id}` with the appended methods asked for."""
        numbered = [s for s in show.seasons if s.number >= 1]
        aired = [
            (s.number, i + 1, d)
            for s in numbered
            for i, d in enumerate(s.episode_days())
            if d is not None and d < self.today
        ]
        coming = [
            (s.number, i + 1, d)
            for s in numbered
            for i, d in enumerate(s.episode_days())
            if d is not None and d >= self.today
        ]
        last = max(aired, key=lambda x: (x[2], x[0], x[1])) if aired else None
        nxt = min(coming, key=lambda x: (x[2], x[0], x[1])) if coming else None
        body: dict[str, Any] = {
            "adult": False,
            "backdrop_path": None,
            "created_by": [],
            "episode_run_time": [60],
            "first_air_date": show.first_air_date.isoformat() if show.first_air_date else "",
            "genres": [{"id": g, "name": name} for g, name in show.genres],
            "homepage": "",
            "id": show.id,
            "in_production": show.status == "Returning Series",
            "languages": [show.original_language],
            "last_air_date": last[2].isoformat() if last else None,
            "last_episode_to_air": _episode(show.id, last) if last else None,
            "name": show.name,
            "next_episode_to_air": _episode(show.id, nxt) if nxt else None,
            "networks": [
                {"id": i, "logo_path": None, "name": name, "origin_country": "KR"}
                for i, name in show.networks
            ],
            "number_of_episodes": sum(s.episodes for s in numbered),
            "number_of_seasons": len(numbered),
            "origin_country": show.origin_country,
            "original_language": show.original_language,
            "original_name": show.original_name,
            "overview": show.overview,
            "popularity": show.popularity,
            "poster_path": show.poster_path,
            "production_companies": [],
            "production_countries": [],
            "seasons": [
                {
                    "air_date": s.air_date.isoformat() if s.air_date else None,
                    "episode_count": s.episodes,
                    "id": show.id * 10 + s.number,
                    "name": "Specials" if s.number == 0 else f"Season {s.number}",
                    "overview": "",
                    "poster_path": None,
                    "season_number": s.number,
                    "vote_average": 0,
                }
                for s in show.seasons
            ],
            "spoken_languages": [],
            "status": show.status,
            "tagline": "",
            "type": "Scripted",
            "vote_average": 0,
            "vote_count": 0,
        }
        if "aggregate_credits" in appends:
            credits: dict[int, Credit] = {}
            totals: dict[int, int] = {}
            for s in numbered:
                for c in s.cast:
                    credits.setdefault(c.person.id, c)
                    totals[c.person.id] = totals.get(c.person.id, 0) + c.episode_count
            body["aggregate_credits"] = {
                "cast": [_cast(c, totals[pid]) for pid, c in credits.items()],
                "crew": [],
            }
        if "videos" in appends:
            body["videos"] = {"results": [_video(v) for v in show.videos if v.iso_639_1 in video_languages]}
        if "alternative_titles" in appends:
            body["alternative_titles"] = {
                "results": [{"iso_3166_1": c, "title": t, "type": ""} for c, t in show.alternative_titles]
            }
        if "watch/providers" in appends:
            body["watch/providers"] = {
                "results": {
                    country: {
                        "link": f"https://www.themoviedb.org/tv/{show.id}/watch?locale={country}",
                        "flatrate": [
                            {
                                "logo_path": None,
                                "provider_id": 9100 + k,
                                "provider_name": n,
                                "display_priority": k,
                            }
                            for k, n in enumerate(names)
                        ],
                    }
                    for country, names in show.providers.items()
                }
            }
        if "recommendations" in appends:
            recs = [
                self.shows[i].listed() | {"media_type": "tv"} for i in show.recommendations if i in self.shows
            ]
            body["recommendations"] = {
                "page": 1,
                "results": recs,
                "total_pages": 1,
                "total_results": len(recs),
            }
        if "external_ids" in appends:
            body["external_ids"] = {
                "imdb_id": show.imdb_id,
                "freebase_mid": None,
                "freebase_id": None,
                "tvdb_id": None,
                "tvrage_id": None,
                "wikidata_id": None,
                "facebook_id": None,
                "instagram_id": None,
                "twitter_id": None,
            }
        return body

    def season(
        self, show: Show, season: Season, appends: set[str], video_languages: set[str]
    ) -> dict[str, Any]:
        """`GET /tv/{id}/season/{n}` with the appended methods asked for."""
        body: dict[str, Any] = {
            "_id": f"s{show.id}{season.number}",
            "air_date": season.air_date.isoformat() if season.air_date else None,
            "episodes": [
                {
                    "air_date": d.isoformat() if d else None,
                    "episode_number": i + 1,
                    "episode_type": "standard",
                    "id": show.id * 1000 + season.number * 100 + i,
                    "name": f"Episode {i + 1}",
                    "overview": "",
                    "production_code": "",
                    "runtime": 60,
                    "season_number": season.number,
                    "show_id": show.id,
                    "still_path": None,
                    "vote_average": 0,
                    "vote_count": 0,
                    "crew": [],
                    "guest_stars": [],
                }
                for i, d in enumerate(season.episode_days())
            ],
            "name": "Specials" if season.number == 0 else f"Season {season.number}",
            "overview": "",
            "id": show.id * 10 + season.number,
            "poster_path": None,
            "season_number": season.number,
            "vote_average": 0,
        }
        if "aggregate_credits" in appends:
            body["aggregate_credits"] = {
                "cast": [_cast(c, c.episode_count) for c in season.cast],
                "crew": [],
                "id": show.id * 10 + season.number,
            }
        if "videos" in appends:
            body["videos"] = {"results": [_video(v) for v in season.videos if v.iso_639_1 in video_languages]}
        return body


def _episode(show_id: int, ep: tuple[int, int, date]) -> dict[str, Any]:
    season, number, day = ep
    return {
        "id": show_id * 1000 + season * 100 + number,
        "name": f"Episode {number}",
        "overview": "",
        "vote_average": 0,
        "vote_count": 0,
        "air_date": day.isoformat(),
        "episode_number": number,
        "episode_type": "standard",
        "production_code": "",
        "runtime": 60,
        "season_number": season,
        "show_id": show_id,
        "still_path": None,
    }


def _cast(c: Credit, total: int) -> dict[str, Any]:
    return {
        "adult": False,
        "gender": 0,
        "id": c.person.id,
        "known_for_department": "Acting",
        "name": c.person.name,
        "original_name": c.person.original_name,
        "popularity": 1.0,
        "profile_path": None,
        "roles": [
            {"credit_id": f"c{c.person.id}", "character": c.character, "episode_count": c.episode_count}
        ],
        "total_episode_count": total,
        "order": c.order,
    }


def _video(v: Video) -> dict[str, Any]:
    return {
        "iso_639_1": v.iso_639_1,
        "iso_3166_1": "KR",
        "name": v.name,
        "key": v.key,
        "site": v.site,
        "size": 1080,
        "type": v.type,
        "official": v.official,
        "published_at": v.published_at.strftime("%Y-%m-%dT%H:%M:%S.000Z") if v.published_at else None,
        "id": v.id or v.key,
    }
