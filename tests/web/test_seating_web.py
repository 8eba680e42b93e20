"""Seat map HTTP API, exports, delegate seat page, and live updates between two open maps."""
import io
import json

from openpyxl import load_workbook

from conference.extensions import db
from conference.seating import services


def setup_plan(make):
    sector = make.sector(name="经济界", position=1)
    people = [make.member(n, sector=sector) for n in ("王一", "文二", "李三")]
    sitting = make.sitting()
    hall = services.save_hall({"name": "小礼堂", "zones": [
        {"key": "f", "name": "中区", "kind": "floor", "rows": 2, "seats_per_row": 3, "numbering": "odd_even"}],
        "entrances": [{"name": "东门", "x": 5, "y": 0}]})
    services.set_hall(sitting, hall)
    services.auto_seat(sitting)
    db.session.commit()
    return sitting, hall, people


def test_plan_page_payload_and_exports(app, make, staff_client):
    sitting, hall, people = setup_plan(make)
    page = staff_client.get(f"/seating/sittings/{sitting.id}")
    assert page.status_code == 200 and "座次图 PDF" in page.text and "seating.js" in page.text
    payload = staff_client.get(f"/seating/api/sittings/{sitting.id}/plan").get_json()
    assert len(payload["seats"]) == 6 and len(payload["assigned"]) == 3
    xlsx = staff_client.get(f"/seating/sittings/{sitting.id}/plan.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert rows[1][:5] == ("区域", "排", "座号", "姓名", "界别")
    assert {r[3] for r in rows[2:]} == {"王一", "文二", "李三"}
    pdf = staff_client.get(f"/seating/sittings/{sitting.id}/chart.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    found = staff_client.get(f"/seating/api/sittings/{sitting.id}/search?q=文二").get_json()
    assert found["results"][0]["label"].startswith("小礼堂 中区 1排")


def test_delegate_cannot_use_staff_api_and_sees_own_seat(app, make, login_as):
    sitting, hall, people = setup_plan(make)
    client = app.test_client()
    login_as(client, people[1])
    assert client.post(f"/seating/api/sittings/{sitting.id}/move", json={"member_id": people[1].id,
                                                                       "seat_id": hall.seats[5].id}).status_code == 403
    page = client.get(f"/seat/{sitting.id}")
    label = services.seat_label(sitting.id, people[1].id)
    assert page.status_code == 200 and f"您的座位：{label}" in page.text and 'id="my-seat"' in page.text
    assert "东门" in page.text
    home = client.get("/me/")
    assert "我的座位" in home.text and label in home.text


def test_move_conflict_and_bad_json_give_chinese_errors(app, make, staff_client):
    sitting, hall, people = setup_plan(make)
    payload = staff_client.get(f"/seating/api/sittings/{sitting.id}/plan").get_json()
    taken = next(int(seat) for seat, a in payload["assigned"].items() if a[0] != people[0].id)
    res = staff_client.post(f"/seating/api/sittings/{sitting.id}/move", json={"member_id": people[0].id, "seat_id": taken})
    assert res.status_code == 409 and res.get_json()["error"] == "seat_taken" and "已有人就座" in res.get_json()["message"]
    res = staff_client.post("/seating/halls/import", data={"text": json.dumps({"name": "坏"})},
                            headers={"Referer": "http://localhost/seating/halls"})
    assert res.status_code == 302
    db.session.expire_all()
    assert [h.name for h in services.list_halls()] == ["小礼堂"]


def test_two_open_maps_get_each_others_changes(app, make, login_as, socket_client):
    sitting, hall, people = setup_plan(make)
    first, second = app.test_client(), app.test_client()
    login_as(first, "secretariat")
    login_as(second, "secretariat")
    sc1, sc2 = socket_client(first), socket_client(second)
    assert sc1.emit("seating:join", {"sitting_id": sitting.id}, callback=True)["ok"]
    assert sc2.emit("seating:join", {"sitting_id": sitting.id}, callback=True)["ok"]
    sc1.get_received(), sc2.get_received()
    payload = first.get(f"/seating/api/sittings/{sitting.id}/plan").get_json()
    empty = next(s[0] for s in payload["seats"] if str(s[0]) not in payload["assigned"])
    res = first.post(f"/seating/api/sittings/{sitting.id}/move", json={"member_id": people[2].id, "seat_id": empty})
    assert res.get_json()["ok"]
    events = [e for e in sc2.get_received() if e["name"] == "seating:changed"]
    assert events, "the second map got no update"
    cells = {c["seat_id"]: c for c in events[-1]["args"][0]["seats"]}
    assert cells[empty]["member_id"] == people[2].id and cells[empty]["name"] == "李三"


def test_delegate_cannot_join_the_seating_room(app, make, login_as, socket_client):
    sitting, hall, people = setup_plan(make)
    client = app.test_client()
    login_as(client, people[0])
    ack = socket_client(client).emit("seating:join", {"sitting_id": sitting.id}, callback=True)
    assert ack["ok"] is False and ack["error"] == "forbidden"


def test_create_hall_from_parameters_and_edit_seats(app, staff_client):
    res = staff_client.post("/seating/halls", data={
        "name": "报告厅", "rostrum_rows": 1, "rostrum_seats": 5, "sections": "左区，中区,右区", "floor_rows": 3,
        "floor_seats": 4, "numbering": "odd_even", "attendee_rows": 1, "attendee_seats": 6})
    assert res.status_code == 302
    hall = services.list_halls()[0]
    assert hall.name == "报告厅" and len(hall.seats) == 5 + 3 * 3 * 4 + 6
    assert [z["name"] for z in hall.layout["zones"]] == ["主席台", "左区", "中区", "右区", "列席区"]
    seat = next(s for s in hall.seats if s.zone_name == "中区")
    ok = staff_client.post(f"/seating/api/halls/{hall.id}/seats/{seat.id}/status", json={"status": "unusable"})
    assert ok.get_json() == {"ok": True, "seat_id": seat.id, "status": "unusable"}
    exported = staff_client.get(f"/seating/halls/{hall.id}/export.json").get_json()
    zone = next(z for z in exported["zones"] if z["name"] == "中区")
    assert zone["unusable"] == [f"{seat.row}-{seat.number}"]
    assert staff_client.get(f"/seating/halls/{hall.id}").status_code == 200
    bad = staff_client.post(f"/seating/api/halls/{hall.id}/seats/{seat.id}/status", json={"status": "broken"})
    assert bad.status_code == 400 and bad.get_json()["error"] == "bad_status"
