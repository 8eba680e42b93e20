"""Job kinds of the reports domain (discovered by conference.jobs.registry)."""
from __future__ import annotations

from ..jobs.registry import register


def _validate(params: dict) -> dict:
    from .services import parse_period

    start, end = parse_period(params.get("start") or params.get("from"), params.get("end") or params.get("to"))
    return {"start": start.isoformat(), "end": end.isoformat()}


def duty_report_job(params: dict, progress) -> tuple[str, bytes]:
    from .services import duty_pdf, parse_period

    start, end = parse_period(params.get("start"), params.get("end"))
    return f"委员履职统计-{start.isoformat()}至{end.isoformat()}.pdf", duty_pdf(start, end, progress)


register("duty_report", duty_report_job, label="委员履职统计", validate=_validate,
         describe=lambda p: f"委员履职统计（{p['start']} 至 {p['end']}）",
         params_help={"start": "开始日期 YYYY-MM-DD", "end": "结束日期 YYYY-MM-DD"})
