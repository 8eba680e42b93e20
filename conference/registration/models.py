from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


def str_enum(enum_cls, length: int = 20):
    return Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class CommitteeRole(StrEnum):
    """职务, in protocol rank order."""
    CHAIR = "主席"
    VICE_CHAIR = "副主席"
    SECRETARY_GENERAL = "秘书长"
    STANDING = "常委"
    MEMBER = "委员"

    @property
    def rank(self) -> int:
        return list(CommitteeRole).index(self)


LEADERSHIP = (CommitteeRole.CHAIR, CommitteeRole.VICE_CHAIR, CommitteeRole.SECRETARY_GENERAL)
STANDING_COMMITTEE = LEADERSHIP + (CommitteeRole.STANDING,)


class MemberKind(StrEnum):
    MEMBER = "委员"     # votes, counts toward quorum
    ATTENDEE = "列席"   # attends and checks in, never votes, never counts


class Gender(StrEnum):
    MALE = "男"
    FEMALE = "女"


class Sector(db.Model):
    """界别, in the committee's official order."""
    __tablename__ = "sector"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<Sector {self.position} {self.name}>"


class Group(db.Model):
    """讨论组 (discussion group)."""
    __tablename__ = "member_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Group {self.name}>"


class Member(db.Model):
    """委员 or 列席 attendee."""
    __tablename__ = "member"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_no: Mapped[str] = mapped_column(String(32), unique=True)  # 委员证号
    name: Mapped[str] = mapped_column(String(40), index=True)
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender, 4), nullable=True)
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    birth_month: Mapped[date | None] = mapped_column(Date, nullable=True)  # 出生年月, day = 1
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), index=True, nullable=True)
    party: Mapped[str] = mapped_column(String(40), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")  # 工作单位及职务
    phone: Mapped[str] = mapped_column(String(20), default="")
    committee_role: Mapped[CommitteeRole] = mapped_column(str_enum(CommitteeRole, 8), default=CommitteeRole.MEMBER)
    kind: Mapped[MemberKind] = mapped_column(str_enum(MemberKind, 8), default=MemberKind.MEMBER)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("member_group.id"), index=True, nullable=True)
    credential_version: Mapped[int] = mapped_column(default=1)  # bumped when the pass is reissued
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    sector: Mapped[Sector | None] = relationship(lazy="joined")
    group: Mapped[Group | None] = relationship(lazy="joined")

    @property
    def is_voting(self) -> bool:
        return self.kind == MemberKind.MEMBER and self.active

    @property
    def sector_name(self) -> str:
        return self.sector.name if self.sector else ""

    def __repr__(self) -> str:
        return f"<Member {self.member_no} {self.name}>"


class Arrival(db.Model):
    """报到: arrival registration for a whole meeting."""
    __tablename__ = "arrival"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
    lodging: Mapped[str] = mapped_column(String(200), default="")    # 住宿
    dining: Mapped[str] = mapped_column(String(200), default="")     # 用餐
    transport: Mapped[str] = mapped_column(String(200), default="")  # 乘车

    member: Mapped[Member] = relationship(lazy="joined")
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    def __repr__(self) -> str:
        return f"<Arrival meeting={self.meeting_id} member={self.member_id}>"


class LeaveStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"pending": "待审批", "approved": "已批准", "refused": "未批准", "withdrawn": "已撤回"}[self.value]


class Leave(db.Model):
    """请假 for one sitting."""
    __tablename__ = "leave_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[LeaveStatus] = mapped_column(str_enum(LeaveStatus), default=LeaveStatus.PENDING)
    filed_by: Mapped[str] = mapped_column(String(120))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str] = mapped_column(String(200), default="")

    member: Mapped[Member] = relationship(lazy="joined")
    sitting = relationship("Sitting", lazy="joined")
    __table_args__ = (UniqueConstraint("sitting_id", "member_id"),)

    def __repr__(self) -> str:
        return f"<Leave sitting={self.sitting_id} member={self.member_id} {self.status}>"
