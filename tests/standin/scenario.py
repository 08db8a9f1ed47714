"""The scenario API: send interactions as Discord does and await what the bot answered."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from .server import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    EPHEMERAL,
    LOADING,
    MODAL,
    UPDATE_MESSAGE,
    InteractionRecord,
    StandIn,
)
from .world import Channel, Guild, Member, Role, User

# What a user-installed app may do in a channel it is not in: View Channel, Send Messages,
# Embed Links, Attach Files, Read Message History, Use External Emojis (answers only).
USER_INSTALL_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18)

# Application command option types.
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)


@dataclass
class Reply:
    """A message the bot produced, with the request body that last shaped it."""

    message: dict[str, Any]
    payload: dict[str, Any]
    elapsed: float | None = None  # seconds from dispatch to the interaction callback

    @property
    def content(self) -> str:
        """The message text."""
        return self.message.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The embeds as Discord stores them."""
        return self.message.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        """The component rows."""
        return self.message.get("components") or []

    @property
    def flags(self) -> int:
        """Message flags."""
        return int(self.message.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees it."""
        return bool(self.flags & EPHEMERAL)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """The allowed_mentions the bot sent (None if it sent none)."""
        return self.payload.get("allowed_mentions")

    def pings(self) -> set[str]:
        """Who Discord would notify: "everyone", "user:ID", "role:ID" (content only; embeds
        never ping), given the allowed_mentions the bot sent (none sent = parse everything).
        """
        content = self.content
        users = set(re.findall(r"<@!?(\d+)>", content))
        roles = set(re.findall(r"<@&(\d+)>", content))
        everyone = "@everyone" in content or "@here" in content
        am = self.allowed_mentions
        if am is None:
            parse, allowed_users, allowed_roles = {"users", "roles", "everyone"}, set(), set()
        else:
            parse = set(am.get("parse") or [])
            allowed_users = {str(u) for u in am.get("users") or []}
            allowed_roles = {str(r) for r in am.get("roles") or []}
        out = {"everyone"} if everyone and "everyone" in parse else set()
        out |= {f"user:{u}" for u in users if "users" in parse or u in allowed_users}
        out |= {f"role:{r}" for r in roles if "roles" in parse or r in allowed_roles}
        return out

    def buttons(self) -> list[dict[str, Any]]:
        """Every button on the message, in order."""
        return [c for c in _walk_components(self.components) if c.get("type") == 2]

    def text(self) -> str:
        """Content and every embed's text, for loose assertions and failure messages."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title") or "", e.get("description") or ""]
            parts += [f"{f.get('name')}\n{f.get('value')}" for f in e.get("fields") or []]
            parts.append((e.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


def _walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in components:
        out.append(c)
        out += _walk_components(c.get("components") or [])
        if isinstance(c.get("component"), dict):
            out += _walk_components([c["component"]])
        if isinstance(c.get("accessory"), dict):
            out += _walk_components([c["accessory"]])
    return out


@dataclass
class Callback:
    """The interaction callback the bot sent."""

    type: int
    data: dict[str, Any]
    elapsed: float
    files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        """Whether the callback asked for an ephemeral response."""
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)


class InteractionHandle:
    """An interaction in flight: await its callback, response and follow-ups."""

    def __init__(self, server: DiscordStandIn, record: InteractionRecord) -> None:
        self.server = server
        self.record = record

    @property
    def id(self) -> int:
        """The interaction id."""
        return self.record.id

    def _describe(self) -> str:
        data = self.record.payload.get("data") or {}
        return f"interaction {self.record.id} ({data.get('name') or data.get('custom_id')})"

    async def callback(self, within: float = 5.0) -> Callback:
        """The bot's interaction callback (fails if none arrives `within` seconds)."""
        rec = self.record
        await self.server.wait_for(
            lambda: rec.callback_type is not None or rec.late_callbacks,
            within,
            f"the callback of {self._describe()}; bot log may say why",
        )
        with self.server.lock:
            if rec.callback_type is None:
                raise AssertionError(
                    f"{self._describe()}: callback arrived after the "
                    f"{self.server.interaction_deadline}s deadline"
                )
            assert rec.callback_at is not None
            return Callback(
                rec.callback_type,
                rec.callback_data or {},
                rec.callback_at - rec.sent_at,
                rec.callback_files,
            )

    @property
    def elapsed(self) -> float | None:
        """Seconds from dispatch to callback, if it came."""
        rec = self.record
        return None if rec.callback_at is None else rec.callback_at - rec.sent_at

    async def choices(self, within: float = 5.0) -> list[dict[str, Any]]:
        """The autocomplete choices the bot offered."""
        cb = await self.callback(within)
        assert cb.type == AUTOCOMPLETE_RESULT, f"expected autocomplete result, got type {cb.type}"
        return list(cb.data.get("choices") or [])

    async def reply(self, within: float = 5.0) -> Reply:
        """What the user sees: the response message once it is no longer 'thinking'."""
        cb = await self.callback(within)
        rec = self.record
        if cb.type in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            with self.server.lock:
                assert rec.original is not None
                return Reply(dict(rec.original), cb.data, cb.elapsed)
        if cb.type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE):

            def done() -> bool:
                if rec.original_deleted:
                    return True
                if cb.type == DEFERRED_CHANNEL_MESSAGE:
                    return rec.original is not None and not rec.original["flags"] & LOADING
                return bool(rec.original_edits)

            await self.server.wait_for(done, within, f"the deferred response of {self._describe()}")
            with self.server.lock:
                assert rec.original is not None
                payload = rec.payloads.get(int(rec.original["id"]), {})
                return Reply(dict(rec.original), payload, cb.elapsed)
        raise AssertionError(f"{self._describe()}: callback type {cb.type} has no message")

    async def followups(self, count: int = 1, within: float = 5.0) -> list[Reply]:
        """The first `count` follow-up messages (a follow-up that filled a defer included)."""
        rec = self.record
        await self.server.wait_for(
            lambda: len(rec.followups) >= count,
            within,
            f"{count} follow-up(s) to {self._describe()}",
        )
        with self.server.lock:
            return [
                Reply(dict(m), rec.payloads.get(int(m["id"]), {}), self.elapsed)
                for m in rec.followups[:count]
            ]

    async def modal(self, within: float = 5.0) -> dict[str, Any]:
        """The modal the bot opened."""
        cb = await self.callback(within)
        assert cb.type == MODAL, f"expected a modal, got callback type {cb.type}"
        return cb.data


class DiscordStandIn(StandIn):
    """The stand-in plus helpers that act as Discord users."""

    # --------------------------------------------------------------- command lookup

    def command(self, path: str, guild: Guild | None = None) -> dict[str, Any]:
        """The synced definition of a top-level command (guild ones first)."""
        name = path.split()[0]
        with self.lock:
            if guild is not None and name in self.guild_commands.get(guild.id, {}):
                return self.guild_commands[guild.id][name]
            if name in self.global_commands:
                return self.global_commands[name]
            known = sorted(self.global_commands) + sorted(
                self.guild_commands.get(guild.id, {}) if guild else []
            )
        raise AssertionError(f"command /{name} was not synced (synced: {known})")

    def _leaf(self, path: str, guild: Guild | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        cmd = self.command(path, guild)
        node = cmd
        chain: list[dict[str, Any]] = []
        for part in path.split()[1:]:
            subs = [o for o in node.get("options") or [] if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
            found = next((o for o in subs if o["name"] == part), None)
            if found is None:
                raise AssertionError(f"/{path}: no subcommand {part!r} (has {[o['name'] for o in subs]})")
            node = found
            chain.append(found)
        if any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in node.get("options") or []):
            raise AssertionError(f"/{path} is a group: name a subcommand")
        return cmd, chain

    # --------------------------------------------------------------- payload building

    def _base(
        self, itype: int, data: dict[str, Any], member: Member | User, channel: Channel, locale: str
    ) -> dict[str, Any]:
        with self.lock:
            iid = self.ids.next()
            payload: dict[str, Any] = {
                "id": str(iid),
                "application_id": str(self.app_id),
                "type": itype,
                "data": data,
                "channel_id": str(channel.id),
                "token": "standin." + secrets.token_urlsafe(40),
                "version": 1,
                "locale": locale,
                "entitlements": [],
                "attachment_size_limit": 10 * 1024 * 1024,
            }
            if isinstance(member, Member):
                guild = self.guilds[member.guild_id]
                perms = guild.permissions_in(member, channel)
                bot = guild.members.get(self.bot_user.id)
                app_perms = guild.permissions_in(bot, channel) if bot else 0
                payload.update(
                    {
                        "guild_id": str(guild.id),
                        "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
                        "guild_locale": guild.locale,
                        "channel": {**channel.to_dict(), "permissions": str(perms)},
                        "member": {**member.to_dict(), "permissions": str(perms)},
                        "app_permissions": str(app_perms),
                        "authorizing_integration_owners": {"0": str(guild.id)},
                        "context": 0,
                    }
                )
            elif channel.id in self.private_channels:
                # A user install answering in a DM or group DM the bot is not in: no guild,
                # authorized by the user's own install (key "1"), context 2.
                payload.update(
                    {
                        "channel": channel.to_dict(),
                        "user": member.to_dict(),
                        "app_permissions": str(USER_INSTALL_PERMISSIONS),
                        "authorizing_integration_owners": {"1": str(member.id)},
                        "context": 2,
                    }
                )
            else:
                payload.update(
                    {
                        "channel": {**channel.to_dict(), "recipients": [member.to_dict()]},
                        "user": member.to_dict(),
                        "app_permissions": "0",
                        "authorizing_integration_owners": {"1": str(member.id)},
                        "context": 1,
                    }
                )
            return payload

    def _check_offered(self, path: str, payload: dict[str, Any]) -> None:
        """Discord offers a command only where its contexts and installation types allow."""
        guild = self.guilds.get(int(payload["guild_id"])) if payload.get("guild_id") else None
        cmd = self.command(path, guild)
        context = payload["context"]
        contexts = cmd.get("contexts")
        installs = cmd.get("integration_types") or [0]
        if contexts is not None and context not in contexts:
            raise AssertionError(
                f"Discord would not offer /{path} in context {context} (contexts {contexts})"
            )
        if context == 2 and 1 not in installs:
            raise AssertionError(f"/{path} is not user-installable (integration_types {installs})")

    def _option_value(
        self,
        opt: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> Any:
        otype = opt["type"]
        if otype == STRING:
            out: Any = str(value)
        elif otype == INTEGER:
            out = int(value)
        elif otype == NUMBER:
            out = float(value)
        elif otype == BOOLEAN:
            out = bool(value)
        elif otype in (USER, MENTIONABLE) and isinstance(value, (Member, User)):
            user = value.user if isinstance(value, Member) else value
            resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
            if isinstance(value, Member):
                g = self.guilds[value.guild_id]
                perms = g.base_permissions(value)
                resolved.setdefault("members", {})[str(user.id)] = {
                    **value.to_dict(with_user=False),
                    "permissions": str(perms),
                }
            out = str(user.id)
        elif otype in (ROLE, MENTIONABLE) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
            out = str(value.id)
        elif otype == CHANNEL and isinstance(value, Channel):
            perms = 0
            if guild is not None and self.bot_user.id in guild.members:
                perms = guild.permissions_in(guild.members[self.bot_user.id], value)
            resolved.setdefault("channels", {})[str(value.id)] = {
                "id": str(value.id),
                "name": value.name,
                "type": value.type,
                "permissions": str(perms),
                "guild_id": str(value.guild_id),
                "parent_id": None,
                "nsfw": False,
                "flags": 0,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "topic": value.topic,
                "position": value.position,
                "permission_overwrites": [o.to_dict() for o in value.overwrites],
            }
            out = str(value.id)
        elif otype == ATTACHMENT:
            if isinstance(value, tuple):
                value = self.add_attachment(*value)
            resolved.setdefault("attachments", {})[value["id"]] = value
            out = value["id"]
        else:
            raise AssertionError(f"option {opt['name']}: cannot send {value!r} as type {otype}")
        choices = opt.get("choices")
        if choices and out not in [c["value"] for c in choices]:
            raise AssertionError(
                f"option {opt['name']}: {out!r} is not one of its choices {[c['value'] for c in choices]}"
            )
        return out

    def _command_data(
        self, path: str, member: Member | User, options: dict[str, Any], focused: str | None
    ) -> dict[str, Any]:
        guild = self.guilds.get(member.guild_id) if isinstance(member, Member) else None
        cmd, chain = self._leaf(path, guild)
        leaf = chain[-1] if chain else cmd
        defined = {o["name"]: o for o in leaf.get("options") or []}
        unknown = set(options) - set(defined)
        if unknown:
            raise AssertionError(f"/{path} has no option(s) {sorted(unknown)} (has {list(defined)})")
        if focused is not None and focused not in defined:
            raise AssertionError(f"/{path} has no option {focused!r} to focus")
        resolved: dict[str, dict[str, Any]] = {}
        leaf_options: list[dict[str, Any]] = []
        for name, opt in defined.items():
            if name not in options:
                if opt.get("required") and focused is None:
                    raise AssertionError(f"/{path}: required option {name!r} missing")
                continue
            if name == focused:
                # While typing, Discord sends the focused option's raw text.
                leaf_options.append(
                    {
                        "name": name,
                        "type": opt["type"],
                        "value": str(options[name]),
                        "focused": True,
                    }
                )
            else:
                leaf_options.append(
                    {
                        "name": name,
                        "type": opt["type"],
                        "value": self._option_value(opt, options[name], resolved, guild),
                    }
                )
        nested = leaf_options
        for node in reversed(chain):
            nested = [{"name": node["name"], "type": node["type"], "options": nested}]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": cmd.get("type", 1)}
        if nested:
            data["options"] = nested
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return data

    # --------------------------------------------------------------- acting

    def slash(
        self,
        path: str,
        *,
        by: Member | User,
        at: Channel,
        locale: str = "en-US",
        late: float = 0.0,
        **options: Any,
    ) -> InteractionHandle:
        """Run `/path` (e.g. "admin season status") by a member, in channel `at`, with options.

        `late`: the bot receives it that many seconds after Discord created it (a slow link or a
        busy bot); the 3 s deadline counts from creation.
        """
        payload = self.slash_payload(path, by=by, at=at, locale=locale, **options)
        return InteractionHandle(self, self.send_interaction(payload, late=late))

    def slash_payload(
        self, path: str, *, by: Member | User, at: Channel, locale: str = "en-US", **options: Any
    ) -> dict[str, Any]:
        """The INTERACTION_CREATE payload `slash` would send; fails where Discord offers no such command."""
        data = self._command_data(path, by, options, None)
        payload = self._base(2, data, by, at, locale)
        self._check_offered(path, payload)
        return payload

    def autocomplete(
        self,
        path: str,
        *,
        by: Member | User,
        at: Channel,
        focused: str,
        locale: str = "en-US",
        **options: Any,
    ) -> InteractionHandle:
        """Type into option `focused` of `/path` (its value in options, as text)."""
        options.setdefault(focused, "")
        data = self._command_data(path, by, options, focused)
        payload = self._base(4, data, by, at, locale)
        self._check_offered(path, payload)
        return InteractionHandle(self, self.send_interaction(payload))

    def click(
        self,
        message: Reply | dict[str, Any],
        custom_id: str,
        *,
        by: Member | User,
        at: Channel,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Press a button (or choose `values` in a select) with custom_id on message."""
        msg = message.message if isinstance(message, Reply) else message
        found = [c for c in _walk_components(msg.get("components") or []) if c.get("custom_id") == custom_id]
        if not found:
            ids = [c.get("custom_id") for c in _walk_components(msg.get("components") or [])]
            raise AssertionError(f"no component {custom_id!r} on the message (has {ids})")
        comp = found[0]
        if comp.get("disabled"):
            raise AssertionError(f"component {custom_id!r} is disabled: Discord would not send it")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
        if values is not None:
            data["values"] = values
        payload = self._base(3, data, by, at, locale)
        payload["message"] = msg
        return InteractionHandle(self, self.send_interaction(payload))

    def submit_modal(
        self,
        modal: dict[str, Any],
        values: dict[str, str],
        *,
        by: Member | User,
        at: Channel,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Submit a modal the bot opened, with text input values by custom_id."""
        rows: list[dict[str, Any]] = []
        for comp in modal.get("components") or []:
            if comp.get("type") == 1:
                inner = [
                    {
                        "type": c["type"],
                        "custom_id": c["custom_id"],
                        "value": values.get(c["custom_id"], c.get("value") or ""),
                    }
                    for c in comp.get("components") or []
                ]
                rows.append({"type": 1, "components": inner})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                c = comp["component"]
                rows.append(
                    {
                        "type": 18,
                        "id": comp.get("id"),
                        "component": {
                            "type": c["type"],
                            "custom_id": c["custom_id"],
                            "id": c.get("id"),
                            "value": values.get(c["custom_id"], c.get("value") or ""),
                        },
                    }
                )
        data = {"custom_id": modal["custom_id"], "components": rows}
        payload = self._base(5, data, by, at, locale)
        return InteractionHandle(self, self.send_interaction(payload))

    # --------------------------------------------------------------- channel messages

    async def wait_channel_messages(
        self, channel: Channel, count: int = 1, within: float = 5.0
    ) -> list[Reply]:
        """Wait until the bot has posted `count` messages in channel; return them all."""
        await self.wait_for(
            lambda: len(self.channel_messages(channel)) >= count,
            within,
            f"{count} message(s) in #{channel.name}",
        )
        with self.lock:
            return [
                Reply(dict(m), (self.message_payloads.get(int(m["id"])) or [{}])[0])
                for m in self.channel_messages(channel)
            ]
