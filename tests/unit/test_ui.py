"""Sending replies: the defer deadline counts from when Discord created the interaction."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import discord

from cogs.ui import FAILED, PUBLIC_PLACEHOLDER, PageButton, answer, send_reply
from kdrama import i18n
from kdrama.errors import UserError
from kdrama.render import Reply, error_reply


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


class StuckPlaceholder:
    """A public "thinking…" placeholder Discord won't delete (its edits are recorded)."""

    def __init__(self) -> None:
        self.edits: list[dict[str, Any]] = []

    async def delete_original_response(self) -> None:
        raise discord.HTTPException(
            SimpleNamespace(status=403, reason="Forbidden"),  # type: ignore[arg-type]
            {"code": 50013, "message": "Missing Permissions"},
        )

    async def edit_original_response(self, **kwargs: Any) -> None:
        self.edits.append(kwargs)


def deferred_publicly(locale: discord.Locale, stuck: StuckPlaceholder) -> Any:
    """An interaction deferred with a public "thinking…" whose placeholder is stuck."""
    fake = interaction(age=0)
    fake.response.deferred = {"thinking": True, "ephemeral": False}
    fake.extras[PUBLIC_PLACEHOLDER] = True
    fake.locale = locale
    fake.delete_original_response = stuck.delete_original_response
    fake.edit_original_response = stuck.edit_original_response
    return fake


async def test_a_placeholder_that_cannot_be_deleted_says_answered_privately_in_the_askers_language() -> None:
    stuck = StuckPlaceholder()
    fake = deferred_publicly(discord.Locale.korean, stuck)
    await send_reply(fake, error_reply("그런 작품이 없습니다."))
    # What the whole channel sees where the answer would have been: Korean, as the answer would be.
    assert [e["content"] for e in stuck.edits] == ["비공개로 답변했습니다."]
    assert stuck.edits[0]["allowed_mentions"].to_dict() == {"parse": []}
    assert [(m["content"], m["ephemeral"]) for m in fake.followup.sent] == [("그런 작품이 없습니다.", True)]


async def test_an_english_askers_stuck_placeholder_says_answered_privately() -> None:
    stuck = StuckPlaceholder()
    await send_reply(deferred_publicly(discord.Locale.american_english, stuck), error_reply("No such show."))
    assert [e["content"] for e in stuck.edits] == ["Answered privately."]


def clicked(pager: Any, locale: discord.Locale = discord.Locale.american_english) -> Any:
    """A click on a page button of kind "cast", whose pages come from `pager`."""
    fake = interaction(age=0)
    fake.locale = locale
    fake.client = SimpleNamespace(pagers={"cast": pager})
    return fake


async def test_a_button_that_fails_tells_its_clicker_privately_and_logs_it(caplog: Any) -> None:
    async def broken(interaction: Any, ids: list[int], page: int) -> Reply:
        raise RuntimeError("the page would not render")

    fake = clicked(broken)
    await PageButton("cast:1:0", 1, "Next").callback(fake)
    assert [(m["content"], m["ephemeral"]) for m in fake.response.sent] == [
        ("Something went wrong on my side; it has been logged. Please try again.", True)
    ]
    assert fake.response.sent[0]["allowed_mentions"].to_dict() == {"parse": []}
    assert any("page:cast:1:0:1" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_a_button_that_fails_after_deferring_still_answers_in_the_clickers_language() -> None:
    async def slow_then_broken(interaction: Any, ids: list[int], page: int) -> Reply:
        await interaction.response.defer()
        raise RuntimeError("TMDB went away")

    fake = clicked(slow_then_broken, discord.Locale.korean)
    await PageButton("cast:1:0", 1, "Next").callback(fake)
    [sent] = fake.followup.sent
    assert sent["ephemeral"] and sent["content"] != FAILED
    assert sent["content"] == i18n.text("ko").gettext(FAILED)


async def test_a_button_refused_midway_gets_the_refusal_not_a_failure() -> None:
    async def refused(interaction: Any, ids: list[int], page: int) -> Reply:
        raise UserError("That show is no longer in the catalog.")

    fake = clicked(refused)
    await PageButton("cast:1:0", 1, "Next").callback(fake)
    assert [m["content"] for m in fake.response.sent] == ["That show is no longer in the catalog."]
