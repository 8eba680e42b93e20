"""A job row: what to build, who asked, how far it got, where the result is."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..registration.models import str_enum
from ..timeutil import utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "排队中", "running": "正在生成", "done": "已完成", "failed": "失败"}[self.value]

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


def new_job_id() -> str:
    # random, not a sequence: a job URL must not let anyone enumerate other people's documents
    return uuid.uuid4().hex


class Job(db.Model):
    __tablename__ = "job"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_job_id)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus, 10), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(200), default="")
    result_file: Mapped[str | None] = mapped_column(String(80), nullable=True)   # name inside JOBS_DIR
    result_name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # download file name
    result_size: Mapped[int | None] = mapped_column(nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      nullable=True, index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")  # display name (or "命令行")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    worker: Mapped[str] = mapped_column(String(80), default="")  # host:pid of the process running it

    __table_args__ = (Index("ix_job_status_created", "status", "created_at"),)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    def __repr__(self) -> str:
        return f"<Job {self.id[:8]} {self.kind} {self.status}>"
