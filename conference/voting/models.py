"""表决 and 选举: the vote, its frozen electorate, who voted, and what was voted.

Secrecy of a secret (无记名) vote is a property of these tables: ``VoteParticipation`` records *who* voted
(to stop a second ballot, by a unique constraint) and ``Ballot`` records *what* was voted. Nothing links
them: ballots have random 128-bit keys (no insertion order), no timestamp and no member; participation rows
have no key of their own and no timestamp; on SQLite both tables are WITHOUT ROWID, so even the hidden
row order is the key order. The receipt given to the voter is stored only as a hash on the ballot.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (JSON, Boolean, CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, Integer, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..registration.models import Member, str_enum
from ..timeutil import utcnow
from .lifecycle import State
from .tally import Base, ElectionMode


class VoteKind(StrEnum):
    MOTION = "motion"      # 表决
    ELECTION = "election"  # 选举

    @property
    def label(self) -> str:
        return {"motion": "表决", "election": "选举"}[self.value]


def random_key() -> str:
    return secrets.token_hex(16)  # 128 random bits: ballots carry no insertion order


class Vote(db.Model):
    __tablename__ = "vote"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[VoteKind] = mapped_column(str_enum(VoteKind, 10), default=VoteKind.MOTION)
    title: Mapped[str] = mapped_column(String(200))
    agenda_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the agenda domain's item, if any
    documents: Mapped[list] = mapped_column(JSON, default=list)  # [{"title": ..., "url": ...}]
    secret: Mapped[bool] = mapped_column(Boolean, default=False)  # 无记名
    changeable: Mapped[bool] = mapped_column(Boolean, default=False)  # a ballot may be changed before close
    base: Mapped[Base] = mapped_column(str_enum(Base, 10), default=Base.MEMBERS)
    fraction_num: Mapped[int] = mapped_column(default=1)
    fraction_den: Mapped[int] = mapped_column(default=2)
    strict: Mapped[bool] = mapped_column(Boolean, default=True)  # more than (True) / at least (False)
    # elections
    seats: Mapped[int | None] = mapped_column(nullable=True)
    mode: Mapped[ElectionMode | None] = mapped_column(str_enum(ElectionMode, 16), nullable=True)
    write_ins: Mapped[bool] = mapped_column(Boolean, default=True)  # 另选他人 allowed
    # life
    state: Mapped[State] = mapped_column(str_enum(State, 10), default=State.DRAFT, index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    rerun_of_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"), nullable=True)
    # the record (GB 50799): attendance at open and close and the result, stored with the vote
    expected_count: Mapped[int | None] = mapped_column(nullable=True)       # 应到 at open
    electorate_count: Mapped[int | None] = mapped_column(nullable=True)     # 实到 at open (frozen electorate)
    present_at_close: Mapped[int | None] = mapped_column(nullable=True)     # 实到 at close
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    sitting = relationship("Sitting")
    candidates: Mapped[list["Candidate"]] = relationship(back_populates="vote", order_by="Candidate.position",
                                                         cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("fraction_num > 0 AND fraction_den > 0 AND fraction_num <= fraction_den", name="fraction"),
        CheckConstraint("kind != 'election' OR (seats >= 1 AND mode IS NOT NULL)", name="election_has_seats"),
    )

    @property
    def room(self) -> str:
        return f"sitting:{self.sitting_id}"

    def __repr__(self) -> str:
        return f"<Vote {self.id} {self.kind} {self.state} {self.title}>"


class Candidate(db.Model):
    """A candidate of an election, in 姓氏笔画 order (``position``)."""
    __tablename__ = "vote_candidate"
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    position: Mapped[int] = mapped_column(default=0)

    vote: Mapped[Vote] = relationship(back_populates="candidates")
    member: Mapped[Member] = relationship(lazy="joined")
    __table_args__ = (UniqueConstraint("vote_id", "member_id"),)

    def __repr__(self) -> str:
        return f"<Candidate vote={self.vote_id} member={self.member_id}>"


class Elector(db.Model):
    """The electorate, frozen when the vote opens: voting members checked in at that moment."""
    __tablename__ = "vote_elector"
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self) -> str:
        return f"<Elector vote={self.vote_id} member={self.member_id}>"


class VoteParticipation(db.Model):
    """*Who* voted: one row per elector who cast a ballot. The primary key is the one-ballot rule."""
    __tablename__ = "vote_participation"
    vote_id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(primary_key=True)

    __table_args__ = (
        # only an elector of the vote can have voted in it
        ForeignKeyConstraint(["vote_id", "member_id"], ["vote_elector.vote_id", "vote_elector.member_id"],
                             ondelete="CASCADE", name="fk_vote_participation_elector"),
        {"sqlite_with_rowid": False},
    )

    def __repr__(self) -> str:
        return f"<VoteParticipation vote={self.vote_id} member={self.member_id}>"


class Ballot(db.Model):
    """*What* was voted. For a named vote ``member_id`` and ``cast_at`` are filled (and unique per vote);
    for a secret vote they stay empty and the key is random."""
    __tablename__ = "vote_ballot"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"))
    choice: Mapped[str | None] = mapped_column(String(10), nullable=True)   # motions: yes / no / abstain
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)          # elections: marks, write-ins
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), nullable=True)  # named votes only
    cast_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # named votes only

    __table_args__ = (
        UniqueConstraint("vote_id", "member_id"),
        Index("ix_vote_ballot_vote_choice", "vote_id", "choice"),
        CheckConstraint("choice IS NOT NULL OR data IS NOT NULL", name="has_content"),
        {"sqlite_with_rowid": False},
    )

    def __repr__(self) -> str:
        return f"<Ballot vote={self.vote_id}>"
