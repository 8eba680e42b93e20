"""The 会议手册 as a background job (CPU-heavy: hundreds of names, seating charts), run by conference.jobs."""
from __future__ import annotations

from ..errors import DomainError
from ..jobs.registry import register


def _validate(params: dict) -> dict:
    from ..meetings.services import get_meeting

    try:
        meeting_id = int(params.get("meeting_id"))
    except (TypeError, ValueError):
        raise DomainError("missing_param", "缺少参数：会议（meeting_id）") from None
    get_meeting(meeting_id)
    return {"meeting_id": meeting_id}


def build_handbook(params: dict, progress) -> tuple[str, bytes]:
    from ..meetings.services import get_meeting
    from ..pdf.renderers import render_handbook
    from . import printing

    meeting = get_meeting(int(params["meeting_id"]))
    progress(0, 2, "正在汇总议程、日程、座次和委员名单")
    data = printing.handbook(meeting)
    progress(1, 2, "正在排版")
    return f"{meeting.title}会议手册.pdf", render_handbook(data)


register("handbook", build_handbook, label="会议手册", validate=_validate,
         describe=lambda p: f"会议手册（会议 {p.get('meeting_id')}）", params_help={"meeting_id": "会议编号"})
