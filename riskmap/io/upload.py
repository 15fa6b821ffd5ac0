"""Files uploaded in the app, written as a workspace folder.

:func:`workspace_from_uploads` takes (name, bytes) pairs: a ``.zip`` of a workspace
folder, or the files themselves.  A single top folder inside a zip is taken as the
workspace.  Uploads without a ``riskmap.toml`` get a minimal one written from the
file names (``counties.*``/``区县*`` → counties, ``enterprises.*``/``企业*`` → ...;
coordinates taken as WGS-84, ``as_of`` today), marked by a ``.generated-toml`` file
so the page can say so.  The folder is named by the uploads' content, so the same
uploads give the same folder (and the app's cache of assessments holds).

:func:`workspace_hash` names a workspace by the content of its files.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from riskmap.errors import InputError, Problem
from riskmap.i18n import msg
from riskmap.schema import UPLOAD_NAMES

GENERATED_MARK = ".generated-toml"
"""A file in an upload folder whose ``riskmap.toml`` was written from the file names."""

DATA_SUFFIXES = (".csv", ".xlsx", ".xls", ".geojson", ".json", ".gpkg", ".zip", ".shp", ".parquet")
"""Files an upload without ``riskmap.toml`` may name as a dataset."""


def workspace_files(folder: Path) -> list[Path]:
    """The files of a workspace folder, without hidden ones (``.x``, ``__x``)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not any(part.startswith((".", "__")) for part in p.relative_to(folder).parts))


def file_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(relative name, size, mtime) of every file: cheap to compute on each page run."""
    return tuple((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in workspace_files(folder))


def workspace_hash(folder: str | Path, signature: tuple[tuple[str, int, int], ...] | None = None) -> str:
    """SHA-256 of every file of a workspace (names and bytes).

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


def minimal_toml(folder: Path) -> str | None:
    """A riskmap.toml for uploaded files without one, guessed from the file names."""
    found: dict[str, str] = {}
    for path in workspace_files(folder):
        name = path.name.lower()
        if path.suffix.lower() not in DATA_SUFFIXES:
            continue
        for dataset, words in UPLOAD_NAMES.items():
            if dataset not in found and any(w in name for w in words):
                found[dataset] = str(path.relative_to(folder)).replace("\\", "/")
                break
    if "counties" not in found:
        return None
    lines = ["[workspace]", 'title = "上传数据 / uploaded data"', 'region = "上传数据 / uploaded"',
             f"as_of = {date.today().isoformat()}", ""]
    for dataset, path in found.items():
        lines += [f"[datasets.{dataset}]", f"path = {path!r}".replace("'", '"'), 'crs = "EPSG:4326"', ""]
    return "\n".join(lines)


def _unzip(data: bytes, name: str, staging: Path) -> None:
    """Unpack an uploaded zip into ``staging``, refusing members that leave it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                target = (staging / member).resolve()
                if not target.is_relative_to(staging.resolve()):
                    raise InputError(f"{name}: unsafe path {member}",
                                     [Problem("error", name, f"the zip holds a path outside its folder: {member}")])
            archive.extractall(staging)
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not a zip file", [Problem("error", name, "not a valid .zip file")]) from None


def _stage(files: list[tuple[str, bytes]]) -> Path:
    """Write the uploads into a new folder; a zipped workspace is unpacked."""
    staging = Path(tempfile.mkdtemp(prefix="riskmap-upload-"))
    for name, data in files:
        safe = Path(name).name
        if safe.lower().endswith(".zip") and not re.search(r"\.(shp|shapefile)\.zip$", safe.lower()):
            _unzip(data, safe, staging)
        else:
            (staging / safe).write_bytes(data)
    entries = [p for p in staging.iterdir() if not p.name.startswith((".", "__"))]
    if not (staging / "riskmap.toml").exists() and len(entries) == 1 and entries[0].is_dir():
        inner = entries[0]
        for p in list(inner.iterdir()):
            p.rename(staging / p.name)
        inner.rmdir()
    return staging


def workspace_from_uploads(files: list[tuple[str, bytes]]) -> tuple[Path, list[Problem]]:
    """Write uploaded files to a folder named by their content; return it and notes.

    Raises
    ------
    InputError
        Nothing usable was uploaded (no riskmap.toml and no county file), or a zip
        is broken or reaches outside its folder.
    """
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + data + b"\0")
    folder = Path(tempfile.gettempdir()) / f"riskmap-upload-{digest.hexdigest()[:20]}"
    notes: list[Problem] = []
    if folder.is_dir() and not (folder / "riskmap.toml").is_file():
        shutil.rmtree(folder, ignore_errors=True)  # left half-made by an earlier attempt
    if not folder.is_dir():
        staging = _stage(files)
        if not (staging / "riskmap.toml").exists():
            toml = minimal_toml(staging)
            if toml is None:
                shutil.rmtree(staging, ignore_errors=True)
                words = msg("upload_no_counties", both=True)
                raise InputError(words.render("zh"), [Problem.said("error", "riskmap.toml", words, "zh")])
            (staging / "riskmap.toml").write_text(toml, encoding="utf-8")
            (staging / GENERATED_MARK).touch()  # so the page can say the file was guessed
        if not folder.exists():
            staging.rename(folder)
    return folder, notes


def was_generated(folder: Path) -> bool:
    """Whether an upload folder's ``riskmap.toml`` was written from the file names."""
    return (folder / GENERATED_MARK).exists()
