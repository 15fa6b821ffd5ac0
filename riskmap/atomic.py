"""Files appear whole or not at all: write beside the target, then rename.

Every file ``riskmap assess`` and ``riskmap export`` write goes through
:func:`replacing`: the content is written to a temporary file in the target's own
folder (so the rename never crosses file systems) and moved over the target with
:func:`os.replace`, which is atomic on POSIX and Windows.  A crash, a full disk or a
broken input half-way leaves the old file (or none) and no ``.part`` file behind, so a
scheduled job (cron, a systemd timer) can run again and again: each run replaces the
file only when the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

STALE_S = 24 * 3600
"""A temporary file left by a run that was killed outright (SIGKILL, a power cut) is removed by the next run
writing the same target once it is this old (a run still writing it is never that slow)."""


def _sweep(target: Path) -> None:
    for part in target.parent.glob(f".{target.name}.*.part*"):
        try:
            if time.time() - part.stat().st_mtime > STALE_S:
                part.unlink()
        except OSError:  # gone already, or not ours to remove
            pass


def _file_mode() -> int:
    """The permissions of a new file under the current umask (mkstemp makes 0600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """A temporary path to write ``target``'s new content to; renamed onto ``target`` on success.

    Parameters
    ----------
    target
        The file to write; missing parent folders are made.

    Yields
    ------
    pathlib.Path
        A fresh, empty file beside ``target`` (``.NAME.XXXX.part.EXT``: it keeps ``target``'s extension,
        which GDAL checks for a GeoPackage).  On an exception the
        file is removed and ``target`` is left as it was (``riskmap`` turns SIGTERM into an exit, so a
        ``timeout`` or ``systemctl stop`` cleans up too; a temporary file of a run killed outright is
        removed by a later run once a day old).

    Examples
    --------
    >>> with replacing("out/summary.json") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("{}")
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent)
    tmp = Path(name)
    try:  # from here on an exit (SIGTERM while the file is being made) removes it
        os.close(fd)
        yield tmp
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def exit_on_sigterm() -> None:
    """Make SIGTERM (``timeout``, ``systemctl stop``, a scheduler's kill) exit through Python, so that every file
    being written by :func:`replacing` is removed rather than left behind (the ``riskmap`` command calls it)."""
    import signal
    import sys
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
