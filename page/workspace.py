"""The workspace a visitor sees: uploads, ``RISKMAP_WORKSPACE`` or the demo, assessed once per content."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import streamlit as st

from page.text import show_problems, ui
from riskmap import settings
from riskmap.errors import InputError, Problem
from riskmap.i18n import msg, t
from riskmap.io import upload
from riskmap.sanitize import markdown_text

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@st.cache_data(show_spinner=False, max_entries=64)
def _content_hash(folder: str, signature: tuple) -> str:
    """SHA-256 of a workspace's files, read again only when their sizes or times change."""
    return upload.workspace_hash(folder, signature)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_history(content_hash: str, folder: str):
    """The history of a workspace, once per content hash and folder (an upload folder goes with its
    visitor).  Not per language: a View renders words from codes, so a switch never re-assesses."""
    from riskmap.history import build_history

    return build_history(folder)


@st.cache_resource(show_spinner=False)
def _startup_sweep() -> int:
    """Once per server process: remove upload folders older than a day."""
    return upload.sweep_uploads()


def _upload_folder(files) -> Path | None:
    """The folder of the current uploads (made once per distinct set, removed with the session), or None."""
    signature = hashlib.sha256(repr([(f.name, f.size, f.file_id) for f in files]).encode()).hexdigest() if files else ""
    current = upload.current_upload(st.session_state.get("_upload"), signature,
                                    lambda: [(f.name, f.getvalue()) for f in files])
    st.session_state["_upload"] = current
    return current.folder if current is not None else None


def _workspace_folder(lang: str) -> tuple[Path, str, list[Problem]]:
    """The workspace to show, where it comes from, and notes about it."""
    _startup_sweep()
    limit = f"{settings.max_unpacked_bytes / 1e6:,.0f} MB"
    files = st.sidebar.file_uploader(ui("upload", lang), accept_multiple_files=True, key="uploads",
                                     help=ui("upload_help", lang, limit=limit))
    folder = _upload_folder(files)
    if folder is not None:
        notes = [Problem.said("warning", "riskmap.toml", msg("upload_generated_toml"), lang)] if upload.was_generated(folder) else []
        return folder, ui("source_upload", lang), notes
    if os.environ.get("RISKMAP_WORKSPACE"):
        return Path(os.environ["RISKMAP_WORKSPACE"]).expanduser(), ui("source_env", lang), []
    return DEMO, ui("source_demo", lang), []


def assessment(lang: str):
    """The assessment and the notes on its workspace, or ``None`` after showing why not."""
    try:
        folder, source, notes = _workspace_folder(lang)
        st.sidebar.caption(f"{ui('workspace', lang)}: {source} · {markdown_text(folder.name)}")
        with st.spinner(ui("assessing", lang)):
            if not folder.is_dir():
                raise InputError(f"{folder}: not a folder", [Problem("error", str(folder), "the workspace folder does not exist")])
            return load_history(_content_hash(str(folder), upload.file_signature(folder)), str(folder)), notes
    except InputError as exc:
        st.title(t("app_title", lang))
        show_problems(exc.problems or [Problem("error", "workspace", str(exc))], lang, header=ui("errors", lang))
    except Exception as exc:  # never a traceback on the page
        st.title(t("app_title", lang))
        st.error(ui("internal", lang, e=markdown_text(f"{type(exc).__name__}: {exc}")))
    return None, []
