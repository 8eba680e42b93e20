from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class AuditEntry(db.Model):
    """Who did what and when: seating changes, check-in overrides, vote states, moderation."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))  # "staff:3 张三" / "member:12 李四" / "system"
    action: Mapped[str] = mapped_column(String(80), index=True)  # e.g. "seating.move", "vote.open"
    target: Mapped[str] = mapped_column(String(120), default="")  # e.g. "sitting:3"
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_entry_target_at", "target", "at"),)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.target} by {self.actor}>"
