"""The job worker process: ``python -m conference.jobs.worker [--config-stdin] [JOB_ID ...]``.

Builds its own app (threading mode, its own database connections), claims queued jobs oldest first
(or the given ids), runs each to the end, and exits when the queue stays empty. Started by
:mod:`conference.jobs.runner`; can also be run by hand or from cron/systemd on another machine that
shares the database and the instance/jobs directory.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

IDLE_SECONDS = 1.0  # look once more after the queue empties: a job may have been queued meanwhile


def build_app(settings: dict | None):
    os.environ["SOCKETIO_ASYNC_MODE"] = "threading"   # no gevent here: plain blocking CPU work
    from config import config_from_env
    from conference import create_app

    base = config_from_env()
    overrides = dict(settings or {})
    overrides.update(SOCKETIO_ASYNC_MODE="threading", SOCKETIO_MESSAGE_QUEUE=None, SQLALCHEMY_ENGINE_OPTIONS={})
    config = type("JobWorkerConfig", (base,), overrides)
    return create_app(config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="文档生成任务进程")
    parser.add_argument("job_ids", nargs="*")
    parser.add_argument("--config-stdin", action="store_true", help="read settings as JSON from stdin")
    parser.add_argument("--nice", type=int, default=5, help="lower CPU priority (default 5)")
    args = parser.parse_args(argv)
    settings = json.loads(sys.stdin.read() or "{}") if args.config_stdin else None
    if args.nice and hasattr(os, "nice"):
        try:
            os.nice(args.nice)  # the web process (live sittings) wins every contest for the CPU
        except OSError:
            pass
    app = build_app(settings)
    from .services import claim_next, run_job

    with app.app_context():
        for job_id in args.job_ids:
            run_job(job_id)
        if args.job_ids:
            return 0
        idle_since = None
        while True:
            job_id = claim_next()
            if job_id is not None:
                run_job(job_id)
                idle_since = None
                continue
            if idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= IDLE_SECONDS:
                return 0
            time.sleep(0.25)


if __name__ == "__main__":
    sys.exit(main())
