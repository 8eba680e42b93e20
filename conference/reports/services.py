"""Reports use cases: gather duty-record inputs from the domains, export them; the meeting materials list."""
from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..errors import DomainError
from ..extensions import db
from ..meetings.models import Sitting
from ..meetings.services import expected_ids
from ..registration.models import Leave, LeaveStatus, Member, MemberKind
from ..registration.strokes import sort_key
from ..timeutil import CHINA
from . import duty

MAX_DAYS = 3 * 366


def parse_period(start: str | date | None, end: str | date | None, today: date | None = None) -> tuple[date, date]:
    """Default: the current calendar year (the yearly 履职考核)."""
    today = today or datetime.now(CHINA).date()

    def one(value, default: date, label: str) -> date:
        if value in (None, ""):
            return default
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError("bad_date", f"{label}格式应为 YYYY-MM-DD：{value}") from None

    first = one(start, date(today.year, 1, 1), "开始日期")
    last = one(end, date(today.year, 12, 31), "结束日期")
    if last < first:
        raise DomainError("bad_period", "结束日期不能早于开始日期")
    if (last - first).days > MAX_DAYS:
        raise DomainError("bad_period", "统计期间最长三年")
    return first, last


def sittings_in(start: date, end: date) -> list[Sitting]:
    lo = datetime.combine(start, time.min, CHINA)
    hi = datetime.combine(end + timedelta(days=1), time.min, CHINA)
    return db.session.scalars(select(Sitting).where(Sitting.starts_at >= lo, Sitting.starts_at < hi)
                              .order_by(Sitting.starts_at)).all()


def _checkins(sitting_ids: list[int]) -> dict[int, set[int]]:
    try:
        from ..checkin.models import CheckIn
    except ImportError:  # the check-in domain is optional: nobody attended
        return {}
    out: dict[int, set[int]] = defaultdict(set)
    for sitting_id, member_id in db.session.execute(
            select(CheckIn.sitting_id, CheckIn.member_id).where(CheckIn.sitting_id.in_(sitting_ids))):
        out[sitting_id].add(member_id)
    return out


def _leaves(sitting_ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for sitting_id, member_id in db.session.execute(
            select(Leave.sitting_id, Leave.member_id).where(Leave.sitting_id.in_(sitting_ids),
                                                            Leave.status == LeaveStatus.APPROVED)):
        out[sitting_id].add(member_id)
    return out


def _votes(sitting_ids: list[int]) -> dict[int, int]:
    try:
        from ..voting.models import Vote, VoteParticipation
    except ImportError:
        return {}
    rows = db.session.execute(select(VoteParticipation.member_id, func.count())
                              .join(Vote, Vote.id == VoteParticipation.vote_id)
                              .where(Vote.sitting_id.in_(sitting_ids)).group_by(VoteParticipation.member_id))
    return {member_id: n for member_id, n in rows}


def _suggestions(start: date, end: date) -> tuple[dict[int, int], dict[int, int]]:
    """码上商量 suggestions signed by a member in the period: (submitted, handled by staff)."""
    try:
        from ..consult.models import Suggestion
    except ImportError:
        return {}, {}
    lo = datetime.combine(start, time.min, CHINA)
    hi = datetime.combine(end + timedelta(days=1), time.min, CHINA)
    submitted: dict[int, int] = defaultdict(int)
    handled: dict[int, int] = defaultdict(int)
    for member_id, status in db.session.execute(
            select(Suggestion.member_id, Suggestion.status).where(Suggestion.member_id.is_not(None),
                                                                  Suggestion.created_at >= lo,
                                                                  Suggestion.created_at < hi)):
        submitted[member_id] += 1
        if str(getattr(status, "value", status)) != "received":
            handled[member_id] += 1
    return submitted, handled


def duty_table(start: date, end: date) -> duty.DutyTable:
    sittings = sittings_in(start, end)
    ids = [s.id for s in sittings]
    expected = {s.id: expected_ids(s) for s in sittings}
    members = db.session.scalars(select(Member).where(Member.kind == MemberKind.MEMBER)).unique().all()
    everyone_expected = set().union(*expected.values()) if expected else set()
    infos = [duty.MemberInfo(m.id, m.name, m.sector.name if m.sector else duty.NO_SECTOR,
                             m.sector.position if m.sector else 10**9, m.member_no)
             for m in members if m.active or m.id in everyone_expected]
    submitted, handled = _suggestions(start, end)
    convention = current_app.config.get("NAME_CONVENTION", "cppcc")
    return duty.count_duty(infos, expected, _checkins(ids) if ids else {}, _leaves(ids) if ids else {},
                           _votes(ids) if ids else {}, submitted, handled,
                           name_key=lambda name: sort_key(name, convention))


def chart_data(table: duty.DutyTable) -> dict:
    return {"labels": [s.sector for s in table.sectors],
            "attended": [s.attended for s in table.sectors],
            "on_leave": [s.on_leave for s in table.sectors],
            "absent": [s.absent for s in table.sectors],
            "rate": [round(s.rate * 100, 1) if s.rate is not None else None for s in table.sectors]}


XLSX_HEADERS = ["界别", "姓名", "委员证号", "应出席", "出席", "请假", "缺席", "出席率", "参加表决", "意见建议", "已办理"]


def duty_xlsx(table: duty.DutyTable, start: date, end: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "委员履职明细"
    ws.append([f"委员履职统计（{start.isoformat()} 至 {end.isoformat()}，会次 {table.sittings} 个）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(XLSX_HEADERS)
    for row in table.rows:
        ws.append([row.sector, row.name, row.member_no, row.expected, row.attended, row.on_leave, row.absent,
                   row.rate, row.votes, row.suggestions, row.handled])
        ws.cell(ws.max_row, 8).number_format = "0.0%"
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for col, width in zip("ABCDEFGHIJK", (22, 12, 14, 8, 8, 8, 8, 9, 10, 10, 8)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"

    by_sector = wb.create_sheet("分界别统计")
    by_sector.append(["界别", "人数", "应出席", "出席", "请假", "缺席", "出席率", "参加表决", "意见建议", "已办理"])
    for s in table.sectors + [table.total]:
        by_sector.append([s.sector, s.members, s.expected, s.attended, s.on_leave, s.absent, s.rate, s.votes,
                          s.suggestions, s.handled])
        by_sector.cell(by_sector.max_row, 7).number_format = "0.0%"
    for cell in by_sector[1]:
        cell.font = Font(bold=True)
    by_sector.column_dimensions["A"].width = 22
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def duty_report_data(table: duty.DutyTable, start: date, end: date):
    from ..pdf.data import DutyReport, Issuer, MemberDuty

    committee = current_app.config.get("COMMITTEE_NAME", "")
    return DutyReport(issuer=Issuer(committee=committee), title="委员履职情况统计", start=start, end=end,
                      members=[MemberDuty(name=r.name, sector=r.sector, member_no=r.member_no,
                                          sittings_expected=r.expected, sittings_attended=r.attended,
                                          leaves=r.on_leave, votes_cast=r.votes, absent=r.absent,
                                          suggestions=r.suggestions)
                               for r in table.rows])


def duty_pdf(start: date, end: date, progress=None) -> bytes:
    from ..pdf.renderers import render_duty_report

    if progress:
        progress(0, 2, "正在统计")
    table = duty_table(start, end)
    if progress:
        progress(1, 2, f"正在排版 {len(table.rows)} 位委员")
    data = render_duty_report(duty_report_data(table, start, end))
    if progress:
        progress(2, 2)
    return data
