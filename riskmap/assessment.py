"""The :class:`Assessment`: graded GeoDataFrames, the audit and the summary.

An ``Assessment`` is what :func:`riskmap.assess` returns and what the map, the
app, the command line and the exporters consume.  None of them recomputes a grade.

All GeoDataFrames are in WGS-84 (EPSG:4326).  Missing values are ``None``/``NaN``;
an unassigned record has ``county_code`` ``None`` (written as an empty field).

Columns
-------
``counties``
    county_code (str), county_name (str), population (float|NaN), n_enterprises (int),
    points_enterprises, points_roads, points_hazards, points_accidents, score (float),
    grade (str key), reasons (str; '' when no rule beyond the thresholds fired),
    reason_codes (tuple of :class:`~riskmap.reasons.Reason`: the same, as data),
    top_contributors (str, e.g. "重大风险企业 3 家（30 分）; …"), contributor_codes
    (tuple of Reason, largest first), area_km2 (float),
    red/orange/yellow/blue enterprise counts as ``enterprises_red`` … (int),
    open_hazards, major_open_hazards, overdue_hazards (int), deaths_12m (int),
    unit_km (float), geometry (MultiPolygon).
``enterprises``
    enterprise_id (str), name (str), sector (key), county_code, county_name, address,
    employees, lec_l, lec_e, lec_c, likelihood, severity, major_hazard_level (float|NaN),
    method ('lec' | 'matrix' | 'baseline'), inherent_value (float: D, R or NaN),
    inherent_grade, grade, score (float: rank 0–3 of the grade, plus inherent value
    fraction for ordering), reasons (str, '; '-joined), reason_codes (tuple of Reason),
    open_hazards,
    major_open_hazards, overdue_hazards, fatal_accidents_12m (int), located_by
    ('point' | 'county': no coordinates, counted in the county it declares | 'none'),
    geometry (Point, or None when located by county only).
``road_units``
    unit_id (str: segment_id + '-' + county_code + '-' + piece + '-' + index),
    segment_id, road_name, road_class, county_code, county_name, length_m (float),
    fatal, injury, pdo (int), epdo (float), rate (float, EPDO/km/yr),
    accident_prone (bool), grade, score (=rate), reasons, reason_codes, geometry (LineString).
``accidents``
    accident_id, date (datetime64), deaths, injuries (int), kind ('traffic'|'production'),
    enterprise_id, sector, county_code, county_name, in_window (bool, 36 months),
    in_12m (bool), severity_class ('fatal'|'injury'|'pdo'), unit_id (str|None: snapped
    unit), snap_distance_m (float|NaN), geometry (Point).
``hazards``
    hazard_id, enterprise_id, name (enterprise name or ''), sector, level
    ('general'|'major'), status ('open'|'rectifying'|'closed'), found_date, deadline,
    closed_date (datetime64), supervision ('none'|'county'|'city'|'province'),
    description, is_open (bool), overdue (bool), days_overdue (int, 0 when not
    overdue), located_by ('enterprise'|'point'|'none'), county_code, county_name,
    grade (its own: open major red, overdue orange, open yellow, closed blue),
    score (its points towards its county), reasons, reason_codes, geometry (Point or None).
``unassigned``
    DataFrame with dataset, id, reason (every record not in a county: outside the
    region, no location, its enterprise without a county, ...) and reason_codes
    (tuple of :class:`~riskmap.i18n.Msg`: the reasons as data).
``notes``
    DataFrame with dataset, id, county_code, note and note_codes: records that have a
    county but something to say (an unsnapped accident, an unknown enterprise).

Texts (``reasons``, ``top_contributors``, ``reason``, problem messages) are in the
assessment's language; a :class:`~riskmap.view.View` renders them in another from
their codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from riskmap.errors import Problem


@dataclass
class WorkspaceInfo:
    """The ``[workspace]`` table of ``riskmap.toml``, resolved."""

    path: Path
    title: str
    region: str
    as_of: date
    language: str = "zh"
    standard: str = "default"
    basemap: str = "none"
    demo: bool = False
    source: str = ""


@dataclass(frozen=True)
class Origin:
    """What an assessment was graded from: the spatial work, and the dates graded.

    Attributes
    ----------
    prepared
        The :class:`riskmap.spatial.Prepared` (never changed by a grading).
    known_until
        The last date whose records counted (``None``: the graded date itself;
        the workspace's ``as_of`` for a forecast).
    previous
        The period end before it, when the counties carry their change since then
        (:meth:`riskmap.history.History.with_change`).
    """

    prepared: Any
    known_until: date | None = None
    previous: date | None = None


@dataclass
class Assessment:
    """A graded workspace: what every face of RiskMap draws on.

    Attributes
    ----------
    info
        The workspace settings (title, region, ``as_of``, language, ...).
    counties, enterprises, road_units, accidents, hazards
        Graded GeoDataFrames in WGS-84 (see the module docstring for columns).
        A dataset the workspace lacks is an empty GeoDataFrame with the columns.
    unassigned
        ``dataset``, ``id``, ``reason`` for every record not placed in a county.
    problems
        Warnings (and repairs) found while reading and joining.
    summary
        The ``summary.json`` dictionary of DESIGN §7.
    standard
        The grading standard used (a :class:`riskmap.standard.Standard`).
    timings
        Seconds spent per stage, for benchmarks and the progress display.
    extra
        Further datasets of the workspace (schools, hospitals ...) in WGS-84, keyed by
        their ``[datasets.X]`` name, for extra map layers.
    notes
        ``dataset``, ``id``, ``county_code``, ``note`` (and ``note_codes``): records
        that have a county but something to say (an unsnapped accident, an unknown
        enterprise, a record linked by name).
    origin
        What it was graded from (:class:`Origin`), so that a sector view can grade the
        same records of some sectors again (:mod:`riskmap.sectorview`); ``None`` for an
        assessment made by hand.
    sectors_graded
        The sectors it was graded for (a sector view), ``None`` for all of them.
    """

    info: WorkspaceInfo
    counties: gpd.GeoDataFrame
    enterprises: gpd.GeoDataFrame
    road_units: gpd.GeoDataFrame
    accidents: gpd.GeoDataFrame
    hazards: gpd.GeoDataFrame
    unassigned: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    standard: Any = None
    timings: dict[str, float] = field(default_factory=dict)
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["dataset", "id", "county_code", "note"]))
    origin: Origin | None = field(default=None, repr=False, compare=False)
    sectors_graded: tuple[str, ...] | None = None

    @property
    def language(self) -> str:
        return self.info.language

    @property
    def colours(self) -> dict[str, str]:
        """Grade colours of the standard (DESIGN §2 defaults unless it sets others)."""
        from riskmap.grades import DEFAULT_COLOURS

        return self.standard.colours if self.standard is not None else dict(DEFAULT_COLOURS)

    @property
    def sectors(self):
        """The sectors of the standard (:class:`riskmap.sectors.Sectors`): labels, the road-traffic ones."""
        from riskmap.sectors import default_sectors

        return self.standard.sectors if self.standard is not None else default_sectors()

    @property
    def county_names(self) -> dict[str, str]:
        """County code → name."""
        return dict(zip(self.counties["county_code"].astype(str), self.counties["county_name"].astype(str)))

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
