"""A polite TMDB API v3 client: at most ~20 requests/s, 429s and 5xx retried, typed answers.

Every request goes through one limiter (aiolimiter: one request per 1/18 s by default, no burst
above it), waits out a 429's Retry-After for every request at once, and retries
5xx, timeouts and connection errors with exponential backoff and full jitter (tenacity) until a
total time per request runs out. 401 and 404 are never retried; a body of the wrong shape raises
TmdbMalformed so the caller can log and skip that show.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Mapping
from datetime import date, timedelta
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_before_delay

from kdrama.tmdb.errors import (
    TmdbConfigError,
    TmdbError,
    TmdbMalformed,
    TmdbNotFound,
    TmdbUnavailable,
)
from kdrama.tmdb.models import (
    ImageConfig,
    ListedShow,
    SeasonDetail,
    ShowPage,
    TvShow,
    loads,
    parse_changes_page,
    parse_configuration,
    parse_season,
    parse_show,
    parse_show_page,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
MAX_PAGES = 500  # discover and search answer at most 500 pages
CHANGES_MAX_DAYS = 14  # /tv/changes takes windows of at most 14 days
SHOW_APPENDS = "aggregate_credits,videos,alternative_titles,watch/providers,recommendations,external_ids"
SEASON_APPENDS = "aggregate_credits,videos"
# Videos are filtered by `language` unless include_video_language widens it; Korean dramas'
# official trailers are tagged ko (broadcasters) or en (global streamers).
VIDEO_LANGUAGES = "ko,en"
# Discover leaves out shows without a first air date unless include_null_first_air_dates is set.
# The reference does not say how it combines with date bounds; we ask for the nulls in a slice
# that matches no dated Korean show (first aired on or before 1900-01-01).
DISCOVER_FIRST_DAY = date(1900, 1, 2)
DISCOVER_LAST_DAY = date(2100, 12, 31)
# Paced at 18/s, not 20: a request's send can slip behind its turn (a busy event loop), and the
# next then follows closely; the margin keeps TMDB from seeing more than 20 in any second.
DEFAULT_RATE = 18.0
_V3_KEY = re.compile(r"^[0-9a-fA-F]{32}$")


def is_v3_key(token: str) -> bool:
    """A v3 API key is 32 hex digits; anything else is taken as a v4 read-access token (a JWT)."""
    return bool(_V3_KEY.match(token))


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None  # an HTTP date: the backoff decides instead


class TmdbClient:
    """TMDB API v3 over one aiohttp session; use `async with TmdbClient(token) as tmdb`."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        rate: float = DEFAULT_RATE,
        attempt_timeout: float = 10.0,
        request_deadline: float = 60.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_pages: int = MAX_PAGES,
    ) -> None:
        if not token:
            raise TmdbConfigError("TMDB_TOKEN is empty.")
        self.base_url = base_url.rstrip("/")
        self._v3 = is_v3_key(token)
        self._token = token
        self._limiter = AsyncLimiter(1, 1 / rate)
        self._attempt_timeout = attempt_timeout
        self._deadline = request_deadline
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self.max_pages = max_pages
        self._pause_until = 0.0  # monotonic; a 429's Retry-After holds every request
        self._session: aiohttp.ClientSession | None = None
        self._images: ImageConfig | None = None
        self.requests_made = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"Accept": "application/json"}
            if not self._v3:
                headers["Authorization"] = f"Bearer {self._token}"
            self._session = aiohttp.ClientSession(
                headers=headers, timeout=aiohttp.ClientTimeout(total=self._attempt_timeout)
            )
        return self._session

    # --- transport -----------------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after
        ceiling = min(self._backoff_max, self._backoff_base * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)  # full jitter

    async def get(self, path: str, params: Mapping[str, str | int] | None = None) -> dict[str, Any]:
        """GET a path under the base URL as a JSON object, retried politely; raise TmdbError."""
        query = {k: str(v) for k, v in (params or {}).items()}
        if self._v3:
            query["api_key"] = self._token
        url = self.base_url + path
        try:
            async for attempt in AsyncRetrying(
                stop=stop_before_delay(self._deadline),
                wait=self._wait,
                retry=retry_if_exception_type(_Retryable),
                reraise=True,
            ):
                with attempt:
                    return await self._once(url, path, query)
        except _Retryable as e:
            raise TmdbUnavailable(f"GET {path}: gave up after {self._deadline:.0f} s: {e}") from e
        raise AssertionError("unreachable")  # AsyncRetrying either returns or raises

    async def _once(self, url: str, path: str, query: dict[str, str]) -> dict[str, Any]:
        while True:
            pause = self._pause_until - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            await self._limiter.acquire()
            # A 429 that arrived while we queued holds us too; then queue again, paced.
            if self._pause_until <= time.monotonic():
                break
        self.requests_made += 1
        try:
            async with self._get_session().get(url, params=query) as resp:
                body = await resp.read()
                status = resp.status
                retry_after = _retry_after(resp.headers) if status == 429 else None
        except (aiohttp.ClientError, TimeoutError) as e:
            log.info("TMDB GET %s failed: %r; retrying", path, e)
            raise _Retryable(f"{type(e).__name__}: {e}") from e
        if status == 200:
            return loads(body, f"GET {path}")
        message = _status_message(body)
        if status == 401:
            raise TmdbConfigError(
                f"TMDB refused the token (401{message}). Check TMDB_TOKEN: an API read-access "
                "token or a v3 API key from themoviedb.org > Settings > API."
            )
        if status == 404:
            raise TmdbNotFound(f"GET {path}: not found on TMDB (404{message}).")
        if status == 429:
            wait = retry_after if retry_after is not None else 1.0
            self._pause_until = max(self._pause_until, time.monotonic() + wait)
            log.warning("TMDB asked us to slow down (429); waiting %.1f s", wait)
            raise _Retryable(f"429{message}", retry_after)
        if status >= 500:
            log.info("TMDB GET %s answered %d; retrying", path, status)
            raise _Retryable(f"{status}{message}")
        raise TmdbError(f"GET {path}: TMDB answered {status}{message}.")

    # --- endpoints ----------------------------------------------------------------------------

    async def configuration(self) -> ImageConfig:
        """The image base URL and poster sizes (fetched once per client)."""
        if self._images is None:
            self._images = parse_configuration(await self.get("/configuration"))
        return self._images

    async def show(self, tmdb_id: int) -> TvShow:
        """One show with everything the catalog uses appended."""
        data = await self.get(
            f"/tv/{tmdb_id}",
            {
                "append_to_response": SHOW_APPENDS,
                "include_video_language": VIDEO_LANGUAGES,
                "language": "en-US",
            },
        )
        show = parse_show(data)
        if show.id != tmdb_id:
            raise TmdbMalformed(f"GET /tv/{tmdb_id}: the body is show {show.id}")
        return show

    async def season(self, tmdb_id: int, number: int) -> SeasonDetail:
        """One season with its aggregate cast and videos."""
        data = await self.get(
            f"/tv/{tmdb_id}/season/{number}",
            {
                "append_to_response": SEASON_APPENDS,
                "include_video_language": VIDEO_LANGUAGES,
                "language": "en-US",
            },
        )
        season = parse_season(data)
        if season.number != number:
            raise TmdbMalformed(f"GET /tv/{tmdb_id}/season/{number}: the body is season {season.number}")
        return season

    async def search(self, query: str, page: int = 1) -> ShowPage:
        """`/search/tv`: shows whose titles match `query`."""
        data = await self.get("/search/tv", {"query": query, "page": page, "language": "en-US"})
        return parse_show_page(data, "search")

    async def discover_page(
        self, page: int, *, first: date | None = None, last: date | None = None, nulls: bool = False
    ) -> ShowPage:
        """One page of Korean dramas first aired between `first` and `last` (inclusive)."""
        params: dict[str, str | int] = {
            "with_origin_country": "KR",
            "with_original_language": "ko",
            # Oldest first: popularity shifts during a long crawl and would reorder the pages.
            "sort_by": "first_air_date.asc",
            "include_null_first_air_dates": "true" if nulls else "false",
            "language": "en-US",
            "page": page,
        }
        if first is not None:
            params["first_air_date.gte"] = first.isoformat()
        if last is not None:
            params["first_air_date.lte"] = last.isoformat()
        return parse_show_page(await self.get("/discover/tv", params), "discover")

    async def discover_all(
        self, first: date = DISCOVER_FIRST_DAY, last: date = DISCOVER_LAST_DAY
    ) -> dict[int, ListedShow]:
        """Every Korean drama on TMDB, by id: date ranges are halved until each fits in 500 pages."""
        found: dict[int, ListedShow] = {}
        await self._discover_range(first, last, found)
        # Shows with no first air date yet (planned dramas), which date bounds leave out.
        await self._discover_slice(found, last=first - timedelta(days=1), nulls=True)
        return found

    async def _discover_range(self, first: date, last: date, found: dict[int, ListedShow]) -> None:
        head = await self.discover_page(1, first=first, last=last)
        if head.total_pages > self.max_pages and first < last:
            middle = first + (last - first) // 2
            await self._discover_range(first, middle, found)
            await self._discover_range(middle + timedelta(days=1), last, found)
            return
        await self._discover_slice(found, first=first, last=last, head=head)

    async def _discover_slice(
        self,
        found: dict[int, ListedShow],
        *,
        first: date | None = None,
        last: date | None = None,
        nulls: bool = False,
        head: ShowPage | None = None,
    ) -> None:
        if head is None:
            head = await self.discover_page(1, first=first, last=last, nulls=nulls)
        if head.total_pages > self.max_pages:
            log.warning(
                "TMDB discover %s..%s has %d pages; only the first %d can be read",
                first,
                last,
                head.total_pages,
                self.max_pages,
            )
        rest = await asyncio.gather(
            *(
                self.discover_page(n, first=first, last=last, nulls=nulls)
                for n in range(2, min(head.total_pages, self.max_pages) + 1)
            )
        )
        pages = [head, *rest]
        for page in pages:
            for show in page.results:
                found.setdefault(show.id, show)

    async def changed_ids(self, start: date, end: date) -> set[int]:
        """Ids of TV shows changed from `start` to `end`, in windows of at most 14 days."""
        if end < start:
            raise ValueError("end is before start")
        ids: set[int] = set()
        window_start = start
        while True:
            window_end = min(window_start + timedelta(days=CHANGES_MAX_DAYS), end)
            await self._changes_window(window_start, window_end, ids)
            if window_end >= end:
                return ids
            # Windows share their boundary day: whether end_date is inclusive is not documented.
            window_start = window_end

    async def _changes_window(self, start: date, end: date, ids: set[int]) -> None:
        async def page(n: int) -> Any:
            params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "page": n}
            return parse_changes_page(await self.get("/tv/changes", params))

        head = await page(1)
        if head.total_pages > self.max_pages and (end - start).days > 1:
            middle = start + (end - start) // 2
            await self._changes_window(start, middle, ids)
            await self._changes_window(middle, end, ids)
            return
        rest = await asyncio.gather(*(page(n) for n in range(2, min(head.total_pages, self.max_pages) + 1)))
        for p in [head, *rest]:
            ids.update(p.ids)


def _status_message(body: bytes) -> str:
    """`, status_code N: message` from a TMDB error body, or "" when it has none."""
    try:
        data = loads(body, "error")
    except TmdbMalformed:
        return ""
    code, message = data.get("status_code"), data.get("status_message")
    if isinstance(code, int) and isinstance(message, str):
        return f", status_code {code}: {message}"
    return ""
