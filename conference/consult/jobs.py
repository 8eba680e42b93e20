"""码上商量 report as a job kind (``flask pdf consult_report --param topic_id=ID``); the poster needs the
public address and is printed from the topic page."""
from __future__ import annotations

from ..jobs.registry import register_document


def _topic(topic_id: int):
    from .services import get_topic

    return get_topic(topic_id)


def _report(topic) -> bytes:
    from .services import report_pdf

    return report_pdf(topic)


register_document("consult_report", label="码上商量议题报告", param="topic_id", load=_topic, build=_report,
                  filename=lambda t: f"{t.title}报告.pdf")
