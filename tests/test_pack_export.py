"""The consultation pack and the county atlas as files a reader opens (issue 12): DOCX, PDF, CLI, schedule."""

from __future__ import annotations

import re
import shutil
import subprocess

import docx
import pytest

from riskmap.atomic import replacing
from riskmap.cli import main
from riskmap.consultation import build_consultation
from riskmap.export import fonts
from riskmap.export.reports import export_report
from riskmap.filters import Filters
from riskmap.history import build_history
from wsfactory import write_workspace

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
SECTIONS_ZH = ["一、本期概况", "二、预警", "三、风险变化", "四、下期预测", "五、隐患闭环", "六、事故趋势", "七、图件", "八、会商建议"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return write_workspace(tmp_path_factory.mktemp("pack") / "ws")


@pytest.fixture(scope="module")
def history(workspace):
    return build_history(workspace, periods=4)


@pytest.fixture(scope="module")
def pack_docx(history, tmp_path_factory):
    return export_report(history, "consultation", "docx", tmp_path_factory.mktemp("docx") / "pack.docx")


@pytest.fixture(scope="module")
def pack_pdf(history, tmp_path_factory):
    return export_report(history, "consultation", "pdf", tmp_path_factory.mktemp("pdf") / "pack.pdf")


def pdf_text(path) -> str:
    """The PDF's text as pdftotext reads it, without the spaces it puts (or drops) between CJK characters."""
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"[ \t]+", "", out)


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def pdf_fonts(path) -> list[list[str]]:
    """pdffonts' rows (name, type..., emb, sub, uni, object, ID); poppler must find nothing wrong with them."""
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert "Mismatch" not in done.stderr, done.stderr[:300]
    return [line.split() for line in done.stdout.splitlines()[2:] if line.strip()]


# --- DOCX ---------------------------------------------------------------------------------------------

def test_the_docx_has_every_section_heading_its_tables_and_its_figures(pack_docx, history):
    document = docx.Document(str(pack_docx))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.split("（")[0] for h in headings] == SECTIONS_ZH
    assert document.paragraphs[0].text.startswith("测试市安全风险研判会商材料（2026-10）")
    model = build_consultation(history)
    assert len(document.tables) == sum(len(s.tables()) for s in model.sections) >= 6
    overview = document.tables[0]
    assert [c.text for c in overview.rows[0].cells] == ["对象", "风险等级", "本期", "上期", "变化"]
    assert len(overview.rows) == 13
    assert len(document.inline_shapes) == 3  # the four-colour map, the change map, the accident trend
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("图")]
    assert any("风险等级变化图" in c for c in captions) and any("安全风险四色图" in c for c in captions)
    assert "数据来源" in document.sections[0].footer.paragraphs[0].text


# --- PDF ----------------------------------------------------------------------------------------------

@needs_poppler
def test_the_pdf_is_searchable_numbered_and_holds_the_change_map(pack_pdf):
    text = pdf_text(pack_pdf)
    pages = pdf_pages(pack_pdf)
    assert pages >= 4
    for heading in SECTIONS_ZH:
        assert heading in text
    assert f"第1页/共{pages}页" in text and f"第{pages}页/共{pages}页" in text
    assert "风险等级变化图" in text and "较上期等级变化" in text and "不变" in text  # the change map and its legend
    assert "整改率" in text and "按期整改率" in text


@needs_poppler
def test_the_pdf_embeds_truetype_fonts_never_type3(pack_pdf, history, tmp_path):
    atlas = export_report(history, "atlas", "pdf", tmp_path / "atlas.pdf")
    for path in (pack_pdf, atlas):
        rows = pdf_fonts(path)
        assert rows and all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # embedded, subset, ToUnicode
        assert any("CJK" in row[0] or "Hei" in row[0] for row in rows) == ("CJK" in fonts.cjk_font().family or
                                                                         "Hei" in fonts.cjk_font().family)
        assert all("TrueType" in " ".join(row) for row in rows), rows  # Type 42 (CID TrueType), no Type 3


@needs_poppler
def test_the_english_pack_is_english(history, tmp_path):
    path = export_report(history, "consultation", "pdf", tmp_path / "en.pdf", lang="en")
    text = pdf_text(path)
    assert "1.Overview" in text and "8.Proposedactions" in text and "page1of" in text
    for word in ("本期", "预警", "整改率", "风险等级", "重大风险", "会商", "第1页", "数据来源", "图1"):
        assert word not in text  # the data's own names stay as written; no word of ours in Chinese


# --- the atlas -----------------------------------------------------------------------------------------

@needs_poppler
def test_the_atlas_has_one_page_per_county_with_header_footer_scale_and_north(history, tmp_path):
    path = export_report(history, "atlas", "pdf", tmp_path / "atlas.pdf")
    assert pdf_pages(path) == 3
    pages = pdf_text(path).split("\f")
    for number, (page, county) in enumerate(zip(pages, ["甲县", "乙县", "丙县"]), start=1):
        assert f"{county}安全风险" in page and "测试市区县安全风险图册" in page
        assert f"第{number}页/共3页" in page and "评估日期2026-10-31" in page
        assert "北" in page and "km" in page and "风险值" in page and "企业得分" in page
    one = export_report(history, "atlas", "pdf", tmp_path / "one.pdf", filters=Filters(counties=("140002",)))
    assert pdf_pages(one) == 1 and "乙县安全风险" in pdf_text(one)


def test_a_sector_atlas_says_so_and_grades_the_sector(history, tmp_path):
    from riskmap.view import View

    sectors = Filters(sectors=("hazardous_chemicals",), counties=("140002",))
    page = pdf_text(export_report(history, "atlas", "pdf", tmp_path / "chem.pdf", filters=sectors))
    assert "危险化学品" in page and "按所选行业重新评估" in page.replace("\n", "")
    score = View(history.assessment, sectors).counties.set_index("county_code").loc["140002", "score"]
    assert f"风险值 {score:.1f}" in page or f"风险值{score:.1f}" in page


# --- the command line and the schedule -------------------------------------------------------------------

def test_a_scheduled_run_names_the_file_by_period_and_can_run_again(workspace, tmp_path, capsys):
    out = tmp_path / "packs"
    out.mkdir()
    args = ["export", str(workspace), "--report", "consultation", "--format", "docx", "--out", f"{out}/", "--quiet",
            "--periods", "3"]
    assert main(args) == 0
    first = out / "研判会商_2026-10.docx"
    assert first.is_file() and capsys.readouterr().out.strip() == str(first)
    assert main(args) == 0  # idempotent: the same file, replaced whole, nothing beside it
    assert sorted(p.name for p in out.iterdir()) == ["研判会商_2026-10.docx"]
    assert main(["export", str(workspace), "--report", "consultation", "--format", "docx", "--out", f"{out}/", "--quiet",
                 "--periods", "3", "--as-of", "2026-09-30"]) == 0
    assert (out / "研判会商_2026-09.docx").is_file()


def test_broken_input_exits_2_and_leaves_no_half_written_file(workspace, tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(workspace, broken)
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"the previous month's pack")
    (broken / "hazards.csv").write_text("隐患编号,隐患等级,整改状态,排查日期\nH1,特大,未整改,2026-13-45\n", encoding="utf-8")
    assert main(["export", str(broken), "--report", "consultation", "--format", "pdf", "--out", str(target), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "hazards.csv" in err and "特大" in err
    assert target.read_bytes() == b"the previous month's pack"
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]
    assert main(["export", str(workspace), "--report", "atlas", "--format", "docx", "--out", str(tmp_path / "a.docx")]) == 2
    assert "pdf" in capsys.readouterr().err and not (tmp_path / "a.docx").exists()
    assert main(["export", str(workspace), "--report", "atlas", "--format", "pdf", "--county", "丁县",
                 "--out", str(tmp_path / "a.pdf"), "--quiet"]) == 2
    assert "丁县" in capsys.readouterr().err and not (tmp_path / "a.pdf").exists()


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path):
    target = tmp_path / "summary.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["summary.json"]
    with replacing(target) as tmp:
        tmp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new" and oct(target.stat().st_mode & 0o777) != "0o600"


def test_a_run_stopped_by_sigterm_leaves_no_temporary_file(workspace, tmp_path):
    import os
    import signal
    import sys
    import time

    out = tmp_path / "packs"
    child = subprocess.Popen([sys.executable, "-m", "riskmap.cli", "export", str(workspace), "--report", "consultation",
                              "--format", "pdf", "--out", f"{out}/", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob(".*.part*")):
        # the PDF pack is written page by page into its .part file for seconds: it is caught in the act
        assert child.poll() is None, "the pack was written before its temporary file was seen"
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGTERM)
    assert child.wait(timeout=60) == 128 + signal.SIGTERM
    assert not list(out.glob(".*.part*")) and not list(out.glob("*.pdf"))


def test_a_temporary_file_a_day_old_is_swept(tmp_path):
    import os
    import time

    stale, fresh = tmp_path / ".pack.pdf.abc.part", tmp_path / ".pack.pdf.def.part"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    with replacing(tmp_path / "pack.pdf") as tmp:
        tmp.write_bytes(b"pdf")
    assert not stale.exists() and fresh.exists() and (tmp_path / "pack.pdf").read_bytes() == b"pdf"
