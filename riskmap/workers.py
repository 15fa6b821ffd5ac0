"""Forked worker processes: one job each, run beside the parent on another core (issue 13).

``riskmap assess`` writes its layers and its register while it grades the history and
finds the warnings. Threads cannot do that: the writers and the grading are both partly
Python, and the GIL lets one of them run at a time. A child made by :func:`os.fork`
starts with the parent's memory as it is (copy-on-write), so the graded assessment
reaches it without being pickled; only the job's small result (the paths written) or
its exception comes back, through a pipe.

Forking is not always safe or wise, so :func:`can_fork` says when it is:

* only where the ``fork`` start method exists (Linux, macOS; not Windows);
* only before polars has been imported: polars' thread pool, once started, does not
  survive a fork (its docs warn the child can deadlock), and the writers use polars;
* only while the machine has memory for the children: a child copies each page of the
  parent it writes to (every Python object it reads has its reference count written),
  so each may grow towards the parent's size. At national scale the parent alone
  holds most of the memory, and the command writes in threads instead.

A job's exception is raised again in the parent by :meth:`Worker.result`, with the
child's traceback added as a note; a child that dies (killed, out of memory) raises
:class:`~riskmap.errors.WorkerError`. A child turns SIGTERM into an exit as the parent
does (:func:`riskmap.atomic.exit_on_sigterm`), so the temporary files of
:func:`riskmap.atomic.replacing` are removed when the parent stops it.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Any

from riskmap.errors import WorkerError
from riskmap.memory import memory_mb

#: Modules whose thread pools do not survive a fork: while one is loaded, nothing is forked.
FORK_UNSAFE_MODULES = ("polars",)


def can_fork(children: int, *, memory_share: float = 1.0) -> bool:
    """Whether ``children`` forked workers may start now.

    Parameters
    ----------
    children
        How many workers would run at once.
    memory_share
        How much of the parent's resident memory each child may come to hold; the
        machine's available memory must cover ``children * memory_share`` times it.
    """
    if children < 1 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    if any(name in sys.modules for name in FORK_UNSAFE_MODULES):
        return False
    rss, available = memory_mb()
    return available >= children * memory_share * rss


class Worker:
    """A job run in a forked child; :meth:`result` waits for it.

    Parameters
    ----------
    job
        Called with no arguments in the child; its return value must pickle.
    name
        The child's process name (for ``ps`` and error messages).
    """

    def __init__(self, job: Callable[[], Any], *, name: str) -> None:
        context = multiprocessing.get_context("fork")
        self.name = name
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(job, send), name=name, daemon=True)
        with warnings.catch_warnings():
            # Python 3.12+ warns when a process with threads forks. The parent's threads at this point are
            # idle pool workers (reading, roads) that hold no lock the child needs; the child uses none of them.
            warnings.simplefilter("ignore", DeprecationWarning)
            self._process.start()
        send.close()  # the child holds the only writing end: a dead child means EOF here

    def result(self) -> Any:
        """The job's return value; raises the job's exception, or :class:`WorkerError` if the child died."""
        try:
            outcome, value, details = self._receive.recv()
        except EOFError:
            self._process.join()
            raise WorkerError(f"the {self.name} process stopped without finishing (exit code "
                              f"{self._process.exitcode})") from None
        finally:
            self._receive.close()
        self._process.join()
        if outcome == "ok":
            return value
        if isinstance(value, BaseException):
            value.add_note(f"in the {self.name} process:\n{details}")
            raise value
        raise WorkerError(f"the {self.name} process failed: {value}\n{details}")

    def cancel(self) -> None:
        """Stop the child (SIGTERM: it removes its temporary files) and wait for it."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


def _run(job: Callable[[], Any], send) -> None:
    """The child's side: run ``job`` and send back ``("ok", value, "")`` or ``("error", exception, traceback)``."""
    try:
        message = ("ok", job(), "")
    except BaseException as exc:  # noqa: BLE001 (everything goes back to the parent, which decides)
        message = ("error", exc, traceback.format_exc())
    try:
        send.send(message)
    except Exception as exc:  # the value or the exception does not pickle: send its text
        send.send(("error", f"{type(message[1]).__name__}: {message[1]} ({exc})", message[2]))
    finally:
        send.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no atexit handlers of the parent's, no second flush of its buffers
