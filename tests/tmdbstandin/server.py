"""A local TMDB stand-in: API v3 routes the bot uses, on 127.0.0.1, with fault injection.

Runs its own event loop in a background thread (like the Discord stand-in), so sync and async
tests alike can use it. State is guarded by one lock; public methods may be called from any
thread. Base URL for the client: `server.base_url` (ends in `/3`).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Self

from aiohttp import web

from .world import Show, World

TOKEN = "eyJhbGciOiJIUzI1NiJ9.c3RhbmQtaW4.c2lnbmF0dXJl"  # shaped like a read-access token (a JWT)
API_KEY = "0123456789abcdef0123456789abcdef"  # shaped like a v3 key
PAGE_SIZE = 20
CHANGES_PAGE_SIZE = 100
MAX_PAGES = 500
CHANGES_MAX_DAYS = 14

ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("/configuration", re.compile(r"^/configuration$")),
    ("/discover/tv", re.compile(r"^/discover/tv$")),
    ("/search/tv", re.compile(r"^/search/tv$")),
    ("/tv/changes", re.compile(r"^/tv/changes$")),
    ("/tv/{id}/season/{n}", re.compile(r"^/tv/(?P<id>\d+)/season/(?P<n>\d+)$")),
    ("/tv/{id}", re.compile(r"^/tv/(?P<id>\d+)$")),
)


@dataclass
class Record:
    """One request the client made, and what the stand-in answered."""

    path: str
    route: str | None
    query: dict[str, str]
    time: float  # time.monotonic() at arrival
    status: int = 0
    fault: str | None = None


@dataclass
class Fault:
    """The next `times` requests to `route` ("*": any) fail as `kind` says."""

    route: str
    kind: str  # "429", "500", "502", "503", "delay", "invalid_json", "wrong_type", "drop"
    times: int
    retry_after: float | None = 1.0
    delay: float = 0.0
    field: str = "id"  # for wrong_type: the top-level field given the wrong type
    hits: int = 0


@dataclass
class Outage:
    until: float
    kind: str = "503"  # or "drop": close the connection without an answer


def error(status: int, code: int, message: str) -> web.Response:
    """TMDB's error body: success false, status_code, status_message."""
    return web.json_response(
        {"success": False, "status_code": code, "status_message": message}, status=status
    )


class TmdbStandIn:
    """The stand-in server; `world` is its catalog, `requests` what it was asked."""

    def __init__(
        self, world: World | None = None, *, max_pages: int = MAX_PAGES, page_size: int = PAGE_SIZE
    ) -> None:
        self.world = world or World()
        self.max_pages = max_pages
        self.page_size = page_size
        self.lock = threading.RLock()
        self.requests: list[Record] = []
        self.unexpected: list[Record] = []
        self.window_violations: list[Record] = []  # /tv/changes asked for more than 14 days
        self.faults: list[Fault] = []
        self.outage: Outage | None = None
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/3"

    def start(self) -> Self:
        started = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._astart())
            except BaseException as exc:  # surfaced to the caller of start()
                errors.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="tmdb-standin", daemon=True)
        self._thread.start()
        started.wait(10)
        if errors:
            raise errors[0]
        return self

    async def _astart(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- switches -----------------------------------------------------------------------------

    def inject(self, route: str, kind: str, times: int = 1, **options: Any) -> Fault:
        """Make the next `times` requests to `route` (a template such as "/tv/{id}", or "*") fail."""
        fault = Fault(route, kind, times, **options)
        with self.lock:
            self.faults.append(fault)
        return fault

    def start_outage(self, seconds: float, kind: str = "503") -> None:
        """Every request fails for `seconds` from now (503, or "drop": no answer at all)."""
        with self.lock:
            self.outage = Outage(time.monotonic() + seconds, kind)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()
            self.outage = None

    def requests_to(self, route: str) -> list[Record]:
        with self.lock:
            return [r for r in self.requests if r.route == route]

    def max_per_second(self) -> int:
        """The most requests that arrived within any one-second window."""
        with self.lock:
            times = sorted(r.time for r in self.requests)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] >= 1.0:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    # --- serving ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        now = time.monotonic()
        path = request.path.removeprefix("/3") if request.path.startswith("/3/") else None
        route, params = None, {}
        if path is not None:
            for name, pattern in ROUTES:
                if m := pattern.match(path):
                    route, params = name, m.groupdict()
                    break
        record = Record(request.path, route, dict(request.query), now)
        with self.lock:
            self.requests.append(record)
            outage = self.outage if self.outage and self.outage.until > now else None
            fault = self._take_fault(route) if outage is None else None
        if outage is not None:
            record.fault = f"outage:{outage.kind}"
            if outage.kind == "drop":
                return await self._drop(request, record)
            record.status = 503
            return error(503, 9, "Service offline: the stand-in is in an outage.")
        if not self._authorised(request):
            record.status = 401
            return error(401, 7, "Invalid API key: You must be granted a valid key.")
        if route is None:
            with self.lock:
                self.unexpected.append(record)
            record.status = 404
            return error(404, 34, "The resource you requested could not be found.")
        if fault is not None:
            record.fault = fault.kind
            if fault.kind == "429":
                record.status = 429
                headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                resp = error(429, 25, "Your request count (#) is over the allowed limit of (40).")
                resp.headers.update(headers)
                return resp
            if fault.kind in ("500", "502", "503"):
                record.status = int(fault.kind)
                return error(record.status, 11, "Internal error: Something went wrong, contact TMDB.")
            if fault.kind == "delay":
                await asyncio.sleep(fault.delay)
            if fault.kind == "drop":
                return await self._drop(request, record)
        with self.lock:
            try:
                status, body = self._answer(route, params, request.query)
            except KeyError:
                status, body = 404, None
        record.status = status
        if body is None:
            return error(404, 34, "The resource you requested could not be found.")
        if status != 200:
            return web.json_response(body, status=status)
        if fault is not None and fault.kind == "invalid_json":
            return web.Response(text=json.dumps(body)[:-7], content_type="application/json")
        if fault is not None and fault.kind == "wrong_type":
            body = dict(body)
            body[fault.field] = "not-the-right-type" if not isinstance(body.get(fault.field), str) else 12345
        return web.json_response(body)

    async def _drop(self, request: web.Request, record: Record) -> web.StreamResponse:
        """Close the connection without answering: the client sees a connection error."""
        record.status = -1
        transport = request.transport
        if transport is not None:
            transport.abort()
        await asyncio.sleep(0.05)
        return web.Response(status=503)

    def _take_fault(self, route: str | None) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and (fault.route == "*" or fault.route == route):
                fault.times -= 1
                fault.hits += 1
                return fault
        return None

    def _authorised(self, request: web.Request) -> bool:
        auth = request.headers.get("Authorization", "")
        if auth:
            return auth == f"Bearer {TOKEN}"
        return request.query.get("api_key") == API_KEY

    def _answer(self, route: str, params: dict[str, str], query: Any) -> tuple[int, dict[str, Any] | None]:
        world = self.world
        appends = set(filter(None, query.get("append_to_response", "").split(",")))
        language = query.get("language", "en-US").split("-")[0]
        videos = {language, *filter(None, query.get("include_video_language", "").split(","))}
        if route == "/configuration":
            return 200, {
                "images": {
                    "base_url": "http://image.tmdb.org/t/p/",
                    "secure_base_url": "https://image.tmdb.org/t/p/",
                    "backdrop_sizes": ["w300", "w780", "w1280", "original"],
                    "logo_sizes": ["w45", "w92", "original"],
                    "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
                    "profile_sizes": ["w45", "w185", "original"],
                    "still_sizes": ["w92", "w185", "w300", "original"],
                },
                "change_keys": ["air_date", "episode", "season", "videos"],
            }
        if route == "/tv/{id}":
            show = world.shows[int(params["id"])]
            return 200, world.details(show, appends, videos)
        if route == "/tv/{id}/season/{n}":
            show = world.shows[int(params["id"])]
            season = next((s for s in show.seasons if s.number == int(params["n"])), None)
            if season is None:
                return 404, None
            return 200, world.season(show, season, appends, videos)
        page = _int(query.get("page"), 1)
        if page < 1 or page > self.max_pages:
            # TMDB's documented error 22: "Invalid page: Pages start at 1 and max at 500."
            return 400, {"success": False, "status_code": 22, "status_message": "Invalid page."}
        if route == "/tv/changes":
            return self._changes(query, page)
        if route == "/search/tv":
            needle = query.get("query", "").casefold()
            shows = [
                s
                for s in world.shows.values()
                if needle
                and (
                    needle in s.name.casefold()
                    or needle in s.original_name.casefold()
                    or any(needle in t.casefold() for _, t in s.alternative_titles)
                )
            ]
            shows.sort(key=lambda s: -s.popularity)
            return 200, self._page(shows, page, self.page_size)
        if route == "/discover/tv":
            return 200, self._page(self._discover(query), page, self.page_size)
        return 404, None

    def _discover(self, query: Any) -> list[Show]:
        country, lang = query.get("with_origin_country"), query.get("with_original_language")
        gte, lte = _day(query.get("first_air_date.gte")), _day(query.get("first_air_date.lte"))
        nulls = query.get("include_null_first_air_dates") == "true"
        shows = []
        for s in self.world.shows.values():
            if country and country not in s.origin_country:
                continue
            if lang and lang != s.original_language:
                continue
            first = s.first_air_date
            if first is None:
                if nulls:  # our reading of include_null_first_air_dates: nulls whatever the bounds
                    shows.append(s)
                continue
            if (gte and first < gte) or (lte and first > lte):
                continue
            shows.append(s)
        sort_by = query.get("sort_by", "popularity.desc")
        if sort_by == "first_air_date.asc":
            shows.sort(key=lambda s: (s.first_air_date is None, s.first_air_date or date.min, s.id))
        else:
            shows.sort(key=lambda s: (-s.popularity, s.id))
        return shows

    def _changes(self, query: Any, page: int) -> tuple[int, dict[str, Any]]:
        today = self.world.today
        end = _day(query.get("end_date")) or today
        start = _day(query.get("start_date")) or end - timedelta(days=1)
        if end - start > timedelta(days=CHANGES_MAX_DAYS):
            self.window_violations.append(self.requests[-1])
            # The reference gives no code for a window over 14 days; 400 with TMDB's 47 ("The
            # input is not valid") is our stand-in's answer.
            return 400, {"success": False, "status_code": 47, "status_message": "The input is not valid."}
        ids = list(dict.fromkeys(i for i, day in self.world.changes if start <= day <= end))
        results = [{"id": i, "adult": False} for i in ids]
        total_pages = max(1, -(-len(results) // CHANGES_PAGE_SIZE))
        chunk = results[(page - 1) * CHANGES_PAGE_SIZE : page * CHANGES_PAGE_SIZE]
        return 200, {
            "results": chunk,
            "page": page,
            "total_pages": total_pages,
            "total_results": len(results),
        }

    def _page(self, shows: list[Show], page: int, size: int) -> dict[str, Any]:
        total_pages = max(1, -(-len(shows) // size))
        chunk = shows[(page - 1) * size : page * size]
        return {
            "page": page,
            "results": [s.listed() for s in chunk],
            # Like TMDB, total_pages counts every match, even past the last page it will serve.
            "total_pages": total_pages,
            "total_results": len(shows),
        }


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return -1


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
