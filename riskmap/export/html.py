"""The standalone HTML map: the interactive map as one file that opens offline.

Every script and stylesheet is inlined (:func:`riskmap.mapview.standalone_html`) and
the basemap is ``none``, so the file needs no network at all.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from riskmap.layers import LayerSpec, load_layers
from riskmap.view import View


def html_layers(view: View) -> list[LayerSpec]:
    """The layers an HTML map can draw: the built-in ones and the workspace's own."""
    return load_layers(workspace=view.info.path if view.info.path else None)


def write_html(view: View, target: str | Path | io.IOBase, *, layers: Sequence[str] | None = None) -> None:
    """Write the map of ``view`` as a standalone HTML file (or into a binary file object).

    ``layers`` are layer ids (all layers when ``None``).
    """
    from riskmap.mapview import build_map, standalone_html

    specs = [s for s in html_layers(view) if s.id in layers] if layers is not None else None
    text = standalone_html(build_map(view, layers=specs, basemap="none"))
    if isinstance(target, (str, Path)):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text.encode("utf-8"))
