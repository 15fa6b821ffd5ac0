"""Map layer specifications: one TOML file per layer.

Layers are data.  Each file in ``layers/`` says which dataset a layer draws, how it is
styled, which fields its tooltip and popup show (with Chinese and English labels),
which filters act on it and whether it is on by default.  Adding a plain point layer
(schools, hospitals) is adding a TOML file and a dataset, not code.  The format is
documented in ``docs/layers.md``.

:func:`load_layers` reads a folder (the default ``layers/``, plus a workspace's own
``layers/`` folder when given), :func:`load_layer` one file and :func:`parse_layer` an
already parsed dictionary.  Every mistake raises :class:`~riskmap.errors.LayerSpecError`
naming the file and the key.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskmap.errors import LayerSpecError, Problem
from riskmap.grades import GRADES

GEOMETRIES: tuple[str, ...] = ("polygon", "line", "point", "heatmap")
"""What a layer draws: filled polygons, lines, points or a heat map of points."""

FILTERS: tuple[str, ...] = ("sectors", "counties", "grades", "hazard_statuses", "dates")
"""Names of the filters a layer may say apply to it (:class:`riskmap.filters.Filters`)."""

FORMATS: tuple[str, ...] = (
    "text", "int", "float", "percent", "km", "date", "bool", "grade", "sector",
    "hazard_level", "hazard_status", "supervision", "accident_kind", "method",
)
"""How a tooltip or popup value is shown (see :func:`riskmap.mapview.format_value`)."""

BUILTIN_DATASETS: tuple[str, ...] = ("counties", "enterprises", "road_units", "accidents", "hazards")
"""Datasets every :class:`~riskmap.assessment.Assessment` holds."""

_LAYER_KEYS = {
    "id", "title", "dataset", "path", "crs", "lon", "lat", "geometry", "show", "order",
    "filters", "where", "date_column", "style", "tooltip", "popup", "search",
}
_FIELD_KEYS = {"column", "zh", "en", "format", "digits"}
# Style keys allowed per geometry; values are checked loosely (numbers, colours, tables
# keyed by the values of ``colour_by``) because the map reads them with defaults.
_STYLE_COMMON = {"colour", "colours", "colour_by", "opacity", "weight", "outline", "dash"}
_STYLE_KEYS = {
    "polygon": _STYLE_COMMON | {"fill_opacity", "labels", "label_column", "simplify",
                                "highlight_colour", "highlight_weight"},
    "line": _STYLE_COMMON | {"emphasis", "aggregate_above", "aggregate_keep", "aggregate_by"},
    "point": _STYLE_COMMON | {"radius", "fill_opacity", "emphasis", "cluster_above",
                              "aggregate_above", "aggregate_keep", "aggregate_cells",
                              "cluster_radius", "disable_clustering_at_zoom"},
    "heatmap": {"radius", "blur", "min_opacity", "max_zoom", "weight_column", "weight_base",
                "weight_factor", "gradient"},
}
_EMPHASIS_KEYS = {"when", "radius", "weight", "outline", "dash", "colour", "opacity", "fill_opacity"}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a tooltip or popup.

    Parameters
    ----------
    column
        Column of the dataset.
    zh, en
        The label in each language.
    format
        One of :data:`FORMATS`.
    digits
        Decimals for ``float`` and ``km``.
    """

    column: str
    zh: str
    en: str
    format: str = "text"
    digits: int = 1

    def label(self, lang: str = "zh") -> str:
        """Return the label in ``lang``."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class LayerSpec:
    """A map layer, as read from its TOML file.

    Attributes
    ----------
    id
        Unique name (the file stem unless ``id`` is given).
    title_zh, title_en
        The name in the layer control.
    geometry
        One of :data:`GEOMETRIES`.
    dataset
        A dataset of the assessment (:data:`BUILTIN_DATASETS`) or a key of its
        ``extra`` mapping; ``None`` when ``path`` is given.
    path, crs, lon, lat
        A file of the workspace to read instead (CSV/XLSX with ``lon``/``lat``
        columns, or any vector format), and its CRS (``gcj02``/``bd09`` allowed).
    show
        Whether the layer is on when the map opens.
    order
        Drawing order: lower first (underneath).
    filters
        Which of :data:`FILTERS` act on this layer.
    where
        ``{column: value or [values]}``: only rows matching all are drawn.
    date_column
        The column the ``dates`` filter uses for a dataset outside the assessment.
    style
        Style table (see ``docs/layers.md``).
    tooltip, popup
        Fields shown on hover and on click.
    search
        Columns the map's search box matches (a name, an id); default the first popup
        field's column (else the first tooltip field's), none for a heat map.
    source
        The file the spec came from (for messages).
    """

    id: str
    title_zh: str
    title_en: str
    geometry: str
    dataset: str | None = None
    path: str | None = None
    crs: str | None = None
    lon: str = "lon"
    lat: str = "lat"
    show: bool = True
    order: int = 50
    filters: tuple[str, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict)
    date_column: str | None = None
    style: Mapping[str, Any] = field(default_factory=dict)
    tooltip: tuple[FieldSpec, ...] = ()
    popup: tuple[FieldSpec, ...] = ()
    search: tuple[str, ...] = ()
    source: str = ""

    def title(self, lang: str = "zh") -> str:
        """Return the layer's name in ``lang``."""
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def key(self) -> str:
        """The dataset key (``dataset``, or ``id`` for a layer read from ``path``)."""
        return self.dataset or self.id


def default_layers_dir() -> Path:
    """Return the folder of the built-in layer files.

    ``RISKMAP_LAYERS`` (a folder) wins; otherwise the ``layers/`` folder beside the
    package (a source checkout or an editable install), else the copy a wheel
    installs under ``<prefix>/share/riskmap/layers``.
    """
    env = os.environ.get("RISKMAP_LAYERS")
    if env:
        return Path(env)
    beside = Path(__file__).resolve().parent.parent / "layers"
    if beside.is_dir():
        return beside
    return Path(sys.prefix) / "share" / "riskmap" / "layers"


def _err(source: str, key: str, message: str) -> LayerSpecError:
    text = f"{source}: key '{key}': {message}"
    return LayerSpecError(text, [Problem("error", source, message, column=key)])


def _text(data: Mapping, key: str, source: str, *, required: bool = False, default=None, prefix: str = ""):
    value = data.get(key, default)
    if value is None:
        if required:
            raise _err(source, prefix + key, "is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _err(source, prefix + key, f"must be a non-empty string, got {value!r}")
    return value


def _check_keys(data: Mapping, allowed: set[str], source: str, prefix: str = "") -> None:
    for key in data:
        if key not in allowed:
            raise _err(source, prefix + key, f"unknown key; allowed: {', '.join(sorted(allowed))}")


def _title(data: Mapping, source: str, default: str) -> tuple[str, str]:
    title = data.get("title", default)
    if isinstance(title, str):
        return title, title
    if isinstance(title, Mapping):
        _check_keys(title, {"zh", "en"}, source, "title.")
        zh = _text(title, "zh", source, required=True, prefix="title.")
        en = _text(title, "en", source, default=zh, prefix="title.")
        return zh, en
    raise _err(source, "title", "must be a string or a table { zh = ..., en = ... }")


def _fields(items: Any, source: str, key: str) -> tuple[FieldSpec, ...]:
    from riskmap.i18n import COLUMN_LABELS

    if items is None:
        return ()
    if not isinstance(items, list):
        raise _err(source, key, "must be an array of tables ([[" + key + "]])")
    out = []
    for i, item in enumerate(items, start=1):
        where = f"{key}[{i}]"
        if isinstance(item, str):
            item = {"column": item}
        if not isinstance(item, Mapping):
            raise _err(source, where, "must be a table with column, zh, en (and format)")
        _check_keys(item, _FIELD_KEYS, source, where + ".")
        column = _text(item, "column", source, required=True, prefix=where + ".")
        # A canonical column may leave its labels to riskmap.i18n.
        zh_default, en_default = COLUMN_LABELS.get(column, (column, column))
        zh = _text(item, "zh", source, default=zh_default, prefix=where + ".")
        en = _text(item, "en", source, default=en_default, prefix=where + ".")
        fmt = item.get("format", "text")
        if fmt not in FORMATS:
            raise _err(source, where + ".format", f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
        digits = item.get("digits", 1)
        if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 8:
            raise _err(source, where + ".digits", "must be an integer 0-8")
        out.append(FieldSpec(column, zh, en, fmt, digits))
    return tuple(out)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_colour(value: Any, source: str, key: str) -> None:
    if not (isinstance(value, str) and value.startswith("#") and len(value) in (4, 7, 9)
            and all(c in "0123456789abcdefABCDEF" for c in value[1:])):
        raise _err(source, key, f"must be a colour like \"#E60012\", got {value!r}")


def _check_style(style: Any, geometry: str, source: str) -> dict:
    if style is None:
        return {}
    if not isinstance(style, Mapping):
        raise _err(source, "style", "must be a table")
    _check_keys(style, _STYLE_KEYS[geometry], source, "style.")
    for key in ("colour", "outline", "highlight_colour"):
        if key in style:
            _check_colour(style[key], source, f"style.{key}")
    if "colours" in style:
        if not isinstance(style["colours"], Mapping):
            raise _err(source, "style.colours", "must be a table { value = \"#rrggbb\" }")
        for k, v in style["colours"].items():
            _check_colour(v, source, f"style.colours.{k}")
    for key in ("opacity", "fill_opacity", "min_opacity"):
        if key in style and not (_is_number(style[key]) and 0 <= style[key] <= 1):
            raise _err(source, f"style.{key}", "must be a number from 0 to 1")
    for key in ("radius", "weight"):
        value = style.get(key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            for k, v in value.items():
                if not (_is_number(v) and v >= 0):
                    raise _err(source, f"style.{key}.{k}", "must be a non-negative number")
        elif not (_is_number(value) and value >= 0) and not (geometry == "heatmap" and key == "weight"):
            raise _err(source, f"style.{key}", "must be a non-negative number or a table by value")
    for key in ("cluster_above", "aggregate_above", "aggregate_cells", "cluster_radius",
                "disable_clustering_at_zoom", "max_zoom", "blur"):
        if key in style and not (_is_number(style[key]) and style[key] >= 0):
            raise _err(source, f"style.{key}", "must be a non-negative number")
    if "aggregate_keep" in style:
        keep = style["aggregate_keep"]
        if not (isinstance(keep, list) and all(g in GRADES for g in keep)):
            raise _err(source, "style.aggregate_keep", f"must be a list of grades from {list(GRADES)}")
    if "gradient" in style:
        _check_gradient(style["gradient"], source)
    if style.get("emphasis") is not None:
        _check_emphasis(style["emphasis"], source)
    return dict(style)


def _check_gradient(gradient: Any, source: str) -> None:
    if not isinstance(gradient, Mapping):
        raise _err(source, "style.gradient", "must be a table { \"0.4\" = \"#1E78FF\", ... }")
    for k, v in gradient.items():
        try:
            stop = float(k)
        except ValueError:
            raise _err(source, f"style.gradient.{k}", "stops must be numbers 0-1") from None
        if not 0 <= stop <= 1:
            raise _err(source, f"style.gradient.{k}", "stops must be numbers 0-1")
        _check_colour(v, source, f"style.gradient.{k}")


def _check_emphasis(emphasis: Any, source: str) -> None:
    if not isinstance(emphasis, list):
        raise _err(source, "style.emphasis", "must be an array of tables ([[style.emphasis]])")
    for i, rule in enumerate(emphasis, start=1):
        where = f"style.emphasis[{i}]"
        if not isinstance(rule, Mapping):
            raise _err(source, where, "must be a table")
        _check_keys(rule, _EMPHASIS_KEYS, source, where + ".")
        if not isinstance(rule.get("when"), Mapping) or not rule["when"]:
            raise _err(source, where + ".when", "is required: a table { column = value }")
        for key in ("outline", "colour"):
            if key in rule:
                _check_colour(rule[key], source, f"{where}.{key}")


def parse_layer(data: Mapping[str, Any], *, source: str = "<layer>", default_id: str = "layer") -> LayerSpec:
    """Build a :class:`LayerSpec` from a parsed TOML document.

    Parameters
    ----------
    data
        The document: a ``[layer]`` table plus optional ``[style]``, ``[[tooltip]]``
        and ``[[popup]]`` (or everything at top level).
    source
        Name used in error messages (the file).
    default_id
        The id when the document gives none (the file stem).

    Raises
    ------
    LayerSpecError
        Naming the file and the key that is wrong.
    """
    data = dict(data)
    layer = data.pop("layer", None)
    if layer is not None:
        if not isinstance(layer, Mapping):
            raise _err(source, "layer", "must be a table")
        merged = dict(layer)
        for key, value in data.items():
            if key in merged:
                raise _err(source, key, "given both in [layer] and at top level")
            merged[key] = value
        data = merged
    _check_keys(data, _LAYER_KEYS, source)

    layer_id = _text(data, "id", source, default=default_id)
    zh, en = _title(data, source, layer_id)
    geometry = _text(data, "geometry", source, required=True)
    if geometry not in GEOMETRIES:
        raise _err(source, "geometry", f"unknown geometry {geometry!r}; allowed: {', '.join(GEOMETRIES)}")
    dataset = _text(data, "dataset", source)
    path = _text(data, "path", source)
    if (dataset is None) == (path is None):
        raise _err(source, "dataset", "give exactly one of 'dataset' (a dataset name) or 'path' (a workspace file)")
    if path is not None and (Path(path).is_absolute() or ".." in Path(path).parts):
        raise _err(source, "path", "must be relative to the workspace and stay inside it")
    show = data.get("show", True)
    if not isinstance(show, bool):
        raise _err(source, "show", "must be true or false")
    order = data.get("order", 50)
    if not isinstance(order, int) or isinstance(order, bool):
        raise _err(source, "order", "must be an integer")
    filters = data.get("filters", [])
    if not isinstance(filters, list) or any(f not in FILTERS for f in filters):
        raise _err(source, "filters", f"must be a list drawn from {list(FILTERS)}, got {filters!r}")
    where = data.get("where", {})
    if not isinstance(where, Mapping):
        raise _err(source, "where", "must be a table { column = value or [values] }")
    style = _check_style(data.get("style"), geometry, source)
    tooltip = _fields(data.get("tooltip"), source, "tooltip")
    popup = _fields(data.get("popup"), source, "popup")
    return LayerSpec(
        id=layer_id,
        title_zh=zh,
        title_en=en,
        geometry=geometry,
        dataset=dataset,
        path=path,
        crs=_text(data, "crs", source),
        lon=_text(data, "lon", source, default="lon"),
        lat=_text(data, "lat", source, default="lat"),
        show=show,
        order=order,
        filters=tuple(filters),
        where=dict(where),
        date_column=_text(data, "date_column", source),
        style=style,
        tooltip=tooltip,
        popup=popup,
        search=_search(data.get("search"), geometry, popup + tooltip, source),
        source=source,
    )


def _search(columns: Any, geometry: str, fields: tuple[FieldSpec, ...], source: str) -> tuple[str, ...]:
    """The columns the search box matches: as given, or the layer's title field."""
    if columns is None:
        return (fields[0].column,) if fields and geometry != "heatmap" else ()
    if not isinstance(columns, list) or not all(isinstance(c, str) and c for c in columns):
        raise _err(source, "search", f"must be a list of column names, got {columns!r}")
    if columns and geometry == "heatmap":
        raise _err(source, "search", "a heat map has nothing to find: leave 'search' out")
    return tuple(columns)


def load_layer(path: str | Path) -> LayerSpec:
    """Read one layer TOML file.

    Raises
    ------
    LayerSpecError
        When the file is not valid TOML or a key is wrong (the message names both).
    """
    path = Path(path)
    source = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LayerSpecError(f"{source}: not valid TOML: {exc}",
                             [Problem("error", source, f"not valid TOML: {exc}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LayerSpecError(f"{source}: cannot be read: {exc}",
                             [Problem("error", source, f"cannot be read: {exc}")]) from None
    return parse_layer(data, source=source, default_id=path.stem)


def load_layers(dirs: str | Path | Iterable[str | Path] | None = None, *,
                workspace: str | Path | None = None) -> list[LayerSpec]:
    """Read every ``*.toml`` of one or more folders, in drawing order.

    Parameters
    ----------
    dirs
        A folder or folders; default :func:`default_layers_dir`.  A later folder's
        layer replaces an earlier one with the same id.
    workspace
        A workspace folder: its own ``layers/`` folder, when present, is read last,
        so a workspace can add layers (schools, ...) or restyle built-in ones.

    Returns
    -------
    list of LayerSpec
        Sorted by ``order``, then id.
    """
    if dirs is None:
        folders = [default_layers_dir()]
    elif isinstance(dirs, (str, Path)):
        folders = [Path(dirs)]
    else:
        folders = [Path(d) for d in dirs]
    if workspace is not None and (Path(workspace) / "layers").is_dir():
        folders.append(Path(workspace) / "layers")
    specs: dict[str, LayerSpec] = {}
    for folder in folders:
        if not folder.is_dir():
            raise LayerSpecError(f"{folder}: layer folder not found",
                                 [Problem("error", str(folder), "layer folder not found")])
        for file in sorted(folder.glob("*.toml")):
            spec = load_layer(file)
            specs[spec.id] = spec
    return sorted(specs.values(), key=lambda s: (s.order, s.id))


def workspace_layer_problems(workspace: str | Path, datasets: Iterable[str]) -> list[Problem]:
    """Check a workspace's own ``layers/`` folder as ``riskmap validate`` does.

    Every layer TOML must parse and be well formed; a layer's ``dataset`` must be one
    the assessment holds or one of ``datasets`` (the workspace's extra datasets); a
    layer's ``path`` must name a file inside the workspace, of the format its
    extension says (see :mod:`riskmap.formats`).

    Returns
    -------
    list of Problem
        Errors, each naming the layer file as ``layers/<name>.toml`` and the key.
    """
    from riskmap.io import formats

    folder = Path(workspace) / "layers"
    if not folder.is_dir():
        return []
    known = set(BUILTIN_DATASETS) | set(datasets)
    problems: list[Problem] = []
    for file in sorted(folder.glob("*.toml")):
        where = f"layers/{file.name}"
        try:
            spec = load_layer(file)
        except LayerSpecError as exc:
            problems += [Problem("error", where, p.message, column=p.column, value=p.value) for p in exc.problems]
            continue
        if spec.dataset is not None and spec.dataset not in known:
            problems.append(Problem("error", where, f"dataset '{spec.dataset}' is not in the workspace; allowed: "
                                    f"{', '.join(sorted(known))} (add [datasets.{spec.dataset}] to riskmap.toml, "
                                    "or give path = ...)", column="dataset", value=spec.dataset))
        if spec.path is None:
            continue
        try:
            formats.check_path_text(spec.path)
            path = (Path(workspace) / spec.path).resolve()
            if not path.is_relative_to(Path(workspace).resolve()):
                raise formats.FormatRefused(("路径离开了工作区", "the path leaves the workspace"))
            if not path.is_file():
                raise formats.FormatRefused(("文件不存在", "the file does not exist"))
            formats.verify_file(path)
        except formats.FormatRefused as exc:
            problems.append(Problem("error", where, f"path '{spec.path}': {exc.text('en')}", column="path", value=spec.path))
    return problems
