"""Socket.IO connection: authentication and the rooms every client belongs to."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import join_room, leave_room

from ..extensions import socketio
from ..web import SOCKET_PRINCIPAL_KEY, socket_handler
from .roles import STAFF_ROLES, Role
from .services import connection_principal


@socketio.on("connect")
def on_connect(auth=None):
    if not current_user.is_authenticated:
        return False  # refuses the connection
    if current_user.role in STAFF_ROLES:
        join_room("staff")
    if current_user.role == Role.DELEGATE:
        join_room("delegates")
        join_room(f"member:{current_user.member_id}")
        # later events of this connection check this pass against a credential snapshot instead of loading the
        # member (web.socket_handler); the environ lives as long as the connection
        remembered = connection_principal(current_user)
        if remembered is not None:
            request.environ[SOCKET_PRINCIPAL_KEY] = remembered
    return True


@socketio.on("sitting:join")
@socket_handler()
def on_sitting_join(data):
    """Follow one sitting's live channel (attendance, agenda, votes)."""
    try:
        sitting_id = int((data or {}).get("sitting_id"))
    except (TypeError, ValueError):
        return {"ok": False, "error": "bad_request", "message": "缺少会次编号"}
    join_room(f"sitting:{sitting_id}")
    if current_user.role in STAFF_ROLES:
        # staff-only live figures (the attendance board with absentees' names): never fanned out to every phone
        join_room(staff_sitting_room(sitting_id))
    return {"ok": True, "room": f"sitting:{sitting_id}"}


def staff_sitting_room(sitting_id: int) -> str:
    return f"sitting:{sitting_id}:staff"


@socketio.on("sitting:leave")
@socket_handler()
def on_sitting_leave(data):
    try:
        leave_room(f"sitting:{int((data or {}).get('sitting_id'))}")
    except (TypeError, ValueError):
        pass
    return {"ok": True}
