"""Renderers: ``render_x(data) -> bytes`` for every meeting document."""
from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import CondPageBreak, KeepTogether, NextPageTemplate, PageBreak, Spacer

from . import fonts
from .data import (Agenda, AttendanceReport, ConsultPoster, ConsultReport, DutyReport, ElectionResult,
                   Handbook, Issuer, PassBatch, Schedule, SeatingChart, SigninSheet, VoteResult)
from .fonts import FANG, HEI, SONG, XBS
from .graphics import CARD_H, CARD_W, SeatingFlowable, draw_cut_marks, draw_pass, draw_qr
from .typeset import (BLOCK_W, BODY_PT, LEADING, RED, STYLES, P, RedHeader, build, heading, table,
                      title, toc)

CN_NUM = "一二三四五六七八九十"


def cn_ordinal(i: int) -> str:
    """1 -> 一, 11 -> 十一, 21 -> 二十一."""
    if i <= 10:
        return CN_NUM[i - 1]
    if i < 20:
        return "十" + CN_NUM[i - 11]
    t, u = divmod(i, 10)
    return CN_NUM[t - 1] + "十" + (CN_NUM[u - 1] if u else "")


def fmt_dt(d: datetime | None) -> str:
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"


def fmt_date(d: date | datetime | None) -> str:
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


def fmt_time(d: datetime | None) -> str:
    return "" if d is None else f"{d:%H:%M}"


WEEKDAYS = "一二三四五六日"


def _named(describe):
    """Run a renderer inside fonts.document(describe(data)) so that MissingGlyphError
    names the document even when raised while building the story."""
    import functools

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(data, *a, **kw):
            try:
                name = describe(data)
            except Exception:  # noqa: BLE001 - a bad field must not hide the real error
                name = fn.__name__
            with fonts.document(name):
                return fn(data, *a, **kw)
        return wrapper
    return deco


def _head(issuer: Issuer | None) -> list:
    if issuer and issuer.red_header:
        return [RedHeader(issuer.committee, suffix=issuer.header_suffix)]
    return []


# ---- agenda & schedule ---------------------------------------------------------------
def agenda_story(a: Agenda, toc_entry: bool = False) -> list:
    story = _head(a.issuer) + [title(a.title, toc=toc_entry, toc_text="会议议程")]
    n = 0
    for i, s in enumerate(a.sittings, 1):
        when = fmt_dt(s.starts_at) + (f"—{fmt_time(s.ends_at)}" if s.ends_at else "")
        story.append(heading(f"{cn_ordinal(i)}、{s.title}", 1))
        meta = "，".join(x for x in (when, s.place and f"地点：{s.place}",
                                     s.presider and f"主持人：{s.presider}") if x)
        if meta:
            story.append(P(f"（{meta}）", "body"))
        for item in s.items:
            n += 1
            text = f"{n}. {item.text}"
            if item.presenter:
                text += f"（{item.presenter}）"
            story.append(P(text, "h3"))
    if a.note:
        story.append(Spacer(0, LEADING / 2))
        story.append(P(a.note, "body"))
    return story


@_named(lambda a: f"会议议程《{a.title}》")
def render_agenda(a: Agenda) -> bytes:
    return build(agenda_story(a), title=a.title, document=f"会议议程《{a.title}》")


def schedule_story(s: Schedule, toc_entry: bool = False, width: float = BLOCK_W) -> list:
    rows = []
    spans = []
    last_day = None
    start_row = None
    entries = sorted(s.entries, key=lambda e: e.starts_at)
    for idx, e in enumerate(entries, 1):
        day = f"{e.day.month}月{e.day.day}日\n星期{WEEKDAYS[e.day.weekday()]}"
        if e.day != last_day:
            if start_row is not None and idx - 1 > start_row:
                spans.append(("SPAN", (0, start_row), (0, idx - 1)))
            start_row = idx
            last_day = e.day
            day_cell = day
        else:
            day_cell = ""
        when = fmt_time(e.starts_at) + (f"—{fmt_time(e.ends_at)}" if e.ends_at else "")
        rows.append([day_cell, when, e.sitting, e.place, e.note])
    if start_row is not None and len(entries) > start_row:
        spans.append(("SPAN", (0, start_row), (0, len(entries))))
    ratios = [0.14, 0.21, 0.27, 0.18, 0.20]
    t = table(["日期", "时间", "会议及活动", "地点", "备注"], rows, [width * r for r in ratios],
              align=["center", "center", "left", "left", "left"], extra_style=spans)
    return _head(s.issuer) + [title(s.title, toc=toc_entry, toc_text="会议日程"), t]


@_named(lambda s: f"日程《{s.title}》")
def render_schedule(s: Schedule) -> bytes:
    return build(schedule_story(s), title=s.title, document=f"日程《{s.title}》")


# ---- passes --------------------------------------------------------------------------
@_named(lambda b: f"参会证（{b.meeting}）")
def render_passes(batch: PassBatch, layout: str = "sheet", *, qr: bool = True, progress=None) -> bytes:
    """layout "sheet": 8 passes (2 x 4) per A4 sheet with cut marks; "single": one
    95 x 70 mm page per pass (card printers). qr=False draws text only (benchmark baseline).
    progress: optional ``progress(done, total)`` called after each page (background jobs)."""
    total = len(batch.passes)
    fonts.register_fonts()
    buf = io.BytesIO()
    with fonts.document(f"参会证（{batch.meeting}）"):
        for p in batch.passes:  # check everything before drawing anything
            fonts.check(p.name, HEI)
            fonts.check(f"{p.sector}{p.member_no}{p.seat or ''}{p.role}", FANG)
        fonts.check(batch.meeting, XBS)
        if layout == "single":
            c = pdfcanvas.Canvas(buf, pagesize=(CARD_W, CARD_H), pageCompression=1, initialFontName="FandolFang")
            c.setTitle(f"参会证 {batch.meeting}")
            for i, p in enumerate(batch.passes, 1):
                draw_pass(c, p, batch.meeting, 0, 0, qr=qr)
                c.showPage()
                if progress is not None:
                    progress(i, total)
        elif layout == "sheet":
            c = pdfcanvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName="FandolFang")
            c.setTitle(f"参会证 {batch.meeting}")
            pw, ph = A4
            x0 = (pw - 2 * CARD_W) / 2
            y0 = (ph - 4 * CARD_H) / 2
            xs = [x0 + i * CARD_W for i in range(3)]
            ys = [y0 + j * CARD_H for j in range(5)]
            per = 8
            for start in range(0, len(batch.passes), per):
                for k, p in enumerate(batch.passes[start:start + per]):
                    col, row = k % 2, k // 2
                    draw_pass(c, p, batch.meeting, xs[col], ys[3 - row], qr=qr)
                draw_cut_marks(c, xs, ys)
                c.showPage()
                if progress is not None:
                    progress(min(start + per, total), total)
        else:
            raise ValueError(f"unknown layout {layout!r}")
        if not batch.passes:
            c.showPage()
        c.save()
    return buf.getvalue()


# ---- seating chart ------------------------------------------------------------------
def seating_story(chart: SeatingChart, toc_entry: bool = False, size: float = 18) -> list:
    t = P(f"{chart.meeting}{chart.sitting}座次图", STYLES["title"])
    if toc_entry:
        t.toc_level = 1
        t.toc_text = fonts.markup(f"座次图：{chart.sitting}（{chart.hall}）", FANG)
    sub = P(f"会场：{chart.hall}" + (f"　{chart.note}" if chart.note else ""), "center")
    t.style = STYLES["title"].clone("seat_title", spaceAfter=4)
    return [t, sub, Spacer(0, 3 * mm), SeatingFlowable(chart)]


@_named(lambda c: f"座次图（{c.hall} {c.sitting}）")
def render_seating_chart(chart: SeatingChart) -> bytes:
    return build(seating_story(chart), title=f"{chart.sitting}座次图", frames=("a3landscape",),
                 document=f"座次图（{chart.hall} {chart.sitting}）")


# ---- sign-in / attendance --------------------------------------------------------------
@_named(lambda s: f"签到表（{s.sitting}）")
def render_signin_sheet(sheet: SigninSheet) -> bytes:
    story = [title(f"{sheet.sitting}签到表"),
             P(f"{sheet.meeting}　{fmt_dt(sheet.starts_at)}", "center"), Spacer(0, 4 * mm)]
    for i, g in enumerate(sheet.groups):
        if i:
            story.append(CondPageBreak(60 * mm))
        story.append(P(f"{g.sector}（{len(g.names)}人）", "h1"))
        rows = [[str(n), name, ""] for n, name in enumerate(g.names, 1)]
        t = table(["序号", "姓名", "签名"], rows, [BLOCK_W * 0.12, BLOCK_W * 0.30, BLOCK_W * 0.58],
                  align=["center", "center", "left"],
                  extra_style=[("ROWBACKGROUNDS", (0, 1), (-1, -1), [None]),
                               ("TOPPADDING", (0, 1), (-1, -1), 6), ("BOTTOMPADDING", (0, 1), (-1, -1), 8)])
        story += [t, Spacer(0, 4 * mm)]
    return build(story, title=f"{sheet.sitting}签到表", document=f"签到表（{sheet.sitting}）")


@_named(lambda r: f"出席情况统计（{r.sitting}）")
def render_attendance(r: AttendanceReport) -> bytes:
    on_leave = sum(len(s.on_leave) for s in r.sectors)
    absent = sum(len(s.absent) for s in r.sectors)
    quorum = r.expected // 2 + 1
    story = [title(f"{r.sitting}出席情况统计"),
             P(f"{r.meeting}　统计时间：{fmt_dt(r.snapshot_at)}", "center"), Spacer(0, 4 * mm),
             P(f"应到{r.expected}人，实到{r.present}人，请假{on_leave}人，缺席{absent}人，列席{r.nonvoting}人。"
               f"{r.quorum_rule}（{quorum}人），"
               + ("符合法定人数。" if r.present >= quorum else "不足法定人数。"), "body")]
    rows = [[s.sector, s.expected, s.present, len(s.on_leave), len(s.absent), s.nonvoting] for s in r.sectors]
    rows.append(["合计", r.expected, r.present, on_leave, absent, r.nonvoting])
    w = BLOCK_W
    story += [Spacer(0, 3 * mm),
              table(["界别", "应到", "实到", "请假", "缺席", "列席"], rows,
                    [w * 0.35] + [w * 0.13] * 5, align=["left"] + ["center"] * 5),
              ]
    for label, attr in (("请假人员", "on_leave"), ("缺席人员", "absent")):
        story.append(P(label, "h1"))
        groups = [(s.sector, getattr(s, attr)) for s in r.sectors if getattr(s, attr)]
        if not groups:
            story.append(P("无。", "body"))
        for sector, names in groups:
            story.append(P(f"{sector}：{'、'.join(names)}", "body"))
    return build(story, title=f"{r.sitting}出席情况统计", document=f"出席情况统计（{r.sitting}）")


# ---- votes & elections -------------------------------------------------------------------
@_named(lambda v: f"表决结果（{v.motion}）")
def render_vote_result(v: VoteResult) -> bytes:
    w = BLOCK_W
    verdict = "通过" if v.passed else "未通过"
    rows = [
        ["表决事项", v.motion],
        ["会次", v.sitting],
        ["表决方式", ("记名" if v.named else "无记名") + "电子表决"],
        ["通过规则", f"{v.rule}（通过票数：{v.threshold}）"],
        ["表决时间", f"{fmt_dt(v.opened_at)} — {fmt_time(v.closed_at)}"],
    ]
    head = table(None, rows, [w * 0.2, w * 0.8],
                 extra_style=[("BACKGROUND", (0, 0), (0, -1), colors.Color(0.93, 0.93, 0.93))])
    counts = table(["应到", "实到", "赞成", "反对", "弃权", "未按"],
                   [[v.expected, v.present, v.yes, v.no, v.abstain, v.not_pressed]], [w / 6] * 6,
                   align=["center"] * 6)
    story = _head(v.issuer) + [title("表决结果"), head, Spacer(0, 5 * mm), counts, Spacer(0, 6 * mm),
                               P(f"表决结果：{verdict}", STYLES["title"].clone("verdict", fontSize=22,
                                 textColor=RED if v.passed else colors.black))]
    if v.named and v.votes:
        story += [P("记名表决明细", "h1"),
                  table(["序号", "姓名", "界别", "表决意见"],
                        [[i, x.name, x.sector, x.choice] for i, x in enumerate(v.votes, 1)],
                        [w * 0.12, w * 0.25, w * 0.43, w * 0.2], align=["center", "center", "left", "center"])]
    return build(story, title=f"表决结果：{v.motion}", document=f"表决结果（{v.motion}）")


@_named(lambda e: f"选举结果（{e.title}）")
def render_election_result(e: ElectionResult) -> bytes:
    w = BLOCK_W
    rerun = e.returned > e.issued
    story = _head(e.issuer) + [title("选举结果"), P(e.title, "center"), Spacer(0, 4 * mm)]
    info = [["会次", e.sitting], ["选举方式", f"{e.kind}选举，应选{e.seats}人"],
            ["当选规则", f"{e.rule}（当选票数：{e.threshold}）"],
            ["出席", f"应到{e.expected}人，实到{e.present}人"],
            ["选票", f"发出{e.issued}张，收回{e.returned}张，有效{e.valid}张，无效{e.void}张"]]
    if e.opened_at:
        info.append(["时间", f"{fmt_dt(e.opened_at)} — {fmt_time(e.closed_at)}"])
    story.append(table(None, info, [w * 0.2, w * 0.8],
                       extra_style=[("BACKGROUND", (0, 0), (0, -1), colors.Color(0.93, 0.93, 0.93))]))
    story.append(Spacer(0, 5 * mm))
    if rerun:
        story.append(P("收回选票多于发出选票，本次选举无效，应重新进行选举。", "h1"))
    rows = [[i, c.name + ("（另选）" if c.write_in else ""), c.yes, c.no, c.abstain, c.votes,
             "当选" if c.elected and not rerun else "未当选"]
            for i, c in enumerate(e.candidates, 1)]
    story.append(table(["序号", "候选人", "赞成", "反对", "弃权", "得票", "结果"], rows,
                       [w * 0.09, w * 0.27, w * 0.12, w * 0.12, w * 0.12, w * 0.12, w * 0.16],
                       align=["center", "left", "center", "center", "center", "center", "center"]))
    return build(story, title=f"选举结果：{e.title}", document=f"选举结果（{e.title}）")


# ---- duty report ---------------------------------------------------------------------
@_named(lambda d: f"委员履职（{d.title}）")
def render_duty_report(d: DutyReport) -> bytes:
    w = BLOCK_W
    story = _head(d.issuer) + [title(d.title),
                               P(f"统计期间：{fmt_date(d.start)}至{fmt_date(d.end)}", "center"),
                               P("一、分界别统计", "h1")]
    by_sector: dict[str, list] = {}
    for m in d.members:
        by_sector.setdefault(m.sector, []).append(m)
    if any(m.suggestions is not None for m in d.members):
        return _duty_attendance_layout(d, story, by_sector)
    fields = ("sittings_expected", "sittings_attended", "leaves", "votes_cast", "proposals", "speeches")
    rows = []
    for sector, ms in by_sector.items():
        sums = [sum(getattr(m, f) for m in ms) for f in fields]
        rate = f"{sums[1] / sums[0] * 100:.1f}%" if sums[0] else "—"
        rows.append([sector, len(ms), *sums[1:3], rate, *sums[4:]])
    cw = [w * 0.28, w * 0.1, w * 0.1, w * 0.1, w * 0.14, w * 0.14, w * 0.14]
    story.append(table(["界别", "人数", "出席", "请假", "出席率", "提案", "发言"], rows, cw,
                       align=["left"] + ["center"] * 6))
    story.append(P("二、委员履职明细", "h1"))
    rows = []
    for m in d.members:
        rate = f"{m.sittings_attended / m.sittings_expected * 100:.0f}%" if m.sittings_expected else "—"
        rows.append([m.name, m.sector, f"{m.sittings_attended}/{m.sittings_expected}", m.leaves, rate,
                     m.proposals, m.speeches])
    story.append(table(["姓名", "界别", "出席/应出席", "请假", "出席率", "提案", "发言"], rows,
                       [w * 0.16, w * 0.26, w * 0.16, w * 0.09, w * 0.11, w * 0.11, w * 0.11],
                       align=["center", "left"] + ["center"] * 5))
    return build(story, title=d.title, document=f"委员履职（{d.title}）")


def _duty_attendance_layout(d: DutyReport, story: list, by_sector: dict) -> bytes:
    """The reports domain's columns: 应出席/出席/请假/缺席/出席率/参加表决/意见建议."""
    w = BLOCK_W

    def rate(a: int, e: int) -> str:
        return f"{a / e * 100:.1f}%" if e else "—"

    rows = []
    for sector, ms in by_sector.items():
        e, a = sum(m.sittings_expected for m in ms), sum(m.sittings_attended for m in ms)
        rows.append([sector, len(ms), e, a, sum(m.leaves for m in ms), sum(m.absent or 0 for m in ms), rate(a, e),
                     sum(m.votes_cast for m in ms), sum(m.suggestions or 0 for m in ms)])
    story.append(table(["界别", "人数", "应出席", "出席", "请假", "缺席", "出席率", "表决", "建议"], rows,
                       [w * 0.24] + [w * 0.095] * 8, align=["left"] + ["center"] * 8))
    story.append(P("二、委员履职明细", "h1"))
    rows = [[m.name, m.sector, f"{m.sittings_attended}/{m.sittings_expected}", m.leaves, m.absent or 0,
             rate(m.sittings_attended, m.sittings_expected), m.votes_cast, m.suggestions or 0] for m in d.members]
    story.append(table(["姓名", "界别", "出席/应出席", "请假", "缺席", "出席率", "表决", "建议"], rows,
                       [w * 0.14, w * 0.25, w * 0.15, w * 0.08, w * 0.08, w * 0.11, w * 0.09, w * 0.10],
                       align=["center", "left"] + ["center"] * 6))
    return build(story, title=d.title, document=f"委员履职（{d.title}）")


# ---- 码上商量 --------------------------------------------------------------------------
@_named(lambda p: f"码上商量海报《{p.title}》")
def render_consult_poster(p: ConsultPoster) -> bytes:
    fonts.register_fonts()
    size = A3 if p.size.upper() == "A3" else A4
    k = size[0] / A4[0]
    buf = io.BytesIO()
    with fonts.document(f"码上商量海报《{p.title}》"):
        fonts.check(p.title, XBS)
        fonts.check(p.background + p.url + p.organizer, FANG)
        c = pdfcanvas.Canvas(buf, pagesize=size, initialFontName="FandolFang")
        c.setTitle(f"码上商量：{p.title}")
        W, H = size
        c.setFillColor(RED)
        c.rect(0, H - 45 * mm * k, W, 45 * mm * k, stroke=0, fill=1)
        c.setFillColor(colors.white)
        fonts.draw_string(c, W / 2, H - 27 * mm * k, "码 上 商 量", XBS, 40 * k, anchor="center")
        c.setFillColor(colors.black)
        # title may wrap: use a paragraph
        from reportlab.platypus import Frame
        st_t = STYLES["title"].clone("poster_title", fontSize=26 * k, leading=34 * k)
        st_b = STYLES["body"].clone("poster_body", fontSize=14 * k, leading=24 * k, firstLineIndent=28 * k)
        f = Frame(25 * mm * k, H - 125 * mm * k, W - 50 * mm * k, 75 * mm * k, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
        f.addFromList([P(p.title, st_t), P(p.background, st_b)], c)
        q = 110 * mm * k
        draw_qr(c, p.url, (W - q) / 2, 62 * mm * k, q)
        fonts.draw_string(c, W / 2, 50 * mm * k, "微信或浏览器扫码，发表您的意见建议", HEI, 16 * k, anchor="center")
        fonts.draw_string(c, W / 2, 40 * mm * k, p.url, FANG, 12 * k, anchor="center", max_width=W - 40 * mm)
        foot = "　".join(x for x in (p.organizer, p.deadline and f"征集截止：{fmt_date(p.deadline)}") if x)
        if foot:
            fonts.draw_string(c, W / 2, 22 * mm * k, foot, SONG, 12 * k, anchor="center", max_width=W - 40 * mm)
        c.showPage()
        c.save()
    return buf.getvalue()


def _bar_chart(per_day: list[tuple[date, int]], width: float, height: float = 70 * mm) -> Drawing:
    d = Drawing(width, height)
    ch = VerticalBarChart()
    ch.x, ch.y = 30, 30
    ch.width, ch.height = width - 45, height - 50
    ch.data = [[n for _, n in per_day] or [0]]
    ch.categoryAxis.categoryNames = [f"{x.month}/{x.day}" for x, _ in per_day] or [""]
    step = max(1, len(per_day) // 15)
    ch.categoryAxis.categoryNames = [n if i % step == 0 else "" for i, n in enumerate(ch.categoryAxis.categoryNames)]
    ch.categoryAxis.labels.fontName = "FandolFang"
    ch.categoryAxis.labels.fontSize = 7
    ch.valueAxis.labels.fontName = "FandolFang"
    ch.valueAxis.labels.fontSize = 7
    ch.valueAxis.valueMin = 0
    ch.barLabels.fontName = "FandolFang"
    ch.bars[0].fillColor = RED
    ch.bars[0].strokeColor = None
    d.add(ch)
    d.add(String(width / 2, height - 12, "每日意见建议数（条）", fontName="FandolHei", fontSize=10,
                 textAnchor="middle"))
    return d


@_named(lambda r: f"码上商量报告《{r.title}》")
def render_consult_report(r: ConsultReport) -> bytes:
    w = BLOCK_W
    counts = Counter(s.created_at.date() for s in r.suggestions)
    per_day = []
    if counts:
        from datetime import timedelta
        d0, d1 = min(counts), max(counts)
        day = d0
        while day <= d1:
            per_day.append((day, counts.get(day, 0)))
            day += timedelta(days=1)
    answered = sum(1 for s in r.suggestions if s.answer)
    story = _head(r.issuer) + [title(f"“码上商量”{r.title}情况报告")]
    story += [heading("一、议题背景", 1), P(r.background, "body"),
              heading("二、参与情况", 1),
              P(f"议题于{fmt_dt(r.opened_at)}发布" + (f"，{fmt_dt(r.closed_at)}截止" if r.closed_at else "")
                + f"，累计访问{r.visits}人次，参与{r.participants}人，收到意见建议{len(r.suggestions)}条，"
                  f"已答复{answered}条。", "body"),
              _bar_chart(per_day, w),
              heading("三、意见建议及答复", 1)]
    for i, s in enumerate(r.suggestions, 1):
        block = [P(f"{i}. {s.author}（{fmt_dt(s.created_at)}）：{s.text}", "body")]
        if s.answer:
            block.append(P(f"答复{('（' + s.answered_by + '）') if s.answered_by else ''}：{s.answer}", "h2"))
        story.append(KeepTogether(block))
    return build(story, title=f"码上商量：{r.title}", document=f"码上商量报告《{r.title}》")


# ---- handbook ------------------------------------------------------------------------
@_named(lambda h: f"会议手册《{h.title}》")
def render_handbook(h: Handbook) -> bytes:
    story = [Spacer(0, 50 * mm), P(h.issuer.meeting or h.title, "cover_title"), Spacer(0, 10 * mm),
             P(h.subtitle, STYLES["cover_title"].clone("cover_hb", fontSize=36, leading=50)),
             Spacer(0, 80 * mm), P(h.issuer.committee, "cover_sub"), P(h.date_text, "cover_sub"),
             NextPageTemplate("portrait"), PageBreak(),
             P("目　录", "toc_head"), toc(), PageBreak()]
    if h.agenda:
        story += agenda_story(h.agenda, toc_entry=True)[len(_head(h.agenda.issuer)):] + [PageBreak()]
    if h.schedule:
        story += schedule_story(h.schedule, toc_entry=True)[len(_head(h.schedule.issuer)):] + [PageBreak()]
    if h.seating:
        if isinstance(story[-1], PageBreak):
            story.pop()
        for chart in h.seating:
            part = seating_story(chart, toc_entry=True)
            part[0].toc_level = 0
            story += [NextPageTemplate("landscape"), PageBreak()] + part
        story += [NextPageTemplate("portrait"), PageBreak()]
    if h.members:
        story.append(title("委员名单", toc=True))
        story.append(P("（按界别排列，界别内以姓氏笔画为序）", "center"))
        groups: dict[str, list] = {}
        for m in h.members:
            groups.setdefault(m.sector, []).append(m)
        for sector, ms in groups.items():
            story.append(heading(f"{sector}（{len(ms)}人）", 1, toc=False))
            story.append(P("　".join(m.name for m in ms), "body_noindent"))
        story.append(PageBreak())
    if h.notices:
        story.append(title("会议须知", toc=True))
        for i, n in enumerate(h.notices, 1):
            story.append(heading(f"{cn_ordinal(i)}、{n.title}", 1, toc=True))
            story[-1].toc_level = 1
            story += [P(t, "body") for t in n.paragraphs]
    return build(story, title=f"{h.title}{h.subtitle}", frames=("cover", "portrait", "landscape"),
                 multi=True, document=f"会议手册《{h.title}》")
