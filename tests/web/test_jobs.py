"""The background job runner end to end: create → run (in-process and in a real worker process) → poll →
download → the PDF has the names; failures recorded; who may see and download."""
import io
import time

import pytest
from pypdf import PdfReader

from conference.extensions import db


@pytest.fixture
def roster(make):
    economy = make.sector("经济界", 2)
    education = make.sector("教育界", 1)
    meeting = make.meeting("政协第十五届济南市委员会第三次会议")
    sitting = make.sitting(meeting, "第一次全体会议")
    people = [make.member("王建国", economy), make.member("丁一", economy), make.member("李红梅", education),
              make.member("田富", education, kind="列席")]
    return meeting, sitting, people


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() or "" for page in reader.pages)


def poll(client, url, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url, headers={"Accept": "application/json"}).get_json()
        if body["finished"]:
            return body
        time.sleep(0.3)
    raise AssertionError(f"job not finished after {timeout} s: {body}")


def test_passes_job_in_process_then_download(jobs_config, roster, staff_client):
    from conference.jobs.services import run_job

    meeting, _, people = roster
    res = staff_client.post("/jobs/", json={"kind": "passes", "params": {"meeting_id": meeting.id}})
    assert res.status_code == 202, res.get_json()
    job_id = res.get_json()["id"]
    status = staff_client.get(f"/jobs/{job_id}?format=json").get_json()
    assert status["status"] == "queued" and status["download_url"] is None
    assert staff_client.get(f"/jobs/{job_id}/download").status_code == 409

    job = run_job(job_id)
    assert job.status == "done", job.error
    status = staff_client.get(f"/jobs/{job_id}", headers={"Accept": "application/json"}).get_json()
    assert status["percent"] == 100 and status["done"] == status["total"] == 4
    res = staff_client.get(status["download_url"])
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    text = pdf_text(res.data)
    for person in people:
        assert person.name in text and person.member_no in text
    assert "经济界" in text and "列席" in text
    page = staff_client.get(f"/jobs/{job_id}")
    assert "下载" in page.get_data(as_text=True) and "progress-bar" in page.get_data(as_text=True)


def test_passes_job_through_real_worker_process(app, jobs_config, roster, staff_client, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_RUNNER", "process")
    meeting, sitting, people = roster
    res = staff_client.post("/jobs/", json={"kind": "passes",
                                            "params": {"meeting_id": meeting.id, "sitting_id": sitting.id}})
    assert res.status_code == 202
    body = poll(staff_client, res.get_json()["status_url"])
    assert body["status"] == "done", body["error"]
    with app.app_context():
        from conference.jobs.models import Job
        job = db.session.get(Job, body["id"])
        import os
        assert job.worker and not job.worker.endswith(f":{os.getpid()}")   # ran in another process
    text = pdf_text(staff_client.get(body["download_url"]).data)
    assert all(p.name in text for p in people)


def test_failing_job_records_missing_glyph(jobs_config, make, staff_client):
    from conference.jobs.services import run_job

    meeting = make.meeting()
    make.member("王\U0003FFFF", make.sector("经济界"))
    job_id = staff_client.post("/jobs/", json={"kind": "passes", "params": {"meeting_id": meeting.id}}).get_json()["id"]
    job = run_job(job_id)
    assert job.status == "failed"
    body = staff_client.get(f"/jobs/{job_id}?format=json").get_json()
    assert body["status"] == "failed" and "U+3FFFF" in body["error"] and "参会证" in body["error"]
    assert body["download_url"] is None
    assert staff_client.get(f"/jobs/{job_id}/download").status_code == 409


def test_bad_params_refused_before_queueing(jobs_config, staff_client):
    res = staff_client.post("/jobs/", json={"kind": "passes", "params": {"meeting_id": 999}})
    assert res.status_code == 404 and res.get_json()["error"] == "not_found"
    res = staff_client.post("/jobs/", json={"kind": "nope", "params": {}})
    assert res.get_json()["error"] == "unknown_job_kind"


@pytest.fixture
def echo_kind():
    from conference.accounts.roles import Role
    from conference.jobs import registry

    def echo(params, progress):
        progress(1, 1)
        return "echo.txt", params.get("text", "").encode()
    registry.register("test_echo", echo, label="测试", roles=(Role.PRESIDER,))
    yield
    registry.unregister("test_echo")


def test_roles_and_ownership(app, jobs_config, roster, make, login_as, staff_client, echo_kind):
    from conference.jobs.services import run_job

    meeting, _, people = roster
    own = staff_client.post("/jobs/", json={"kind": "passes", "params": {"meeting_id": meeting.id}}).get_json()["id"]
    run_job(own)

    delegate = app.test_client()
    login_as(delegate, people[0])
    for url in ("/jobs/", f"/jobs/{own}", f"/jobs/{own}/download"):
        assert delegate.get(url).status_code == 403
    assert delegate.post("/jobs/", json={"kind": "passes", "params": {"meeting_id": meeting.id}}).status_code == 403

    presider = app.test_client()
    login_as(presider, "presider")
    assert presider.get(f"/jobs/{own}/download").status_code == 403       # not theirs, not secretariat
    assert presider.get(f"/jobs/{own}?format=json").status_code == 403
    assert presider.post("/jobs/", json={"kind": "passes",
                                         "params": {"meeting_id": meeting.id}}).status_code == 403
    theirs = presider.post("/jobs/", json={"kind": "test_echo", "params": {"text": "hello"}}).get_json()["id"]
    run_job(theirs)
    assert presider.get(f"/jobs/{theirs}/download").data == b"hello"
    assert staff_client.get(f"/jobs/{theirs}/download").data == b"hello"  # the secretariat may
    other = app.test_client()
    login_as(other, "presider")
    assert other.get(f"/jobs/{theirs}/download").status_code == 403
    listing = other.get("/jobs/").get_data(as_text=True)
    assert theirs not in listing
    assert theirs in staff_client.get("/jobs/").get_data(as_text=True)
