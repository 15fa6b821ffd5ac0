"""Reading the world: ``riskmap.toml``, data files, values, workspaces and uploads.

As geopandas' ``io`` package does, one module per step:

* :mod:`~riskmap.io.formats`: what a file claims to be, checked before any reader sees it;
* :mod:`~riskmap.io.config`: ``riskmap.toml`` (the ``[workspace]`` table, dataset paths);
* :mod:`~riskmap.io.readers`: file formats, encodings and sheets;
* :mod:`~riskmap.io.dates`: dates as offices write them, parsed and range-checked;
* :mod:`~riskmap.io.values`: text cells to numbers, dates, ids and choices, with problems;
* :mod:`~riskmap.io.geometry`: points from lon/lat, any CRS to WGS-84, geometry checks;
* :mod:`~riskmap.io.workspace`: :func:`~riskmap.io.workspace.load_workspace`, the five
  datasets and the extra ones;
* :mod:`~riskmap.io.upload`: files uploaded in the app, written as a bounded workspace folder.

The package imports nothing itself, so that a module can use one step (the format
checks) without loading the others.
"""
