"""Structured logs: one line per event as key=value pairs, each with the request id."""
from __future__ import annotations

import json
import logging
import time

from flask import Flask, g, has_request_context, request


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "rid": getattr(record, "request_id", "-"),
            "msg": record.getMessage(),
        }
        fields.update(getattr(record, "fields", {}))
        line = " ".join(f"{k}={json.dumps(v, ensure_ascii=False) if isinstance(v, str) and (' ' in v or not v) else v}"
                        for k, v in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(app: Flask) -> None:
    root = logging.getLogger()
    if not any(isinstance(h.formatter, KeyValueFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(KeyValueFormatter())
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    access = logging.getLogger("conference.access")

    @app.before_request
    def _start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def _access_log(response):
        if request.path.startswith("/static/") or request.path.startswith("/socket.io"):
            return response
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        access.info("request", extra={"fields": {"method": request.method, "path": request.path,
                                                 "status": response.status_code, "ms": round(elapsed, 1)}})
        return response
