"""/follow remove and /watch remove title autocomplete: kept lists and indexes against a build per keystroke.

    python bench/bench_followed.py [--shows 10000] [--follows 200] [--watched 500] [--seed 7] [--fresh]

In one process, on a copy of the database `bot.py import` filled with the generated
catalog: one fan follows `--follows` random shows (FOLLOW_LIMIT's default) and one channel
watches `--watched` (MAX_SUBSCRIPTIONS_PER_SERVER's default). Fans and staff type the
names of those shows keystroke by keystroke (English titles and aliases, Hangul as a Korean
keyboard composes it, initial consonants, romanized Korean, typos, nothing yet). Each
keystroke is answered by the rules as the cogs call them, with their keeper
(kdrama/followed_index.py), and, interleaved one to one, without one (the list read, the
names read and the index built for that keystroke, as before: the baseline, in the same
run). Both answers must be the same. Also: the kept path when something was committed
before every keystroke (as while the delivery loop records its sends: the list is read
again, the index kept), and the memory one keeper holds when full of the largest lists.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_search import ime_states, keystrokes, typo  # noqa: E402
from bench.harness import percentile, prepared_database, workspace  # noqa: E402
from kdrama import i18n  # noqa: E402
from kdrama.follow.rules import follow, followed_choices, kept_follows  # noqa: E402
from kdrama.followed_index import MAX_WEIGHT, FollowedIndexes  # noqa: E402
from kdrama.hangul import initials, romanize  # noqa: E402
from kdrama.lookup import Choice  # noqa: E402
from kdrama.models import ALL_EVENTS, Name  # noqa: E402
from kdrama.store import Store  # noqa: E402
from kdrama.watch import subscriptions as watch  # noqa: E402

FAN, GUILD, CHANNEL = 1, 10, 11
T = TypeVar("T")
TARGET_RATIO = 0.2  # kept p50 at most a fifth of the build per keystroke
TARGET_P99_MS = 2.0


def typed_queries(names: list[Name], n: int, rng: random.Random) -> list[str]:
    """What a fan or staff member types, keystroke by keystroke, to find one of these shows."""
    by_kind: dict[str, list[Name]] = {}
    for x in names:
        by_kind.setdefault(x.kind, []).append(x)
    latin = by_kind.get("title", []) + by_kind.get("alias", []) + by_kind.get("romanized", [])
    korean = by_kind.get("korean") or latin
    out: list[str] = []
    while len(out) < n:
        pick = rng.random()
        if pick < 0.1:
            out.append("")  # the option got focus: the whole list
        elif pick < 0.5:
            out += keystrokes(rng.choice(latin).text, rng)
        elif pick < 0.7:
            out += ime_states(rng.choice(korean).text)[: rng.randint(2, 10)]
        elif pick < 0.8:
            cho = initials(rng.choice(korean).text).replace(" ", "")
            out += [cho[:k] for k in range(2, len(cho) + 1)]
        elif pick < 0.9:
            out += keystrokes(romanize(rng.choice(korean).text), rng)
        else:
            out.append(typo(rng.choice(latin).text, rng))
    return out[:n]


async def timed(call: Awaitable[list[Choice]]) -> tuple[float, list[Choice]]:
    """How long answering took (the coroutine runs only once awaited, inside the timing)."""
    started = time.perf_counter_ns()
    answer = await call
    return (time.perf_counter_ns() - started) / 1e6, answer


def summary(ours: list[float], base: list[float], after_commit: list[float]) -> dict[str, Any]:
    return {
        "p50_ms": round(statistics.median(ours), 4),
        "p99_ms": round(percentile(ours, 0.99), 4),
        "baseline_p50_ms": round(statistics.median(base), 4),
        "baseline_p99_ms": round(percentile(base, 0.99), 4),
        "ratio_p50": round(statistics.median(ours) / statistics.median(base), 4),
        "after_a_commit_p50_ms": round(statistics.median(after_commit), 4),
        "after_a_commit_p99_ms": round(percentile(after_commit, 0.99), 4),
    }


async def run(database: Path, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    async with await Store.open(database) as store:
        refs = await store.catalog.show_refs(list(range(1, args.shows + 1)))
        picked = rng.sample(sorted(refs), max(args.follows, args.watched))
        now = datetime.now(UTC)
        for show_id in picked[: args.follows]:
            await follow(store, FAN, refs[show_id], ALL_EVENTS, limit=args.follows, now=now)
        for show_id in picked[: args.watched]:
            await watch.subscribe(
                store,
                guild_id=GUILD,
                channel_id=CHANNEL,
                show_id=show_id,
                events=ALL_EVENTS,
                role_id=None,
                created_by=FAN,
                max_per_server=args.watched,
            )
        t = i18n.text(i18n.ENGLISH)
        generation = lambda: 0  # noqa: E731  (no edit during the run)
        fans = kept_follows(store, generation)
        channels = watch.kept_subscriptions(store, generation)
        cases: dict[str, tuple[list[int], Callable[[str, bool], Awaitable[list[Choice]]]]] = {
            "follow_remove": (
                picked[: args.follows],
                lambda q, keep: followed_choices(store, FAN, q, t, kept=fans if keep else None),
            ),
            "watch_remove": (
                picked[: args.watched],
                lambda q, keep: watch.followed_choices(
                    store, GUILD, CHANNEL, q, kept=channels if keep else None
                ),
            ),
        }
        figures: dict[str, Any] = {}
        mismatches = 0
        for kind, (shows, answer) in cases.items():
            queries = typed_queries(await store.catalog.names_of(shows), args.keystrokes, rng)
            for q in queries[:50]:  # warm up both paths
                await answer(q, True)
                await answer(q, False)
            ours: list[float] = []
            base: list[float] = []
            for q in queries:
                took, kept = await timed(answer(q, True))
                ours.append(took)
                took, fresh = await timed(answer(q, False))
                base.append(took)
                mismatches += kept != fresh
            after_commit: list[float] = []
            for i, q in enumerate(queries[: args.keystrokes // 4]):
                await store.set_meta("bench", str(i))  # moves data_version, as a delivery's record does
                took, _ = await timed(answer(q, True))
                after_commit.append(took)
            figures[kind] = summary(ours, base, after_commit) | {"keystrokes": len(queries)}
        figures["index_builds"] = {"follow_remove": fans.builds, "watch_remove": channels.builds}
        figures["list_reads"] = {"follow_remove": fans.reads, "watch_remove": channels.reads}
        figures["mismatches"] = mismatches
        figures["full_keeper"] = {
            "follow_remove": await full_keeper_mib(
                store,
                picked[: args.follows],
                lambda: store.follows.shows_of(FAN),
                lambda s: len(s or ()),
            ),
            "watch_remove": await full_keeper_mib(
                store, picked[: args.watched], lambda: store.subscriptions.shows_of(GUILD, CHANNEL), len
            ),
            "max_weight": MAX_WEIGHT,
        }
    return figures


async def full_keeper_mib(
    store: Store, shows: list[int], read: Callable[[], Awaitable[T]], rows: Callable[[T], int]
) -> dict[str, float]:
    """Traced memory of one keeper filled to its bound with owners following `shows` each."""
    weight = 1 + len(shows) + len(await store.catalog.names_of(shows))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keeper: FollowedIndexes[T] = FollowedIndexes(store, lambda: 0)
    owner = 0
    while keeper.weight + weight <= MAX_WEIGHT:
        owner += 1
        await keeper.listed(owner, read, rows)  # each owner's own objects, as its read gives them
        index = await keeper.index(owner, shows)
        index.search("the kign")  # a typo: the word index is made too, as typing would
        index.search("lo")
    mib = (tracemalloc.get_traced_memory()[0] - before) / 2**20
    tracemalloc.stop()
    return {"owners": owner, "mib": round(mib, 2)}


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures as one JSON object."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--shows", type=int, default=10000)
    parser.add_argument("--follows", type=int, default=200)
    parser.add_argument("--watched", type=int, default=500)
    parser.add_argument("--keystrokes", type=int, default=1000, help="per command")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="import the catalog again")
    args = parser.parse_args(argv)
    source = prepared_database(args.shows, args.seed, fresh=args.fresh)
    with workspace() as work:
        database = work / "kdrama.db"
        shutil.copy(source, database)
        figures = asyncio.run(run(database, args))
    ratios = [figures[k]["ratio_p50"] for k in ("follow_remove", "watch_remove")]
    p99s = [figures[k]["p99_ms"] for k in ("follow_remove", "watch_remove")]
    result = {
        "figure": "followed_autocomplete",
        "shows": args.shows,
        "follows": args.follows,
        "watched": args.watched,
        **figures,
        "baseline": "the same rules without a keeper: the list read, the names read and the index built "
        "for each keystroke (as before), interleaved one to one",
        "target_ratio_p50": TARGET_RATIO,
        "target_p99_ms": TARGET_P99_MS,
        "loadavg_1min": round(os.getloadavg()[0], 2),
        "met": figures["mismatches"] == 0
        and all(r <= TARGET_RATIO for r in ratios)
        and all(p < TARGET_P99_MS for p in p99s),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
