"""A local Discord stand-in: the REST API v10 and the gateway, as a discord.py bot sees them.

The server runs its own event loop in a background thread, so it answers the bot process
whatever the test is doing, and tests of any pytest-asyncio loop scope can share it. State is
guarded by one re-entrant lock; public methods may be called from any thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from aiohttp import BodyPartReader, web

from .gateway import GatewayConnection, GatewayMixin, GatewaySession
from .validation import (
    ApiError,
    invalid_form,
    not_found,
    validate_choices,
    validate_commands,
    validate_message,
    validate_modal,
)
from .world import (
    ADMINISTRATOR,
    ATTACH_FILES,
    DEFAULT_BOT_ROLE,
    DEFAULT_EVERYONE,
    MANAGE_CHANNELS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Member,
    Overwrite,
    Role,
    Snowflakes,
    User,
    iso_now,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

API_PREFIX = "/api/v10"
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Interaction callback types (discord-api-docs, interactions/receiving-and-responding).
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

GLOBAL_LIMIT = 50  # requests per second per bot


@dataclass
class RequestRecord:
    """One HTTP request the bot made, and what the stand-in answered."""

    method: str
    route: str  # the template, e.g. "POST /channels/{channel_id}/messages"
    path: str  # the concrete path under /api/v10
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[dict[str, Any]]
    headers: dict[str, str]
    time: float  # time.monotonic() at arrival
    status: int = 0
    response: Any = None
    fault: str | None = None


@dataclass
class Fault:
    """An injected failure for requests matching a pattern, the next `times` times."""

    pattern: re.Pattern[str]
    text: str
    kind: str  # "status", "ratelimit" or "delay"
    times: int
    status: int = 0
    code: int = 0
    message: str = ""
    retry_after: float = 0.3
    is_global: bool = False
    cloudflare: bool = False
    delay: float = 0.0
    hits: int = 0


@dataclass
class InteractionRecord:
    """An interaction sent to the bot, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    guild_id: int | None
    channel_id: int
    sent_at: float = 0.0
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    callback_files: list[dict[str, Any]] = field(default_factory=list)
    callback_at: float | None = None
    late_callbacks: int = 0
    original: dict[str, Any] | None = None
    original_edits: list[dict[str, Any]] = field(default_factory=list)
    original_deleted: bool = False
    followups: list[dict[str, Any]] = field(default_factory=list)
    payloads: dict[int, dict[str, Any]] = field(default_factory=dict)  # message id -> last body


def _route_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    out = ""
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            out += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(f"^{out}$")


def _fault_regex(pattern: str) -> re.Pattern[str]:
    """`POST /channels/{id}/messages` matches any channel; `POST /channels/123/messages` one."""
    method, _, path = pattern.partition(" ")
    out = ""
    for part in re.split(r"(\{[^}]*\}|\*)", path):
        if part == "*" or (part.startswith("{") and part.endswith("}")):
            out += "[^/]+"
        else:
            out += re.escape(part)
    return re.compile(f"^{re.escape(method.upper())} {out}$")


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A response whose Content-Type is exactly application/json, as discord.py requires."""
    if status == 204:
        return web.Response(status=204, headers=headers)
    all_headers = {"Content-Type": "application/json"}
    if headers:
        all_headers.update(headers)
    return web.Response(status=status, body=json.dumps(data).encode(), headers=all_headers)


class StandIn(GatewayMixin):
    """The Discord stand-in server with its simulated world and request log."""

    def __init__(
        self,
        *,
        token: str = "test-token",
        shard_count: int = 1,
        heartbeat_interval_ms: int = 41250,
        interaction_deadline: float = 3.0,
    ) -> None:
        self.token = token
        self.shard_count = shard_count
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        self.lock = threading.RLock()
        self.ids = Snowflakes()

        self.app_id = self.ids.next()
        self.bot_user = User(self.app_id, "Drama Bot", bot=True)
        self.owner = User(self.ids.next(), "app-owner")
        self.team: dict[str, Any] | None = None
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.bot_roles: dict[int, Role] = {}  # guild id -> the bot's managed role
        self.dm_channels: dict[int, int] = {}  # user id -> the bot's DM channel with them
        self.private_channels: dict[int, Channel] = {}  # DMs and group DMs the bot is not in

        self.global_commands: dict[str, dict[str, Any]] = {}
        self.guild_commands: dict[int, dict[str, dict[str, Any]]] = {}
        self.command_ids: dict[tuple[int | None, str, int], int] = {}
        self.command_syncs: list[RequestRecord] = []

        self.messages: dict[int, dict[str, Any]] = {}
        self.message_payloads: dict[int, list[dict[str, Any]]] = {}
        self.channel_posts: dict[int, list[int]] = {}  # channel -> ids of POSTed messages
        self.nonces: dict[tuple[int, str], int] = {}
        self.attachments: dict[int, tuple[str, bytes, str]] = {}

        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}

        self.requests: list[RequestRecord] = []
        self.unexpected: list[RequestRecord] = []
        self.faults: list[Fault] = []
        self.invalid_requests = 0
        self.enforce_global_limit = False
        self.global_limit_violations = 0
        self._window: deque[float] = deque()

        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.gateway_log: list[tuple[float, str, dict[str, Any]]] = []  # (time, direction, frame)
        self.invalidate_next_resume = False
        # Bot processes register their log tail here so a timeout shows what the bot said.
        self.log_sources: dict[str, Callable[[], str]] = {}

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes = self._build_routes()

    # ----------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """The value for discord.http.Route.BASE."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The websocket URL the bot connects to."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def start(self) -> Self:
        """Start serving on an ephemeral port in a background thread."""
        started = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._astart())
            except BaseException as exc:  # surfaced to the caller of start()
                errors.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._astop())
            loop.close()

        self._thread = threading.Thread(target=run, name="discord-standin", daemon=True)
        self._thread.start()
        started.wait(10)
        if errors:
            raise errors[0]
        return self

    async def _astart(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_rest)
        app.router.add_get("/gateway", self._handle_gateway)
        app.router.add_get("/gateway/resume", self._handle_gateway)
        app.router.add_get("/attachments/{id}/{filename}", self._handle_attachment)
        app.router.add_route("*", "/{tail:.*}", self._handle_stray)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _astop(self) -> None:
        for conn in list(self.connections):
            if not conn.ws.closed:
                with contextlib.suppress(Exception):
                    await conn.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    def stop(self) -> None:
        """Close every connection and stop the server thread."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- waiting

    async def wait_for(self, predicate: Callable[[], T], within: float, what: str) -> T:
        """Poll predicate (under the lock) until truthy; fail with `what` after `within` s."""
        deadline = time.monotonic() + within
        while True:
            with self.lock:
                result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(self._timeout_message(within, what))
            await asyncio.sleep(0.01)

    def wait_for_sync(self, predicate: Callable[[], T], timeout: float, what: str) -> T:
        """Blocking form of wait_for, for synchronous fixtures."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(self._timeout_message(timeout, what))
            time.sleep(0.02)

    def _timeout_message(self, timeout: float, what: str) -> str:
        text = f"stand-in: timed out after {timeout:.1f}s waiting for {what}"
        for name, tail in list(self.log_sources.items()):
            text += f"\n--- last lines of {name} ---\n{tail()}"
        return text

    # ----------------------------------------------------------------- world building

    def make_user(self, name: str, *, bot: bool = False) -> User:
        """A new user."""
        with self.lock:
            user = User(self.ids.next(), name, bot=bot)
            self.users[user.id] = user
            return user

    def make_guild(
        self,
        name: str = "K-drama fans",
        *,
        shard: int | None = None,
        owner: User | None = None,
        channels: tuple[str, ...] = ("general",),
        bot_permissions: int = DEFAULT_BOT_ROLE,
        with_bot: bool = True,
    ) -> Guild:
        """A guild (on `shard` if given), with text channels and the bot as a member.

        If the bot is connected, it receives GUILD_CREATE as when it is invited.
        """
        with self.lock:
            gid = (
                self.ids.next(shard=shard, shard_count=self.shard_count)
                if shard is not None
                else self.ids.next()
            )
            owner = owner or self.make_user(f"{name} owner")
            guild = Guild(gid, name, owner.id)
            guild.roles[gid] = Role(gid, gid, "@everyone", DEFAULT_EVERYONE, position=0)
            self.guilds[gid] = guild
            guild.members[owner.id] = Member(owner, gid)
            for ch in channels:
                self.make_channel(guild, ch, _dispatch=False)
            if with_bot:
                role = Role(
                    self.ids.next(),
                    gid,
                    self.bot_user.username,
                    bot_permissions,
                    position=1,
                    managed=True,
                )
                guild.roles[role.id] = role
                self.bot_roles[gid] = role
                guild.members[self.bot_user.id] = Member(self.bot_user, gid, roles=[role.id])
        if with_bot:
            self.dispatch("GUILD_CREATE", guild.to_dict(), guild_id=gid, only_if_connected=True)
        return guild

    def make_channel(
        self,
        guild: Guild,
        name: str,
        *,
        overwrites: list[Overwrite] | None = None,
        kind: int = 0,
        _dispatch: bool = True,
    ) -> Channel:
        """A channel in guild, text unless `kind` says otherwise (2 voice, 4 category, 5 news).

        CHANNEL_CREATE is sent to a connected bot.
        """
        with self.lock:
            channel = Channel(
                self.ids.next(),
                guild.id,
                name,
                type=kind,
                position=len(guild.channels),
                overwrites=list(overwrites or []),
            )
            guild.channels[channel.id] = channel
            self.channels[channel.id] = channel
        if _dispatch:
            self.dispatch("CHANNEL_CREATE", channel.to_dict(), guild_id=guild.id, only_if_connected=True)
        return channel

    def make_dm(self, user: User) -> Channel:
        """The DM channel between the bot and user: the one POST /users/@me/channels opens."""
        with self.lock:
            known = self.dm_channels.get(user.id)
            if known is not None and known in self.channels:
                return self.channels[known]
            channel = Channel(self.ids.next(), None, "", type=1, recipients=[user])
            self.channels[channel.id] = channel
            self.dm_channels[user.id] = channel.id
            return channel

    def make_private_channel(self, *users: User, group: bool = True) -> Channel:
        """A group DM (or a DM between two users) the bot is not in: user installs answer there."""
        with self.lock:
            channel = Channel(self.ids.next(), None, "friends" if group else "", type=3 if group else 1)
            channel.recipients = list(users)
            self.private_channels[channel.id] = channel
            return channel

    def close_dms(self, user: User, closed: bool = True) -> None:
        """The user turns off DMs from the bot (or, closed=False, on again)."""
        with self.lock:
            user.dms_open = not closed

    def dm_messages(self, user: User) -> list[dict[str, Any]]:
        """Messages the bot created in its DM channel with user, in order."""
        with self.lock:
            channel_id = self.dm_channels.get(user.id)
            return self.channel_messages(channel_id) if channel_id is not None else []

    def make_role(self, guild: Guild, name: str, permissions: int, *, mentionable: bool = False) -> Role:
        """A role in guild with the given permission bits (anyone may ping it if `mentionable`)."""
        with self.lock:
            role = Role(
                self.ids.next(),
                guild.id,
                name,
                permissions,
                position=len(guild.roles),
                mentionable=mentionable,
            )
            guild.roles[role.id] = role
        self.dispatch(
            "GUILD_ROLE_CREATE",
            {"guild_id": str(guild.id), "role": role.to_dict()},
            guild_id=guild.id,
            only_if_connected=True,
        )
        return role

    def make_member(
        self, guild: Guild, name: str, *, roles: list[Role] | None = None, user: User | None = None
    ) -> Member:
        """A member of guild (an existing user, or a new one named name)."""
        with self.lock:
            user = user or self.make_user(name)
            member = Member(user, guild.id, roles=[r.id for r in roles or []])
            guild.members[user.id] = member
        self.dispatch(
            "GUILD_MEMBER_ADD",
            {**member.to_dict(), "guild_id": str(guild.id)},
            guild_id=guild.id,
            only_if_connected=True,
        )
        return member

    def plain_member(self, guild: Guild, name: str = "fan") -> Member:
        """A member with only @everyone's permissions."""
        return self.make_member(guild, name)

    def manager_member(self, guild: Guild, name: str = "mod") -> Member:
        """A member whose role grants Manage Channels."""
        role = self.make_role(guild, "Moderators", MANAGE_CHANNELS)
        return self.make_member(guild, name, roles=[role])

    def admin_member(self, guild: Guild, name: str = "admin") -> Member:
        """A member whose role grants Administrator."""
        role = self.make_role(guild, "Admins", ADMINISTRATOR)
        return self.make_member(guild, name, roles=[role])

    def owner_member(self, guild: Guild) -> Member:
        """The application's owner as a plain member of guild."""
        with self.lock:
            existing = guild.members.get(self.owner.id)
        return existing or self.make_member(guild, self.owner.username, user=self.owner)

    def bot_member(self, guild: Guild) -> Member:
        """The bot's own member in guild."""
        with self.lock:
            return guild.members[self.bot_user.id]

    def set_team(self, members: list[User]) -> None:
        """Make the application owned by a team of these users (first is the team owner)."""
        with self.lock:
            team_id = self.ids.next()
            self.team = {
                "id": str(team_id),
                "name": "Drama team",
                "icon": None,
                "owner_user_id": str(members[0].id),
                "members": [
                    {
                        "user": u.to_dict(),
                        "team_id": str(team_id),
                        "membership_state": 2,
                        "permissions": ["*"],
                        "role": "admin",
                    }
                    for u in members
                ],
            }

    def set_role_permissions(self, role: Role, permissions: int) -> None:
        """Change a role's permissions (GUILD_ROLE_UPDATE is sent)."""
        with self.lock:
            role.permissions = permissions
        self.dispatch(
            "GUILD_ROLE_UPDATE",
            {"guild_id": str(role.guild_id), "role": role.to_dict()},
            guild_id=role.guild_id,
            only_if_connected=True,
        )

    def set_overwrites(self, channel: Channel, overwrites: list[Overwrite]) -> None:
        """Replace a channel's permission overwrites (CHANNEL_UPDATE is sent)."""
        with self.lock:
            channel.overwrites = list(overwrites)
        self.dispatch("CHANNEL_UPDATE", channel.to_dict(), guild_id=channel.guild_id, only_if_connected=True)

    def deny_bot(self, channel: Channel, permissions: int = SEND_MESSAGES) -> None:
        """Deny the bot's role these permissions in one channel (CHANNEL_UPDATE is sent)."""
        assert channel.guild_id is not None
        role = self.bot_roles[channel.guild_id]
        self.set_overwrites(channel, [*channel.overwrites, Overwrite(role.id, 0, deny=permissions)])

    def delete_channel(self, channel: Channel, *, notify: bool = True) -> None:
        """Delete a channel: later sends answer 404 10003; CHANNEL_DELETE is sent if notify.

        notify=False is a channel deleted while the bot was offline (it missed the event).
        """
        with self.lock:
            self.channels.pop(channel.id, None)
            if channel.guild_id in self.guilds:
                self.guilds[channel.guild_id].channels.pop(channel.id, None)
        if notify:
            self.dispatch(
                "CHANNEL_DELETE",
                channel.to_dict(),
                guild_id=channel.guild_id,
                only_if_connected=True,
            )

    def remove_bot(self, guild: Guild) -> None:
        """The guild removes the bot: GUILD_DELETE without `unavailable`; its channels 403."""
        with self.lock:
            guild.members.pop(self.bot_user.id, None)
        self.dispatch("GUILD_DELETE", {"id": str(guild.id)}, guild_id=guild.id, only_if_connected=True)

    def add_attachment(
        self, filename: str, content: bytes, content_type: str = "application/json"
    ) -> dict[str, Any]:
        """Store a file the bot can download; returns the resolved attachment object."""
        with self.lock:
            att_id = self.ids.next()
            self.attachments[att_id] = (filename, content, content_type)
        url = f"{self.base_url}/attachments/{att_id}/{filename}"
        return {
            "id": str(att_id),
            "filename": filename,
            "size": len(content),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
            "ephemeral": True,
        }

    # ----------------------------------------------------------------- faults

    def inject(
        self,
        pattern: str,
        *,
        status: int | None = None,
        code: int = 0,
        message: str | None = None,
        times: int = 1,
        retry_after: float = 0.3,
        is_global: bool = False,
        cloudflare: bool = False,
        delay: float = 0.0,
    ) -> Fault:
        """Fail the next `times` requests matching pattern ("METHOD /path", `{x}` or `*` = any).

        status=429 answers a rate limit (per-route, or global; or with `cloudflare`, the HTML
        page of a Cloudflare ban: no Via header, a Retry-After); other statuses answer
        Discord's error body with `code`; status=None with delay only slows the request down.
        """
        if status == 429:
            kind = "ratelimit"
        elif status is not None:
            kind = "status"
        else:
            kind = "delay"
        default_messages = {
            403: {50001: "Missing Access", 50013: "Missing Permissions"}.get(code, "Forbidden"),
            404: {10003: "Unknown Channel", 10004: "Unknown Guild", 10008: "Unknown Message"}.get(
                code, "404: Not Found"
            ),
            500: "500: Internal Server Error",
            502: "502: Bad Gateway",
            503: "503: Service Unavailable",
        }
        fault = Fault(
            pattern=_fault_regex(pattern),
            text=pattern,
            kind=kind,
            times=times,
            status=status or 0,
            code=code,
            message=message or default_messages.get(status or 0, "Error"),
            retry_after=retry_after,
            is_global=is_global,
            cloudflare=cloudflare,
            delay=delay,
        )
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every pending fault."""
        with self.lock:
            self.faults.clear()

    def _take_fault(self, method: str, path: str) -> Fault | None:
        key = f"{method} {path}"
        for fault in self.faults:
            if fault.times > 0 and fault.pattern.match(key):
                fault.times -= 1
                fault.hits += 1
                return fault
        return None

    # ----------------------------------------------------------------- request log queries

    def requests_to(self, route: str) -> list[RequestRecord]:
        """Logged requests whose route template (or concrete "METHOD path") equals route."""
        with self.lock:
            return [r for r in self.requests if r.route == route or f"{r.method} {r.path}" == route]

    def channel_messages(self, channel: Channel | int) -> list[dict[str, Any]]:
        """Messages the bot created in a channel with POST /channels/{id}/messages, in order."""
        cid = channel if isinstance(channel, int) else channel.id
        with self.lock:
            return [self.messages[m] for m in self.channel_posts.get(cid, []) if m in self.messages]

    # ----------------------------------------------------------------- REST plumbing

    def _build_routes(self) -> list[tuple[str, str, re.Pattern[str], Callable[..., Any], bool]]:
        table: list[tuple[str, str, Callable[..., Any], bool]] = [
            # (method, template, handler, needs bot auth)
            ("GET", "/users/@me", self._get_me, True),
            ("POST", "/users/@me/channels", self._open_dm, True),
            ("GET", "/users/{user_id}", self._get_user, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/applications/{application_id}/commands", self._get_commands, True),
            ("PUT", "/applications/{application_id}/commands", self._put_commands, True),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._get_commands,
                True,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._put_commands,
                True,
            ),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback, False),
            (
                "GET",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._get_original,
                False,
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._edit_original,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._delete_original,
                False,
            ),
            ("POST", "/webhooks/{application_id}/{token}", self._followup, False),
            (
                "GET",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._get_followup,
                False,
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._edit_followup,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._delete_followup,
                False,
            ),
            ("POST", "/channels/{channel_id}/messages", self._post_message, True),
            ("GET", "/channels/{channel_id}/messages", self._list_messages, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message, True),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels, True),
            ("GET", "/guilds/{guild_id}/roles", self._get_guild_roles, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, True),
        ]
        return [(m, t, _route_regex(t), h, auth) for m, t, h, auth in table]

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        ctype = request.headers.get("Content-Type", "")
        files: list[dict[str, Any]] = []
        if ctype.startswith("multipart/"):
            body: Any = None
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue  # discord.py never nests multiparts
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    content = await part.read()
                    files.append({"field": part.name, "filename": part.filename, "content": bytes(content)})
            return body, files
        raw = await request.read()
        if not raw:
            return None, files
        try:
            return json.loads(raw), files
        except ValueError:
            return raw.decode(errors="replace"), files

    def _over_global_limit(self, now: float) -> float | None:
        """Record a bot request in the 1 s window; the retry_after if it is over the limit."""
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) >= GLOBAL_LIMIT:
            return max(0.001, 1.0 - (now - self._window[0]))
        self._window.append(now)
        return None

    def _rate_limit(self, record: RequestRecord, retry_after: float, is_global: bool) -> web.Response:
        """Answer a 429 as Discord does (Via header, JSON body) and log it."""
        route = record.route
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, int(retry_after + 0.999))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "standin-" + str(abs(hash(route)) % 10**8),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return self._answer_response(record, json_response(429, body, headers), body)

    def _cloudflare_ban(self, record: RequestRecord, retry_after: float) -> web.Response:
        """Answer a 429 as Cloudflare does when it bans an IP: HTML, no Via header."""
        body = "<html><body>error code: 1015 (You are being rate limited)</body></html>"
        response = web.Response(
            status=429,
            text=body,
            content_type="text/html",
            headers={"Retry-After": str(max(1, int(retry_after + 0.999)))},
        )
        return self._answer_response(record, response, body)

    async def _handle_rest(self, request: web.Request) -> web.StreamResponse:
        arrival = time.monotonic()
        method = request.method
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        interesting = ("Authorization", "X-Audit-Log-Reason", "User-Agent", "Content-Type")
        record = RequestRecord(
            method=method,
            route="",
            path=path,
            params={},
            query=dict(request.query),
            json=body,
            files=[{k: v for k, v in f.items() if k != "content"} for f in files],
            headers={k: request.headers[k] for k in interesting if k in request.headers},
            time=arrival,
        )
        match: tuple[re.Match[str], Callable[..., Any], bool, str] | None = None
        for m, template, regex, handler, auth in self._routes:
            if m == method:
                found = regex.match(path)
                if found:
                    match = (found, handler, auth, template)
                    break
        with self.lock:
            self.requests.append(record)
            if match is None:
                record.route = f"{method} {path}"
                self.unexpected.append(record)
                log.warning("stand-in: unexpected request %s %s", method, path)
                return self._answer(record, 404, {"message": "404: Not Found", "code": 0})
            found, handler, needs_auth, template = match
            record.route = f"{method} {template}"
            record.params = found.groupdict()
            if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
                return self._answer(record, 401, {"message": "401: Unauthorized", "code": 0})
            if needs_auth and self.enforce_global_limit:
                retry_after = self._over_global_limit(arrival)
                if retry_after is not None:
                    self.global_limit_violations += 1
                    record.fault = "global-limit"
                    return self._rate_limit(record, retry_after, True)
            fault = self._take_fault(method, path)
        if fault is not None:
            record.fault = fault.text
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.kind == "ratelimit" and fault.cloudflare:
                with self.lock:
                    return self._cloudflare_ban(record, fault.retry_after)
            if fault.kind == "ratelimit":
                with self.lock:
                    return self._rate_limit(record, fault.retry_after, fault.is_global)
            if fault.kind == "status":
                with self.lock:
                    return self._answer(record, fault.status, {"message": fault.message, "code": fault.code})
        with self.lock:
            try:
                status, data = handler(record, files, request)
            except ApiError as exc:
                return self._answer(record, exc.status, exc.body)
            return self._answer(record, status, data)

    def _answer(self, record: RequestRecord, status: int, data: Any) -> web.Response:
        return self._answer_response(record, json_response(status, data), data)

    def _answer_response(
        self, record: RequestRecord, response: web.Response, data: Any = None
    ) -> web.Response:
        record.status = response.status
        record.response = data
        if response.status in (401, 403, 429):
            self.invalid_requests += 1
        return response

    async def _handle_attachment(self, request: web.Request) -> web.StreamResponse:
        with self.lock:
            item = self.attachments.get(int(request.match_info["id"]))
        if item is None or item[0] != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=item[1], headers={"Content-Type": item[2]})

    async def _handle_stray(self, request: web.Request) -> web.StreamResponse:
        record = RequestRecord(
            request.method,
            f"{request.method} {request.path}",
            request.path,
            {},
            dict(request.query),
            None,
            [],
            {},
            time.monotonic(),
            404,
        )
        with self.lock:
            self.requests.append(record)
            self.unexpected.append(record)
        return json_response(404, {"message": "404: Not Found", "code": 0})

    # ----------------------------------------------------------------- REST: identity

    def _get_me(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        data = self.bot_user.to_dict()
        data.update({"verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"})
        return 200, data

    def _get_user(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        user = self.users.get(int(record.params["user_id"]))
        if user is None:
            raise not_found(10013, "Unknown User")
        return 200, user.to_dict()

    def _open_dm(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        """Open (or return the existing) DM channel with recipient_id, as Discord does."""
        body = record.json if isinstance(record.json, dict) else {}
        raw = str(body.get("recipient_id") or "")
        if not raw.isdigit():
            raise invalid_form(
                {"recipient_id": {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Not a snowflake"}]}}
            )
        user = self.users.get(int(raw))
        if user is None or user.bot:
            raise not_found(10013, "Unknown User")
        return 200, self.make_dm(user).to_dict()

    def _get_application(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        data: dict[str, Any] = {
            "id": str(self.app_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self.owner.to_dict(),
            "team": self.team,
            "bot": self.bot_user.to_dict(),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "integration_types_config": {"0": {}, "1": {}},
        }
        return 200, data

    def _get_gateway_bot(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14400000,
                "max_concurrency": 1,
            },
        }

    def _get_gateway(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    # ----------------------------------------------------------------- REST: commands

    def _command_scope(self, record: RequestRecord) -> dict[str, dict[str, Any]]:
        if int(record.params["application_id"]) != self.app_id:
            raise ApiError(403, 50001, "Missing Access")
        gid = record.params.get("guild_id")
        if gid is None:
            return self.global_commands
        if int(gid) not in self.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return self.guild_commands.setdefault(int(gid), {})

    def _get_commands(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, list(self._command_scope(record).values())

    def _put_commands(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        scope = self._command_scope(record)
        body = record.json
        if not isinstance(body, list):
            raise invalid_form({"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Not a list"}]})
        errors = validate_commands(body)
        if errors:
            raise invalid_form(errors)
        gid = record.params.get("guild_id")
        guild_id = int(gid) if gid else None
        scope.clear()
        for cmd in body:
            ctype = cmd.get("type", 1)
            key = (guild_id, cmd["name"], ctype)
            cmd_id = self.command_ids.setdefault(key, self.ids.next())
            out = {
                "id": str(cmd_id),
                "application_id": str(self.app_id),
                "version": str(self.ids.next()),
                "type": ctype,
                "name": cmd["name"],
                "description": cmd.get("description", ""),
                "options": cmd.get("options", []),
                "default_member_permissions": cmd.get("default_member_permissions"),
                "dm_permission": cmd.get("dm_permission", True),
                "nsfw": cmd.get("nsfw", False),
                "integration_types": cmd.get("integration_types", [0]),
                "contexts": cmd.get("contexts"),
                "name_localizations": cmd.get("name_localizations"),
                "description_localizations": cmd.get("description_localizations"),
            }
            if guild_id is not None:
                out["guild_id"] = str(guild_id)
            scope[cmd["name"]] = out
        self.command_syncs.append(record)
        return 200, list(scope.values())

    # ----------------------------------------------------------------- REST: messages

    def _new_message(
        self,
        channel_id: int,
        payload: dict[str, Any],
        files: list[dict[str, Any]],
        *,
        flags: int = 0,
        interaction: InteractionRecord | None = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        validate_message(payload, files)
        msg_id = message_id or self.ids.next()
        message: dict[str, Any] = {
            "id": str(msg_id),
            "channel_id": str(channel_id),
            "author": self.bot_user.to_dict(),
            "content": payload.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._store_files(files, payload),
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | (int(payload.get("flags") or 0) & ~LOADING),
        }
        channel = self.channels.get(channel_id)
        if channel is not None and channel.guild_id is not None:
            message["guild_id"] = str(channel.guild_id)
        if payload.get("nonce") is not None:
            message["nonce"] = payload["nonce"]
        if payload.get("message_reference"):
            message["message_reference"] = payload["message_reference"]
            message["type"] = 19
        if interaction is not None:
            message["webhook_id"] = str(self.app_id)
            message["application_id"] = str(self.app_id)
            user = interaction.payload.get("member", {}).get("user") or interaction.payload.get("user")
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": user,
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
            if interaction.type == 2:
                message["type"] = 20
        self.messages[msg_id] = message
        self.message_payloads.setdefault(msg_id, []).append(payload)
        return message

    def _store_files(self, files: list[dict[str, Any]], payload: dict[str, Any]) -> list[Any]:
        out = []
        for f in files:
            att_id = self.ids.next()
            self.attachments[att_id] = (f["filename"], f["content"], "application/octet-stream")
            url = f"{self.base_url}/attachments/{att_id}/{f['filename']}"
            out.append(
                {
                    "id": str(att_id),
                    "filename": f["filename"],
                    "size": len(f["content"]),
                    "url": url,
                    "proxy_url": url,
                }
            )
        return out

    def _edit(
        self, message: dict[str, Any], payload: dict[str, Any], files: list[dict[str, Any]]
    ) -> dict[str, Any]:
        merged = {k: message.get(k) for k in ("content", "embeds", "components")}
        for key in ("content", "embeds", "components"):
            if key in payload:
                merged[key] = payload[key]
        check = dict(merged)
        if not files and not message.get("attachments"):
            validate_message(check, [])
        else:
            validate_message(check, files or [{"filename": "kept"}])
        for key in ("content", "embeds", "components"):
            if key in payload:
                message[key] = payload[key] if payload[key] is not None else ("" if key == "content" else [])
        if files or "attachments" in payload:
            kept = [
                a
                for a in message.get("attachments", [])
                if any(str(p.get("id")) == a["id"] for p in payload.get("attachments") or [])
            ]
            message["attachments"] = kept + self._store_files(files, payload)
        if "flags" in payload and payload["flags"] is not None:
            message["flags"] = (message["flags"] & (EPHEMERAL | LOADING)) | int(payload["flags"])
        message["flags"] &= ~LOADING
        message["edited_timestamp"] = iso_now()
        self.message_payloads.setdefault(int(message["id"]), []).append(payload)
        return message

    def _text_channel(self, record: RequestRecord) -> Channel:
        channel = self.channels.get(int(record.params["channel_id"]))
        if channel is None:
            raise not_found(10003, "Unknown Channel")
        return channel

    def _check_bot_can(self, channel: Channel, needed: int) -> None:
        if channel.guild_id is None:
            return
        guild = self.guilds[channel.guild_id]
        me = guild.members.get(self.bot_user.id)
        if me is None:
            raise ApiError(403, 50001, "Missing Access")
        perms = guild.permissions_in(me, channel)
        if not perms & VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if perms & needed != needed:
            raise ApiError(403, 50013, "Missing Permissions")

    def _post_message(
        self, record: RequestRecord, files: list[dict[str, Any]], request: Any
    ) -> tuple[int, Any]:
        channel = self._text_channel(record)
        payload = record.json or {}
        self._check_bot_can(channel, SEND_MESSAGES | (ATTACH_FILES if files else 0))
        if channel.type == 1 and not all(u.dms_open for u in channel.recipients):
            raise ApiError(403, 50007, "Cannot send messages to this user")
        nonce = payload.get("nonce")
        if nonce is not None and payload.get("enforce_nonce"):
            earlier = self.nonces.get((channel.id, str(nonce)))
            if earlier is not None and earlier in self.messages:
                return 200, self.messages[earlier]
        message = self._new_message(channel.id, payload, files)
        self.channel_posts.setdefault(channel.id, []).append(int(message["id"]))
        if nonce is not None:
            self.nonces[(channel.id, str(nonce))] = int(message["id"])
        return 200, message

    def _list_messages(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        channel = self._text_channel(record)
        self._check_bot_can(channel, 1 << 16)
        limit = int(record.query.get("limit", "50"))
        msgs = [self.messages[m] for m in self.channel_posts.get(channel.id, []) if m in self.messages]
        return 200, list(reversed(msgs))[:limit]

    def _channel_message(self, record: RequestRecord) -> dict[str, Any]:
        channel = self._text_channel(record)
        msg = self.messages.get(int(record.params["message_id"]))
        if msg is None or msg["channel_id"] != str(channel.id):
            raise not_found(10008, "Unknown Message")
        return msg

    def _get_message(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, self._channel_message(record)

    def _edit_message(
        self, record: RequestRecord, files: list[dict[str, Any]], request: Any
    ) -> tuple[int, Any]:
        msg = self._channel_message(record)
        return 200, self._edit(msg, record.json or {}, files)

    def _delete_message(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        msg = self._channel_message(record)
        del self.messages[int(msg["id"])]
        return 204, None

    # ----------------------------------------------------------------- REST: channels, guilds

    def _get_channel(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        channel = self._text_channel(record)
        if channel.guild_id is not None and self.bot_user.id not in self.guilds[channel.guild_id].members:
            raise ApiError(403, 50001, "Missing Access")
        return 200, channel.to_dict()

    def _guild(self, record: RequestRecord) -> Guild:
        guild = self.guilds.get(int(record.params["guild_id"]))
        if guild is None:
            raise not_found(10004, "Unknown Guild")
        if self.bot_user.id not in guild.members:
            raise ApiError(403, 50001, "Missing Access")
        return guild

    def _get_guild(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, self._guild(record).rest_dict()

    def _get_guild_channels(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, [c.to_dict() for c in self._guild(record).channels.values()]

    def _get_guild_roles(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, [r.to_dict() for r in self._guild(record).roles.values()]

    def _get_member(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        member = self._guild(record).members.get(int(record.params["user_id"]))
        if member is None:
            raise not_found(10007, "Unknown Member")
        return 200, member.to_dict()

    # ----------------------------------------------------------------- REST: interactions

    def _interaction_by_token(self, record: RequestRecord) -> InteractionRecord:
        if int(record.params["application_id"]) != self.app_id:
            raise not_found(10015, "Unknown Webhook")
        inter = self.interactions_by_token.get(record.params["token"])
        if inter is None:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return inter

    def _callback(self, record: RequestRecord, files: list[dict[str, Any]], request: Any) -> tuple[int, Any]:
        inter = self.interactions.get(int(record.params["interaction_id"]))
        if inter is None or inter.token != record.params["token"]:
            raise not_found(10062, "Unknown interaction")
        if record.time - inter.sent_at > self.interaction_deadline:
            inter.late_callbacks += 1
            raise not_found(10062, "Unknown interaction")
        if inter.callback_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = record.json or {}
        ctype = body.get("type")
        data = body.get("data") or {}
        allowed = {
            2: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
            3: {
                CHANNEL_MESSAGE,
                DEFERRED_CHANNEL_MESSAGE,
                DEFERRED_UPDATE_MESSAGE,
                UPDATE_MESSAGE,
                MODAL,
            },
            4: {AUTOCOMPLETE_RESULT},
            5: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE},
        }
        if ctype not in allowed.get(inter.type, set()):
            raise ApiError(
                400,
                40043 if ctype else 50035,
                "Interaction callback type invalid for this interaction" if ctype else "Invalid Form Body",
            )
        if ctype == AUTOCOMPLETE_RESULT:
            validate_choices(data)
        elif ctype == MODAL:
            validate_modal(data)
        resource: dict[str, Any] | None = None
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        if ctype == CHANNEL_MESSAGE:
            msg = self._new_message(inter.channel_id, data, files, interaction=inter)
            inter.original = msg
            inter.payloads[int(msg["id"])] = data
            resource = {"type": ctype, "message": msg}
        elif ctype == DEFERRED_CHANNEL_MESSAGE:
            flags = LOADING | (EPHEMERAL if ephemeral else 0)
            msg = self._loading_message(inter, flags)
            inter.original = msg
            resource = {"type": ctype, "message": msg}
        elif ctype == DEFERRED_UPDATE_MESSAGE:
            source = inter.payload.get("message")
            if source is not None:
                inter.original = self.messages.setdefault(int(source["id"]), dict(source))
        elif ctype == UPDATE_MESSAGE:
            source = inter.payload.get("message")
            if source is not None:
                msg = self.messages.get(int(source["id"]))
                if msg is None:
                    msg = dict(source)
                    self.messages[int(msg["id"])] = msg
                self._edit(msg, data, files)
                inter.original = msg
                resource = {"type": ctype, "message": msg}
        inter.callback_type = ctype
        inter.callback_data = data
        inter.callback_files = files
        inter.callback_at = record.time
        response: dict[str, Any] = {
            "interaction": {
                "id": str(inter.id),
                "type": inter.type,
                "response_message_id": inter.original["id"] if inter.original else None,
                "response_message_loading": ctype == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": ephemeral,
            },
        }
        if resource is not None:
            response["resource"] = resource
        if record.query.get("with_response") in ("1", "true", "True"):
            return 200, response
        return 204, None

    def _loading_message(self, inter: InteractionRecord, flags: int) -> dict[str, Any]:
        msg_id = self.ids.next()
        msg = {
            "id": str(msg_id),
            "channel_id": str(inter.channel_id),
            "author": self.bot_user.to_dict(),
            "content": "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 20 if inter.type == 2 else 0,
            "flags": flags,
            "webhook_id": str(self.app_id),
            "application_id": str(self.app_id),
        }
        if inter.guild_id is not None:
            msg["guild_id"] = str(inter.guild_id)
        self.messages[msg_id] = msg
        return msg

    def _require_original(self, inter: InteractionRecord) -> dict[str, Any]:
        if inter.original is None or inter.original_deleted:
            raise not_found(10008, "Unknown Message")
        return inter.original

    def _get_original(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, self._require_original(self._interaction_by_token(record))

    def _edit_original(
        self, record: RequestRecord, files: list[dict[str, Any]], request: Any
    ) -> tuple[int, Any]:
        inter = self._interaction_by_token(record)
        msg = self._require_original(inter)
        payload = record.json or {}
        self._edit(msg, payload, files)
        inter.original_edits.append(payload)
        inter.payloads[int(msg["id"])] = payload
        return 200, msg

    def _delete_original(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        inter = self._interaction_by_token(record)
        self._require_original(inter)
        inter.original_deleted = True
        return 204, None

    def _followup(self, record: RequestRecord, files: list[dict[str, Any]], request: Any) -> tuple[int, Any]:
        inter = self._interaction_by_token(record)
        if inter.callback_type is None:
            raise not_found(10015, "Unknown Webhook")
        payload = record.json or {}
        original = inter.original
        if (
            original is not None
            and not inter.original_deleted
            and original["flags"] & LOADING
            and inter.callback_type == DEFERRED_CHANNEL_MESSAGE
        ):
            # Discord turns the first follow-up after a thinking defer into the original
            # response, keeping the defer's ephemeral state.
            self._edit(original, payload, files)
            inter.followups.append(original)
            inter.payloads[int(original["id"])] = payload
            msg = original
        else:
            msg = self._new_message(inter.channel_id, payload, files, interaction=inter)
            inter.followups.append(msg)
            inter.payloads[int(msg["id"])] = payload
        if record.query.get("wait") in ("true", "1", "True"):
            return 200, msg
        return 204, None

    def _find_followup(self, record: RequestRecord) -> tuple[InteractionRecord, dict[str, Any]]:
        inter = self._interaction_by_token(record)
        mid = record.params["message_id"]
        for msg in inter.followups:
            if msg["id"] == mid:
                return inter, msg
        if inter.original is not None and inter.original["id"] == mid:
            return inter, inter.original
        raise not_found(10008, "Unknown Message")

    def _get_followup(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        return 200, self._find_followup(record)[1]

    def _edit_followup(
        self, record: RequestRecord, files: list[dict[str, Any]], request: Any
    ) -> tuple[int, Any]:
        inter, msg = self._find_followup(record)
        payload = record.json or {}
        self._edit(msg, payload, files)
        inter.payloads[int(msg["id"])] = payload
        return 200, msg

    def _delete_followup(self, record: RequestRecord, files: Any, request: Any) -> tuple[int, Any]:
        inter, msg = self._find_followup(record)
        inter.followups = [m for m in inter.followups if m is not msg]
        return 204, None

    # ----------------------------------------------------------------- interactions

    def register_interaction(self, payload: dict[str, Any]) -> InteractionRecord:
        """Record an interaction payload so its callback and webhooks are accepted."""
        with self.lock:
            inter = InteractionRecord(
                id=int(payload["id"]),
                token=payload["token"],
                type=payload["type"],
                payload=payload,
                guild_id=int(payload["guild_id"]) if payload.get("guild_id") else None,
                channel_id=int(payload["channel_id"]),
            )
            self.interactions[inter.id] = inter
            self.interactions_by_token[inter.token] = inter
            return inter

    def send_interaction(self, payload: dict[str, Any], *, late: float = 0.0) -> InteractionRecord:
        """Start the 3-second clock and dispatch INTERACTION_CREATE (`late` seconds after it)."""
        inter = self.register_interaction(payload)
        shard = (inter.guild_id >> 22) % self.shard_count if inter.guild_id else 0

        async def go() -> None:
            with self.lock:
                inter.sent_at = time.monotonic()
            if late:
                await asyncio.sleep(late)
            await self._dispatch("INTERACTION_CREATE", payload, None, shard, False)

        self.call(go())
        return inter
