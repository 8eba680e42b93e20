"""PDF renderers: fonts embedded, GB/T 9704 frame, page numbers, fallback glyphs."""
from __future__ import annotations

import io
from collections import Counter

import pdfplumber
import pypdf
import pytest

from conference.pdf import renderers as R
from conference.pdf import typeset as T
from conference.pdf.fonts import MissingGlyphError
from reportlab.lib.units import mm

from . import fixtures as F

RENDERERS = {
    "agenda": lambda: R.render_agenda(F.agenda()),
    "schedule": lambda: R.render_schedule(F.schedule()),
    "passes": lambda: R.render_passes(F.passes()),
    "passes_single": lambda: R.render_passes(F.passes(3), layout="single"),
    "seating": lambda: R.render_seating_chart(F.seating()),
    "signin": lambda: R.render_signin_sheet(F.signin()),
    "attendance": lambda: R.render_attendance(F.attendance()),
    "vote": lambda: R.render_vote_result(F.vote()),
    "election": lambda: R.render_election_result(F.election()),
    "duty": lambda: R.render_duty_report(F.duty()),
    "poster": lambda: R.render_consult_poster(F.poster()),
    "poster_a3": lambda: R.render_consult_poster(F.poster("A3")),
    "report": lambda: R.render_consult_report(F.consult_report()),
    "handbook": lambda: R.render_handbook(F.handbook()),
}

_cache: dict[str, bytes] = {}


def pdf(kind: str) -> bytes:
    if kind not in _cache:
        _cache[kind] = RENDERERS[kind]()
    return _cache[kind]


def base(fontname: str) -> str:
    return fontname.split("+", 1)[-1]


def text_of(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return "\n".join(p.extract_text() or "" for p in doc.pages)


def nospace(s: str) -> str:
    return "".join(s.split())


@pytest.mark.parametrize("kind", sorted(RENDERERS))
def test_pdf_valid_and_fonts_embedded(kind):
    data = pdf(kind)
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    seen = set()
    for page in reader.pages:
        res = page.get("/Resources")
        fonts = res.get_object().get("/Font") if res else None
        for ref in (fonts or {}).values():
            f = ref.get_object()
            seen.add(f["/BaseFont"])
            desc = f.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in f:
                desc = f["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            assert desc is not None, f"{kind}: font {f['/BaseFont']} has no descriptor (not embedded)"
            desc = desc.get_object()
            assert any(k in desc for k in ("/FontFile2", "/FontFile", "/FontFile3")), \
                f"{kind}: font {f['/BaseFont']} not embedded"
    assert seen
    assert all("+" in str(n) for n in seen), seen  # subsets


@pytest.mark.parametrize("kind,expected", [
    ("agenda", ["政协第十五届济南市委员会第一次会议议程", "开幕会", "听取和审议政协济南市第十四届委员会常务委员会工作报告",
                F.RARE_NAME, "中国人民政治协商会议济南市委员会文件"]),
    ("signin", F.names(60)[:15] + ["第一次全体会议签到表", "中国共产党"]),
    ("vote", ["表决结果", "以全体委员过半数赞成通过", "301", "通过", "记名表决明细", F.RARE_NAME]),
    ("election", ["选举结果", "当选", "未当选", "发出575张"] + F.names(7)),
    ("attendance", ["应到", "请假人员", F.RARE_NAME] + F.SECTORS),
    ("passes", F.names(20)),
    ("seating", ["主席台", F.RARE_NAME, "1排1号"] + F.SECTORS),
    ("handbook", ["目录", "会议须知", "委员名单", F.RARE_NAME]),
])
def test_pdf_text_extracts_exactly(kind, expected):
    text = nospace(text_of(pdf(kind)))
    for s in expected:
        assert nospace(s) in text, f"{kind}: {s!r} not found"


def chars_by_font(page):
    return Counter((base(c["fontname"]), round(c["size"], 2)) for c in page.chars)


def test_pdf_body_and_title_fonts_and_sizes():
    with pdfplumber.open(io.BytesIO(pdf("agenda"))) as doc:
        page = doc.pages[0]
        body = [c for c in page.chars if base(c["fontname"]) == "FandolFang-Regular"]
        assert body, chars_by_font(page)
        assert all(abs(c["size"] - 16) <= 0.3 for c in body)
        title = [c for c in page.chars if c["text"] == "程" and base(c["fontname"]) == "FandolSong-Bold"]
        assert title and all(abs(c["size"] - 22) <= 0.01 for c in title)
        h1 = [c for c in page.chars if base(c["fontname"]) == "FandolHei-Regular"]
        assert "".join(c["text"] for c in h1).startswith("一、开幕会")


def _long_doc() -> bytes:
    story = [T.title("测试标题"), T.heading("一、总体要求", 1), T.heading("（一）分项", 2)]
    story += [T.P(f"第{i}段。" + "中文排版测试" * 20) for i in range(40)]
    return T.build(story, title="测试")


def test_pdf_text_block_position_and_grid():
    with pdfplumber.open(io.BytesIO(_long_doc())) as doc:
        assert len(doc.pages) >= 3
        page = doc.pages[1]
        body = [c for c in page.chars if base(c["fontname"]) == "FandolFang-Regular"]
        left = min(c["x0"] for c in body) / mm
        top = min(c["top"] for c in body) / mm
        assert abs(left - 28) <= 1, left
        assert abs(top - 37) <= 1, top
        lines = Counter(round(c["top"]) for c in body)
        assert len(lines) == 22
        assert max(lines.values()) == 28
        right = max(c["x1"] for c in body) / mm
        assert right <= 28 + 156 + 0.01


def test_pdf_page_numbers_odd_right_even_left():
    with pdfplumber.open(io.BytesIO(_long_doc())) as doc:
        for n, page in enumerate(doc.pages[:4], 1):
            num = [c for c in page.chars if base(c["fontname"]) == "FandolSong-Regular"
                   and abs(c["size"] - 14) < 0.01]
            text = "".join(c["text"] for c in num)
            assert text == f"— {n} —"
            x0 = min(c["x0"] for c in num) / mm
            x1 = max(c["x1"] for c in num) / mm
            if n % 2:
                assert abs(x1 - (28 + 156 - 14 / mm)) < 0.5, x1
            else:
                assert abs(x0 - (28 + 14 / mm)) < 0.5, x0
            top = min(c["top"] for c in num) / mm
            assert abs(top - (37 + 225 + 7)) < 1.5, top


def test_pdf_rare_characters_are_drawn_not_blank():
    import pypdfium2 as pdfium

    data = T.build([T.title("朱镕喆𬌗"), T.P("委员朱镕喆𬌗发言")], title="rare")
    with pdfplumber.open(io.BytesIO(data)) as doc:
        page = doc.pages[0]
        assert "朱镕喆𬌗" in page.extract_text()
        targets = [c for c in page.chars if c["text"] in ("镕", "喆", "𬌗")]
        assert len(targets) == 6
        fontnames = {base(c["fontname"]) for c in targets}
        assert {"CJKFallback-BMP", "CJKFallback-Ext"} <= fontnames
    scale = 4
    img = pdfium.PdfDocument(data)[0].render(scale=scale).to_pil().convert("L")
    for c in targets:
        box = (int(c["x0"] * scale) + 1, int(c["top"] * scale) + 1,
               int(c["x1"] * scale) - 1, int(c["bottom"] * scale) - 1)
        dark = sum(1 for p in img.crop(box).getdata() if p < 128)
        assert dark > 20, (c["text"], dark)


def test_pdf_missing_glyph_raises_naming_char_and_document():
    bad = "张\U0010FFFD"
    with pytest.raises(MissingGlyphError) as err:
        R.render_agenda(F.agenda().__class__(F.ISSUER, "议程" + bad, []))
    assert err.value.char == "\U0010FFFD"
    assert "U+10FFFD" in str(err.value)
    assert "会议议程" in str(err.value)
    p = F.passes(2)
    p.passes[1].name = "王\U0003FFFF"  # unassigned plane-3 code point
    with pytest.raises(MissingGlyphError, match="U\\+3FFFF") as err:
        R.render_passes(p)
    assert "参会证" in err.value.document


def test_pdf_table_header_repeats():
    data = R.render_duty_report(F.duty())
    with pdfplumber.open(io.BytesIO(data)) as doc:
        assert len(doc.pages) >= 2
        heads = [nospace(p.extract_text()).count("姓名界别") for p in doc.pages]
    assert sum(1 for h in heads if h) >= 2, heads


def test_pdf_handbook_toc_page_numbers_correct():
    data = pdf("handbook")
    with pdfplumber.open(io.BytesIO(data)) as doc:
        texts = [nospace(p.extract_text() or "") for p in doc.pages]
    toc = texts[1]
    import re
    entries = re.findall(r"(会议议程|会议日程|委员名单|会议须知)\.*(\d+)", toc)
    assert len(entries) == 4, toc
    for label, page in entries:
        heading = {"会议议程": "会议议程", "会议日程": "日程", "委员名单": "委员名单", "会议须知": "会议须知"}[label]
        assert heading in texts[int(page) - 1], (label, page)


def test_pdf_landscape_and_a3_variants():
    seat = pypdf.PdfReader(io.BytesIO(pdf("seating"))).pages[0].mediabox
    assert (round(float(seat.width) / mm), round(float(seat.height) / mm)) == (420, 297)
    r = pypdf.PdfReader(io.BytesIO(pdf("handbook")))
    sizes = {(round(float(p.mediabox.width) / mm), round(float(p.mediabox.height) / mm)) for p in r.pages}
    assert sizes == {(210, 297), (297, 210)}
