"""Cost of named watermarks on documents, against a same-run baseline (sending the stored file as is).

.venv/bin/python scripts/bench_agenda_reading.py [PAGES]
"""
from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_pdf(pages: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from conference.pdf import fonts

    fonts.register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        for line in range(22):
            fonts.draw_string(c, 80, A4[1] - 110 - line * 29, "各位委员：现在我代表政协常务委员会作工作报告，请予审议。" * 1,
                              fonts.FANG, 16)
        c.showPage()
    c.save()
    return buf.getvalue()


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    from conference.agenda import reading

    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "doc.pdf"
    path.write_bytes(make_pdf(pages))
    lines = reading.watermark_lines("欧阳少东", "150123", "2026-11-28 09:30")
    reading.watermark_pdf(path, lines)  # warm the fonts
    base, data = timed(lambda: path.read_bytes())
    wm, out = timed(lambda: reading.watermark_pdf(path, lines))
    print(f"{pages}-page PDF, {len(data) // 1024} KB")
    print(f"  baseline: send stored file          {base * 1000:8.1f} ms  {len(data) // 1024:6d} KB")
    print(f"  named watermark on every page       {wm * 1000:8.1f} ms  {len(out) // 1024:6d} KB")
    cache = tmp / "cache"
    first, _ = timed(lambda: reading.render_base(path, "pdf", 0, None), repeat=3)
    reading.render_base(path, "pdf", 0, cache)
    cached, img = timed(lambda: reading.page_image(path, "pdf", 0, lines, cache))
    print(f"  page image, render without cache    {first * 1000:8.1f} ms")
    print(f"  page image, cached render + stamp   {cached * 1000:8.1f} ms  {len(img) // 1024:6d} KB JPEG")


if __name__ == "__main__":
    main()
