"""座次图 as a job kind (``flask pdf seating_chart --param sitting_id=ID``)."""
from __future__ import annotations

from ..jobs.registry import register_document


def _sitting(sitting_id: int):
    from ..meetings.services import get_sitting

    return get_sitting(sitting_id)


def _chart(sitting) -> bytes:
    from .services import chart_pdf

    return chart_pdf(sitting)


register_document("seating_chart", label="座次图", param="sitting_id", load=_sitting, build=_chart,
                  filename=lambda s: f"{s.title}座次图.pdf")
