"""The life of a vote (表决 or 选举). Pure: standard library only.

draft → open → closed → published; draft/open/closed may be cancelled; a closed, published or cancelled
vote may be re-run, which creates a *new* draft and leaves the old record as it was.
"""
from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {State.DRAFT: "未开始", State.OPEN: "投票中", State.CLOSED: "已结束（待公布）",
                State.PUBLISHED: "已公布", State.CANCELLED: "已取消"}


class Action(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    PUBLISH = "publish"
    CANCEL = "cancel"
    RERUN = "rerun"

    @property
    def label(self) -> str:
        return {"open": "开始投票", "close": "结束投票", "publish": "公布结果", "cancel": "取消",
                "rerun": "重新表决"}[self.value]


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.OPEN): State.OPEN,
    (State.OPEN, Action.CLOSE): State.CLOSED,
    (State.CLOSED, Action.PUBLISH): State.PUBLISHED,
    (State.DRAFT, Action.CANCEL): State.CANCELLED,
    (State.OPEN, Action.CANCEL): State.CANCELLED,
    (State.CLOSED, Action.CANCEL): State.CANCELLED,
}
# Re-running does not change the old vote's state; it is allowed from these states.
RERUN_FROM = frozenset({State.CLOSED, State.PUBLISHED, State.CANCELLED})


class LifecycleError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def next_state(state: str, action: str) -> State:
    state, action = State(state), Action(action)
    if action == Action.RERUN:
        if state not in RERUN_FROM:
            raise LifecycleError("bad_state", f"“{state.label}”的表决不能重新表决")
        return state
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        code = "vote_closed" if state in (State.CLOSED, State.PUBLISHED, State.CANCELLED) else "bad_state"
        raise LifecycleError(code, f"表决当前为“{state.label}”，不能{action.label}") from None


def allowed_actions(state: str) -> list[Action]:
    state = State(state)
    actions = [a for (s, a) in TRANSITIONS if s == state]
    if state in RERUN_FROM:
        actions.append(Action.RERUN)
    return actions
