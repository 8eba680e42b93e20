"""Cross-cutting web glue: login loading, role checks for routes and socket events, template helpers."""
from __future__ import annotations

import functools
import itertools
import os
import uuid

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_socketio import disconnect

from .accounts.roles import ROLE_LABELS, Role, allowed
from .errors import DomainError, Forbidden, ack_error
from .extensions import db, login_manager
from .timeutil import fmt


def roles_required(*roles: str):
    """Route decorator: the user must be logged in with one of ``roles`` (the secretariat passes staff checks)."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user.role, roles):
                raise Forbidden()
            return view(*args, **kwargs)
        wrapper.required_roles = roles
        return wrapper
    return decorator


def socket_handler(*roles: str):
    """Socket.IO handler decorator: checks the role, commits once, maps DomainError to an ack.

    Handlers return the ack dict; the commit happens before the ack, so an ack means durable.
    """
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            _socket_login()
            if not current_user.is_authenticated:
                disconnect()
                return {"ok": False, "error": "unauthorized", "message": "请先登录"}
            if roles and not allowed(current_user.role, roles):
                return Forbidden().to_dict()
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result if result is not None else {"ok": True}
            except DomainError as exc:
                db.session.rollback()
                return ack_error(exc)
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
        return wrapper
    return decorator


SOCKET_PRINCIPAL_KEY = "conference.socket_principal"


def _socket_login() -> None:
    """A delegate's connection remembers (member id, credential version) from connect (accounts.events):
    the event's principal comes from that plus a credential check against a per-process snapshot
    (accounts.services.member_credential_valid: a reissued pass or a deactivated member is refused within
    MEMBER_CREDENTIAL_TTL, 2 s), not from Flask-Login's user loader reading the member on every event.
    Staff connections (and any connection without that memo) go through Flask-Login as before."""
    remembered = request.environ.get(SOCKET_PRINCIPAL_KEY)
    if remembered is None or "_login_user" in g:
        return
    from .accounts.services import socket_principal

    principal = socket_principal(remembered)
    if principal is None:
        request.environ.pop(SOCKET_PRINCIPAL_KEY, None)
        g._login_user = login_manager.anonymous_user()
    else:
        g._login_user = principal  # what flask_login.current_user returns for this event


# The navigation: (endpoint, label, roles[, under "更多"]). Entries whose endpoint does not exist are not shown.
NAV = (
    ("main.index", "首页", (Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN, Role.SCREEN)),
    ("delegate.home", "我的会议", (Role.DELEGATE,)),
    ("meetings.list_meetings", "会议与会次", (Role.SECRETARIAT,)),
    ("registration.roster", "委员名册", (Role.SECRETARIAT,)),
    ("registration.arrivals", "报到", (Role.SECRETARIAT, Role.CHECKIN)),
    ("registration.leaves", "请假", (Role.SECRETARIAT,)),
    ("seating.halls", "会场与座次", (Role.SECRETARIAT,)),
    ("checkin.index", "签到", (Role.CHECKIN,)),
    ("agenda.index", "议程与文件", (Role.SECRETARIAT,)),
    ("voting.index", "表决与选举", (Role.PRESIDER,)),
    ("consult.topics", "码上商量", (Role.SECRETARIAT,)),
    ("reports.duty", "履职统计", (Role.SECRETARIAT,), True),
    ("registration.names_sort", "笔画排序", (Role.SECRETARIAT,), True),
    ("accounts.users", "账号", (Role.SECRETARIAT,), True),
    ("ops.audit_log", "审计日志", (Role.SECRETARIAT,), True),
)


# Per-sitting and per-meeting action links shown on the dashboard and meeting pages: (endpoint, label, roles).
# Each endpoint takes ``sitting_id`` / ``meeting_id``. Domains add their lines here.
SITTING_LINKS = (
    ("seating.plan", "座次", (Role.SECRETARIAT,)),
    ("checkin.station", "扫码签到", (Role.CHECKIN,)),
    ("checkin.board", "出席看板", (Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN)),
    ("checkin.screen", "大屏", (Role.SCREEN, Role.PRESIDER)),
    ("checkin.report", "出席报告", (Role.SECRETARIAT, Role.PRESIDER)),
    ("agenda.sitting", "议程", (Role.SECRETARIAT,)),
    ("agenda.console", "主持台", (Role.PRESIDER,)),
    ("voting.sitting", "表决", (Role.PRESIDER,)),
    ("registration.sitting_leaves", "请假", (Role.SECRETARIAT,)),
)
MEETING_LINKS = (
    ("registration.arrivals", "报到", (Role.SECRETARIAT, Role.CHECKIN)),
    ("agenda.meeting", "议程与文件", (Role.SECRETARIAT,)),
    ("reports.meeting", "会议材料", (Role.SECRETARIAT,)),
)


def _links(table, **params) -> list[dict]:
    from flask import current_app, url_for

    if not current_user.is_authenticated:
        return []
    return [{"label": label, "url": url_for(endpoint, **params)} for endpoint, label, roles in table
            if endpoint in current_app.view_functions and allowed(current_user.role, roles)]


def sitting_links(sitting) -> list[dict]:
    return _links(SITTING_LINKS, sitting_id=sitting.id)


def meeting_links(meeting) -> list[dict]:
    return _links(MEETING_LINKS, meeting_id=meeting.id)


def nav_items() -> list[dict]:
    from flask import current_app, url_for

    if not current_user.is_authenticated:
        return []
    role = current_user.role
    return [{"endpoint": endpoint, "label": label, "url": url_for(endpoint), "more": bool(more)}
            for endpoint, label, roles, *more in NAV
            if endpoint in current_app.view_functions and (role in roles or allowed(role, roles) and role != Role.DELEGATE
                                                           and Role.DELEGATE not in roles)]


def json_body() -> dict:
    """The JSON object of a fetch() request, or a clear refusal."""
    from flask import request

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("bad_request", "请求内容格式错误")
    return data


def current_member():
    return getattr(current_user, "member", None) if current_user.is_authenticated else None


_REQUEST_IDS = itertools.count(1)
_PROCESS_TAG = f"{os.getpid():x}-{uuid.uuid4().hex[:4]}"


def _next_request_id() -> str:
    """Unique per process and request, without a urandom call on the hot path (nginx sends X-Request-ID)."""
    return f"{_PROCESS_TAG}-{next(_REQUEST_IDS):x}"


class _SessionInterface(SecureCookieSessionInterface):
    """Socket.IO events reuse the session Flask-SocketIO keeps per connection instead of decoding and
    verifying the signed cookie again for every event (each ballot); HTTP requests are unchanged."""

    def open_session(self, app, request):
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return super().open_session(app, request)


def register_web(app: Flask) -> None:
    from .accounts.services import load_principal

    app.session_interface = _SessionInterface()
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.user_loader(load_principal)

    @app.before_request
    def _request_id():
        g.request_id = request.headers.get("X-Request-ID") or _next_request_id()

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Request-ID", g.get("request_id", ""))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.context_processor
    def _template_globals():
        return {"Role": Role, "ROLE_LABELS": ROLE_LABELS, "allowed": allowed,
                "committee_name": app.config.get("COMMITTEE_NAME", ""), "nav_items": nav_items,
                "sitting_links": sitting_links, "meeting_links": meeting_links}

    app.add_template_filter(fmt, "dt")
    app.add_template_filter(lambda v: fmt(v, "%H:%M"), "hm")
    app.add_template_filter(lambda v: fmt(v, "%m月%d日 %H:%M"), "mdhm")
