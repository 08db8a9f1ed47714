"""Benchmark the delivery engine: how fast it drains a fan-out, paced and unpaced.

    python bench/bench_watch.py [--channels 1000] [--paced 200]

On a real SQLite file in a temporary folder with the starter catalog, subscribes CHANNELS
channels to every show, records one curator's edit, and drains the outbox through a fake
sender that answers at once: first with no pacing (what the engine and SQLite can do; the
ceiling above Discord's limit), then PACED channels with the production token bucket
(45/s). Prints one JSON object: rates, the busiest one-second window, and the time from the
edit to the first message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kdrama import edits  # noqa: E402
from kdrama.models import ALL_EVENTS, Actor, ChangeItem, Delivery, Event  # noqa: E402
from kdrama.notices import NoticeRenderer  # noqa: E402
from kdrama.store import Store  # noqa: E402
from kdrama.watch.budget import GLOBAL_BURST, GLOBAL_RATE, TokenBucket  # noqa: E402
from kdrama.watch.engine import DeliveryEngine  # noqa: E402
from kdrama.watch.subscriptions import subscribe  # noqa: E402

GUILD = 81_000_000_000_000_000


class InstantDiscord:
    """Answers every send at once and notes when it came."""

    def __init__(self) -> None:
        self.times: list[float] = []

    async def send(self, delivery: Delivery, message: object) -> int:
        self.times.append(time.monotonic())
        return len(self.times)


async def fan_out(folder: Path, channels: int, bucket: TokenBucket) -> dict[str, Any]:
    store = await Store.open(folder / f"bench-{channels}-{bucket.rate:.0f}.db")
    try:
        await edits.load_starter_if_empty(store)
        for channel in range(1, channels + 1):
            await subscribe(
                store,
                guild_id=GUILD,
                channel_id=channel,
                show_id=None,
                events=ALL_EVENTS,
                role_id=None,
                created_by=1,
            )
        show = await store.catalog.show_by_slug("all-of-us-are-dead")
        assert show is not None
        sender = InstantDiscord()
        engine = DeliveryEngine(store, NoticeRenderer(store), sender, budget=bucket, channel_interval=0.0)
        edited = time.monotonic()
        async with store.transaction():
            await store.changes.record(
                actor=Actor(1, "bench"),
                action="season.status",
                show=show.ref,
                season_number=2,
                source="bench",
                items=[ChangeItem("season", "all-of-us-are-dead#2", "status", "unconfirmed", "renewed")],
                events={Event.STATUS},
            )
        await engine.drain(timeout=600)
        times = sender.times
        busiest = 0
        j = 0
        for i, t in enumerate(times):
            while times[j] < t - 1.0:
                j += 1
            busiest = max(busiest, i - j + 1)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return {
            "channels": channels,
            "messages": len(times),
            "messages_per_s": round((len(times) - 1) / span, 1) if span else None,
            "busiest_second": busiest,
            "first_message_after_edit_s": round(times[0] - edited, 3) if times else None,
            "all_sent_after_edit_s": round(times[-1] - edited, 3) if times else None,
        }
    finally:
        await store.close()


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_watch.py")
    parser.add_argument("--channels", type=int, default=1000, help="channels for the unpaced run")
    parser.add_argument("--paced", type=int, default=200, help="channels for the 45/s run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        unpaced = await fan_out(folder, args.channels, TokenBucket(1e9, 1e9))
        paced = await fan_out(folder, args.paced, TokenBucket(GLOBAL_RATE, GLOBAL_BURST))
    print(json.dumps({"unpaced": unpaced, "paced_45_per_s": paced, "discord_global_limit": 50}, indent=2))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
