"""Roles and what they may do. Pure: no Flask imports."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SECRETARIAT = "secretariat"  # 秘书处：全部管理
    PRESIDER = "presider"        # 主持人
    CHECKIN = "checkin"          # 签到员
    SCREEN = "screen"            # 大屏（只读）
    DELEGATE = "delegate"        # 委员 / 列席

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.SECRETARIAT: "秘书处",
    Role.PRESIDER: "主持人",
    Role.CHECKIN: "签到员",
    Role.SCREEN: "大屏",
    Role.DELEGATE: "委员",
}

STAFF_ROLES = frozenset({Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN, Role.SCREEN})


def allowed(role: str | None, required: tuple[str, ...]) -> bool:
    """The secretariat may do every staff action; nobody but a delegate acts as a delegate."""
    if role is None:
        return False
    if role in required:
        return True
    return role == Role.SECRETARIAT and any(r in STAFF_ROLES for r in required)
