"""The standalone HTML map: the interactive map as one file that opens offline.

Every script and stylesheet is inlined (:func:`riskmap.mapview.standalone_html`) and
the basemap is ``none``, so the file needs no network at all.  Saved on its own, the
map must say what it is: the page has a ``<title>`` (the map's title and date, shown
on the browser tab and in bookmarks), and a heading on the map gives the title, the
region and ``as_of``, the filters when any, and the demo mark (示例数据 / demo data)
on the synthetic demo.  Every word of it is data made inert (:func:`~riskmap.sanitize.html_inert`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from riskmap.i18n import t
from riskmap.layers import LayerSpec, load_layers
from riskmap.sanitize import html_inert
from riskmap.view import View

HEADING_CSS = (
    "position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1001;max-width:70%;"
    "background:rgba(255,255,255,0.92);border:1px solid #8a8a8a;border-radius:4px;padding:6px 12px;"
    "font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;text-align:center;"
    "pointer-events:none;box-shadow:0 1px 4px rgba(0,0,0,0.2)"
)


def html_layers(view: View) -> list[LayerSpec]:
    """The layers an HTML map can draw: the built-in ones and the workspace's own."""
    return load_layers(workspace=view.info.path if view.info.path else None)


def page_title(view: View, title: str | None = None) -> str:
    """The page's title: the map's title and its date (``大同市安全风险空间分布图 · 2026-10-31``)."""
    info = view.info
    as_of = info.as_of.isoformat() if isinstance(info.as_of, date) else str(info.as_of)
    return f"{title or view.title} · {as_of}"


def heading_html(view: View, title: str | None = None) -> str:
    """The heading drawn on the map: title; region and as_of (and the filters); the demo mark."""
    info, lang = view.info, view.lang
    as_of = info.as_of.isoformat() if isinstance(info.as_of, date) else str(info.as_of)
    parts = [p for p in (info.region, f"{t('as_of', lang)} {as_of}") if p]
    if view.filtered:
        parts.append(f"{t('filters_applied', lang)}{view.describe_filters()}")
    if view.regraded and not view.filtered:  # describe_filters() already says it for a filtered view
        parts.append(view.regraded_note)
    lines = [f'<div class="riskmap-html-title" style="font-size:17px;font-weight:bold;color:#111">'
             f'{html_inert(title or view.title)}</div>',
             f'<div class="riskmap-html-subtitle" style="font-size:12px;color:#333">'
             f'{html_inert("  ·  ".join(parts))}</div>']
    if info.demo:
        lines.append('<div class="riskmap-html-demo" style="font-size:13px;font-weight:bold;color:#B00010">'
                     f'{html_inert(t("demo_data", lang))}</div>')
    return f'<div class="riskmap-html-heading" style="{HEADING_CSS}">{"".join(lines)}</div>'


def write_html(view: View, target: str | Path | io.IOBase, *, layers: Sequence[str] | None = None,
               title: str | None = None) -> None:
    """Write the map of ``view`` as a standalone HTML file (or into a binary file object).

    ``layers`` are layer ids (all layers when ``None``); ``title`` replaces the
    workspace's title in the page title and the heading.
    """
    from branca.element import Element

    from riskmap.mapview import build_map, standalone_html

    specs = [s for s in html_layers(view) if s.id in layers] if layers is not None else None
    m = build_map(view, layers=specs, basemap="none")
    root = m.get_root()
    root.title = html_inert(page_title(view, title))
    root.html.add_child(Element(heading_html(view, title)), name="riskmap_heading")
    text = standalone_html(m)
    if isinstance(target, (str, Path)):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text.encode("utf-8"))
