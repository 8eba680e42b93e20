"""Meetings and sittings, and who is expected (应到) at a sitting."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, select

from ..errors import DomainError, NotFound
from ..extensions import db
from ..registration.models import STANDING_COMMITTEE, Member, MemberKind
from .models import Body, Meeting, Sitting, SittingKind


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("找不到该会议")
    return meeting


def get_sitting(sitting_id: int) -> Sitting:
    sitting = db.session.get(Sitting, sitting_id)
    if sitting is None:
        raise NotFound("找不到该会次")
    return sitting


def list_meetings() -> list[Meeting]:
    return db.session.scalars(select(Meeting).order_by(Meeting.starts_on.desc(), Meeting.id.desc())).all()


def current_meeting() -> Meeting | None:
    """The meeting happening now, else the next one, else the latest."""
    today = date.today()
    meetings = list_meetings()
    for meeting in meetings:
        if meeting.starts_on <= today <= meeting.ends_on:
            return meeting
    upcoming = [m for m in meetings if m.starts_on > today]
    if upcoming:
        return min(upcoming, key=lambda m: m.starts_on)
    return meetings[0] if meetings else None


def save_meeting(meeting: Meeting | None, *, title: str, venue: str, starts_on: date, ends_on: date,
                 notes: str = "") -> Meeting:
    if ends_on < starts_on:
        raise DomainError("bad_dates", "结束日期不能早于开始日期")
    meeting = meeting or Meeting()
    meeting.title, meeting.venue, meeting.starts_on, meeting.ends_on, meeting.notes = \
        title.strip(), venue.strip(), starts_on, ends_on, notes
    db.session.add(meeting)
    db.session.flush()
    return meeting


def save_sitting(sitting: Sitting | None, meeting: Meeting, *, title: str, kind: SittingKind, starts_at: datetime,
                 ends_at: datetime | None, place: str, body: Body, group_id: int | None) -> Sitting:
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError("bad_times", "结束时间必须晚于开始时间")
    if body == Body.GROUP and not group_id:
        raise DomainError("group_required", "应到范围为“讨论组成员”时必须选择讨论组")
    sitting = sitting or Sitting(meeting=meeting)
    sitting.title, sitting.kind, sitting.starts_at, sitting.ends_at = title.strip(), kind, starts_at, ends_at
    sitting.place, sitting.body = place.strip(), body
    sitting.group_id = group_id if body == Body.GROUP else None
    db.session.add(sitting)
    db.session.flush()
    return sitting


def expected_query(sitting: Sitting) -> Select:
    """Voting members expected at the sitting (应到). 列席 attendees never count."""
    query = select(Member).where(Member.kind == MemberKind.MEMBER, Member.active.is_(True))
    if sitting.body == Body.STANDING:
        query = query.where(Member.committee_role.in_(STANDING_COMMITTEE))
    elif sitting.body == Body.GROUP:
        query = query.where(Member.group_id == sitting.group_id)
    return query


def expected_members(sitting: Sitting) -> list[Member]:
    return db.session.scalars(expected_query(sitting)).unique().all()


def expected_ids(sitting: Sitting) -> set[int]:
    return set(db.session.scalars(expected_query(sitting).with_only_columns(Member.id)).all())


def attendee_query() -> Select:
    """列席 attendees of the meeting (they may check in, never vote)."""
    return select(Member).where(Member.kind == MemberKind.ATTENDEE, Member.active.is_(True))


def is_entitled_to_attend(sitting: Sitting, member: Member) -> bool:
    if not member.active:
        return False
    if member.kind == MemberKind.ATTENDEE:
        return True
    return member.id in expected_ids(sitting) if sitting.body != Body.ALL else True
