"""Browser: a real pass QR through a fake camera on the station page; the board count goes up live.
And the offline queue: server stopped, scans queued with their times, server back, records uploaded."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.e2e.camera import write_y4m
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, staff_login

pytestmark = pytest.mark.e2e


def _prepare(server, how_many: int):
    """Move the first sitting to now (offline times must fall on the sitting's day); pick unchecked members."""
    with server.app_context():
        from conference.checkin import services
        from conference.checkin.models import CheckIn
        from conference.extensions import db
        from conference.meetings.models import Sitting
        from conference.registration.models import Leave, Member, MemberKind
        from conference.timeutil import utcnow

        sitting = db.session.scalar(db.select(Sitting).order_by(Sitting.starts_at))
        sitting.starts_at = utcnow()
        sitting.ends_at = None
        db.session.commit()
        taken = db.select(CheckIn.member_id).where(CheckIn.sitting_id == sitting.id)
        leave = db.select(Leave.member_id).where(Leave.sitting_id == sitting.id)
        members = db.session.scalars(db.select(Member).where(Member.kind == MemberKind.MEMBER, Member.active.is_(True),
                                                             Member.id.not_in(taken), Member.id.not_in(leave))
                                     .order_by(Member.id).limit(how_many)).all()
        return sitting.id, [(m.id, m.name, services.pass_code(m)) for m in members]


def _checkins(server, sitting_id):
    with server.app_context():
        from conference.checkin.models import CheckIn
        from conference.extensions import db

        rows = db.session.scalars(db.select(CheckIn).where(CheckIn.sitting_id == sitting_id)).all()
        return {c.member_id: (c.method.value, c.station, c.scanned_at, c.recorded_at) for c in rows}


def test_camera_scan_on_station_updates_board(live_server, browser, tmp_path):
    sitting_id, [(member_id, name, code)] = _prepare(live_server, 1)
    y4m = write_y4m(tmp_path / "pass.y4m", code)
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={y4m}", "--autoplay-policy=no-user-gesture-required"])
    try:
        context = camera_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        board = context.new_page()
        staff_login(board, live_server.url, "qiandao")
        board.goto(f"{live_server.url}/checkin/sittings/{sitting_id}/board")
        board.wait_for_selector("#live-state.text-bg-success", timeout=10_000)
        before = int(board.inner_text("#b-present"))

        station = context.new_page()
        station.goto(f"{live_server.url}/checkin/sittings/{sitting_id}/station")
        station.fill("#station-name", "东门1号")
        station.dispatch_event("#station-name", "change")
        station.click("#camera-btn")
        station.wait_for_function("document.getElementById('result-title').textContent === '签到成功'",
                                  timeout=20_000)
        assert station.inner_text("#result-name") == name
        assert "东门1号" in station.inner_text("#result-extra")
        # the camera keeps seeing the same pass: debounced, then "already" — never a second record
        board.wait_for_function(f"Number(document.getElementById('b-present').textContent) === {before + 1}",
                                timeout=5_000)
        assert name not in board.inner_text("#b-missing")
        assert station.evaluate("localStorage.getItem('checkin.station')") == "东门1号"
    finally:
        camera_browser.close()
    records = _checkins(live_server, sitting_id)
    assert records[member_id][:2] == ("pass", "东门1号")


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("e2e-offline")).start()
    yield server
    server.stop()


def test_offline_queue_uploads_with_original_times(offline_server, page):
    server = offline_server
    sitting_id, people = _prepare(server, 3)
    staff_login(page, server.url, "qiandao")
    page.goto(f"{server.url}/checkin/sittings/{sitting_id}/station")
    page.fill("#station-name", "西门2号")
    page.dispatch_event("#station-name", "change")

    def scan(code):
        page.fill("#scan-input", code)
        page.press("#scan-input", "Enter")

    scan(people[0][2])  # online
    page.wait_for_function("document.getElementById('result-title').textContent === '签到成功'")

    server.stop()
    queued_from = datetime.now(timezone.utc)
    scan(people[1][2])
    page.wait_for_function("document.getElementById('net-state').textContent === '离线'", timeout=10_000)
    scan(people[2][2])
    scan(people[0][2])  # already checked in online: a conflict the upload must report
    page.wait_for_function("document.getElementById('queue-len').textContent === '3'", timeout=5_000)
    assert "离线" in page.inner_text("#result-title")
    queued_to = datetime.now(timezone.utc)
    page.wait_for_timeout(2_500)  # a gap, so the server's recording time differs from the scan time

    server.start()  # same port, same database
    page.wait_for_function("document.getElementById('net-state').textContent === '在线'", timeout=20_000)
    page.wait_for_function("document.getElementById('queue-state').classList.contains('d-none')", timeout=20_000)
    report = page.inner_text("#upload-report")
    assert "上传 3 条" in report and "成功 2 条" in report and "已签到" in report

    records = _checkins(server, sitting_id)
    for member_id, _, _ in people[1:]:
        method, station, scanned_at, recorded_at = records[member_id]
        scanned_at, recorded_at = (t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t
                                   for t in (scanned_at, recorded_at))
        assert method == "offline" and station == "西门2号"
        assert queued_from.timestamp() - 1 <= scanned_at.timestamp() <= queued_to.timestamp() + 1
        assert (recorded_at - scanned_at).total_seconds() >= 2
    assert records[people[0][0]][0] == "pass"
