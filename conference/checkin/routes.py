"""签到 pages and JSON endpoints: stations, self check-in, 补签/退场, the attendance board, reports and passes."""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from ..accounts.roles import Role
from ..delegate.routes import CARD_PROVIDERS
from ..errors import DomainError
from ..extensions import db
from ..meetings import services as meetings
from ..registration.models import Member
from ..timeutil import fmt, utcnow
from ..web import current_member, json_body, roles_required
from . import exports, services
from .models import CheckIn

bp = Blueprint("checkin", __name__, url_prefix="/checkin")

VIEWERS = (Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN, Role.SCREEN)


def _actor() -> services.Actor:
    return services.Actor.of(current_user)


@bp.get("/")
@roles_required(Role.CHECKIN, Role.PRESIDER, Role.SCREEN)
def index():
    meeting = meetings.current_meeting()
    return render_template("checkin/index.html", meeting=meeting, sittings=services.sittings_for_checkin())


# ---- station -----------------------------------------------------------------------------------------------------
@bp.get("/sittings/<int:sitting_id>/station")
@roles_required(Role.CHECKIN)
def station(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    return render_template("checkin/station.html", sitting=sitting, figures=services.attendance(sitting).figures)


@bp.post("/sittings/<int:sitting_id>/scan")
@roles_required(Role.CHECKIN)
def scan(sitting_id: int):
    data = json_body()
    actor = _actor()
    result = services.scan_pass(sitting_id, data.get("code"), station=data.get("station") or "", actor=actor,
                                nonce=data.get("nonce"), override=bool(data.get("override")),
                                reason=str(data.get("reason") or "")[:200])
    db.session.commit()
    return jsonify(result)


@bp.post("/sittings/<int:sitting_id>/upload")
@roles_required(Role.CHECKIN)
def upload(sitting_id: int):
    data = json_body()
    results = services.upload_offline(sitting_id, data.get("scans"), station=str(data.get("station") or ""),
                                      actor=_actor())
    db.session.commit()
    conflicts = [r for r in results if not r.get("ok")]
    return jsonify({"ok": True, "results": results, "accepted": len(results) - len(conflicts),
                    "conflicts": len(conflicts)})


@bp.get("/sittings/<int:sitting_id>/members")
@roles_required(Role.CHECKIN)
def members(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    found = services.find_members(request.args.get("q", ""))
    records = {c.member_id: c for c in db.session.scalars(
        select(CheckIn).where(CheckIn.sitting_id == sitting.id, CheckIn.member_id.in_([m.id for m in found])))}
    out = []
    for m in found:
        c = records.get(m.id)
        out.append({**services.member_card(sitting, m), "checked_in": c is not None,
                    "time": fmt(c.scanned_at, "%H:%M") if c else "", "left": bool(c and c.left_at)})
    return jsonify({"ok": True, "members": out})


@bp.post("/sittings/<int:sitting_id>/manual")
@roles_required(Role.CHECKIN)
def manual(sitting_id: int):
    data = json_body()
    try:
        member_id = int(data.get("member_id"))
    except (TypeError, ValueError):
        raise DomainError("bad_request", "缺少委员编号") from None
    result = services.manual_checkin(sitting_id, member_id, reason=str(data.get("reason") or ""), actor=_actor(),
                                     station=str(data.get("station") or ""))
    db.session.commit()
    return jsonify(result)


@bp.post("/sittings/<int:sitting_id>/exit")
@roles_required(Role.CHECKIN)
def exit_(sitting_id: int):
    data = json_body()
    try:
        member_id = int(data.get("member_id"))
    except (TypeError, ValueError):
        raise DomainError("bad_request", "缺少委员编号") from None
    record = services.record_exit(sitting_id, member_id, note=str(data.get("note") or ""), actor=_actor())
    name, when = record.member.name, fmt(record.left_at, "%H:%M")
    db.session.commit()
    return jsonify({"ok": True, "code": "left", "message": f"{name} 已于 {when} 退场"})


# ---- board & screen ----------------------------------------------------------------------------------------------
@bp.get("/sittings/<int:sitting_id>/board")
@roles_required(*VIEWERS)
def board(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    big = request.args.get("screen") == "1"
    return render_template("checkin/board.html", sitting=sitting, payload=services.board_payload(sitting), big=big)


@bp.get("/sittings/<int:sitting_id>/board.json")
@roles_required(*VIEWERS)
def board_json(sitting_id: int):
    return jsonify(services.board_payload(services.get_sitting(sitting_id)))


@bp.get("/sittings/<int:sitting_id>/screen")
@roles_required(Role.SCREEN, Role.PRESIDER)
def screen(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    return render_template("checkin/screen.html", sitting=sitting, payload=services.board_payload(sitting),
                           window=services.token_window_seconds())


@bp.get("/sittings/<int:sitting_id>/screen/code.svg")
@roles_required(Role.SCREEN, Role.PRESIDER)
def screen_code(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    svg = exports.qr_svg(url_for("checkin.self_page", c=services.sitting_code(sitting), _external=True))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


# ---- self check-in -----------------------------------------------------------------------------------------------
@bp.get("/self")
@roles_required(Role.DELEGATE)
def self_page():
    return render_template("checkin/self.html", member=current_member(), code=request.args.get("c", ""))


@bp.post("/self")
@roles_required(Role.DELEGATE)
def self_checkin():
    data = json_body()
    member_id = current_user.member_id
    db.session.commit()  # end the read transaction of the login lookup before the write transaction
    member = db.session.get(Member, member_id)
    result = services.self_checkin(member, data.get("code"), nonce=data.get("nonce"))
    db.session.commit()
    return jsonify(result)


def _delegate_card(member, meeting):
    if meeting is None:
        return []
    url = url_for("checkin.self_page")
    done = db.session.execute(select(CheckIn.sitting_id, CheckIn.scanned_at).where(
        CheckIn.member_id == member.id, CheckIn.sitting_id.in_([s.id for s in meeting.sittings]))).all()
    done_by = {sid: at for sid, at in done}
    lines = []
    for s in meeting.sittings:
        state = f"已签到 {fmt(done_by[s.id], '%H:%M')}" if s.id in done_by else "未签到"
        lines.append(f"<li>{escape(s.title)}（{fmt(s.starts_at, '%m月%d日 %H:%M')}）：{state}</li>")
    html = (f'<ul class="small mb-2 ps-3">{"".join(lines)}</ul>'
            f'<a class="btn btn-danger w-100" href="{url}">扫码签到</a>'
            '<div class="form-text">进入会场时，用手机扫描门口大屏上的签到二维码。</div>')
    return [{"key": "checkin", "title": "签到", "html": Markup(html), "order": 10}]


CARD_PROVIDERS.append(_delegate_card)


# ---- reports -----------------------------------------------------------------------------------------------------
@bp.get("/sittings/<int:sitting_id>/report")
@roles_required(Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN)
def report(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    att = services.attendance(sitting, with_records=True)
    records = sorted(att.checkins.values(), key=lambda c: (c.scanned_at, c.id))
    return render_template("checkin/report.html", sitting=sitting, att=att, records=records, now=utcnow())


@bp.get("/sittings/<int:sitting_id>/attendance.pdf")
@roles_required(Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN)
def attendance_pdf(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    pdf = exports.attendance_pdf(sitting, services.attendance(sitting))
    return _send(pdf, f"{sitting.title}出席情况统计.pdf", "application/pdf")


@bp.get("/sittings/<int:sitting_id>/signin.pdf")
@roles_required(Role.SECRETARIAT, Role.CHECKIN)
def signin_pdf(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    return _send(exports.signin_pdf(sitting), f"{sitting.title}签到表.pdf", "application/pdf")


@bp.get("/sittings/<int:sitting_id>/attendance.xlsx")
@roles_required(Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN)
def attendance_xlsx(sitting_id: int):
    sitting = services.get_sitting(sitting_id)
    data = exports.attendance_xlsx(sitting, services.attendance(sitting, with_records=True))
    return _send(data, f"{sitting.title}签到记录.xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---- passes ------------------------------------------------------------------------------------------------------
@bp.get("/passes")
@roles_required(Role.SECRETARIAT)
def passes():
    query = request.args.get("q", "")
    meeting = meetings.current_meeting()
    found = services.find_members(query, limit=50) if query else []
    from flask import current_app

    jobs = "jobs.create" in current_app.view_functions  # the bulk job runs in a worker process, not in a request
    return render_template("checkin/passes.html", meeting=meeting, query=query, found=found, jobs=jobs)


@bp.get("/members/<int:member_id>/pass.pdf")
@roles_required(Role.SECRETARIAT)
def member_pass(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    meeting = meetings.current_meeting()
    pdf = exports.passes_pdf(meeting, [member], layout="single")
    return _send(pdf, f"参会证-{member.member_no}.pdf", "application/pdf")


def _send(data: bytes, filename: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=request.args.get("download") == "1",
                     download_name=filename)
