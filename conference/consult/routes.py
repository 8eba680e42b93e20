"""码上商量: the public page /s/<slug or id> (no login) and the staff pages under /consult/."""
from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime
from functools import lru_cache

from flask import (Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_wtf.csrf import generate_csrf
from limits import parse_many
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests
from flask_login import current_user
from markupsafe import Markup, escape

from ..accounts.roles import Role
from ..dbsetup import begin_write
from ..errors import DomainError
from ..extensions import csrf, db, limiter
from ..meetings.models import Meeting
from ..timeutil import CHINA, local
from ..web import current_member, roles_required
from . import rules, services
from .forms import OfficeForm, SuggestionForm, TopicForm
from .models import Office

bp = Blueprint("consult", __name__)
log = logging.getLogger(__name__)

PUBLIC_BODY_MAX = 64 * 1024  # bytes of a public form post; far above 2,000 characters of text


def client_address() -> str:
    """The rate-limit key. Behind a reverse proxy (TRUST_PROXY) the address nginx appended last is the client."""
    if current_app.config.get("TRUST_PROXY"):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return request.remote_addr or "unknown"


def _view_limit() -> str:
    return current_app.config.get("CONSULT_VIEW_LIMIT", "600/minute")


def _submit_limit() -> str:
    return current_app.config.get("CONSULT_SUBMIT_LIMIT", "5/minute;30/hour")


@lru_cache(maxsize=32)
def _parsed_limits(text: str) -> tuple:
    return tuple(parse_many(text))


class LocalWindows:
    """Fixed-window counters of this process, for when the limiter's storage is memory:// (development, one worker,
    or Flask-Limiter's fallback while Redis is down): the same rule as limits' FixedWindowRateLimiter over its
    MemoryStorage, without that storage's expiry timer, which wakes every 10 ms and rescans every key (8 ms of
    CPU at 20,000 keys, i.e. a core nearly half busy once a few thousand addresses have visited). Expired windows
    are swept here at most every SWEEP_SECONDS."""

    SWEEP_SECONDS = 5.0

    def __init__(self):
        self.lock = threading.Lock()
        self.windows: dict[str, list] = {}  # key -> [count, window end (time.time())]
        self.next_sweep = 0.0

    def hit(self, item, *identifiers: str) -> bool:
        key = item.key_for(*identifiers)
        now = time.time()
        with self.lock:
            window = self.windows.get(key)
            if window is None or window[1] <= now:
                window = self.windows[key] = [0, now + item.get_expiry()]
            window[0] += 1
            allowed = window[0] <= item.amount
            if now >= self.next_sweep:
                self.next_sweep = now + self.SWEEP_SECONDS
                self.windows = {k: w for k, w in self.windows.items() if w[1] > now}
        return allowed


def _redis_hits(storage: RedisStorage, items, identifiers) -> list[bool]:
    """limits' fixed-window hit for several limits at once ("5/minute;30/hour"): the same keys and the same
    increment-and-expire script, sent in one pipeline, so one round trip to Redis instead of one per limit."""
    pipe = storage.storage.pipeline(transaction=False)
    for item in items:
        storage.lua_incr_expire([storage.prefixed_key(item.key_for(*identifiers))], [item.get_expiry(), 1],
                                client=pipe)
    return [int(count) <= item.amount for count, item in zip(pipe.execute(), items)]


def _rate_limited() -> bool:
    """Count this request against the client's allowance (Flask-Limiter's storage: Redis in production).

    Checked before CSRF, form parsing and the database, so a flood from one address is refused for the cost of a
    counter increment and does not queue in front of other visitors."""
    if not (limiter.enabled and limiter.initialized):
        return False
    which, text = ("submit", _submit_limit()) if request.method == "POST" else ("view", _view_limit())
    key = client_address()
    try:
        strategy = limiter.limiter
        items = _parsed_limits(text)
        if isinstance(strategy, FixedWindowRateLimiter):
            if isinstance(strategy.storage, MemoryStorage):
                windows = services._ext("consult_windows", LocalWindows)
                return not all(windows.hit(item, "consult", which, key) for item in items)
            if type(strategy.storage) is RedisStorage and len(items) > 1:
                return not all(_redis_hits(strategy.storage, items, ("consult", which, key)))
        return not all(strategy.hit(item, "consult", which, key) for item in items)
    except Exception:  # the limit store is down: keep the page up, say so in the log
        log.exception("consult: rate-limit storage unavailable")
        return False


@bp.url_value_preprocessor
def _guard_public(endpoint, values):
    # runs before CSRFProtect reads the form and before any database work
    if endpoint != "consult.public":
        return
    if request.method == "POST":
        request.max_content_length = current_app.config.get("CONSULT_MAX_BODY", PUBLIC_BODY_MAX)
    if _rate_limited():
        # Tarpit: under gevent a sleeping refusal costs no CPU, and a robot that waits for each answer before
        # sending the next request slows down to (its connections / delay) requests a second.
        delay = current_app.config.get("CONSULT_TARPIT_SECONDS")
        if delay is None:
            delay = 1.0 if current_app.config.get("SOCKETIO_ASYNC_MODE") in ("gevent", "eventlet") else 0.0
        if delay > 0:
            time.sleep(delay)
        raise TooManyRequests()


def _light_error(status: int, code: str, message: str):
    return render_template("consult/public_error.html", code=code, message=message), status


_TOO_MANY = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                 "content=\"width=device-width, initial-scale=1\"><title>请稍后再试 - 码上商量</title></head>"
                 "<body style=\"font:16px/1.6 sans-serif;max-width:640px;margin:2rem auto;padding:0 1rem\">"
                 "<h1 style=\"font-size:1.2rem;color:#b71c1c\">{}过于频繁，请稍后再试。感谢您的热心参与！</h1>"
                 "<p style=\"color:#777\">错误代码：rate_limited</p><p><a href=\"javascript:history.back()\">返回</a></p>"
                 "</body></html>")
TOO_MANY_HTML = {"POST": _TOO_MANY.format("提交"), "GET": _TOO_MANY.format("访问")}


@bp.errorhandler(429)
def _too_many(exc):
    # a constant page: refusing a flood must cost next to nothing
    return Response(TOO_MANY_HTML["POST" if request.method == "POST" else "GET"], status=429, mimetype="text/html",
                    headers={"Retry-After": "60"})


@bp.errorhandler(413)
def _too_large(exc):
    return _light_error(413, "too_large", f"提交的内容太长（意见建议最多 {rules.TEXT_MAX} 字），请精简后再提交")


# ---- public ------------------------------------------------------------------------------------------------

def _posting_member():
    if current_user.is_authenticated and current_user.role == Role.DELEGATE:
        return current_member()
    return None


THANKS = "感谢您的参与！您的意见建议已收到，审核后将公开显示。"
SENT_SLOT = "<!--consult-sent-->"
SENT_HTML = f'<div class="flash flash-success" role="status" id="sent">{THANKS}</div>'


@csrf.exempt  # the view runs the same check itself, once, after the rate limit (see _check_csrf)
@bp.route("/s/<key>", methods=["GET", "POST"])
def public(key: str):
    key = key[:40]
    member = _posting_member()
    form, form_error, status = None, "", 200
    if request.method == "POST":
        _check_csrf()
        form = SuggestionForm(meta={"csrf": False})  # no second token check, no token generated for the answer
        if form.validate():
            if form.website.data:
                # a robot filled the hidden field: answer as if stored, store nothing
                return _sent(key)
            try:
                services.submit_suggestion(
                    key, text=form.text.data, name=form.name.data or "", phone=form.phone.data or "",
                    sector=form.sector.data or "", occupation=form.occupation.data or "",
                    district=form.district.data or "", member=member)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                if exc.code == "not_found":
                    raise
                form_error, status = exc.message, int(exc.status)
            else:
                return _sent(key)
        else:
            form_error, status = "提交未成功，请按提示修改后再提交", 400
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 10_000)
    data = services.public_view(key, page)
    if request.method == "GET":
        _count_visit(data["topic"]["id"])
        if member is None and "_flashes" not in session:
            html = _cached_page(key, page, data)
            return html.replace(SENT_SLOT, SENT_HTML, 1) if request.args.get("sent") == "1" else html
    form = form or SuggestionForm()
    html = render_template("consult/public.html", d=data, form=form, member=member, form_error=form_error,
                           limits=rules)
    if request.method == "GET" and request.args.get("sent") == "1":
        html = html.replace(SENT_SLOT, SENT_HTML, 1)
    return html, status


def _check_csrf() -> None:
    """CSRFProtect's own check (token bound to the session, plus the HTTPS referrer check), run here instead of
    in its before_request hook so that it happens exactly once per post; refused as CSRFError (400)."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def _sent(key: str):
    """A stored (or honeypot) post: 303 to the page with a thank-you note. The follow-up GET is served from the
    per-second page cache, and nothing is written to the session (no flash, no new cookie).
    With CONSULT_SUBMIT_ANSWER = "page" the page itself is sent back instead (one request, no redirect)."""
    answer = current_app.config.get("CONSULT_SUBMIT_ANSWER") or os.environ.get("CONSULT_SUBMIT_ANSWER")
    if answer == "page" and _posting_member() is None:
        page_data = services.public_view(key, 1)
        return _cached_page(key, 1, page_data).replace(SENT_SLOT, SENT_HTML, 1), 200
    return redirect(url_for(".public", key=key, sent=1, _anchor="form"), code=303)


TOKEN_SLOT = "__CONSULT_CSRF_TOKEN_SLOT__"


def _cached_page(key: str, page: int, data: dict):
    """The page a new visitor sees is the same for everyone for a second, but for the CSRF token:
    render it once per second and put each visitor's token in."""
    def produce():
        return render_template("consult/public.html", d=data, form=SuggestionForm(), member=None, form_error="",
                               limits=rules,
                               csrf_token=lambda: TOKEN_SLOT)
    ttl = float(current_app.config.get("CONSULT_PUBLIC_CACHE_SECONDS", 0 if current_app.testing else 1.0))
    html = services.public_cache().get(("html", key, page), ttl, produce) if ttl > 0 else produce()
    return html.replace(TOKEN_SLOT, generate_csrf())


def _count_visit(topic_id: int) -> None:
    try:
        if services.count_visit(topic_id, client_address() + "|" + request.headers.get("User-Agent", "")[:200]):
            db.session.commit()  # end the read transaction before writing
            begin_write()
            services.flush_visits()
            db.session.commit()
    except Exception:  # a counter must never break the page
        db.session.rollback()
        log.exception("consult: could not write visit counts")


# ---- staff -------------------------------------------------------------------------------------------------

def public_url(topic) -> str:
    base = current_app.config.get("CONSULT_PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(".public", key=topic.public_key)
    return url_for(".public", key=topic.public_key, _external=True)


@bp.get("/consult/")
@roles_required(Role.SECRETARIAT)
def topics():
    counts = dict(db.session.execute(db.select(services.Suggestion.topic_id, db.func.count())
                                     .group_by(services.Suggestion.topic_id)).all())
    pending = dict(db.session.execute(db.select(services.Suggestion.topic_id, db.func.count())
                                      .where(services.Suggestion.visibility == rules.Visibility.PENDING)
                                      .group_by(services.Suggestion.topic_id)).all())
    return render_template("consult/topics.html", topics=services.list_topics(), counts=counts, pending=pending,
                           offices=services.list_offices(), office_form=OfficeForm())


@bp.post("/consult/offices")
@roles_required(Role.SECRETARIAT)
def add_office():
    form = OfficeForm()
    if form.validate_on_submit():
        services.add_office(form.name.data, form.kind.data)
        db.session.commit()
        flash("已添加", "success")
    else:
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for(".topics"))


def _to_utc(value: datetime | None):
    return value.replace(tzinfo=CHINA) if value else None


@bp.route("/consult/new", methods=["GET", "POST"])
@bp.route("/consult/<int:topic_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def edit_topic(topic_id: int | None = None):
    topic = services.get_topic(topic_id) if topic_id else None
    form = TopicForm(obj=topic)
    form.office_id.choices = [(0, "—")] + [(o.id, o.name) for o in services.list_offices()]
    form.meeting_id.choices = [(0, "—")] + [(m.id, m.title) for m in db.session.scalars(
        db.select(Meeting).order_by(Meeting.starts_on.desc()))]
    if topic is not None and not form.is_submitted():
        form.opens_at.data = local(topic.opens_at).replace(tzinfo=None) if topic.opens_at else None
        form.closes_at.data = local(topic.closes_at).replace(tzinfo=None) if topic.closes_at else None
        form.office_id.data = topic.office_id or 0
        form.meeting_id.data = topic.meeting_id or 0
    if form.validate_on_submit():
        topic = services.save_topic(
            topic, title=form.title.data.strip(), slug=form.slug.data, background=form.background.data or "",
            questions=form.questions.data or "", opens_at=_to_utc(form.opens_at.data),
            closes_at=_to_utc(form.closes_at.data), office_id=form.office_id.data or None,
            meeting_id=form.meeting_id.data or None)
        db.session.commit()
        flash("议题已保存", "success")
        return redirect(url_for(".topic", topic_id=topic.id))
    return render_template("consult/edit_topic.html", form=form, topic=topic)


@bp.get("/consult/<int:topic_id>")
@roles_required(Role.SECRETARIAT)
def topic(topic_id: int):
    topic = services.get_topic(topic_id)
    if services.flush_visits():
        db.session.commit()
    return render_template("consult/topic.html", topic=topic, stats=services.statistics(topic),
                           url=public_url(topic), statuses=rules.TopicStatus,
                           transitions=rules.TOPIC_TRANSITIONS[topic.status])


@bp.post("/consult/<int:topic_id>/status")
@roles_required(Role.SECRETARIAT)
def topic_status(topic_id: int):
    topic = services.get_topic(topic_id)
    services.set_topic_status(topic, request.form.get("status", ""))
    db.session.commit()
    flash(f"议题状态：{topic.status.label}", "success")
    return redirect(url_for(".topic", topic_id=topic.id))


@bp.get("/consult/<int:topic_id>/stats.json")
@roles_required(Role.SECRETARIAT)
def stats_json(topic_id: int):
    topic = services.get_topic(topic_id)
    if services.flush_visits():
        db.session.commit()
    return jsonify({"ok": True, **services.statistics(topic)})


@bp.get("/consult/<int:topic_id>/moderation")
@roles_required(Role.SECRETARIAT)
def moderation(topic_id: int):
    topic = services.get_topic(topic_id)
    visibility = request.args.get("v", "pending")
    if visibility not in {v.value for v in rules.Visibility}:
        visibility = ""
    q = request.args.get("q", "").strip()[:50]
    items = services.moderation_queue(topic, visibility or None, q)
    return render_template("consult/moderation.html", topic=topic, items=items, visibility=visibility, q=q,
                           merged=services.merged_counts(topic), offices=services.list_offices(),
                           Visibility=rules.Visibility, HideReason=rules.HideReason, rules=rules)


@bp.post("/consult/suggestions/<int:suggestion_id>/<action>")
@roles_required(Role.SECRETARIAT)
def act(suggestion_id: int, action: str):
    f = request.form
    s = services.moderate(suggestion_id, action, reason=f.get("reason"), answer=f.get("answer"),
                          answered_by=f.get("answered_by", ""), merge_into_id=f.get("merge_into", type=int),
                          tags=f.get("tags"), office_id=f.get("office_id", type=int))
    topic_id = s.topic_id
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": True, "visibility": s.visibility.value, "status": s.status.value})
    flash(f"第 {suggestion_id} 条：{rules.ACTION_LABELS.get(action, action)}完成", "success")
    back = request.form.get("next") or url_for(".moderation", topic_id=topic_id)
    if not back.startswith("/consult/"):
        back = url_for(".moderation", topic_id=topic_id)
    return redirect(back + f"#s{suggestion_id}")


@bp.post("/consult/suggestions/<int:suggestion_id>/phone")
@roles_required(Role.SECRETARIAT)
def reveal_phone(suggestion_id: int):
    phone = services.reveal_phone(suggestion_id)
    topic_id = services.get_suggestion(suggestion_id).topic_id
    db.session.commit()
    flash(f"第 {suggestion_id} 条的联系电话：{phone or '未留电话'}（查看已记录）", "info")
    return redirect(url_for(".moderation", topic_id=topic_id, v=request.form.get("v", "")) + f"#s{suggestion_id}")


@bp.get("/consult/<int:topic_id>/export.<fmt>")
@roles_required(Role.SECRETARIAT)
def export(topic_id: int, fmt: str):
    topic = services.get_topic(topic_id)
    stamp = datetime.now(CHINA).strftime("%Y%m%d")
    if fmt == "csv":
        body, mime = services.export_csv(topic), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, mime = services.export_xlsx(topic), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise DomainError("bad_format", "只支持导出 .xlsx 或 .csv")
    services.record("consult.export", f"topic:{topic.id}", {"format": fmt})
    db.session.commit()
    return _download(body, mime, f"码上商量-{topic.id}-{stamp}.{fmt}")


def _download(body: bytes, mime: str, filename: str, inline: bool = False) -> Response:
    from urllib.parse import quote

    response = Response(body, mimetype=mime)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename=\"topic.{filename.rsplit('.', 1)[-1]}\"; " \
                                              f"filename*=UTF-8''{quote(filename)}"
    return response


@bp.get("/consult/<int:topic_id>/report.pdf")
@roles_required(Role.SECRETARIAT)
def report(topic_id: int):
    topic = services.get_topic(topic_id)
    if services.flush_visits():
        db.session.commit()
    return _download(services.report_pdf(topic), "application/pdf", f"码上商量报告-{topic.id}.pdf", inline=True)


@bp.get("/consult/<int:topic_id>/poster.pdf")
@roles_required(Role.SECRETARIAT)
def poster(topic_id: int):
    topic = services.get_topic(topic_id)
    size = "A3" if request.args.get("size", "A4").upper() == "A3" else "A4"
    return _download(services.poster_pdf(topic, public_url(topic), size), "application/pdf",
                     f"码上商量海报-{topic.id}-{size}.pdf", inline=True)


@bp.get("/consult/<int:topic_id>/qr.png")
@roles_required(Role.SECRETARIAT)
def qr(topic_id: int):
    topic = services.get_topic(topic_id)
    box = min(max(request.args.get("box", 10, type=int) or 10, 2), 40)
    return _download(services.qr_png(public_url(topic), box), "image/png", f"码上商量二维码-{topic.id}.png",
                     inline=request.args.get("download") is None)


# ---- the delegate's phone: open topics as a card ------------------------------------------------------------

def _member_card(member, meeting):
    topics = services.open_topics_for_members()
    if not topics:
        return []
    items = "".join(f'<li><a href="{escape(url_for("consult.public", key=t.public_key))}">{escape(t.title)}</a></li>'
                    for t in topics)
    return [{"key": "consult", "title": "码上商量", "order": 80,
             "html": Markup(f'<p class="mb-1 small text-muted">正在征集意见的议题：</p><ul class="mb-0">{items}</ul>')}]


try:
    from ..delegate.routes import CARD_PROVIDERS

    if _member_card not in CARD_PROVIDERS:
        CARD_PROVIDERS.append(_member_card)
except ImportError:  # pragma: no cover
    pass
