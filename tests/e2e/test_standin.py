"""The Discord stand-in, exercised through the launcher and a real bare bot process."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import psutil
import pytest

from tests.standin.gateway import GatewaySession
from tests.standin.process import BotProcess
from tests.standin.scenario import DiscordStandIn, InteractionHandle, Reply
from tests.standin.server import (
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    UPDATE_MESSAGE,
)
from tests.standin.world import (
    ALL_PERMISSIONS,
    MANAGE_CHANNELS,
    SEND_MESSAGES,
    Channel,
    Guild,
    Member,
)

pytestmark = pytest.mark.asyncio

BARE_COMMANDS = {"resolve", "ping", "slow", "pick", "button", "post", "edit", "file", "note", "inspect"}


@pytest.fixture(scope="module")
def standin_server() -> Iterator[DiscordStandIn]:
    """Two shards here, so every test also exercises guild-to-shard routing."""
    with DiscordStandIn(shard_count=2) as server:
        yield server


@pytest.fixture(scope="module")
def guild(standin_server: DiscordStandIn) -> Guild:
    """A server on shard 1 with #general and #news, made before the bot connects."""
    return standin_server.make_guild("Drama club", shard=1, channels=("general", "news"))


@pytest.fixture(scope="module")
def guild0(standin_server: DiscordStandIn) -> Guild:
    """A server on shard 0."""
    return standin_server.make_guild("Shard zero club", shard=0)


@pytest.fixture(scope="module")
def bot(guild: Guild, guild0: Guild, bot_factory: Callable[..., BotProcess]) -> Iterator[BotProcess]:
    """The bare bot, running for the whole module (discord.py identifies shard 1 after 5 s)."""
    proc = bot_factory(ready_marker="bare-bot ready", name="bare")
    proc.start()
    yield proc


def shard_session(standin: DiscordStandIn, guild: Guild) -> GatewaySession:
    """The gateway session serving guild."""
    shard = (guild.id >> 22) % standin.shard_count
    return next(s for s in standin.live_sessions() if s.shard_id == shard)


def fresh_channel(standin: DiscordStandIn, guild: Guild, name: str) -> Channel:
    """A channel of its own for one test, so message counts don't mix."""
    return standin.make_channel(guild, name)


async def post(
    standin: DiscordStandIn,
    fan: Member,
    at: Channel,
    target: Channel,
    nonce: str,
    count: int = 1,
    within: float = 15.0,
) -> Reply:
    """Run /post and return the bot's report of what Discord answered."""
    handle = standin.slash("post", by=fan, at=at, channel=target, nonce=nonce, count=count)
    return await handle.reply(within)


async def test_login_gateway_and_command_sync(
    standin: DiscordStandIn, bot: BotProcess, guild: Guild, guild0: Guild
) -> None:
    routes = [r.route for r in standin.requests]
    for route in (
        "GET /users/@me",
        "GET /oauth2/applications/@me",
        "GET /gateway/bot",
        "PUT /applications/{application_id}/commands",
    ):
        assert route in routes
    me = standin.requests_to("GET /users/@me")[0]
    assert me.headers["Authorization"] == "Bot test-token"
    synced = standin.requests_to("PUT /applications/{application_id}/commands")[-1]
    assert {c["name"] for c in synced.json} == BARE_COMMANDS
    assert set(standin.global_commands) == BARE_COMMANDS
    assert all(c["id"] for c in synced.response)
    sessions = {s.shard_id: s for s in standin.live_sessions()}
    assert {k: s.identify["shard"] for k, s in sessions.items()} == {0: [0, 2], 1: [1, 2]}
    for session in sessions.values():
        assert session.identify["token"] == "test-token"
        assert session.frames[0]["t"] == "READY"
        assert [f["s"] for f in session.frames] == list(range(1, len(session.frames) + 1))
        conn = session.conn
        assert conn is not None and conn.query["v"] == "10" and conn.query["encoding"] == "json"
    # Each guild's GUILD_CREATE goes to its shard: (guild_id >> 22) % shard_count.
    created = {
        k: [f["d"]["id"] for f in s.frames if f["t"] == "GUILD_CREATE"][:1] for k, s in sessions.items()
    }
    assert created == {0: [str(guild0.id)], 1: [str(guild.id)]}
    assert not standin.unexpected


async def test_rest_answers_are_exact_json_and_unknown_routes_are_recorded(
    standin: DiscordStandIn,
) -> None:
    def get(path: str) -> tuple[int, str, dict[str, object]]:
        req = urllib.request.Request(standin.api_base + path, headers={"Authorization": "Bot test-token"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status, resp.headers["Content-Type"], json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, err.headers["Content-Type"], json.loads(err.read())

    status, ctype, body = await asyncio.to_thread(get, "/users/@me")
    assert (status, ctype, body["id"]) == (200, "application/json", str(standin.app_id))
    status, ctype, body = await asyncio.to_thread(get, "/no/such/route")
    assert (status, ctype, body) == (
        404,
        "application/json",
        {"message": "404: Not Found", "code": 0},
    )
    assert standin.unexpected[-1].route == "GET /no/such/route"
    standin.unexpected.pop()  # deliberate; the fixture checks the bot made none

    attachment = standin.add_attachment("catalog.json", b'{"shows": []}')
    with urllib.request.urlopen(attachment["url"], timeout=5) as resp:  # noqa: ASYNC210
        assert resp.read() == b'{"shows": []}'


async def test_ping_round_trip(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    timings = []
    for _ in range(10):
        reply = await standin.slash("ping", by=fan, at=general).reply()
        assert reply.content == "pong"
        assert not reply.ephemeral
        assert reply.allowed_mentions == {"parse": []}
        assert reply.elapsed is not None
        timings.append(reply.elapsed)
    assert max(timings) < 3.0
    print(
        f"/ping dispatch->callback median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms"
    )


async def test_mentions_are_parsed_as_discord_would(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await standin.slash("ping", by=fan, at=general).reply()
    assert reply.pings() == set()
    raw = Reply({"content": f"hi {fan.mention} @everyone"}, {})
    assert raw.pings() == {"everyone", f"user:{fan.id}"}
    chosen = Reply(
        {"content": f"<@&1> <@&2> {fan.mention}"},
        {"allowed_mentions": {"parse": [], "roles": ["2"]}},
    )
    assert chosen.pings() == {"role:2"}


async def test_resolved_options_are_read_by_discord_py(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    mod = standin.manager_member(guild, "mod")
    role = standin.make_role(guild, "Curators", 0)
    upload = standin.add_attachment("catalog.json", b'{"shows": []}')
    handle = standin.slash("resolve", by=fan, at=general, member=mod, role=role, file=upload)
    resolved = handle.record.payload["data"]["resolved"]
    assert set(resolved) == {"users", "members", "roles", "attachments"}
    reply = await handle.reply(within=10)
    assert reply.content == ('mod manages channels: True; Curators; catalog.json: {"shows": []}')


async def test_member_and_app_permissions_in_interactions(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    handles: list[InteractionHandle] = []

    def sent(member: Member, channel: Channel) -> dict[str, Any]:
        handles.append(standin.slash("ping", by=member, at=channel))
        return handles[-1].record.payload

    plain = int(sent(fan, general)["member"]["permissions"])
    assert plain & SEND_MESSAGES and not plain & MANAGE_CHANNELS
    assert int(sent(standin.manager_member(guild, "mod2"), general)["member"]["permissions"]) & (
        MANAGE_CHANNELS
    )
    assert int(sent(standin.admin_member(guild), general)["member"]["permissions"]) == (ALL_PERMISSIONS)
    owner = sent(standin.owner_member(guild), general)["member"]
    assert owner["user"]["id"] == str(standin.owner.id)
    quiet = fresh_channel(standin, guild, "quiet")
    standin.deny_bot(quiet, SEND_MESSAGES)
    payload = sent(fan, quiet)
    assert not int(payload["app_permissions"]) & SEND_MESSAGES
    assert int(sent(fan, general)["app_permissions"]) & SEND_MESSAGES
    assert payload["entitlements"] == [] and payload["context"] == 0
    assert payload["authorizing_integration_owners"] == {"0": str(guild.id)}
    for handle in handles:
        assert (await handle.reply()).content == "pong"


async def test_slash_command_from_a_dm(standin: DiscordStandIn, bot: BotProcess) -> None:
    user = standin.make_user("dm fan")
    handle = standin.slash("ping", by=user, at=standin.make_dm(user))
    assert handle.record.payload["context"] == 1 and "member" not in handle.record.payload
    assert (await handle.reply()).content == "pong"


async def test_late_callback_is_refused_like_discord(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    standin.interaction_deadline = 0.0
    try:
        handle = standin.slash("ping", by=fan, at=general)
        with pytest.raises(AssertionError, match="deadline"):
            await handle.callback()
    finally:
        standin.interaction_deadline = 3.0
    refused = [
        r
        for r in standin.requests_to("POST /interactions/{interaction_id}/{token}/callback")
        if r.params["interaction_id"] == str(handle.id)
    ]
    assert [(r.status, r.response["code"]) for r in refused] == [(404, 10062)]


async def test_autocomplete_round_trip(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    handle = standin.autocomplete("pick", by=fan, at=general, focused="show", show="squid")
    assert await handle.choices() == [{"name": "Squid Game", "value": "Squid Game"}]
    sent = handle.record.payload["data"]["options"]
    assert sent == [{"name": "show", "type": 3, "value": "squid", "focused": True}]
    everything = await standin.autocomplete("pick", by=fan, at=general, focused="show").choices()
    assert len(everything) == 4


async def test_defer_then_follow_up_keeps_ephemeral(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    handle = standin.slash("slow", by=fan, at=general)
    callback = await handle.callback()
    assert callback.type == DEFERRED_CHANNEL_MESSAGE and callback.ephemeral
    reply = await handle.reply()
    assert reply.content == "done after defer"
    assert reply.ephemeral
    assert [f.content for f in await handle.followups(1)] == ["done after defer"]


async def test_button_click_updates_the_message(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    handle = standin.slash("button", by=fan, at=general)
    message = await handle.reply()
    assert (await handle.callback()).type == CHANNEL_MESSAGE
    assert [b["custom_id"] for b in message.buttons()] == ["bare:press"]
    click = standin.click(message, "bare:press", by=fan, at=general)
    assert (await click.callback()).type == UPDATE_MESSAGE
    updated = await click.reply()
    assert updated.content == "pressed by fan"
    assert updated.components == []


async def test_edit_original_response(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    handle = standin.slash("edit", by=fan, at=general)
    await standin.wait_for(lambda: handle.record.original_edits, 5, "the edit")
    reply = await handle.reply()
    assert reply.content == "second"
    assert reply.message["edited_timestamp"]
    assert handle.record.original_edits[0]["content"] == "second"


async def test_file_in_the_callback_is_multipart_and_downloadable(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    handle = standin.slash("file", by=fan, at=general)
    callback = await handle.callback()
    assert [f["filename"] for f in callback.files] == ["hello.txt"]
    reply = await handle.reply()
    assert reply.content == "here"
    [attachment] = reply.message["attachments"]
    with urllib.request.urlopen(attachment["url"], timeout=5) as resp:  # noqa: ASYNC210
        assert resp.read() == b"hello file"


async def test_modal_round_trip(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, general: Channel
) -> None:
    modal = await standin.slash("note", by=fan, at=general).modal()
    assert modal["title"] == "Note"
    submit = standin.submit_modal(modal, {"note": "watch S2"}, by=fan, at=general)
    reply = await submit.reply()
    assert (reply.content, reply.ephemeral) == ("noted: watch S2", True)


async def test_rest_reads_and_guild_events(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    async def inspect(channel: Channel) -> str:
        handle = standin.slash("inspect", by=fan, at=general, channel_id=str(channel.id))
        return (await handle.reply()).content

    assert await inspect(general) == (
        f"cached; #general in Drama club ({len(guild.channels)} channels); me: Drama Bot with 2 roles"
    )
    doomed = fresh_channel(standin, guild, "doomed")
    assert (await inspect(doomed)).startswith("cached; #doomed")
    standin.delete_channel(doomed)  # CHANNEL_DELETE reaches the bot's cache
    assert await inspect(doomed) == "not cached; error 404 10003"
    other = standin.make_guild("Other club")  # GUILD_CREATE as when the bot is invited
    elsewhere = next(iter(other.channels.values()))
    assert (await inspect(elsewhere)).startswith("cached; #general in Other club")
    standin.remove_bot(other)  # GUILD_DELETE
    assert await inspect(elsewhere) == "not cached; error 403 50001"


async def test_nonce_dedupes_channel_posts(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    target = fresh_channel(standin, guild, "nonce")
    first = await post(standin, fan, general, target, "delivery-1")
    second = await post(standin, fan, general, target, "delivery-1")
    assert first.content.startswith("sent ")
    assert second.content == first.content  # the earlier message came back
    assert len(standin.channel_messages(target)) == 1
    bodies = [r.json for r in standin.requests_to(f"POST /channels/{target.id}/messages")]
    assert [(b["nonce"], b["enforce_nonce"]) for b in bodies] == [("delivery-1", True)] * 2
    await post(standin, fan, general, target, "delivery-2")
    posted = await standin.wait_channel_messages(target, 2)
    assert [(m.content, m.payload["nonce"]) for m in posted] == [
        ("posted", "delivery-1"),
        ("posted", "delivery-2"),
    ]
    assert all(m.allowed_mentions == {"parse": []} and m.pings() == set() for m in posted)


async def test_per_route_429_is_retried_thanks_to_via(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    target = fresh_channel(standin, guild, "ratelimited")
    invalid_before = standin.invalid_requests
    standin.inject("POST /channels/{id}/messages", status=429, retry_after=0.3)
    reply = await post(standin, fan, general, target, "rl-1")
    assert reply.content.startswith("sent ")
    posts = standin.requests_to(f"POST /channels/{target.id}/messages")
    assert [p.status for p in posts] == [429, 200]
    assert posts[1].time - posts[0].time >= 0.3
    assert posts[0].response == {
        "message": "You are being rate limited.",
        "retry_after": 0.3,
        "global": False,
    }
    assert standin.invalid_requests == invalid_before + 1
    assert len(standin.channel_messages(target)) == 1


async def test_500_and_502_are_retried_and_503_raised(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    target = fresh_channel(standin, guild, "flaky")
    invalid_before = standin.invalid_requests
    standin.inject(f"POST /channels/{target.id}/messages", status=500)
    assert (await post(standin, fan, general, target, "5xx-1")).content.startswith("sent ")
    standin.inject(f"POST /channels/{target.id}/messages", status=502)
    assert (await post(standin, fan, general, target, "5xx-2")).content.startswith("sent ")
    standin.inject(f"POST /channels/{target.id}/messages", status=503)
    assert (await post(standin, fan, general, target, "5xx-3")).content == "error 503 0"
    posts = standin.requests_to(f"POST /channels/{target.id}/messages")
    assert [p.status for p in posts] == [500, 200, 502, 200, 503]
    assert posts[0].response == {"message": "500: Internal Server Error", "code": 0}
    assert posts[1].time - posts[0].time >= 1.0  # discord.py sleeps 1 + 2 * tries
    assert standin.invalid_requests == invalid_before  # 5xx do not count


@pytest.mark.parametrize(("status", "code"), [(403, 50001), (403, 50013), (404, 10003)])
async def test_error_codes_reach_the_bot(
    standin: DiscordStandIn,
    bot: BotProcess,
    fan: Member,
    guild: Guild,
    general: Channel,
    status: int,
    code: int,
) -> None:
    target = fresh_channel(standin, guild, f"err{code}")
    invalid_before = standin.invalid_requests
    standin.inject(f"POST /channels/{target.id}/messages", status=status, code=code)
    assert (await post(standin, fan, general, target, "err")).content == f"error {status} {code}"
    assert standin.invalid_requests == invalid_before + (status == 403)
    assert standin.channel_messages(target) == []


async def test_real_permissions_and_missing_channels(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    muted = fresh_channel(standin, guild, "muted")
    standin.deny_bot(muted, SEND_MESSAGES)
    assert (await post(standin, fan, general, muted, "p")).content == "error 403 50013"
    hidden = fresh_channel(standin, guild, "hidden")
    standin.deny_bot(hidden, 1 << 10)  # View Channel
    assert (await post(standin, fan, general, hidden, "p")).content == "error 403 50001"
    gone = fresh_channel(standin, guild, "gone")
    standin.delete_channel(gone, notify=False)  # deleted while the bot was not looking
    assert (await post(standin, fan, general, gone, "p")).content == "error 404 10003"


async def test_delay(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    target = fresh_channel(standin, guild, "slowpoke")
    standin.inject("POST /channels/*/messages", delay=0.5)
    started = time.monotonic()
    assert (await post(standin, fan, general, target, "d")).content.startswith("sent ")
    assert time.monotonic() - started >= 0.5


async def test_global_limit_counts_violations(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    target = fresh_channel(standin, guild, "burst")
    standin.enforce_global_limit = True
    reply = await post(standin, fan, general, target, "burst", count=70, within=20)
    assert reply.content == "sent 70"  # discord.py waits out the global 429s and retries
    assert standin.global_limit_violations > 0
    assert len(standin.channel_messages(target)) == 70
    limited = [r for r in standin.requests if r.fault == "global-limit"]
    assert limited and all(r.status == 429 and r.response["global"] for r in limited)


async def test_global_429_body(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    target = fresh_channel(standin, guild, "global")
    standin.inject("POST /channels/{id}/messages", status=429, is_global=True, retry_after=0.2)
    assert (await post(standin, fan, general, target, "g")).content.startswith("sent ")
    first = standin.requests_to(f"POST /channels/{target.id}/messages")[0]
    assert first.response["global"] is True


@pytest.mark.parametrize("code", [4000, None], ids=["close-4000", "abrupt"])
async def test_websocket_drop_resumes_and_replays(
    standin: DiscordStandIn,
    bot: BotProcess,
    fan: Member,
    guild: Guild,
    general: Channel,
    code: int | None,
) -> None:
    session = shard_session(standin, guild)
    resumes = session.resumes
    standin.drop_gateway(shard=session.shard_id, code=code)
    # Sent while the socket is down: kept for the RESUME replay.
    handle = standin.slash("ping", by=fan, at=general)
    assert (await handle.reply(within=10)).content == "pong"
    assert session.resumes == resumes + 1
    assert shard_session(standin, guild) is session
    assert session.conn is not None and session.conn.path == "/gateway/resume"
    assert session.frames[-1]["t"] == "RESUMED" or any(f["t"] == "RESUMED" for f in session.frames)


async def test_invalid_session_makes_the_bot_identify_again(
    standin: DiscordStandIn, bot: BotProcess, fan: Member, guild: Guild, general: Channel
) -> None:
    old = shard_session(standin, guild)
    standin.invalidate_next_resume = True
    standin.drop_gateway(shard=old.shard_id, code=4000)
    # discord.py waits 5 s before a non-initial IDENTIFY.
    new = await standin.wait_for(
        lambda: next(
            (s for s in standin.live_sessions() if s.shard_id == 1 and s is not old and s.conn),
            None,
        ),
        12,
        "a new IDENTIFY after INVALID_SESSION",
    )
    assert new is not None and new.identify["shard"] == [1, 2]
    assert (await standin.slash("ping", by=fan, at=general).reply()).content == "pong"


async def test_dev_guild_sync_sigterm_sigkill_and_nothing_left_behind(
    bot_factory: Callable[..., BotProcess],
) -> None:
    with DiscordStandIn() as server:
        dev = server.make_guild("Dev server")
        proc = bot_factory(
            server,
            ready_marker="bare-bot ready",
            name="lifecycle",
            dev_guild_id=dev.id,
            require_sync=True,
        )
        proc.start()
        # DEV_GUILD_ID: commands go to that server only, never also globally.
        assert set(server.guild_commands[dev.id]) == BARE_COMMANDS
        assert server.global_commands == {}
        channel = next(iter(dev.channels.values()))
        handle = server.slash("ping", by=server.plain_member(dev), at=channel)
        assert handle.record.payload["data"]["guild_id"] == str(dev.id)
        assert (await handle.reply()).content == "pong"
        pid = proc.pid
        assert proc.stop() == 0
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        proc.start()  # again, on the same database and work dir
        assert proc.kill() == -9
        assert not proc.running()
        assert not server.unexpected
