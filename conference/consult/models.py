"""码上商量 tables: offices, topics, suggestions, daily visit counters (no personal data)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..registration.models import str_enum
from ..timeutil import utcnow
from .rules import HandlingStatus, HideReason, TopicStatus, Visibility, questions_list


class Office(db.Model):
    """A committee office (专委会办公室) or a 商量工作室 that owns topics and handles suggestions."""
    __tablename__ = "consult_office"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="办公室")  # 办公室 / 商量工作室

    def __repr__(self) -> str:
        return f"<Office {self.name}>"


class Topic(db.Model):
    """议题: what the public is asked about, reached by a QR poster at /s/<slug or id>."""
    __tablename__ = "consult_topic"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    title: Mapped[str] = mapped_column(String(120))
    background: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[str] = mapped_column(Text, default="")  # one question per line
    status: Mapped[TopicStatus] = mapped_column(str_enum(TopicStatus, 12), default=TopicStatus.DRAFT, index=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("consult_office.id"), nullable=True, index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    office: Mapped[Office | None] = relationship()
    meeting = relationship("Meeting")

    @property
    def question_list(self) -> list[str]:
        return questions_list(self.questions)

    @property
    def public_key(self) -> str:
        return self.slug or str(self.id)

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.title} {self.status}>"


class Suggestion(db.Model):
    """意见建议. ``phone`` is kept in full only for staff follow-up; lists show ``phone_masked``."""
    __tablename__ = "consult_suggestion"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("consult_topic.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(32))
    author_name: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    phone_masked: Mapped[str] = mapped_column(String(20), default="")
    sector: Mapped[str] = mapped_column(String(40), default="")       # 界别
    occupation: Mapped[str] = mapped_column(String(40), default="")
    district: Mapped[str] = mapped_column(String(40), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"), nullable=True)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility, 12), default=Visibility.PENDING, index=True)
    status: Mapped[HandlingStatus] = mapped_column(str_enum(HandlingStatus, 12), default=HandlingStatus.RECEIVED)
    hidden_reason: Mapped[HideReason | None] = mapped_column(str_enum(HideReason, 12), nullable=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("consult_suggestion.id", ondelete="SET NULL"),
                                                        nullable=True, index=True)
    tags: Mapped[str] = mapped_column(String(240), default="")        # comma separated
    office_id: Mapped[int | None] = mapped_column(ForeignKey("consult_office.id"), nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(80), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    topic: Mapped[Topic] = relationship()
    office: Mapped[Office | None] = relationship()
    merged_into: Mapped["Suggestion | None"] = relationship(remote_side=[id])

    # the same normalized text twice on a topic is refused by the database, not by a check-then-insert
    __table_args__ = (UniqueConstraint("topic_id", "fingerprint"),)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def display_author(self) -> str:
        return self.author_name or "匿名"

    def __repr__(self) -> str:
        return f"<Suggestion {self.id} topic={self.topic_id} {self.visibility}/{self.status}>"


class TopicVisit(db.Model):
    """Page views and unique visitors per topic per day; counts only, no addresses (see services.VisitCounter)."""
    __tablename__ = "consult_visit"
    topic_id: Mapped[int] = mapped_column(ForeignKey("consult_topic.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<TopicVisit {self.topic_id} {self.day} {self.views}>"
