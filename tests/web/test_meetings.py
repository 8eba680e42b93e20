from datetime import datetime, timezone

from conference.extensions import db
from conference.meetings import services
from conference.meetings.models import Body, Meeting, Sitting
from conference.registration.models import CommitteeRole, Group, MemberKind
from conference.timeutil import CHINA, local


def test_create_meeting_and_sitting_from_the_ui(app, staff_client):
    r = staff_client.post("/meetings/new", data={"title": "政协第十五届济南市委员会第五次会议", "venue": "会议中心",
                                                  "starts_on": "2027-01-10", "ends_on": "2027-01-13"})
    assert r.status_code == 302
    meeting = db.session.scalar(db.select(Meeting))
    r = staff_client.post(f"/meetings/{meeting.id}/sittings/new", data={
        "title": "第一次全体会议", "kind": "全体会议", "starts_at": "2027-01-10T09:00", "ends_at": "2027-01-10T11:30",
        "place": "主会场", "body": "all", "group_id": "0"})
    assert r.status_code == 302
    page = staff_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "第一次全体会议" in page and "2027-01-10 09:00" in page  # Beijing time in, Beijing time out
    sitting = db.session.scalar(db.select(Sitting))
    assert sitting.starts_at == datetime(2027, 1, 10, 1, 0, tzinfo=timezone.utc)


def test_bad_input_is_refused_in_chinese(app, staff_client):
    r = staff_client.post("/meetings/new", data={"title": "会", "starts_on": "2027-01-13", "ends_on": "2027-01-10"},
                          follow_redirects=True)
    assert "结束日期不能早于开始日期" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 0
    r = staff_client.post("/meetings/new", data={"title": "", "starts_on": "x", "ends_on": ""})
    assert "请输入会议名称" in r.get_data(as_text=True)


def test_group_body_requires_a_group(app, staff_client, make):
    meeting = make.meeting()
    r = staff_client.post(f"/meetings/{meeting.id}/sittings/new", data={
        "title": "分组讨论", "kind": "分组讨论", "starts_at": "2027-01-11T09:00", "place": "一组", "body": "group",
        "group_id": "0"}, follow_redirects=True)
    assert "必须选择讨论组" in r.get_data(as_text=True)


def test_utc_storage_round_trip(app, make):
    sitting = make.sitting(starts_at=datetime(2027, 3, 3, 9, 0, tzinfo=CHINA))
    db.session.expire_all()
    again = db.session.get(Sitting, sitting.id)
    assert local(again.starts_at).hour == 9 and again.starts_at.tzinfo is not None


def test_expected_members_follow_the_body(app, make):
    group = Group(name="第一组", position=1)
    db.session.add(group)
    db.session.commit()
    chair = make.member(committee_role=CommitteeRole.CHAIR)
    standing = make.member(committee_role=CommitteeRole.STANDING, group_id=group.id)
    plain = make.member()
    attendee = make.member(kind=MemberKind.ATTENDEE)
    inactive = make.member(active=False)
    meeting = make.meeting()
    plenary = make.sitting(meeting, body=Body.ALL)
    standing_sitting = make.sitting(meeting, title="常委会", body=Body.STANDING)
    group_sitting = make.sitting(meeting, title="分组", body=Body.GROUP, group_id=group.id)
    assert services.expected_ids(plenary) == {chair.id, standing.id, plain.id}
    assert services.expected_ids(standing_sitting) == {chair.id, standing.id}
    assert services.expected_ids(group_sitting) == {standing.id}
    assert attendee.id not in services.expected_ids(plenary) and inactive.id not in services.expected_ids(plenary)
