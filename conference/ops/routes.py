from __future__ import annotations

import logging

from flask import Blueprint, jsonify, render_template, request

from ..accounts.roles import Role
from ..audit.services import recent
from ..extensions import limiter
from ..web import roles_required
from .health import check_database, check_redis

bp = Blueprint("ops", __name__)
log = logging.getLogger("conference.ops")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is up."""
    return jsonify({"ok": True})


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Database and Redis reachable. 503 when the database is down; Redis down is reported, not fatal."""
    database, redis_state = check_database(), check_redis()
    if not redis_state["ok"]:
        log.warning("readyz: redis unreachable (%s)", redis_state.get("error"))
    status = 200 if database["ok"] else 503
    return jsonify({"ok": database["ok"] and redis_state["ok"], "database": database, "redis": redis_state}), status


@bp.get("/ops/audit")
@roles_required(Role.SECRETARIAT)
def audit_log():
    prefix = request.args.get("action") or None
    target = request.args.get("target") or None
    entries = recent(limit=500, action_prefix=prefix, target=target)
    return render_template("ops/audit.html", entries=entries, prefix=prefix or "", target=target or "")
