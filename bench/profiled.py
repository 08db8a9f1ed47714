"""Run a bot script under cProfile (bench only): `profiled.py OUT.pstats SCRIPT [ARGS]`.

Used as the script of a BotProcess when a benchmark is asked to --profile, so the product
code carries no profiling switch. The stats are written when the script returns (the bot
stops cleanly on SIGTERM).
"""

from __future__ import annotations

import cProfile
import runpy
import sys
from pathlib import Path


def main() -> None:
    """Profile SCRIPT as __main__ and dump the stats to OUT."""
    out, script, *args = sys.argv[1:]
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *args]
    profiler = cProfile.Profile()
    try:
        profiler.runcall(runpy.run_path, script, run_name="__main__")
    except SystemExit:
        pass
    finally:
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
