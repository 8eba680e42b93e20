"""Canvas-level pieces: QR codes, passes (参会证), the seating chart flowable."""
from __future__ import annotations

import colorsys

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from . import fonts
from .data import Pass, Seat, SeatingChart
from .fonts import FANG, HEI, SONG, XBS
from .typeset import RED

# A fixed mask pattern skips qrcode's evaluation of all eight masks (6 ms -> 1 ms per code);
# every mask gives a valid, decodable symbol.
QR_MASK = 2


def qr_matrix(payload: str) -> list[list[bool]]:
    q = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    q.add_data(payload)
    q.make(fit=True)
    return q.get_matrix()


def draw_qr(canv, payload: str, x: float, y: float, size: float) -> None:
    """Draw payload as a QR code with its lower-left corner at (x, y), size including a
    one-module quiet zone on white (the card edges supply the rest)."""
    m = qr_matrix(payload)
    n = len(m)
    mod = size / (n + 2)
    p = canv.beginPath()
    for r, row in enumerate(m):
        yy = y + size - (r + 2) * mod
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                p.rect(x + (start + 1) * mod, yy, (c - start) * mod, mod)
            else:
                c += 1
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.drawPath(p, stroke=0, fill=1)
    canv.restoreState()


# ---- passes --------------------------------------------------------------------------------
CARD_W = 95 * mm
CARD_H = 70 * mm


def draw_pass(canv, p: Pass, meeting: str, x: float, y: float, *, qr: bool = True) -> None:
    """One 95 x 70 mm pass with its lower-left corner at (x, y)."""
    w, h = CARD_W, CARD_H
    band = 12 * mm
    canv.saveState()
    canv.setFillColor(RED)
    canv.rect(x, y + h - band, w, band, stroke=0, fill=1)
    canv.setFillColor(colors.white)
    fonts.draw_string(canv, x + w / 2, y + h - band + 4.2 * mm, meeting, XBS, 11,
                      anchor="center", max_width=w - 6 * mm)
    canv.setFillColor(colors.black)
    left = x + 5 * mm
    fonts.draw_string(canv, left, y + h - band - 6 * mm, "参会证" if p.role == "委员" else f"参会证（{p.role}）",
                      SONG, 9)
    fonts.draw_string(canv, left, y + 36 * mm, p.name, HEI, 24, max_width=58 * mm)
    line_y = [24 * mm, 17 * mm, 10 * mm]
    fonts.draw_string(canv, left, y + line_y[0], f"界别：{p.sector}", FANG, 10.5, max_width=58 * mm)
    fonts.draw_string(canv, left, y + line_y[1], f"证号：{p.member_no}", FANG, 10.5, max_width=58 * mm)
    seat_w = fonts.draw_string(canv, left, y + line_y[2], "座位：", FANG, 10.5)
    if p.seat:
        fonts.draw_string(canv, left + seat_w, y + line_y[2], p.seat, HEI, 10.5, max_width=40 * mm)
    else:
        canv.setLineWidth(0.5)
        canv.line(left + seat_w, y + line_y[2] - 1.5, left + seat_w + 30 * mm, y + line_y[2] - 1.5)
    if qr:
        q = 22 * mm
        qx = x + w - q - 4 * mm
        draw_qr(canv, p.checkin_qr, qx, y + h - band - 2 * mm - q, q)
        fonts.draw_string(canv, qx + q / 2, y + h - band - q - 5.5 * mm, "签到码", SONG, 7, anchor="center")
        draw_qr(canv, p.login_qr, qx, y + 6 * mm, q)
        fonts.draw_string(canv, qx + q / 2, y + 3 * mm, "登录码（本人专用）", SONG, 7, anchor="center")
    canv.restoreState()


def draw_cut_marks(canv, xs, ys, length=4 * mm, gap=1 * mm) -> None:
    """Cut marks in the page margins at every cut line of a card grid."""
    canv.saveState()
    canv.setLineWidth(0.3)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    for x in xs:
        canv.line(x, y1 + gap, x, y1 + gap + length)
        canv.line(x, y0 - gap, x, y0 - gap - length)
    for y in ys:
        canv.line(x0 - gap, y, x0 - gap - length, y)
        canv.line(x1 + gap, y, x1 + gap + length, y)
    canv.restoreState()


# ---- seating chart -------------------------------------------------------------------------
def sector_colours(sectors: list[str]) -> dict[str, colors.Color]:
    """Distinct light colours, one per 界别 in order of first appearance."""
    out = {}
    n = max(len(sectors), 1)
    for i, s in enumerate(sectors):
        hue = (i * 0.618033988749895) % 1.0
        light = 0.80 if i % 2 == 0 else 0.70
        r, g, b = colorsys.hls_to_rgb(hue, light, 0.65)
        out[s] = colors.Color(r, g, b)
    out[""] = colors.white
    return out


class SeatingFlowable(Flowable):
    """The seating chart drawn into whatever space the frame offers: rostrum rows at
    the top, floor rows below with seat labels and names, legend of 界别 colours."""

    def __init__(self, chart: SeatingChart, height: float | None = None):
        super().__init__()
        self.chart = chart
        self.fixed_height = height
        for s in chart.seats:
            fonts.check(s.name + s.label + s.sector, FANG)

    def wrap(self, aw, ah):
        self.width = aw
        self.height = min(ah, self.fixed_height or ah)
        return self.width, self.height

    def draw(self):
        c = self.canv
        seats = self.chart.seats
        rostrum = [s for s in seats if s.rostrum]
        floor = [s for s in seats if not s.rostrum]
        sectors = []
        for s in seats:
            if s.sector and s.sector not in sectors:
                sectors.append(s.sector)
        palette = sector_colours(sectors)

        legend_rows = (len(sectors) + 5) // 6 if sectors else 0
        legend_h = legend_rows * 7 * mm + 4 * mm
        w, h = self.width, self.height
        cols = max([s.col for s in seats] + [0]) + 1
        r_rows = (max([s.row for s in rostrum]) + 1) if rostrum else 0
        f_rows = (max([s.row for s in floor]) + 1) if floor else 0
        gap_rows = 1.6 if rostrum else 0
        total_rows = r_rows + f_rows + gap_rows
        avail_h = h - legend_h
        cell_w = w / cols
        cell_h = min(avail_h / max(total_rows, 1), cell_w * 0.75)
        grid_w = cell_w * cols
        x0 = (w - grid_w) / 2
        top = h

        def seat_box(s: Seat, row_index: float):
            bx = x0 + s.col * cell_w
            by = top - (row_index + 1) * cell_h
            pad = min(cell_w, cell_h) * 0.06
            c.setFillColor(palette.get(s.sector, colors.white))
            c.setStrokeColor(colors.Color(0.3, 0.3, 0.3))
            c.setLineWidth(0.4)
            c.rect(bx + pad, by + pad, cell_w - 2 * pad, cell_h - 2 * pad, stroke=1, fill=1)
            c.setFillColor(colors.black)
            lab = max(min(cell_h * 0.22, 8), 3)
            fonts.draw_string(c, bx + cell_w / 2, by + cell_h - pad - lab * 1.1, s.label, FANG, lab,
                              anchor="center", max_width=cell_w - 3 * pad)
            if s.name:
                ns = max(min(cell_h * 0.36, cell_w * 0.26, 14), 3)
                fonts.draw_string(c, bx + cell_w / 2, by + pad + cell_h * 0.18, s.name, HEI, ns,
                                  anchor="center", max_width=cell_w - 3 * pad)

        c.saveState()
        if rostrum:
            c.setFillColor(colors.Color(0.97, 0.92, 0.85))
            c.setStrokeColor(RED)
            c.rect(x0, top - r_rows * cell_h, grid_w, r_rows * cell_h, stroke=1, fill=1)
            for s in rostrum:
                seat_box(s, s.row)
            c.setFillColor(RED)
            fonts.draw_string(c, x0 + grid_w / 2, top - (r_rows + 1.1) * cell_h + cell_h * 0.25,
                              "主 席 台", XBS, min(cell_h * 0.5, 16), anchor="center")
        c.setFillColor(colors.black)
        for s in floor:
            seat_box(s, r_rows + gap_rows + s.row)
        # legend
        ly = legend_h - 6 * mm
        lx = x0
        col_w = grid_w / 6
        for i, sec in enumerate(sectors):
            cx = x0 + (i % 6) * col_w
            cy = ly - (i // 6) * 7 * mm
            c.setFillColor(palette[sec])
            c.setStrokeColor(colors.Color(0.3, 0.3, 0.3))
            c.rect(cx, cy, 8 * mm, 4.5 * mm, stroke=1, fill=1)
            c.setFillColor(colors.black)
            fonts.draw_string(c, cx + 10 * mm, cy + 1 * mm, sec, FANG, 10, max_width=col_w - 12 * mm)
        del lx
        c.restoreState()
