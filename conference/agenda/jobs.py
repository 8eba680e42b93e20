"""Agenda documents as job kinds (and so ``flask pdf <kind>``); the handbook is CPU-heavy and runs in the
job worker from the meeting page."""
from __future__ import annotations

from ..jobs.registry import register_document


def _meeting(meeting_id: int):
    from ..meetings.services import get_meeting

    return get_meeting(meeting_id)


def _handbook(meeting) -> bytes:
    from ..pdf.renderers import render_handbook
    from . import printing

    return render_handbook(printing.handbook(meeting))


def _agenda(meeting) -> bytes:
    from ..pdf.renderers import render_agenda
    from . import printing

    return render_agenda(printing.agenda(meeting))


def _schedule(meeting) -> bytes:
    from ..pdf.renderers import render_schedule
    from . import printing

    return render_schedule(printing.schedule(meeting))


register_document("handbook", label="会议手册", param="meeting_id", load=_meeting, build=_handbook,
                  filename=lambda m: f"{m.title}会议手册.pdf")
register_document("agenda", label="会议议程", param="meeting_id", load=_meeting, build=_agenda,
                  filename=lambda m: f"{m.title}议程.pdf")
register_document("schedule", label="会议日程", param="meeting_id", load=_meeting, build=_schedule,
                  filename=lambda m: f"{m.title}日程.pdf")
