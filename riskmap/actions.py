"""Proposed actions (会商建议): the standard's ``[actions.<key>]`` rules applied to the warnings.

Each rule names the warnings it answers (``kinds``, and optionally ``datasets`` and
``levels``) and the action's wording in both languages (``label_zh``/``label_en``,
``text_zh``/``text_en``).  :func:`propose_actions` gives one proposed action per
warning and matching rule, in the order of the warnings (red first), each naming the
warning behind it: its reference (``W3``: the third warning of the list it was given),
kind, subject and message.

The wording is a template of the standard, never of the data: :func:`fill` replaces
the known field names of :data:`riskmap.standard.ACTION_FIELDS` (``{name}``,
``{county}``, ``{message}``, ...) in one pass, each with the warning's value as plain
text, so a subject named ``{message}`` or ``{{x}}`` stays exactly that text.
"""

from __future__ import annotations

import pandas as pd

from riskmap.i18n import label_of
from riskmap.standard import ACTION_FIELDS, PLACEHOLDER, Standard

ACTION_COLUMNS = ("ref", "action", "label", "text", "dataset", "id", "name", "county_code", "warning_ref",
                  "warning_level", "warning_kind", "warning_message", "warning_since")
"""The columns of the proposed actions, in order."""


def fill(template: str, fields: dict[str, str]) -> str:
    """``template`` with each known ``{field}`` replaced by its value as text, in one pass (values are never read
    as templates); an unknown or missing field is left as written."""
    def value(match) -> str:
        name = match.group(1)
        return str(fields[name]) if name in ACTION_FIELDS and name in fields else match.group(0)

    return PLACEHOLDER.sub(value, template)


def _applies(rule: dict, warning) -> bool:
    if not rule.get("enabled", True) or warning.kind not in rule.get("kinds", []):
        return False
    if "datasets" in rule and warning.dataset not in rule["datasets"]:
        return False
    return "levels" not in rule or warning.level in rule["levels"]


def warning_refs(warnings: pd.DataFrame) -> pd.Series:
    """The reference of each warning of a list: ``W1``, ``W2``, ... in its order."""
    return pd.Series([f"W{i + 1}" for i in range(len(warnings))], index=warnings.index, dtype=object)


def propose_actions(warnings: pd.DataFrame, standard: Standard, *, lang: str, county_names: dict[str, str],
                    prevent: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """The proposed actions for a list of warnings.

    Parameters
    ----------
    warnings
        Warnings (:func:`riskmap.alerts.find_warnings`, perhaps filtered), messages in
        ``lang``, in the order they are shown; a ``ref`` column is used when present
        (else :func:`warning_refs`).
    standard
        Its ``[actions]`` rules.
    lang
        ``zh`` or ``en``: the wording used.
    county_names
        County code → name, for ``{county}``.
    prevent
        ``(dataset, id)`` → the hazards whose rectification prevents a forecast rise, in
        words (``{prevent}``).

    Returns
    -------
    pandas.DataFrame
        :data:`ACTION_COLUMNS`: ``ref`` (``A1``, ...), the rule's key (``action``), its
        ``label`` and ``text``, the subject, and the warning behind it.
    """
    refs = warnings["ref"] if "ref" in warnings else warning_refs(warnings)
    rules = standard.actions
    rows = []
    for ref, w in zip(refs, warnings.itertuples()):
        county = county_names.get(str(w.county_code), "") if pd.notna(w.county_code) else ""
        fields = {"name": str(w.name), "id": str(w.id), "county": county or str(w.name),
                  "level": label_of("warning_level", w.level, lang), "kind": label_of("warning_kind", w.kind, lang),
                  "since": str(w.since), "message": str(w.message),
                  "prevent": (prevent or {}).get((w.dataset, str(w.id)), "")}
        for key, rule in rules.items():
            if _applies(rule, w):
                rows.append({"action": key, "label": str(rule[f"label_{lang}"]), "text": fill(str(rule[f"text_{lang}"]), fields),
                             "dataset": w.dataset, "id": str(w.id), "name": str(w.name), "county_code": w.county_code,
                             "warning_ref": ref, "warning_level": w.level, "warning_kind": w.kind,
                             "warning_message": str(w.message), "warning_since": str(w.since)})
    frame = pd.DataFrame(rows, columns=[c for c in ACTION_COLUMNS if c != "ref"])
    frame.insert(0, "ref", [f"A{i + 1}" for i in range(len(frame))])
    return frame
