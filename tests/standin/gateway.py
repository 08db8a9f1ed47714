"""The gateway half of the stand-in: HELLO, IDENTIFY/READY, RESUME, dispatches, drops."""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from .world import Guild, User

T = TypeVar("T")


@dataclass
class GatewaySession:
    """A gateway session (one per IDENTIFY), with its sent dispatches for RESUME replay."""

    session_id: str
    shard_id: int
    shard_count: int
    identify: dict[str, Any]
    seq: int = 0
    frames: list[dict[str, Any]] = field(default_factory=list)
    conn: GatewayConnection | None = None
    ready_at: float = 0.0
    resumes: int = 0


@dataclass
class GatewayConnection:
    """One websocket connection from the bot."""

    ws: web.WebSocketResponse
    request: web.Request
    path: str
    query: dict[str, str]
    opened_at: float
    received: list[dict[str, Any]] = field(default_factory=list)
    session: GatewaySession | None = None
    closed: bool = False


class GatewayMixin:
    """Gateway behaviour of StandIn; the state it uses is set up by StandIn.__init__."""

    lock: threading.RLock
    token: str
    app_id: int
    bot_user: User
    port: int
    shard_count: int
    heartbeat_interval_ms: int
    guilds: dict[int, Guild]
    sessions: dict[str, GatewaySession]
    connections: list[GatewayConnection]
    gateway_log: list[tuple[float, str, dict[str, Any]]]
    invalidate_next_resume: bool
    _loop: asyncio.AbstractEventLoop | None

    def call(self, coro: Awaitable[T], timeout: float = 10) -> T:
        """Run a coroutine on the server's loop from another thread and return its result."""
        assert self._loop is not None, "stand-in not started"
        fut = asyncio.run_coroutine_threadsafe(coro, self._loop)  # type: ignore[arg-type]
        return fut.result(timeout)

    async def _send(self, conn: GatewayConnection, frame: dict[str, Any]) -> None:
        self.gateway_log.append((time.monotonic(), "out", frame))
        if not conn.ws.closed:
            await conn.ws.send_str(json.dumps(frame))

    async def _handle_gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = GatewayConnection(ws, request, request.path, dict(request.query), time.monotonic())
        with self.lock:
            self.connections.append(conn)
        await self._send(
            conn,
            {
                "op": 10,
                "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                "s": None,
                "t": None,
            },
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                with self.lock:
                    conn.received.append(frame)
                    self.gateway_log.append((time.monotonic(), "in", frame))
                await self._on_frame(conn, frame)
        finally:
            with self.lock:
                conn.closed = True
                if conn.session is not None and conn.session.conn is conn:
                    conn.session.conn = None
        return ws

    async def _on_frame(self, conn: GatewayConnection, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data: Any = frame.get("d")
        if op == 1:
            await self._send(conn, {"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif op == 8:
            await self._request_members(conn, data)

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if shard_count != self.shard_count or not 0 <= shard_id < shard_count:
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return
        with self.lock:
            session = GatewaySession(secrets.token_hex(16), shard_id, shard_count, data)
            self.sessions[session.session_id] = session
            session.conn = conn
            conn.session = session
            guilds = [
                g
                for g in self.guilds.values()
                if (g.id >> 22) % shard_count == shard_id and self.bot_user.id in g.members
            ]
            ready = {
                "v": 10,
                "user": {
                    **self.bot_user.to_dict(),
                    "verified": True,
                    "mfa_enabled": False,
                    "flags": 0,
                },
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway/resume",
                "application": {"id": str(self.app_id), "flags": 0},
                "shard": [shard_id, shard_count],
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
                "guild_join_requests": [],
                "user_settings": {},
                "_trace": ["standin"],
            }
            frames = [self._frame(session, "READY", ready)]
            frames += [self._frame(session, "GUILD_CREATE", g.to_dict()) for g in guilds]
            session.ready_at = time.monotonic()
        for frame in frames:
            await self._send(conn, frame)

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        with self.lock:
            session = self.sessions.get(data.get("session_id", ""))
            valid = (
                session is not None and data.get("token") == self.token and not self.invalidate_next_resume
            )
            self.invalidate_next_resume = False
            if not valid or session is None:
                replay: list[dict[str, Any]] = []
            else:
                seq = data.get("seq") or 0
                replay = [f for f in session.frames if f["s"] > seq]
                session.conn = conn
                conn.session = session
                session.resumes += 1
        if not valid or session is None:
            await self._send(conn, {"op": 9, "d": False, "s": None, "t": None})
            return
        for frame in replay:
            await self._send(conn, frame)
        with self.lock:
            resumed = self._frame(session, "RESUMED", {"_trace": ["standin"]})
        await self._send(conn, resumed)

    async def _request_members(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        with self.lock:
            session = conn.session
            guild = self.guilds.get(int(data.get("guild_id", 0)))
            if session is None or guild is None:
                return
            chunk = {
                "guild_id": str(guild.id),
                "members": [m.to_dict() for m in guild.members.values()],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            frame = self._frame(session, "GUILD_MEMBERS_CHUNK", chunk)
        await self._send(conn, frame)

    def _frame(self, session: GatewaySession, event: str, data: dict[str, Any]) -> dict[str, Any]:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.frames.append(frame)
        return frame

    def live_sessions(self) -> list[GatewaySession]:
        """Per shard, the newest connected session (else the newest one, to buffer for RESUME)."""
        # A connected session beats a newer dead one: a second bot process that has exited
        # must not swallow the events meant for the one still running.
        with self.lock:
            newest: dict[int, GatewaySession] = {}
            for s in self.sessions.values():
                best = newest.get(s.shard_id)
                rank = (s.conn is not None and not s.conn.closed, s.ready_at)
                if best is None or rank >= (
                    best.conn is not None and not best.conn.closed,
                    best.ready_at,
                ):
                    newest[s.shard_id] = s
            return list(newest.values())

    def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None = None,
        shard: int | None = None,
        only_if_connected: bool = False,
    ) -> int:
        """Send a dispatch to the session of the guild's shard (or `shard`); returns its seq.

        A session whose socket is down keeps the event for RESUME replay. Returns 0 when no
        session exists (and only_if_connected lets builders run before the bot starts).
        """
        if self._loop is None:
            if only_if_connected:
                return 0
            raise AssertionError("stand-in not started")
        return self.call(self._dispatch(event, data, guild_id, shard, only_if_connected))

    async def _dispatch(
        self,
        event: str,
        data: dict[str, Any],
        guild_id: int | None,
        shard: int | None,
        only_if_connected: bool,
    ) -> int:
        if shard is None:
            shard = (guild_id >> 22) % self.shard_count if guild_id is not None else 0
        sessions = [s for s in self.live_sessions() if s.shard_id == shard]
        if not sessions:
            if only_if_connected:
                return 0
            raise AssertionError(f"stand-in: no gateway session for shard {shard}")
        session = sessions[0]
        with self.lock:
            frame = self._frame(session, event, data)
            conn = session.conn
        if conn is not None:
            await self._send(conn, frame)
        return frame["s"]

    def drop_gateway(self, *, shard: int = 0, code: int | None = 4000) -> None:
        """Close the shard's websocket with `code`, or abruptly (no close frame) if None."""
        self.call(self._drop(shard, code))

    async def _drop(self, shard: int, code: int | None) -> None:
        sessions = [s for s in self.live_sessions() if s.shard_id == shard]
        if not sessions or sessions[0].conn is None:
            raise AssertionError(f"stand-in: shard {shard} is not connected")
        conn = sessions[0].conn
        with self.lock:
            sessions[0].conn = None
        if code is None:
            transport = conn.request.transport
            if transport is not None:
                transport.abort()
        else:
            await conn.ws.close(code=code, message=b"stand-in drop")

    def send_reconnect(self, *, shard: int = 0) -> None:
        """Send op 7 RECONNECT: the bot should close and RESUME."""

        async def go() -> None:
            sessions = [s for s in self.live_sessions() if s.shard_id == shard]
            if sessions and sessions[0].conn is not None:
                await self._send(sessions[0].conn, {"op": 7, "d": None, "s": None, "t": None})

        self.call(go())

    def connected_shards(self) -> set[int]:
        """Shards whose newest session has an open socket that has got READY or RESUMED."""
        with self.lock:
            return {s.shard_id for s in self.live_sessions() if s.conn is not None and not s.conn.closed}
