"""The rate budget: no second over Discord's limit."""

from __future__ import annotations

import pytest

from kdrama.watch.budget import TokenBucket, bot_budget, shard_share


async def test_the_token_bucket_keeps_every_second_under_50() -> None:
    now = [0.0]
    stamps: list[float] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    bucket = TokenBucket(45, 3, clock=lambda: now[0], sleep=sleep)
    for _ in range(450):
        await bucket.take()
        stamps.append(now[0])
    busiest = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    assert busiest <= 48
    assert 450 / stamps[-1] == pytest.approx(45, rel=0.02)


async def busiest_second_of(buckets: list[TokenBucket], now: list[float], takes: int) -> tuple[int, float]:
    """Take `takes` tokens from each bucket, in turn as time allows; (busiest second, rate)."""
    stamps: list[float] = []
    for _ in range(takes):
        for bucket in buckets:
            await bucket.take()
            stamps.append(now[0])
    busiest = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    return busiest, len(stamps) / stamps[-1]


@pytest.mark.parametrize("processes", [2, 3, 8])
async def test_processes_sharing_a_bot_stay_under_its_limit_together(processes: int) -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    shares = [shard_share(processes * 2, [2 * i, 2 * i + 1]) for i in range(processes)]
    assert sum(shares) == pytest.approx(1.0)
    buckets = [bot_budget(share, clock=lambda: now[0], sleep=sleep) for share in shares]
    busiest, rate = await busiest_second_of(buckets, now, 300)
    assert busiest <= 45  # 5 under Discord's 50: room for each process's own delays
    assert rate > 35  # together still close to it: the shares add up to the whole


def test_a_process_running_every_shard_has_the_whole_budget() -> None:
    assert shard_share(None, None) == 1.0
    assert shard_share(4, [0, 1, 2, 3]) == 1.0
    assert shard_share(4, [1]) == 0.25
    whole = bot_budget(1.0)
    assert (whole.rate, whole.capacity) == (45.0, 3)
