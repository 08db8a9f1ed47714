"""BotProcess: the real bot as an OS process pointed at the stand-in, always cleaned up."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from .server import StandIn

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
BARE_BOT = Path(__file__).resolve().with_name("bare_bot.py")

_live: set[subprocess.Popen[bytes]] = set()


def _kill_all() -> None:
    # Last resort when pytest dies between start and teardown: no bot may outlive the run.
    for proc in list(_live):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        _live.discard(proc)


atexit.register(_kill_all)


def _die_with_parent() -> None:
    # Linux: the kernel SIGKILLs the bot if the test run itself is killed, when neither the
    # fixtures nor atexit get a chance to. (Start bots from the main thread: the signal is
    # tied to the thread that forked.)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class BotProcess:
    """A bot script run through tests.standin.launch against a stand-in."""

    def __init__(
        self,
        server: StandIn,
        workdir: Path,
        script: Path = BARE_BOT,
        *,
        args: Iterable[str] = (),
        env: dict[str, str] | None = None,
        database: Path | None = None,
        owner_ids: Iterable[int] | None = None,
        dev_guild_id: int | None = None,
        ready_marker: str | None = None,
        require_sync: bool = False,
        name: str = "bot",
    ) -> None:
        self.server = server
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.script = Path(script)
        self.args = list(args)
        self.database = database or workdir / "bot.db"
        self.owner_ids = list(owner_ids) if owner_ids is not None else [server.owner.id]
        self.dev_guild_id = dev_guild_id
        self.extra_env = dict(env or {})
        self.ready_marker = ready_marker
        self.require_sync = require_sync
        self.started_at = 0.0
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._log_offset = 0

    def environment(self) -> dict[str, str]:
        """The environment the bot runs with (no stray DISCORD_* from the caller)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "OWNER_", "DEV_GUILD"))
        }
        env.update(
            {
                "DISCORD_TOKEN": self.server.token,
                "DATABASE_PATH": str(self.database),
                "OWNER_IDS": ",".join(str(i) for i in self.owner_ids),
                "DISCORD_STANDIN_BASE": self.server.base_url,
                "PYTHONPATH": os.pathsep.join(
                    [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
                ),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.dev_guild_id is not None:
            env["DEV_GUILD_ID"] = str(self.dev_guild_id)
        env.update(self.extra_env)
        return env

    def start(self, *, wait: bool = True, timeout: float = 30.0) -> BotProcess:
        """Start the process (cwd is the work dir, so no stray .env is read); wait until ready."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        sessions_before = set(self.server.sessions)
        self.started_at = time.monotonic()
        with self.log_path.open("ab") as out:
            self._log_offset = out.tell()
            out.write(f"----- start {self.starts + 1} -----\n".encode())
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.standin.launch",
                    str(self.script.resolve()),
                    *self.args,
                ],
                cwd=self.workdir,
                env=self.environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        _live.add(self.proc)
        self.starts += 1
        self.server.log_sources[str(self.log_path.name)] = lambda: self.log_tail(40)
        if wait:
            self.wait_ready(timeout, sessions_before)
        return self

    def wait_ready(self, timeout: float = 30.0, sessions_before: set[str] | None = None) -> None:
        """Wait until every shard has a new session, commands were synced (if require_sync)
        and the ready marker (if any) is in the log."""
        before = sessions_before or set()
        deadline = time.monotonic() + timeout

        def ready() -> bool:
            if self.proc is None or self.proc.poll() is not None:
                raise AssertionError(
                    f"bot exited with {self.proc and self.proc.returncode} before ready:\n{self.log_tail()}"
                )
            fresh = {s.shard_id for s in self.server.sessions.values() if s.session_id not in before}
            if not self.shards <= fresh:
                return False
            if self.require_sync and not any(r.time >= self.started_at for r in self.server.command_syncs):
                return False
            return self.ready_marker is None or self.ready_marker in self.log_since_start()

        try:
            self.server.wait_for_sync(ready, max(0.1, deadline - time.monotonic()), "the bot to be ready")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- bot log ---\n{self.log_tail()}") from None

    @property
    def shards(self) -> set[int]:
        """The shards this process runs: SHARD_IDS if set, else every shard of the stand-in."""
        ids = self.extra_env.get("SHARD_IDS", "").replace(" ", "")
        if ids:
            return {int(i) for i in ids.split(",") if i}
        return set(range(self.server.shard_count))

    def log_text(self) -> str:
        """Everything the bot printed, all starts."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_since_start(self) -> str:
        """What the bot printed since its latest start."""
        with self.log_path.open("rb") as f:
            f.seek(self._log_offset)
            return f.read().decode(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of the log, for failure messages."""
        return "\n".join(self.log_text().splitlines()[-lines:])

    @property
    def pid(self) -> int:
        """The process id."""
        assert self.proc is not None
        return self.proc.pid

    def running(self) -> bool:
        """Whether the process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait; returns the exit code (SIGKILL and fail if it hangs)."""
        assert self.proc is not None, "not started"
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"bot ignored SIGTERM for {timeout}s:\n{self.log_tail()}") from None
        self._reap_group()
        _live.discard(self.proc)
        return self.proc.returncode

    def kill(self) -> int:
        """SIGKILL the bot (and anything it started); returns the exit code."""
        assert self.proc is not None, "not started"
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        _live.discard(self.proc)
        return self.proc.returncode

    def _reap_group(self) -> None:
        # Children the bot left in its session die with it.
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def restart(self, *, timeout: float = 30.0) -> BotProcess:
        """Stop with SIGTERM (asserting exit code 0) and start again."""
        code = self.stop()
        assert code == 0, f"bot exited with {code} on SIGTERM:\n{self.log_tail()}"
        return self.start(timeout=timeout)

    def close(self) -> None:
        """Make sure nothing is left running (used by fixtures, even on failure)."""
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        elif self.proc is not None:
            self._reap_group()
            _live.discard(self.proc)
