"""Embedded TrueType fonts and the per-character fallback chain.

reportlab draws a character that its font lacks as a blank, without error. Every string that
this package draws goes through :func:`runs` (canvas drawing) or :func:`markup` (Paragraphs):
each character is looked up in the cmap of the face's chain; characters missing from the
primary font are drawn with the first font of the chain that has them, and a character that
no embedded font has raises :class:`MissingGlyphError` naming the character and the document.

Faces (see static/fonts/README.md for sources and licences)::

    song  宋体     FandolSong-Regular
    xbs   小标宋   FandolSong-Bold (heaviest free 宋; used for titles)
    fang  仿宋     FandolFang-Regular
    hei   黑体     FandolHei-Regular
    kai   楷体     FandolKai-Regular

each followed by FandolSong (when not primary), CJKFallback-BMP (AR PL UMing CN, BMP
ideographs Fandol lacks) and CJKFallback-Ext (HanaMinB, CJK Ext-C..E).
"""
from __future__ import annotations

import contextlib
import contextvars
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"

FONT_FILES = {
    "FandolSong": "FandolSong-Regular.ttf",
    "FandolSongBold": "FandolSong-Bold.ttf",
    "FandolFang": "FandolFang-Regular.ttf",
    "FandolHei": "FandolHei-Regular.ttf",
    "FandolKai": "FandolKai-Regular.ttf",
    "CJKFallbackBMP": "CJKFallback-BMP.ttf",
    "CJKFallbackExt": "CJKFallback-Ext.ttf",
}

SONG, XBS, FANG, HEI, KAI = "song", "xbs", "fang", "hei", "kai"
PRIMARY = {
    SONG: "FandolSong",
    XBS: "FandolSongBold",
    FANG: "FandolFang",
    HEI: "FandolHei",
    KAI: "FandolKai",
}
_TAIL = ["CJKFallbackBMP", "CJKFallbackExt"]
CHAINS: dict[str, list[str]] = {
    face: [name] + ([] if name == "FandolSong" else ["FandolSong"]) + _TAIL
    for face, name in PRIMARY.items()
}
FACE_OF_FONT = {name: face for face, name in PRIMARY.items()}

# characters that are never drawn as glyphs (line breaks) and need no coverage
_IGNORED = {"\n", "\r", "\t"}

_document: contextvars.ContextVar[str] = contextvars.ContextVar("pdf_document", default="(未命名文档)")


class MissingGlyphError(ValueError):
    """A character that no embedded font covers; raised instead of drawing it blank."""

    def __init__(self, char: str, document: str | None = None, text: str | None = None):
        self.char = char
        self.codepoint = f"U+{ord(char):04X}"
        self.document = document or _document.get()
        self.text = text
        msg = f"{self.document}: no embedded font has the character {char!r} ({self.codepoint})"
        if text is not None:
            msg += f" in {text!r}"
        super().__init__(msg)


@contextlib.contextmanager
def document(name: str):
    """Name the document being rendered, for MissingGlyphError messages."""
    token = _document.set(name)
    try:
        yield
    finally:
        _document.reset(token)


_registered = False

_orig_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname, subset):
    """reportlab writes ToUnicode values as 4 hex digits, so U+2C317 extracts as U+2C31;
    write characters outside the BMP as UTF-16 surrogate pairs as the PDF spec requires."""
    text = _orig_to_unicode(fontname, subset)
    for i, v in enumerate(subset):
        if isinstance(v, int) and v > 0xFFFF:
            u = chr(v).encode("utf-16-be").hex().upper()
            text = text.replace("<%02X> <%04X>" % (i, v), "<%02X> <%s>" % (i, u), 1)
    return text


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def register_fonts() -> None:
    """Register every font with reportlab (idempotent)."""
    global _registered
    if _registered:
        return
    for name, file in FONT_FILES.items():
        path = FONT_DIR / file
        if not path.exists():
            raise FileNotFoundError(f"{path} missing: run scripts/build_fonts.py")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # reportlab.graphics starts every Drawing with setFont(Helvetica), a font that is never
    # embedded; make the graphics default an embedded face instead.
    from reportlab.graphics import shapes
    shapes.STATE_DEFAULTS["fontName"] = "FandolFang"
    _registered = True


@lru_cache(maxsize=None)
def coverage(font_name: str) -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def font_for(char: str, face: str) -> str:
    cp = ord(char)
    for name in CHAINS[face]:
        if cp in coverage(name):
            return name
    raise MissingGlyphError(char)


def check(text: str, face: str = FANG) -> None:
    """Raise MissingGlyphError if a character of text is in no font of face's chain."""
    runs(text, face)


def runs(text: str, face: str = FANG) -> list[tuple[str, str]]:
    """Split text into (font name, substring) runs following the face's fallback chain."""
    register_fonts()
    chain = CHAINS[face]
    covers = [coverage(n) for n in chain]
    out: list[tuple[str, str]] = []
    cur_font = None
    buf: list[str] = []
    for ch in str(text):
        if ch in _IGNORED:
            name = chain[0]
        else:
            cp = ord(ch)
            for name, cov in zip(chain, covers):
                if cp in cov:
                    break
            else:
                raise MissingGlyphError(ch, text=str(text))
        if name != cur_font and buf:
            out.append((cur_font, "".join(buf)))
            buf = []
        cur_font = name
        buf.append(ch)
    if buf:
        out.append((cur_font, "".join(buf)))
    return out


def markup(text, face: str = FANG, bold_xml: bool = False) -> str:
    """Escape text for a Paragraph whose style font is face's primary font, wrapping
    characters that need a fallback font in <font name=...>."""
    primary = CHAINS[face][0]
    parts = []
    for name, chunk in runs("" if text is None else str(text), face):
        chunk = escape(chunk).replace("\n", "<br/>")
        parts.append(chunk if name == primary else f'<font name="{name}">{chunk}</font>')
    return "".join(parts)


def string_width(text: str, face: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(chunk, name, size) for name, chunk in runs(text, face))


def draw_string(canv, x: float, y: float, text, face: str, size: float, anchor: str = "left",
                max_width: float | None = None) -> float:
    """Draw text on a canvas with per-character font fallback. anchor: left/center/right.
    If max_width is given and the text is wider, the size is reduced to fit. Returns width."""
    text = "" if text is None else str(text)
    parts = runs(text, face)
    width = sum(pdfmetrics.stringWidth(c, n, size) for n, c in parts)
    if max_width and width > max_width and width > 0:
        size = size * max_width / width
        width = max_width
    if anchor == "center":
        x -= width / 2
    elif anchor == "right":
        x -= width
    t = canv.beginText(x, y)
    for name, chunk in parts:
        t.setFont(name, size)
        t.textOut(chunk)
    canv.drawText(t)
    return width
