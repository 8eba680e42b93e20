"""Registration pages: 委员名册, 界别/讨论组, import/export, 笔画排序, 报到, 请假 (staff and the delegate's own)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from ..accounts.roles import Role
from ..audit.services import actor_label
from ..delegate.routes import CARD_PROVIDERS
from ..errors import DomainError
from ..extensions import db
from ..meetings import services as meetings
from ..timeutil import fmt
from ..web import current_member, roles_required
from . import roster, services, strokes
from .forms import (ArrivalForm, ConfirmImportForm, DecisionForm, ImportForm, LeaveForm, MemberForm, NameForm,
                    NamesSortForm, StaffLeaveForm)
from .models import CommitteeRole, Group, LeaveStatus, MemberKind, Sector

bp = Blueprint("registration", __name__)

PENDING_KEY = "roster_import"


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


# ---- 委员名册 ---------------------------------------------------------------------------------------------

@bp.get("/roster", endpoint="roster")
@roles_required(Role.SECRETARIAT)
def roster_view():
    f = services.RosterFilter(q=request.args.get("q", ""), sector_id=_int_arg("sector_id"),
                              committee_role=request.args.get("committee_role", "") if request.args.get(
                                  "committee_role") in {r.value for r in CommitteeRole} else "",
                              kind=request.args.get("kind", "") if request.args.get("kind") in {
                                  k.value for k in MemberKind} else "",
                              order=request.args.get("order", "strokes"), page=_int_arg("page") or 1)
    result = services.roster_page(f)
    return render_template("registration/roster.html", result=result, f=f, sectors=services.list_sectors(),
                           roles=list(CommitteeRole), kinds=list(MemberKind))


def _member_form(member=None) -> MemberForm:
    form = MemberForm(obj=member)
    form.sector_id.choices = [(0, "—")] + [(s.id, s.name) for s in services.list_sectors()]
    form.group_id.choices = [(0, "—")] + [(g.id, g.name) for g in services.list_groups()]
    if member is not None and not form.is_submitted():
        form.gender.data = member.gender.value if member.gender else ""
        form.birth_month.data = roster.format_birth_month(member.birth_month)
        form.sector_id.data = member.sector_id or 0
        form.group_id.data = member.group_id or 0
        form.committee_role.data = member.committee_role.value
        form.kind.data = member.kind.value
    return form


@bp.route("/roster/new", methods=["GET", "POST"])
@bp.route("/roster/<int:member_id>", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def member_edit(member_id: int | None = None):
    member = services.get_member(member_id) if member_id else None
    form = _member_form(member)
    if form.validate_on_submit():
        member = services.save_member(member, form.data_for_service())
        db.session.commit()
        flash(f"已保存 {member.name}", "success")
        return redirect(url_for(".member_edit", member_id=member.id))
    creds = services.credentials(member) if member is not None else None
    login_url = url_for("accounts.token_login", token=creds["token"], _external=True) if creds else None
    return render_template("registration/member.html", form=form, member=member, creds=creds, login_url=login_url)


@bp.post("/roster/<int:member_id>/reissue")
@roles_required(Role.SECRETARIAT)
def member_reissue(member_id: int):
    member = services.get_member(member_id)
    services.reissue(member)
    db.session.commit()
    flash(f"已为 {member.name} 补办证件：旧证件、旧登录链接和旧登录码已失效，请打印新证件", "success")
    return redirect(url_for(".member_edit", member_id=member.id))


# ---- 界别 / 讨论组 -----------------------------------------------------------------------------------------

LABELLED = {"sectors": (Sector, "界别"), "groups": (Group, "讨论组")}


def _labelled(kind: str):
    if kind not in LABELLED:
        abort(404)
    return LABELLED[kind]


@bp.route("/roster/<any(sectors, groups):kind>", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def labelled(kind: str):
    model, label = _labelled(kind)
    form = NameForm()
    if form.validate_on_submit():
        item = services.add_labelled(model, form.name.data)
        db.session.commit()
        flash(f"已添加{label}“{item.name}”", "success")
        return redirect(url_for(".labelled", kind=kind))
    items = services.list_sectors() if model is Sector else services.list_groups()
    counts = services.sector_member_counts() if model is Sector else services.group_member_counts()
    return render_template("registration/labelled.html", kind=kind, label=label, items=items, counts=counts, form=form)


@bp.post("/roster/<any(sectors, groups):kind>/<int:item_id>/<any(rename, up, down, delete):action>")
@roles_required(Role.SECRETARIAT)
def labelled_action(kind: str, item_id: int, action: str):
    model, label = _labelled(kind)
    if action == "rename":
        services.rename_labelled(model, item_id, request.form.get("name", ""))
    elif action == "delete":
        services.delete_labelled(model, item_id)
    else:
        services.move_labelled(model, item_id, -1 if action == "up" else 1)
    db.session.commit()
    return redirect(url_for(".labelled", kind=kind))


@bp.post("/roster/sectors/reset-national")
@roles_required(Role.SECRETARIAT)
def sectors_reset():
    count = services.reset_national_sectors()
    db.session.commit()
    flash(f"已载入全国政协 {count} 个界别（可再修改、排序）", "success")
    return redirect(url_for(".labelled", kind="sectors"))


# ---- import / export --------------------------------------------------------------------------------------

@bp.route("/roster/import", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def roster_import():
    form = ImportForm()
    check = file_error = None
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            check = services.check_roster(data)
        except DomainError as exc:
            db.session.rollback()
            file_error = exc
        else:
            services.drop_pending(session.pop(PENDING_KEY, None))
            if check.ok:
                ref = services.store_pending(data)
                ref["filename"] = (form.file.data.filename or "")[:120]
                session[PENDING_KEY] = ref
        status = 200 if check is not None and check.ok else 400
        return render_template("registration/import.html", form=form, check=check, file_error=file_error,
                               confirm=ConfirmImportForm(digest=check.digest()) if check and check.ok else None,
                               filename=form.file.data.filename), status
    return render_template("registration/import.html", form=form, check=None, file_error=None, confirm=None,
                           filename=None), 400 if form.is_submitted() else 200


@bp.post("/roster/import/confirm")
@roles_required(Role.SECRETARIAT)
def roster_import_confirm():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        raise DomainError("bad_request", "请求无效，请重新上传名册")
    ref = session.get(PENDING_KEY)
    summary = services.confirm_import(ref, form.digest.data or "")
    db.session.commit()
    services.drop_pending(session.pop(PENDING_KEY, None))
    flash(f"名册已导入：新增 {summary['added']} 人，更新 {summary['changed']} 人，未变 {summary['unchanged']} 人", "success")
    return redirect(url_for(".roster"))


@bp.post("/roster/import/cancel")
@roles_required(Role.SECRETARIAT)
def roster_import_cancel():
    services.drop_pending(session.pop(PENDING_KEY, None))
    flash("已取消导入，数据库未作任何修改", "info")
    return redirect(url_for(".roster_import"))


@bp.get("/roster/export.xlsx")
@roles_required(Role.SECRETARIAT)
def roster_export():
    import io

    data = services.export_xlsx()
    return send_file(io.BytesIO(data), as_attachment=True, download_name="委员名册.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---- 笔画排序 ---------------------------------------------------------------------------------------------

@bp.route("/names/sort", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def names_sort():
    form = NamesSortForm()
    rows = None
    if form.validate_on_submit():
        conv = form.convention.data if form.convention.data in ("cppcc", "npc") else "cppcc"
        names = strokes.sort_names(roster.split_names(form.names.data), conv)
        rows = [(name, _strokes_of(name)) for name in names]
    return render_template("registration/names_sort.html", form=form, rows=rows)


def _strokes_of(name: str) -> str:
    parts = []
    for ch in name:
        if ch.isspace() or ch in strokes.SEPARATOR_DOTS:
            continue
        try:
            n = strokes.stroke_count(ch)
        except ValueError:
            n = None
        parts.append(f"{ch}{n if n is not None else '?'}")
    return " ".join(parts)


# ---- 报到 -------------------------------------------------------------------------------------------------

@bp.get("/arrivals")
@roles_required(Role.SECRETARIAT, Role.CHECKIN)
def arrivals():
    meeting = services.resolve_meeting(_int_arg("meeting_id"))
    overview = services.arrival_overview(meeting, sector_id=_int_arg("sector_id"), q=request.args.get("q", ""))
    return render_template("registration/arrivals.html", o=overview, meeting=meeting, form=ArrivalForm(),
                           sectors=services.list_sectors(), q=request.args.get("q", ""),
                           sector_id=_int_arg("sector_id"), meetings=meetings.list_meetings())


def _back_to_arrivals(meeting_id: int):
    return redirect(url_for(".arrivals", meeting_id=meeting_id, q=request.form.get("q") or None,
                            sector_id=request.form.get("sector_id") or None))


@bp.post("/arrivals/<int:meeting_id>/register")
@roles_required(Role.SECRETARIAT, Role.CHECKIN)
def arrival_register(meeting_id: int):
    meeting = meetings.get_meeting(meeting_id)
    form = ArrivalForm()
    if not form.validate_on_submit() or not str(form.member_id.data).isdigit():
        raise DomainError("bad_request", "请选择要报到的委员")
    arrival = services.register_arrival(meeting, int(form.member_id.data), recorded_by=actor_label(),
                                        lodging=form.lodging.data, dining=form.dining.data,
                                        transport=form.transport.data)
    db.session.commit()
    flash(f"{arrival.member.name} 已报到", "success")
    return _back_to_arrivals(meeting.id)


@bp.post("/arrivals/<int:meeting_id>/<int:member_id>/undo")
@roles_required(Role.SECRETARIAT, Role.CHECKIN)
def arrival_undo(meeting_id: int, member_id: int):
    meeting = meetings.get_meeting(meeting_id)
    member = services.undo_arrival(meeting, member_id)
    db.session.commit()
    flash(f"已撤销 {member.name} 的报到", "info")
    return _back_to_arrivals(meeting.id)


# ---- 请假: staff ------------------------------------------------------------------------------------------

def _sitting_choices(meeting):
    return [(s.id, f"{s.title}（{fmt(s.starts_at, '%m月%d日 %H:%M')}）") for s in (meeting.sittings if meeting else [])]


@bp.route("/leaves", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def leaves():
    meeting = services.resolve_meeting(_int_arg("meeting_id")) if meetings.list_meetings() else None
    form = StaffLeaveForm()
    form.sitting_id.choices = _sitting_choices(meeting)
    if form.validate_on_submit():
        member = services.find_member_by_no(form.member_no.data)
        sitting = meetings.get_sitting(form.sitting_id.data)
        services.file_leave(member, sitting, form.reason.data, filed_by=actor_label(), by_staff=True,
                            approve=form.approve.data)
        db.session.commit()
        flash(f"已为 {member.name} 登记“{sitting.title}”的请假", "success")
        return redirect(url_for(".leaves", meeting_id=meeting.id if meeting else None))
    status = request.args.get("status", "")
    status = status if status in {s.value for s in LeaveStatus} else ""
    items = services.list_leaves(meeting, status) if meeting else []
    return render_template("registration/leaves.html", meeting=meeting, leaves=items, form=form, status=status,
                           statuses=list(LeaveStatus), decision=DecisionForm(), sitting=None)


@bp.get("/sittings/<int:sitting_id>/leaves")
@roles_required(Role.SECRETARIAT)
def sitting_leaves(sitting_id: int):
    sitting = meetings.get_sitting(sitting_id)
    form = StaffLeaveForm()
    form.sitting_id.choices = _sitting_choices(sitting.meeting)
    form.sitting_id.data = sitting.id
    return render_template("registration/leaves.html", meeting=sitting.meeting, sitting=sitting,
                           leaves=services.sitting_leave_list(sitting), form=form, status="",
                           statuses=list(LeaveStatus), decision=DecisionForm())


@bp.post("/leaves/<int:leave_id>/<any(approve, refuse):action>")
@roles_required(Role.SECRETARIAT)
def leave_decide(leave_id: int, action: str):
    form = DecisionForm()
    if not form.validate_on_submit():
        raise DomainError("bad_request", "审批意见最多 200 字")
    leave = services.decide_leave(leave_id, action == "approve", form.note.data or "", decided_by=actor_label())
    db.session.commit()
    flash(f"已{'批准' if action == 'approve' else '不批准'} {leave.member.name} 的请假", "success")
    return redirect(request.referrer or url_for(".leaves"))


# ---- 请假: the delegate's own ------------------------------------------------------------------------------

@bp.route("/me/leave", methods=["GET", "POST"])
@roles_required(Role.DELEGATE)
def my_leave():
    member = services.require_own(current_member())
    meeting = meetings.current_meeting()
    open_sittings = services.leave_sittings(member, meeting)
    form = LeaveForm()
    form.sitting_id.choices = [(s.id, f"{s.title}（{fmt(s.starts_at, '%m月%d日 %H:%M')}）") for s in open_sittings]
    if form.validate_on_submit():
        sitting = meetings.get_sitting(form.sitting_id.data)
        if sitting.meeting_id != (meeting.id if meeting else None):
            raise DomainError("not_current_meeting", "只能为本次会议的会次请假")
        services.file_leave(member, sitting, form.reason.data, filed_by=actor_label())
        db.session.commit()
        flash(f"已提交“{sitting.title}”的请假，请等待秘书处审批", "success")
        return redirect(url_for(".my_leave"))
    return render_template("registration/my_leave.html", member=member, meeting=meeting, form=form,
                           open_sittings=open_sittings, leaves=services.member_leaves(member, meeting))


@bp.post("/me/leave/<int:leave_id>/withdraw")
@roles_required(Role.DELEGATE)
def my_leave_withdraw(leave_id: int):
    member = services.require_own(current_member())
    leave = services.withdraw_leave(member, leave_id)
    db.session.commit()
    flash(f"已撤回“{leave.sitting.title}”的请假", "info")
    return redirect(url_for(".my_leave"))


def leave_card(member, meeting) -> list[dict]:
    if member is None:
        return []
    items = services.member_leaves(member, meeting)
    rows = "".join(
        f'<li class="list-group-item d-flex justify-content-between px-0"><span>{escape(lv.sitting.title)}</span>'
        f'<span class="badge text-bg-{_BADGE[lv.status]}">{escape(lv.status.label)}</span></li>' for lv in items[:5])
    body = (f'<ul class="list-group list-group-flush small mb-2">{rows}</ul>' if rows
            else '<p class="small text-muted mb-2">暂无请假。</p>')
    link = f'<a class="btn btn-sm btn-outline-primary" href="{escape(url_for("registration.my_leave"))}">请假</a>'
    return [{"key": "leave", "title": "我的请假", "html": Markup(body + link), "order": 60}]


_BADGE = {LeaveStatus.PENDING: "warning", LeaveStatus.APPROVED: "success", LeaveStatus.REFUSED: "danger",
          LeaveStatus.WITHDRAWN: "secondary"}

if leave_card not in CARD_PROVIDERS:
    CARD_PROVIDERS.append(leave_card)


@bp.app_template_global("leave_badge")
def leave_badge(status) -> str:
    return _BADGE.get(status, "secondary")


@bp.app_template_global("viewer_label")
def viewer_label() -> str:
    return current_user.display_name if current_user.is_authenticated else ""
