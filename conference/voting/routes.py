"""HTTP: the presider's console, the big screen, the delegate's ballot page (and its HTTP fallback),
the receipt check, result sheets and exports."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from ..accounts.roles import Role
from ..delegate.routes import CARD_PROVIDERS
from ..errors import DomainError, wants_json
from ..extensions import db, limiter
from ..meetings import services as meetings
from ..web import current_member, roles_required
from . import services
from .forms import ElectionForm, MotionForm, OpenForm, documents_from
from .lifecycle import State
from .models import Elector, Vote, VoteKind, VoteParticipation

bp = Blueprint("voting", __name__, url_prefix="/voting")


@bp.get("/")
@roles_required(Role.PRESIDER)
def index():
    meeting = meetings.current_meeting()
    open_votes = {}
    if meeting is not None:
        for s in meeting.sittings:
            open_votes[s.id] = services.open_vote_of(s.id)
    return render_template("voting/index.html", meeting=meeting, open_votes=open_votes)


@bp.get("/sittings/<int:sitting_id>")
@roles_required(Role.PRESIDER)
def sitting(sitting_id: int):
    sitting = meetings.get_sitting(sitting_id)
    if services.close_overdue(sitting.id):
        db.session.commit()
    votes = services.votes_of(sitting)
    return render_template("voting/sitting.html", sitting=sitting, votes=votes, motion_form=MotionForm(prefix="m"),
                           election_form=ElectionForm(prefix="e"), open_form=OpenForm(prefix="o"),
                           open_vote=next((v for v in votes if v.state == State.OPEN), None),
                           turnout=services.turnout, State=State, present=len(services.present_ids(sitting)),
                           expected=len(meetings.expected_ids(sitting)))


@bp.post("/sittings/<int:sitting_id>/motions")
@roles_required(Role.PRESIDER)
def create_motion(sitting_id: int):
    sitting = meetings.get_sitting(sitting_id)
    form = MotionForm(prefix="m")
    if not form.validate_on_submit():
        raise DomainError("bad_form", "表决信息有误：" + _errors(form))
    vote = services.create_motion(sitting, title=form.title.data, agenda_item_id=form.agenda_item_id.data,
                                  documents=documents_from(form.documents.data), secret=form.secret.data,
                                  changeable=form.changeable.data, **form.rule_fields())
    db.session.commit()
    flash(f"已新建表决：{vote.title}", "success")
    return redirect(url_for(".sitting", sitting_id=sitting.id))


@bp.post("/sittings/<int:sitting_id>/elections")
@roles_required(Role.PRESIDER)
def create_election(sitting_id: int):
    sitting = meetings.get_sitting(sitting_id)
    form = ElectionForm(prefix="e")
    if not form.validate_on_submit():
        raise DomainError("bad_form", "选举信息有误：" + _errors(form))
    vote = services.create_election(sitting, title=form.title.data,
                                    candidate_ids=services.resolve_candidates(form.candidates.data),
                                    seats=form.seats.data, mode=form.mode.data, write_ins=form.write_ins.data,
                                    secret=form.secret.data, changeable=form.changeable.data,
                                    agenda_item_id=form.agenda_item_id.data,
                                    documents=documents_from(form.documents.data), **form.rule_fields())
    db.session.commit()
    flash(f"已新建选举：{vote.title}（{services.election_kind_label(vote)}）", "success")
    return redirect(url_for(".sitting", sitting_id=sitting.id))


def _errors(form) -> str:
    return "；".join(f"{getattr(form, name).label.text}：{'、'.join(errs)}" for name, errs in form.errors.items())


def _done(vote: Vote, message: str):
    db.session.commit()
    if wants_json():
        return jsonify({"ok": True, "message": message, "vote": services.staff_summary(vote, with_result=True)})
    flash(message, "success")
    return redirect(url_for(".sitting", sitting_id=vote.sitting_id))


@bp.post("/votes/<int:vote_id>/open")
@roles_required(Role.PRESIDER)
def open_vote(vote_id: int):
    payload = request.get_json(silent=True) or request.form
    duration = payload.get("duration") or payload.get("o-duration") or None
    vote = services.open_vote(vote_id, duration_seconds=duration)
    return _done(vote, f"已开始投票：{vote.title}（表决人 {vote.electorate_count} 人）")


@bp.post("/votes/<int:vote_id>/close")
@roles_required(Role.PRESIDER)
def close_vote(vote_id: int):
    vote = services.close_vote(vote_id)
    return _done(vote, f"投票已结束：{vote.title}")


@bp.post("/votes/<int:vote_id>/publish")
@roles_required(Role.PRESIDER)
def publish_vote(vote_id: int):
    vote = services.publish_vote(vote_id)
    return _done(vote, f"已公布结果：{vote.title}")


@bp.post("/votes/<int:vote_id>/cancel")
@roles_required(Role.PRESIDER)
def cancel_vote(vote_id: int):
    vote = services.cancel_vote(vote_id, reason=(request.form.get("reason") or ""))
    return _done(vote, f"已取消：{vote.title}")


@bp.post("/votes/<int:vote_id>/rerun")
@roles_required(Role.PRESIDER)
def rerun_vote(vote_id: int):
    vote = services.rerun_vote(vote_id, reason=(request.form.get("reason") or ""))
    return _done(vote, f"已建立重新表决（原记录保留）：{vote.title}")


@bp.post("/votes/<int:vote_id>/delete")
@roles_required(Role.PRESIDER)
def delete_vote(vote_id: int):
    vote = services.get_vote(vote_id)
    sitting_id = vote.sitting_id
    services.delete_draft(vote_id)
    db.session.commit()
    flash("已删除未开始的表决", "success")
    return redirect(url_for(".sitting", sitting_id=sitting_id))


@bp.get("/votes/<int:vote_id>")
@roles_required(Role.PRESIDER)
def detail(vote_id: int):
    vote = services.get_vote(vote_id)
    named = services.named_list(vote) if not vote.secret and vote.state in (State.CLOSED, State.PUBLISHED) else []
    return render_template("voting/detail.html", vote=vote, named=named, payload=services.result_payload(vote),
                           State=State)


@bp.get("/votes/<int:vote_id>/result.pdf")
@roles_required(Role.PRESIDER)
def result_pdf(vote_id: int):
    vote = services.get_vote(vote_id)
    pdf = services.result_pdf(vote)
    name = "表决结果" if vote.kind == VoteKind.MOTION else "选举结果"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{_quote(name)}-{vote.id}.pdf"})


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


@bp.get("/votes/<int:vote_id>/result.<fmt>")
@roles_required(Role.PRESIDER)
def export(vote_id: int, fmt: str):
    vote = services.get_vote(vote_id)
    if vote.state not in (State.CLOSED, State.PUBLISHED):
        raise DomainError("not_closed", "表决结束后才能导出结果")
    rows = services.result_rows(vote)
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        return Response("\ufeff" + buf.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=vote-{vote.id}.csv"})
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "结果"
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        return Response(out.getvalue(), headers={"Content-Disposition": f"attachment; filename=vote-{vote.id}.xlsx"},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    raise DomainError("not_found", "不支持的导出格式", status=404)


@bp.get("/sittings/<int:sitting_id>/screen")
@roles_required(Role.SCREEN, Role.PRESIDER)
def screen(sitting_id: int):
    sitting = meetings.get_sitting(sitting_id)
    return render_template("voting/screen.html", sitting=sitting)


@bp.get("/sittings/<int:sitting_id>/vote")
@roles_required(Role.DELEGATE)
def delegate_page(sitting_id: int):
    sitting = meetings.get_sitting(sitting_id)
    return render_template("voting/vote.html", sitting=sitting, member=current_member())


@bp.get("/sittings/<int:sitting_id>/state")
@roles_required(Role.DELEGATE, Role.PRESIDER, Role.SCREEN)
def state(sitting_id: int):
    """HTTP fallback of the ``voting:state`` socket event."""
    meetings.get_sitting(sitting_id)
    data = services.delegate_state(sitting_id, current_member())
    db.session.commit()
    return jsonify(data)


@bp.post("/votes/<int:vote_id>/ballot")
@roles_required(Role.DELEGATE)
def cast(vote_id: int):
    """HTTP fallback of the ``voting:cast`` socket event: the same service, the same answer."""
    result = services.cast_ballot(vote_id, current_member(), request.get_json(silent=True) or {})
    db.session.commit()
    return jsonify(result)


@bp.route("/receipt", methods=["GET", "POST"])
@roles_required(Role.DELEGATE, Role.PRESIDER)
@limiter.limit("30 per minute", methods=["POST"])
def receipt():
    result = error = None
    code = ""
    if request.method == "POST":
        code = request.form.get("code", "")
        try:
            result = services.check_receipt(code)
        except DomainError as exc:
            error = exc.message
    return render_template("voting/receipt.html", result=result, error=error, code=code), (404 if error else 200)


def _delegate_card(member, meeting) -> list[dict]:
    """/me/ card "表决": shown while a vote is open in one of the meeting's sittings."""
    if member is None or meeting is None:
        return []
    sitting_ids = [s.id for s in meeting.sittings]
    if not sitting_ids:
        return []
    votes = db.session.scalars(select(Vote).where(Vote.sitting_id.in_(sitting_ids), Vote.state == State.OPEN)).all()
    cards = []
    for vote in votes:
        mine = db.session.get(Elector, (vote.id, member.id)) is not None
        voted = mine and db.session.get(VoteParticipation, (vote.id, member.id)) is not None
        status = "您已投票" if voted else ("请投票" if mine else "您不在本次表决人名单中")
        url = url_for("voting.delegate_page", sitting_id=vote.sitting_id)
        html = Markup('<p class="mb-2">{}：<strong>{}</strong></p><a class="btn btn-danger btn-sm" href="{}">{}</a>').format(
            escape(vote.kind.label), escape(vote.title), url, "进入表决" if mine and not voted else "查看")
        html += Markup('<span class="ms-2 small text-muted">{}</span>').format(status)
        cards.append({"key": f"vote-{vote.id}", "title": "表决", "html": html, "order": 1})
    return cards


CARD_PROVIDERS.append(_delegate_card)


@bp.app_template_filter("vote_state_badge")
def vote_state_badge(state) -> Markup:
    colour = {State.DRAFT: "secondary", State.OPEN: "danger", State.CLOSED: "warning", State.PUBLISHED: "success",
              State.CANCELLED: "dark"}[State(state)]
    return Markup('<span class="badge text-bg-{}">{}</span>').format(colour, State(state).label)

