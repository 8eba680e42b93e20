"""Socket.IO: secretaries follow one sitting's seat map (room ``seating:<sitting_id>``)."""
from __future__ import annotations

from flask_socketio import join_room, leave_room

from ..accounts.roles import Role
from ..errors import DomainError
from ..extensions import socketio
from ..meetings.services import get_sitting
from ..web import socket_handler
from .services import room


def _sitting_id(data) -> int:
    try:
        return int((data or {}).get("sitting_id"))
    except (TypeError, ValueError):
        raise DomainError("bad_request", "缺少会次编号") from None


@socketio.on("seating:join")
@socket_handler(Role.SECRETARIAT)
def on_join(data):
    sitting = get_sitting(_sitting_id(data))
    join_room(room(sitting.id))
    return {"ok": True, "room": room(sitting.id)}


@socketio.on("seating:leave")
@socket_handler(Role.SECRETARIAT)
def on_leave(data):
    leave_room(room(_sitting_id(data)))
    return {"ok": True}
