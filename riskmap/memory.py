"""The process's memory: how freed memory goes back to the system (issue 13, point 2).

An assessment builds and frees arrays and Python objects in several threads (the road
work, the weights, the writers). Two of glibc's choices decide what that costs:

* which blocks get a mapping of their own (from the "mmap threshold" up): such a block
  goes back to the system when freed, so memory comes down, but the next one is a fresh
  mapping whose every page the kernel faults in and zeroes again. Below the threshold,
  freed blocks are reused from the heap: no faults, but the heap may keep what it once
  held. glibc's default moves the threshold up with the largest block freed so far;
* how many heap arenas there are (8 per core by default): every thread that allocates
  gets one, whose free pages no other thread reuses.

Measured (bench/README.md, issue 13: "The history beside the as-of grade, the allocator,
no teardown"): with the threshold fixed at 128 KiB, ``riskmap assess`` on the province
spent about 1.6 million page faults (2-3 CPU seconds of kernel time; 11 million and 80
seconds at a nation's scale) and peaked 7-12% lower than with the threshold at 32 MiB,
glibc's largest, which halves the faults. So a command starts returning
(:func:`tune_allocator`: two arenas, the threshold at 128 KiB) and, once its inputs are
read, :func:`fit_allocator` raises the threshold where memory is plentiful: when the
process holds at most an eighth of the memory still available (a province's workspace on
a 24 GB machine; not a nation's). A forked worker inherits the choice.
:func:`release_memory` hands the free pages of every arena and Arrow's pool back to the
system between stages.

None of this changes a result: it decides only where freed memory waits. Elsewhere than
glibc (macOS, musl) all of it does nothing.
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
"""The threshold where memory is scarce: blocks from this size up get a mapping of their own, returned to
the system when freed (glibc's initial threshold, kept fixed instead of growing)."""

REUSE_MMAP_THRESHOLD = 32 * 1024 * 1024
"""The threshold where memory is plentiful: glibc's largest, so the arrays a stage builds and frees reuse
the heap's pages instead of faulting in fresh ones."""

MEMORY_SHARE = 8
""":func:`fit_allocator` reuses freed memory while the process holds at most 1/8 of the available memory."""

_TUNED: list[bool] = []  # holds True once tune_allocator has run in this process

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


def _threshold(libc: ctypes.CDLL, threshold: int) -> bool:
    """Fix the mmap threshold, and the trim threshold (the heap's free top kept) at four times it."""
    ok = libc.mallopt(M_MMAP_THRESHOLD, threshold) == 1
    return libc.mallopt(M_TRIM_THRESHOLD, 4 * threshold) == 1 and ok


def tune_allocator() -> bool:
    """Limit glibc's arenas and fix the mmap threshold low (freed memory returned); call it before worker
    threads start.

    Returns whether the allocator was tuned (False off glibc).
    """
    libc = _libc()
    if libc is None:
        return False
    ok = _threshold(libc, MMAP_THRESHOLD)
    _TUNED[:] = [True]
    return libc.mallopt(M_ARENA_MAX, ARENAS) == 1 and ok


def memory_mb() -> tuple[float, float]:
    """This process's resident memory and the machine's available memory, in MB (Linux ``/proc``).

    Returns ``(0.0, inf)`` where ``/proc`` is missing (macOS), so the memory rule never stops a fork there.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            rss = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        with open("/proc/meminfo", encoding="ascii") as handle:
            available = next(int(line.split()[1]) for line in handle if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return 0.0, float("inf")
    return rss / 1024.0, available / 1024.0


def fit_allocator(*, share: float = MEMORY_SHARE) -> str:
    """Choose, from what the process holds now, whether freed memory is reused or returned.

    Returns ``"reuse"`` (the threshold raised to :data:`REUSE_MMAP_THRESHOLD`),
    ``"return"`` (nothing changed), or ``"none"`` off glibc, where ``/proc`` does not
    tell, or in a process that did not call :func:`tune_allocator` (the app keeps
    glibc's defaults).

    Parameters
    ----------
    share
        Reuse freed memory while the process holds at most 1/``share`` of the
        machine's available memory.
    """
    libc = _libc()
    rss, available = memory_mb()
    if libc is None or not rss or not _TUNED:
        return "none"
    if rss * share <= available:
        _threshold(libc, REUSE_MMAP_THRESHOLD)
        return "reuse"
    return "return"


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
