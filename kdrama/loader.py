"""Load the in-memory catalog in a child process, so the bot's heap never holds the build.

Building the search indexes and the snapshot of 10,000 shows makes and drops about a
million small objects (rows, names, folded keys, sort orders). In the bot's own process
they raised its peak memory by ~5 MiB and left ~7 MiB of partly used allocator arenas
behind for good, interleaved with what the event loop allocated meanwhile
(bench/bench_memory.py). A child process reads the database itself (read-only), builds
both indexes, the refs and the packed snapshot, and writes them to its stdout as one
pickle; the bot reads it straight into the finished, packed structures. The child's
memory is all returned when it exits; it reports its own peak, which the bot logs.

Two children run side by side, one building the search indexes and one the snapshot of
every show: on two cores the start-up waits for the longer of the two, not their sum
(at 30,000 shows 1.9 and 1.2 s, bench/bench_startup.py).

    python -m kdrama.loader DATABASE PART   (PART: indexes or snapshot; stdout is the pickle)

`load_in_child` is what `lookup.Catalog` calls; on any failure it returns None and the
catalog loads in a worker thread of its own process instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import resource
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TypeVar, cast

from kdrama.models import ShowRef
from kdrama.search import NameColumns, SearchIndex
from kdrama.snapshot import Snapshot
from kdrama.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent  # where the kdrama package is importable from
PEAK_LINE = "catalog loader peak rss kib "  # the child's last stderr line: its own high-water mark
TIMEOUT_S = 300.0
CHILD_FROM_SHOWS = 1000  # smaller catalogs load in the bot's own process
PARTS = ("indexes", "snapshot")  # what each child builds; run side by side
# What each part's pickle holds, in order.
PART_TYPES: dict[str, tuple[type, ...]] = {
    "indexes": (SearchIndex, SearchIndex, int, int),  # titles, people and their name counts
    "snapshot": (dict, Snapshot),  # every show's ref, every show packed
}


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the child hands back: both indexes (prepared), every show's ref, the full snapshot."""

    titles: SearchIndex
    people: SearchIndex
    refs: dict[int, ShowRef]
    snapshot: Snapshot
    title_names: int
    actor_names: int


async def load_part(path: Path, part: str) -> tuple[object, ...]:
    """One part of the in-memory catalog of the database at `path` (see PART_TYPES)."""
    store = await Store.open_readonly(path)
    try:
        if part == "indexes":
            return await build_indexes(store, _now)
        refs = await store.catalog.show_refs()
        return refs, await fill(store, refs)
    finally:
        await store.close()


async def _now(build: Callable[[], T]) -> T:
    return build()


async def build_indexes(
    store: Store, run: Callable[[Callable[[], SearchIndex]], Awaitable[SearchIndex]]
) -> tuple[SearchIndex, SearchIndex, int, int]:
    """Both search indexes, prepared, and how many names each holds: (titles, people, counts).

    `run` runs each CPU-bound step: at once in the child, in a worker thread in the bot.
    Names come from the store a batch at a time into columns: no Name object and no whole
    result set is ever held (22 MiB at 10,000 shows when it was all at once). The larger
    index is built first, its temporary lists gone before the second is built.
    """
    catalog = store.catalog
    people = NameColumns()
    async for batch in catalog.actor_row_batches():
        people.extend(batch)
    actor_names = len(people)
    people_index = await run(partial(SearchIndex, people))
    del people
    titles = NameColumns()
    async for ids in catalog.show_id_batches(2000):
        titles.extend(await catalog.title_rows(ids))
    title_names = len(titles)
    titles_index = await run(partial(SearchIndex, titles))
    del titles
    # What the first typo (0.15-0.25 s for 100,000 names, bench/bench_search.py) and the
    # first edit would otherwise build on a fan's keystroke, on the event loop.
    for index in (people_index, titles_index):
        await run(partial(_prepared, index))
    return titles_index, people_index, title_names, actor_names


def _prepared(index: SearchIndex) -> SearchIndex:
    index.prepare()
    return index


async def fill(store: Store, refs: dict[int, ShowRef]) -> Snapshot:
    """Every show packed into a snapshot, a batch at a time (the slug shared with its ref)."""
    snapshot = Snapshot()
    async for packed in packed_batches(store, snapshot, refs, _now):
        snapshot.put(packed)
    snapshot.complete = True
    return snapshot


async def packed_batches(
    store: Store,
    snapshot: Snapshot,
    refs: dict[int, ShowRef],
    run: Callable[[Callable[[], dict[int, tuple[str, bytes]]]], Awaitable[dict[int, tuple[str, bytes]]]],
) -> AsyncIterator[dict[int, tuple[str, bytes]]]:
    """Every show of the store packed for `snapshot` (not put in it), a batch at a time.

    `run` packs a batch: at once in the child, in a worker thread in the bot. A show's slug
    is the one its ref holds, when it has one: one string per show, not two.
    """
    catalog = store.catalog
    async for ids in catalog.show_id_batches():
        rows = await catalog.show_rows(ids)
        packed = await run(partial(snapshot.pack, rows))
        del rows
        yield {i: (refs[i].slug if i in refs else slug, record) for i, (slug, record) in packed.items()}


def main(argv: list[str] | None = None) -> int:
    """The child: build one part from the database named in argv, pickle it to stdout."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[1] not in PARTS:
        print(f"usage: python -m kdrama.loader DATABASE {'|'.join(PARTS)}", file=sys.stderr)
        return 2
    built = asyncio.run(load_part(Path(args[0]), args[1]))
    out = sys.stdout.buffer
    # A plain tuple of our classes: run with -m, this module is __main__ here.
    pickle.dump(built, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"{PEAK_LINE}{peak}", file=sys.stderr)
    return 0


def _run_child(path: Path, part: str) -> tuple[tuple[object, ...], int | None]:
    """Start a child for `part` and unpickle its stdout as it arrives (blocking: run it in a thread)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    with subprocess.Popen(
        [sys.executable, "-m", "kdrama.loader", str(path), part],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        # A child that hangs (a disk that stops answering) is killed: its pipe then ends.
        watchdog = threading.Timer(TIMEOUT_S, child.kill)
        watchdog.start()
        try:
            # Streamed: only one array or string at a time is ever held twice.
            built = pickle.load(child.stdout)
        except Exception as e:
            child.kill()
            raise ChildFailed(_tail(child.stderr)) from e
        finally:
            watchdog.cancel()
        err = child.stderr.read().decode("utf-8", "replace")
        code = child.wait()
    kinds = PART_TYPES[part]
    if (
        code != 0
        or not isinstance(built, tuple)
        or len(built) != len(kinds)
        or not all(isinstance(value, kind) for value, kind in zip(built, kinds, strict=True))
    ):
        raise ChildFailed(_last_line(err) or f"exit {code}")
    peak = None
    for line in err.splitlines():
        if line.startswith(PEAK_LINE):
            peak = int(line.removeprefix(PEAK_LINE))
    return built, peak


class ChildFailed(RuntimeError):
    """The child process did not hand back indexes (its last error line is the message)."""


def _tail(stream: IO[bytes]) -> str:
    return _last_line(stream.read().decode("utf-8", "replace")) or "no output"


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if not line.startswith(PEAK_LINE)]
    return lines[-1] if lines else ""


async def load_in_child(path: Path) -> Loaded | None:
    """The catalog of the database at `path`, loaded in child processes; None if that failed."""
    started = time.monotonic()
    # Both children run to their end even if one fails: then the catalog loads here.
    results = await asyncio.gather(
        *(asyncio.to_thread(_run_child, path, part) for part in PARTS), return_exceptions=True
    )
    built: list[tuple[object, ...]] = []
    peaks: list[int | None] = []
    for result in results:
        if isinstance(result, BaseException):
            if not isinstance(result, (OSError, ChildFailed, subprocess.SubprocessError)):
                raise result
            log.warning(
                "could not load the catalog in a child process; loading it here",
                exc_info=(type(result), result, result.__traceback__),
            )
            return None
        built.append(result[0])
        peaks.append(result[1])
    # Their types were checked against PART_TYPES as they were unpickled.
    titles, people, title_names, actor_names = cast(tuple[SearchIndex, SearchIndex, int, int], built[0])
    refs, snapshot = cast(tuple[dict[int, ShowRef], Snapshot], built[1])
    log.info(
        "catalog loaded by two child processes in %.2f s "
        "(peak memory: the indexes' child %.1f MiB, the snapshot's %.1f MiB)",
        time.monotonic() - started,
        (peaks[0] or 0) / 1024,
        (peaks[1] or 0) / 1024,
    )
    return Loaded(titles, people, refs, snapshot, title_names, actor_names)


if __name__ == "__main__":
    sys.exit(main())
