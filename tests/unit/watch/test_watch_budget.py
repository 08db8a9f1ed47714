"""The rate budget: no second over Discord's limit."""

from __future__ import annotations

import pytest

from kdrama.watch.budget import TokenBucket


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
