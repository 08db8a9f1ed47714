"""Event-loop stalls while a sync applies a burst of edits to the 10,000-show catalog.

    python bench/bench_edits.py [--shows 10000] [--edits 500] [--seed 7] [--fresh]

In one process, as the bot holds it: a copy of the database filled by `bot.py import` is
opened and the catalog loaded (search indexes, then the snapshot), then `edits` show
updates go through `kdrama.edits` one after another, as the TMDB sync will drive them
(a synopsis, a season's status, a season's date, in turn, on random shows), each followed
by the in-memory catalog's refresh. A task waking every millisecond measures how late it
wakes: the longest stall is the longest the bot could not answer anyone. Baseline: the
same timer over an idle loop for as long, in the same run. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import catalog_file, percentile, prepared_database, workspace  # noqa: E402
from kdrama import edits  # noqa: E402
from kdrama.lookup import Catalog  # noqa: E402
from kdrama.models import Actor  # noqa: E402
from kdrama.store import Store  # noqa: E402

TARGET_STALL_MS = 20.0
TICK_S = 0.001
SYNC = Actor(None, "TMDB sync (bench)")
STATUSES = ("renewed", "filming", "post_production", "scheduled")


class StallWatch:
    """A task that wakes every millisecond and keeps how late each wake-up was."""

    def __init__(self) -> None:
        self.late_ms: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            self.late_ms.append((time.perf_counter() - before - TICK_S) * 1000)

    def __enter__(self) -> StallWatch:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    @property
    def longest_ms(self) -> float:
        return max(self.late_ms, default=0.0)


def plan(catalog: dict[str, Any], n: int, seed: int) -> list[tuple[str, str, int]]:
    """(what, slug, season) for n edits on random shows that have seasons."""
    rng = random.Random(seed)
    shows = [(s["slug"], [x["number"] for x in s["seasons"]]) for s in catalog["shows"] if s["seasons"]]
    kinds = ("synopsis", "status", "date")
    return [
        (kinds[i % 3], slug, rng.choice(numbers)) for i, (slug, numbers) in enumerate(rng.choices(shows, k=n))
    ]


async def apply(catalog: Catalog, what: str, slug: str, season: int, i: int) -> None:
    source = f"https://www.themoviedb.org/tv/{i}"
    if what == "synopsis":
        await edits.edit_show(catalog, SYNC, slug, {"synopsis": f"Synopsis as TMDB has it, revision {i}."})
    elif what == "status":
        await edits.set_status(catalog, SYNC, slug, season, STATUSES[i % len(STATUSES)], source)
    else:
        await edits.set_date(catalog, SYNC, slug, season, f"{2027 + i % 3}-0{1 + i % 9}", False, source)


async def run(database: Path, actions: list[tuple[str, str, int]]) -> dict[str, Any]:
    async with await Store.open(database) as store:
        with StallWatch() as loading:
            started = time.perf_counter()
            catalog = await Catalog.load(store)
            load_s = time.perf_counter() - started
        edit_ms: list[float] = []
        with StallWatch() as burst:
            started = time.perf_counter()
            for i, (what, slug, season) in enumerate(actions):
                t = time.perf_counter()
                await apply(catalog, what, slug, season, i)
                edit_ms.append((time.perf_counter() - t) * 1000)
            burst_s = time.perf_counter() - started
        # The answers follow: the last show edited is answered as edited.
        what, slug, season = actions[-1]
        check = await catalog.release(slug, season)
        with StallWatch() as idle:
            await asyncio.sleep(burst_s)
    return {
        "load_s": load_s,
        "load_stall_ms": loading.longest_ms,
        "edit_ms": edit_ms,
        "burst_s": burst_s,
        "stall_ms": burst.longest_ms,
        "stalls_over_10ms": sum(1 for x in burst.late_ms if x > 10),
        "idle_stall_ms": idle.longest_ms,
        "fresh": check.show.slug == slug,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures as one JSON object."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--shows", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="import the catalog again")
    args = parser.parse_args(argv)

    database = prepared_database(args.shows, args.seed, fresh=args.fresh)
    catalog = json.loads(catalog_file(args.shows, args.seed).read_text(encoding="utf-8"))
    actions = plan(catalog, args.edits, args.seed)
    del catalog
    with workspace() as work:
        copy = work / "bot.db"
        shutil.copyfile(database, copy)
        result = asyncio.run(run(copy, actions))
    ms = result["edit_ms"]
    print(
        json.dumps(
            {
                "figure": "edit burst",
                "shows": args.shows,
                "edits": len(ms),
                "edit_p50_ms": round(statistics.median(ms), 2),
                "edit_p99_ms": round(percentile(ms, 0.99), 2),
                "edits_per_s": round(len(ms) / result["burst_s"], 1),
                "longest_stall_ms": round(result["stall_ms"], 2),
                "stalls_over_10ms": result["stalls_over_10ms"],
                "catalog_load_s": round(result["load_s"], 2),
                "catalog_load_longest_stall_ms": round(result["load_stall_ms"], 2),
                "answers_follow_edits": result["fresh"],
                "measured": "1 ms timer lateness while the edits and their refreshes run",
                "baseline": "the same timer over an idle loop for as long, same run",
                "baseline_longest_stall_ms": round(result["idle_stall_ms"], 2),
                "target_stall_ms": TARGET_STALL_MS,
                "met": result["stall_ms"] < TARGET_STALL_MS,
            }
        )
    )


if __name__ == "__main__":
    main()
