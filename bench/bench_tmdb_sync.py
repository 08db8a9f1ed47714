"""Benchmark the TMDB sync: a full sync of 5,000 stand-in shows, then an incremental pass over 500 changed.

    python bench/bench_tmdb_sync.py [--shows 5000] [--changed 500]

Runs `python bot.py sync --full` exactly as an operator would (TMDB_TOKEN and TMDB_BASE_URL
pointing at the TMDB stand-in, a fresh database), then changes `--changed` shows on the
stand-in (their overview, listed in the changes feed) and runs `python bot.py sync`. Prints one
JSON object: for each run, the wall time, the sync process's peak RSS (ru_maxrss), what it
added and updated, the requests the stand-in served and its busiest second. The stand-in runs
in its own process so its clock sees requests as TMDB would. The client paces at 18 requests/s
(TMDB's polite ceiling is about 20), so the full sync takes minutes: one request per show plus
one per season, plus discover's pages.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.tmdbstandin.server import TOKEN, TmdbStandIn  # noqa: E402
from tests.tmdbstandin.world import World  # noqa: E402


def serve(shows: int, out: mp.Queue, commands: mp.Queue) -> None:  # type: ignore[type-arg]
    """The stand-in in a process of its own; answers commands: ("change", n), ("stats",), ("stop",)."""
    world = World(shows, seed=7)
    with TmdbStandIn(world) as server:
        out.put((server.base_url, len(world.korean())))
        while True:
            command = commands.get()
            if command[0] == "change":
                changed = world.korean()[: command[1]]
                with server.lock:
                    for show in changed:
                        show.overview += " Rewritten on TMDB."
                        world.mark_changed(show.id)
                out.put(len(changed))
            elif command[0] == "stats":
                with server.lock:
                    times = sorted(r.time for r in server.requests)
                    served = len(server.requests)
                    server.requests.clear()
                best, lo = 0, 0
                for hi, t in enumerate(times):
                    while t - times[lo] >= 1.0:
                        lo += 1
                    best = max(best, hi - lo + 1)
                out.put({"requests": served, "busiest_second": best})
            else:
                return


def child(argv: list[str]) -> int:
    """Run `bot.py` with `argv` in this process, then report its peak RSS on stderr."""
    import bot

    code = bot.main(argv)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_mib": round(peak_kib / 1024, 1)}), file=sys.stderr)
    return code


def timed_sync(env: dict[str, str], *args: str) -> dict[str, Any]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, __file__, "--child", "sync", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"bot.py sync failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    peak = json.loads(done.stderr.strip().splitlines()[-1])["peak_rss_mib"]
    summary = done.stdout.strip().splitlines()[0]
    counts = dict(
        (name, int(n))
        for n, name in re.findall(r"(\d+) (shows read|added|updated|unchanged|errors?)", summary)
    )
    return {"seconds": round(seconds, 1), "peak_rss_mib": peak, "summary": summary, **counts}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        raise SystemExit(child(sys.argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shows", type=int, default=5000)
    parser.add_argument("--changed", type=int, default=500)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    commands: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    server = ctx.Process(target=serve, args=(args.shows, out, commands), daemon=True)
    server.start()
    try:
        base_url, korean = out.get(timeout=120)
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "DATABASE_PATH": str(Path(tmp) / "kdrama.db"),
                "TMDB_TOKEN": TOKEN,
                "TMDB_BASE_URL": base_url,
                "DISCORD_TOKEN": "",
                "LOG_LEVEL": "WARNING",
            }
            full = timed_sync(env, "--full")
            commands.put(("stats",))
            full |= out.get(timeout=60)
            commands.put(("change", args.changed))
            changed = out.get(timeout=60)
            incremental = timed_sync(env)
            commands.put(("stats",))
            incremental |= out.get(timeout=60)
        result = {
            "benchmark": "tmdb_sync",
            "shows_on_standin": args.shows,
            "korean_shows": korean,
            "changed_ids": changed,
            "rate_limit_requests_per_s": 18,
            "full": full,
            "incremental": incremental,
            "polite": max(full["busiest_second"], incremental["busiest_second"]) <= 20,
            "complete": full.get("added", 0) == korean and incremental.get("updated", 0) == changed,
        }
        print(json.dumps(result, indent=2))
    finally:
        commands.put(("stop",))
        server.join(10)
        if server.is_alive():
            server.kill()


if __name__ == "__main__":
    main()
