"""Readiness checks: database and Redis reachable."""
from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import text

from ..extensions import db


def check_database() -> dict:
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as exc:  # the point is to report, not to raise
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__, "message": "数据库不可用"}


def check_redis() -> dict:
    url = current_app.config.get("REDIS_URL") or current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if not url:
        return {"ok": True, "configured": False}
    import redis

    started = time.perf_counter()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return {"ok": True, "configured": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as exc:
        return {"ok": False, "configured": True, "error": type(exc).__name__,
                "message": "Redis 不可用：多进程实时推送暂停，单进程仍可工作"}
