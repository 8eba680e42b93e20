"""Documents from check-in data: 签到表 and 出席情况统计 PDFs (conference.pdf), the .xlsx export, pass PDFs, and
the QR image of the door screen."""
from __future__ import annotations

import io

from flask import current_app, url_for
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from ..accounts import services as accounts
from ..extensions import db
from ..meetings import services as meetings
from ..meetings.models import Meeting, Sitting
from ..registration.models import Member
from ..registration.strokes import sort_key
from ..timeutil import fmt, local, utcnow
from . import services


def qr_svg(text: str) -> bytes:
    import qrcode
    import qrcode.image.svg

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                       image_factory=qrcode.image.svg.SvgPathFillImage)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image().to_string()


def _committee() -> str:
    return current_app.config.get("COMMITTEE_NAME", "")


def attendance_pdf(sitting: Sitting, att: services.Attendance) -> bytes:
    from ..pdf import data
    from ..pdf.renderers import render_attendance

    report = data.AttendanceReport(
        meeting=sitting.meeting.title, sitting=sitting.title, snapshot_at=local(att.snapshot_at),
        sectors=[data.SectorAttendance(sector=r.sector, expected=r.figures.expected,
                                       present=r.figures.present, on_leave=r.on_leave, absent=r.absent,
                                       nonvoting=r.figures.nonvoting) for r in att.sectors])
    return render_attendance(report)


def signin_pdf(sitting: Sitting) -> bytes:
    from ..pdf import data
    from ..pdf.renderers import render_signin_sheet

    groups: dict[tuple, list[str]] = {}
    for m in meetings.expected_members(sitting):
        key = (m.sector.position if m.sector else 10 ** 6, m.sector_name or "未分界别")
        groups.setdefault(key, []).append(m.name)
    sheet = data.SigninSheet(meeting=sitting.meeting.title, sitting=sitting.title, starts_at=local(sitting.starts_at),
                             groups=[data.SigninGroup(sector=name, names=sorted(names, key=sort_key))
                                     for (_, name), names in sorted(groups.items())])
    return render_signin_sheet(sheet)


def attendance_xlsx(sitting: Sitting, att: services.Attendance) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "出席统计"
    f = att.figures
    ws.append([f"{sitting.meeting.title} {sitting.title} 出席情况统计"])
    ws.append([f"统计时间：{fmt(att.snapshot_at, '%Y-%m-%d %H:%M:%S')}"])
    ws.append([f"应到{f.expected}人，实到{f.present}人，退场{f.left}人，请假{f.on_leave}人，缺席{f.absent}人，"
               f"列席{f.nonvoting}人；过半数为{f.quorum_threshold}人，"
               + ("符合法定人数" if f.quorum_met else f"尚差{f.still_needed}人")])
    ws.append([])
    header = ["界别", "应到", "实到", "退场", "请假", "缺席", "列席"]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for r in att.sectors:
        g = r.figures
        ws.append([r.sector, g.expected, g.present, g.left, g.on_leave, g.absent, g.nonvoting])
    ws.append(["合计", f.expected, f.present, f.left, f.on_leave, f.absent, f.nonvoting])
    ws.column_dimensions["A"].width = 36

    detail = wb.create_sheet("签到明细")
    detail.append(["姓名", "委员证号", "界别", "类别", "签到时间", "服务器记录时间", "签到点", "方式", "经办人",
                   "放行原因", "补签/放行说明", "退场时间", "退场说明"])
    for cell in detail[1]:
        cell.font = bold
    records = sorted(att.checkins.values(), key=lambda c: (sort_key(c.member.name)))
    for c in records:
        detail.append([c.member.name, c.member.member_no, c.member.sector_name, str(c.member.kind),
                       fmt(c.scanned_at, "%Y-%m-%d %H:%M:%S"), fmt(c.recorded_at, "%Y-%m-%d %H:%M:%S"), c.station,
                       c.method.label, c.staff_name, c.override, c.reason, fmt(c.left_at, "%Y-%m-%d %H:%M:%S"),
                       c.left_note])
    for col, width in zip("ABCDEFGHIJKLM", (14, 12, 28, 6, 20, 20, 12, 10, 16, 12, 20, 20, 16)):
        detail.column_dimensions[col].width = width

    for title, ids in (("缺席名单", att.sets.absent), ("请假名单", att.sets.on_leave), ("退场名单", att.sets.left)):
        sheet = wb.create_sheet(title)
        sheet.append(["序号", "姓名", "界别"])
        for cell in sheet[1]:
            cell.font = bold
        people = sorted((att.people[i] for i in ids if i in att.people),
                        key=lambda p: (p.sector_position, sort_key(p.name)))
        for n, p in enumerate(people, 1):
            sheet.append([n, p.name, p.sector])
        sheet.column_dimensions["C"].width = 28
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(vertical="center")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def passes_pdf(meeting: Meeting | None, members: list[Member], layout: str = "sheet") -> bytes:
    from ..pdf import data
    from ..pdf.renderers import render_passes

    first = meeting.sittings[0] if meeting is not None and meeting.sittings else None
    passes = [data.Pass(name=m.name, sector=m.sector_name, member_no=m.member_no,
                        checkin_qr=services.pass_code(m),
                        login_qr=url_for("accounts.token_login", token=accounts.login_token(m), _external=True),
                        seat=(services.seat_label(first, m) if first is not None else "") or None,
                        role=str(m.kind)) for m in members]
    batch = data.PassBatch(meeting=meeting.title if meeting else "", passes=passes, committee=_committee())
    return render_passes(batch, layout=layout)


__all__ = ["qr_svg", "attendance_pdf", "signin_pdf", "attendance_xlsx", "passes_pdf", "utcnow"]
