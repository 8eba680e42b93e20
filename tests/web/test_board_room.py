"""The attendance board (with absentees' names) reaches staff who follow the sitting, never delegates' phones,
although both join the sitting's room (found by scripts/load_sitting.py: 3,000 phones x 2 boards/s starved a worker)."""
from conference.checkin import services
from conference.extensions import db
from conference.realtime import throttle


def test_board_goes_to_staff_not_to_phones(app, make, login_as, socket_client):
    sector = make.sector("中国共产党")
    members = [make.member(n, sector=sector) for n in ("王伟", "丁一", "田富")]
    sitting = make.sitting()
    station, board, phone = app.test_client(), app.test_client(), app.test_client()
    login_as(station, make.user(role="checkin", username="qiandao"))
    login_as(board, "secretariat")
    login_as(phone, members[1])
    staff_sc, phone_sc = socket_client(board), socket_client(phone)
    for sc in (staff_sc, phone_sc):
        assert sc.emit("sitting:join", {"sitting_id": sitting.id}, callback=True)["ok"]
        sc.get_received()
    with app.app_context():
        code = services.pass_code(db.session.get(type(members[0]), members[0].id))
    assert station.post(f"/checkin/sittings/{sitting.id}/scan", json={"code": code}).status_code == 200
    assert throttle.flush() == 1
    staff_boards = [m["args"][0] for m in staff_sc.get_received() if m["name"] == "checkin:board"]
    assert len(staff_boards) == 1 and staff_boards[0]["figures"]["present"] == 1
    assert [m for m in phone_sc.get_received() if m["name"] == "checkin:board"] == []
