"""The stand-in's direct messages and user installs, as a bot's REST calls and Discord's rules see them."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.standin.scenario import DiscordStandIn

pytestmark = pytest.mark.asyncio


async def call(standin: DiscordStandIn, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One REST request as the bot makes it (its token, JSON in and out)."""
    headers = {"Authorization": f"Bot {standin.token}", "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, standin.api_base + path, json=body, headers=headers) as resp,
    ):
        return resp.status, await resp.json() if resp.status != 204 else None


async def test_a_dm_channel_is_opened_once_per_user(standin: DiscordStandIn) -> None:
    fan = standin.make_user("dm-fan")
    status, first = await call(standin, "POST", "/users/@me/channels", {"recipient_id": str(fan.id)})
    assert status == 200 and first["type"] == 1
    assert [u["id"] for u in first["recipients"]] == [str(fan.id)]
    status, again = await call(standin, "POST", "/users/@me/channels", {"recipient_id": str(fan.id)})
    assert status == 200 and again["id"] == first["id"]
    assert standin.make_dm(fan).id == int(first["id"])


async def test_an_unknown_user_has_no_dm_channel(standin: DiscordStandIn) -> None:
    status, body = await call(standin, "POST", "/users/@me/channels", {"recipient_id": "4242"})
    assert (status, body["code"]) == (404, 10013)


async def test_dms_are_posted_and_deduplicated_by_nonce(standin: DiscordStandIn) -> None:
    fan = standin.make_user("nonce-fan")
    _, channel = await call(standin, "POST", "/users/@me/channels", {"recipient_id": str(fan.id)})
    message = {"content": "Season 2 is out", "nonce": "d17", "enforce_nonce": True}
    first = await call(standin, "POST", f"/channels/{channel['id']}/messages", message)
    second = await call(standin, "POST", f"/channels/{channel['id']}/messages", message)
    assert first[0] == second[0] == 200 and first[1]["id"] == second[1]["id"]
    assert "guild_id" not in first[1]
    assert [m["content"] for m in standin.dm_messages(fan)] == ["Season 2 is out"]


async def test_closed_dms_answer_50007_and_count_as_invalid(standin: DiscordStandIn) -> None:
    fan = standin.make_user("closed-fan")
    _, channel = await call(standin, "POST", "/users/@me/channels", {"recipient_id": str(fan.id)})
    standin.close_dms(fan)
    before = standin.invalid_requests
    status, body = await call(standin, "POST", f"/channels/{channel['id']}/messages", {"content": "hi"})
    assert (status, body["code"], body["message"]) == (403, 50007, "Cannot send messages to this user")
    assert standin.invalid_requests == before + 1
    assert standin.dm_messages(fan) == []
    standin.close_dms(fan, closed=False)
    status, _ = await call(standin, "POST", f"/channels/{channel['id']}/messages", {"content": "hi"})
    assert status == 200 and len(standin.dm_messages(fan)) == 1


async def test_the_bot_cannot_post_in_a_group_dm_it_is_not_in(standin: DiscordStandIn) -> None:
    a, b = standin.make_user("friend-a"), standin.make_user("friend-b")
    group = standin.make_private_channel(a, b)
    status, body = await call(standin, "POST", f"/channels/{group.id}/messages", {"content": "hi"})
    assert (status, body["code"]) == (404, 10003)


async def test_user_install_interactions_have_no_guild_and_respect_contexts(standin: DiscordStandIn) -> None:
    standin.global_commands["lookup"] = {
        "id": "1",
        "name": "lookup",
        "type": 1,
        "options": [],
        "integration_types": [0, 1],
        "contexts": [0, 1, 2],
    }
    standin.global_commands["staff"] = {
        "id": "2",
        "name": "staff",
        "type": 1,
        "options": [],
        "integration_types": [0],
        "contexts": [0],
    }
    try:
        fan, friend = standin.make_user("installer"), standin.make_user("friend")
        group = standin.make_private_channel(fan, friend)
        payload = standin.slash_payload("lookup", by=fan, at=group)
        assert payload["context"] == 2
        assert payload["authorizing_integration_owners"] == {"1": str(fan.id)}
        assert "guild_id" not in payload and "member" not in payload
        assert payload["user"]["id"] == str(fan.id)
        assert payload["channel"]["type"] == 3
        with pytest.raises(AssertionError, match="not offer /staff in context 2"):
            standin.slash_payload("staff", by=fan, at=group)
        with pytest.raises(AssertionError, match="not offer /staff in context 1"):
            standin.slash_payload("staff", by=fan, at=standin.make_dm(fan))
    finally:
        standin.global_commands.pop("lookup", None)
        standin.global_commands.pop("staff", None)
