"""Socket.IO: the board's current figures on request (boards join ``sitting:<id>`` via ``sitting:join`` and then
receive the coalesced ``checkin:board`` broadcasts)."""
from __future__ import annotations

from ..accounts.roles import Role
from ..errors import DomainError
from ..extensions import socketio
from ..web import socket_handler
from . import services


@socketio.on("checkin:board")
@socket_handler(Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN, Role.SCREEN)
def on_board(data):
    try:
        sitting_id = int((data or {}).get("sitting_id"))
    except (TypeError, ValueError):
        raise DomainError("bad_request", "缺少会次编号") from None
    return {"ok": True, "board": services.board_payload(services.get_sitting(sitting_id))}
