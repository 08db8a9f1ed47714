"""Operating the bot: who owns it, what its logs may hold, and a backup taken while it runs."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn, Reply
from tests.standin.world import Channel, Guild, Member

pytestmark = pytest.mark.asyncio

CURATORS_ONLY = "Only Drama bot curators can edit the catalog."
MARKER = "Backup Marker Show 4817"


@pytest.fixture(scope="module")
def extra_owner(standin_server: DiscordStandIn, guild: Guild) -> Member:
    """A member named in OWNER_IDS, who is not the application's owner."""
    return standin_server.plain_member(guild, "co-owner")


@pytest.fixture(scope="module")
def drama(guild: Guild, extra_owner: Member, bot_factory: Callable[..., BotProcess]) -> Iterator[BotProcess]:
    """The real bot with OWNER_IDS naming only the extra owner, logging at DEBUG."""
    proc = bot_factory(
        script=REPO_ROOT / "bot.py",
        ready_marker="Drama bot ready",
        owner_ids=[extra_owner.user.id],
        env={"LOG_LEVEL": "DEBUG"},
        name="drama",
    )
    proc.start()
    yield proc


def bot_cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python bot.py ARGS` with the bot's environment, from a folder with no .env."""
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "bot.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def run(standin: DiscordStandIn, path: str, *, by: Member, at: Channel, **options: object) -> Reply:
    reply = await standin.slash(path, by=by, at=at, **options).reply(within=15)
    assert reply.allowed_mentions == {"parse": []}
    return reply


async def test_owner_ids_add_to_the_applications_owner(
    standin: DiscordStandIn,
    drama: BotProcess,
    guild: Guild,
    extra_owner: Member,
    fan: Member,
    general: Channel,
) -> None:
    app_owner = standin.owner_member(guild)
    for who in (app_owner, extra_owner):
        listed = await run(standin, "admin curator list", by=who, at=general)
        assert listed.ephemeral
        assert listed.content.splitlines()[0] == (
            f"Owners (always curators): the application's owner or team, and <@{extra_owner.user.id}>"
        ), who.user.username
    refused = await run(standin, "admin curator list", by=fan, at=general)
    assert refused.ephemeral and refused.content == CURATORS_ONLY


async def test_debug_logs_hold_no_sql_parameters(
    standin: DiscordStandIn, drama: BotProcess, extra_owner: Member, general: Channel
) -> None:
    added = await run(standin, "admin show add", by=extra_owner, at=general, title=MARKER)
    assert added.ephemeral and MARKER in added.content
    log = drama.log_text()
    assert "DEBUG" in log  # the bot really logs at DEBUG
    assert MARKER in log  # the edit itself is logged, as an audit line
    # aiosqlite's DEBUG lines carry every statement's parameters: none may reach the log.
    leaked = [line for line in log.splitlines() if "aiosqlite" in line]
    assert not leaked, leaked[:3]


async def test_the_bot_runs_on_uvloop_where_it_is_installed(drama: BotProcess) -> None:
    """uvloop is a dependency on every platform but Windows: the running bot must be on it."""
    ready = [line for line in drama.log_text().splitlines() if "Drama bot ready" in line]
    expected = "asyncio" if sys.platform == "win32" else "uvloop"
    assert ready and ready[0].endswith(f"on {expected}'s event loop"), ready


async def test_backup_while_running_is_a_consistent_copy(drama: BotProcess, tmp_path: Path) -> None:
    # A writer in the middle of a transaction: the copy must not contain its row.
    with closing(sqlite3.connect(drama.database, isolation_level=None, timeout=10)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO curator (user_id, added_by, added_at) VALUES (1, NULL, '2026-11-30')")
        target = tmp_path / "copy.db"
        done = await asyncio.to_thread(bot_cli, drama.environment(), tmp_path, "backup", str(target))
        writer.execute("ROLLBACK")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Backed up {drama.database} to {target}."
    with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        titles = {row[0] for row in copy.execute("SELECT title FROM show")}
        assert MARKER in titles and "All of Us Are Dead" in titles
        assert copy.execute("SELECT count(*) FROM curator WHERE user_id = 1").fetchone() == (0,)


async def test_backup_without_a_database_says_so(tmp_path: Path, drama: BotProcess) -> None:
    env = {**drama.environment(), "DATABASE_PATH": str(tmp_path / "missing.db")}
    done = await asyncio.to_thread(bot_cli, env, tmp_path, "backup", str(tmp_path / "copy.db"))
    assert done.returncode == 1
    assert done.stderr.strip() == f"No database at {tmp_path / 'missing.db'} to back up."
    assert not (tmp_path / "missing.db").exists()
