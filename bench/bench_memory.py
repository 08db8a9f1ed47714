"""Peak memory of the bot holding the 10,000-show catalog, against the bare bot.

    python bench/bench_memory.py [--runs 3] [--shows 10000] [--seed 7] [--fresh] [--keep]

Starts each process until ready (every shard connected, commands synced, ready line
logged) and, for the real bot, until its catalog snapshot is filled (it fills in the
background after ready; "catalog snapshot holds" in its log) and the title answers it
makes ahead are made ("answered ahead in"), lets it settle for a second, then reads its
peak resident set size (VmHWM in
/proc/PID/status: the high-water mark, so the transient cost of building the search index
counts) and its current RSS. Runs alternate between the real bot (on a fresh copy of a
database filled by `bot.py import`) and the bare bot; figures are medians. Prints one JSON
object. Linux only.

A catalog this large is loaded by two child processes side by side (kdrama/loader.py:
one builds the search indexes, one the snapshot) that exit before the bot is ready: their
peaks are not in the bot's VmHWM, so they are reported apart (`loader_child_peak_rss_mb`
and `loader_snapshot_child_peak_rss_mb`, from the bot's log): the machine needs that much
more, together, for a few seconds at start.

Then it sends `--use` lookups (the bench_latency mix; the bare bot gets as many /ping) and
reads the peak again: what a bot in use holds, with the structures its first searches
build. The target applies to the figure after start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_latency import Action, make_actions, one  # noqa: E402
from bench.harness import (  # noqa: E402
    DRAMA_WARMED,
    World,
    bare_process,
    catalog_file,
    drama_process,
    make_world,
    median,
    peak_rss_mb,
    prepared_database,
    rss_mb,
    wait_for_line,
    workspace,
)


def target_extra_mb(shows: int) -> float:
    """Issue 14: the bare bot's + 40 MiB at 10,000 shows, + 120 MiB at 30,000."""
    return 40.0 if shows <= 10000 else 120.0


async def use(world: World, actions: list[Action]) -> None:
    """Send the lookups one at a time, as bench_latency does."""
    for action in actions:
        await one(world, action)


SETTLE_S = 1.0
# kdrama/loader.py: a large catalog loads in a child process, which logs its own peak.
CHILD_PEAK = re.compile(
    r"catalog loaded by two child processes in [\d.]+ s "
    r"\(peak memory: the indexes' child ([\d.]+) MiB, the snapshot's ([\d.]+) MiB\)"
)
SNAPSHOT_LINE = "catalog snapshot holds"  # logged once every show is packed in memory


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures as one JSON object."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="import the catalog again")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (bot logs)")
    parser.add_argument("--use", type=int, default=300, help="lookups sent after the start figure")
    args = parser.parse_args(argv)
    catalog = json.loads(catalog_file(args.shows, args.seed).read_text(encoding="utf-8"))
    actions = make_actions(catalog, args.use, args.seed)
    del catalog

    database = prepared_database(args.shows, args.seed, fresh=args.fresh)
    peak: dict[str, list[float]] = {"drama": [], "bare": []}
    now: dict[str, list[float]] = {"drama": [], "bare": []}
    used: dict[str, list[float]] = {"drama": [], "bare": []}
    waited: dict[str, list[float]] = {"drama": [], "bare": []}
    child_peak: list[float] = []  # the index child's
    snapshot_child_peak: list[float] = []
    with workspace(args.keep) as work:
        drama_world, bare_world = make_world(), make_world()
        try:
            for run in range(args.runs):
                for which in ("bare", "drama"):
                    if which == "drama":
                        proc = drama_process(drama_world, work / f"drama{run}", database)
                    else:
                        proc = bare_process(bare_world, work / f"bare{run}")
                    try:
                        proc.start(timeout=60)
                        if which == "drama":
                            waited[which].append(wait_for_line(proc, SNAPSHOT_LINE))
                            wait_for_line(proc, DRAMA_WARMED)  # its answers made ahead count
                            found = CHILD_PEAK.search(proc.log_since_start())
                            if found:
                                child_peak.append(float(found[1]))
                                snapshot_child_peak.append(float(found[2]))
                        time.sleep(SETTLE_S)
                        peak[which].append(peak_rss_mb(proc.pid))
                        now[which].append(rss_mb(proc.pid))
                        if which == "drama":
                            asyncio.run(use(drama_world, actions))
                        else:
                            asyncio.run(use(bare_world, [("ping", {})] * len(actions)))
                        used[which].append(peak_rss_mb(proc.pid))
                    finally:
                        proc.close()
        finally:
            drama_world.standin.stop()
            bare_world.standin.stop()

    drama_peak, bare_peak = median(peak["drama"]), median(peak["bare"])
    extra = drama_peak - bare_peak
    target = target_extra_mb(args.shows)
    print(
        json.dumps(
            {
                "figure": "memory",
                "shows": args.shows,
                "runs": args.runs,
                "peak_rss_mb": round(drama_peak, 1),
                "rss_after_start_mb": round(median(now["drama"]), 1),
                "baseline": "tests/standin/bare_bot.py (bare discord.py bot, /ping), same stand-in setup",
                "baseline_peak_rss_mb": round(bare_peak, 1),
                "baseline_rss_after_start_mb": round(median(now["bare"]), 1),
                "extra_mb": round(extra, 1),
                "snapshot_filled_after_ready_s": round(median(waited["drama"]), 2),
                # The loading children's own peaks (they exit before ready; not in the bot's
                # VmHWM): the index child's, and the snapshot child's, which runs alongside.
                "loader_child_peak_rss_mb": round(median(child_peak), 1) if child_peak else None,
                "loader_snapshot_child_peak_rss_mb": round(median(snapshot_child_peak), 1)
                if snapshot_child_peak
                else None,
                "peak_rss_after_use_mb": round(median(used["drama"]), 1),
                "baseline_peak_rss_after_use_mb": round(median(used["bare"]), 1),
                "extra_after_use_mb": round(median(used["drama"]) - median(used["bare"]), 1),
                "use": f"{args.use} lookups of the bench_latency mix (the bare bot: as many /ping)",
                "ratio": round(drama_peak / bare_peak, 3),
                "measured": "VmHWM of the bot process after ready and its catalog snapshot filled, + 1 s "
                "(MiB, 2**20 bytes)",
                "target_extra_mb": target,
                "met": extra <= target,
            }
        )
    )


if __name__ == "__main__":
    main()
