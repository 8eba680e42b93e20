"""Socket.IO: the presider moves the current item; every client fetches the live state on (re)connect."""
from __future__ import annotations

from flask_login import current_user
from flask_socketio import join_room

from ..accounts.roles import Role
from ..errors import DomainError
from ..extensions import socketio
from ..meetings.services import get_sitting
from ..web import socket_handler
from . import services


def _sitting_from(data):
    try:
        return get_sitting(int((data or {}).get("sitting_id")))
    except (TypeError, ValueError):
        raise DomainError("bad_request", "缺少会次编号") from None


@socketio.on("agenda:move")
@socket_handler(Role.PRESIDER)
def on_move(data):
    """{sitting_id, item_id} sets the current item; {sitting_id, step: 1 | -1} moves to the next/previous."""
    sitting = _sitting_from(data)
    if "step" in (data or {}):
        try:
            step = 1 if int(data["step"]) > 0 else -1
        except (TypeError, ValueError):
            raise DomainError("bad_request", "步进参数无效") from None
        live = services.step_current(sitting, step)
    else:
        live = services.set_current(sitting, data.get("item_id"))
    return {"ok": True, "item_id": live.current_item_id}


@socketio.on("agenda:state")
@socket_handler()
def on_state(data):
    """Join the sitting's room and get the current item (with the documents this viewer may open)."""
    sitting = _sitting_from(data)
    join_room(sitting.room)
    return {"ok": True, "state": services.live_state(sitting, current_user)}
