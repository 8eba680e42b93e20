"""GB/T 9704-2012 page frame, paragraph styles, tables and document builders.

Page frame (A4 portrait): top margin 37 mm, binding (left) margin 28 mm, text block
156 x 225 mm as one Frame with zero padding; 22 lines of 28 characters.

Body size: 3号 is 16 pt, but 28 characters of 16 pt are 448 pt wide and the text block is
442.2 pt; reportlab's Paragraph has no character spacing, so the body is set at
BODY_PT = 156 mm / 28 = 15.79 pt (within 0.3 pt of 3号), which gives exactly 28 per line.
Leading 28.99 pt gives 22 lines in 225 mm.

Page numbers: "— N —" in 4号 宋体, the dash line's top 7 mm below the text block, odd
pages right-aligned and even pages left-aligned, one character in from the block's edge.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, LongTable, NextPageTemplate,
                                PageBreak, PageTemplate, Paragraph, Spacer, TableStyle)
from reportlab.platypus.tableofcontents import TableOfContents

from . import fonts
from .fonts import FACE_OF_FONT, FANG, HEI, KAI, PRIMARY, SONG, XBS, markup

# ---- 号 -> pt -------------------------------------------------------------------------
HAO_1 = 26.0      # 一号
HAO_S1 = 24.0     # 小一
HAO_2 = 22.0      # 二号
HAO_S2 = 18.0     # 小二
HAO_3 = 16.0      # 三号
HAO_S3 = 15.0     # 小三
HAO_4 = 14.0      # 四号
HAO_S4 = 12.0     # 小四
HAO_5 = 10.5      # 五号
HAO_S5 = 9.0      # 小五
ZIHAO = {"一号": HAO_1, "小一": HAO_S1, "二号": HAO_2, "小二": HAO_S2, "三号": HAO_3,
         "小三": HAO_S3, "四号": HAO_4, "小四": HAO_S4, "五号": HAO_5, "小五": HAO_S5}

# ---- GB/T 9704 page frame -------------------------------------------------------------
PAGE_W, PAGE_H = A4
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
BLOCK_W = 156 * mm
BLOCK_H = 225 * mm
BLOCK_BOTTOM = PAGE_H - MARGIN_TOP - BLOCK_H  # 35 mm
LINES = 22
CHARS = 28
LEADING = 28.99
BODY_PT = round(BLOCK_W / CHARS, 2)  # 15.79, see module docstring
TITLE_PT = HAO_2
PAGE_NUMBER_PT = HAO_4
PAGE_NUMBER_GAP = 7 * mm

RED = colors.Color(0.9, 0, 0)

# landscape variants (seating charts, wide tables): same fonts, symmetric margins
A4_LANDSCAPE = landscape(A4)
A3_LANDSCAPE = landscape(A3)
LANDSCAPE_MARGINS = dict(top=20 * mm, bottom=25 * mm, left=20 * mm, right=20 * mm)


@dataclass(frozen=True)
class PageFrame:
    name: str
    pagesize: tuple[float, float]
    left: float
    bottom: float
    width: float
    height: float
    numbered: bool = True

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def top(self) -> float:
        return self.bottom + self.height


def _landscape(name, pagesize) -> PageFrame:
    w, h = pagesize
    m = LANDSCAPE_MARGINS
    return PageFrame(name, pagesize, m["left"], m["bottom"], w - m["left"] - m["right"],
                     h - m["top"] - m["bottom"])


PORTRAIT = PageFrame("portrait", A4, MARGIN_LEFT, BLOCK_BOTTOM, BLOCK_W, BLOCK_H)
COVER = PageFrame("cover", A4, MARGIN_LEFT, BLOCK_BOTTOM, BLOCK_W, BLOCK_H, numbered=False)
LANDSCAPE = _landscape("landscape", A4_LANDSCAPE)
A3LANDSCAPE = _landscape("a3landscape", A3_LANDSCAPE)
FRAMES = {f.name: f for f in (PORTRAIT, COVER, LANDSCAPE, A3LANDSCAPE)}


# ---- styles ---------------------------------------------------------------------------
def _style(name, face, size, leading=LEADING, **kw) -> ParagraphStyle:
    kw.setdefault("wordWrap", "CJK")
    return ParagraphStyle(name, fontName=PRIMARY[face], fontSize=size, leading=leading, **kw)


STYLES = {
    "title": _style("title", XBS, TITLE_PT, leading=36, alignment=TA_CENTER, spaceAfter=LEADING),
    "subtitle": _style("subtitle", KAI, BODY_PT, alignment=TA_CENTER, spaceAfter=LEADING / 2),
    "body": _style("body", FANG, BODY_PT, firstLineIndent=2 * BODY_PT, alignment=TA_JUSTIFY),
    "body_noindent": _style("body_noindent", FANG, BODY_PT, alignment=TA_JUSTIFY),
    "h1": _style("h1", HEI, BODY_PT, firstLineIndent=2 * BODY_PT, keepWithNext=1),
    "h2": _style("h2", KAI, BODY_PT, firstLineIndent=2 * BODY_PT, keepWithNext=1),
    "h3": _style("h3", FANG, BODY_PT, firstLineIndent=2 * BODY_PT, keepWithNext=1),
    "h4": _style("h4", FANG, BODY_PT, firstLineIndent=2 * BODY_PT),
    "right": _style("right", FANG, BODY_PT, alignment=TA_RIGHT),
    "center": _style("center", FANG, BODY_PT, alignment=TA_CENTER),
    "cell": _style("cell", FANG, HAO_S4, leading=HAO_S4 * 1.35),
    "cell_center": _style("cell_center", FANG, HAO_S4, leading=HAO_S4 * 1.35, alignment=TA_CENTER),
    "cell_head": _style("cell_head", HEI, HAO_S4, leading=HAO_S4 * 1.35, alignment=TA_CENTER),
    "small": _style("small", FANG, HAO_5, leading=HAO_5 * 1.4),
    "cover_title": _style("cover_title", XBS, HAO_1, leading=HAO_1 * 1.6, alignment=TA_CENTER),
    "cover_sub": _style("cover_sub", SONG, HAO_S2, leading=HAO_S2 * 1.8, alignment=TA_CENTER),
    "toc_head": _style("toc_head", HEI, HAO_2, leading=36, alignment=TA_CENTER, spaceAfter=LEADING),
}


def P(text, style: str | ParagraphStyle = "body", **attrs) -> Paragraph:
    """A Paragraph whose text is checked and wrapped with fallback fonts."""
    st = STYLES[style] if isinstance(style, str) else style
    face = FACE_OF_FONT[st.fontName]
    para = Paragraph(markup(text, face), st)
    for k, v in attrs.items():
        setattr(para, k, v)
    return para


def heading(text, level: int = 1, toc: bool = False) -> Paragraph:
    """Level 1 一、 黑体; 2 （一） 楷体; 3 1. and 4 （1） 仿宋. With toc=True the heading
    becomes a table-of-contents entry (level-1 headings at TOC level 0)."""
    para = P(text, f"h{level}")
    if toc:
        para.toc_level = level - 1
        para.toc_text = markup(text, FANG)
    return para


def title(text, toc: bool = False, toc_text: str | None = None) -> Paragraph:
    para = P(text, "title")
    if toc:
        para.toc_level = 0
        para.toc_text = markup(toc_text or text, FANG)
    return para


# ---- flowables ------------------------------------------------------------------------
class RedHeader(Flowable):
    """发文机关标志: the issuing committee's name in red 小标宋, centred, and a red line
    as wide as the text block 4 mm below it."""

    def __init__(self, name: str, size: float = 30, suffix: str = "文件"):
        super().__init__()
        self.name = name
        self.suffix = suffix
        self.size = size
        fonts.check(name + suffix, XBS)

    def wrap(self, aw, ah):
        self.width = aw
        return aw, self.size * 1.2 + 4 * mm + 2 + LEADING

    def draw(self):
        c = self.canv
        text = self.name + self.suffix
        c.saveState()
        c.setFillColor(RED)
        c.setStrokeColor(RED)
        line_y = LEADING
        base = line_y + 4 * mm + self.size * 0.12
        fonts.draw_string(c, self.width / 2, base, text, XBS, self.size, anchor="center",
                          max_width=self.width)
        c.setLineWidth(1.2)
        c.line(0, line_y, self.width, line_y)
        c.restoreState()


def table(header: Sequence | None, rows: Iterable[Sequence], col_widths: Sequence[float],
          *, align: Sequence[str] | None = None, extra_style: list | None = None,
          cell_style: str = "cell", head_style: str = "cell_head") -> LongTable:
    """A grid table whose header row repeats on every page. Cells may be strings
    (checked and typeset with fallback fonts), numbers, None or flowables."""
    align = list(align) if align else ["left"] * len(col_widths)

    def cell(v, i, head=False):
        if isinstance(v, Flowable):
            return v
        if head:
            return P(v, head_style)
        st = "cell_center" if align[i] == "center" else cell_style
        s = STYLES[st]
        if align[i] == "right":
            s = ParagraphStyle(s.name + "_r", parent=s, alignment=TA_RIGHT)
        return P("" if v is None else v, s)

    data = []
    if header is not None:
        data.append([cell(v, i, True) for i, v in enumerate(header)])
    for r in rows:
        data.append([cell(v, i) for i, v in enumerate(r)])
    if not data:
        data = [[""] * len(col_widths)]
    t = LongTable(data, colWidths=list(col_widths), repeatRows=1 if header is not None else 0)
    st = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), PRIMARY[FANG]),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header is not None:
        st.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)))
    st += extra_style or []
    t.setStyle(TableStyle(st))
    return t


# ---- documents ------------------------------------------------------------------------
def draw_page_number(canv, frame: PageFrame, page: int) -> None:
    text = f"— {page} —"
    size = PAGE_NUMBER_PT
    # the top of the em box of the dashes sits 7 mm below the text block
    y = frame.bottom - PAGE_NUMBER_GAP - size * 0.88
    if page % 2:
        fonts.draw_string(canv, frame.right - size, y, text, SONG, size, anchor="right")
    else:
        fonts.draw_string(canv, frame.left + size, y, text, SONG, size, anchor="left")


class GBDocTemplate(BaseDocTemplate):
    """A document with GB/T 9704 portrait pages and landscape/A3 variants.

    Flowables carrying ``toc_level``/``toc_text`` attributes become TOC entries."""

    def __init__(self, buf, *, title: str = "", author: str = "", frames=("portrait",),
                 page_hook=None, **kw):
        fs = [FRAMES[f] if isinstance(f, str) else f for f in frames]
        super().__init__(buf, pagesize=fs[0].pagesize, title=title, author=author,
                         creator="conference.pdf", initialFontName="FandolFang", leftMargin=fs[0].left, bottomMargin=fs[0].bottom,
                         **kw)
        self.page_hook = page_hook
        templates = []
        for f in fs:
            frame = Frame(f.left, f.bottom, f.width, f.height, id=f.name, leftPadding=0,
                          rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
            templates.append(PageTemplate(id=f.name, frames=[frame], pagesize=f.pagesize,
                                          onPage=self._on_page(f)))
        self.addPageTemplates(templates)
        self._toc_seq = 0

    def _on_page(self, f: PageFrame):
        def on_page(canv, doc):
            if f.numbered:
                draw_page_number(canv, f, doc.page)
            if self.page_hook:
                self.page_hook(canv, doc, f)
        return on_page

    def afterFlowable(self, flowable):
        level = getattr(flowable, "toc_level", None)
        if level is not None:
            key = getattr(flowable, "_toc_key", None)
            if key is None:
                self._toc_seq += 1
                key = flowable._toc_key = f"toc{self._toc_seq}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(getattr(flowable, "toc_plain", None) or _plain(flowable),
                                      key, level=level, closed=True)
            self.notify("TOCEntry", (level, flowable.toc_text, self.page, key))


def _plain(flowable) -> str:
    import re
    return re.sub(r"<[^>]+>", "", getattr(flowable, "toc_text", "") or "")


def toc() -> TableOfContents:
    t = TableOfContents(dotsMinLevel=0, tableStyle=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), PRIMARY[FANG]), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    t.levelStyles = [
        _style("toc0", FANG, BODY_PT, leftIndent=0, firstLineIndent=0),
        _style("toc1", FANG, BODY_PT, leftIndent=2 * BODY_PT, firstLineIndent=0),
    ]
    return t


def build(story: list, *, title: str = "", document: str | None = None, frames=("portrait",),
          multi: bool = False, page_hook=None, author: str = "") -> bytes:
    """Build a document and return the PDF bytes. ``multi`` runs multiBuild (needed for a
    table of contents with page numbers)."""
    fonts.register_fonts()
    buf = io.BytesIO()
    with fonts.document(document or title or "PDF"):
        doc = GBDocTemplate(buf, title=title, author=author, frames=frames, page_hook=page_hook)
        if multi:
            doc.multiBuild(story, maxPasses=6)
        else:
            doc.build(story)
    return buf.getvalue()


__all__ = [
    "A3LANDSCAPE", "BODY_PT", "BLOCK_H", "BLOCK_W", "COVER", "FRAMES", "GBDocTemplate", "LANDSCAPE",
    "LEADING", "MARGIN_LEFT", "MARGIN_TOP", "NextPageTemplate", "P", "PORTRAIT", "PageBreak",
    "PageFrame", "RED", "RedHeader", "STYLES", "Spacer", "TITLE_PT", "ZIHAO", "build", "heading",
    "table", "title", "toc", "TA_LEFT", "TA_CENTER",
]
