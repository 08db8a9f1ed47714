"""Drama bot: run it, or ask it one question offline.

python bot.py                      run the bot (needs DISCORD_TOKEN)
python bot.py ask "/release title:All of Us Are Dead season:2"
python bot.py ask --locale ko "/release title:지금 우리 학교는 season:2"
python bot.py import FILE          merge a catalog file into the database
python bot.py export FILE          write the catalog to a file
python bot.py sync [--full]        bring in TMDB's Korean dramas (needs TMDB_TOKEN)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs import keystrokes
from cogs.translator import CommandTranslator
from cogs.ui import FAILED, send_privately
from kdrama import answers, edits, heap, i18n, render, search
from kdrama import catalog as catalog_file
from kdrama.errors import UserError
from kdrama.i18n import N_
from kdrama.lookup import Catalog
from kdrama.models import Actor
from kdrama.settings import Settings, SettingsError
from kdrama.store import Store, StoreError
from kdrama.tmdb.errors import TmdbConfigError
from kdrama.tmdb.sync import Syncer, client_from
from kdrama.watch.budget import RateBudget, bot_budget, shard_share

log = logging.getLogger("dramabot")
# The permissions a command asks of its user, as Discord's clients name them.
PERMISSION_NAMES = {
    "manage_channels": N_("Manage Channels"),
    "manage_guild": N_("Manage Server"),
}


# The extensions the bot loads (cogs/ui.py is their shared plumbing, not one of them).
COGS = ("cogs.admin", "cogs.follow", "cogs.lookup", "cogs.watch", "cogs.tmdb")
NO_TOKEN = """\
No DISCORD_TOKEN is set, so the bot can't log in.
  1. Create an application at https://discord.com/developers/applications, add a Bot, and
     copy its token (Bot > Reset Token).
  2. Put it in a file named .env next to bot.py:  DISCORD_TOKEN=your-token
     (see .env.example for the other settings).
  3. Run python bot.py again. To try the bot without Discord:
     python bot.py ask "/release title:All of Us Are Dead season:2"
"""


def user_error(error: BaseException) -> UserError | None:
    """The UserError behind an app-command error (a command's or a transformer's), if any."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, UserError):
            return seen
        seen = getattr(seen, "original", None) or seen.__cause__
    return None


# A pager turns (interaction, ids from the page key, page) into that page's Reply; an
# ephemeral Reply without embeds is a refusal, sent privately instead of editing the page.
Pager = Callable[["discord.Interaction[DramaBot]", list[int], int], Awaitable[render.Reply]]


class DramaTree(app_commands.CommandTree["DramaBot"]):
    """The one place app-command errors are logged and turned into a private sentence."""

    async def on_error(
        self, interaction: discord.Interaction[DramaBot], error: app_commands.AppCommandError
    ) -> None:
        t = i18n.text(interaction.locale.value)
        refused = user_error(error)
        if refused is not None:
            message = render.error_reply(t.error(refused)).content or ""
        elif isinstance(error, app_commands.MissingPermissions):
            perms = i18n.Phrases(
                tuple(
                    i18n.Phrase.of(PERMISSION_NAMES.get(p) or p.replace("_", " ").title())
                    for p in error.missing_permissions
                )
            )
            message = t.gettext(
                "You need the {permissions} permission to use this command.", permissions=perms
            )
        elif isinstance(error, app_commands.NoPrivateMessage):
            message = t.gettext("This command works in a server, not in direct messages.")
        elif isinstance(error, app_commands.CheckFailure):
            # A check's reason is an English message id (cogs mark them N_): translate it.
            message = t.gettext(str(error)) if str(error) else t.gettext("You can't use this command.")
        elif isinstance(error, app_commands.TransformerError):
            message = t.gettext(
                "I couldn't read {value} as a {kind}.", value=repr(error.value), kind=error.type.name.lower()
            )
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            message = t.gettext(FAILED)
        try:
            if interaction.response.is_done():
                # After a public defer too: its placeholder goes, the error stays private.
                await send_privately(
                    interaction, content=message, allowed_mentions=discord.AllowedMentions.none()
                )
            else:
                await interaction.response.send_message(
                    message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
                )
        except discord.HTTPException:
            log.warning(
                "could not tell the user about an error in /%s", getattr(interaction.command, "name", "?")
            )


class DramaBot(commands.AutoShardedBot):
    """The Discord client: references to the store and catalog it was given, and its rate budget."""

    def __init__(
        self, settings: Settings, store: Store, catalog: Catalog, *, budget: RateBudget | None = None
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # channels, roles and permissions for /watch; CHANNEL_DELETE, GUILD_DELETE
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=DramaTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,  # pyright: ignore[reportArgumentType]  (None is discord.py's own default)
        )
        self.settings = settings
        self.store = store
        self.catalog = catalog
        # Discord's global limit is per bot, not per process: every sender here (channel
        # posts, DMs) takes from this one, which is this process's share of the bot's.
        self.budget = budget or bot_budget(shard_share(settings.shard_count, settings.shard_ids))
        # Page buttons of paged replies, by kind ("cast", "history"); cogs register theirs
        # with cogs.ui.register_pager.
        self.pagers: dict[str, Pager] = {}

    async def is_owner(self, user: discord.abc.User, /) -> bool:
        """OWNER_IDS, in addition to the application's owner or team (never instead of them)."""
        if user.id in self.settings.owner_ids:
            return True
        return await super().is_owner(user)

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CommandTranslator())
        for name in COGS:
            await self.load_extension(name)
        keystrokes.install(self)
        await self.sync_commands()

    async def sync_commands(self, *, force: bool = False) -> None:
        """Sync to DEV_GUILD_ID only when set; globally only when the tree changed (or forced)."""
        if self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            # Only global commands reach user installs: say so, or /follow in DMs looks broken.
            log.info(
                "synced %d commands to the dev guild %s only (user installs see none of them)",
                len(synced),
                guild.id,
            )
            return
        payload = await self.command_payload()
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        if not force and await self.store.get_meta("command_tree_hash") == digest:
            log.info("command tree unchanged since the last sync; not syncing")
            return
        synced = await self.tree.sync()
        await self.store.set_meta("command_tree_hash", digest)
        log.info("synced %d global commands", len(synced))

    async def command_payload(self) -> list[dict[str, Any]]:
        """The global commands as a sync sends them, translations included."""
        translator = self.tree.translator
        if translator is None:
            return [c.to_dict(self.tree) for c in self.tree.get_commands()]
        return [await c.get_translated_payload(self.tree, translator) for c in self.tree.get_commands()]

    async def on_ready(self) -> None:
        assert self.user is not None
        await self.catalog.loaded()  # ready means answering: the index was built meanwhile
        search.load_fuzzy()  # the first typo would pay for the import (bench/bench_latency.py)
        self.catalog.keep_first_keystrokes_ready()
        # What is loaded now lives as long as the bot: out of the collector's sight, a full
        # collection no longer walks every show's objects (35-44 ms in some fan's answer,
        # bench/bench_latency.py). In the bot, not the catalog: it is the process's choice.
        gc.freeze()
        log.info(
            "Drama bot ready: logged in as %s (%s), %d guilds, %d shards, on %s's event loop",
            self.user,
            self.user.id,
            len(self.guilds),
            self.shard_count or 1,
            type(asyncio.get_running_loop()).__module__.partition(".")[0],
        )


# --- command line ----------------------------------------------------------------------------


def setup_logging(level: str) -> None:
    discord.utils.setup_logging(level=getattr(logging, level), root=True)
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    logging.getLogger("discord.gateway").setLevel(logging.WARNING)
    # aiosqlite's DEBUG lines print every statement with its parameters: what users typed,
    # ids, whole catalog rows. Even at LOG_LEVEL=DEBUG they stay out of the log.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)


async def open_store(settings: Settings) -> Store:
    store = await Store.open(settings.database_path)
    try:
        report = await edits.load_starter_if_empty(store)
    except BaseException:
        # The connection's thread would keep the process alive after the error.
        await store.close()
        raise
    if report is not None:
        log.info("new database: %s", report.summary())
    return store


async def run(settings: Settings) -> int:
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    heap.return_large_frees()  # before the catalog loads: kdrama/heap.py says why
    async with await open_store(settings) as store:
        # Built while the bot logs in and connects, which is mostly waiting on Discord.
        catalog = Catalog.loading(store)
        bot = DramaBot(settings, store, catalog)
        loop = asyncio.get_running_loop()
        stopping: list[asyncio.Task[None]] = []

        def stop(signame: str) -> None:
            log.info("%s received: shutting down", signame)
            if not stopping:
                stopping.append(loop.create_task(bot.close()))

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop, sig.name)
        try:
            async with bot:
                await bot.start(settings.token.value)
        except discord.LoginFailure:
            print(
                "Discord refused the token in DISCORD_TOKEN: reset it in the developer portal "
                "and put the new one in .env.",
                file=sys.stderr,
            )
            return 2
        finally:
            if stopping:
                await stopping[0]
        log.info("stopped cleanly")
    return 0


async def ask(settings: Settings, question: str, locale: str = i18n.ENGLISH) -> int:
    async with await open_store(settings) as store:
        catalog = await Catalog.load(store)
        try:
            reply = await answers.ask(catalog, question, locale=locale)
        except UserError as e:
            reply = render.error_reply(i18n.text(locale).error(e))
    print(render.to_text(reply, locale=locale))
    return 1 if reply.ephemeral else 0


async def import_file(settings: Settings, path: Path) -> int:
    try:
        shows = catalog_file.load_file(path, trailer_hosts=settings.trailer_hosts)
    except catalog_file.CatalogError as e:
        print(f"Nothing imported: {e}", file=sys.stderr)
        return 1
    async with await Store.open(settings.database_path) as store:
        try:
            report = await edits.import_shows(store, shows, actor=Actor(None, f"import of {path.name}"))
        except catalog_file.CatalogError as e:
            print(f"Nothing imported: {e}", file=sys.stderr)
            return 1
    print(report.summary())
    return 0


async def sync_tmdb(settings: Settings, *, full: bool) -> int:
    if not settings.tmdb_token:
        print(
            "No TMDB_TOKEN is set: get an API Read Access Token at https://www.themoviedb.org/settings/api "
            "and put it in .env as TMDB_TOKEN=...",
            file=sys.stderr,
        )
        return 2
    async with await open_store(settings) as store, client_from(settings) as tmdb:
        try:
            result = await Syncer(store, tmdb).run("full" if full else "incremental")
        except TmdbConfigError as e:
            print(f"TMDB refused the request: {e} Check TMDB_TOKEN in .env.", file=sys.stderr)
            return 2
    print(result.summary())
    print("This product uses the TMDB API but is not endorsed or certified by TMDB.")
    return 0 if result.ok else 1


async def export_file(settings: Settings, path: Path) -> int:
    async with await open_store(settings) as store:
        data = await catalog_file.export_catalog(store)
    await asyncio.to_thread(path.write_text, catalog_file.dumps(data), encoding="utf-8")
    print(f"Exported {len(data['shows'])} shows to {path}.")
    return 0


async def backup_file(settings: Settings, path: Path) -> int:
    if not await asyncio.to_thread(os.path.exists, settings.database_path):
        print(f"No database at {settings.database_path} to back up.", file=sys.stderr)
        return 1
    async with await Store.open(settings.database_path) as store:
        try:
            await store.backup(path)
        except (StoreError, OSError) as e:
            print(f"No backup written: {e}", file=sys.stderr)
            return 1
    print(f"Backed up {settings.database_path} to {path}.")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py", description="Drama bot: K-drama release dates, cast and trailers."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    p = sub.add_parser("ask", help="answer one lookup command offline, as text")
    p.add_argument("question", help='e.g. "/release title:All of Us Are Dead season:2"')
    p.add_argument(
        "--locale",
        default=i18n.ENGLISH,
        help="answer in this Discord locale, e.g. ko (default: en; unsupported ones answer in English)",
    )
    p = sub.add_parser("import", help="merge a catalog JSON file into the database")
    p.add_argument("file", type=Path)
    p = sub.add_parser("export", help="write the catalog to a JSON file")
    p.add_argument("file", type=Path)
    p = sub.add_parser(
        "sync", help="bring in TMDB's Korean dramas: new ones, and changes since the last sync"
    )
    p.add_argument("--full", action="store_true", help="re-read every show instead of the changes feed")
    p = sub.add_parser("backup", help="copy the live database to FILE, consistently, while the bot runs")
    p.add_argument("file", type=Path)
    return parser.parse_args(argv)


def run_loop(command: Coroutine[Any, Any, int]) -> int:
    """Run `command` to the end on uvloop where it is installed, else on asyncio's own loop.

    uvloop (libuv) moves the gateway's frames and the HTTP callbacks through the kernel in
    less of the bot's time: in bench/bench_latency.py the answers' median came down by about
    0.1 ms (README, Performance). It is a dependency everywhere but Windows, which it does
    not support.
    """
    try:
        import uvloop
    except ImportError:
        return asyncio.run(command)
    return uvloop.run(command)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        print(f"Settings: {e}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level if args.command in (None, "run", "sync") else "WARNING")
    command: Any
    match args.command:
        case "ask":
            command = ask(settings, args.question, args.locale)
        case "import":
            command = import_file(settings, args.file)
        case "export":
            command = export_file(settings, args.file)
        case "backup":
            command = backup_file(settings, args.file)
        case "sync":
            command = sync_tmdb(settings, full=args.full)
        case _:
            command = run(settings)
    try:
        return run_loop(command)
    except (UserError, StoreError) as e:
        print(f"Drama bot stopped: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
