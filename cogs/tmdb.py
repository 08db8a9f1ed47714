"""TMDB in the running bot: the background sync (when TMDB_TOKEN is set) and /about for everyone."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui import locale_of, send_reply
from kdrama import i18n, sync_render, version
from kdrama.dates import utcnow
from kdrama.edits.sync import ShowSync
from kdrama.tmdb.errors import TmdbConfigError
from kdrama.tmdb.sync import Syncer, client_from
from kdrama.watch.supervisor import supervise

if TYPE_CHECKING:
    from bot import DramaBot
    from kdrama.tmdb.client import TmdbClient

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 5.0


class Tmdb(commands.Cog):
    """Keeps the catalog fresh from TMDB in the background; owns the TMDB client."""

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot
        self.client: TmdbClient | None = None
        self.syncer: Syncer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # --- lifecycle -------------------------------------------------------------------------
    async def cog_load(self) -> None:
        settings = self.bot.settings
        if not settings.tmdb_token:
            log.info("no TMDB_TOKEN: the catalog is curated by hand only")
            return
        self._stopping = False
        self.client = client_from(settings)
        self.syncer = Syncer(self.bot.store, self.client, on_show=self._written)
        self._task = asyncio.create_task(self._run(), name="tmdb-sync")
        self._task.add_done_callback(self._log_end)

    async def cog_unload(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            _, late = await asyncio.wait([self._task], timeout=SHUTDOWN_GRACE)
            if late:
                log.error("the TMDB sync did not stop when asked")
            self._task = None
        if self.client is not None:
            await self.client.close()
            self.client = None

    def _log_end(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or self._stopping:
            return
        if task.exception() is not None:
            log.error("the TMDB sync stopped with an error", exc_info=task.exception())
        else:
            log.error("the TMDB sync stopped")

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        await supervise("the TMDB sync", self._sync_forever, stopping=lambda: self._stopping)

    async def _sync_forever(self) -> None:
        """Sync from the changes feed every TMDB_SYNC_INTERVAL; a restart waits out the rest of one."""
        assert self.syncer is not None
        interval = self.bot.settings.tmdb_sync_minutes * 60
        while not self._stopping:
            runs = await self.bot.store.sync.last_runs(1)
            last = runs[0].started_at if runs and runs[0].mode != "show" else None
            wait = interval - (utcnow() - last).total_seconds() if last else 0
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                result = await self.syncer.run("incremental")
                log.info("%s", result.summary())
            except TmdbConfigError as e:
                # Answering from SQLite goes on; the next interval tries again (the token may be fixed).
                log.error("TMDB refused the background sync: %s Fix TMDB_TOKEN.", e)
                await asyncio.sleep(interval)

    async def _written(self, result: ShowSync) -> None:
        """A show the sync wrote: refresh the search index; wake the deliveries for its notices."""
        catalog = self.bot.catalog
        await catalog.refresh_shows([result.show_id])  # its names, its people, the snapshot
        watch = self.bot.get_cog("Watch")
        engine = getattr(watch, "engine", None)
        if engine is not None and result.change_ids:
            engine.wake()

    # --- /about ----------------------------------------------------------------------------
    @app_commands.command(name="about", description="What this bot is and where its facts come from")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def about(self, interaction: discord.Interaction[DramaBot]) -> None:
        t = i18n.text(locale_of(interaction))
        await send_reply(
            interaction, sync_render.about_reply(version(), bool(self.bot.settings.tmdb_token), t)
        )


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(Tmdb(bot))
