"""Domain errors and their one mapping to HTTP responses, flash messages and socket acks."""
from __future__ import annotations

from http import HTTPStatus

from flask import Flask, flash, jsonify, redirect, render_template, request

# code → HTTP status; everything not listed is a 400 (bad input) or 409 (state conflict) by its family.
STATUS_BY_CODE = {
    "not_found": HTTPStatus.NOT_FOUND,
    "forbidden": HTTPStatus.FORBIDDEN,
    "unauthorized": HTTPStatus.UNAUTHORIZED,
    "conflict": HTTPStatus.CONFLICT,
    "rate_limited": HTTPStatus.TOO_MANY_REQUESTS,
    "too_large": HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
}


class DomainError(Exception):
    """A refusal the user can understand: ``code`` for programs, ``message`` (Chinese) for people."""

    status = HTTPStatus.BAD_REQUEST

    def __init__(self, code: str, message: str, *, status: int | None = None, details=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details
        self.status = HTTPStatus(status) if status else STATUS_BY_CODE.get(code, type(self).status)

    def to_dict(self) -> dict:
        body = {"ok": False, "error": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    def __init__(self, message: str = "找不到该记录"):
        super().__init__("not_found", message)


class Forbidden(DomainError):
    def __init__(self, message: str = "您没有权限执行此操作"):
        super().__init__("forbidden", message)


class Conflict(DomainError):
    status = HTTPStatus.CONFLICT


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def ack_error(exc: DomainError) -> dict:
    """The acknowledgement a socket handler returns for a refusal."""
    return exc.to_dict()


def register_error_handlers(app: Flask) -> None:
    from .extensions import db

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        db.session.rollback()
        if wants_json():
            return jsonify(exc.to_dict()), int(exc.status)
        if request.method == "POST" and request.referrer and exc.status < 500 and exc.status not in (401, 403, 404):
            flash(exc.message, "danger")
            return redirect(request.referrer)
        return render_template("error.html", code=exc.code, message=exc.message), int(exc.status)

    messages = {
        400: ("bad_request", "请求有误，请检查后重试"),
        401: ("unauthorized", "请先登录"),
        403: ("forbidden", "您没有权限访问此页面"),
        404: ("not_found", "页面不存在"),
        405: ("method_not_allowed", "不支持该请求方式"),
        413: ("too_large", "上传的文件太大"),
        429: ("rate_limited", "操作过于频繁，请稍后再试"),
        500: ("server_error", "服务器内部错误，请稍后重试"),
    }

    def make_handler(status: int, code: str, message: str):
        def handler(exc):
            if status == 500:
                try:
                    db.session.rollback()
                except Exception:
                    pass
            description = getattr(exc, "description", None)
            text = message
            if status == 400 and isinstance(description, str) and "CSRF" in description:
                code_, text = "csrf_failed", "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试"
            else:
                code_ = code
            if wants_json():
                return jsonify({"ok": False, "error": code_, "message": text}), status
            try:
                return render_template("error.html", code=code_, message=text), status
            except Exception:  # the page itself needs the database; never fall through to a bare server error
                return _plain_page(code_, text), status
        return handler

    for status, (code, message) in messages.items():
        app.register_error_handler(status, make_handler(status, code, message))

    from sqlalchemy.exc import DBAPIError

    @app.errorhandler(DBAPIError)
    def database_unavailable(exc):
        """The database went away (restart, network): answer at once; the pool reconnects by itself later."""
        app.logger.warning("database error: %s", type(exc.orig).__name__ if exc.orig is not None else exc)
        try:
            db.session.rollback()
        except Exception:
            pass
        if not exc.connection_invalidated and not _is_disconnect(exc):
            raise exc
        body = {"ok": False, "error": "database_unavailable", "message": "数据库暂时不可用，请稍后重试"}
        if wants_json():
            return jsonify(body), 503
        return _plain_page(body["error"], body["message"]), 503


def _is_disconnect(exc) -> bool:
    text = str(exc.orig or exc).lower()
    return any(word in text for word in ("connection", "terminating", "server closed", "could not connect",
                                         "shutting down", "database system is"))


def _plain_page(code: str, message: str) -> str:
    """An error page that needs neither the database nor the logged-in user (base.html needs both)."""
    from markupsafe import escape

    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>出错了</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="font-family:'
            f'sans-serif;padding:2em"><h1 style="font-size:1.2em">无法完成操作</h1><p>{escape(message)}</p>'
            f'<p style="color:#888">错误代码：{escape(code)}</p></body></html>')
