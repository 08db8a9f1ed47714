"""Benchmark the TMDB client against the stand-in at the polite rate: discover, then shows.

    python bench/bench_tmdb_client.py [--shows 5000] [--details 200] [--rate 18]

Discovers every Korean drama of a generated world (date ranges split past the 500-page cap),
then fetches `--details` shows with every append and their seasons, and prints one JSON
object: requests, wall time, the stand-in's busiest second, and peak traced memory. The
stand-in runs in its own process, so its clock sees requests as TMDB would, not as a thread
that shares the client's interpreter lock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kdrama.tmdb.client import DEFAULT_RATE, TmdbClient  # noqa: E402
from kdrama.tmdb.mapping import map_show  # noqa: E402
from tests.tmdbstandin.server import TOKEN, TmdbStandIn  # noqa: E402
from tests.tmdbstandin.world import World  # noqa: E402


def serve(shows: int, port_out: mp.Queue, times_out: mp.Queue, stop: mp.Event) -> None:  # type: ignore[type-arg]
    """The stand-in, in a process of its own; sends its port, then its request times."""
    world = World(shows, seed=7)
    with TmdbStandIn(world) as server:
        port_out.put((server.base_url, len(world.korean())))
        stop.wait()
        with server.lock:
            times_out.put([(r.route, r.time) for r in server.requests])


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def run(base_url: str, details: int, rate: float) -> dict[str, object]:
    tracemalloc.start()
    async with TmdbClient(TOKEN, base_url=base_url, rate=rate) as tmdb:
        started = time.monotonic()
        found = await tmdb.discover_all()
        discover_s = time.monotonic() - started
        images = await tmdb.configuration()

        async def one(tmdb_id: int) -> None:
            show = await tmdb.show(tmdb_id)
            seasons = {s.number: await tmdb.season(tmdb_id, s.number) for s in show.seasons if s.number >= 1}
            map_show(show, fetched_at=datetime.now(UTC), images=images, seasons=seasons)

        started = time.monotonic()
        await asyncio.gather(*(one(i) for i in list(found)[:details]))
        details_s = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "korean_found": len(found),
        "discover_s": round(discover_s, 2),
        "details_shows": min(details, len(found)),
        "details_s": round(details_s, 2),
        "client_peak_traced_mib": round(peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the TMDB client against the stand-in.")
    parser.add_argument("--shows", type=int, default=5000)
    parser.add_argument("--details", type=int, default=200)
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    port_out, times_out, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    child = ctx.Process(target=serve, args=(args.shows, port_out, times_out, stop), daemon=True)
    child.start()
    try:
        base_url, korean = port_out.get(timeout=60)
        result = asyncio.run(run(base_url, args.details, args.rate))
        stop.set()
        requests = times_out.get(timeout=60)
    finally:
        stop.set()
        child.join(10)
    discover = sum(1 for route, _ in requests if route == "/discover/tv")
    report = {
        "shows_in_world": args.shows,
        "korean_in_world": korean,
        **result,
        "rate": args.rate,
        "requests": len(requests),
        "discover_requests": discover,
        "busiest_second": busiest_second([t for _, t in requests]),
        "target_busiest_second": 20,
    }
    report["met"] = report["busiest_second"] <= 20 and result["korean_found"] == korean
    print(json.dumps(report))


if __name__ == "__main__":
    main()
