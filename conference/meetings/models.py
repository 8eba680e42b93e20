from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..registration.models import str_enum
from ..timeutil import utcnow


class SittingKind(StrEnum):
    PLENARY = "全体会议"
    GROUP = "分组讨论"
    PRESIDIUM = "主席团会议"
    STANDING = "常委会会议"


class Body(StrEnum):
    """Whose members are expected (应到) at a sitting."""
    ALL = "all"
    STANDING = "standing"
    GROUP = "group"

    @property
    def label(self) -> str:
        return {"all": "全体委员", "standing": "常委会组成人员", "group": "讨论组成员"}[self.value]


class Meeting(db.Model):
    """会议, e.g. 政协第十五届济南市委员会第五次会议."""
    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    venue: Mapped[str] = mapped_column(String(120), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sittings: Mapped[list["Sitting"]] = relationship(back_populates="meeting", order_by="Sitting.starts_at",
                                                     cascade="all, delete-orphan")
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title}>"


class Sitting(db.Model):
    """会次: one sitting of a meeting."""
    __tablename__ = "sitting"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SittingKind] = mapped_column(str_enum(SittingKind, 10), default=SittingKind.PLENARY)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    place: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[Body] = mapped_column(str_enum(Body, 10), default=Body.ALL)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("member_group.id"), nullable=True)

    meeting: Mapped[Meeting] = relationship(back_populates="sittings")
    group = relationship("Group")
    __table_args__ = (CheckConstraint("body != 'group' OR group_id IS NOT NULL", name="group_body_has_group"),)

    @property
    def room(self) -> str:
        return f"sitting:{self.id}"

    def __repr__(self) -> str:
        return f"<Sitting {self.id} {self.title}>"
