"""Agendas (items, published versions, the live current item), documents with audiences, read receipts, notices."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..registration.models import str_enum
from ..timeutil import utcnow


class AgendaItem(db.Model):
    """One item of a sitting's agenda (the working copy the secretariat edits; delegates read published versions)."""
    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    presenter: Mapped[str] = mapped_column(String(120), default="")
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)

    sitting = relationship("Sitting")

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} sitting={self.sitting_id} #{self.position} {self.title}>"


class AgendaVersion(db.Model):
    """A published version of a sitting's agenda: a JSON snapshot, kept readable after later changes."""
    __tablename__ = "agenda_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    changes: Mapped[list] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by: Mapped[str] = mapped_column(String(120), default="")

    __table_args__ = (UniqueConstraint("sitting_id", "number"),)

    def __repr__(self) -> str:
        return f"<AgendaVersion sitting={self.sitting_id} v{self.number}>"


class AgendaLive(db.Model):
    """The item the presider is on now (one row per sitting)."""
    __tablename__ = "agenda_live"
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"), primary_key=True)
    current_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                        nullable=True)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    moved_by: Mapped[str] = mapped_column(String(120), default="")

    def __repr__(self) -> str:
        return f"<AgendaLive sitting={self.sitting_id} item={self.current_item_id}>"


class DocumentState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "published": "已发布", "withdrawn": "已撤回"}[self.value]


class Document(db.Model):
    """A meeting document (PDF or image) attached to a meeting, a sitting or an agenda item."""
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    sitting_id: Mapped[int | None] = mapped_column(ForeignKey("sitting.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                       nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(200))   # sanitized
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # random, under UPLOAD_DIR/documents
    kind: Mapped[str] = mapped_column(String(10))             # pdf / png / jpeg
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    sha256: Mapped[str] = mapped_column(String(64))
    audience: Mapped[dict] = mapped_column(JSON)
    state: Mapped[DocumentState] = mapped_column(str_enum(DocumentState, 10), default=DocumentState.DRAFT)
    view_only: Mapped[bool] = mapped_column(default=False)    # 保密：只能在线阅读，不可下载/打印
    withdraw_after_meeting: Mapped[bool] = mapped_column(default=False)
    converted_from: Mapped[str] = mapped_column(String(10), default="")  # "word" when converted by LibreOffice
    uploaded_by: Mapped[str] = mapped_column(String(120), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    meeting = relationship("Meeting")
    sitting = relationship("Sitting")
    agenda_item = relationship("AgendaItem")

    @property
    def is_image(self) -> bool:
        return self.kind in ("png", "jpeg")

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title} {self.state}>"


class DocumentReceipt(db.Model):
    """Who opened a document, first and last time."""
    __tablename__ = "document_receipt"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opens: Mapped[int] = mapped_column(Integer, default=1)

    member = relationship("Member")
    __table_args__ = (UniqueConstraint("document_id", "member_id"),)

    def __repr__(self) -> str:
        return f"<DocumentReceipt doc={self.document_id} member={self.member_id}>"


class Notice(db.Model):
    """通知: a short message to an audience, pushed live."""
    __tablename__ = "notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[dict] = mapped_column(JSON)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")

    def __repr__(self) -> str:
        return f"<Notice {self.id} {self.title}>"


class NoticeRead(db.Model):
    __tablename__ = "notice_read"
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<NoticeRead notice={self.notice_id} member={self.member_id}>"
