"""Shared pieces of the process benchmarks: the 10,000-show database, stand-ins, bot processes.

Each benchmark runs the real bot (`bot.py`) and the baseline (`tests/standin/bare_bot.py`,
a bare discord.py bot answering /ping with a constant) in the same run, each against its
own Discord stand-in, so whatever the machine is doing affects both alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.standin.process import BARE_BOT, BotProcess  # noqa: E402
from tests.standin.scenario import DiscordStandIn  # noqa: E402
from tests.standin.world import Channel, Guild, Member  # noqa: E402

log = logging.getLogger(__name__)

OUT = ROOT / "bench" / "out"
BOT = ROOT / "bot.py"
DRAMA_READY = "Drama bot ready"
# Logged by Catalog's warm-up once the title answers it makes ahead are all made (0.6 s
# after ready at 10,000 shows, 1.8 s at 30,000): from then on the bot is in its steady state.
DRAMA_WARMED = "answered ahead in"
BARE_READY = "bare-bot ready"
# What the generated catalog depends on: a change to either makes it again.
CATALOG_INPUTS = ("bench/gen_catalog.py", "kdrama/hangul.py")
# What the prepared database depends on: a change to any of these builds it again.
DB_INPUTS = ("bot.py", "bench/gen_catalog.py", "kdrama")
# Not these: the read side (search index, snapshot, answers, rendering) is built in memory
# at start and never stored, so work on it need not pay for a new import (a minute or
# more at 30,000 shows).
DB_INPUTS_NOT = (
    "kdrama/search.py",
    "kdrama/hangul.py",
    "kdrama/keyspace.py",
    "kdrama/lookup.py",
    "kdrama/snapshot.py",
    "kdrama/answers.py",
    "kdrama/render.py",
    "kdrama/season_words.py",
    "kdrama/lookup_render.py",
    "kdrama/store/catalog.py",
)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _inputs_digest(shows: int, seed: int) -> str:
    h = hashlib.sha256(f"{shows}:{seed}".encode())
    for name in DB_INPUTS:
        path = ROOT / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if (
                f.is_file()
                and f.suffix in (".py", ".sql")
                and f.relative_to(ROOT).as_posix() not in DB_INPUTS_NOT
            ):
                h.update(str(f.relative_to(ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def catalog_file(shows: int, seed: int) -> Path:
    """The generated catalog JSON (made once per size, seed and generator, kept in bench/out)."""
    OUT.mkdir(exist_ok=True)
    generator = hashlib.sha256()
    for name in CATALOG_INPUTS:
        generator.update((ROOT / name).read_bytes())
    path = OUT / f"catalog-{shows}-{seed}-{generator.hexdigest()[:12]}.json"
    if not path.exists():
        for pattern in (f"catalog-{shows}-{seed}.json", f"catalog-{shows}-{seed}-*.json"):
            for old in OUT.glob(pattern):
                old.unlink()  # made by an older generator
        tmp = path.with_suffix(".part")
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_catalog.py"), "--shows", str(shows),
             "--seed", str(seed), "--out", str(tmp)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL, timeout=300,
        )  # fmt: skip
        tmp.replace(path)
    return path


def prepared_database(shows: int, seed: int, *, fresh: bool = False) -> Path:
    """A database filled by `python bot.py import CATALOG`, the way an owner would fill it.

    The import takes ~30 s for 10,000 shows, so the result is kept in bench/out under a
    digest of the code that made it; copy it before use (benchmarks must not share a file).
    """
    cached = OUT / f"imported-{shows}-{seed}-{_inputs_digest(shows, seed)}.db"
    if cached.exists() and not fresh:
        return cached
    catalog = catalog_file(shows, seed)
    for old in OUT.glob(f"imported-{shows}-{seed}-*.db"):
        old.unlink()
    tmp = cached.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env["DATABASE_PATH"] = str(tmp)
    done = subprocess.run(
        [sys.executable, str(BOT), "import", str(catalog)],
        cwd=OUT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bot.py import failed:\n{done.stderr}{done.stdout}")
    tmp.replace(cached)
    return cached


@dataclass
class World:
    """A stand-in with one fan server: the guild, its #general and a member without rights."""

    standin: DiscordStandIn
    guild: Guild
    general: Channel
    fan: Member


def make_world(name: str = "K-drama fans") -> World:
    """A started stand-in with a guild made before the bot connects (stop it when done)."""
    standin = DiscordStandIn().start()
    guild = standin.make_guild(name, channels=("general",))
    general = next(iter(guild.channels.values()))
    return World(standin, guild, general, standin.plain_member(guild, "fan"))


@contextlib.contextmanager
def workspace(keep: bool = False) -> Iterator[Path]:
    """A temporary directory for databases and bot logs (kept with --keep, for debugging)."""
    path = Path(tempfile.mkdtemp(prefix="dramabot-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"kept {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def drama_process(
    world: World, workdir: Path, database: Path, *, env: dict[str, str] | None = None
) -> BotProcess:
    """The real bot on a copy of `database` (not started)."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "bot.db"
    shutil.copyfile(database, db)
    return BotProcess(
        world.standin, workdir, BOT, database=db, ready_marker=DRAMA_READY,
        require_sync=True, name="drama", env=env,
    )  # fmt: skip


def bare_process(world: World, workdir: Path, *, env: dict[str, str] | None = None) -> BotProcess:
    """The baseline: the bare bot, which syncs its commands at every start."""
    return BotProcess(
        world.standin, workdir, BARE_BOT, ready_marker=BARE_READY, require_sync=True, name="bare", env=env
    )


def wait_for_line(proc: BotProcess, text: str, timeout: float = 120.0) -> float:
    """Wait until `text` is in the bot's log since its start; seconds waited."""
    started = time.monotonic()
    while text not in proc.log_since_start():
        if not proc.running():
            raise RuntimeError(f"the bot exited before logging {text!r}:\n{proc.log_tail()}")
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"no {text!r} in the bot log within {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - started


def timed_start(proc: BotProcess, timeout: float = 60.0) -> float:
    """Start the process and return seconds from spawn to ready (marker logged, commands synced)."""
    proc.start(timeout=timeout)
    return time.monotonic() - proc.started_at


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status (Linux only)")


def rss_mb(pid: int) -> float:
    """The process's current resident set size (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc status (Linux only)")


def median(values: list[float]) -> float:
    """statistics.median, named here so scripts read alike."""
    return statistics.median(values)
