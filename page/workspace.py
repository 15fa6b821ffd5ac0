"""The workspace a visitor sees: uploads, ``RISKMAP_WORKSPACE`` or the demo, assessed once per content.

Uploads (issue 10): each upload *replaces* the previous one (the uploader is emptied once
its files are taken, so a second upload never merges with the first); the folder of the
last good upload is kept until a new upload has been assessed without errors.  A broken
upload (a refused archive, or a workspace with errors) shows its report in an error box
and the page goes on with the last good workspace, saying so.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path

import streamlit as st

from page.text import show_problems, ui
from riskmap import settings
from riskmap.errors import InputError, Problem
from riskmap.i18n import LANGUAGES, msg, t
from riskmap.io import upload
from riskmap.sanitize import markdown_text

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"

# Streamlit writes some words of its own that no option translates: the uploader's "Drag and drop files here",
# "Browse files" and "Limit 200MB per file", and the keyboard users' "Skip to main content" link.  On a Chinese
# page they are hidden (visibility: hidden keeps the button and the link working) and ours drawn instead.
_ZH_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "拖放文件到此处"; font-size: 0.9rem; }
[data-testid="stFileUploaderDropzone"] button, [data-testid="stSkipToContent"] { visibility: hidden; }
[data-testid="stFileUploaderDropzone"] button::after { content: "选择文件"; visibility: visible; }
[data-testid="stSkipToContent"]::after { content: "跳到主要内容"; visibility: visible; }
</style>"""


@st.cache_data(show_spinner=False, max_entries=64)
def _content_hash(folder: str, signature: tuple) -> str:
    """SHA-256 of a workspace's files, read again only when their sizes or times change."""
    return upload.workspace_hash(folder, signature)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_history(content_hash: str, folder: str, skip_bad_rows: bool = False):
    """The history of a workspace, once per content hash, folder and skipping choice (an upload folder goes
    with its visitor), shared by every visitor.  Not per language: a View renders words from codes, so a
    switch never re-assesses.  Without its warnings: :func:`find_warnings` finds them once the map is drawn,
    and the period ends before ``as_of`` are graded then too (``defer``: the first map shows ``as_of``)."""
    from riskmap.history import build_history

    return build_history(folder, skip_bad_rows=skip_bad_rows, warnings=False, defer=True)


@st.cache_resource(show_spinner=False, max_entries=4)
def _warnings_of(content_hash: str, folder: str, skip_bad_rows: bool, _history) -> int:
    """Find a history's warnings once (a visitor arriving meanwhile waits for the same run) and count them
    in its summary, as ``riskmap assess`` does: ``summary.json`` of the downloads says the same."""
    return _count_warnings(_history)


def _count_warnings(history) -> int:
    from riskmap.history import summary_of

    found = len(history.warnings)
    # In place: the assessments made from this one (period change, language) share its summary.
    history.assessment.summary["warnings"] = summary_of(history, warnings=True)["warnings"]
    return found


def render_languages(history) -> None:
    """Render the words of a history's assessment in every language (kept by :func:`riskmap.view.translated`
    for every visitor): a visitor's first switch of language then finds them rendered.

    Run in a thread nobody waits for, at a lower priority where the system allows it, so that it never
    slows down a page being drawn (another visitor's run, or a browser on the same machine).
    """
    from riskmap.view import translated

    with contextlib.suppress(AttributeError, OSError):  # Linux: a thread's own nice value
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    for lang in LANGUAGES:
        translated(history.assessment, lang)


@st.cache_resource(show_spinner=False, max_entries=4)
def _languages_of(content_hash: str, folder: str, skip_bad_rows: bool, _history) -> threading.Thread:
    """Once per history, after its first map: :func:`render_languages` in a thread of its own (the page goes on)."""
    thread = threading.Thread(target=render_languages, args=(_history,), name="riskmap-languages", daemon=True)
    thread.start()
    return thread


def find_warnings(history, lang: str) -> None:
    """The history's warnings (:attr:`History.warnings`), found after the map is drawn, saying so meanwhile.

    The first visitor's map no longer waits for the warnings (seconds at province scale): the
    page draws it, then finds them before the tabs that show them (ranking, warnings, downloads),
    and renders the other language's words meanwhile (about 100,000 reasons at province scale).
    """
    key = st.session_state.get("_history_key")
    if not ("warnings" in history.__dict__ and "warnings" in history.assessment.summary):
        with st.spinner(ui("finding_warnings", lang)):
            if key is None:  # a history not loaded by this page: found here, counted the same way
                _count_warnings(history)
            else:
                _warnings_of(*key, history)
    if key is not None:  # after the warnings: the first map is drawn by now
        _languages_of(*key, history)


@st.cache_resource(show_spinner=False)
def _startup_sweep() -> int:
    """Once per server process: remove upload folders older than a day."""
    return upload.sweep_uploads()


def _take_uploads(lang: str) -> None:
    """Files just uploaded become the pending upload (or a report), and the uploader is emptied."""
    state, n = st.session_state, st.session_state.get("_uploader_n", 0)
    limit = f"{settings.max_unpacked_bytes / 1e6:,.0f} MB"
    if lang == "zh":
        st.sidebar.markdown(_ZH_CSS, unsafe_allow_html=True)  # fixed CSS, no data in it
    files = st.sidebar.file_uploader(ui("upload", lang), accept_multiple_files=True, key=f"uploads_{n}",
                                     help=ui("upload_help", lang, limit=limit))
    if not files:
        return
    names = [f.name for f in files]
    try:
        folder = upload.workspace_from_uploads([(f.name, f.getvalue()) for f in files])
        signature = hashlib.sha256(repr([(f.name, f.size, f.file_id) for f in files]).encode()).hexdigest()
        state["_pending"] = upload.Upload(folder, signature, names=names)
        state["_upload_report"] = None
    except InputError as exc:
        state["_upload_report"] = (names, exc.problems or [Problem("error", "upload", str(exc))])
    state["_uploader_n"] = n + 1  # a new, empty uploader: the next upload replaces this one
    st.rerun()


def _default(lang: str) -> tuple[Path, str]:
    if os.environ.get("RISKMAP_WORKSPACE"):
        return Path(os.environ["RISKMAP_WORKSPACE"]).expanduser(), ui("source_env", lang)
    return DEMO, ui("source_demo", lang)


def _load(folder: Path, skip: bool):
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder", [Problem.said("error", str(folder), msg("ws_not_folder"), "zh")])
    key = (_content_hash(str(folder), upload.file_signature(folder)), str(folder), skip)
    history = load_history(*key)
    st.session_state["_history_key"] = key
    return history


def _try_pending(skip: bool, lang: str) -> None:
    """Assess the pending upload: it replaces the last good one if it has no errors, else it is reported."""
    state = st.session_state
    pending = state.pop("_pending", None)
    if pending is not None and state.get("_broken") is not None:
        state.pop("_broken").discard()  # a new upload: the broken one is gone
    if pending is None and skip and state.get("_broken") is not None:
        pending = state.pop("_broken")  # "leave out rows with errors" ticked after a broken upload: try it again
    if pending is None:
        return
    try:
        with st.spinner(ui("assessing", lang)):
            _load(pending.folder, skip)
    except InputError as exc:
        problems = exc.problems or [Problem("error", "upload", str(exc))]
        state["_upload_report"] = (pending.names, problems)
        if not skip and any(p.row is not None for p in problems):
            state["_broken"] = pending  # kept, so that ticking the box assesses it without its bad rows
        else:
            pending.discard()
        return
    state["_upload_report"] = None
    previous = state.get("_upload")
    if previous is not None:
        previous.discard()
    state["_upload"] = pending


def _report(lang: str, source: str) -> None:
    """The last broken upload's report, and which workspace the page goes on with."""
    report = st.session_state.get("_upload_report")
    if not report:
        return
    names, problems = report
    show_problems(problems, lang, header=ui("upload_broken", lang, files=markdown_text("、".join(names))))
    st.info(ui("upload_kept", lang, source=source))
    if st.session_state.get("_broken") is not None:
        st.info(ui("skip_hint", lang))


def _clear_button(lang: str) -> None:
    current = st.session_state.get("_upload")
    if current is None:
        return
    st.sidebar.caption(ui("upload_current", lang, files=markdown_text("、".join(current.names))))
    if st.sidebar.button(ui("upload_clear", lang), key="upload_clear"):
        current.discard()
        st.session_state["_upload"] = None
        st.session_state["_upload_report"] = None
        st.rerun()


def assessment(lang: str, *, skip_bad_rows: bool = False):
    """The history of the workspace shown and the notes on it, or ``None`` after showing why not."""
    _startup_sweep()
    try:
        _take_uploads(lang)
        _try_pending(skip_bad_rows, lang)
        current = st.session_state.get("_upload")
        folder, source = (current.folder, ui("source_upload", lang)) if current is not None else _default(lang)
        notes = [Problem.said("warning", "riskmap.toml", msg("upload_generated_toml"), lang)] \
            if current is not None and upload.was_generated(folder) else []
        _clear_button(lang)
        st.sidebar.caption(f"{ui('workspace', lang)}：{source} · {markdown_text(folder.name)}" if lang == "zh" else
                           f"{ui('workspace', lang)}: {source} · {markdown_text(folder.name)}")
        _report(lang, source)
        with st.spinner(ui("assessing", lang)):
            return _load(folder, skip_bad_rows), notes
    except InputError as exc:
        st.title(t("app_title", lang))
        show_problems(exc.problems or [Problem("error", "workspace", str(exc))], lang, header=ui("errors", lang))
        if not skip_bad_rows and any(p.row is not None for p in exc.problems):
            st.info(ui("skip_hint", lang))
    except Exception as exc:  # never a traceback on the page
        st.title(t("app_title", lang))
        st.error(ui("internal", lang, e=markdown_text(f"{type(exc).__name__}: {exc}")))
    return None, []
