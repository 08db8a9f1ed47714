"""The TMDB sync: discover every Korean drama, then keep the catalog fresh from the changes feed.

A run reads TMDB (politely, through TmdbClient), maps each show, and hands it to the edit path
(kdrama/edits/sync.py), one show per transaction. A show TMDB answers wrongly (a malformed
body, a 404, a give-up after retries) is logged, counted as an error and skipped: nothing of it
is written. Only a configuration error (401: the token is wrong) stops a run. Each run is stored
(`sync_run`) with what it added, updated and the errors; an incremental run reads `/tv/changes`
since the start of the last finished run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kdrama.dates import utcnow
from kdrama.edits.sync import RemovedByCurator, ShowSync, resolve_similar, sync_show
from kdrama.errors import UserError
from kdrama.models import Actor
from kdrama.settings import Settings
from kdrama.store import Store
from kdrama.store.sync import RunStats
from kdrama.tmdb.errors import TmdbConfigError, TmdbError, TmdbNotFound
from kdrama.tmdb.identity import match
from kdrama.tmdb.mapping import TmdbEntry, map_show

if TYPE_CHECKING:
    from kdrama.tmdb.client import TmdbClient

log = logging.getLogger(__name__)

WORKERS = 6  # shows fetched at once; the client's limiter keeps the rate polite
FULL_AFTER_DAYS = 60  # an incremental run this long after the last one re-discovers instead


def client_from(settings: Settings) -> TmdbClient:
    """The TMDB client the settings describe (raises TmdbConfigError without a token)."""
    # Imported here: a bot without TMDB_TOKEN never loads the HTTP client and its retry library.
    from kdrama.tmdb.client import TmdbClient

    return TmdbClient(
        settings.tmdb_token.value,
        base_url=settings.tmdb_base_url,
        request_deadline=float(settings.tmdb_retry_seconds),
    )


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: int
    mode: str
    stats: RunStats
    ok: bool

    def summary(self) -> str:
        s = self.stats
        text = (
            f"TMDB sync ({self.mode}): {s.seen} show{'s' * (s.seen != 1)} read, {s.added} added, "
            f"{s.updated} updated, {s.unchanged} unchanged, {s.reviews} new for review, "
            f"{s.held} held for a curator, {s.errors} error{'s' * (s.errors != 1)}."
        )
        if s.held:
            text += " Held shows may be catalog shows: settle them in /admin sync review."
        if s.error_text:
            text += "\n" + "\n".join(f"  - {e}" for e in s.error_text[:10])
        return text


OnShow = Callable[[ShowSync], Awaitable[None]]


class Syncer:
    """Runs syncs against one client and one store; `on_show` hears of each show written."""

    def __init__(
        self,
        store: Store,
        client: TmdbClient,
        *,
        on_show: OnShow | None = None,
        workers: int = WORKERS,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.client = client
        self.on_show = on_show
        self.workers = workers
        self.now = now
        self._lock = asyncio.Lock()  # one run at a time (the background loop and /admin sync show)
        self._similar_pending: dict[int, tuple[int, ...]] = {}

    async def fetch(self, tmdb_id: int) -> TmdbEntry:
        """One show with every season's details, mapped into catalog terms."""
        images = await self.client.configuration()
        show = await self.client.show(tmdb_id)
        fetched_at = self.now()
        numbers = [s.number for s in show.seasons if s.number >= 1]
        details = await asyncio.gather(*(self.client.season(tmdb_id, n) for n in numbers))
        return map_show(
            show, fetched_at=fetched_at, images=images, seasons=dict(zip(numbers, details, strict=True))
        )

    async def _one(
        self,
        tmdb_id: int,
        stats: RunStats,
        show_id: int | None = None,
        *,
        found: bool = False,
        by_run: bool = False,
        linked_by: Actor | None = None,
    ) -> ShowSync | None:
        """Fetch and write one show; any failure of that show is logged and counted, never raised.

        `show_id` links that catalog show (`found`: the run found it unlinked, so it must still be).
        `by_run`: a run, not a curator, reads it, so a show a curator removed is not added back.
        `linked_by`: the curator who links `show_id`, recorded as their change.
        """
        stats.seen += 1
        try:
            entry = await self.fetch(tmdb_id)
            result = await sync_show(
                self.store,
                entry,
                show_id=show_id,
                unlinked_only=found,
                keep_removed_out=by_run,
                linked_by=linked_by,
            )
        except TmdbConfigError:
            raise
        except RemovedByCurator:
            log.info("TMDB show %d was removed by a curator during the run; not added back", tmdb_id)
            return None
        except TmdbNotFound:
            log.info("TMDB show %d is gone (404); skipped", tmdb_id)
            stats.error(f"TMDB {tmdb_id}: not found on TMDB")
            return None
        except (TmdbError, UserError) as e:
            log.warning("TMDB show %d skipped: %s", tmdb_id, e)
            stats.error(f"TMDB {tmdb_id}: {e}")
            return None
        except Exception as e:  # a bug must cost one show, not the run
            log.exception("TMDB show %d failed", tmdb_id)
            stats.error(f"TMDB {tmdb_id}: {type(e).__name__}: {e}")
            return None
        if result.added:
            stats.added += 1
        elif result.updated:
            stats.updated += 1
        else:
            stats.unchanged += 1
        stats.reviews += result.reviews
        if result.similar_pending:
            self._similar_pending[result.show_id] = result.similar_pending
        if self.on_show is not None and (result.change_ids or result.added or result.link_change):
            try:
                await self.on_show(result)
            except Exception:
                log.exception("after syncing TMDB show %d", tmdb_id)
        return result

    async def _many(
        self, ids: Iterable[int], stats: RunStats, found: Mapping[int, int] | None = None
    ) -> None:
        """Sync these TMDB shows; `found` maps those the catalog holds unlinked to their show."""
        found = found or {}
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in sorted(set(ids)):
            queue.put_nowait(i)

        async def worker() -> None:
            while not queue.empty():
                tmdb_id = queue.get_nowait()
                show_id = found.get(tmdb_id)
                await self._one(tmdb_id, stats, show_id, found=show_id is not None, by_run=True)

        await asyncio.gather(*(worker() for _ in range(max(1, self.workers))))
        # Recommendations read before their shows were added: link those that came in since.
        pending, self._similar_pending = self._similar_pending, {}
        for show_id, similar in pending.items():
            try:
                await resolve_similar(self.store, show_id, similar)
            except Exception:
                log.exception("resolving the similar shows of show %d", show_id)

    async def run(self, mode: str = "incremental") -> RunResult:
        """A full run (discover everything) or an incremental one (the changes feed since the last run)."""
        async with self._lock:
            if mode == "incremental":
                last = await self.store.sync.last_ok_catalog_run()
                started = last.started_at if last else None
                if started is None or self.now() - started > timedelta(days=FULL_AFTER_DAYS):
                    log.info("no recent TMDB sync to continue from; discovering everything")
                    mode = "full"
            run_id = await self.store.sync.start_run(mode)
            stats = RunStats()
            ok = False
            try:
                linked = await self.store.sync.links()
                removed = await self.store.sync.removed_ids()  # curators took them out: they stay out
                listed = await self.client.discover_all()
                # Korean dramas without a link: new ones, or the catalog's own shows (found, not added).
                matches = match(
                    (s for i, s in listed.items() if i not in linked and i not in removed),
                    await self.store.sync.unlinked_shows(),
                )
                ids = matches.new | set(matches.link)
                if mode == "full":
                    ids |= set(linked)
                else:
                    assert started is not None
                    changed = await self.client.changed_ids(started.date(), self.now().date())
                    ids |= changed & set(linked)
                # Held for a curator (/admin sync review), not errors; settled ones leave the list.
                await self.store.sync.replace_held(matches.held)
                stats.held = len(matches.held)
                for held in matches.held:
                    log.info("TMDB sync: held for a curator: %s", held.message())
                log.info("TMDB sync (%s): %d show(s) to read", mode, len(ids))
                await self._many(ids, stats, matches.link)
                ok = True
            except TmdbConfigError as e:
                stats.error(str(e))
                raise
            except TmdbError as e:
                log.warning("TMDB sync (%s) stopped: %s", mode, e)
                stats.error(f"the run stopped: {e}")
            finally:
                await self.store.sync.finish_run(run_id, stats, ok=ok)
            log.info("TMDB sync (%s) done: %s", mode, stats)
            return RunResult(run_id, mode, stats, ok)

    async def pull(
        self,
        tmdb_id: int,
        *,
        show_id: int | None = None,
        linked_by: Actor | None = None,
        unlinked_only: bool = False,
    ) -> tuple[RunResult, ShowSync | None]:
        """Sync one show now (linking `show_id` to `tmdb_id` when given), as a run of its own.

        `linked_by`: the curator linking it (the link is recorded as their change);
        `unlinked_only`: refuse if `show_id` is gone or linked elsewhere meanwhile.
        """
        async with self._lock:
            run_id = await self.store.sync.start_run("show")
            stats = RunStats()
            result: ShowSync | None = None
            try:
                result = await self._one(
                    tmdb_id, stats, show_id=show_id, found=unlinked_only, linked_by=linked_by
                )
                self._similar_pending.pop(result.show_id if result else -1, None)
                if result is not None and result.similar_pending:
                    await resolve_similar(self.store, result.show_id, result.similar_pending)
            finally:
                await self.store.sync.finish_run(run_id, stats, ok=result is not None)
            return RunResult(run_id, "show", stats, result is not None), result
