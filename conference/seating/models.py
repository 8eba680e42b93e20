"""Halls, their seats, and who sits where at each sitting."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class Hall(db.Model):
    """会场. ``layout`` is the JSON of schemas/hall.schema.json; the seats below are built from it."""
    __tablename__ = "hall"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    seats: Mapped[list["HallSeat"]] = relationship(back_populates="hall", cascade="all, delete-orphan",
                                                   order_by="HallSeat.id")

    def __repr__(self) -> str:
        return f"<Hall {self.id} {self.name}>"


class HallSeat(db.Model):
    __tablename__ = "hall_seat"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id", ondelete="CASCADE"), index=True)
    zone: Mapped[str] = mapped_column(String(20))
    zone_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))          # rostrum / floor / balcony
    row: Mapped[int] = mapped_column()
    row_label: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="ok")   # ok / reserved / unusable
    attendees: Mapped[bool] = mapped_column(Boolean, default=False)

    hall: Mapped[Hall] = relationship(back_populates="seats")
    __table_args__ = (UniqueConstraint("hall_id", "zone", "row", "number"),)

    @property
    def label(self) -> str:
        return f"{self.zone_name} {self.row_label}{self.number}号"

    def __repr__(self) -> str:
        return f"<HallSeat {self.hall_id} {self.zone}:{self.row}:{self.number}>"


class SeatingPlan(db.Model):
    """Which hall a sitting uses, and the options its automatic seating ran with."""
    __tablename__ = "seating_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[list] = mapped_column(JSON, default=list)      # what the last automatic run could not do
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    hall: Mapped[Hall] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<SeatingPlan sitting={self.sitting_id} hall={self.hall_id}>"


class SeatAssignment(db.Model):
    """One person in one seat at one sitting: both unique per sitting, enforced by the database."""
    __tablename__ = "seat_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("hall_seat.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assigned_by: Mapped[str] = mapped_column(String(120), default="system")

    seat: Mapped[HallSeat] = relationship(lazy="joined")
    __table_args__ = (UniqueConstraint("sitting_id", "seat_id", name="uq_seat_assignment_sitting_seat"),
                      UniqueConstraint("sitting_id", "member_id", name="uq_seat_assignment_sitting_member"),
                      Index("ix_seat_assignment_sitting", "sitting_id"))

    def __repr__(self) -> str:
        return f"<SeatAssignment sitting={self.sitting_id} seat={self.seat_id} member={self.member_id}>"
