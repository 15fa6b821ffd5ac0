"""Uploads: files sent to the app become a workspace folder, bounded and short-lived.

(Moved out of ``app.py``: the page only hands the files over.)

A visitor may upload a ``.zip`` of a workspace folder, or the files themselves with or
without ``riskmap.toml``.  :func:`workspace_from_uploads` writes them to a new folder of
its own under :func:`upload_root`; without a ``riskmap.toml`` a minimal one is written
from the file names.

An upload is hostile until shown otherwise: archives are unpacked within the limits of
:data:`riskmap.settings` (total unpacked size, member count, compression
ratio), checked on the sizes the archive declares *and* on the bytes actually written;
member paths may not leave the folder, and links are not unpacked.  A refused upload
leaves nothing behind.  Folders are removed by :func:`remove_upload` when the visitor
leaves or uploads again, and :func:`sweep_uploads` removes those older than a day when
the app starts.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import stat
import tempfile
import time
import weakref
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from riskmap.errors import InputError, Problem
from riskmap.i18n import Msg, msg
from riskmap.io import formats
from riskmap.runtime import settings
from riskmap.schema import UPLOAD_NAMES

MARKER = ".riskmap-upload"
"""A file in every upload folder, so that the sweep never removes anything else."""

GENERATED_TOML = ".generated-toml"
"""Present when ``riskmap.toml`` was written from the file names."""

DATASET_WORDS = UPLOAD_NAMES
"""Words in a file name that say which dataset an upload without riskmap.toml holds."""

DATA_SUFFIXES = (".csv", ".xlsx", ".xls", ".geojson", ".json", ".gpkg", ".zip", ".shp", ".parquet")

_CHUNK = 1 << 20

def _both(key: str, **params) -> Msg:
    """A message of :mod:`riskmap.i18n.views` (``upload_<key>``) found before a language is known: the page
    renders it in its own (:meth:`riskmap.errors.Problem.in_language`), elsewhere it reads ``中文 / English``."""
    return msg(f"upload_{key}", both=True, **params)


def upload_root() -> Path:
    """The folder holding every upload folder (``riskmap-uploads`` in the temp directory)."""
    return Path(tempfile.gettempdir()) / "riskmap-uploads"


def data_files(folder: Path) -> list[Path]:
    """The files of a workspace folder, without hidden ones (``.git``, ``__MACOSX``)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not any(part.startswith((".", "__")) for part in p.relative_to(folder).parts))


def file_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(relative name, size, mtime) of every data file: cheap to compute on each page run."""
    return tuple((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in data_files(folder))


def workspace_hash(folder: str | Path, signature: tuple[tuple[str, int, int], ...] | None = None) -> str:
    """SHA-256 of every data file of a workspace (names and bytes).

    ``signature`` (from :func:`file_signature`) says which files to read; the app
    caches this function by it, so the files are read again only when they change.
    """
    root = Path(folder)
    h = hashlib.sha256()
    for relative, _size, _mtime in signature if signature is not None else file_signature(root):
        h.update(relative.encode("utf-8") + b"\0")
        h.update((root / relative).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def was_generated(folder: Path) -> bool:
    """Whether an upload folder's ``riskmap.toml`` was written from the file names."""
    return (folder / GENERATED_TOML).exists()


def minimal_toml(folder: Path) -> str | None:
    """A ``riskmap.toml`` for uploaded files without one, guessed from the file names.

    Coordinates are taken as WGS-84 and ``as_of`` is today.  Returns None when no
    county file is among them.  Paths are written as TOML strings (escaped), so a
    file name cannot add keys of its own.
    """
    found: dict[str, str] = {}
    for path in data_files(folder):
        name = path.name.lower()
        if path.suffix.lower() not in DATA_SUFFIXES:
            continue
        for dataset, words in DATASET_WORDS.items():
            if dataset not in found and any(w in name for w in words):
                found[dataset] = str(path.relative_to(folder)).replace("\\", "/")
                break
    if "counties" not in found:
        return None
    lines = ["[workspace]", 'title = "上传数据 / uploaded data"', 'region = "上传数据 / uploaded"',
             f"as_of = {date.today().isoformat()}", ""]
    for dataset, path in found.items():
        # A JSON string is a valid TOML basic string: quotes and newlines stay escaped.
        lines += [f"[datasets.{dataset}]", f"path = {json.dumps(path, ensure_ascii=False)}", 'crs = "EPSG:4326"', ""]
    return "\n".join(lines)


def _refuse(file: str, text: Msg) -> InputError:
    problem = Problem.said("error", file, text, "zh")
    return InputError(f"{file}: {problem.message}", [problem])


def _safe_name(name: str) -> str:
    """The last part of an uploaded file's name, refused when it is not a plain name."""
    base = Path(str(name).replace("\\", "/")).name
    if (not base or base in (".", "..") or base.startswith(".") or len(base.encode("utf-8")) > 255
            or any(ord(ch) < 32 for ch in base)):
        raise _refuse(str(name)[:80] or "?", _both("bad_name", member=repr(str(name)[:80])))
    return base


class _Budget:
    """Bytes still allowed to be written for one upload."""

    def __init__(self, file: str):
        self.left = settings.max_unpacked_bytes
        self.file = file

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _refuse(self.file, _both("too_big", limit=f"{settings.max_unpacked_bytes / 1e6:,.0f} MB"))


def extract_zip(data: bytes, dest: Path, *, file: str, budget: _Budget | None = None) -> None:
    """Unpack a zip into ``dest`` within the upload limits.

    The member count, the declared total size and the compression ratio are checked
    first (:func:`riskmap.io.formats.check_archive`); then each member is copied in
    chunks while the bytes written are counted, because a crafted archive may declare
    less than it holds.  Absolute paths, ``..``, drive letters and symbolic links are
    refused.

    Raises
    ------
    InputError
        Naming ``file`` and what was wrong.  Whatever was written stays in ``dest``
        for the caller to remove.
    """
    budget = budget or _Budget(file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refuse(file, _both("bad_zip")) from None
    with archive:
        try:
            formats.check_archive(archive)
        except formats.FormatRefused as exc:
            raise _refuse(file, msg("plain_pair", zh=exc.reason[0], en=exc.reason[1], both=True)) from None
        root = dest.resolve()
        for member in archive.infolist():
            name = member.filename
            target = (dest / name).resolve()
            is_link = stat.S_ISLNK(member.external_attr >> 16)
            if (is_link or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name)
                    or not target.is_relative_to(root) or "\x00" in name):
                raise _refuse(file, _both("unsafe_member", member=repr(name[:120])))
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, open(target, "wb") as sink:
                    while chunk := source.read(_CHUNK):
                        budget.take(len(chunk))
                        sink.write(chunk)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
                raise _refuse(file, _both("bad_zip")) from None


def workspace_from_uploads(files: list[tuple[str, bytes]], *, root: Path | None = None) -> Path:
    """Write uploaded files to a new folder of their own and return it.

    A ``.zip`` is unpacked (a single top folder inside it is taken as the workspace;
    a ``*.shp.zip`` is kept as a zipped Shapefile).  Without a ``riskmap.toml`` a
    minimal one is written from the file names, and the file :data:`GENERATED_TOML`
    says so.

    Parameters
    ----------
    files
        ``(name, content)`` of each uploaded file.
    root
        Where upload folders go; default :func:`upload_root`.

    Raises
    ------
    InputError
        Nothing usable was uploaded (no riskmap.toml and no county file), a zip is
        broken, reaches outside its folder or unpacks past the limits.  Nothing is
        left behind.
    """
    root = root or upload_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="ws-", dir=root))
    (folder / MARKER).touch()
    try:
        _unpack(files, folder)
        return folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _unpack(files: list[tuple[str, bytes]], folder: Path) -> None:
    budget = _Budget("upload")
    for name, data in files:
        safe = _safe_name(name)
        budget.file = safe
        if safe.lower().endswith(".zip") and not re.search(r"\.(shp|shapefile)\.zip$", safe.lower()):
            extract_zip(data, folder, file=safe, budget=budget)
        else:
            budget.take(len(data))
            (folder / safe).write_bytes(data)
    entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__"))]
    if not (folder / "riskmap.toml").exists() and len(entries) == 1 and entries[0].is_dir():
        inner = entries[0]
        for p in list(inner.iterdir()):
            p.rename(folder / p.name)
        inner.rmdir()
    if not (folder / "riskmap.toml").exists():
        text = minimal_toml(folder)
        if text is None:
            raise _refuse("riskmap.toml", _both("no_counties"))
        (folder / "riskmap.toml").write_text(text, encoding="utf-8")
        (folder / GENERATED_TOML).touch()


class Upload:
    """A visitor's upload folder, removed when they upload again or the object goes.

    The app keeps one in the visitor's session state: when the session ends, the
    object is dropped and the folder with it.

    Parameters
    ----------
    folder
        A folder made by :func:`workspace_from_uploads`.
    signature
        What identifies the uploads it holds (the page compares it on each run).
    names
        The names of the files uploaded (the page says which are in use).
    """

    def __init__(self, folder: Path, signature: str, *, names: list[str] | tuple[str, ...] = ()):
        self.folder = folder
        self.signature = signature
        self.names = tuple(names)
        self._remove = weakref.finalize(self, remove_upload, str(folder))

    def discard(self) -> None:
        """Remove the folder now."""
        self._remove()


def current_upload(previous: Upload | None, signature: str,
                   read: Callable[[], list[tuple[str, bytes]]]) -> Upload | None:
    """The upload folder of the files named by ``signature`` ('' when there are none).

    ``previous`` is kept when it holds the same files; otherwise it is removed and the
    files (``read()`` gives their names and bytes) are written to a new folder.
    """
    if previous is not None and previous.signature != signature:
        previous.discard()
        previous = None
    if not signature:
        return None
    return previous or Upload(workspace_from_uploads(read()), signature)


def remove_upload(folder: str | Path | None) -> None:
    """Remove an upload folder made by :func:`workspace_from_uploads` (and nothing else)."""
    if folder is None:
        return
    folder = Path(folder)
    if (folder / MARKER).is_file():
        shutil.rmtree(folder, ignore_errors=True)


def sweep_uploads(*, max_age_s: float | None = None, root: Path | None = None) -> int:
    """Remove upload folders older than ``max_age_s`` (default a day); return how many."""
    root = root or upload_root()
    max_age_s = settings.upload_max_age_s if max_age_s is None else max_age_s
    if not root.is_dir():
        return 0
    removed = 0
    now = time.time()
    for folder in root.iterdir():
        marker = folder / MARKER
        if folder.is_dir() and marker.is_file() and now - marker.stat().st_mtime > max_age_s:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
