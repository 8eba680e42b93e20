"""Side effects after the commit: Socket.IO emits and coalesced broadcasts.

Events are queued on the SQLAlchemy session and sent only when it commits; a rollback drops them.
Live figures (attendance, turnout) are *throttled*: a change marks a key dirty, and one background
task per process recomputes and broadcasts each dirty key at most once per ``interval`` seconds,
so 3,000 ballots become a few broadcasts, never 3,000.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

import socketio as socketio_lib
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db, socketio

log = logging.getLogger(__name__)
_PENDING = "conference_after_commit"


def after_commit(fn: Callable[[], None]) -> None:
    """Run ``fn`` once the current transaction commits (never if it rolls back)."""
    db.session().info.setdefault(_PENDING, []).append(fn)


def emit(event_name: str, data, *, room: str | None = None, namespace: str = "/") -> None:
    """Queue a Socket.IO emit for after the commit."""
    after_commit(lambda: socketio.emit(event_name, data, to=room, namespace=namespace))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    for fn in pending:
        try:
            fn()
        except Exception:  # a failed broadcast must not undo a committed ballot or scan
            log.exception("after-commit hook failed")


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, *args) -> None:
    session.info.pop(_PENDING, None)


class ResilientRedisManager(socketio_lib.RedisManager):
    """Redis message queue that degrades to this process's own clients when Redis is down.

    python-socketio logs "Cannot publish to redis... giving up" and drops the event; a single process must keep
    working in the hall, so the event is delivered locally instead (other workers miss it until Redis returns;
    /readyz reports Redis as down meanwhile).
    """

    degraded = False

    def _publish(self, data):
        result = super()._publish(data)
        if result is None and isinstance(data, dict) and data.get("method") == "emit":
            if not self.degraded:
                log.warning("redis unreachable: delivering Socket.IO events to this process's clients only")
            self.degraded = True
            self._handle_emit(data)
        elif result is not None and self.degraded:
            log.warning("redis reachable again: Socket.IO events go through the message queue")
            self.degraded = False
        return result


def make_client_manager(url: str | None, channel: str):
    """The Socket.IO client manager: Redis (shared by all workers) when configured, else in-process."""
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://")):
        raise ValueError("SOCKETIO_MESSAGE_QUEUE must be a redis:// URL")
    return ResilientRedisManager(url, channel=channel)


class Throttle:
    """Coalesces broadcasts: ``touch(key, producer)`` runs ``producer`` at most once per interval.

    The producer runs later in a background task, inside an app context of the app that touched it.
    """

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self._dirty: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self._task = None

    def touch(self, key: str, producer: Callable[[], None]) -> None:
        app = current_app._get_current_object()
        with self._lock:
            self._dirty[key] = (app, producer)
            start = self._task is None
            if start:
                manual = app.config.get("TESTING") and not app.config.get("THROTTLE_BACKGROUND", False)
                self._task = "manual" if manual else "starting"  # tests call flush() themselves
        if start and self._task == "starting":
            self._task = socketio.start_background_task(self._loop)

    def _loop(self) -> None:
        while True:
            socketio.sleep(self.interval)
            self.flush()

    def flush(self) -> int:
        """Run every dirty producer now; returns how many ran."""
        with self._lock:
            pending, self._dirty = self._dirty, {}
        for key, (app, producer) in pending.items():
            try:
                with app.app_context():
                    try:
                        producer()
                    finally:
                        db.session.remove()
            except Exception:
                log.exception("throttled broadcast %s failed", key)
        return len(pending)


throttle = Throttle()


def touch_after_commit(key: str, producer: Callable[[], None]) -> None:
    """Mark a live figure dirty once the current transaction commits."""
    after_commit(lambda: throttle.touch(key, producer))
