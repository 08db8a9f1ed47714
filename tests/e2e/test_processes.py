"""Several bot processes on one database file, and a write lock held by someone else.

Two real bot processes share one SQLite file, each serving one of two shards: what a curator
changes in one is offered by the other's autocomplete within seconds. A third connection
holding the write lock for 4 s makes no fan's lookup or autocomplete miss Discord's 3 s.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing

import pytest

from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn
from tests.standin.world import Channel, Guild, Member

pytestmark = pytest.mark.asyncio

DEADLINE = 3.0
NEW_SHOW = "Second Process Show 5521"
NEW_ALIAS = "Zebra Moon Quartet"


@pytest.fixture(scope="module")
def standin_server() -> Iterator[DiscordStandIn]:
    """Two shards: one bot process serves each."""
    with DiscordStandIn(shard_count=2) as server:
        yield server


@pytest.fixture(scope="module")
def guilds(standin_server: DiscordStandIn) -> tuple[Guild, Guild]:
    """A server on shard 0 (process A) and one on shard 1 (process B)."""
    return (
        standin_server.make_guild("Shard zero fans", shard=0, channels=("general",)),
        standin_server.make_guild("Shard one fans", shard=1, channels=("general",)),
    )


@pytest.fixture(scope="module")
def bots(
    standin_server: DiscordStandIn,
    guilds: tuple[Guild, Guild],
    bot_factory: Callable[..., BotProcess],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[BotProcess, BotProcess]]:
    """Process A (shard 0) and process B (shard 1) on one database file."""
    database = tmp_path_factory.mktemp("shared") / "kdrama.db"
    made = [
        bot_factory(
            script=REPO_ROOT / "bot.py",
            ready_marker="Drama bot ready",
            database=database,
            env={"SHARD_COUNT": "2", "SHARD_IDS": str(shard)},
            name=f"drama{shard}",
        )
        for shard in (0, 1)
    ]
    # The file is made (migrated, starter catalog) once, as a deployment would before scaling out.
    created = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bot.py"), "export", str(database.with_name("start.json"))],
        cwd=database.parent,
        env=made[0].environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    before = set(standin_server.sessions)
    for proc in made:
        proc.start(wait=False)
    for proc in made:
        proc.wait_ready(60, before)
    yield made[0], made[1]


def general(guild: Guild) -> Channel:
    return next(c for c in guild.channels.values() if c.name == "general")


async def offered(
    standin: DiscordStandIn, path: str, *, by: Member, at: Channel, **options: str
) -> list[str]:
    """The names an autocomplete offered, asserting it came in time."""
    handle = standin.autocomplete(path, by=by, at=at, **options)  # pyright: ignore[reportArgumentType]
    choices = await handle.choices(within=10)
    assert handle.elapsed is not None and handle.elapsed < DEADLINE, handle.elapsed
    return [c["name"] for c in choices]


async def until_offered(
    standin: DiscordStandIn, name: str, query: str, *, by: Member, at: Channel, within: float
) -> float:
    """Seconds until the title autocomplete offers `name` for `query` (fails after `within`)."""
    start = time.monotonic()
    while True:
        names = await offered(standin, "show", by=by, at=at, focused="title", title=query)
        if any(name in n for n in names):
            return time.monotonic() - start
        assert time.monotonic() - start < within, (
            f"{name!r} not offered for {query!r} after {within}s: {names}"
        )
        await asyncio.sleep(0.25)


async def test_a_show_added_or_edited_in_one_process_is_offered_by_the_other(
    standin: DiscordStandIn, bots: tuple[BotProcess, BotProcess], guilds: tuple[Guild, Guild]
) -> None:
    guild_a, guild_b = guilds
    owner_a, owner_b = standin.owner_member(guild_a), standin.owner_member(guild_b)
    fan_b = standin.plain_member(guild_b, "fan-b")
    before = await offered(
        standin, "show", by=fan_b, at=general(guild_b), focused="title", title="Second Process"
    )
    assert not any(NEW_SHOW in n for n in before)

    added = await standin.slash("admin show add", by=owner_a, at=general(guild_a), title=NEW_SHOW).reply(
        within=15
    )
    assert added.ephemeral and NEW_SHOW in added.content, added.content
    waited = await until_offered(standin, NEW_SHOW, "Second Process", by=fan_b, at=general(guild_b), within=5)
    answer = await standin.slash("show", by=fan_b, at=general(guild_b), title=NEW_SHOW).reply(within=10)
    assert not answer.ephemeral and answer.embeds[0]["title"].startswith(NEW_SHOW), answer.embeds

    # An edit in B reaches A the same way.
    aliased = await standin.slash(
        "admin show alias", by=owner_b, at=general(guild_b), title=NEW_SHOW, alias=NEW_ALIAS
    ).reply(within=15)
    assert aliased.ephemeral and NEW_ALIAS in aliased.content, aliased.content
    fan_a = standin.plain_member(guild_a, "fan-a")
    waited_edit = await until_offered(
        standin, NEW_SHOW, NEW_ALIAS[:10], by=fan_a, at=general(guild_a), within=5
    )
    print(f"offered by the other process after {waited:.2f}s (add) and {waited_edit:.2f}s (alias)")


async def test_a_write_lock_held_elsewhere_makes_no_lookup_miss_the_deadline(
    standin: DiscordStandIn, bots: tuple[BotProcess, BotProcess], guilds: tuple[Guild, Guild]
) -> None:
    _, guild_b = guilds
    _, bot_b = bots
    channel = general(guild_b)
    owner, fan = standin.owner_member(guild_b), standin.plain_member(guild_b, "fan-b")
    with closing(sqlite3.connect(bot_b.database, isolation_level=None, timeout=5)) as third:
        third.execute("BEGIN IMMEDIATE")
        locked_at = time.monotonic()
        # B's own write now waits on the lock (up to its 5 s busy timeout) ...
        edit = standin.slash("admin season add", by=owner, at=channel, title="all-of-us-are-dead", season=3)
        await asyncio.sleep(0.5)
        # ... while fans ask B.
        release = standin.slash("release", by=fan, at=channel, title="all-of-us-are-dead", season=2)
        seasons = await offered(
            standin, "release", by=fan, at=channel, focused="season", title="all-of-us-are-dead"
        )
        answer = await release.reply(within=10)
        await asyncio.sleep(max(0.0, 4.0 - (time.monotonic() - locked_at)))
        third.execute("ROLLBACK")
    assert any("Season 2" in s for s in seasons), seasons
    assert release.elapsed is not None and release.elapsed < DEADLINE, release.elapsed
    assert not answer.ephemeral and answer.embeds, answer.content
    # The edit waited for the lock, deferred in time, and went through once it was free.
    done = await edit.reply(within=10)
    assert edit.elapsed is not None and edit.elapsed < DEADLINE, edit.elapsed
    assert done.ephemeral and "season 3" in done.content.lower(), done.content
    print(
        f"under a 4 s lock: /release answered in {release.elapsed:.3f}s, the edit deferred in {edit.elapsed:.2f}s"
    )
