"""The map's "change" mode (变化): counties coloured by their grade change since the previous period end.

:func:`change_layers` restyles the county layer of a list of layer specs to colour by
the ``change`` column that :meth:`riskmap.history.History.with_change` gives the
counties (``up2``, ``up1``, ``same``, ``down1``, ``down2``), on a diverging scale: reds
for a rise, blues for a fall, grey for no change.  The legend lists the classes with
the counts of what is shown (:mod:`riskmap.mapview.legend`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from riskmap.i18n import t
from riskmap.layers import FieldSpec, LayerSpec

CHANGES = ("up2", "up1", "same", "down1", "down2")
"""The classes of a county's grade change, highest rise first."""

CHANGE_COLOURS = {"up2": "#B2182B", "up1": "#F4A582", "same": "#E0E0E0", "down1": "#92C5DE", "down2": "#2166AC"}
"""A diverging scale (ColorBrewer RdBu): a rise in reds, a fall in blues."""


def change_layers(specs: Sequence[LayerSpec]) -> list[LayerSpec]:
    """The specs with every county layer coloured by the grade change instead of the grade."""
    out = []
    for spec in specs:
        if spec.dataset == "counties" and spec.geometry == "polygon":
            style = {k: v for k, v in spec.style.items() if k != "colours"} | {
                "colour_by": "change", "colours": dict(CHANGE_COLOURS),
                "labels": {key: {"zh": t(f"change_{key}", "zh"), "en": t(f"change_{key}", "en")} for key in CHANGES},
                "legend_title": {"zh": t("change_title", "zh"), "en": t("change_title", "en")}}
            previous = FieldSpec("grade_previous", "上期等级", "previous grade", "grade")
            spec = dataclasses.replace(spec, id=f"{spec.id}_change", title_zh=t("change_title", "zh"),
                                       title_en=t("change_title", "en"), style=style,
                                       tooltip=(*spec.tooltip, previous), popup=(*spec.popup, previous))
        out.append(spec)
    return out
