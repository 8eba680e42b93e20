"""Start job workers as separate OS processes, from the web process (ARCHITECTURE rule 7).

``wake()`` (called after the commit that queued a job) starts ``python -m conference.jobs.worker``
unless a worker started by this process is still alive; the worker drains the queue oldest first and
exits. A supervisor task (a green thread under gevent) waits for it cooperatively, fails the jobs it
left running if it died, and starts another worker if jobs were queued meanwhile. The heavy work never
runs in the event loop that serves the websockets; the worker process also lowers its CPU priority.

Settings: ``JOBS_RUNNER`` = "process" (default) | "inline" (run in the request, after its commit; for
tests and scripts) | "manual" (only queue; call ``services.run_job`` or ``flask pdf run-queue`` yourself).
``JOBS_NICE`` (default 5): how much the worker lowers its CPU priority below the web process.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

from flask import Flask, current_app

from ..extensions import socketio

log = logging.getLogger(__name__)

# settings the worker process needs to see the same database, keys and file area as this process
FORWARDED = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TOKEN_KEY_ID", "TOKEN_KEYS", "TOKEN_ACCEPTED_KEY_IDS",
             "JOBS_DIR", "COMMITTEE_NAME", "NAME_CONVENTION", "PUBLIC_URL", "UPLOAD_DIR", "TESTING",
             "SERVER_NAME", "PREFERRED_URL_SCHEME")
PROJECT_DIR = Path(__file__).resolve().parents[2]

_lock = threading.Lock()
_process: subprocess.Popen | None = None


def worker_settings(app: Flask) -> dict:
    from .services import jobs_dir

    with app.app_context():
        settings = {key: app.config.get(key) for key in FORWARDED if app.config.get(key) is not None}
        settings["JOBS_DIR"] = str(jobs_dir())
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in settings.items()}


def wake(app: Flask | None = None) -> None:
    """Make sure queued jobs get run (call after the commit that queued them)."""
    app = app or current_app._get_current_object()
    mode = app.config.get("JOBS_RUNNER", "process")
    if mode == "manual":
        return
    if mode == "inline" or app.config["SQLALCHEMY_DATABASE_URI"] in ("sqlite://", "sqlite:///:memory:"):
        _drain_inline(app)
        return
    start_worker(app)


def _drain_inline(app: Flask) -> None:
    from flask.globals import _cv_app

    from .services import claim_next, run_job

    token = _cv_app.set(None)  # a fresh app context (own session), like the worker process
    try:
        with app.app_context():
            while (job_id := claim_next()) is not None:
                run_job(job_id)
    finally:
        _cv_app.reset(token)


def start_worker(app: Flask) -> bool:
    """Start a worker process unless ours is still running; True if one was started."""
    global _process
    with _lock:
        if _process is not None and _process.poll() is None:
            return False
        command = [sys.executable, "-m", "conference.jobs.worker", "--config-stdin",
                   "--nice", str(int(app.config.get("JOBS_NICE", 5)))]
        _process = subprocess.Popen(command, cwd=str(PROJECT_DIR), stdin=subprocess.PIPE,
                                    stdout=subprocess.DEVNULL, stderr=None, close_fds=True)
        process = _process
    payload = json.dumps(worker_settings(app)).encode()
    socketio.start_background_task(_supervise, app, process, payload)
    return True


def _supervise(app: Flask, process: subprocess.Popen, payload: bytes) -> None:
    """Feed the worker its settings, wait for it without blocking the event loop, then tidy up."""
    from .services import fail_orphans, queued_count

    try:
        process.communicate(payload)
    except Exception:  # noqa: BLE001
        log.exception("job worker %s: communicate failed", process.pid)
        process.wait()
    host_pid = f"{__import__('socket').gethostname()}:{process.pid}"
    with app.app_context():
        orphans = fail_orphans(host_pid)
        if process.returncode:
            log.error("job worker %s exited with %s; %d job(s) marked failed", process.pid, process.returncode,
                      orphans)
        if queued_count():  # queued while the worker was finishing up
            start_worker(app)


def running_process() -> subprocess.Popen | None:
    return _process if _process is not None and _process.poll() is None else None
