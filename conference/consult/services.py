"""码上商量 use cases: topics, public submissions, moderation, visit counting, statistics, exports, PDFs."""
from __future__ import annotations

import csv
import hashlib
import io
import secrets
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..dbsetup import begin_write
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..timeutil import as_utc, fmt, local, utcnow
from . import rules
from .models import Office, Suggestion, Topic, TopicVisit
from .rules import HandlingStatus, RuleError, TopicStatus, Visibility

PAGE_SIZE = 20


def _domain(exc: RuleError) -> DomainError:
    return Conflict(exc.code, exc.message) if exc.code == "bad_transition" else DomainError(exc.code, exc.message)


# ---- offices and topics ----------------------------------------------------------------------------------

def list_offices() -> list[Office]:
    return db.session.scalars(db.select(Office).order_by(Office.kind, Office.id)).all()


def add_office(name: str, kind: str = "办公室") -> Office:
    name = rules.clean_text(name)[:80]
    if not name:
        raise DomainError("name_required", "请输入办公室或工作室名称")
    if db.session.scalar(db.select(Office).where(Office.name == name)):
        raise Conflict("duplicate_office", f"“{name}”已存在")
    office = Office(name=name, kind=kind if kind in ("办公室", "商量工作室") else "办公室")
    db.session.add(office)
    db.session.flush()
    record("consult.office_add", f"office:{office.id}", {"name": name})
    return office


def list_topics() -> list[Topic]:
    return db.session.scalars(db.select(Topic).order_by(Topic.created_at.desc(), Topic.id.desc())).all()


def get_topic(topic_id: int) -> Topic:
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        raise NotFound("找不到该议题")
    return topic


def find_public_topic(key: str) -> Topic:
    """/s/<slug or id>; drafts are not public."""
    topic = db.session.scalar(db.select(Topic).where(Topic.slug == key))
    if topic is None and key.isdigit():
        topic = db.session.get(Topic, int(key))
    if topic is None or topic.status == TopicStatus.DRAFT:
        raise NotFound("找不到该议题，或议题尚未发布")
    return topic


def save_topic(topic: Topic | None, **fields) -> Topic:
    slug = (fields.pop("slug", None) or "").strip().lower() or None
    if slug is not None:
        clash = db.session.scalar(db.select(Topic).where(Topic.slug == slug))
        if clash is not None and clash is not topic:
            raise Conflict("duplicate_slug", f"短链接“{slug}”已被其他议题使用")
    opens_at, closes_at = fields.get("opens_at"), fields.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError("bad_dates", "截止时间必须晚于开始时间")
    created = topic is None
    topic = topic or Topic(status=TopicStatus.DRAFT)
    topic.slug = slug
    for name, value in fields.items():
        setattr(topic, name, value)
    db.session.add(topic)
    db.session.flush()
    record("consult.topic_save", f"topic:{topic.id}", {"title": topic.title, "created": created})
    invalidate(topic.id)
    return topic


def set_topic_status(topic: Topic, status: str) -> Topic:
    try:
        topic.status = rules.topic_transition(topic.status, status)
    except RuleError as exc:
        raise _domain(exc) from None
    if topic.status == TopicStatus.OPEN and topic.opens_at is None:
        topic.opens_at = utcnow()
    record("consult.topic_status", f"topic:{topic.id}", {"status": topic.status.value})
    invalidate(topic.id)
    return topic


def accepting(topic: Topic, now: datetime | None = None) -> tuple[bool, str]:
    return rules.accepting(topic.status, as_utc(topic.opens_at), as_utc(topic.closes_at), now or utcnow())


# ---- public submissions --------------------------------------------------------------------------------

_INSERT_SUGGESTION = Suggestion.__table__.insert()
# built once: no statement construction and cache-key generation per post
_TOPIC_COLUMNS = (Topic.id, Topic.status, Topic.opens_at, Topic.closes_at)
_TOPIC_BY_SLUG = db.select(*_TOPIC_COLUMNS).where(Topic.slug == bindparam("key"))
_TOPIC_BY_ID = db.select(*_TOPIC_COLUMNS).where(Topic.id == bindparam("key"))


def submit_suggestion(key: str, *, text: str, name: str = "", phone: str = "", sector: str = "",
                      occupation: str = "", district: str = "", member=None) -> int:
    """Store one suggestion and return its id, or refuse with a code; the same normalized text on a topic is
    refused by the unique constraint (``duplicate``), never by a check-then-insert.

    This is the hot path of a busy topic: plain column reads and one Core INSERT, no ORM objects."""
    try:
        text = rules.validate_text(text)
        phone = rules.normalize_phone(phone)
    except RuleError as exc:
        raise _domain(exc) from None
    begin_write()
    row = db.session.execute(_TOPIC_BY_SLUG, {"key": key}).first()
    if row is None and key.isdigit():
        row = db.session.execute(_TOPIC_BY_ID, {"key": int(key)}).first()
    if row is None or row.status == TopicStatus.DRAFT:
        raise NotFound("找不到该议题，或议题尚未发布")
    ok, why = rules.accepting(row.status, as_utc(row.opens_at), as_utc(row.closes_at), utcnow())
    if not ok:
        raise Conflict("closed", why)
    values = dict(
        topic_id=row.id, text=text, fingerprint=rules.fingerprint(text), phone=phone,
        phone_masked=rules.mask_phone(phone),
        author_name=(member.name if member is not None else rules.clean_text(name)[:rules.NAME_MAX]),
        sector=(member.sector.name if member is not None and member.sector else rules.clean_text(sector)[:40]),
        occupation=rules.clean_text(occupation)[:40], district=rules.clean_text(district)[:40],
        member_id=member.id if member is not None else None, visibility=Visibility.PENDING,
        status=HandlingStatus.RECEIVED, created_at=utcnow())
    try:
        # one constant Core statement (compiled once, then cached) with bound parameters: no per-call .values()
        # coercion and no ORM bulk-insert path
        result = db.session.execute(_INSERT_SUGGESTION, values)
    except IntegrityError:
        db.session.rollback()
        raise Conflict("duplicate", "相同内容已提交，感谢您的参与") from None
    return result.inserted_primary_key[0]


# ---- the public page: a short in-process cache (a burst of scans reads the database once a second) --------

class PublicCache:
    def __init__(self):
        self.lock = threading.Lock()
        self.items: dict = {}
        self.generation = 0

    def get(self, key, ttl: float, produce):
        now = time.monotonic()
        hit = self.items.get(key)
        if hit is not None and hit[0] > now and hit[1] == self.generation:
            return hit[2]
        value = produce()
        with self.lock:
            if len(self.items) > 2000:
                self.items.clear()
            self.items[key] = (now + ttl, self.generation, value)
        return value

    def clear(self):
        with self.lock:
            self.generation += 1
            self.items.clear()


def _ext(name: str, factory):
    ext = current_app.extensions
    if name not in ext:
        ext[name] = factory()
    return ext[name]


def public_cache() -> PublicCache:
    return _ext("consult_public_cache", PublicCache)


def invalidate(topic_id: int | None = None) -> None:
    """Moderation changed what the public sees: drop this process's cached pages (others expire in ~1 s)."""
    public_cache().clear()


def public_view(key: str, page: int = 1) -> dict:
    ttl = float(current_app.config.get("CONSULT_PUBLIC_CACHE_SECONDS", 0 if current_app.testing else 1.0))
    produce = lambda: _public_view(key, page)  # noqa: E731
    if ttl <= 0:
        return produce()
    return public_cache().get((key, page), ttl, produce)


def _public_view(key: str, page: int) -> dict:
    topic = find_public_topic(key)
    page = max(1, page)
    published = db.select(Suggestion).where(Suggestion.topic_id == topic.id,
                                            Suggestion.visibility == Visibility.PUBLISHED)
    total = db.session.scalar(db.select(func.count()).select_from(published.subquery()))
    rows = db.session.scalars(published.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    merged = dict(db.session.execute(
        db.select(Suggestion.merged_into_id, func.count()).where(Suggestion.merged_into_id.in_([s.id for s in rows]))
        .group_by(Suggestion.merged_into_id)).all()) if rows else {}
    received = db.session.scalar(db.select(func.count()).where(Suggestion.topic_id == topic.id))
    ok, why = accepting(topic)
    return {
        "topic": {"id": topic.id, "key": topic.public_key, "title": topic.title, "background": topic.background,
                  "questions": topic.question_list, "status": topic.status.value, "status_label": topic.status.label,
                  "opens_at": topic.opens_at, "closes_at": topic.closes_at,
                  "office": topic.office.name if topic.office else ""},
        "accepting": ok, "closed_reason": why,
        "received": received, "total": total, "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "suggestions": [{"id": s.id, "author": s.display_author, "created_at": s.created_at, "text": s.text,
                         "district": s.district, "answer": s.answer if s.status == HandlingStatus.ANSWERED else "",
                         "answered_by": s.answered_by, "answered_at": s.answered_at,
                         "status_label": s.status.label, "merged": merged.get(s.id, 0)} for s in rows],
    }


# ---- visits: counted in memory, written as one upsert per topic and day every few seconds ------------------

class VisitCounter:
    """Page views and unique visitors without storing who visited: a visitor is a hash of (address, browser)
    with a random salt that lives only in memory for one day; the set is dropped at midnight."""

    MAX_SEEN = 500_000

    def __init__(self):
        self.lock = threading.Lock()
        self.views: Counter = Counter()
        self.visitors: Counter = Counter()
        self.day: date | None = None
        self.salt = b""
        self.seen: set[bytes] = set()
        self.last_flush = time.monotonic()

    def hit(self, topic_id: int, client: str, today: date) -> None:
        with self.lock:
            if today != self.day:
                self.day, self.salt, self.seen = today, secrets.token_bytes(16), set()
            self.views[(topic_id, today)] += 1
            digest = hashlib.blake2b(f"{topic_id}|{client}".encode(), key=self.salt, digest_size=8).digest()
            if digest not in self.seen and len(self.seen) < self.MAX_SEEN:
                self.seen.add(digest)
                self.visitors[(topic_id, today)] += 1

    def due(self, interval: float) -> bool:
        return bool(self.views) and time.monotonic() - self.last_flush >= interval

    def take(self) -> list[tuple[int, date, int, int]]:
        with self.lock:
            rows = [(t, d, n, self.visitors.get((t, d), 0)) for (t, d), n in self.views.items()]
            self.views, self.visitors = Counter(), Counter()
            self.last_flush = time.monotonic()
        return rows


def _visits() -> VisitCounter:
    return _ext("consult_visits", VisitCounter)


def count_visit(topic_id: int, client: str) -> bool:
    """Count a page view; True when the buffered counts are due to be written (call flush_visits then)."""
    counter = _visits()
    counter.hit(topic_id, client, local(utcnow()).date())
    interval = float(current_app.config.get("CONSULT_VISIT_FLUSH_SECONDS", 0 if current_app.testing else 3.0))
    return counter.due(interval)


def flush_visits() -> int:
    rows = _visits().take()
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for topic_id, day, views, visitors in rows:
        stmt = insert(TopicVisit).values(topic_id=topic_id, day=day, views=views, visitors=visitors)
        stmt = stmt.on_conflict_do_update(
            index_elements=["topic_id", "day"],
            set_={"views": TopicVisit.views + stmt.excluded.views,
                  "visitors": TopicVisit.visitors + stmt.excluded.visitors})
        db.session.execute(stmt)
    return len(rows)


# ---- moderation ----------------------------------------------------------------------------------------

def get_suggestion(suggestion_id: int) -> Suggestion:
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFound("找不到该意见")
    return suggestion


def moderation_queue(topic: Topic, visibility: str | None = None, q: str = "") -> list[Suggestion]:
    query = db.select(Suggestion).where(Suggestion.topic_id == topic.id)
    if visibility:
        query = query.where(Suggestion.visibility == Visibility(visibility))
    if q:
        query = query.where(Suggestion.text.contains(q))
    return db.session.scalars(query.order_by(Suggestion.created_at.desc(), Suggestion.id.desc()).limit(500)).all()


def merged_counts(topic: Topic) -> dict[int, int]:
    return dict(db.session.execute(
        db.select(Suggestion.merged_into_id, func.count()).where(Suggestion.topic_id == topic.id,
                                                                   Suggestion.merged_into_id.is_not(None))
        .group_by(Suggestion.merged_into_id)).all())


def moderate(suggestion_id: int, action: str, *, reason: str | None = None, answer: str | None = None,
             answered_by: str = "", merge_into_id: int | None = None, tags: str | None = None,
             office_id: int | None = None) -> Suggestion:
    begin_write()
    s = get_suggestion(suggestion_id)
    target = None
    if action == "merge" and merge_into_id:
        target = db.session.get(Suggestion, merge_into_id)
        if target is None or target.topic_id != s.topic_id:
            raise DomainError("merge_target", "要合并到的意见不存在或不属于本议题")
    try:
        outcome = rules.moderate(s.visibility, s.status, action, reason=reason, answer=answer,
                                 merge_into=(target.id, target.visibility) if target else None, own_id=s.id)
    except RuleError as exc:
        raise _domain(exc) from None
    details: dict = {"from": [s.visibility.value, s.status.value]}
    s.visibility, s.status = outcome.visibility, outcome.status
    if action == "hide":
        s.hidden_reason = rules.HideReason(reason)
        details["reason"] = reason
    elif action == "publish":
        s.hidden_reason = None
    elif action == "merge":
        s.merged_into_id = target.id
        # whatever pointed at this one now points at the kept one: no chains
        for child in db.session.scalars(db.select(Suggestion).where(Suggestion.merged_into_id == s.id)):
            child.merged_into_id = target.id
        details["into"] = target.id
    elif action == "answer":
        s.answer = rules.clean_text(answer)
        s.answered_by = rules.clean_text(answered_by)[:80] or (s.office.name if s.office else "") or \
            (s.topic.office.name if s.topic.office else "")
        s.answered_at = utcnow()
        details["chars"] = len(s.answer)
    elif action == "reopen":
        s.answer, s.answered_at = "", None
    elif action == "tag":
        s.tags = ",".join(rules.parse_tags(tags))
        details["tags"] = s.tags
    elif action == "assign":
        office = db.session.get(Office, office_id) if office_id else None
        if office_id and office is None:
            raise DomainError("bad_office", "找不到该承办单位")
        s.office_id = office.id if office else None
        details["office"] = office.name if office else ""
    details["to"] = [s.visibility.value, s.status.value]
    record(f"consult.{action}", f"suggestion:{s.id}", details)
    db.session.flush()
    invalidate(s.topic_id)
    return s


def reveal_phone(suggestion_id: int) -> str:
    """The full number for a staff follow-up call; every look is logged."""
    s = get_suggestion(suggestion_id)
    record("consult.phone_view", f"suggestion:{s.id}", {})
    return s.phone


# ---- statistics ----------------------------------------------------------------------------------------

def _local_day(value: datetime) -> date:
    return local(value).date()


def statistics(topic: Topic) -> dict:
    visits = db.session.execute(db.select(TopicVisit.day, TopicVisit.views, TopicVisit.visitors)
                                .where(TopicVisit.topic_id == topic.id).order_by(TopicVisit.day)).all()
    rows = db.session.scalars(db.select(Suggestion).where(Suggestion.topic_id == topic.id)).all()
    per_day = Counter(_local_day(s.created_at) for s in rows)
    views_by_day = {d: v for d, v, _ in visits}
    days = sorted(set(per_day) | set(views_by_day))
    series = []
    if days:
        day = days[0]
        while day <= days[-1]:
            series.append({"day": day.isoformat(), "suggestions": per_day.get(day, 0),
                           "views": views_by_day.get(day, 0)})
            day += timedelta(days=1)
    participants = {("m", s.member_id) if s.member_id else ("p", s.phone) if s.phone else ("s", s.id) for s in rows}
    counted = [s for s in rows if s.visibility != Visibility.HIDDEN]
    by_vis = Counter(s.visibility.value for s in rows)
    by_status = Counter(s.status.value for s in rows)
    return {
        "views": sum(v for _, v, _ in visits),
        "visitors": sum(u for _, _, u in visits),
        "participants": len(participants),
        "suggestions": len(rows),
        "published": by_vis.get("published", 0), "pending": by_vis.get("pending", 0),
        "hidden": by_vis.get("hidden", 0), "merged": by_vis.get("merged", 0),
        "answered": by_status.get("answered", 0), "accepted": by_status.get("accepted", 0),
        "not_adopted": by_status.get("not_adopted", 0),
        "per_day": series,
        "by_district": Counter(s.district or "未填写" for s in counted).most_common(),
        "by_sector": Counter(s.sector or "未填写" for s in counted).most_common(),
        "top_tags": Counter(t for s in counted for t in s.tag_list).most_common(10),
    }


# ---- exports and documents -----------------------------------------------------------------------------

EXPORT_HEADER = ["编号", "提交时间", "姓名", "手机（脱敏）", "界别", "职业", "区县", "意见建议", "公开状态", "隐藏原因",
                 "办理状态", "合并至", "标签", "承办单位", "答复", "答复单位", "答复时间"]


def export_rows(topic: Topic) -> list[list]:
    rows = db.session.scalars(db.select(Suggestion).where(Suggestion.topic_id == topic.id)
                              .order_by(Suggestion.created_at, Suggestion.id)).all()
    out = []
    for s in rows:
        out.append([s.id, fmt(s.created_at), s.display_author, s.phone_masked, s.sector, s.occupation, s.district,
                    s.text, s.visibility.label, s.hidden_reason.label if s.hidden_reason else "", s.status.label,
                    s.merged_into_id or "", "、".join(s.tag_list), s.office.name if s.office else "", s.answer,
                    s.answered_by, fmt(s.answered_at)])
    return [[rules.safe_cell(v) for v in row] for row in out]


def export_csv(topic: Topic) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(export_rows(topic))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


def export_xlsx(topic: Topic) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "意见建议"
    ws.append(EXPORT_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in export_rows(topic):
        ws.append(row)
    widths = {"A": 8, "B": 17, "C": 12, "D": 14, "H": 60, "O": 50}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=8):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def qr_png(url: str, box_size: int = 10) -> bytes:
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


def poster_pdf(topic: Topic, url: str, size: str = "A4") -> bytes:
    from ..pdf.data import ConsultPoster
    from ..pdf.renderers import render_consult_poster

    background = topic.background if len(topic.background) <= 260 else topic.background[:258] + "……"
    return render_consult_poster(ConsultPoster(
        title=topic.title, background=background, url=url,
        organizer=topic.office.name if topic.office else current_app.config.get("COMMITTEE_NAME", ""),
        deadline=local(topic.closes_at).date() if topic.closes_at else None,
        size="A3" if size.upper() == "A3" else "A4"))


def report_pdf(topic: Topic) -> bytes:
    from ..pdf.data import ConsultReport, Issuer
    from ..pdf.data import Suggestion as PdfSuggestion
    from ..pdf.renderers import render_consult_report

    stats = statistics(topic)
    rows = db.session.scalars(db.select(Suggestion).where(
        Suggestion.topic_id == topic.id, Suggestion.visibility.in_([Visibility.PUBLISHED, Visibility.PENDING]))
        .order_by(Suggestion.created_at, Suggestion.id)).all()
    return render_consult_report(ConsultReport(
        issuer=Issuer(committee=current_app.config.get("COMMITTEE_NAME", "")),
        title=topic.title, background=topic.background or topic.title,
        opened_at=local(topic.opens_at or topic.created_at).replace(tzinfo=None),
        closed_at=local(topic.closes_at).replace(tzinfo=None) if topic.closes_at else None,
        visits=stats["views"], participants=stats["participants"],
        suggestions=[PdfSuggestion(created_at=local(s.created_at).replace(tzinfo=None), author=s.display_author,
                                   text=s.text, answer=s.answer if s.status == HandlingStatus.ANSWERED else "",
                                   answered_by=s.answered_by) for s in rows]))


def open_topics_for_members(limit: int = 5) -> list[Topic]:
    now = utcnow()
    topics = db.session.scalars(db.select(Topic).where(Topic.status == TopicStatus.OPEN)
                                .order_by(Topic.created_at.desc()).limit(limit * 2)).all()
    return [t for t in topics if accepting(t, now)[0]][:limit]

