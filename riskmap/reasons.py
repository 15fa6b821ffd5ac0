"""Reasons as data: why a record has its grade and what makes up a county's score.

Every rule of the standard that fires leaves a :class:`Reason` on the record: the
rule's name and its parameters, never words.  ``Reason.of("open_major_hazard",
count=2, grade="red")`` is ``{"rule": "open_major_hazard", "count": 2, "grade": "red"}``
as data (:meth:`Reason.as_dict`, the ``reason_codes`` of the GeoJSON outputs).  A
record holds a tuple of them (:data:`Codes`), in the order the rules fired; a county
also holds its top contributors the same way.

Words are made where a reader sees them, in the reader's language:
:func:`render` joins one record's reasons, :func:`render_column` a whole column
(each distinct tuple once: a province repeats a few thousand combinations over
hundreds of thousands of enterprises).  So switching the page's language re-renders,
and never re-grades.

Rules
-----
Enterprises: ``lec`` (l, e, c, d, grade), ``matrix`` (likelihood, severity, r, grade),
``baseline`` (sector, grade; sector_zh, sector_en for a sector the default standard lacks), ``open_major_hazard`` (count, grade),
``major_hazard_installation`` (level, grade), ``fatal_accident_12m`` (count, months),
``overdue_hazards`` (count, min).  Hidden hazards: ``hazard_grade`` (kind: major,
overdue, open or closed; grade; days overdue).  Road units: ``accident_prone`` (fatal, injury,
months), ``road_rate`` (rate, grade).  Counties: ``score_threshold`` (score, grade,
threshold), ``score`` (score), ``score_classes`` (score, scheme),
``major_hazard_floor`` (grade).  County contributors: ``enterprise_points`` (grade,
count, points), ``road_points`` (grade, km, points), ``hazard_points`` (kind, count,
points), ``death_points`` (count, points).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np
import pandas as pd

from riskmap.i18n import grade_label, sector_label

_MHI_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
_HAZARD_KINDS = {"major": ("未销号重大隐患", "open major hazards"), "overdue": ("逾期隐患", "overdue hazards"),
                 "other": ("其他未销号隐患", "other open hazards")}

TEMPLATES: dict[str, tuple[str, str]] = {
    # enterprises: the inherent grade, then the direct-determination rules (DESIGN §6)
    "lec": ("LEC：D=L×E×C={l:g}×{e:g}×{c:g}={d:g}，{grade_label}",
            "LEC: D=L×E×C={l:g}×{e:g}×{c:g}={d:g}, {grade_label}"),
    "matrix": ("风险矩阵：R=可能性×严重性={likelihood:g}×{severity:g}={r:g}，{grade_label}",
               "risk matrix: R=likelihood×severity={likelihood:g}×{severity:g}={r:g}, {grade_label}"),
    "baseline": ("行业基准（{sector_label}）：{grade_label}", "sector baseline ({sector_label}): {grade_label}"),
    "open_major_hazard": ("重大事故隐患未销号（{count} 项）→ {grade_label}",
                          "{count} open major hidden hazard(s) → {grade_label}"),
    "major_hazard_installation": ("{level_name}重大危险源 → 不低于{grade_label}",
                                  "major hazard installation level {level} → at least {grade_label}"),
    "fatal_accident_12m": ("近{months}个月发生死亡生产安全事故 {count} 起，升一级",
                           "{count} fatal production accident(s) in the last {months} months: raised one grade"),
    "overdue_hazards": ("逾期未整改隐患 {count} 项（≥{min}），升一级",
                        "{count} overdue hidden hazards (≥ {min}): raised one grade"),
    # hidden hazards: their own grade (DESIGN §7)
    "hazard_grade": ("{hazard_state} → {grade_label}", "{hazard_state} → {grade_label}"),
    # road units
    "accident_prone": ("事故多发：{months}个月内死亡事故 {fatal:g} 起、受伤事故 {injury:g} 起",
                       "accident-prone: {fatal:g} fatal and {injury:g} injury accidents in {months} months"),
    "road_rate": ("事故率 {rate:.1f} 当量起/公里·年（{grade_label}）", "rate {rate:.1f} EPDO/km/yr ({grade_label})"),
    # counties
    "score_threshold": ("综合得分 {score:.1f}（{grade_label}下限 {threshold:g}）",
                        "score {score:.1f} (≥ {threshold:g} for {grade_label})"),
    "score": ("综合得分 {score:.1f}", "score {score:.1f}"),
    "score_classes": ("综合得分 {score:.1f}（{scheme_name}分级）", "score {score:.1f} ({scheme} classes)"),
    "major_hazard_floor": ("有企业因重大事故隐患未销号判定为重大风险，区县不低于{grade_label}",
                           "an enterprise is red by an open major hidden hazard: at least {grade_label}"),
    # what a county's score is made of
    "enterprise_points": ("{grade_label}企业 {count} 家（{points:g} 分）", "{count} {grade_label} enterprises ({points:g} pts)"),
    "road_points": ("{grade_label}道路单元 {km:.1f} km（{points:.1f} 分）",
                    "{km:.1f} km of {grade_label} road units ({points:.1f} pts)"),
    "hazard_points": ("{kind_name} {count} 项（{points:g} 分）", "{count} {kind_name} ({points:g} pts)"),
    "death_points": ("近12个月事故死亡 {count} 人（{points:g} 分）", "{count} deaths in the last 12 months ({points:g} pts)"),
}
"""Each rule's words, (zh, en), formatted with its parameters and the labels of its keys."""

_TEMPLATE = {True: {rule: zh for rule, (zh, _en) in TEMPLATES.items()},
             False: {rule: en for rule, (_zh, en) in TEMPLATES.items()}}

SEPARATORS = {"zh": "；", "en": "; "}
"""How the reasons of one record are joined."""


def _plain(value: Any) -> Any:
    """A parameter as a plain JSON value (numpy numbers become Python numbers)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


class Reason(NamedTuple):
    """One rule that fired, with its parameters (see the module docstring for the rules).

    A named tuple: hashed and compared in C, so a column of them factorizes fast.
    """

    rule: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, rule: str, **params: Any) -> Reason:
        """A reason of ``rule`` with ``params`` (plain numbers, keys and text)."""
        if rule not in TEMPLATES:
            raise KeyError(f"no reason rule {rule!r}; known: {', '.join(TEMPLATES)}")
        return cls(rule, tuple((name, _plain(value)) for name, value in params.items()))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        """The reason of :meth:`as_dict`'s dictionary."""
        params = {k: v for k, v in data.items() if k != "rule"}
        return cls.of(str(data["rule"]), **params)

    def get(self, name: str, default: Any = None) -> Any:
        """The parameter ``name``."""
        return dict(self.params).get(name, default)

    def as_dict(self) -> dict[str, Any]:
        """``{"rule": ..., **params}``, as written to ``reason_codes``."""
        return {"rule": self.rule, **dict(self.params)}

    def render(self, lang: str = "zh") -> str:
        """The reason in words, in ``lang``."""
        return _TEMPLATE[lang == "zh"][self.rule].format_map(_words(self.params, lang))


def _words(pairs: tuple[tuple[str, Any], ...], lang: str) -> dict[str, Any]:
    """The parameters plus the labels a template shows for them."""
    out = params = dict(pairs)
    if "grade" in params:
        out["grade_label"] = grade_label(str(params["grade"]), lang)
    if "sector" in params:
        # A sector of the workspace's own standard carries its labels; the default's are looked up.
        own = params.get("sector_zh" if lang == "zh" else "sector_en")
        out["sector_label"] = own if own else sector_label(str(params["sector"]), lang)
    if "level" in params:
        out["level_name"] = _MHI_NAMES.get(int(params["level"]), params["level"])
    if "kind" in params and params["kind"] in _HAZARD_KINDS:
        zh, en = _HAZARD_KINDS[params["kind"]]
        out["kind_name"] = zh if lang == "zh" else en
    out.setdefault("months", 12)  # codes written before the fatal-accident rule's window was a parameter
    if "days" in params:
        out["hazard_state"] = _hazard_state(params, lang)
    if "scheme" in params:
        out["scheme_name"] = "分位数" if params["scheme"] == "quantiles" else "自然断点"
    return out


_HAZARD_STATES = {
    "major": ("重大事故隐患未销号", "open major hidden hazard"),
    "overdue": ("逾期 {days} 天未整改", "overdue by {days} days"),
    "open": ("未销号", "open"),
    "closed": ("已销号", "closed"),
}


def _hazard_state(params: dict[str, Any], lang: str) -> str:
    zh, en = _HAZARD_STATES[str(params.get("kind"))]
    return (zh if lang == "zh" else en).format(days=params.get("days", 0))


Codes = tuple[Reason, ...]
"""The reasons of one record, in the order the rules fired."""


class Renderable(Protocol):
    """Anything with words in a language: a :class:`Reason` or an :class:`riskmap.i18n.Msg`."""

    def render(self, lang: str) -> str: ...


def render(codes: Iterable[Renderable], lang: str = "zh") -> str:
    """One record's reasons in words, joined (``''`` when none fired)."""
    if isinstance(codes, tuple) and len(codes) == 1:  # most records: one reason
        return codes[0].render(lang)
    return SEPARATORS.get(lang, "; ").join([code.render(lang) for code in codes])


def render_each(codes: Iterable[Renderable], lang: str = "zh") -> list[str]:
    """Each reason in words (for a text that names the first few)."""
    return [code.render(lang) for code in codes]


def object_array(values: Sequence[Any]) -> np.ndarray:
    """An object array holding ``values`` (tuples stay tuples; numpy would unpack them)."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def column(values: Sequence[Codes], index: pd.Index | None = None) -> pd.Series:
    """A column of codes (one tuple per row)."""
    return pd.Series(object_array(values), index=index, dtype=object)


def render_column(codes: pd.Series, lang: str = "zh") -> pd.Series:
    """A column of codes in words; each distinct tuple is rendered once."""
    values = codes.to_numpy(dtype=object)
    if not len(values):
        return pd.Series([], index=codes.index, dtype=object)
    keys, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([render(u, lang) if isinstance(u, tuple) else "" for u in uniques] + [""], dtype=object)
    return pd.Series(texts[keys], index=codes.index, dtype=object)


def to_json(codes: Iterable[Reason]) -> str:
    """One record's codes as JSON text: ``[{"rule": "...", ...}, ...]``."""
    return json.dumps([code.as_dict() for code in codes], ensure_ascii=False)


def from_json(text: str) -> Codes:
    """The codes of :func:`to_json`'s text."""
    return tuple(Reason.from_dict(item) for item in json.loads(text or "[]"))


def json_column(codes: pd.Series) -> pd.Series:
    """A column of codes as JSON text (each distinct tuple serialised once)."""
    values = codes.to_numpy(dtype=object)
    if not len(values):
        return pd.Series([], index=codes.index, dtype=object)
    keys, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([to_json(u) if isinstance(u, tuple) else "[]" for u in uniques] + ["[]"], dtype=object)
    return pd.Series(texts[keys], index=codes.index, dtype=object)


CODE_COLUMNS: dict[str, str] = {"reason_codes": "reasons", "contributor_codes": "top_contributors"}
"""Columns of codes and the text column each is rendered into."""
