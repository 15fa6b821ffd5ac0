"""Attacks on RiskMap, each shown to fail (issue 7).

Written as an attacker would: a template in a basemap URL, a GDAL virtual dataset
saved as GeoJSON or hidden in a zipped Shapefile, a GeoJSON ``crs`` that makes the
server fetch a URL, a zip bomb, Markdown and formulas in the data, values that crash
the pipeline.  The app's side (AppTest and the real browser) is in
``test_security_app.py``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import threading
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import hostile
import wsfactory as wf
from riskmap import assess, settings
from riskmap.cli import main
from riskmap.errors import InputError
from riskmap.io import formats
from riskmap.io import upload as uploads
from riskmap.io.workspace import load_workspace
from riskmap.mapview import build_map, map_html, standalone_html
from riskmap.sanitize import check_tile_url, csv_cell, csv_safe, markdown_text

VRT = ('<OGRVRTDataSource><OGRVRTLayer name="passwd"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>'
       "</OGRVRTLayer></OGRVRTDataSource>")


def run(argv, capsys) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


# --------------------------------------------------------------------------- templates

@pytest.mark.parametrize("url", [
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
    "http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png?style=light&v=2",
])
def test_tile_urls_offices_use_are_accepted(url):
    assert check_tile_url(url) is None


@pytest.mark.parametrize("url", [
    "https://t.example.org/{z}/{x}/{y}.png?{{7*7}}",
    "https://t.example.org/{z}/{x}/{y}.png{% for x in range(3) %}",
    "https://t.example.org/{z}/{x}/{y}.png?{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "https://t.example.org/{q}/{z}/{x}/{y}.png",
    "javascript:alert(1)//{z}/{x}/{y}",
    "file:///etc/{z}/{x}/{y}",
    "https://t.example.org/{z}/{x}.png",
    'https://t.example.org/{z}/{x}/{y}.png"><script>alert(1)</script>',
    "https://t.example.org/{z}/{x}/{y}.png\n",
])
def test_tile_urls_with_templates_or_scripts_are_refused(url, tmp_path, capsys):
    assert check_tile_url(url) is not None
    ws = wf.write_workspace(tmp_path / "ws")
    with pytest.raises(InputError):
        build_map(assess(ws), basemap=url)
    text = (ws / "riskmap.toml").read_text("utf-8").replace('standard = "default"',
                                                            f"standard = \"default\"\nbasemap = '''{url}'''")
    (ws / "riskmap.toml").write_text(text, "utf-8")
    code, output = run(["validate", str(ws)], capsys)
    assert code == 2 and "basemap" in output


def test_no_text_field_is_evaluated_as_a_template(tmp_path):
    ws = hostile.write_hostile_workspace(tmp_path / "ws")
    a = assess(ws)
    m = build_map(a, selected_county=a.counties["county_code"].iloc[0])
    for html in (map_html(m), standalone_html(m)):
        assert hostile.EVALUATED not in html
        assert "ZZZ" not in html  # the {% for %} block never ran
        assert "<script>alert(2)</script>" not in html and "<img src=x" not in html
        assert "{\\u007b7*7}}" in html  # the payload is there, as text
    code = main(["export", str(ws), "--format", "html", "--out", str(tmp_path / "map.html")])
    assert code == 0
    assert hostile.EVALUATED not in (tmp_path / "map.html").read_text("utf-8")


# --------------------------------------------------------------------------- files

def _replace_dataset(ws: Path, dataset: str, path: str) -> None:
    text = (ws / "riskmap.toml").read_text("utf-8")
    start = text.index(f"[datasets.{dataset}]")
    old = text[start:].split("\n")[1]
    (ws / "riskmap.toml").write_text(text.replace(old, f"path = {path!r}".replace("'", '"'), 1), "utf-8")


def test_vrt_saved_as_geojson_is_refused(tmp_path, capsys):
    ws = wf.write_workspace(tmp_path / "ws")
    (ws / "hazards.geojson").write_text(VRT, "utf-8")
    _replace_dataset(ws, "hazards", "hazards.geojson")
    code, output = run(["validate", str(ws)], capsys)
    assert code == 2 and "hazards.geojson" in output and "VRT" in output
    assert "root:" not in output and "/bin/" not in output


def test_vrt_as_the_shp_of_a_zipped_shapefile_is_refused(tmp_path, capsys):
    ws = wf.write_workspace(tmp_path / "ws")
    with zipfile.ZipFile(ws / "roads.zip", "w") as archive:
        archive.writestr("roads.shp", VRT)
        archive.writestr("roads.dbf", b"\x03")
    _replace_dataset(ws, "roads", "roads.zip")
    code, output = run(["validate", str(ws)], capsys)
    assert code == 2 and "roads.zip" in output and "root:" not in output


@pytest.mark.parametrize("path", ["/vsicurl/http://127.0.0.1:9/x.geojson", "/vsizip//etc/x.zip/a.shp",
                                  "vsimem/x.geojson", "PG:dbname=gis", "WFS:http://127.0.0.1:9/wfs",
                                  "http://127.0.0.1:9/x.geojson", "hazards.vrt"])
def test_gdal_sources_are_refused(tmp_path, capsys, path):
    ws = wf.write_workspace(tmp_path / "ws")
    _replace_dataset(ws, "hazards", path)
    code, output = run(["validate", str(ws)], capsys)
    assert code == 2 and "hazards" in output
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    assert any(p.column == "datasets.hazards.path" for p in info.value.problems)


class _Listener:
    """A local TCP listener that records whether anyone connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join()
        self.sock.close()


def test_geojson_crs_link_is_refused_without_a_request(tmp_path, capsys):
    listener = _Listener()
    try:
        ws = wf.write_workspace(tmp_path / "ws")
        text = (ws / "roads.geojson").read_text("utf-8")
        link = f'"crs": {{"type": "link", "properties": {{"href": "http://127.0.0.1:{listener.port}/crs", "type": "proj4"}}}}, '
        (ws / "roads.geojson").write_text(text.replace('"features"', link + '"features"', 1), "utf-8")
        code, output = run(["validate", str(ws)], capsys)
    finally:
        listener.close()
    assert code == 2 and "roads.geojson" in output and "crs" in output
    assert listener.connections == 0


def test_column_names_are_quoted_only_from_a_file_of_the_claimed_format(tmp_path, capsys):
    ws = wf.write_workspace(tmp_path / "ws")
    (ws / "counties.geojson").write_text(VRT.replace("/etc/passwd", "/etc/hostname"), "utf-8")
    code, output = run(["validate", str(ws)], capsys)
    assert code == 2 and Path("/etc/hostname").read_text().strip() not in output


@pytest.mark.parametrize("suffix, content", [(".gpkg", b"not sqlite"), (".parquet", b"PAR1 but not really"),
                                             (".xlsx", b"<xml/>"), (".fgb", VRT.encode())])
def test_files_must_start_with_their_format_signature(tmp_path, suffix, content):
    path = tmp_path / f"x{suffix}"
    path.write_bytes(content)
    with pytest.raises(formats.FormatRefused):
        formats.verify_file(path)


# --------------------------------------------------------------------------- uploads

def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_is_refused_and_leaves_nothing(tmp_path):
    bomb = _zip({"counties.geojson": b"\0" * 200_000_000})
    assert len(bomb) < 1_000_000
    with pytest.raises(InputError) as info:
        uploads.workspace_from_uploads([("ws.zip", bomb)], root=tmp_path)
    assert "ws.zip" in info.value.problems[0].file and "压缩比" in info.value.problems[0].message
    assert list(tmp_path.iterdir()) == []


def test_upload_past_the_unpacked_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "max_unpacked_bytes", 1_000_000)
    data = _zip({"a.csv": bytes(range(256)) * 2000, "b.csv": bytes(range(256)) * 2000}, level=0)
    with pytest.raises(InputError) as info:
        uploads.workspace_from_uploads([("ws.zip", data)], root=tmp_path)
    assert "MB" in info.value.problems[0].message
    with pytest.raises(InputError):  # plain files count towards the same limit
        uploads.workspace_from_uploads([("counties.geojson", b"{}" * 600_000)], root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_too_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "max_upload_members", 10)
    with pytest.raises(InputError) as info:
        uploads.workspace_from_uploads([("ws.zip", _zip({f"f{i}.txt": b"x" for i in range(11)}))], root=tmp_path)
    assert "11" in info.value.problems[0].message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("member", ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt"])
def test_zip_members_may_not_leave_the_folder(tmp_path, member):
    with pytest.raises(InputError):
        uploads.workspace_from_uploads([("ws.zip", _zip({member: b"x", "riskmap.toml": b""}))], root=tmp_path / "up")
    assert not (tmp_path / "evil.txt").exists() and list((tmp_path / "up").iterdir()) == []


def test_file_names_cannot_add_keys_to_the_generated_toml(tmp_path):
    name = 'counties"\n[workspace]\nbasemap = "x.geojson'
    with pytest.raises(InputError):  # a control character: not a plain name
        uploads.workspace_from_uploads([(name, b"{}")], root=tmp_path)
    name = 'counties" basemap = "x.geojson'
    folder = uploads.workspace_from_uploads([(name, b"{}")], root=tmp_path)
    config = tomllib.loads((folder / "riskmap.toml").read_text("utf-8"))
    assert config["datasets"]["counties"]["path"] == name and set(config) == {"workspace", "datasets"}


def test_upload_folders_are_removed_and_swept(tmp_path):
    folder = uploads.workspace_from_uploads([("counties.geojson", b"{}")], root=tmp_path)
    uploads.remove_upload(folder)
    assert not folder.exists()
    old = uploads.workspace_from_uploads([("counties.geojson", b"{}")], root=tmp_path)
    new = uploads.workspace_from_uploads([("counties.geojson", b"{}")], root=tmp_path)
    os.utime(old / uploads.MARKER, (0, 0))
    (tmp_path / "not-ours").mkdir()
    assert uploads.sweep_uploads(root=tmp_path) == 1
    assert not old.exists() and new.exists() and (tmp_path / "not-ours").exists()


# --------------------------------------------------------------------------- text

def test_markdown_text_escapes_every_directive():
    text = markdown_text(hostile.MARKDOWN + hostile.BACKTICK + "\n# heading")
    assert "\n" not in text
    # Every character Markdown (or Streamlit's :red[] and $math$, or an autolink) could
    # read is a character reference.
    assert re.search(r"[!\[\]()`*$:_<>.@/]", text) is None
    assert hostile.shown(text) == hostile.MARKDOWN + hostile.BACKTICK + " # heading"


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+SUM(1)", "'+SUM(1)"), ("-A1", "'-A1"), ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("-5", "-5"), ("+1.5e3", "+1.5e3"), ("140212", "140212"), ("甲县", "甲县"), (3, 3),
])
def test_csv_cells_are_neutralised(value, expected):
    assert csv_cell(value) == expected


def test_csv_outputs_never_hold_a_formula(tmp_path):
    ws = hostile.write_hostile_workspace(tmp_path / "ws")
    assert main(["assess", str(ws), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    with open(tmp_path / "out" / "unassigned.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'" + hostile.FORMULAS[0] in cells
    assert not any(cell.startswith(("=", "+", "@", "\t")) for cell in cells)
    frame = csv_safe(pd.DataFrame({"name": list(hostile.FORMULAS), "n": range(6)}))
    assert all(v.startswith("'") for v in frame["name"]) and list(frame["n"]) == list(range(6))


def test_register_holds_no_formula(tmp_path):
    ws = hostile.write_hostile_workspace(tmp_path / "ws")
    assert main(["export", str(ws), "--format", "xlsx", "--out", str(tmp_path / "r.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    types = {cell.data_type for sheet in book for row in sheet.iter_rows() for cell in row}
    assert "f" not in types
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    assert hostile.FORMULAS[0] in values  # shown as the text it is


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg", "html", "xlsx", "docx"])
def test_every_export_takes_hostile_and_long_text(tmp_path, fmt, capsys):
    ws = hostile.write_hostile_workspace(tmp_path / "ws", long_text=True)
    code, _ = run(["export", str(ws), "--format", fmt, "--out", str(tmp_path / f"out.{fmt}")], capsys)
    assert code == 0 and (tmp_path / f"out.{fmt}").stat().st_size > 1000
    if fmt == "svg":
        svg = (tmp_path / "out.svg").read_text("utf-8")
        assert "$x^2$" in svg  # drawn as typed, not as mathtext
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(tmp_path / "out.docx").paragraphs)
        assert hostile.TEMPLATE in text and hostile.EVALUATED not in text
