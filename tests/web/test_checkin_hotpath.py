"""The scan hot path's shortcuts keep the rules: the staff-login cache expires, seat labels are never stale."""
import uuid

import pytest

from conference.accounts import services as accounts
from conference.accounts.models import User
from conference.checkin import services
from conference.extensions import db
from conference.registration.models import Member


@pytest.fixture
def station(app, make, login_as):
    sector = make.sector("中国共产党")
    members = [make.member(n, sector=sector) for n in ("王伟", "丁一", "田富")]
    sitting = make.sitting()
    client = app.test_client()
    user = login_as(client, make.user(role="checkin", username="qiandao"))
    codes = [services.pass_code(db.session.get(Member, m.id)) for m in members]
    return sitting, members, codes, client, user.id


def scan(client, sitting, code):
    return client.post(f"/checkin/sittings/{sitting.id}/scan",
                       json={"code": code, "station": "东门", "nonce": uuid.uuid4().hex})


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_cached_staff_login_expires_after_the_ttl(app, station, monkeypatch):
    sitting, members, codes, client, user_id = station
    clock = Clock()
    monkeypatch.setattr(accounts.time, "monotonic", clock)
    monkeypatch.setitem(app.config, "STAFF_PRINCIPAL_TTL", 2.0)
    app.extensions.pop("staff_principals", None)
    try:
        assert scan(client, sitting, codes[0]).status_code == 200
        with app.app_context():
            db.session.get(User, user_id).active = False
            db.session.commit()
        clock.now += 1.0  # within the TTL this worker still knows the account as it was
        within = scan(client, sitting, codes[1])
        assert within.status_code == 200 and within.json["ok"]
        clock.now += 1.5  # past the TTL: the deactivation is seen
        after = scan(client, sitting, codes[2])
        assert after.status_code in (302, 401) and not (after.is_json and after.json.get("ok"))
        with app.app_context():
            db.session.get(User, user_id).active = True
            db.session.commit()
        clock.now += 2.5
        assert scan(client, sitting, codes[2]).status_code == 200
        # the record names the staff member from the cached snapshot
        with app.app_context():
            from conference.checkin.models import CheckIn

            staff = {c.staff_user_id for c in db.session.scalars(db.select(CheckIn))}
            assert staff == {user_id}
    finally:
        app.extensions.pop("staff_principals", None)


def test_without_ttl_deactivation_is_immediate(app, station):
    sitting, members, codes, client, user_id = station
    assert app.config["STAFF_PRINCIPAL_TTL"] == 0
    assert scan(client, sitting, codes[0]).status_code == 200
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert scan(client, sitting, codes[1]).status_code in (302, 401)


def test_scan_shows_the_current_seat(app, station):
    from conference.seating import services as seating
    from conference.seating.models import HallSeat, SeatAssignment

    sitting, members, codes, client, _ = station
    with app.app_context():
        hall = seating.save_hall({"name": "小礼堂", "entrances": [{"name": "东门", "x": 10, "y": 5}], "zones": [
            {"key": "floor", "name": "中区", "kind": "floor", "rows": 2, "seats_per_row": 4}]})
        s = db.session.get(type(sitting), sitting.id)
        seating.set_hall(s, hall)
        seating.auto_seat(s)
        db.session.commit()
        hall_id = hall.id
        first_label = seating.seat_label(sitting.id, members[0].id)
        before = seating.seat_label(sitting.id, members[1].id)
    assert first_label and first_label.startswith("小礼堂 中区") and before and before != first_label
    first = scan(client, sitting, codes[0])
    assert first.status_code == 200 and first.json["member"]["seat"] == first_label
    with app.app_context():  # a seat changes between two scans: the next scan shows the new one at once
        s = db.session.get(type(sitting), sitting.id)
        taken = set(db.session.scalars(db.select(SeatAssignment.seat_id).where(SeatAssignment.sitting_id == s.id)))
        free = next(i for i in db.session.scalars(db.select(HallSeat.id).where(HallSeat.hall_id == hall_id)
                                                   .order_by(HallSeat.id)) if i not in taken)
        seating.move(s, members[1].id, free)
        db.session.commit()
        after = seating.seat_label(sitting.id, members[1].id)
    assert after and after != before
    moved = scan(client, sitting, codes[1])
    assert moved.status_code == 200 and moved.json["member"]["seat"] == after
