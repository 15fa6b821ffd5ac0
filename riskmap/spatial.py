"""The spatial stages of an assessment: everything that does not depend on the date.

:func:`prepare` reads the workspace and does the geometry once: the counties in a
local metric CRS (:mod:`riskmap.places`), every point placed in its county
(enterprises; accidents and hazards linked to their enterprises first), and the road
work (:mod:`riskmap.roadwork`: units split at county borders and cut, traffic
accidents snapped) in worker threads.  The result, a :class:`Prepared`, is what
:func:`riskmap.pipeline.grade_at` grades at a date, so an assessment at many dates
(issue 11: history and forecast) repeats only the grading.

The frames here are shallow copies of the datasets read (``copy(deep=False)``): with
pandas' copy-on-write (pandas 3) a column is copied only when it is changed, so a
nation's 3 million accidents are not held twice while they are joined.
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
from riskmap.io.identifiers import normal_names
from riskmap.io.skipping import skipped_counts
from riskmap.io.workspace import Workspace, load_workspace
from riskmap.memory import fit_allocator, shared_texts
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
    """Enterprises in their counties, and how other records find them.

    Other records name their enterprise by ``enterprise_id`` (also matched against the
    enterprises' credit codes) or, in name-only ledgers, by ``enterprise_name``.
    """

    frame: gpd.GeoDataFrame
    county: np.ndarray  # county position of each enterprise (-1: none)
    position: pd.Series  # enterprise id → row position
    versions: pd.DataFrame | None = None  # every snapshot row (riskmap.snapshots), None without them

    @functools.cached_property
    def by_name(self) -> pd.Series:
        """Normalised name → position (-2: several); made the first time a record must be found by name.

        A nation's two million normalised names and their hash table hold about half a
        gigabyte, and most ledgers name their enterprises by id.
        """
        return _name_index(self.frame["name"]) if "name" in self.frame else pd.Series(dtype=np.int64)

    @property
    def has_point(self) -> np.ndarray:
        """Whether each enterprise has a point of its own (not located by its county only)."""
        return ~no_location(self.frame.geometry).to_numpy()

    def positions_of(self, ids: pd.Series) -> np.ndarray:
        """Row positions of the enterprises named by ``ids`` (-1: none or unknown)."""
        return ids.map(self.position).fillna(-1).to_numpy(dtype=np.int64)

    def resolve(self, ids: pd.Series, names: pd.Series | None) -> tuple[np.ndarray, list]:
        """The enterprise of each record by id, else by normalised name; what to say about each.

        Returns the positions (-1: none) and, per record, ``None`` or the
        :class:`~riskmap.i18n.Msg` of an unknown id, an unknown name or a name that
        several enterprises share (the record is kept either way).
        """
        owner = self.positions_of(ids).copy()  # pandas 3 may hand out a read-only view
        words: list = [None] * len(ids)
        has_id = ids.notna().to_numpy()
        if names is None:
            names = pd.Series(None, index=ids.index, dtype=object)
        normal = normal_names(names)
        # Whole columns at a time: most records of a nation's accidents name no enterprise at all.
        unknown, named = owner < 0, normal.notna().to_numpy()
        by_name = np.full(len(ids), -1, dtype=np.int64)  # only an unknown, named record is looked up by name
        if (lookup := unknown & named).any():
            by_name[lookup] = normal[lookup].map(self.by_name).fillna(-1).to_numpy(dtype=np.int64)
        linked = unknown & (by_name >= 0)
        owner[linked] = by_name[linked]
        id_values, name_values = ids.to_numpy(dtype=object), names.to_numpy(dtype=object)
        for words_of, mask in (
                (lambda v, n: msg("linked_by_name", value=v, name=n), linked & has_id),
                (lambda v, n: msg("unknown_enterprise", value=v), unknown & ~linked & has_id),
                (lambda v, n: msg("ambiguous_enterprise_name", value=n), unknown & ~has_id & (by_name == -2)),
                (lambda v, n: msg("unknown_enterprise_name", value=n), unknown & ~has_id & (by_name == -1) & named)):
            for k in np.flatnonzero(mask):
                words[k] = words_of(id_values[k], name_values[k])
        return owner, words


def _name_index(names: pd.Series) -> pd.Series:
    """Normalised name → enterprise position; -2 for a name several enterprises share."""
    normal = normal_names(names)
    present = normal.notna()
    positions = pd.Series(np.arange(len(names)), index=names.index)[present]
    keys = normal[present]
    index = pd.Series(positions.to_numpy(), index=keys.to_numpy())
    repeated = index.index.duplicated(keep=False)
    index = index[~index.index.duplicated(keep="first")]
    index[index.index.isin(keys[repeated].unique())] = -2
    return index


def join_enterprises(ws: Workspace, places: CountyPlaces, audit: Audit) -> PlacedEnterprises:
    """Place the enterprises (the row in force at ``as_of`` of each) by their points, or by the county they
    declare when they have none.

    A declared county that disagrees with the location is a warning (the location
    wins).  ``located_by`` says how each was placed: ``point``, ``county`` or ``none``.
    """
    enterprises, versions = split_versions(dataset_frame(ws, "enterprises", ENTERPRISE_COLUMNS), ws.info.as_of)
    enterprises = enterprises.copy(deep=False)
    file = ws.files.get("enterprises", "enterprises")
    missing = no_location(enterprises.geometry)
    county = place_points(enterprises, "enterprises", "enterprise_id", file, missing.to_numpy(), places, audit)
    declared = enterprises["declared_county"] if "declared_county" in enterprises else pd.Series(None, index=enterprises.index)
    declared_at = declared.map(places.position).fillna(-1).to_numpy(dtype=np.int64) if len(declared) else county
    by_county = missing.to_numpy() & (declared_at >= 0)
    county = np.where(by_county, declared_at, county)
    nowhere = missing.to_numpy() & ~by_county
    audit.unassign("enterprises", enterprises.loc[nowhere, "enterprise_id"], [msg("no_location")] * int(nowhere.sum()))
    enterprises["located_by"] = shared_texts([(by_county, "county"), (nowhere, "none")], "point") \
        if len(enterprises) else pd.Series(dtype=object)
    enterprises["county_code"] = places.code_of(county)
    enterprises["county_name"] = places.name_of(county)
    mismatch = (~missing.to_numpy()) & (declared_at >= 0) & (county >= 0) & (declared_at != county)
    for row, value, actual in zip(enterprises.loc[mismatch, "_row"], declared[mismatch], enterprises.loc[mismatch, "county_name"]):
        audit.warn(file, msg("county_mismatch", value=value, actual=actual), row=int(row), column="county_code", value=str(value))
    enterprises = enterprises.drop(columns=[c for c in ("declared_county",) if c in enterprises])
    position = pd.Series(np.arange(len(enterprises)), index=enterprises["enterprise_id"].astype(str))
    if "credit_code" in enterprises:  # records may name an enterprise by its credit code
        credit = enterprises["credit_code"].dropna().astype(str)
        extra = pd.Series(np.flatnonzero(enterprises["credit_code"].notna()), index=credit.to_numpy())
        extra = extra[~extra.index.isin(position.index) & ~extra.index.duplicated(keep=False)]
        position = pd.concat([position, extra])
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


def _record_names(frame: gpd.GeoDataFrame) -> pd.Series | None:
    return frame["enterprise_name"] if "enterprise_name" in frame else None


def _words(link_words: list) -> dict[int, list]:
    """Record position → what to say about it, for the records with something to say (most have nothing)."""
    return {k: [w] for k, w in enumerate(link_words) if w is not None}


def _say(audit: Audit, dataset: str, ids: np.ndarray, county_codes: np.ndarray, words: dict[int, list]) -> None:
    """Each record's words: ``notes.csv`` when it has a county, ``unassigned.csv`` when not."""
    said = [(k, w) for k in sorted(words) for w in words[k]]
    audit.unassign_or_note(dataset, [ids[k] for k, _ in said], [county_codes[k] for k, _ in said], [w for _, w in said])


def _enterprise_of(enterprises: PlacedEnterprises, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The county position and whether it has a point, of each record's enterprise (-1 / False: none)."""
    known = owner >= 0
    if not len(enterprises.frame):
        return np.full(len(owner), -1, dtype=np.int64), np.zeros(len(owner), dtype=bool)
    at = np.maximum(owner, 0)
    return np.where(known, enterprises.county[at], -1), known & enterprises.has_point[at]


def link_accidents(ws: Workspace, places: CountyPlaces, audit: Audit,
                   enterprises: PlacedEnterprises) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Link accidents to their enterprises (sector, and location when they have none), then place them.

    An accident without a point of its own takes its enterprise's point, or its
    enterprise's county when the enterprise is located by county only
    (``located_by``: ``point``, ``enterprise``, ``county`` or ``none``).  Returns the
    accidents and the enterprise position of each (-1: none).
    """
    accidents = dataset_frame(ws, "accidents", ACCIDENT_COLUMNS).copy(deep=False)
    file = ws.files.get("accidents", "accidents")
    if "sector" not in accidents:
        accidents["sector"] = None
    owner, link_words = enterprises.resolve(accidents["enterprise_id"], _record_names(accidents))
    known = owner >= 0
    ent_county, ent_point = _enterprise_of(enterprises, owner)
    county = np.full(len(accidents), -1, dtype=np.int64)
    words = _words(link_words)
    located_by = np.full(len(accidents), "none", dtype=object)
    if len(accidents):
        # A production accident tied to a known enterprise takes its sector.
        sectors = enterprises.frame["sector"].to_numpy()[owner[known]]
        accidents.loc[known, "sector"] = accidents.loc[known, "sector"].where(accidents.loc[known, "sector"].notna(), sectors)
        own = ~no_location(accidents.geometry).to_numpy()
        fill = ~own & ent_point
        if fill.any():
            accidents.loc[fill, "geometry"] = enterprises.frame.geometry.to_numpy()[owner[fill]]
        county = place_points(accidents, "accidents", "accident_id", file, ~(own | fill), places, audit)
        by_county = ~own & ~fill & (ent_county >= 0)
        county = np.where(by_county, ent_county, county)
        located_by = shared_texts([(own, "point"), (fill, "enterprise"), (by_county, "county")], "none")
        for k in np.flatnonzero(~own & ~fill & ~by_county):
            words.setdefault(k, []).append(msg("enterprise_unassigned", value=enterprises.frame["enterprise_id"].iat[owner[k]])
                            if known[k] else msg("no_location"))
    accidents["located_by"] = located_by if len(accidents) else pd.Series(dtype=object)
    accidents["county_code"] = places.code_of(county)
    accidents["county_name"] = places.name_of(county)
    _say(audit, "accidents", accidents["accident_id"].to_numpy(), accidents["county_code"].to_numpy(), words)
    return accidents, owner


def link_hazards(ws: Workspace, places: CountyPlaces, audit: Audit,
                 enterprises: PlacedEnterprises) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Locate hazards at their enterprise, else at their own point; then their county.

    A hazard counts where its enterprise is (its point, or its county for an
    enterprise located by county only; ``located_by = "enterprise"``).  When the
    enterprise has no county (outside the region, or no location) the hazard's own
    point places it (``"point"``); without one the hazard is unassigned with that
    reason (``"none"``).  Returns the hazards and the enterprise position of each.
    """
    hazards = dataset_frame(ws, "hazards", HAZARD_COLUMNS).copy(deep=False)
    file = ws.files.get("hazards", "hazards")
    owner, link_words = enterprises.resolve(hazards["enterprise_id"], _record_names(hazards))
    known = owner >= 0
    ent_county, ent_point = _enterprise_of(enterprises, owner)
    own_point = ~no_location(hazards.geometry).to_numpy() if len(hazards) else np.zeros(0, dtype=bool)
    at_enterprise = ent_county >= 0
    by_point = ~at_enterprise & own_point
    nowhere = ~at_enterprise & ~own_point
    located_by = shared_texts([(at_enterprise, "enterprise"), (by_point, "point")], "none")
    hazards["located_by"] = located_by if len(hazards) else pd.Series(dtype=object)
    county = ent_county.copy()
    words = _words(link_words)
    if len(hazards):
        # Drawn at the enterprise's point (an unassigned one too: still drawn), else at its own.
        draw_at_enterprise = ent_point & ~by_point
        hazards.loc[draw_at_enterprise, "geometry"] = enterprises.frame.geometry.to_numpy()[owner[draw_at_enterprise]]
        if by_point.any():
            county[by_point] = place_points(hazards[by_point], "hazards", "hazard_id", file,
                                            np.zeros(int(by_point.sum()), dtype=bool), places, audit)
        for k in np.flatnonzero(known & ~at_enterprise):  # its enterprise has no county
            words.setdefault(k, []).append(msg("enterprise_unassigned", value=enterprises.frame["enterprise_id"].iat[owner[k]]))
        for k in np.flatnonzero(nowhere & ~known):
            words.setdefault(k, []).append(msg("no_hazard_location"))
        hazards.loc[nowhere & ~ent_point, "geometry"] = None
    hazards["county_code"] = places.code_of(county)
    hazards["county_name"] = places.name_of(county)
    _say(audit, "hazards", hazards["hazard_id"].to_numpy(), hazards["county_code"].to_numpy(), words)
    safe = np.maximum(owner, 0)
    names = enterprises.frame["name"].to_numpy(dtype=object)
    sectors = enterprises.frame["sector"].to_numpy(dtype=object)
    given = hazards["enterprise_name"].to_numpy(dtype=object) if "enterprise_name" in hazards else np.full(len(hazards), None)
    given = np.where(pd.isna(given), "", given)
    hazards["name"] = np.where(known, names[safe] if len(names) else "", given) if len(hazards) else pd.Series(dtype=object)
    # A hazard takes its enterprise's sector, else the ledger's own ``sector`` (a hazard of no known enterprise).
    own = hazards["sector"].to_numpy(dtype=object) if "sector" in hazards else np.full(len(hazards), None, dtype=object)
    own = np.where(pd.isna(own), None, own)
    hazards["sector"] = np.where(known, sectors[safe] if len(sectors) else None, own) if len(hazards) else pd.Series(dtype=object)
    return hazards, owner


def check_dates(ws: Workspace, hazards: gpd.GeoDataFrame, audit: Audit) -> None:
    """Warn where a hazard's dates disagree with its status (records dated after ``as_of`` are warned
    about as they are read, :mod:`riskmap.io.values`).

    A hazard is open from ``found_date`` until ``closed_date`` whatever its status says
    (:mod:`riskmap.timeline`), so each disagreement is said, with what is counted.
    """
    if not len(hazards):
        return
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
        ("closed_date", day["closed"] < day["found"], lambda r: msg("hazard_closed_before_found", value=text(r.closed_date),
                                                                    found=text(r.found_date))),
    ]
    for column, mask, words in checks:
        chosen = hazards[mask.fillna(False).astype(bool)]
        audit.warn_rows(file, chosen["_row"], column, [words(r) for r in chosen.itertuples()])


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
    skipped
        Rows left out for their errors (``--skip-bad-rows``): ``rows`` and ``by_dataset``.
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
    skipped: dict = field(default_factory=lambda: {"rows": 0, "by_dataset": {}})

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


def read_workspace(workspace: str | Path | Workspace, job: RoadJob, language: str | None,
                   skip_bad_rows: bool = False) -> tuple[Workspace, Standard]:
    """The workspace (read unless given) and its standard; the road worker starts while it is read."""
    if isinstance(workspace, Workspace):
        ws = workspace
    else:
        ws = load_workspace(workspace, language=language, on_dataset=functools.partial(start_road_geometry, job),
                            skip_bad_rows=skip_bad_rows)
    # The standard was read and checked with the workspace; a Workspace built by hand may lack it.
    standard = ws.standard or load_standard(ws.standard_spec, base_dir=ws.info.path)
    for name in ("counties", "roads"):
        if name in ws.datasets:
            start_road_geometry(job, name, ws.datasets[name], standard)
    return ws, standard


def prepare(workspace: str | Path | Workspace, *, as_of: date | None = None,
            horizon: tuple[date, date] | Callable[[date, Standard], tuple[date, date]] | None = None,
            language: str | None = None, progress: ProgressCallback | None = None,
            stages: Stages | None = None, skip_bad_rows: bool = False) -> Prepared:
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
    skip_bad_rows
        Leave out the rows with errors (:mod:`riskmap.io.skipping`): each is listed in
        ``unassigned.csv`` with its error and counted (``Prepared.skipped``).

    Raises
    ------
    riskmap.errors.InputError
        When the workspace or the standard has errors (``problems`` lists them).
    """
    stages = stages or Stages(progress)
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        return _prepare(workspace, as_of, horizon, language, stages, pool, skip_bad_rows)
    finally:
        pool.shutdown(wait=False)


def _prepare(workspace, as_of, horizon, language, stages: Stages, pool: ThreadPoolExecutor,
             skip_bad_rows: bool = False) -> Prepared:
    job = RoadJob(pool)
    with stages.stage("read"):
        ws, standard = read_workspace(workspace, job, language, skip_bad_rows)
    fit_allocator()  # the inputs read tell whether freed memory is best reused or returned
    if as_of is not None and as_of != ws.info.as_of:
        ws = dataclasses.replace(ws, info=dataclasses.replace(ws.info, as_of=as_of))
    if callable(horizon):
        horizon = horizon(ws.info.as_of, standard)
    horizon = horizon or (ws.info.as_of, ws.info.as_of)
    audit = Audit(ws.info.language)
    for row in ws.skipped:  # left out for their errors: listed with them in unassigned.csv
        audit.unassign(row.dataset, [row.label], [msg("skipped_row", row=row.row, error=row.error)])
    with stages.stage("counties"):
        counties = ws.datasets["counties"].copy(deep=False)
        places = CountyPlaces.of(counties)
    rows, snap_job = start_snapping(ws, places, job, standard, horizon)
    with stages.stage("enterprises: join"):
        enterprises = join_enterprises(ws, places, audit)
    with stages.stage("accidents: join"):
        accidents, accident_enterprise = link_accidents(ws, places, audit, enterprises)
    with stages.stage("hazards: join"):
        hazards, hazard_enterprise = link_hazards(ws, places, audit, enterprises)
        check_dates(ws, hazards, audit)
    return Prepared(
        info=ws.info, standard=standard, counties=counties, places=places, enterprises=enterprises,
        accidents=accidents, accident_enterprise=accident_enterprise, hazards=hazards,
        hazard_enterprise=hazard_enterprise, accident_points="accidents" in ws.datasets and len(accidents) > 0,
        audit=audit, horizon=horizon, workspace_problems=list(ws.problems), extra=ws.extra, timings=stages.timings,
        skipped=skipped_counts(ws.skipped),
        roads_pending=functools.partial(finish_roads, ws, places, audit, job.future, rows, snap_job, stages))
