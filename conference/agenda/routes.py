"""Agenda and documents: the secretariat's pages, the presider's console, the big screen, the delegate's phone."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..accounts.roles import Role
from ..delegate.routes import CARD_PROVIDERS
from ..errors import DomainError
from ..extensions import db
from ..meetings import services as meetings
from ..timeutil import CHINA, local
from ..web import current_member, roles_required
from . import audience as aud
from . import services
from .models import Document, DocumentState

bp = Blueprint("agenda", __name__, url_prefix="/agenda")
ANY_READER = (Role.SECRETARIAT, Role.PRESIDER, Role.SCREEN, Role.DELEGATE)


def _ok(message: str, target: str):
    db.session.commit()
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify({"ok": True, "message": message})
    flash(message, "success")
    return redirect(target)


# ==== secretariat: meeting overview, documents, notices ============================================
@bp.get("/")
@roles_required(Role.SECRETARIAT)
def index():
    meeting = meetings.current_meeting()
    if meeting is None:
        flash("还没有会议，请先新建会议", "warning")
        return redirect(url_for("meetings.list_meetings"))
    return redirect(url_for(".meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>")
@roles_required(Role.SECRETARIAT)
def meeting(meeting_id: int):
    m = meetings.get_meeting(meeting_id)
    docs = services.meeting_documents(m)
    notices = services.meeting_notices(m)
    sittings = [{"sitting": s, "items": len(services.items_of(s)), "version": services.latest_version(s.id)}
                for s in m.sittings]
    items = [(s, i) for s in m.sittings for i in services.items_of(s)]
    return render_template("agenda/meeting.html", meeting=m, sittings=sittings, documents=docs,
                           reads=services.read_counts([d.id for d in docs]), notices=notices,
                           notice_reads=services.notice_read_counts([n.id for n in notices]),
                           items=items, choices=services.audience_choices(), kinds=aud.KIND_LABELS,
                           audience_label=services.audience_label, expired=services.expired,
                           word_ok=services.office_binary() is not None,
                           jobs_enabled="jobs.create" in current_app.view_functions,
                           limit_mb=int(_limit() // (1024 * 1024)))


def _limit() -> int:
    return int(current_app.config.get("AGENDA_MAX_DOCUMENT_BYTES", services.DEFAULT_DOCUMENT_LIMIT))


@bp.post("/meetings/<int:meeting_id>/documents")
@roles_required(Role.SECRETARIAT)
def upload(meeting_id: int):
    m = meetings.get_meeting(meeting_id)
    upload = request.files.get("file")
    audience = services.audience_from_form(request.form)
    target = request.form.get("target", "")
    sitting_id = target[2:] if target.startswith("s:") else None
    item_id = target[2:] if target.startswith("i:") else None
    doc = services.upload_document(
        m, filename=upload.filename if upload else "", stream=upload.stream if upload else None,
        title=request.form.get("title", ""), audience=audience, sitting_id=sitting_id, agenda_item_id=item_id,
        view_only=bool(request.form.get("view_only")),
        withdraw_after_meeting=bool(request.form.get("withdraw_after_meeting")))
    if request.form.get("publish"):
        services.publish_document(doc)
    return _ok(f"文件《{doc.title}》已上传" + ("并发布" if doc.state == DocumentState.PUBLISHED else "（草稿）"),
               url_for(".meeting", meeting_id=m.id) + "#documents")


@bp.post("/documents/<int:document_id>/publish")
@roles_required(Role.SECRETARIAT)
def publish_document(document_id: int):
    doc = services.publish_document(services.get_document(document_id))
    return _ok(f"文件《{doc.title}》已发布", url_for(".meeting", meeting_id=doc.meeting_id) + "#documents")


@bp.post("/documents/<int:document_id>/withdraw")
@roles_required(Role.SECRETARIAT)
def withdraw_document(document_id: int):
    doc = services.withdraw_document(services.get_document(document_id))
    return _ok(f"文件《{doc.title}》已撤回", url_for(".meeting", meeting_id=doc.meeting_id) + "#documents")


@bp.get("/documents/<int:document_id>/receipts")
@roles_required(Role.SECRETARIAT)
def receipts(document_id: int):
    doc = services.get_document(document_id)
    return render_template("agenda/receipts.html", doc=doc, report=services.receipts_report(doc),
                           audience=services.audience_label(doc.audience))


@bp.post("/documents/<int:document_id>/remind")
@roles_required(Role.SECRETARIAT)
def remind(document_id: int):
    doc = services.get_document(document_id)
    notice = services.remind_unread(doc)
    return _ok(f"已向 {notice.recipients} 位未读人员发送提醒", url_for(".receipts", document_id=doc.id))


@bp.post("/meetings/<int:meeting_id>/notices")
@roles_required(Role.SECRETARIAT)
def send_notice(meeting_id: int):
    m = meetings.get_meeting(meeting_id)
    audience = services.audience_from_form(request.form)
    notice = services.send_notice(m, title=request.form.get("title", ""), body=request.form.get("body", ""),
                                  audience=audience)
    return _ok(f"通知已发送给 {notice.recipients} 人", url_for(".meeting", meeting_id=m.id) + "#notices")


# ==== secretariat: a sitting's agenda ===============================================================
def _planned(value: str | None, sitting) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        hour, minute = (int(x) for x in value.split(":")[:2])
        day = local(sitting.starts_at).date()
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA)
    except (TypeError, ValueError):
        raise DomainError("bad_time", "时间格式应为 时:分，如 09:30") from None


@bp.get("/sittings/<int:sitting_id>")
@roles_required(Role.SECRETARIAT)
def sitting(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    items = services.items_of(s)
    docs = services._documents_by_item([i.id for i in items])
    return render_template("agenda/sitting.html", sitting=s, items=items, docs=docs,
                           votes=services.linked_votes([i.id for i in items]),
                           versions=services.versions_of(s), pending=services.pending_changes(s))


@bp.post("/sittings/<int:sitting_id>/items")
@roles_required(Role.SECRETARIAT)
def add_item(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    services.add_item(s, title=request.form.get("title", ""), presenter=request.form.get("presenter", ""),
                      planned_at=_planned(request.form.get("planned"), s), minutes=request.form.get("minutes"))
    return _ok("已添加议程项（草稿，发布后委员可见）", url_for(".sitting", sitting_id=s.id))


@bp.post("/items/<int:item_id>")
@roles_required(Role.SECRETARIAT)
def edit_item(item_id: int):
    item = services.get_item(item_id)
    services.update_item(item, title=request.form.get("title", ""), presenter=request.form.get("presenter", ""),
                         planned_at=_planned(request.form.get("planned"), item.sitting),
                         minutes=request.form.get("minutes"))
    return _ok("议程项已保存（草稿）", url_for(".sitting", sitting_id=item.sitting_id))


@bp.post("/items/<int:item_id>/delete")
@roles_required(Role.SECRETARIAT)
def delete_item(item_id: int):
    item = services.get_item(item_id)
    sitting_id = item.sitting_id
    services.delete_item(item)
    return _ok("议程项已删除（草稿）", url_for(".sitting", sitting_id=sitting_id))


@bp.post("/sittings/<int:sitting_id>/order")
@roles_required(Role.SECRETARIAT)
def reorder(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    body = request.get_json(silent=True) or {}
    services.reorder(s, body.get("order") or [])
    db.session.commit()
    return jsonify({"ok": True, "message": "顺序已保存（草稿，发布后委员可见）"})


@bp.post("/sittings/<int:sitting_id>/publish")
@roles_required(Role.SECRETARIAT)
def publish(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    version = services.publish_agenda(s)
    return _ok(f"议程第 {version.number} 版已发布，已通知委员", url_for(".sitting", sitting_id=s.id))


@bp.get("/sittings/<int:sitting_id>/versions/<int:number>")
@roles_required(*ANY_READER)
def version(sitting_id: int, number: int):
    s = meetings.get_sitting(sitting_id)
    v = services.get_version(s, number)
    light = current_user.role == Role.DELEGATE
    return render_template("agenda/version.html", sitting=s, version=v, light=light,
                           all_versions=services.versions_of(s))


# ==== presider console, big screen, live state ====================================================
@bp.get("/sittings/<int:sitting_id>/console")
@roles_required(Role.PRESIDER)
def console(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    return render_template("agenda/console.html", sitting=s, items=services.items_of(s),
                           state=services.live_state(s, current_user))


@bp.post("/sittings/<int:sitting_id>/current")
@roles_required(Role.PRESIDER)
def move(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    body = request.get_json(silent=True) or request.form
    if body.get("step") not in (None, ""):
        services.step_current(s, 1 if int(body.get("step")) > 0 else -1)
    else:
        services.set_current(s, body.get("item_id"))
    db.session.commit()
    return jsonify({"ok": True, "state": services.live_state(s, current_user)})


@bp.get("/sittings/<int:sitting_id>/screen")
@roles_required(Role.SCREEN, Role.PRESIDER)
def screen(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    version, items = services.published_items(s)
    return render_template("agenda/screen.html", sitting=s, items=items or [
        {"id": i.id, "title": i.title, "presenter": i.presenter} for i in services.items_of(s)],
        state=services.live_state(s, current_user))


@bp.get("/sittings/<int:sitting_id>/state")
@roles_required(*ANY_READER)
def state(sitting_id: int):
    return jsonify({"ok": True, "state": services.live_state(meetings.get_sitting(sitting_id), current_user)})


# ==== delegate: agenda, documents, notices =========================================================
@bp.get("/sittings/<int:sitting_id>/view")
@roles_required(*ANY_READER)
def view(sitting_id: int):
    s = meetings.get_sitting(sitting_id)
    version, items = services.published_items(s)
    docs = services._documents_by_item([i["id"] for i in items])
    visible = {item_id: [d for d in ds if services._may_list(d, current_user)] for item_id, ds in docs.items()}
    return render_template("agenda/view.html", sitting=s, version=version, items=items, docs=visible,
                           state=services.live_state(s, current_user))


@bp.get("/my/documents")
@roles_required(Role.DELEGATE)
def my_documents():
    return render_template("agenda/my_documents.html",
                           rows=services.my_documents(current_member(), meetings.current_meeting()))


@bp.get("/my/notices")
@roles_required(Role.DELEGATE)
def my_notices():
    rows = services.notices_for(current_member(), meetings.current_meeting(), limit=200)
    services.mark_notices_read(current_member(), [r["notice"].id for r in rows if not r["read"]])
    db.session.commit()
    return render_template("agenda/my_notices.html", rows=rows)


@bp.get("/documents/<int:document_id>")
@roles_required(*ANY_READER)
def read(document_id: int):
    doc = db.session.get(Document, document_id)
    services.check_read(doc, current_user)
    if current_user.role == Role.DELEGATE:
        services.record_open(doc, current_member())
        db.session.commit()
    return render_template("agenda/read.html", doc=doc,
                           can_download=not (doc.view_only and current_user.role == Role.DELEGATE))


@bp.get("/documents/<int:document_id>/pages/<int:page>.jpg")
@roles_required(*ANY_READER)
def page(document_id: int, page: int):
    doc = db.session.get(Document, document_id)
    data = services.page_image(doc, current_user, page)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/documents/<int:document_id>/download")
@roles_required(*ANY_READER)
def download(document_id: int):
    doc = db.session.get(Document, document_id)
    data, mimetype, name = services.watermarked_download(doc, current_user)
    from ..audit.services import record

    record("document.download", f"document:{doc.id}", {"title": doc.title})
    db.session.commit()
    response = Response(data, mimetype=mimetype)
    from urllib.parse import quote

    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ==== delegate home cards ========================================================================
def _cards(member, meeting) -> list[dict]:
    if member is None:
        return []
    notices = services.notices_for(member, meeting, limit=5)
    unread_notices = sum(1 for n in notices if not n["read"])
    day, sittings = services.sittings_for_day(meeting, member)
    today = [{"sitting": s, "published": services.published_items(s),
              "state": services.live_state(s, current_user)} for s in sittings]
    docs = services.my_documents(member, meeting)
    return [
        {"key": "notices", "order": 5, "title": "通知",
         "html": Markup(render_template("agenda/_card_notices.html", rows=notices, unread=unread_notices))},
        {"key": "today", "order": 20, "title": "今日会议" if day == services.today_local() else "近期会议",
         "html": Markup(render_template("agenda/_card_today.html", day=day, today=today))},
        {"key": "documents", "order": 30, "title": "我的文件",
         "html": Markup(render_template("agenda/_card_documents.html", rows=docs[:8], total=len(docs),
                                        unread=sum(1 for r in docs if not r["read"])))},
    ]


CARD_PROVIDERS.append(_cards)


# ==== PDFs: 会议议程, 日程, 会议手册 =====================================================================
def _pdf_response(data: bytes, name: str):
    from urllib.parse import quote

    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


@bp.get("/meetings/<int:meeting_id>/agenda.pdf")
@roles_required(*ANY_READER)
def agenda_pdf(meeting_id: int):
    from ..pdf.renderers import render_agenda
    from . import printing

    m = meetings.get_meeting(meeting_id)
    data = render_agenda(printing.agenda(m, drafts=current_user.role != Role.DELEGATE))
    return _pdf_response(data, f"{m.title}议程.pdf")


@bp.get("/meetings/<int:meeting_id>/schedule.pdf")
@roles_required(*ANY_READER)
def schedule_pdf(meeting_id: int):
    from ..pdf.renderers import render_schedule
    from . import printing

    m = meetings.get_meeting(meeting_id)
    return _pdf_response(render_schedule(printing.schedule(m)), f"{m.title}日程.pdf")


@bp.get("/meetings/<int:meeting_id>/handbook.pdf")
@roles_required(Role.SECRETARIAT, Role.DELEGATE)
def handbook_pdf(meeting_id: int):
    from ..pdf.renderers import render_handbook
    from . import printing

    m = meetings.get_meeting(meeting_id)
    return _pdf_response(render_handbook(printing.handbook(m)), f"{m.title}会议手册.pdf")
