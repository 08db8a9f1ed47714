"""The C allocator's settings for a long-running bot (glibc only; elsewhere nothing changes).

glibc serves a large request (a search index's arrays, a database page, a pickle frame)
from its heap once it has seen one freed, raising its mmap threshold on the way up to 32
MiB; what is freed there afterwards stays in the bot's resident memory, interleaved with
what lives on. Loading the 10,000-show catalog left ~10 MiB of such holes
(bench/bench_memory.py, mallinfo2). A fixed threshold of 64 KiB serves every large
request from its own mapping, returned to the system the moment it is freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
MMAP_THRESHOLD = 64 * 1024


def return_large_frees() -> bool:
    """Have every allocation of MMAP_THRESHOLD or more mapped on its own; True if it took."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    log.debug("malloc mmap threshold %s", "set" if done else "refused")
    return done
