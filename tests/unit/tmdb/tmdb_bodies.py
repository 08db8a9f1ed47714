"""TMDB bodies in the documented shapes, about fictional shows, for parser and mapping tests."""

from __future__ import annotations

import copy
from typing import Any

SHOW_ID = 9_100_001


def show_body(**changes: Any) -> dict[str, Any]:
    """`GET /tv/{id}` with every append the client asks for: a fictional two-season drama."""
    body: dict[str, Any] = {
        "adult": False,
        "backdrop_path": None,
        "first_air_date": "2024-03-02",
        "genres": [{"id": 18, "name": "Drama"}, {"id": 9648, "name": "Mystery"}],
        "id": SHOW_ID,
        "in_production": True,
        "last_episode_to_air": {
            "id": 1,
            "name": "Episode 12",
            "air_date": "2024-04-07",
            "episode_number": 12,
            "season_number": 1,
            "show_id": SHOW_ID,
        },
        "name": "Paper Lanterns of Nowhere",
        "next_episode_to_air": None,
        "networks": [{"id": 1, "logo_path": None, "name": "Fictional Broadcasting", "origin_country": "KR"}],
        "origin_country": ["KR"],
        "original_language": "ko",
        "original_name": "어디에도 없는 종이등",
        "overview": "An invented drama for tests.",
        "poster_path": "/lanterns.jpg",
        "seasons": [
            {"air_date": None, "episode_count": 2, "id": 10, "name": "Specials", "season_number": 0},
            {"air_date": "2024-03-02", "episode_count": 12, "id": 11, "name": "Season 1", "season_number": 1},
            {"air_date": "2027-05-01", "episode_count": 12, "id": 12, "name": "Season 2", "season_number": 2},
        ],
        "status": "Returning Series",
        "aggregate_credits": {
            "cast": [
                {
                    "adult": False,
                    "gender": 1,
                    "id": 501,
                    "known_for_department": "Acting",
                    "name": "Invented Actress",
                    "original_name": "가짜 배우",
                    "popularity": 1.0,
                    "profile_path": None,
                    "roles": [{"credit_id": "a", "character": "Seo-ah", "episode_count": 12}],
                    "total_episode_count": 12,
                    "order": 0,
                },
                {
                    "adult": False,
                    "gender": 2,
                    "id": 502,
                    "known_for_department": "Acting",
                    "name": "Invented Actor",
                    "original_name": "Invented Actor",
                    "popularity": 1.0,
                    "profile_path": None,
                    "roles": [
                        {"credit_id": "b", "character": "Detective", "episode_count": 2},
                        {"credit_id": "c", "character": "Jun-ho", "episode_count": 10},
                    ],
                    "total_episode_count": 12,
                    "order": 1,
                },
            ],
            "crew": [],
        },
        "videos": {
            "results": [
                {
                    "iso_639_1": "ko",
                    "iso_3166_1": "KR",
                    "name": "Official Teaser",
                    "key": "AbCdEfGhIj0",
                    "site": "YouTube",
                    "size": 1080,
                    "type": "Teaser",
                    "official": True,
                    "published_at": "2024-01-10T09:00:00.000Z",
                    "id": "v1",
                },
                {
                    "iso_639_1": "ko",
                    "iso_3166_1": "KR",
                    "name": "Fan cut",
                    "key": "ZzZzZzZzZz1",
                    "site": "YouTube",
                    "size": 720,
                    "type": "Trailer",
                    "official": False,
                    "published_at": "2024-01-11T09:00:00.000Z",
                    "id": "v2",
                },
                {
                    "iso_639_1": "en",
                    "iso_3166_1": "US",
                    "name": "Clip",
                    "key": "123456",
                    "site": "Vimeo",
                    "size": 720,
                    "type": "Trailer",
                    "official": True,
                    "published_at": "2024-01-12T09:00:00.000Z",
                    "id": "v3",
                },
            ]
        },
        "alternative_titles": {
            "results": [
                {"iso_3166_1": "US", "title": "Lanterns", "type": ""},
                {"iso_3166_1": "KR", "title": "어디에도 없는 종이등", "type": ""},
            ]
        },
        "watch/providers": {
            "results": {
                "KR": {
                    "link": f"https://www.themoviedb.org/tv/{SHOW_ID}/watch?locale=KR",
                    "flatrate": [
                        {
                            "logo_path": None,
                            "provider_id": 1,
                            "provider_name": "Invented Stream",
                            "display_priority": 0,
                        }
                    ],
                },
                "FR": {"link": f"https://www.themoviedb.org/tv/{SHOW_ID}/watch?locale=FR", "buy": []},
            }
        },
        "recommendations": {
            "page": 1,
            "results": [
                {
                    "id": 9_100_002,
                    "name": "Another Invention",
                    "original_name": "또 다른 발명",
                    "first_air_date": "",
                }
            ],
            "total_pages": 1,
            "total_results": 1,
        },
        "external_ids": {"imdb_id": None, "tvdb_id": None, "wikidata_id": None},
    }
    body.update(changes)
    return copy.deepcopy(body)


def season_body(number: int = 1, episode_days: list[str | None] | None = None) -> dict[str, Any]:
    """`GET /tv/{id}/season/{n}` with `aggregate_credits,videos`."""
    days = episode_days if episode_days is not None else [f"2024-03-{2 + i:02d}" for i in range(12)]
    return {
        "_id": "x",
        "air_date": days[0] if days else None,
        "episodes": [
            {
                "air_date": d,
                "episode_number": i + 1,
                "season_number": number,
                "id": i,
                "name": f"Episode {i + 1}",
            }
            for i, d in enumerate(days)
        ],
        "name": f"Season {number}",
        "id": 11,
        "season_number": number,
        "aggregate_credits": {
            "cast": [
                {
                    "id": 502,
                    "name": "Invented Actor",
                    "original_name": "Invented Actor",
                    "roles": [{"credit_id": "c", "character": "Jun-ho", "episode_count": 10}],
                    "total_episode_count": 10,
                    "order": 1,
                },
                {
                    "id": 501,
                    "name": "Invented Actress",
                    "original_name": "가짜 배우",
                    "roles": [{"credit_id": "a", "character": "Seo-ah", "episode_count": 12}],
                    "total_episode_count": 12,
                    "order": 0,
                },
            ],
            "crew": [],
        },
        "videos": {
            "results": [
                {
                    "iso_639_1": "ko",
                    "name": f"Season {number} Official Trailer",
                    "key": f"Season{number}Tr",
                    "site": "YouTube",
                    "type": "Trailer",
                    "official": True,
                    "published_at": "2024-02-01T00:00:00.000Z",
                    "id": "s",
                }
            ]
        },
    }
