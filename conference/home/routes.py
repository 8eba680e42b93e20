from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..accounts.roles import Role
from ..meetings import services as meetings
from ..web import roles_required

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.role == Role.DELEGATE:
        return redirect(url_for("delegate.home"))
    return _dashboard()


@roles_required(Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN, Role.SCREEN)
def _dashboard():
    meeting = meetings.current_meeting()
    return render_template("home/dashboard.html", meeting=meeting)
