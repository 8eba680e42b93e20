"""Job use cases: create (in a request), claim and run (in the worker process), read (for the UI)."""
from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from ..accounts.roles import Role, allowed
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..timeutil import as_utc, utcnow
from . import registry
from .models import Job, JobStatus

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5   # seconds between progress rows written by one job


def jobs_dir() -> Path:
    configured = current_app.config.get("JOBS_DIR")
    if configured:
        path = Path(configured)
    else:
        from config import INSTANCE_DIR
        path = Path(INSTANCE_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ---- in the request -------------------------------------------------------------------------------------
def create_job(kind: str, params: dict | None, principal=None) -> Job:
    """Queue a job of a registered kind. ``principal`` None = the command line (no role check)."""
    job_kind = registry.get(kind)
    if job_kind is None:
        raise DomainError("unknown_job_kind", f"未知的文档生成任务类型：{kind}")
    if principal is not None and not allowed(principal.role, job_kind.roles):
        raise Forbidden("您没有权限生成该文档")
    params = dict(params or {})
    if job_kind.validate is not None:
        params = job_kind.validate(params) or params
    job = Job(kind=kind, params=params, title=job_kind.title(params), status=JobStatus.QUEUED,
              created_by_id=getattr(principal, "user_id", None),
              created_by=principal.display_name if principal is not None else "命令行")
    db.session.add(job)
    db.session.flush()
    return job


def get_job(job_id: str, *, fresh: bool = False) -> Job:
    job = (db.session.get(Job, job_id, populate_existing=fresh)
           if isinstance(job_id, str) and 0 < len(job_id) <= 32 else None)
    if job is None:
        raise NotFound("找不到该任务")
    return job


def can_see(principal, job: Job) -> bool:
    """The creator and the secretariat; nobody else (documents carry personal data and QR codes)."""
    if principal is None or not getattr(principal, "is_authenticated", False):
        return False
    if principal.role == Role.SECRETARIAT:
        return True
    return job.created_by_id is not None and job.created_by_id == getattr(principal, "user_id", None)


def job_for(principal, job_id: str) -> Job:
    job = get_job(job_id)
    if not can_see(principal, job):
        raise Forbidden("只有任务的创建人或秘书处可以查看和下载该文档")
    return job


def list_jobs(principal, *, limit: int = 50, meeting_id: int | None = None) -> list[Job]:
    query = select(Job).order_by(Job.created_at.desc()).limit(limit if meeting_id is None else 500)
    if principal.role != Role.SECRETARIAT:
        query = query.where(Job.created_by_id == principal.user_id)
    jobs = db.session.scalars(query).all()
    if meeting_id is not None:
        jobs = [j for j in jobs if str((j.params or {}).get("meeting_id")) == str(meeting_id)][:limit]
    return jobs


def job_dict(job: Job, download_url: str | None = None) -> dict:
    return {"ok": True, "id": job.id, "kind": job.kind, "title": job.title, "status": job.status.value,
            "status_label": job.status.label, "done": job.done, "total": job.total, "percent": job.percent,
            "message": job.message, "error": job.error, "finished": job.status.finished,
            "created_at": as_utc(job.created_at).isoformat() if job.created_at else None,
            "finished_at": as_utc(job.finished_at).isoformat() if job.finished_at else None,
            "result_name": job.result_name, "result_size": job.result_size,
            "download_url": download_url if job.status == JobStatus.DONE else None}


def result_path(job: Job) -> Path:
    if job.status != JobStatus.DONE or not job.result_file:
        raise DomainError("not_ready", "文档尚未生成完成", status=409)
    path = jobs_dir() / job.result_file
    if not path.is_file():
        raise DomainError("result_missing", "文档文件已被清理，请重新生成", status=410)
    return path


# ---- in the worker --------------------------------------------------------------------------------------
def claim(job_id: str) -> bool:
    """Atomically move a queued job to running; False if someone else took it (or it is not queued)."""
    with db.engine.begin() as conn:
        result = conn.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                              .values(status=JobStatus.RUNNING, started_at=utcnow(), message="开始生成",
                                      worker=worker_name()))
        return result.rowcount == 1


def claim_next() -> str | None:
    """The oldest queued job, claimed; None when the queue is empty."""
    for _ in range(5):  # another worker may win the race for a candidate; try the next one
        with db.engine.connect() as conn:
            job_id = conn.execute(select(Job.id).where(Job.status == JobStatus.QUEUED)
                                  .order_by(Job.created_at).limit(1)).scalar()
        if job_id is None:
            return None
        if claim(job_id):
            return job_id
    return None


def queued_count() -> int:
    with db.engine.connect() as conn:
        return len(conn.execute(select(Job.id).where(Job.status == JobStatus.QUEUED).limit(100)).all())


class ProgressWriter:
    """The ``progress(done, total, message)`` callable handed to job functions.

    Writes through its own short transaction (never the job function's session, whose objects must
    stay loaded), at most once per ``interval`` seconds, and always for the final figure."""

    def __init__(self, job_id: str, interval: float = PROGRESS_INTERVAL, echo=None):
        self.job_id = job_id
        self.echo = echo  # also tell someone else (the command line's progress bar)
        self.interval = interval
        self.done = 0
        self.total = 0
        self.message = ""
        self._last = 0.0
        self.writes = 0

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self.done = int(done)
        if total is not None:
            self.total = int(total)
        if message is not None:
            self.message = str(message)[:200]
        if self.echo is not None:
            self.echo(self.done, self.total, message)
        now = time.monotonic()
        if now - self._last >= self.interval or (self.total and self.done >= self.total) or message is not None:
            self.flush()
            self._last = now

    def flush(self) -> None:
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == self.job_id)
                         .values(done=self.done, total=self.total, message=self.message))
        self.writes += 1


def describe_error(exc: BaseException) -> str:
    from ..pdf.fonts import MissingGlyphError

    if isinstance(exc, MissingGlyphError):
        where = f"（出现在“{exc.text}”中）" if exc.text else ""
        return (f"{exc.document}：字符“{exc.char}”（{exc.codepoint}）没有任何内嵌字体可以显示{where}。"
                f"请核对该姓名或文字，或为字体补充该字。")
    if isinstance(exc, DomainError):
        return exc.message
    return f"生成失败：{type(exc).__name__}: {exc}"


def run_job(job_id: str, on_progress=None) -> Job:
    """Run one job to the end in the current app context (the worker calls this; tests may too).

    Never raises for a failing job function: the failure is recorded on the row."""
    if not claim(job_id):
        job = get_job(job_id, fresh=True)
        if job.status != JobStatus.RUNNING or job.worker != worker_name():
            raise DomainError("not_queued", f"任务状态为“{job.status.label}”，不能再次运行", status=409)
    job = get_job(job_id, fresh=True)
    kind = registry.get(job.kind)
    progress = ProgressWriter(job.id, echo=on_progress)
    started = time.monotonic()
    try:
        if kind is None:
            raise DomainError("unknown_job_kind", f"未知的文档生成任务类型：{job.kind}")
        filename, data = kind.fn(dict(job.params or {}), progress)
        suffix = Path(filename).suffix.lower() or ".pdf"
        target = jobs_dir() / f"{job.id}{suffix}"
        partial = target.with_suffix(suffix + ".part")
        partial.write_bytes(data)
        partial.replace(target)  # a download never sees half a file
        db.session.rollback()    # end the job function's read transaction before writing the row
        job = get_job(job_id)
        job.status = JobStatus.DONE
        job.result_file, job.result_name, job.result_size = target.name, filename, len(data)
        job.done = progress.total or progress.done
        job.total = progress.total or progress.done
        job.message = f"已完成，用时 {time.monotonic() - started:.1f} 秒"
        job.finished_at = utcnow()
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded for the user
        log.warning("job %s (%s) failed: %s", job_id, getattr(job, "kind", "?"), exc)
        db.session.rollback()
        job = get_job(job_id)
        job.status = JobStatus.FAILED
        job.error = describe_error(exc)
        job.message = "生成失败"
        job.finished_at = utcnow()
        if not isinstance(exc, DomainError):
            job.error += "\n" + "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
        db.session.commit()
    return job


def fail_orphans(worker: str, reason: str = "生成进程意外退出，请重新生成") -> int:
    """Mark the running jobs of a worker process that died as failed."""
    with db.engine.begin() as conn:
        result = conn.execute(update(Job).where(Job.status == JobStatus.RUNNING, Job.worker == worker)
                              .values(status=JobStatus.FAILED, error=reason, message="生成失败",
                                      finished_at=utcnow()))
        return result.rowcount
