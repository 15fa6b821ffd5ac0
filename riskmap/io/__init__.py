"""Reading the world: ``riskmap.toml``, data files, values, workspaces and uploads.

As geopandas' ``io`` package does, one module per step:

* :mod:`~riskmap.io.config`: ``riskmap.toml`` (the ``[workspace]`` table, dataset paths);
* :mod:`~riskmap.io.readers`: file formats, encodings and sheets;
* :mod:`~riskmap.io.values`: text cells to numbers, dates, ids and choices, with problems;
* :mod:`~riskmap.io.geometry`: points from lon/lat, any CRS to WGS-84, geometry checks;
* :mod:`~riskmap.io.workspace`: :func:`load_workspace`, the five datasets and the extra ones;
* :mod:`~riskmap.io.upload`: files uploaded in the app, written as a workspace folder.
"""

from riskmap.io.workspace import Workspace, load_workspace

__all__ = ["Workspace", "load_workspace"]
