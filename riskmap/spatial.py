"""The spatial stages of an assessment: everything that does not depend on the date.

:func:`prepare` reads the workspace and does the geometry once: the counties in a
local metric CRS (:mod:`riskmap.places`), every point placed in its county
(enterprises; accidents and hazards linked to their enterprises first), and the road
work (:mod:`riskmap.roadwork`: units split at county borders and cut, traffic
accidents snapped) in worker threads.  The result, a :class:`Prepared`, is what
:func:`riskmap.pipeline.grade_at` grades at a date, so an assessment at many dates
(issue 11: history and forecast) repeats only the grading.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap.assessment import WorkspaceInfo
from riskmap.errors import Problem
from riskmap.i18n import HAZARD_STATUS_LABELS, Pair, label, msg
from riskmap.io.workspace import Workspace, load_workspace
from riskmap.places import Audit, CountyPlaces, ProgressCallback, Stages, dataset_frame, no_location, place_points
from riskmap.roadwork import RoadJob, RoadNetwork, Snapping, finish_roads, start_road_geometry, start_snapping
from riskmap.snapshots import split_versions
from riskmap.standard import Standard, load_standard

ENTERPRISE_COLUMNS = ["_row", "enterprise_id", "name", "sector", "lec_l", "lec_e", "lec_c", "likelihood", "severity",
                      "major_hazard_level", "employees", "address", "declared_county"]
SNAPSHOT_COLUMN = "valid_from"
ACCIDENT_COLUMNS = ["_row", "accident_id", "date", "deaths", "injuries", "kind", "enterprise_id", "sector"]
HAZARD_COLUMNS = ["_row", "hazard_id", "enterprise_id", "level", "status", "found_date", "deadline", "closed_date",
                  "supervision", "description"]


# --- the point datasets ------------------------------------------------------------------

@dataclass
class PlacedEnterprises:
    """Enterprises in their counties, and how other records find them."""

    frame: gpd.GeoDataFrame
    county: np.ndarray  # county position of each enterprise (-1: none)
    position: pd.Series  # enterprise id → row position
    versions: pd.DataFrame | None = None  # every snapshot row (riskmap.snapshots), None without them

    def positions_of(self, ids: pd.Series) -> np.ndarray:
        """Row positions of the enterprises named by ``ids`` (-1: none or unknown)."""
        return ids.map(self.position).fillna(-1).to_numpy(dtype=np.int64)


def join_enterprises(ws: Workspace, places: CountyPlaces, audit: Audit) -> PlacedEnterprises:
    """Place the enterprises (the row in force at ``as_of`` of each); warn where a declared county
    disagrees with the location."""
    enterprises, versions = split_versions(dataset_frame(ws, "enterprises", ENTERPRISE_COLUMNS), ws.info.as_of)
    enterprises = enterprises.copy()
    file = ws.files.get("enterprises", "enterprises")
    missing = no_location(enterprises.geometry)
    audit.unassign("enterprises", enterprises.loc[missing, "enterprise_id"], [msg("no_location")] * int(missing.sum()))
    county = place_points(enterprises, "enterprises", "enterprise_id", file, missing.to_numpy(), places, audit)
    enterprises["county_code"] = places.code_of(county)
    enterprises["county_name"] = places.name_of(county)
    if "declared_county" in enterprises:
        declared = enterprises["declared_county"]
        mismatch = declared.notna() & enterprises["county_code"].notna() & (declared.astype(str) != enterprises["county_code"].astype(str))
        for row, value, actual in zip(enterprises.loc[mismatch, "_row"], declared[mismatch], enterprises.loc[mismatch, "county_name"]):
            audit.warn(file, msg("county_mismatch", value=value, actual=actual), row=int(row), column="county_code", value=str(value))
        enterprises = enterprises.drop(columns="declared_county")
    position = pd.Series(np.arange(len(enterprises)), index=enterprises["enterprise_id"].astype(str))
    if versions is not None:
        _moved_snapshots(versions, enterprises, position, file, audit)
        versions = pd.DataFrame(versions.drop(columns=["geometry", "declared_county"], errors="ignore"))
    return PlacedEnterprises(enterprises, county, position, versions)


def _moved_snapshots(versions: gpd.GeoDataFrame, current: gpd.GeoDataFrame, position: pd.Series, file: str,
                     audit: Audit) -> None:
    """Warn about snapshot rows placed elsewhere than the row in force at ``as_of`` (their place is not used)."""
    at = versions["enterprise_id"].astype(str).map(position).to_numpy()
    here, there = versions.geometry.to_numpy(), current.geometry.to_numpy()[at]
    both = ~(pd.isna(here) | pd.isna(there))
    moved = np.zeros(len(versions), dtype=bool)
    moved[both] = shapely.distance(here[both], there[both]) > 1e-5  # about a metre
    chosen = versions[moved].drop_duplicates("enterprise_id")
    audit.warn_rows(file, chosen["_row"], "lon", [msg("snapshot_moved", value=v) for v in chosen["enterprise_id"]])


def _unknown_enterprises(frame: gpd.GeoDataFrame, known: pd.Series, dataset: str, id_column: str, audit: Audit) -> None:
    unknown = frame["enterprise_id"].notna() & ~known if len(frame) else pd.Series(dtype=bool)
    audit.unassign(dataset, frame.loc[unknown, id_column],
                   [msg("unknown_enterprise", value=v) for v in frame.loc[unknown, "enterprise_id"]])


def link_accidents(ws: Workspace, places: CountyPlaces, audit: Audit,
                   enterprises: PlacedEnterprises) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Link accidents to their enterprises (sector, and location when they have none), then place them.

    Returns the accidents and the enterprise position of each (-1: none).
    """
    accidents = dataset_frame(ws, "accidents", ACCIDENT_COLUMNS).copy()
    file = ws.files.get("accidents", "accidents")
    if "sector" not in accidents:
        accidents["sector"] = None
    owner = enterprises.positions_of(accidents["enterprise_id"])
    known = pd.Series(owner >= 0, index=accidents.index)
    _unknown_enterprises(accidents, known, "accidents", "accident_id", audit)
    still = pd.Series(dtype=bool)
    if len(accidents):
        # A production accident tied to a known enterprise takes its sector, and its
        # location when it has none of its own.
        sectors = enterprises.frame["sector"].to_numpy()[owner[known.to_numpy()]]
        accidents.loc[known, "sector"] = accidents.loc[known, "sector"].where(accidents.loc[known, "sector"].notna(), sectors)
        no_point = no_location(accidents.geometry)
        fill = known & no_point
        if fill.any():
            accidents.loc[fill, "geometry"] = enterprises.frame.geometry.to_numpy()[owner[fill.to_numpy()]]
        still = no_point & ~fill  # a known enterprise always has a point or is itself unassigned
        if fill.any():
            still |= fill & no_location(accidents.geometry)
        audit.unassign("accidents", accidents.loc[still, "accident_id"], [msg("no_location")] * int(still.sum()))
    county = place_points(accidents, "accidents", "accident_id", file, still.to_numpy(dtype=bool), places, audit)
    accidents["county_code"] = places.code_of(county)
    accidents["county_name"] = places.name_of(county)
    return accidents, owner


def link_hazards(ws: Workspace, places: CountyPlaces, audit: Audit,
                 enterprises: PlacedEnterprises) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Locate hazards at their enterprise, else at their own point; then their county.

    Returns the hazards and the enterprise position of each (-1: none).
    """
    hazards = dataset_frame(ws, "hazards", HAZARD_COLUMNS).copy()
    file = ws.files.get("hazards", "hazards")
    owner = enterprises.positions_of(hazards["enterprise_id"])
    known = pd.Series(owner >= 0, index=hazards.index)
    _unknown_enterprises(hazards, known, "hazards", "hazard_id", audit)
    own_point = ~no_location(hazards.geometry)
    hazards["located_by"] = np.where(known, "enterprise", np.where(own_point, "point", "none")) if len(hazards) else []
    county = np.full(len(hazards), -1, dtype=np.int64)
    if len(hazards):
        at = owner[known.to_numpy()]
        hazards.loc[known, "geometry"] = enterprises.frame.geometry.to_numpy()[at]
        county[known.to_numpy()] = enterprises.county[at]
        by_point = (hazards["located_by"] == "point").to_numpy()
        if by_point.any():
            county[by_point] = place_points(hazards[by_point], "hazards", "hazard_id", file,
                                            np.zeros(int(by_point.sum()), dtype=bool), places, audit)
        nowhere = hazards["located_by"] == "none"
        audit.unassign("hazards", hazards.loc[nowhere, "hazard_id"], [msg("no_hazard_location")] * int(nowhere.sum()))
        hazards.loc[nowhere, "geometry"] = None
    hazards["county_code"] = places.code_of(county)
    hazards["county_name"] = places.name_of(county)
    safe, has = np.maximum(owner, 0), owner >= 0
    names = enterprises.frame["name"].to_numpy(dtype=object)
    sectors = enterprises.frame["sector"].to_numpy(dtype=object)
    hazards["name"] = np.where(has, names[safe] if len(names) else "", "")
    hazards["sector"] = np.where(has, sectors[safe] if len(sectors) else None, None)
    return hazards, owner


def check_dates(ws: Workspace, hazards: gpd.GeoDataFrame, accidents: gpd.GeoDataFrame, audit: Audit) -> None:
    """Warn where the dates of a ledger row disagree with its status or with ``as_of``.

    A hazard is open from ``found_date`` until ``closed_date`` whatever its status says
    (:mod:`riskmap.timeline`), so each disagreement is said, with what is counted.
    """
    as_of = pd.Timestamp(ws.info.as_of)
    day = {"found": pd.to_datetime(hazards["found_date"]).dt.normalize(),
           "closed": pd.to_datetime(hazards["closed_date"]).dt.normalize()}
    status = hazards["status"]
    file = ws.files.get("hazards", "hazards")

    def text(value) -> str:
        return value.strftime("%Y-%m-%d")

    checks = [
        ("closed_date", (status == "closed") & day["closed"].isna(), lambda r: msg("hazard_closed_no_date")),
        ("status", status.isin(["open", "rectifying"]) & (day["closed"] <= as_of),
         lambda r: msg("hazard_closed_date_open", value=text(r.closed_date),
                       status=Pair(*(label(HAZARD_STATUS_LABELS, str(r.status), lang) for lang in ("zh", "en"))))),
        ("closed_date", day["closed"] > as_of, lambda r: msg("hazard_closed_after_as_of", value=text(r.closed_date),
                                                             as_of=ws.info.as_of.isoformat())),
        ("closed_date", day["closed"] < day["found"], lambda r: msg("hazard_closed_before_found", value=text(r.closed_date),
                                                                    found=text(r.found_date))),
        ("found_date", day["found"] > as_of, lambda r: msg("found_after_as_of", value=text(r.found_date),
                                                           as_of=ws.info.as_of.isoformat())),
    ]
    for column, mask, words in checks if len(hazards) else []:
        chosen = hazards[mask.fillna(False).astype(bool)]
        audit.warn_rows(file, chosen["_row"], column, [words(r) for r in chosen.itertuples()])
    if len(accidents):
        late = accidents[(pd.to_datetime(accidents["date"]).dt.normalize() > as_of).fillna(False)]
        audit.warn_rows(ws.files.get("accidents", "accidents"), late["_row"], "date",
                        [msg("accident_after_as_of", value=text(d), as_of=ws.info.as_of.isoformat()) for d in late["date"]])


# --- the prepared assessment --------------------------------------------------------------

@dataclass
class Prepared:
    """The spatial work of an assessment, done once; :func:`riskmap.pipeline.grade_at` grades it at a date.

    The road work may still run in its worker threads when :func:`prepare` returns:
    :attr:`network` and :attr:`snapping` wait for it the first time they are read (so
    grading the enterprises overlaps it), and from then on hold it.

    Attributes
    ----------
    info, standard
        The workspace settings and the grading standard.
    counties, places
        The counties as read, and as the joins use them (metric shapes included).
    enterprises
        The enterprises in their counties (:class:`PlacedEnterprises`).
    accidents, accident_enterprise
        Accidents in their counties (linked to their enterprises), and the enterprise
        position of each (-1: none).
    hazards, hazard_enterprise
        Hazards located and in their counties, and their enterprise positions.
    accident_points
        Whether accidents were given as records (else the roads' own counts are used).
    audit
        Records left unassigned by the spatial stages, and their warnings.
    horizon
        The first and last date a grading may ask for.
    extra, timings
        Further datasets of the workspace; seconds per stage.
    cache
        What gradings at a date derive from the Prepared once and share
        (:func:`riskmap.timeline.basis`); the Prepared itself is never changed.
    """

    info: WorkspaceInfo
    standard: Standard
    counties: gpd.GeoDataFrame
    places: CountyPlaces
    enterprises: PlacedEnterprises
    accidents: gpd.GeoDataFrame
    accident_enterprise: np.ndarray
    hazards: gpd.GeoDataFrame
    hazard_enterprise: np.ndarray
    accident_points: bool
    audit: Audit
    horizon: tuple[date, date]
    workspace_problems: list[Problem] = field(default_factory=list)
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    roads_pending: Callable[[], tuple[RoadNetwork, Snapping]] | None = field(default=None, repr=False)
    _roads: tuple[RoadNetwork, Snapping] | None = field(default=None, repr=False)
    cache: dict = field(default_factory=dict, repr=False)

    def wait_for_roads(self) -> tuple[RoadNetwork, Snapping]:
        """The road units and the snapped accidents, waiting for the worker threads the first time."""
        if self._roads is None:
            self._roads = self.roads_pending()
            self.roads_pending = None
        return self._roads

    @property
    def network(self) -> RoadNetwork:
        """The road units (:class:`RoadNetwork`)."""
        return self.wait_for_roads()[0]

    @property
    def snapping(self) -> Snapping:
        """The traffic accidents of the horizon snapped to the units (:class:`Snapping`)."""
        return self.wait_for_roads()[1]

    @property
    def problems(self) -> list[Problem]:
        """The workspace's warnings followed by the spatial stages' (the roads' once they are done)."""
        return list(self.workspace_problems) + self.audit.problems


def read_workspace(workspace: str | Path | Workspace, job: RoadJob, language: str | None) -> tuple[Workspace, Standard]:
    """The workspace (read unless given) and its standard; the road worker starts while it is read."""
    if isinstance(workspace, Workspace):
        ws = workspace
    else:
        ws = load_workspace(workspace, language=language, on_dataset=functools.partial(start_road_geometry, job))
    # The standard was read and checked with the workspace; a Workspace built by hand may lack it.
    standard = ws.standard or load_standard(ws.standard_spec, base_dir=ws.info.path)
    for name in ("counties", "roads"):
        if name in ws.datasets:
            start_road_geometry(job, name, ws.datasets[name], standard)
    return ws, standard


def prepare(workspace: str | Path | Workspace, *, as_of: date | None = None,
            horizon: tuple[date, date] | Callable[[date, Standard], tuple[date, date]] | None = None,
            language: str | None = None, progress: ProgressCallback | None = None,
            stages: Stages | None = None) -> Prepared:
    """Read a workspace and do its spatial work.

    Parameters
    ----------
    workspace
        A workspace folder (with ``riskmap.toml``) or an already loaded
        :class:`~riskmap.io.workspace.Workspace`.
    as_of
        The date of the assessment instead of the workspace's own ``as_of``.
    horizon
        The first and last dates the grading will be asked about (default: ``as_of``
        only); traffic accidents no window of these dates holds are not snapped.  It may
        be a function of the workspace's ``as_of`` and standard returning the two dates
        (a history's periods are in the standard).
    language
        ``zh`` or ``en`` instead of the workspace's (for a folder).
    progress, stages
        Progress callback (``progress(stage, None)`` at the start of a stage,
        ``progress(stage, seconds)`` at its end), or the :class:`Stages` to time in.

    Raises
    ------
    riskmap.errors.InputError
        When the workspace or the standard has errors (``problems`` lists them).
    """
    stages = stages or Stages(progress)
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        return _prepare(workspace, as_of, horizon, language, stages, pool)
    finally:
        pool.shutdown(wait=False)


def _prepare(workspace, as_of, horizon, language, stages: Stages, pool: ThreadPoolExecutor) -> Prepared:
    job = RoadJob(pool)
    with stages.stage("read"):
        ws, standard = read_workspace(workspace, job, language)
    if as_of is not None and as_of != ws.info.as_of:
        ws = dataclasses.replace(ws, info=dataclasses.replace(ws.info, as_of=as_of))
    if callable(horizon):
        horizon = horizon(ws.info.as_of, standard)
    horizon = horizon or (ws.info.as_of, ws.info.as_of)
    audit = Audit(ws.info.language)
    with stages.stage("counties"):
        counties = ws.datasets["counties"].copy()
        places = CountyPlaces.of(counties)
    rows, snap_job = start_snapping(ws, places, job, standard, horizon)
    with stages.stage("enterprises: join"):
        enterprises = join_enterprises(ws, places, audit)
    with stages.stage("accidents: join"):
        accidents, accident_enterprise = link_accidents(ws, places, audit, enterprises)
    with stages.stage("hazards: join"):
        hazards, hazard_enterprise = link_hazards(ws, places, audit, enterprises)
        check_dates(ws, hazards, accidents, audit)
    return Prepared(
        info=ws.info, standard=standard, counties=counties, places=places, enterprises=enterprises,
        accidents=accidents, accident_enterprise=accident_enterprise, hazards=hazards,
        hazard_enterprise=hazard_enterprise, accident_points="accidents" in ws.datasets and len(accidents) > 0,
        audit=audit, horizon=horizon, workspace_problems=list(ws.problems), extra=ws.extra, timings=stages.timings,
        roads_pending=functools.partial(finish_roads, ws, places, audit, job.future, rows, snap_job, stages))
