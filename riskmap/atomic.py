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
from collections.abc import Iterator
from pathlib import Path


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
        A fresh, empty file beside ``target`` (``.NAME.XXXX.part``).  On an exception the
        file is removed and ``target`` is left as it was.

    Examples
    --------
    >>> with replacing("out/summary.json") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("{}")
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
