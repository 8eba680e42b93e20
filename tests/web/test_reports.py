"""Duty records page, xlsx and PDF; the meeting materials page; ``flask pdf``."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from conference.extensions import db
from conference.timeutil import utcnow


@pytest.fixture
def sittings_with_records(make):
    """Two plenaries: 王建国 attends both; 丁一 attends one, on leave for the other; 李红梅 absent twice."""
    from conference.checkin.models import CheckIn, Method
    from conference.registration.models import Leave, LeaveStatus
    from conference.voting.models import Elector, Vote, VoteParticipation

    economy, education = make.sector("经济界", 2), make.sector("教育界", 1)
    wang, ding = make.member("王建国", economy), make.member("丁一", economy)
    li = make.member("李红梅", education)
    guest = make.member("田富", education, kind="列席")
    meeting = make.meeting("第三次会议")
    s1, s2 = make.sitting(meeting, "第一次全体会议"), make.sitting(meeting, "第二次全体会议")
    now = utcnow()
    db.session.add_all([CheckIn(sitting_id=s1.id, member_id=wang.id, scanned_at=now, method=Method.PASS),
                        CheckIn(sitting_id=s2.id, member_id=wang.id, scanned_at=now, method=Method.PASS),
                        CheckIn(sitting_id=s1.id, member_id=ding.id, scanned_at=now, method=Method.MANUAL),
                        CheckIn(sitting_id=s1.id, member_id=guest.id, scanned_at=now, method=Method.PASS),
                        Leave(sitting_id=s2.id, member_id=ding.id, reason="出差", status=LeaveStatus.APPROVED,
                              filed_by="秘书处"),
                        Leave(sitting_id=s1.id, member_id=li.id, reason="病", status=LeaveStatus.REFUSED,
                              filed_by="秘书处")])
    vote = Vote(sitting_id=s1.id, title="关于常委会工作报告的决议")
    db.session.add(vote)
    db.session.flush()
    db.session.add_all([Elector(vote_id=vote.id, member_id=wang.id), Elector(vote_id=vote.id, member_id=ding.id)])
    db.session.flush()
    db.session.add(VoteParticipation(vote_id=vote.id, member_id=wang.id))
    db.session.commit()
    return meeting, (s1, s2), (wang, ding, li, guest)


def period():
    today = date.today()
    return {"from": today.replace(month=1, day=1).isoformat(), "to": today.replace(month=12, day=31).isoformat()}


def test_duty_table_service(ctx, sittings_with_records):
    from conference.reports.services import duty_table

    table = duty_table(date.today().replace(month=1, day=1), date.today().replace(month=12, day=31))
    rows = {r.name: r for r in table.rows}
    assert "田富" not in rows                                   # 列席 have no duty record
    assert (rows["王建国"].expected, rows["王建国"].attended, rows["王建国"].votes) == (2, 2, 1)
    assert (rows["丁一"].attended, rows["丁一"].on_leave, rows["丁一"].absent) == (1, 1, 0)
    assert (rows["李红梅"].attended, rows["李红梅"].on_leave, rows["李红梅"].absent) == (0, 0, 2)  # refused leave
    assert [r.name for r in table.rows] == ["李红梅", "丁一", "王建国"]  # 教育界 first; 丁 before 王 by strokes
    empty = duty_table(date(2001, 1, 1), date(2001, 12, 31))
    assert empty.sittings == 0 and all(r.expected == 0 for r in empty.rows)


def test_duty_page_roles_and_content(app, sittings_with_records, staff_client, login_as):
    res = staff_client.get("/reports/duty", query_string=period())
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "duty-chart" in html and "chart.umd.min.js" in html and "2 个会次" in html
    assert html.index("李红梅") < html.index("丁一") < html.index("王建国")
    assert "50.0%" in html                                       # 经济界 … and 丁一's rate
    assert staff_client.get("/reports/duty", query_string={"from": "2026-13-01"}).status_code == 400
    assert staff_client.get("/reports/duty", query_string={"from": "2026-05-01", "to": "2026-01-01"}).status_code == 400
    checkin = app.test_client()
    login_as(checkin, "checkin")
    assert checkin.get("/reports/duty").status_code == 403


def test_duty_xlsx(sittings_with_records, staff_client):
    res = staff_client.get("/reports/duty.xlsx", query_string=period())
    assert res.status_code == 200 and "spreadsheetml" in res.mimetype
    wb = load_workbook(io.BytesIO(res.data))
    rows = list(wb["委员履职明细"].iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["李红梅", "丁一", "王建国"]
    ding = rows[1]
    assert ding[3:7] == (2, 1, 1, 0) and ding[7] == pytest.approx(0.5)
    sectors = {r[0]: r for r in wb["分界别统计"].iter_rows(min_row=2, values_only=True)}
    assert sectors["合计"][2:6] == (6, 3, 1, 2)


def test_duty_pdf_job(jobs_config, sittings_with_records, staff_client):
    from conference.jobs.services import run_job

    res = staff_client.post("/jobs/", data={"kind": "duty_report", "param-start": period()["from"],
                                            "param-end": period()["to"]})
    assert res.status_code == 302
    job_id = res.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert run_job(job_id).status == "done"
    data = staff_client.get(f"/jobs/{job_id}/download").data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")
    for word in ("委员履职情况统计", "李红梅", "丁一", "王建国", "缺席", "表决", "教育界"):
        assert word in text


def test_meeting_materials_page(app, jobs_config, sittings_with_records, staff_client, login_as):
    meeting, (s1, s2), _ = sittings_with_records
    staff_client.post("/jobs/", json={"kind": "passes", "params": {"meeting_id": meeting.id}})
    res = staff_client.get(f"/reports/meetings/{meeting.id}")
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert 'data-job-form="passes"' in html and "参会证：第三次会议" in html   # the queued job is listed
    views = app.view_functions
    with app.test_request_context():
        from flask import url_for
        for endpoint in ("checkin.signin_pdf", "checkin.attendance_pdf", "seating.plan_pdf"):
            if endpoint in views:
                assert url_for(endpoint, sitting_id=s2.id) in html
        if "agenda.agenda_pdf" in views:
            assert url_for("agenda.agenda_pdf", meeting_id=meeting.id) in html
    assert "关于常委会工作报告的决议" in html
    assert staff_client.get("/reports/meetings/999").status_code == 404
    presider = app.test_client()
    login_as(presider, "presider")
    assert presider.get(f"/reports/meetings/{meeting.id}").status_code == 403


def test_cli_passes_duty_and_registered_kind(app, jobs_config, sittings_with_records, tmp_path):
    from conference.jobs import registry

    meeting, (s1, _), people = sittings_with_records
    runner = app.test_cli_runner()
    out = tmp_path / "passes.pdf"
    result = runner.invoke(args=["pdf", "passes", "--meeting", str(meeting.id), "--sitting", str(s1.id),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert all(p.name in text for p in people)

    out = tmp_path / "duty.pdf"
    result = runner.invoke(args=["pdf", "duty", "--from", period()["from"], "--to", period()["to"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "王建国" in "".join(p.extract_text() for p in PdfReader(str(out)).pages)

    result = runner.invoke(args=["pdf", "duty", "--from", "2026-02-30", "--to", "2026-03-01", "-o", str(out)])
    assert result.exit_code != 0 and "开始日期" in result.output

    def shout(params, progress):
        for i in range(3):
            progress(i + 1, 3)
        return "x.txt", params["word"].upper().encode()
    registry.register("test_shout", shout, label="喊", params_help={"word": "词"})
    try:
        result = runner.invoke(args=["pdf", "test_shout", "--param", "word=hi", "-o", str(tmp_path / "x.txt")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "x.txt").read_bytes() == b"HI"
        assert "test_shout" in runner.invoke(args=["pdf", "kinds"]).output
        assert runner.invoke(args=["pdf", "test_shout", "--param", "oops"]).exit_code != 0
    finally:
        registry.unregister("test_shout")
