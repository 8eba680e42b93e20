"""签到 records: one check-in per member per sitting (a database constraint), with 退场 on the same row."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..registration.models import Member, str_enum
from ..timeutil import utcnow


class Method(StrEnum):
    PASS = "pass"          # 扫参会证
    SELF = "self"          # 自助签到（手机扫大屏二维码）
    MANUAL = "manual"      # 补签
    OFFLINE = "offline"    # 离线扫码，联网后补传

    @property
    def label(self) -> str:
        return {"pass": "扫证签到", "self": "自助签到", "manual": "补签", "offline": "离线补传"}[self.value]


class CheckIn(db.Model):
    """签到: ``scanned_at`` is when the person was at the door, ``recorded_at`` when the server stored it."""
    __tablename__ = "checkin"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    station: Mapped[str] = mapped_column(String(40), default="")
    method: Mapped[Method] = mapped_column(str_enum(Method, 10))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      nullable=True)
    staff_name: Mapped[str] = mapped_column(String(120), default="")
    override: Mapped[str] = mapped_column(String(20), default="")  # refusal code the staff overrode, if any
    reason: Mapped[str] = mapped_column(String(200), default="")   # 补签 / override reason
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)  # client retry key
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # 退场
    left_note: Mapped[str] = mapped_column(String(200), default="")
    left_by: Mapped[str] = mapped_column(String(120), default="")
    time_adjusted: Mapped[bool] = mapped_column(Boolean, default=False)  # offline time out of bounds, replaced

    member: Mapped[Member] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("sitting_id", "member_id"), Index("ix_checkin_sitting_scanned",
                                                                         "sitting_id", "scanned_at"))

    def __repr__(self) -> str:
        return f"<CheckIn sitting={self.sitting_id} member={self.member_id} {self.method}>"
