"""Seating services on a real database (SQLite and PostgreSQL)."""
import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from conference.audit.models import AuditEntry
from conference.errors import DomainError
from conference.extensions import db
from conference.registration.models import Leave, LeaveStatus
from conference.seating import services
from conference.seating.models import SeatAssignment


def small_layout(name="小礼堂", rows=3, per_row=4, rostrum=3, **zone):
    zones = [{"key": "floor", "name": "中区", "kind": "floor", "rows": rows, "seats_per_row": per_row, **zone}]
    if rostrum:
        zones.insert(0, {"key": "r", "name": "主席台", "kind": "rostrum", "rows": 1, "seats_per_row": rostrum})
    return {"name": name, "zones": zones, "entrances": [{"name": "东门", "x": 10, "y": 5}]}


@pytest.fixture
def seated(make):
    s1, s2 = make.sector(position=1), make.sector(position=2)
    chair = make.member("田主席", committee_role="主席", sector=s1)
    vice = make.member("丁副", committee_role="副主席", sector=s2)
    members = [make.member(n, sector=s) for n, s in (("王一", s2), ("文二", s1), ("李三", s2), ("刘四", s1))]
    sitting = make.sitting()
    hall = services.save_hall(small_layout())
    services.set_hall(sitting, hall)
    db.session.commit()
    return sitting, hall, [chair, vice] + members


def assignments(sitting):
    db.session.expire_all()
    return {a.member_id: a.seat_id for a in db.session.scalars(
        select(SeatAssignment).where(SeatAssignment.sitting_id == sitting.id))}


def test_auto_seat_rostrum_and_floor_blocks(seated):
    sitting, hall, people = seated
    services.auto_seat(sitting)
    db.session.commit()
    got = assignments(sitting)
    assert len(got) == 6
    label = services.seat_label(sitting.id, people[0].id)
    # two leaders in a 3-seat row cannot be centred exactly: they sit "1 2 ." (ltr numbering)
    assert label == "小礼堂 主席台 1排1号"
    assert services.seat_label(sitting.id, people[1].id).startswith("小礼堂 主席台")


def test_constraints_refuse_two_people_in_one_seat_and_two_seats_for_one(seated):
    sitting, hall, people = seated
    seats = [s.id for s in hall.seats]
    db.session.add_all([SeatAssignment(sitting_id=sitting.id, seat_id=seats[0], member_id=people[0].id),
                        SeatAssignment(sitting_id=sitting.id, seat_id=seats[0], member_id=people[1].id)])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add_all([SeatAssignment(sitting_id=sitting.id, seat_id=seats[0], member_id=people[0].id),
                        SeatAssignment(sitting_id=sitting.id, seat_id=seats[1], member_id=people[0].id)])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_move_swap_lock_and_audit(seated):
    sitting, hall, people = seated
    services.auto_seat(sitting)
    db.session.commit()
    before = assignments(sitting)
    empty = next(s.id for s in hall.seats if s.id not in before.values() and s.status == "ok")
    services.move(sitting, people[2].id, empty)
    db.session.commit()
    assert assignments(sitting)[people[2].id] == empty
    with pytest.raises(DomainError) as exc:
        services.move(sitting, people[3].id, empty)
    assert exc.value.code == "seat_taken"
    db.session.rollback()
    services.swap(sitting, people[2].id, people[3].id)
    db.session.commit()
    after = assignments(sitting)
    assert after[people[3].id] == empty and after[people[2].id] == before[people[3].id]
    services.set_lock(sitting, empty, True)
    db.session.commit()
    services.auto_seat(sitting)   # the locked person stays where they were put
    db.session.commit()
    assert assignments(sitting)[people[3].id] == empty
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert {"seating.move", "seating.swap", "seating.lock", "seating.auto"} <= set(actions)


def test_too_small_hall_changes_nothing(make, seated):
    sitting, hall, people = seated
    tiny = services.save_hall(small_layout("小会议室", rows=1, per_row=2, rostrum=0))
    other = make.sitting(title="第二次全体会议")
    services.set_hall(other, tiny)
    db.session.commit()
    with pytest.raises(DomainError) as exc:
        services.auto_seat(other)
    assert exc.value.code == "hall_too_small" and "座位不足" in exc.value.message
    db.session.rollback()
    assert assignments(other) == {}
    result = services.auto_seat(other, allow_partial=True)
    db.session.commit()
    assert len(assignments(other)) == 2 and len(result.unseated) == 4


def test_leave_seats_left_empty_or_closed(seated):
    sitting, hall, people = seated
    db.session.add(Leave(sitting_id=sitting.id, member_id=people[2].id, reason="出差", status=LeaveStatus.APPROVED,
                         filed_by="t"))
    db.session.commit()
    services.auto_seat(sitting, leave="empty")
    db.session.commit()
    assert people[2].id not in assignments(sitting)
    services.auto_seat(sitting, leave="close")
    db.session.commit()
    assert people[2].id not in assignments(sitting) and len(assignments(sitting)) == 5


@pytest.mark.parametrize("bad,code", [
    ("{not json", "bad_json"),
    (json.dumps({"name": "x"}), "hall_schema"),
    (json.dumps({"name": "x", "zones": [{"key": "a", "name": "a", "kind": "stage", "seats_per_row": 3}]}), "hall_schema"),
    (json.dumps({"name": "x", "zones": [{"key": "a", "name": "甲", "kind": "floor", "rows": 1, "seats_per_row": 3,
                                          "unusable": ["2-1"]}]}), "bad_layout"),
])
def test_bad_hall_json_is_refused_and_nothing_saved(ctx, bad, code):
    with pytest.raises(DomainError) as exc:
        services.import_hall(bad)
    assert exc.value.code == code
    db.session.rollback()
    assert services.list_halls() == []


def test_hall_roundtrip_status_and_row_rename(seated):
    sitting, hall, people = seated
    seat = next(s for s in hall.seats if s.kind == "floor")
    services.set_seat_status(hall, seat.id, "reserved")
    services.rename_row(hall, "floor", 1, "贵宾排")
    db.session.commit()
    exported = json.dumps(services.export_hall(hall), ensure_ascii=False)
    again = services.import_hall(exported.replace("小礼堂", "小礼堂二"))
    db.session.commit()
    again_seat = next(s for s in again.seats if s.zone == "floor" and s.row == seat.row and s.number == seat.number)
    assert again_seat.status == "reserved" and again_seat.row_label == "贵宾排"


def test_copy_plan_and_search(make, seated):
    sitting, hall, people = seated
    services.auto_seat(sitting)
    other = make.sitting(title="闭幕会")
    db.session.commit()
    assert services.copy_plan(sitting, other) == 6
    db.session.commit()
    assert assignments(other) == assignments(sitting)
    found = services.search(other, "王一")
    assert found[0]["label"] and found[0]["label"] == services.seat_label(other.id, people[2].id)


def test_handbook_carries_the_seating_chart_of_seated_sittings(seated, make):
    from conference.agenda import printing

    sitting, hall, people = seated
    unseated = make.sitting(sitting.meeting, title="分组讨论")
    empty = printing.seating_charts(sitting.meeting)
    assert len(empty) == 1 and not any(seat.name for seat in empty[0].seats)  # hall chosen, nobody seated yet
    services.auto_seat(sitting)
    db.session.commit()
    charts = printing.seating_charts(sitting.meeting)
    assert [c.sitting for c in charts] == [sitting.title] and unseated.title not in [c.sitting for c in charts]
    assert {seat.name for seat in charts[0].seats if seat.name} == {p.name for p in people}
