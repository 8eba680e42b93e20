"""签到 over HTTP and Socket.IO: station JSON, roles, the live board, self check-in, reports."""
import io
import time

import pytest

from conference.checkin import services
from conference.extensions import db
from conference.realtime import throttle


@pytest.fixture
def setup(app, make, login_as):
    sector = make.sector("中国共产党")
    members = [make.member(n, sector=sector) for n in ("王伟", "丁一", "田富")]
    sitting = make.sitting()
    client = app.test_client()
    login_as(client, make.user(role="checkin", username="qiandao"))
    return sitting, members, client


def test_station_page_and_roles(app, setup, login_as, make):
    sitting, members, client = setup
    page = client.get(f"/checkin/sittings/{sitting.id}/station")
    assert page.status_code == 200 and "扫码签到" in page.text and "zxing_reader" not in page.text
    assert "checkin_station.js" in page.text and "zxing-wasm-reader.iife.js" in page.text
    delegate = app.test_client()
    login_as(delegate, members[0])
    assert delegate.get(f"/checkin/sittings/{sitting.id}/station").status_code == 403
    assert delegate.post(f"/checkin/sittings/{sitting.id}/scan", json={"code": "X"}).status_code == 403
    anonymous = app.test_client()
    assert anonymous.post(f"/checkin/sittings/{sitting.id}/scan", json={"code": "X"}).status_code in (302, 401)


def test_scan_json_ok_already_and_bad_input(setup):
    sitting, members, client = setup
    url = f"/checkin/sittings/{sitting.id}/scan"
    with client.application.app_context():
        code = services.pass_code(db.session.get(type(members[0]), members[0].id))
    ok = client.post(url, json={"code": code, "station": "东门1号", "nonce": "abcdef12-0000-0000-0000-000000000001"})
    assert ok.status_code == 200 and ok.json["message"] == "签到成功" and ok.json["member"]["name"] == "王伟"
    again = client.post(url, json={"code": code, "station": "西门", "nonce": "abcdef12-0000-0000-0000-000000000002"})
    assert again.status_code == 409 and again.json["error"] == "already_checked_in"
    assert "东门1号" in again.json["message"] and again.json["details"]["colour"] == "amber"
    for bad in ("", "garbage", "💥" * 50, code[:-3], None, 12345, ["x"]):
        r = client.post(url, json={"code": bad})
        assert r.status_code in (400, 422) and r.json["ok"] is False and r.json["message"], bad
    assert client.post(url, data="not json", content_type="text/plain",
                       headers={"Accept": "application/json"}).status_code == 400


def test_socket_board_updates_on_scan(app, setup, socket_client):
    sitting, members, client = setup
    sc = socket_client(client)
    assert sc.emit("sitting:join", {"sitting_id": sitting.id}, callback=True)["ok"]
    sc.get_received()
    with app.app_context():
        codes = [services.pass_code(db.session.get(type(m), m.id)) for m in members[:2]]
    for code in codes:
        assert client.post(f"/checkin/sittings/{sitting.id}/scan", json={"code": code}).status_code == 200
    assert [m for m in sc.get_received() if m["name"] == "checkin:board"] == []  # coalesced, not per scan
    assert throttle.flush() == 1
    boards = [m["args"][0] for m in sc.get_received() if m["name"] == "checkin:board"]
    assert len(boards) == 1
    assert boards[0]["figures"]["present"] == 2 and boards[0]["figures"]["expected"] == 3
    assert boards[0]["missing"] == ["田富"] and boards[0]["figures"]["quorum_met"]


def test_upload_offline_over_http(setup):
    sitting, members, client = setup
    with client.application.app_context():
        codes = [services.pass_code(db.session.get(type(m), m.id)) for m in members]
    client.post(f"/checkin/sittings/{sitting.id}/scan", json={"code": codes[0], "station": "西门"})
    r = client.post(f"/checkin/sittings/{sitting.id}/upload", json={"station": "东门1号", "scans": [
        {"code": codes[0], "nonce": "n-000000001", "scanned_at": "2000-01-01T00:00:00Z"},
        {"code": codes[1], "nonce": "n-000000002", "scanned_at": None},
        {"code": "junk", "nonce": "n-000000003"}]})
    assert r.status_code == 200
    assert [x["code"] for x in r.json["results"]] == ["already_checked_in", "ok", "malformed"]
    assert r.json["accepted"] == 1 and r.json["conflicts"] == 2
    assert r.json["results"][0]["station"] == "西门"
    assert client.post(f"/checkin/sittings/{sitting.id}/upload", json={"scans": "x"}).status_code == 400


def test_manual_and_exit_over_http(setup):
    sitting, members, client = setup
    url = f"/checkin/sittings/{sitting.id}"
    assert client.post(url + "/manual", json={"member_id": members[1].id, "reason": ""}).json["error"] == \
        "reason_required"
    r = client.post(url + "/manual", json={"member_id": members[1].id, "reason": "忘带证件"})
    assert r.status_code == 200 and r.json["method"] == "manual"
    found = client.get(url + "/members?q=丁").json["members"]
    assert found[0]["checked_in"] and found[0]["name"] == "丁一"
    r = client.post(url + "/exit", json={"member_id": members[1].id, "note": "提前离会"})
    assert r.status_code == 200 and "退场" in r.json["message"]
    report = client.get(url + "/report")
    assert report.status_code == 200 and "提前离会" in report.text and "退场 1 人" in report.text


def test_self_checkin_from_screen_code(app, setup, login_as, make):
    sitting, members, client = setup
    phone = app.test_client()
    login_as(phone, members[2])
    screen = app.test_client()
    login_as(screen, make.user(role="screen"))
    assert screen.get(f"/checkin/sittings/{sitting.id}/screen").status_code == 200
    svg = screen.get(f"/checkin/sittings/{sitting.id}/screen/code.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    with app.app_context():
        from conference.meetings.models import Sitting
        url_code = "http://localhost/checkin/self?c=" + services.sitting_code(db.session.get(Sitting, sitting.id))
        stale = services.sitting_code(db.session.get(Sitting, sitting.id), at=time.time() - 90)
    assert phone.post("/checkin/self", json={"code": stale}).json["error"] == "expired"
    r = phone.post("/checkin/self", json={"code": url_code, "nonce": "self-0000-0001"})
    assert r.status_code == 200 and r.json["member"]["name"] == "田富" and r.json["method"] == "self"
    home = phone.get("/me/")
    assert "扫码签到" in home.text and "已签到" in home.text
    assert phone.get("/checkin/self").status_code == 200


def test_exports(setup, make, login_as, app):
    sitting, members, client = setup
    staff = app.test_client()
    login_as(staff, "secretariat")
    with app.app_context():
        code = services.pass_code(db.session.get(type(members[0]), members[0].id))
    client.post(f"/checkin/sittings/{sitting.id}/scan", json={"code": code, "station": "东门1号"})
    x = staff.get(f"/checkin/sittings/{sitting.id}/attendance.xlsx")
    assert x.status_code == 200
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(x.data))
    assert "应到3人，实到1人" in wb["出席统计"]["A3"].value
    rows = list(wb["签到明细"].iter_rows(values_only=True))
    assert rows[1][0] == "王伟" and rows[1][6] == "东门1号"
    assert [r[1] for r in list(wb["缺席名单"].iter_rows(values_only=True))[1:]] == ["丁一", "田富"]
    pdf = staff.get(f"/checkin/sittings/{sitting.id}/attendance.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    import pdfplumber
    text = "".join(p.extract_text() or "" for p in pdfplumber.open(io.BytesIO(pdf.data)).pages)
    assert "应到3人" in text and "实到1人" in text
    sheet = staff.get(f"/checkin/sittings/{sitting.id}/signin.pdf")
    text = "".join(p.extract_text() or "" for p in pdfplumber.open(io.BytesIO(sheet.data)).pages)
    assert text.index("丁一") < text.index("王伟") < text.index("田富")
    card = staff.get(f"/checkin/members/{members[0].id}/pass.pdf")
    assert card.status_code == 200 and card.data.startswith(b"%PDF")


def test_passes_page_offers_single_card_and_bulk_job(app, make, login_as):
    meeting = make.meeting()
    make.member("王伟")
    staff = app.test_client()
    login_as(staff, "secretariat")
    page = staff.get("/checkin/passes?q=王")
    assert page.status_code == 200 and "打印参会证" in page.text and "/pass.pdf" in page.text
    assert 'value="passes"' in page.text and f'value="{meeting.id}"' in page.text


def test_socket_board_request_and_roles(app, setup, socket_client, login_as):
    sitting, members, client = setup
    sc = socket_client(client)
    ack = sc.emit("checkin:board", {"sitting_id": sitting.id}, callback=True)
    assert ack["ok"] and ack["board"]["figures"]["expected"] == 3
    assert sc.emit("checkin:board", {"sitting_id": "x"}, callback=True)["error"] == "bad_request"
    delegate = app.test_client()
    login_as(delegate, members[0])
    assert socket_client(delegate).emit("checkin:board", {"sitting_id": sitting.id}, callback=True)["error"] == \
        "forbidden"
