"""Socket.IO: the phone's ballot and state, the presider's and big screen's live turnout."""
from __future__ import annotations

from flask_login import current_user
from flask_socketio import join_room

from ..accounts.roles import Role, allowed
from ..errors import DomainError
from ..extensions import socketio
from ..web import current_member, socket_handler
from . import services

STAFF_VIEWERS = (Role.PRESIDER, Role.SCREEN)


def _sitting_id(data) -> int:
    try:
        return int((data or {}).get("sitting_id"))
    except (TypeError, ValueError):
        raise DomainError("bad_request", "缺少会次编号") from None


@socketio.on("voting:state")
@socket_handler()
def on_state(data):
    """Sent on every (re)connect: follow the sitting and get the open vote (and whether I already voted)."""
    sitting_id = _sitting_id(data)
    services.get_sitting(sitting_id)
    join_room(f"sitting:{sitting_id}")
    state = services.delegate_state(sitting_id, current_member())
    if allowed(current_user.role, STAFF_VIEWERS):
        join_room(services.staff_room(sitting_id))
        vote = services.open_vote_of(sitting_id)
        if vote is not None:
            state["turnout"] = services.turnout(vote)
    return state


@socketio.on("voting:cast")
@socket_handler(Role.DELEGATE)
def on_cast(data):
    """The ballot. The ack (with the receipt) is returned only after the commit."""
    data = data if isinstance(data, dict) else {}
    # the member id only: a delegate's connection knows it without loading the member (web._socket_login)
    return services.cast_ballot(data.get("vote_id"), current_user.member_id, data)
