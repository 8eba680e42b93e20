"""Reports pages: 履职统计 (duty records) and 会议材料 (every document of a meeting in one place)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_login import current_user

from ..accounts.roles import Role
from ..jobs import registry as job_registry
from ..jobs import services as jobs
from ..meetings.services import get_meeting
from ..web import roles_required
from . import duty as duty_rules
from . import services

bp = Blueprint("reports", __name__, url_prefix="/reports")

# Documents other domains serve, linked when their endpoint exists: (endpoint, label).
MEETING_DOCS = (
    ("agenda.agenda_pdf", "会议议程"),
    ("agenda.schedule_pdf", "会议日程"),
    ("agenda.handbook_pdf", "会议手册"),
)
SITTING_DOCS = (
    ("checkin.signin_pdf", "签到表"),
    ("checkin.attendance_pdf", "出席情况统计"),
    ("checkin.attendance_xlsx", "出席情况（Excel）"),
    ("seating.plan_pdf", "座次图"),
    ("seating.plan_xlsx", "座次表（Excel）"),
)
VOTE_DOCS = (  # per vote/election of a sitting
    ("voting.result_pdf", "结果"),
    ("voting.vote_result_pdf", "结果"),
    ("voting.result", "结果"),
)


def _period():
    return services.parse_period(request.args.get("from"), request.args.get("to"))


@bp.get("/duty")
@roles_required(Role.SECRETARIAT)
def duty():
    start, end = _period()
    table = services.duty_table(start, end)
    return render_template("reports/duty.html", table=table, start=start, end=end, percent=duty_rules.percent,
                           chart=services.chart_data(table), sector=request.args.get("sector", ""))


@bp.get("/duty.xlsx")
@roles_required(Role.SECRETARIAT)
def duty_xlsx():
    start, end = _period()
    data = services.duty_xlsx(services.duty_table(start, end), start, end)
    import io
    return send_file(io.BytesIO(data), as_attachment=True,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     download_name=f"委员履职统计-{start.isoformat()}至{end.isoformat()}.xlsx")


def _endpoint_args(endpoint: str) -> set[str]:
    for rule in current_app.url_map.iter_rules(endpoint):
        return set(rule.arguments)
    return set()


def _discovered(arg: str, known: set[str]) -> list[tuple[str, str]]:
    """Other PDF endpoints taking just ``meeting_id``/``sitting_id``, labelled by their docstring."""
    found = []
    for rule in current_app.url_map.iter_rules():
        endpoint = rule.endpoint
        if endpoint in known or endpoint.startswith(("reports.", "jobs.")) or set(rule.arguments) != {arg}:
            continue
        if not (endpoint.endswith("_pdf") or rule.rule.endswith(".pdf")) or "GET" not in (rule.methods or ()):
            continue
        doc = (current_app.view_functions[endpoint].__doc__ or "").strip().splitlines()
        found.append((endpoint, (doc[0].rstrip("。.") if doc else endpoint.split(".")[-1])[:30]))
    return sorted(found)


def _votes_of(sitting_id: int) -> list:
    try:
        from ..voting.models import Vote
    except ImportError:
        return []
    from ..extensions import db
    return db.session.scalars(db.select(Vote).where(Vote.sitting_id == sitting_id).order_by(Vote.id)).all()


@bp.get("/meetings/<int:meeting_id>")
@roles_required(Role.SECRETARIAT)
def meeting(meeting_id: int):
    meeting = get_meeting(meeting_id)
    views = current_app.view_functions
    meeting_docs = [(label, url_for(e, meeting_id=meeting.id)) for e, label in MEETING_DOCS if e in views]
    meeting_docs += [(label, url_for(e, meeting_id=meeting.id))
                     for e, label in _discovered("meeting_id", {e for e, _ in MEETING_DOCS})]
    extra_sitting = _discovered("sitting_id", {e for e, _ in SITTING_DOCS})
    vote_endpoint = next((e for e, _ in VOTE_DOCS if e in views and _endpoint_args(e) == {"vote_id"}), None)
    sittings = []
    for sitting in meeting.sittings:
        docs = [(label, url_for(e, sitting_id=sitting.id)) for e, label in SITTING_DOCS if e in views]
        docs += [(label, url_for(e, sitting_id=sitting.id)) for e, label in extra_sitting]
        votes = [(f"{v.title}", url_for(vote_endpoint, vote_id=v.id) if vote_endpoint else None)
                 for v in _votes_of(sitting.id)]
        sittings.append({"sitting": sitting, "docs": docs, "votes": votes})
    kinds = job_registry.kinds()
    meeting_kinds = [k for name, k in kinds.items() if name != "passes" and "meeting_id" in k.params_help]
    return render_template("reports/meeting.html", meeting=meeting, meeting_docs=meeting_docs, sittings=sittings,
                           jobs=jobs.list_jobs(current_user, meeting_id=meeting.id, limit=30),
                           meeting_kinds=meeting_kinds)
