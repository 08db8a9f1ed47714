"""Settings read once from the environment (and `.env`), validated at start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

DEFAULT_DATABASE_PATH = "data/kdrama.db"
DEFAULT_TMDB_BASE_URL = "https://api.themoviedb.org/3"
DEFAULT_TMDB_SYNC_MINUTES = 360
MIN_TMDB_SYNC_MINUTES = 15
DEFAULT_TMDB_RETRY_SECONDS = 60
# Video hosts a trailer URL may point at; TRAILER_HOSTS in the environment extends the list.
DEFAULT_TRAILER_HOSTS = (
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "vimeo.com",
    "tv.naver.com",
)


DEFAULT_OUTBOX_RETENTION_DAYS = 30
DEFAULT_MAX_SUBSCRIPTIONS_PER_SERVER = 500
DEFAULT_FOLLOW_LIMIT = 200


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('********')" if self.value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: Secret
    database_path: Path
    owner_ids: frozenset[int]
    dev_guild_id: int | None
    trailer_hosts: tuple[str, ...]
    log_level: str
    # Several processes can share one bot: each runs SHARD_IDS of SHARD_COUNT shards, and
    # delivers notifications only to guilds on them. Unset: one process, every shard.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    # Delivered and failed notifications are deleted after this many days.
    outbox_retention_days: int = DEFAULT_OUTBOX_RETENTION_DAYS
    # The most subscriptions one server may have (/watch add refuses a new one past it).
    max_subscriptions_per_server: int = DEFAULT_MAX_SUBSCRIPTIONS_PER_SERVER
    # How many shows one person may follow by DM (FOLLOW_LIMIT).
    follow_limit: int = DEFAULT_FOLLOW_LIMIT
    # TMDB is optional: without a token the bot runs on its own catalog alone.
    tmdb_token: Secret = field(default_factory=lambda: Secret(""))
    tmdb_base_url: str = DEFAULT_TMDB_BASE_URL
    tmdb_sync_minutes: int = DEFAULT_TMDB_SYNC_MINUTES
    # How long one TMDB request is retried (429s, 5xx, timeouts) before its show is skipped.
    tmdb_retry_seconds: int = DEFAULT_TMDB_RETRY_SECONDS

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read and validate settings from `env` (default: os.environ after loading `.env`)."""
        if env is None:
            if dotenv:
                load_dotenv(override=False)
            env = dict(os.environ)
        owner_ids = frozenset(_ids(env.get("OWNER_IDS", ""), "OWNER_IDS"))
        dev_guild = env.get("DEV_GUILD_ID", "").strip()
        extra_hosts = tuple(h.strip().lower() for h in env.get("TRAILER_HOSTS", "").split(",") if h.strip())
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}.")
        shard_count_text = env.get("SHARD_COUNT", "").strip()
        shard_count = _ids(shard_count_text, "SHARD_COUNT")[0] if shard_count_text else None
        shard_ids = tuple(_ids(env.get("SHARD_IDS", ""), "SHARD_IDS")) or None
        if shard_count is not None and shard_count < 1:
            raise SettingsError("SHARD_COUNT must be at least 1.")
        if shard_ids is not None and (shard_count is None or max(shard_ids) >= shard_count):
            raise SettingsError(
                "SHARD_IDS needs SHARD_COUNT, and every id must be below it (0 to SHARD_COUNT-1)."
            )
        follow_limit_text = env.get("FOLLOW_LIMIT", "").strip()
        if follow_limit_text and not follow_limit_text.isdigit():
            raise SettingsError(f"FOLLOW_LIMIT must be a number of shows, not {follow_limit_text!r}.")
        follow_limit = int(follow_limit_text) if follow_limit_text else DEFAULT_FOLLOW_LIMIT
        if follow_limit < 1:
            raise SettingsError("FOLLOW_LIMIT must be at least 1.")
        tmdb_base_url = env.get("TMDB_BASE_URL", "").strip().rstrip("/") or DEFAULT_TMDB_BASE_URL
        if not tmdb_base_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise SettingsError(
                f"TMDB_BASE_URL must be an https:// URL (or http:// on this machine), not {tmdb_base_url!r}."
            )
        sync_text = env.get("TMDB_SYNC_INTERVAL", "").strip()
        if sync_text and not sync_text.isdigit():
            raise SettingsError(f"TMDB_SYNC_INTERVAL must be a number of minutes, not {sync_text!r}.")
        sync_minutes = int(sync_text) if sync_text else DEFAULT_TMDB_SYNC_MINUTES
        if sync_minutes < MIN_TMDB_SYNC_MINUTES:
            raise SettingsError(f"TMDB_SYNC_INTERVAL must be at least {MIN_TMDB_SYNC_MINUTES} minutes.")
        retry_text = env.get("TMDB_RETRY_SECONDS", "").strip()
        if retry_text and (not retry_text.isdigit() or int(retry_text) < 1):
            raise SettingsError(
                f"TMDB_RETRY_SECONDS must be a whole number of seconds from 1, not {retry_text!r}."
            )
        return cls(
            token=Secret(env.get("DISCORD_TOKEN", "").strip()),
            database_path=Path(env.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH),
            owner_ids=owner_ids,
            dev_guild_id=_ids(dev_guild, "DEV_GUILD_ID")[0] if dev_guild else None,
            trailer_hosts=DEFAULT_TRAILER_HOSTS + extra_hosts,
            log_level=level,
            shard_count=shard_count,
            shard_ids=shard_ids,
            outbox_retention_days=_positive(env, "OUTBOX_RETENTION_DAYS", DEFAULT_OUTBOX_RETENTION_DAYS),
            max_subscriptions_per_server=_positive(
                env, "MAX_SUBSCRIPTIONS_PER_SERVER", DEFAULT_MAX_SUBSCRIPTIONS_PER_SERVER
            ),
            follow_limit=follow_limit,
            tmdb_token=Secret(env.get("TMDB_TOKEN", "").strip()),
            tmdb_base_url=tmdb_base_url,
            tmdb_sync_minutes=sync_minutes,
            tmdb_retry_seconds=int(retry_text) if retry_text else DEFAULT_TMDB_RETRY_SECONDS,
        )


def _ids(raw: str, name: str) -> list[int]:
    ids: list[int] = []
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit():
            raise SettingsError(f"{name} must be Discord ids (numbers) separated by commas, not {part!r}.")
        ids.append(int(part))
    return ids


def _positive(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)
