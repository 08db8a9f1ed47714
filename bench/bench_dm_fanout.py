"""DM fan-out: one catalog change sent by DM to 5,000 followers, inside the bot's one rate budget.

    python bench/bench_dm_fanout.py [--followers 5000] [--new-dm 500] [--channels 100]
                                    [--kill-after 1500] [--shows 10000] [--seed 7] [--fresh] [--keep]

The real bot runs on a copy of a database filled by `bot.py import` (10,000 shows). Before it
starts, `followers` people follow one show (written into the follow tables as /follow add
would), `channels` channels subscribe to it, and all but `new-dm` followers already have a
DM channel remembered (so those `new-dm` cost one more request each: opening the channel).
The stand-in enforces Discord's global limit of 50 requests/s (a 429 for each request over
it). The application's owner changes the show's season status with /admin season status;
after `kill-after` DMs the bot is SIGKILLed and started again (0: no crash). The benchmark
waits for a DM to every follower and a post in every channel, then a few seconds more for
late duplicates. Figures: DMs/s, bot requests/s (DMs, channel opens and posts together; the
busiest one-second window too), followers without a DM (lost) and with more than one
(duplicates), 429s. The baseline, in the same run, is the limit the stand-in enforces.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import time
from bisect import bisect_right
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_fanout import pick_show, subscribe  # noqa: E402
from bench.harness import World, drama_process, prepared_database, workspace  # noqa: E402
from kdrama.follow.rules import DEFAULT_EVENTS  # noqa: E402
from kdrama.models import events_text  # noqa: E402
from kdrama.watch.budget import GLOBAL_RATE  # noqa: E402
from tests.standin.process import BotProcess  # noqa: E402
from tests.standin.scenario import DiscordStandIn  # noqa: E402
from tests.standin.server import GLOBAL_LIMIT  # noqa: E402
from tests.standin.world import Channel, User  # noqa: E402

TARGET_REQUESTS_S = 40.0  # the budget (45/s) used, not left idle
SETTLE_S = 5.0
POST = "POST /channels/{channel_id}/messages"
OPEN_DM = "POST /users/@me/channels"


def follow(database: Path, slug: str, followers: list[User], dm_channels: dict[int, int]) -> None:
    """Write one follow per person (the default events), with their DM channel if remembered."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with sqlite3.connect(database) as db:
        (show_id,) = db.execute("SELECT id FROM show WHERE slug = ?", (slug,)).fetchone()
        db.executemany(
            "INSERT INTO follower (user_id, dm_channel_id, created_at) VALUES (?, ?, ?)",
            [(u.id, dm_channels.get(u.id), now) for u in followers],
        )
        db.executemany(
            "INSERT INTO follow (user_id, show_id, events, created_at) VALUES (?, ?, ?, ?)",
            [(u.id, show_id, events_text(DEFAULT_EVENTS), now) for u in followers],
        )


def busiest_second(times: list[float]) -> int:
    """The most requests in any one-second window."""
    ordered = sorted(times)
    return max((bisect_right(ordered, t + 1.0 - 1e-9) - i for i, t in enumerate(ordered)), default=0)


async def change_and_wait(
    standin: DiscordStandIn, proc: BotProcess, world: World, followers: list[User], channels: list[Channel],
    slug: str, season: int, status: str, kill_after: int, within: float,
) -> dict[str, Any]:  # fmt: skip
    """Run /admin season status as the owner; crash once if asked; wait for every DM and post."""
    started = time.monotonic()
    with standin.lock:
        first_request = len(standin.requests)
    reply = await standin.slash(
        "admin season status", by=world.fan, at=world.general, title=slug, season=season,
        status=status, source="https://example.com/bench-dm-fanout",
    ).reply(within=30)  # fmt: skip

    def dms() -> int:
        return sum(1 for u in followers if standin.dm_messages(u))

    def done() -> bool:
        return dms() == len(followers) and all(standin.channel_posts.get(ch.id) for ch in channels)

    killed_at = None
    deadline = started + within
    while time.monotonic() < deadline and not done():
        if kill_after and killed_at is None and dms() >= kill_after:
            killed_at = dms()
            proc.kill()
            proc.start(timeout=120)
        await asyncio.sleep(0.2)
    done_at = time.monotonic()
    await asyncio.sleep(SETTLE_S)
    with standin.lock:
        requests = standin.requests[first_request:]
        per_follower = {u.id: len(standin.dm_messages(u)) for u in followers}
        per_channel = {ch.id: len(standin.channel_posts.get(ch.id, [])) for ch in channels}
    dm_ids = set(standin.dm_channels.values())
    bot_requests = [r for r in requests if r.route in (POST, OPEN_DM)]
    return {
        "reply": reply.content,
        "wait_s": done_at - started,
        "killed_after_dms": killed_at,
        "per_follower": per_follower,
        "per_channel": per_channel,
        "dm_times": sorted(
            r.time
            for r in bot_requests
            if r.route == POST and r.status == 200 and int(r.params["channel_id"]) in dm_ids
        ),
        "bot_times": [r.time for r in bot_requests],
        "opens": sum(1 for r in bot_requests if r.route == OPEN_DM),
        "statuses": [r.status for r in requests],
        "violations": standin.global_limit_violations,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures as one JSON object."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--followers", type=int, default=5000)
    parser.add_argument("--new-dm", type=int, default=500, help="followers with no DM channel yet")
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--kill-after", type=int, default=1500, help="SIGKILL after this many DMs (0: never)")
    parser.add_argument("--shows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="import the catalog again")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (bot log)")
    args = parser.parse_args(argv)

    database = prepared_database(args.shows, args.seed, fresh=args.fresh)
    slug, season, before, after = pick_show(database)
    standin = DiscordStandIn().start()
    try:
        guild = standin.make_guild("Fans", channels=("general", *(f"news-{i}" for i in range(args.channels))))
        general = next(c for c in guild.channels.values() if c.name == "general")
        channels = [c for c in guild.channels.values() if c.name != "general"]
        world = World(standin, guild, general, standin.owner_member(guild))
        followers = [standin.make_user(f"fan-{i}") for i in range(args.followers)]
        remembered = {u.id: standin.make_dm(u).id for u in followers[args.new_dm :]}
        with workspace(args.keep) as work:
            proc = drama_process(world, work / "drama", database)
            follow(proc.database, slug, followers, remembered)
            subscribe(proc.database, slug, channels, standin.owner.id)
            try:
                proc.start(timeout=120)
                proc.require_sync = False  # a restart finds the tree synced already
                standin.enforce_global_limit = True
                requests_expected = args.followers + args.new_dm + args.channels
                within = requests_expected / 30 + 120
                result = asyncio.run(
                    change_and_wait(
                        standin,
                        proc,
                        world,
                        followers,
                        channels,
                        slug,
                        season,
                        after,
                        args.kill_after,
                        within,
                    )
                )
                proc.stop()
            finally:
                proc.close()
    finally:
        standin.stop()

    counts = list(result["per_follower"].values())
    lost = sum(1 for c in counts if c == 0)
    duplicates = sum(1 for c in counts if c > 1)
    channel_counts = list(result["per_channel"].values())
    dm_times = result["dm_times"]
    span = dm_times[-1] - dm_times[0] if len(dm_times) > 1 else 0.0
    dm_rate = (len(dm_times) - 1) / span if span > 0 else 0.0
    bot_times = sorted(result["bot_times"])
    bot_span = bot_times[-1] - bot_times[0] if len(bot_times) > 1 else 0.0
    bot_rate = (len(bot_times) - 1) / bot_span if bot_span > 0 else 0.0
    busiest = busiest_second(bot_times)
    statuses = result["statuses"]
    met = (
        lost == 0
        and duplicates == 0
        and all(c == 1 for c in channel_counts)
        and result["violations"] == 0
        and busiest <= GLOBAL_LIMIT
        and bot_rate >= TARGET_REQUESTS_S
    )
    print(
        json.dumps(
            {
                "figure": "dm_fanout",
                "followers": args.followers,
                "followers_without_a_dm_channel": args.new_dm,
                "channels_also_subscribed": args.channels,
                "change": f"/admin season status {slug} season {season}: {before} -> {after}",
                "admin_reply": result["reply"][:200],
                "killed_and_restarted_after_dms": result["killed_after_dms"],
                "dms_per_s": round(dm_rate, 2),
                "bot_requests_per_s": round(bot_rate, 2),
                "busiest_second_requests": busiest,
                "seconds_command_to_all_delivered": round(result["wait_s"], 2),
                "dm_channels_opened": result["opens"],
                "delivered_followers": len(counts) - lost,
                "lost": lost,
                "duplicates": duplicates,
                "channels_with_exactly_one_post": sum(1 for c in channel_counts if c == 1),
                "requests": len(statuses),
                "requests_429": statuses.count(429),
                "global_limit_violations": result["violations"],
                "baseline": f"Discord's global limit, {GLOBAL_LIMIT} requests/s (enforced by the stand-in); "
                f"the bot's budget {GLOBAL_RATE:g}/s",
                "baseline_per_s": GLOBAL_LIMIT,
                "ratio": round(bot_rate / GLOBAL_LIMIT, 3),
                "target": f"0 lost, 0 duplicates, no second over {GLOBAL_LIMIT} requests, "
                f">= {TARGET_REQUESTS_S:g} requests/s",
                "met": met,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
