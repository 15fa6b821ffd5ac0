"""The process's memory: how freed memory goes back to the system (issue 13, point 2).

A nation's assessment builds and frees gigabytes of arrays and Python objects in
several threads (the road work, the weights, the writers).  With glibc's defaults
much of what is freed stays in the process: a large array freed once raises the size
below which arrays come from the heap instead of their own mapping (the "dynamic
mmap threshold"), so later arrays fragment the heap; and every thread that allocates
gets an arena of its own, whose free pages no other thread reuses.  Measured on the
province, ``riskmap assess`` peaked 12% lower with a fixed threshold and two arenas
(bench/README.md, "Memory").

:func:`tune_allocator` sets both once, at the start of a command, before any worker
thread exists; :func:`release_memory` hands the free pages of every arena and Arrow's
pool back to the system between stages.  Neither changes a result: they decide only
where freed memory waits.  Elsewhere than glibc (macOS, musl) both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

MMAP_THRESHOLD = 128 * 1024
"""Blocks from this size up get a mapping of their own, returned to the system when freed (glibc's
initial threshold, kept fixed instead of growing with the largest block freed so far)."""

CHILD_MMAP_THRESHOLD = 32 * 1024 * 1024
"""The threshold in a forked worker: glibc's largest, so the arrays it builds and frees reuse its heap."""

ARENAS = 2
"""Heap arenas: one per core of the development machine (glibc's default is 8 per core)."""


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """glibc, or None on a system without it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 -- both exist only in glibc
    except (OSError, AttributeError):
        return None
    return libc


def tune_allocator() -> bool:
    """Fix glibc's mmap threshold and limit its arenas; call it before worker threads start.

    Returns whether the allocator was tuned (False off glibc).
    """
    libc = _libc()
    if libc is None:
        return False
    ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    # A fixed mmap threshold also fixes the trim threshold at twice it: the heap's free top goes back sooner.
    ok = libc.mallopt(M_ARENA_MAX, ARENAS) == 1 and ok
    return ok


def tune_child_allocator() -> bool:
    """Let a forked worker reuse the memory it frees instead of mapping fresh pages.

    Returns whether the allocator was tuned (False off glibc).
    """
    libc = _libc()
    if libc is None:
        return False
    ok = libc.mallopt(M_MMAP_THRESHOLD, CHILD_MMAP_THRESHOLD) == 1
    return libc.mallopt(M_TRIM_THRESHOLD, 4 * CHILD_MMAP_THRESHOLD) == 1 and ok


def release_memory() -> None:
    """Give the free pages of the heap and of Arrow's memory pool back to the system.

    Costs a walk over the heap's free lists (milliseconds at province scale, well
    under a second at a nation's): called between stages, not in a loop.
    """
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:  # never imported only to release
        arrow.default_memory_pool().release_unused()


def shared_texts(choices: list[tuple[object, str]], default: str):
    """The text of the first condition each row meets, else ``default``: an object array whose rows share
    one Python text per choice.

    Returns an object array. ``np.where`` of texts, made an object array or Series, holds a new Python text per row
    (about 55 bytes each: a nation's 3 million accidents' severity class alone is 165 MB);
    here each row holds a pointer to one of a few texts, with the same values.

    Parameters
    ----------
    choices
        ``(condition, text)`` pairs, conditions as boolean arrays (or Series) of one length.
    default
        The text of a row that meets none.
    """
    import numpy as np  # here: the command's start-up imports this module before it needs numpy

    texts = np.array([text for _, text in choices] + [default], dtype=object)
    conditions = [np.asarray(condition, dtype=bool) for condition, _ in choices]
    return texts[np.select(conditions, np.arange(len(choices)), len(choices))]
