"""Reading documents: the named watermark on every download and every rendered page. No database, no Flask.

- :func:`watermark_pdf` stamps each page of a PDF (reportlab overlay merged with pypdf): the reader's name,
  member number and the time, diagonal, light grey, repeated over the page, as real text (so a leaked copy
  names its source and the text can be searched for).
- :func:`page_image` renders one page (pypdfium2 for PDFs; the image itself for PNG/JPEG), then
  :func:`watermark_image` draws the same lines into the pixels.
"""
from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

PAGE_WIDTH_PX = 1000          # phones: ~390 css px × 2.5
JPEG_QUALITY = 62
MAX_PAGES = 2000


def watermark_lines(name: str, number: str, when: str) -> list[str]:
    return [f"{name} {number}".strip(), f"{when} 仅供本人阅读"]


# ---- PDF ----------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _overlay(width: float, height: float, text: str) -> bytes:
    from reportlab.pdfgen import canvas

    from ..pdf import fonts

    fonts.register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFillColorRGB(0.55, 0.55, 0.55)
    c.setFillAlpha(0.22)
    lines = text.split("\n")
    size = max(10.0, min(width, height) / 32)
    step_x, step_y = size * 22, size * 9
    c.saveState()
    c.translate(width / 2, height / 2)
    c.rotate(35)
    span = int(math.hypot(width, height) / 2) + int(step_x)
    y = -span
    row = 0
    while y < span:
        x = -span + (row % 2) * step_x / 2
        while x < span:
            for k, line in enumerate(lines):
                fonts.draw_string(c, x, y - k * size * 1.3, line, fonts.HEI, size)
            x += step_x
        y += step_y
        row += 1
    c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def watermark_pdf(source: Path | bytes, lines: list[str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(source) if isinstance(source, bytes) else str(source))
    text = "\n".join(lines)
    stamps: dict = {}
    for page in writer.pages:
        box = page.mediabox
        key = (round(float(box.width), 1), round(float(box.height), 1))
        if key not in stamps:  # one overlay per page size, not per page
            stamps[key] = PdfReader(io.BytesIO(_overlay(*key, text))).pages[0]
        if page.get("/Rotate"):
            page.transfer_rotation_to_content()
        page.merge_page(stamps[key], over=True)
        page.compress_content_streams()  # merged streams are written uncompressed otherwise (10x the size)
    writer.add_metadata({"/Title": lines[0], "/Subject": " ".join(lines)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF, refusing one that cannot be opened (raises ValueError)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium raises PdfiumError for anything broken or encrypted
        raise ValueError(str(exc)) from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img.verify()
    with Image.open(io.BytesIO(data)) as img:
        return img.size


# ---- page images ---------------------------------------------------------------------------------
def render_base(path: Path, kind: str, index: int, cache_dir: Path | None = None):
    """The page as a PIL image (RGB, PAGE_WIDTH_PX wide), cached on disk without watermark."""
    from PIL import Image

    cached = cache_dir / f"{path.stem}-{index}.png" if cache_dir else None
    if cached is not None and cached.exists():
        return Image.open(cached).convert("RGB")
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[index]
            scale = PAGE_WIDTH_PX / max(page.get_width(), 1)
            image = page.render(scale=scale).to_pil().convert("RGB")
            page.close()
        finally:
            pdf.close()
    else:
        with Image.open(path) as img:
            image = img.convert("RGB")
        if image.width > PAGE_WIDTH_PX * 1.5:
            image = image.resize((PAGE_WIDTH_PX, round(image.height * PAGE_WIDTH_PX / image.width)))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        image.save(cached, "PNG", optimize=False, compress_level=1)
    return image


@lru_cache(maxsize=16)
def _pil_font(font_name: str, size: int):
    from PIL import ImageFont

    from ..pdf.fonts import FONT_DIR, FONT_FILES

    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[font_name]), size)


def _draw_line(draw, x: float, y: float, text: str, size: int, fill) -> float:
    from ..pdf import fonts

    for name, chunk in fonts.runs(text, fonts.HEI):
        font = _pil_font(name, size)
        draw.text((x, y), chunk, font=font, fill=fill)
        x += draw.textlength(chunk, font=font)
    return x


@lru_cache(maxsize=8)
def _stamp(width: int, height: int, lines: tuple[str, ...]):
    """The transparent watermark layer for one page size and reader (a reader's pages share it)."""
    from PIL import Image, ImageDraw

    size = max(14, width // 34)
    tile_w, tile_h = size * 22, size * 9
    layer = Image.new("RGBA", (tile_w, tile_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for k, line in enumerate(lines):
        _draw_line(draw, size, size + k * size * 1.4, line, size, (110, 110, 110, 70))
    layer = layer.rotate(35, expand=True, resample=Image.BICUBIC)
    stamp = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    step_x, step_y = int(tile_w * 0.8), int(tile_h * 1.1)
    for row, y in enumerate(range(-layer.height // 2, height, step_y)):
        for x in range(-layer.width + (row % 2) * step_x // 2, width, step_x):
            stamp.alpha_composite(layer, (max(x, 0), max(y, 0)), (max(-x, 0), max(-y, 0)))
    return stamp


def watermark_image(image, lines: list[str], fmt: str = "JPEG") -> bytes:
    from PIL import Image

    base = image.convert("RGBA")
    out = Image.alpha_composite(base, _stamp(base.width, base.height, tuple(lines))).convert("RGB")
    buf = io.BytesIO()
    if fmt == "PNG":
        out.save(buf, "PNG", optimize=True)
    else:
        out.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buf.getvalue()


def page_image(path: Path, kind: str, index: int, lines: list[str], cache_dir: Path | None = None) -> bytes:
    return watermark_image(render_base(path, kind, index, cache_dir), lines)
