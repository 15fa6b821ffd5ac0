"""Text, tables and figures set down A4 pages with matplotlib: the PDF pack's typesetter.

:class:`Flow` keeps a cursor down the current page and starts a new page when a block
does not fit: headings (never left alone at a page foot), wrapped paragraphs, tables
whose rows wrap and whose header repeats on every page they run onto, and boxes a
drawing fills (charts).  Every page gets the running header and, when the document is
finished (:meth:`Flow.pages`), the footer with "page x of y".  Everything stays vector
text in the document's CJK font (:mod:`riskmap.export.fonts`), so the PDF is searchable.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from riskmap.document import Table
from riskmap.export.register import GRADE_TEXT
from riskmap.i18n import t

A4_PORTRAIT_MM = (210.0, 297.0)
MARGIN_MM = (16.0, 20.0, 16.0, 18.0)  # left, top, right, bottom
PT_TO_MM = 25.4 / 72

try:  # matplotlib >= 3.10 names the FreeType flags in an enum
    from matplotlib.ft2font import LoadFlags

    _NO_HINTING = LoadFlags.NO_HINTING
except ImportError:  # pragma: no cover
    from matplotlib.ft2font import LOAD_NO_HINTING as _NO_HINTING


NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉…%,.;:?!)]}")
"""Marks that may not begin a line (GB/T 15834's 避头点): they stay with what they follow."""
NO_LINE_END = frozenset("（《「『【〔〈([{")
"""Marks that may not end a line (避尾点): they go with what they open."""


def break_tokens(text: str) -> list[str]:
    """Break points of mixed Chinese and Latin text: after any CJK character, at spaces, never inside a word,
    never before a closing mark (，。）) nor after an opening one (（《)."""
    pieces, word = [], ""
    for ch in text:
        if ch == " " or ord(ch) > 0x2E80:
            if word:
                pieces.append(word)
                word = ""
            pieces.append(ch)
        else:
            word += ch
    if word:
        pieces.append(word)
    tokens: list[str] = []
    for piece in pieces:
        opened = tokens[-1].rstrip(" ")[-1:] if tokens else ""
        if tokens and piece != " " and piece[0] in NO_LINE_START:
            spaces = ""
            while len(tokens) > 1 and tokens[-1] == " ":  # "1 、": the mark goes with the 1, spaces and all
                spaces += tokens.pop()
            tokens[-1] += spaces + piece
        elif opened and opened in NO_LINE_END:
            tokens[-1] += piece
        else:
            tokens.append(piece)
    return tokens


class Measure:
    """Text widths in millimetres from the font's glyph advances (each character looked up once).

    Laying out whole strings with FreeType costs about 2 ms a call with a CJK
    collection; a character's advance is the same everywhere, so a width is a sum.
    """

    def __init__(self):
        from matplotlib.backends.backend_agg import RendererAgg

        self.renderer = RendererAgg(10, 10, 72)
        self._fonts: dict[str, object] = {}
        self._advance: dict[tuple[str, str], float] = {}

    def _char(self, ch: str, weight: str) -> float:
        """The advance of ``ch`` at 1 pt, in points."""
        key = (ch, weight)
        advance = self._advance.get(key)
        if advance is None:
            if weight not in self._fonts:
                self._fonts[weight] = self.renderer._prepare_font(FontProperties(size=100, weight=weight))
            glyph = self._fonts[weight].load_char(ord(ch), flags=_NO_HINTING)
            advance = self._advance[key] = glyph.linearHoriAdvance / 65536 / 100
        return advance

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        # 5 % over the font's own advances: matplotlib lays text out with advances hinted to whole pixels
        # of a 72 dpi page, up to 4 % wider at 6-8 pt.
        return sum(self._char(ch, weight) for ch in text) * size * PT_TO_MM * 1.05

    def wrap(self, text: str, width_mm: float, size: float, weight: str = "normal", *, first_mm: float = 0.0) -> list[str]:
        """Greedy line breaking of ``text`` (its own line breaks kept) into lines of at most ``width_mm``
        (the very first ``first_mm`` narrower: an indent)."""
        lines: list[str] = []
        for paragraph in str(text).split("\n"):
            line, used = "", 0.0
            for token in break_tokens(paragraph):
                step = self.width(token, size, weight)
                limit = width_mm - (first_mm if not lines else 0.0)
                if line and used + step > limit:
                    lines.append(line.rstrip())
                    line = token.lstrip()
                    used = self.width(line, size, weight)
                else:
                    line, used = line + token, used + step
            lines.append(line.rstrip())
        return lines or [""]


class Flow:
    """Pages of A4 portrait filled from the top.

    Parameters
    ----------
    header
        The running header (the document's title).
    footer
        The left part of every footer (source, as of); "page x of y" is added.
    lang
        ``zh`` or ``en``.
    colours
        Grade colours for shaded cells.
    """

    def __init__(self, *, header: str, footer: str, lang: str, colours: dict[str, str]):
        self.header, self.footer, self.lang, self.colours = header, footer, lang, colours
        self.measure = Measure()
        self.w_mm, self.h_mm = A4_PORTRAIT_MM
        self.left, self.top, self.right, self.bottom = MARGIN_MM
        self._pages: list[tuple[Figure, bool]] = []
        self.fig: Figure | None = None
        self.y = 0.0

    # --- page geometry ---------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.w_mm - self.left - self.right

    def fx(self, mm: float) -> float:
        return mm / self.w_mm

    def fy(self, mm: float) -> float:
        return 1 - mm / self.h_mm

    def room(self) -> float:
        return self.h_mm - self.bottom - self.y

    def new_page(self) -> Figure:
        """Start a page with the running header."""
        self.fig = Figure(figsize=(self.w_mm / 25.4, self.h_mm / 25.4), dpi=72, facecolor="white")
        self._pages.append((self.fig, True))
        self.fig.text(self.fx(self.left), self.fy(11), self.header, fontsize=8, color="#555555", ha="left", va="bottom")
        self._rule(13.0, "#BBBBBB")
        self.y = self.top
        return self.fig

    def add_page(self, figure: Figure) -> None:
        """A page drawn elsewhere (a map): kept as it is, numbered with the others."""
        self._pages.append((figure, False))
        self.fig = None

    def _need(self, mm: float) -> None:
        if self.fig is None or self.room() < mm:
            self.new_page()

    def _rule(self, y_mm: float, colour: str, width: float = 0.5) -> None:
        self.fig.add_artist(Line2D([self.fx(self.left), self.fx(self.w_mm - self.right)], [self.fy(y_mm)] * 2,
                                   transform=self.fig.transFigure, color=colour, linewidth=width))

    def _text(self, x_mm: float, y_mm: float, text: str, size: float, **kwargs) -> None:
        self.fig.text(self.fx(x_mm), self.fy(y_mm), text, fontsize=size, va="top", **kwargs)

    # --- blocks ----------------------------------------------------------------------------
    def title(self, title: str, subtitle: str, *, demo: str = "") -> None:
        """The document's title block on the first page."""
        self._need(40)
        for line in self.measure.wrap(title, self.width, 18, "bold"):
            self._text(self.w_mm / 2, self.y, line, 18, fontweight="bold", ha="center")
            self.y += 18 * PT_TO_MM * 1.35
        self.y += 2
        for line in self.measure.wrap(subtitle, self.width, 10):
            self._text(self.w_mm / 2, self.y, line, 10, ha="center", color="#333333")
            self.y += 10 * PT_TO_MM * 1.4
        if demo:
            self._text(self.w_mm / 2, self.y + 1, demo, 11, ha="center", color="#B00010", fontweight="bold")
            self.y += 8
        self.y += 4

    def heading(self, text: str, *, size: float = 14) -> None:
        """A heading, kept with at least 30 mm of what follows."""
        self._need(30)
        self.y += 3
        self._text(self.left, self.y, text, size, fontweight="bold", ha="left")
        self.y += size * PT_TO_MM * 1.5

    def paragraph(self, text: str, *, size: float = 10.5, indent: bool = True) -> None:
        """Wrapped text; a Chinese paragraph is indented by two characters."""
        first = 2 * size * PT_TO_MM if indent and self.lang == "zh" else 0.0
        line_h = size * PT_TO_MM * 1.55
        for i, line in enumerate(self.measure.wrap(text, self.width, size, first_mm=first)):
            self._need(line_h)
            self._text(self.left + (first if i == 0 else 0), self.y, line, size, ha="left")
            self.y += line_h
        self.y += 1.5

    def box(self, height_mm: float, draw: Callable[[Figure, tuple[float, float, float, float]], None]) -> None:
        """A box the full text width, ``height_mm`` tall, that ``draw(figure, rect)`` fills (rect in figure fractions)."""
        self._need(height_mm + 2)
        rect = (self.fx(self.left), self.fy(self.y + height_mm), self.width / self.w_mm, height_mm / self.h_mm)
        draw(self.fig, rect)
        self.y += height_mm + 2

    def table(self, table: Table, *, size: float = 8.0, max_lines: int | None = None, cut: bool = False) -> None:
        """A table: cells wrapped in their columns, the header repeated on each page, grade cells shaded.

        ``max_lines``: a cell shows at most that many lines (the last ends in …); ``cut``: rows that do not
        fit on the page are left out and counted in the note, instead of running onto a new page.
        """
        weights = table.widths or tuple(1.0 for _ in table.headers)
        widths = [self.width * w / sum(weights) for w in weights]
        pad, line_h = 1.2, size * PT_TO_MM * 1.35

        def wrapped(cells: list[str], weight: str) -> list[list[str]]:
            out = [self.measure.wrap(str(c), w - 2 * pad, size, weight) for c, w in zip(cells, widths)]
            if max_lines is not None:
                out = [lines if len(lines) <= max_lines else [*lines[:max_lines - 1], lines[max_lines - 1][:-1] + "…"]
                       for lines in out]
            return out

        head = wrapped(table.headers, "bold")
        head_h = max(len(c) for c in head) * line_h + 2 * pad
        self._need(head_h + line_h + 2 * pad)
        self._row(head, widths, head_h, pad, line_h, size, fill="#D9E1F2", weight="bold")
        note = table.note
        for r, cells in enumerate(table.rows):
            body = wrapped(cells, "normal")
            height = max(len(c) for c in body) * line_h + 2 * pad
            if cut and self.room() < height + 6:
                note = t("pack_more", self.lang, n=(table.total or len(table.rows)) - r).strip()
                break
            if self.room() < height:
                self.new_page()
                self._row(head, widths, head_h, pad, line_h, size, fill="#D9E1F2", weight="bold")
            grade = table.grades[r] if table.grades is not None and table.grade_col is not None else None
            self._row(body, widths, height, pad, line_h, size, numeric=table.numeric, grade_col=table.grade_col,
                      grade=grade)
        self.y += 1.5
        if note:
            self.paragraph(note, size=7.5, indent=False)
        self.y += 1.5

    def _row(self, cells: list[list[str]], widths: list[float], height: float, pad: float, line_h: float, size: float,
             *, fill: str | None = None, weight: str = "normal", numeric: tuple[int, ...] = (), grade_col: int | None = None,
             grade: str | None = None) -> None:
        x = self.left
        for c, (lines, w) in enumerate(zip(cells, widths)):
            face, colour, bold = fill or "white", "#111111", weight
            if c == grade_col and grade in self.colours:
                face, colour, bold = self.colours[grade], GRADE_TEXT.get(grade, "#111111"), "bold"
            self.fig.add_artist(Rectangle((self.fx(x), self.fy(self.y + height)), w / self.w_mm, height / self.h_mm,
                                          transform=self.fig.transFigure, facecolor=face, edgecolor="#8A8A8A",
                                          linewidth=0.4))
            right = c in numeric
            if any(lines):  # one text a cell (its lines joined): half the texts to write on a long table
                self._text(x + (w - pad if right else pad), self.y + pad, "\n".join(lines), size,
                           ha="right" if right else "left", color=colour, fontweight=bold,
                           linespacing=line_h / (size * PT_TO_MM), multialignment="right" if right else "left")
            x += w
        self.y += height

    # --- the end ---------------------------------------------------------------------------
    def stamp(self, fig: Figure, number: int, total: int, *, ours: bool = True) -> None:
        """Put the footer on a page: the source and date, and "page ``number`` of ``total``"."""
        words = t("pack_page", self.lang, x=number, y=total)
        if not ours:
            fig.text(0.5, 0.006, words, fontsize=7, color="#444444", ha="center", va="bottom")
            return
        self.fig = fig
        self._rule(self.h_mm - 12.5, "#BBBBBB")
        room = self.width - self.measure.width(words, 7) - 6
        lines = self.measure.wrap(self.footer, room, 6.5)
        text = "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
        fig.text(self.fx(self.left), self.fy(self.h_mm - 11), text, fontsize=6.5, color="#444444", ha="left", va="top",
                 linespacing=1.3)
        fig.text(self.fx(self.w_mm - self.right), self.fy(self.h_mm - 11), words, fontsize=7, color="#444444",
                 ha="right", va="top")

    def pages(self) -> list[Figure]:
        """Every page, each with its footer: the source and date, and "page x of y"."""
        total = len(self._pages)
        for number, (fig, ours) in enumerate(self._pages, start=1):
            self.stamp(fig, number, total, ours=ours)
        return [fig for fig, _ in self._pages]

    def release(self) -> None:
        """Forget the pages made so far (a page written out at once: the atlas)."""
        self._pages.clear()
