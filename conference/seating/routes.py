"""Seat maps for the secretariat, the delegate's seat page, exports."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup

from ..accounts.roles import Role
from ..delegate.routes import CARD_PROVIDERS
from ..errors import DomainError
from ..extensions import db
from ..meetings.services import get_sitting
from ..timeutil import fmt
from ..web import current_member, json_body, roles_required
from . import services
from .forms import AutoSeatForm, ChooseHallForm, CopyPlanForm, HallImportForm, HallParamsForm, RowRenameForm
from .halls import layout_from_params

bp = Blueprint("seating", __name__)


def _int(body: dict, key: str) -> int:
    try:
        return int(body.get(key))
    except (TypeError, ValueError):
        raise DomainError("bad_request", f"缺少或无效的参数 {key}") from None


# ---- halls -------------------------------------------------------------------------------------------------------
@bp.route("/seating/halls", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def halls():
    form = HallParamsForm()
    if form.validate_on_submit():
        zones = []
        if form.rostrum_rows.data:
            zones.append({"key": "rostrum", "name": "主席台", "kind": "rostrum", "rows": form.rostrum_rows.data,
                          "seats_per_row": form.rostrum_seats.data, "numbering": form.numbering.data})
        names = [n.strip() for n in form.sections.data.replace("，", ",").split(",") if n.strip()]
        for i, name in enumerate(names):
            zones.append({"key": f"f{i + 1}", "name": name, "kind": "floor", "rows": form.floor_rows.data,
                          "seats_per_row": form.floor_seats.data, "numbering": form.numbering.data})
        if form.attendee_rows.data:
            zones.append({"key": "attend", "name": "列席区", "kind": "balcony", "rows": form.attendee_rows.data,
                          "seats_per_row": form.attendee_seats.data, "numbering": "ltr", "attendees": True})
        try:
            layout = layout_from_params(form.name.data.strip(), zones)
        except ValueError as exc:
            raise DomainError("bad_layout", getattr(exc, "message", str(exc))) from None
        hall = services.save_hall(layout)
        db.session.commit()
        flash(f"会场“{hall.name}”已创建，共 {len(hall.seats)} 个座位", "success")
        return redirect(url_for(".hall_edit", hall_id=hall.id))
    return render_template("seating/halls.html", halls=services.list_halls(), form=form,
                           import_form=HallImportForm())


@bp.post("/seating/halls/import")
@roles_required(Role.SECRETARIAT)
def hall_import():
    form = HallImportForm()
    if not form.validate_on_submit():
        raise DomainError("bad_request", "表单已过期，请刷新后重试")
    text = form.file.data.read() if form.file.data else (form.text.data or "")
    if not text:
        raise DomainError("bad_json", "请选择会场 JSON 文件或粘贴 JSON")
    hall = services.import_hall(text)
    db.session.commit()
    flash(f"会场“{hall.name}”已导入", "success")
    return redirect(url_for(".hall_edit", hall_id=hall.id))


@bp.get("/seating/halls/<int:hall_id>")
@roles_required(Role.SECRETARIAT)
def hall_edit(hall_id: int):
    hall = services.get_hall(hall_id)
    form = RowRenameForm()
    form.zone.choices = [(z["key"], z["name"]) for z in hall.layout["zones"]]
    return render_template("seating/hall_edit.html", hall=hall, form=form)


@bp.post("/seating/halls/<int:hall_id>/rows")
@roles_required(Role.SECRETARIAT)
def hall_rename_row(hall_id: int):
    hall = services.get_hall(hall_id)
    form = RowRenameForm()
    form.zone.choices = [(z["key"], z["name"]) for z in hall.layout["zones"]]
    if not form.validate_on_submit():
        raise DomainError("bad_label", "请填写区域、排号和新名称")
    services.rename_row(hall, form.zone.data, form.row.data, form.label.data)
    db.session.commit()
    flash("排名称已修改", "success")
    return redirect(url_for(".hall_edit", hall_id=hall.id))


@bp.get("/seating/halls/<int:hall_id>/export.json")
@roles_required(Role.SECRETARIAT)
def hall_export(hall_id: int):
    hall = services.get_hall(hall_id)
    body = json.dumps(services.export_hall(hall), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=hall-{hall.id}.json"})


@bp.get("/seating/api/halls/<int:hall_id>")
@roles_required(Role.SECRETARIAT)
def hall_api(hall_id: int):
    hall = services.get_hall(hall_id)
    return jsonify({"ok": True, "hall": {"id": hall.id, "name": hall.name,
                                         "entrances": hall.layout.get("entrances", [])},
                    "seats": [[s.id, s.x, s.y, s.zone_name, s.row_label, s.number, s.status, s.kind, s.zone, s.row]
                              for s in hall.seats], "assigned": {}, "sectors": [], "unseated": []})


@bp.post("/seating/api/halls/<int:hall_id>/seats/<int:seat_id>/status")
@roles_required(Role.SECRETARIAT)
def hall_seat_status(hall_id: int, seat_id: int):
    seat = services.set_seat_status(services.get_hall(hall_id), seat_id, str(json_body().get("status")))
    db.session.commit()
    return jsonify({"ok": True, "seat_id": seat.id, "status": seat.status})


# ---- plans -------------------------------------------------------------------------------------------------------
@bp.get("/seating/sittings/<int:sitting_id>")
@roles_required(Role.SECRETARIAT)
def plan(sitting_id: int):
    sitting = get_sitting(sitting_id)
    current = services.get_plan(sitting.id)
    hall_form = ChooseHallForm(hall_id=current.hall_id if current else None)
    hall_form.hall_id.choices = [(h.id, f"{h.name}（{len(h.seats)} 座）") for h in services.list_halls()]
    auto_form = AutoSeatForm()
    if current and current.options:
        auto_form.rostrum_roles.data = current.options.get("rostrum_roles", auto_form.rostrum_roles.default)
        auto_form.leave.data = current.options.get("leave", "empty")
    copy_form = CopyPlanForm()
    copy_form.source_id.choices = [(s.id, s.title) for s in sitting.meeting.sittings
                                   if s.id != sitting.id and services.get_plan(s.id)]
    return render_template("seating/plan.html", sitting=sitting, current=current, hall_form=hall_form,
                           auto_form=auto_form, copy_form=copy_form)


@bp.post("/seating/sittings/<int:sitting_id>/hall")
@roles_required(Role.SECRETARIAT)
def plan_hall(sitting_id: int):
    sitting = get_sitting(sitting_id)
    form = ChooseHallForm()
    form.hall_id.choices = [(h.id, h.name) for h in services.list_halls()]
    if not form.validate_on_submit():
        raise DomainError("bad_request", "请选择会场")
    services.set_hall(sitting, services.get_hall(form.hall_id.data))
    db.session.commit()
    flash("已指定会场", "success")
    return redirect(url_for(".plan", sitting_id=sitting.id))


@bp.post("/seating/sittings/<int:sitting_id>/auto")
@roles_required(Role.SECRETARIAT)
def plan_auto(sitting_id: int):
    sitting = get_sitting(sitting_id)
    form = AutoSeatForm()
    if not form.validate_on_submit():
        raise DomainError("bad_request", "自动排座选项无效")
    result = services.auto_seat(sitting, rostrum_roles=form.rostrum_roles.data or (), leave=form.leave.data,
                                allow_partial=form.allow_partial.data)
    db.session.commit()
    flash(f"自动排座完成：已安排 {len(result.seats)} 人" + (f"，请假留空 {len(result.held)} 个" if result.held else "")
          + (f"，{len(result.unseated)} 人未能安排" if result.unseated else ""),
          "warning" if result.unseated else "success")
    return redirect(url_for(".plan", sitting_id=sitting.id))


@bp.post("/seating/sittings/<int:sitting_id>/copy")
@roles_required(Role.SECRETARIAT)
def plan_copy(sitting_id: int):
    sitting = get_sitting(sitting_id)
    form = CopyPlanForm()
    form.source_id.choices = [(s.id, s.title) for s in sitting.meeting.sittings]
    if not form.validate_on_submit():
        raise DomainError("bad_request", "请选择要复制的会次")
    copied = services.copy_plan(get_sitting(form.source_id.data), sitting)
    db.session.commit()
    flash(f"已复制 {copied} 人的座位", "success")
    return redirect(url_for(".plan", sitting_id=sitting.id))


@bp.get("/seating/api/sittings/<int:sitting_id>/plan")
@roles_required(Role.SECRETARIAT)
def plan_api(sitting_id: int):
    return jsonify({"ok": True, **services.plan_payload(get_sitting(sitting_id))})


@bp.post("/seating/api/sittings/<int:sitting_id>/move")
@roles_required(Role.SECRETARIAT)
def plan_move(sitting_id: int):
    body = json_body()
    services.move(get_sitting(sitting_id), _int(body, "member_id"), _int(body, "seat_id"))
    db.session.commit()
    return jsonify({"ok": True})


@bp.post("/seating/api/sittings/<int:sitting_id>/swap")
@roles_required(Role.SECRETARIAT)
def plan_swap(sitting_id: int):
    body = json_body()
    services.swap(get_sitting(sitting_id), _int(body, "a"), _int(body, "b"))
    db.session.commit()
    return jsonify({"ok": True})


@bp.post("/seating/api/sittings/<int:sitting_id>/lock")
@roles_required(Role.SECRETARIAT)
def plan_lock(sitting_id: int):
    body = json_body()
    a = services.set_lock(get_sitting(sitting_id), _int(body, "seat_id"), bool(body.get("locked")))
    db.session.commit()
    return jsonify({"ok": True, "locked": a.locked})


@bp.post("/seating/api/sittings/<int:sitting_id>/unassign")
@roles_required(Role.SECRETARIAT)
def plan_unassign(sitting_id: int):
    services.unassign(get_sitting(sitting_id), _int(json_body(), "member_id"))
    db.session.commit()
    return jsonify({"ok": True})


@bp.get("/seating/api/sittings/<int:sitting_id>/search")
@roles_required(Role.SECRETARIAT, Role.CHECKIN)
def plan_search(sitting_id: int):
    return jsonify({"ok": True, "results": services.search(get_sitting(sitting_id), request.args.get("q", ""))})


@bp.get("/seating/sittings/<int:sitting_id>/chart.pdf")
@roles_required(Role.SECRETARIAT)
def plan_pdf(sitting_id: int):
    sitting = get_sitting(sitting_id)
    return Response(services.chart_pdf(sitting), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=seating-{sitting.id}.pdf"})


@bp.get("/seating/sittings/<int:sitting_id>/plan.xlsx")
@roles_required(Role.SECRETARIAT)
def plan_xlsx(sitting_id: int):
    sitting = get_sitting(sitting_id)
    return Response(services.plan_xlsx(sitting),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=seating-{sitting.id}.xlsx"})


# ---- the delegate ----------------------------------------------------------------------------------------------
@bp.get("/seat/<int:sitting_id>")
@roles_required(Role.DELEGATE)
def my_seat(sitting_id: int):
    sitting = get_sitting(sitting_id)
    member = current_member()
    view = services.seat_view(sitting, member.id)
    return render_template("seating/my_seat.html", sitting=sitting, member=member, view=view)


def seat_card(member, meeting) -> list[dict]:
    sitting = services.delegate_sitting(member, meeting) if member is not None else None
    if sitting is None:
        return []
    label = services.seat_label(sitting.id, member.id)
    html = Markup('<div class="small text-muted">{}　{}</div><div class="fs-6 fw-bold">{}</div>'
                  '<a class="btn btn-sm btn-outline-danger mt-1" href="{}">查看座位图</a>').format(
        sitting.title, fmt(sitting.starts_at, "%m月%d日 %H:%M"), label or "", url_for("seating.my_seat", sitting_id=sitting.id))
    return [{"key": "seat", "title": "我的座位", "html": html, "order": 20}]


if seat_card not in CARD_PROVIDERS and not any(getattr(p, "__name__", "") == "seat_card" and
                                               getattr(p, "__module__", "") == __name__ for p in CARD_PROVIDERS):
    CARD_PROVIDERS.append(seat_card)

