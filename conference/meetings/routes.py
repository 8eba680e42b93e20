from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..accounts.roles import Role
from ..audit.services import record
from ..extensions import db
from ..registration.models import Group
from ..timeutil import CHINA, local
from ..web import roles_required
from . import services
from .forms import MeetingForm, SittingForm
from .models import Body, SittingKind

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.get("/")
@roles_required(Role.SECRETARIAT)
def list_meetings():
    return render_template("meetings/list.html", meetings=services.list_meetings())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def edit_meeting(meeting_id: int | None = None):
    meeting = services.get_meeting(meeting_id) if meeting_id else None
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        meeting = services.save_meeting(meeting, title=form.title.data, venue=form.venue.data,
                                        starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                        notes=form.notes.data or "")
        record("meeting.save", f"meeting:{meeting.id}", {"title": meeting.title})
        db.session.commit()
        flash("会议已保存", "success")
        return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return render_template("meetings/edit_meeting.html", form=form, meeting=meeting)


@bp.get("/<int:meeting_id>")
@roles_required(Role.SECRETARIAT)
def show_meeting(meeting_id: int):
    return render_template("meetings/show.html", meeting=services.get_meeting(meeting_id))


def _group_choices():
    groups = db.session.scalars(db.select(Group).order_by(Group.position, Group.id)).all()
    return [(0, "—")] + [(g.id, g.name) for g in groups]


@bp.route("/<int:meeting_id>/sittings/new", methods=["GET", "POST"])
@bp.route("/<int:meeting_id>/sittings/<int:sitting_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def edit_sitting(meeting_id: int, sitting_id: int | None = None):
    meeting = services.get_meeting(meeting_id)
    sitting = services.get_sitting(sitting_id) if sitting_id else None
    form = SittingForm(obj=sitting)
    form.group_id.choices = _group_choices()
    if sitting is not None and not form.is_submitted():
        form.starts_at.data = local(sitting.starts_at).replace(tzinfo=None)
        form.ends_at.data = local(sitting.ends_at).replace(tzinfo=None) if sitting.ends_at else None
        form.group_id.data = sitting.group_id or 0
    if form.validate_on_submit():
        sitting = services.save_sitting(
            sitting, meeting, title=form.title.data, kind=SittingKind(form.kind.data),
            starts_at=form.starts_at.data.replace(tzinfo=CHINA),
            ends_at=form.ends_at.data.replace(tzinfo=CHINA) if form.ends_at.data else None,
            place=form.place.data or "", body=Body(form.body.data), group_id=form.group_id.data or None)
        record("sitting.save", f"sitting:{sitting.id}", {"title": sitting.title})
        db.session.commit()
        flash("会次已保存", "success")
        return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return render_template("meetings/edit_sitting.html", form=form, meeting=meeting, sitting=sitting)
