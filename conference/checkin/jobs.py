"""签到表 and 出席情况统计 as job kinds (``flask pdf signin|attendance --param sitting_id=ID``)."""
from __future__ import annotations

from ..accounts.roles import Role
from ..jobs.registry import register_document


def _sitting(sitting_id: int):
    from ..meetings.services import get_sitting

    return get_sitting(sitting_id)


def _signin(sitting) -> bytes:
    from .exports import signin_pdf

    return signin_pdf(sitting)


def _attendance(sitting) -> bytes:
    from . import services
    from .exports import attendance_pdf

    return attendance_pdf(sitting, services.attendance(sitting))


register_document("signin", label="签到表", param="sitting_id", load=_sitting, build=_signin,
                  filename=lambda s: f"{s.title}签到表.pdf", roles=(Role.SECRETARIAT, Role.CHECKIN))
register_document("attendance", label="出席情况统计", param="sitting_id", load=_sitting, build=_attendance,
                  filename=lambda s: f"{s.title}出席情况统计.pdf", roles=(Role.SECRETARIAT, Role.PRESIDER))
