"""The command tree's one error handler: a refusal from any layer is answered privately, once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
from discord import app_commands

from bot import DramaTree, user_error
from cogs.ui import PUBLIC_PLACEHOLDER
from kdrama.edits import EditError
from kdrama.errors import UserError
from kdrama.lookup import UnknownShow


class FakeResponse:
    def __init__(self, done: bool) -> None:
        self.done = done
        self.sent: list[dict[str, Any]] = []

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, content: str, **kwargs: Any) -> None:
        self.sent.append({"content": content, **kwargs})


class FakeFollowup:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, content: str, **kwargs: Any) -> None:
        self.sent.append({"content": content, **kwargs})


async def _noop(interaction: discord.Interaction[Any]) -> None:
    """A command to hang errors on."""


COMMAND: app_commands.Command[Any, Any, None] = app_commands.Command(
    name="x", description="x", callback=_noop
)


class FakeInteraction(SimpleNamespace):
    deleted = 0

    async def delete_original_response(self) -> None:
        self.deleted += 1


def interaction(*, deferred: bool = False, public: bool = False, locale: str = "en-US") -> Any:
    return FakeInteraction(
        response=FakeResponse(deferred),
        followup=FakeFollowup(),
        command=COMMAND,
        extras={PUBLIC_PLACEHOLDER: True} if public else {},
        locale=discord.Locale(locale),  # every interaction carries the user's client language
    )


def tree() -> DramaTree:
    return DramaTree(discord.Client(intents=discord.Intents.none()))  # type: ignore[arg-type]


async def test_a_refusal_inside_a_command_is_answered_privately_with_its_sentence() -> None:
    fake = interaction()
    error = app_commands.CommandInvokeError(COMMAND, UnknownShow("Nope", ["Nope Show"]))
    await tree().on_error(fake, error)
    (sent,) = fake.response.sent
    assert sent["content"] == "No show called “Nope”; did you mean “Nope Show”?"
    assert sent["ephemeral"] is True
    assert sent["allowed_mentions"].to_dict() == discord.AllowedMentions.none().to_dict()


async def test_the_refusal_is_in_the_users_language() -> None:
    korean, french = interaction(locale="ko"), interaction(locale="fr")
    error = app_commands.CommandInvokeError(COMMAND, UnknownShow("Nope", ["Nope Show", "Nope 2"]))
    await tree().on_error(korean, error)
    await tree().on_error(french, error)
    assert korean.response.sent[0]["content"] == (
        "“Nope” 작품을 찾을 수 없습니다. 찾으시는 작품이 “Nope Show” 또는 “Nope 2”인가요?"
    )
    assert korean.response.sent[0]["ephemeral"] is True
    assert (
        french.response.sent[0]["content"] == "No show called “Nope”; did you mean “Nope Show” or “Nope 2”?"
    )


async def test_a_refusal_after_deferring_is_a_private_follow_up() -> None:
    fake = interaction(deferred=True)
    await tree().on_error(
        fake, app_commands.CommandInvokeError(COMMAND, EditError("Give the trailer's link."))
    )
    assert fake.response.sent == []
    (sent,) = fake.followup.sent
    assert sent["content"] == "Give the trailer's link." and sent["ephemeral"] is True


async def test_a_refusal_after_a_public_defer_deletes_the_placeholder_and_stays_private() -> None:
    fake = interaction(deferred=True, public=True)
    await tree().on_error(fake, app_commands.CommandInvokeError(COMMAND, UnknownShow("Nope", [])))
    assert fake.deleted == 1
    (sent,) = fake.followup.sent
    assert sent["content"] == "No show called “Nope”." and sent["ephemeral"] is True


def test_the_user_error_is_found_behind_a_transformer_error() -> None:
    refusal = UserError("Choose between {low} and {high} days.", low=1, high=3660)
    try:
        try:
            raise refusal
        except UserError as e:
            raise app_commands.TransformerError(
                "x", discord.AppCommandOptionType.integer, app_commands.Transformer()
            ) from e
    except app_commands.TransformerError as e:
        assert user_error(e) is refusal
        assert str(user_error(e)) == "Choose between 1 and 3660 days."
    assert user_error(app_commands.CheckFailure("no")) is None
