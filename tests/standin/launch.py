"""Run a discord.py bot script against the stand-in, without touching the bot's code.

    python -m tests.standin.launch --base http://127.0.0.1:PORT [--gateway WS_URL] SCRIPT [ARGS]

or set DISCORD_STANDIN_BASE (and optionally DISCORD_STANDIN_GATEWAY) and omit the flags.
It points ``discord.http.Route.BASE`` at ``BASE/api/v10`` and
``DiscordWebSocket.DEFAULT_GATEWAY`` at the stand-in's websocket (``BASE/gateway`` by
default), then runs SCRIPT as ``__main__`` with ``sys.argv = [SCRIPT, *ARGS]``.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from pathlib import Path

import discord.gateway
import discord.http
import yarl


def point_at(base: str, gateway: str | None = None) -> None:
    """Patch discord.py's REST base and default gateway to the stand-in at base."""
    base = base.rstrip("/")
    discord.http.Route.BASE = base + "/api/v10"
    gateway = gateway or base.replace("http://", "ws://", 1) + "/gateway"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def main(argv: list[str] | None = None) -> None:
    """Parse the launcher's arguments and run the script."""
    parser = argparse.ArgumentParser(prog="python -m tests.standin.launch")
    parser.add_argument(
        "--base",
        default=os.environ.get("DISCORD_STANDIN_BASE"),
        help="stand-in root URL, e.g. http://127.0.0.1:8123",
    )
    parser.add_argument(
        "--gateway",
        default=os.environ.get("DISCORD_STANDIN_GATEWAY"),
        help="websocket URL (default: BASE/gateway)",
    )
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    if not ns.base:
        parser.error("--base or DISCORD_STANDIN_BASE is required")
    point_at(ns.base, ns.gateway)
    script = Path(ns.script).resolve()
    # As `python SCRIPT` would: the script's folder first on sys.path, argv as the script sees it.
    sys.path.insert(0, str(script.parent))
    sys.argv = [str(script), *ns.args]
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main()
