from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..audit.services import record
from ..errors import DomainError
from ..extensions import db, limiter
from ..web import roles_required
from . import services
from .forms import MemberLoginForm, StaffLoginForm, UserForm
from .models import User
from .roles import Role

bp = Blueprint("accounts", __name__)


def _home_for(principal) -> str:
    return {
        Role.DELEGATE: "delegate.home",
        Role.CHECKIN: "main.index",
        Role.PRESIDER: "main.index",
        Role.SCREEN: "main.index",
    }.get(principal.role, "main.index")


def _safe_next() -> str | None:
    target = request.args.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else None


def _login_name() -> str:
    """Rate-limit key of a login attempt: the account tried, not the address — at a venue every phone may
    come through one NAT address, while guessing a 6-digit PIN means many tries at one member number."""
    name = request.form.get("member-member_no") or request.form.get("staff-username") or ""
    return "login:" + name.strip().lower()[:64]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", key_func=_login_name, methods=["POST"])
@limiter.limit("1200 per minute", methods=["POST"])
def login():
    staff_form = StaffLoginForm(prefix="staff")
    member_form = MemberLoginForm(prefix="member")
    error = None
    if request.method == "POST":
        try:
            if "staff-submit" in request.form and staff_form.validate_on_submit():
                principal = services.authenticate_staff(staff_form.username.data, staff_form.password.data)
            elif "member-submit" in request.form and member_form.validate_on_submit():
                principal = services.authenticate_member_pin(member_form.member_no.data, member_form.pin.data)
            else:
                principal = None
            if principal is not None:
                login_user(principal)
                return redirect(_safe_next() or url_for(_home_for(principal)))
        except DomainError as exc:
            error = exc.message
    return render_template("accounts/login.html", staff_form=staff_form, member_form=member_form, error=error), \
        (401 if error else 200)


@bp.route("/t/<token>")
@limiter.limit("1200 per minute")  # a 128-bit signed token cannot be guessed; this only blunts floods
def token_login(token: str):
    """The personal login QR/link printed on the pass."""
    try:
        principal = services.authenticate_member_token(token)
    except DomainError as exc:
        return render_template("error.html", code=exc.code, message=exc.message), 401
    login_user(principal, remember=True)
    return redirect(url_for("delegate.home"))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("您已退出登录", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/admin/users", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def users():
    form = UserForm()
    if form.validate_on_submit():
        user = services.create_user(form.username.data, form.display_name.data, form.role.data, form.password.data)
        record("account.create", f"user:{user.id}", {"username": user.username, "role": user.role.value})
        db.session.commit()
        flash(f"已创建账号 {user.username}", "success")
        return redirect(url_for(".users"))
    accounts = db.session.scalars(db.select(User).order_by(User.role, User.username)).all()
    return render_template("accounts/users.html", form=form, accounts=accounts)


@bp.post("/admin/users/<int:user_id>/toggle")
@roles_required(Role.SECRETARIAT)
def toggle_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.user_id:
        raise DomainError("self_disable", "不能停用自己的账号")
    user.active = not user.active
    record("account.toggle", f"user:{user.id}", {"active": user.active})
    db.session.commit()
    flash(f"账号 {user.username} 已{'启用' if user.active else '停用'}", "success")
    return redirect(url_for(".users"))
