"""Sending replies: the defer deadline counts from when Discord created the interaction."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import discord

from cogs.ui import answer
from kdrama.render import Reply


class FakeResponse:
    def __init__(self) -> None:
        self.deferred: dict[str, Any] | None = None
        self.sent: list[dict[str, Any]] = []

    def is_done(self) -> bool:
        return self.deferred is not None or bool(self.sent)

    async def defer(self, **kwargs: Any) -> None:
        self.deferred = kwargs

    async def send_message(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


class FakeFollowup:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


def interaction(age: float) -> Any:
    """An interaction Discord created `age` seconds ago."""
    created = discord.utils.utcnow() - timedelta(seconds=age)
    return SimpleNamespace(created_at=created, response=FakeResponse(), followup=FakeFollowup(), extras={})


async def slow_reply(seconds: float) -> Reply:
    await asyncio.sleep(seconds)
    return Reply(content="done")


async def test_time_spent_before_the_command_ran_counts_toward_the_defer() -> None:
    # 1.7 s went to checks waiting on the database; the answer takes 0.8 s more: 2.5 s in all.
    fake = interaction(age=1.7)
    await answer(fake, slow_reply(0.8))
    assert fake.response.deferred == {"thinking": True, "ephemeral": False}
    assert [s["content"] for s in fake.followup.sent] == ["done"]


async def test_a_quick_answer_is_not_deferred() -> None:
    fake = interaction(age=0.05)
    await answer(fake, slow_reply(0.05))
    assert fake.response.deferred is None
    assert [s["content"] for s in fake.response.sent] == ["done"]


async def test_a_failure_after_the_defer_reaches_the_error_handler_once_the_defer_is_done() -> None:
    # The defer is still on its way to Discord when the work fails: the error handler, which
    # answers with a follow-up after a defer, must not race it with a first response.
    class SlowDefer(FakeResponse):
        async def defer(self, **kwargs: Any) -> None:
            await asyncio.sleep(0.3)
            self.deferred = kwargs

    fake = interaction(age=1.95)
    fake.response = SlowDefer()

    async def failing() -> Reply:
        await asyncio.sleep(0.15)
        raise LookupError("no such show")

    try:
        await answer(fake, failing())
    except LookupError:
        assert fake.response.is_done() and fake.extras.get("public_placeholder") is True
    else:
        raise AssertionError("the work's error was swallowed")
