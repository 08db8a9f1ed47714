"""Fan-out: one catalog change announced in 2,000 subscribed channels under Discord's limit.

    python bench/bench_fanout.py [--channels 2000] [--processes 1] [--shows 10000] [--seed 7]
                                 [--fresh] [--keep]

The real bot runs on a copy of a database filled by `bot.py import` (10,000 shows), with
`channels` subscriptions to one show written into its `subscription` table before it
starts (40 servers of 50 channels; the bot can view, send and embed in each). The
stand-in enforces Discord's global limit of 50 requests/s (a 429 for each request over it).
The application's owner then changes that show's season status with /admin season status,
as a curator would, and the benchmark waits until every channel has its notice, then a
few seconds more for late duplicates. Figures: messages/s sustained (from the first post
to the last), channels without a notice (lost) and with more than one (duplicates), and
the share of the bot's requests answered 429. Discord's 50/s is the ceiling; the ratio is
messages/s over it. With `--processes N` the bot runs as N processes on one database file,
one shard each (SHARD_COUNT=N, SHARD_IDS=i), the servers spread over the shards: Discord's
limit is per bot, so the figure that matters is then the busiest second of requests from
all of them together, which must stay at or under 50, with no 429. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import BOT, DRAMA_READY, World, drama_process, prepared_database, workspace  # noqa: E402
from kdrama.models import ALL_EVENTS  # noqa: E402
from tests.standin.process import BotProcess  # noqa: E402
from tests.standin.scenario import DiscordStandIn  # noqa: E402
from tests.standin.server import GLOBAL_LIMIT  # noqa: E402
from tests.standin.world import Channel, Guild  # noqa: E402

TARGET_MSG_S = 45.0
TARGET_LOST = 0
TARGET_DUPLICATES = 0
TARGET_429_SHARE = 0.01
PER_GUILD = 50
SETTLE_S = 5.0  # after the last notice, how long to watch for duplicates
POST = "POST /channels/{channel_id}/messages"


def pick_show(database: Path) -> tuple[str, int, str, str]:
    """(slug, season, current status, new status) of a show with a season to change."""
    with sqlite3.connect(database) as db:
        slug, number, status = db.execute(
            "SELECT s.slug, x.number, x.status FROM show s JOIN season x ON x.show_id = s.id "
            "WHERE x.status = 'unconfirmed' ORDER BY s.id LIMIT 1"
        ).fetchone()
    return slug, number, status, "renewed"


def subscribe(database: Path, slug: str, channels: list[Channel], owner_id: int) -> None:
    """Write one subscription per channel (all events), as /watch add would have."""
    events = ",".join(sorted(e.value for e in ALL_EVENTS))
    now = datetime.now(UTC).isoformat()
    with sqlite3.connect(database) as db:
        (show_id,) = db.execute("SELECT id FROM show WHERE slug = ?", (slug,)).fetchone()
        db.executemany(
            "INSERT INTO subscription (guild_id, channel_id, show_id, events, role_id, created_by, "
            "created_at) VALUES (?, ?, ?, ?, NULL, ?, ?)",
            [(ch.guild_id, ch.id, show_id, events, owner_id, now) for ch in channels],
        )


async def change_and_wait(
    standin: DiscordStandIn, admin_guild: Guild, admin_channel: Channel, channels: list[Channel],
    slug: str, season: int, status: str, within: float,
) -> dict[str, Any]:  # fmt: skip
    """Run /admin season status as the owner; wait for a notice in every channel."""
    owner = standin.owner_member(admin_guild)
    started = time.monotonic()
    with standin.lock:
        first_request = len(standin.requests)
    handle = standin.slash(
        "admin season status", by=owner, at=admin_channel, title=slug, season=season,
        status=status, source="https://example.com/bench-fanout",
    )  # fmt: skip
    reply = await handle.reply(within=30)
    ids = {ch.id for ch in channels}

    def delivered() -> int:
        return sum(1 for ch in channels if standin.channel_posts.get(ch.id))

    deadline = started + within
    while time.monotonic() < deadline:
        with standin.lock:
            if delivered() == len(ids):
                break
        await asyncio.sleep(0.2)
    done_at = time.monotonic()
    await asyncio.sleep(SETTLE_S)
    with standin.lock:
        requests = standin.requests[first_request:]
        per_channel = {ch.id: len(standin.channel_posts.get(ch.id, [])) for ch in channels}
        posts = sorted(
            r.time
            for r in requests
            if r.route == POST and r.status == 200 and int(r.params["channel_id"]) in ids
        )
        statuses = [r.status for r in requests]
        times = [r.time for r in requests]
    return {
        "busiest_second": busiest_second(times),
        "reply": reply.content,
        "wait_s": done_at - started,
        "per_channel": per_channel,
        "posts": posts,
        "statuses": statuses,
        "violations": standin.global_limit_violations,
    }


def busiest_second(times: list[float]) -> int:
    """The most requests that arrived at the stand-in within any one second."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures as one JSON object."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--channels", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=1, help="run the bot as N processes, a shard each")
    parser.add_argument("--shows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="import the catalog again")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (bot log)")
    args = parser.parse_args(argv)

    database = prepared_database(args.shows, args.seed, fresh=args.fresh)
    slug, season, before, after = pick_show(database)
    sharded = args.processes > 1
    standin = DiscordStandIn(shard_count=args.processes).start()
    try:
        guilds = [
            standin.make_guild(
                f"Fans {g}",
                shard=g % args.processes if sharded else None,
                channels=tuple(f"news-{i}" for i in range(PER_GUILD)),
            )
            for g in range(-(-args.channels // PER_GUILD))
        ]
        channels = [ch for g in guilds for ch in g.channels.values()][: args.channels]
        admin_channel = standin.make_channel(guilds[0], "curators")
        with workspace(args.keep) as work:
            env = {"SHARD_COUNT": str(args.processes), "SHARD_IDS": "0"} if sharded else None
            first = drama_process_with_subscriptions(standin, work, database, slug, channels, env=env)
            procs = [first] + [
                BotProcess(
                    standin,
                    work / f"drama{i}",
                    BOT,
                    database=first.database,
                    ready_marker=DRAMA_READY,
                    name="drama",
                    env={"SHARD_COUNT": str(args.processes), "SHARD_IDS": str(i)},
                )
                for i in range(1, args.processes)
            ]
            try:
                for proc in procs:
                    proc.start(timeout=120)
                standin.enforce_global_limit = True
                within = args.channels / 40 + 60
                result = asyncio.run(
                    change_and_wait(standin, guilds[0], admin_channel, channels, slug, season, after, within)
                )
                for proc in procs:
                    proc.stop()
            finally:
                for proc in procs:
                    proc.close()
    finally:
        standin.stop()

    counts = list(result["per_channel"].values())
    lost = sum(1 for c in counts if c == 0)
    duplicates = sum(1 for c in counts if c > 1)
    posts = result["posts"]
    span = posts[-1] - posts[0] if len(posts) > 1 else 0.0
    rate = (len(posts) - 1) / span if span > 0 else 0.0
    statuses = result["statuses"]
    share_429 = statuses.count(429) / len(statuses) if statuses else 0.0
    print(
        json.dumps(
            {
                "figure": "fanout",
                "channels": args.channels,
                "processes": args.processes,
                "change": f"/admin season status {slug} season {season}: {before} -> {after}",
                "admin_reply": result["reply"][:200],
                "messages_per_s": round(rate, 2),
                "seconds_first_to_last_post": round(span, 2),
                "seconds_command_to_all_delivered": round(result["wait_s"], 2),
                "delivered_channels": len(counts) - lost,
                "lost": lost,
                "duplicates": duplicates,
                "requests": len(statuses),
                "requests_429": statuses.count(429),
                "share_429": round(share_429, 4),
                "global_limit_violations": result["violations"],
                "busiest_second_requests": result["busiest_second"],
                "baseline": f"Discord's global limit, {GLOBAL_LIMIT} requests/s (enforced by the stand-in)",
                "baseline_per_s": GLOBAL_LIMIT,
                "ratio": round(rate / GLOBAL_LIMIT, 3),
                "target_messages_per_s": TARGET_MSG_S,
                "target_lost": TARGET_LOST,
                "target_duplicates": TARGET_DUPLICATES,
                "target_share_429_below": TARGET_429_SHARE,
                "target_busiest_second_at_most": GLOBAL_LIMIT,
                "met": rate >= TARGET_MSG_S
                and result["busiest_second"] <= GLOBAL_LIMIT
                and (not sharded or statuses.count(429) == 0)
                and lost == TARGET_LOST
                and duplicates == TARGET_DUPLICATES
                and share_429 < TARGET_429_SHARE,
            },
            ensure_ascii=False,
        )
    )


def drama_process_with_subscriptions(
    standin: DiscordStandIn, work: Path, database: Path, slug: str, channels: list[Channel],
    env: dict[str, str] | None = None,
) -> BotProcess:  # fmt: skip
    """The real bot on a copy of the database, with the subscriptions written in before start."""
    assert channels[0].guild_id is not None
    guild = standin.guilds[channels[0].guild_id]
    world = World(standin, guild, channels[0], standin.owner_member(guild))
    proc = drama_process(world, work / "drama", database, env=env)
    subscribe(proc.database, slug, channels, standin.owner.id)
    return proc


if __name__ == "__main__":
    main()
