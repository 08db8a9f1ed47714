"""One bot as two processes (SHARD_COUNT=2, one shard each) on one database file.

Discord's global limit (50 requests/s) counts per bot token, not per process: a fan-out that
both processes deliver at once must stay under it together, with no 429 at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kdrama.models import ALL_EVENTS
from kdrama.store import Store, utcnow
from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn
from tests.standin.server import GLOBAL_LIMIT
from tests.standin.world import Channel, Guild

pytestmark = pytest.mark.asyncio

AOUAD = "all-of-us-are-dead"
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
PER_SHARD = 150  # channels on each shard: 300 in all
POST = "POST /channels/{channel_id}/messages"


@pytest.fixture(scope="module")
def standin_server() -> Iterator[DiscordStandIn]:
    """A stand-in with two shards, so each process runs one of them."""
    with DiscordStandIn(shard_count=2) as server:
        yield server


@pytest.fixture(scope="module")
def servers(standin_server: DiscordStandIn) -> list[Guild]:
    """A big server on each shard, made before the bots connect."""
    return [
        standin_server.make_guild(
            f"Fans on shard {s}", shard=s, channels=tuple(f"news-{i:03d}" for i in range(PER_SHARD))
        )
        for s in (0, 1)
    ]


def shard_process(bot_factory: Callable[..., BotProcess], shard: int, database: Path | None) -> BotProcess:
    return bot_factory(
        script=REPO_ROOT / "bot.py",
        ready_marker="Drama bot ready",
        require_sync=database is None,  # the first syncs; the second finds the tree's hash stored
        name=f"drama-shard{shard}",
        database=database,
        env={"SHARD_COUNT": "2", "SHARD_IDS": str(shard)},
    )


@pytest.fixture(scope="module")
def processes(servers: list[Guild], bot_factory: Callable[..., BotProcess]) -> list[BotProcess]:
    first = shard_process(bot_factory, 0, None).start(timeout=60)
    second = shard_process(bot_factory, 1, first.database).start(timeout=60)
    return [first, second]


async def subscribe_everywhere(database: Path, channels: list[Channel]) -> None:
    """Every channel follows every show (as /watch add would write it)."""
    async with await Store.open(database) as store:
        for ch in channels:
            assert ch.guild_id is not None
            await store.subscriptions.add(
                guild_id=ch.guild_id, channel_id=ch.id, show_id=None, events=ALL_EVENTS, role_id=None,
                created_by=1, resend_since=utcnow(), now=utcnow(),
            )  # fmt: skip


def busiest_second(times: list[float]) -> int:
    """The most requests that arrived within any one second."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_two_processes_share_the_global_limit(
    standin: DiscordStandIn, processes: list[BotProcess], servers: list[Guild]
) -> None:
    channels = [ch for g in servers for ch in g.channels.values()]
    await subscribe_everywhere(processes[0].database, channels)
    owner = standin.owner_member(servers[0])
    with standin.lock:
        first = len(standin.requests)
    standin.enforce_global_limit = True
    reply = await standin.slash(
        "admin season status",
        by=owner,
        at=channels[0],
        title=AOUAD,
        season=2,
        status="renewed",
        source=NETFLIX,
    ).reply(within=10)
    assert reply.content.startswith("**Change #"), reply.content
    for ch in channels:
        await standin.wait_channel_messages(ch, 1, within=60)
    with standin.lock:
        requests = standin.requests[first:]
    posts = [r for r in requests if r.route == POST]
    by_process = {g.name: sum(1 for r in posts if int(r.params["channel_id"]) in g.channels) for g in servers}
    print(
        f"busiest second: {busiest_second([r.time for r in requests])} requests; posts by server {by_process}"
    )
    assert [r.status for r in requests if r.status == 429] == []
    assert standin.global_limit_violations == 0
    assert busiest_second([r.time for r in requests]) <= GLOBAL_LIMIT
    assert all(len(standin.channel_messages(ch)) == 1 for ch in channels)


async def test_a_process_keeps_its_pace_when_the_other_dies(
    standin: DiscordStandIn, processes: list[BotProcess], servers: list[Guild]
) -> None:
    mine, theirs = (list(g.channels.values()) for g in servers)
    assert processes[1].kill() != 0  # shard 1's process dies: no word to shard 0's
    standin.enforce_global_limit = True
    with standin.lock:
        first = len(standin.requests)
    reply = await standin.slash(
        "admin season status", by=standin.owner_member(servers[0]), at=mine[0], title=AOUAD, season=2,
        status="filming", source=NETFLIX,
    ).reply(within=10)  # fmt: skip
    assert reply.content.startswith("**Change #"), reply.content
    for ch in mine:
        await standin.wait_channel_messages(ch, 2, within=30)
    with standin.lock:
        times = sorted(r.time for r in standin.requests[first:] if r.route == POST)
    rate = (len(times) - 1) / (times[-1] - times[0])
    print(f"shard 0 alone: {rate:.1f} messages/s")
    assert 18 <= rate <= 25  # its own share (22.5/s), neither stalled nor grown into the dead one's
    assert all(len(standin.channel_messages(ch)) == 1 for ch in theirs)  # shard 1's news waits
    processes[1].start(timeout=60)
    for ch in theirs:
        await standin.wait_channel_messages(ch, 2, within=30)
    await asyncio.sleep(2)  # time for anything posted twice to show
    assert standin.global_limit_violations == 0
    assert all(len(standin.channel_messages(ch)) == 2 for ch in mine + theirs)
