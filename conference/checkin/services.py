"""Check-in use cases: pass scans, self check-in, 补签, 退场, offline uploads, attendance figures.

Every decision raises ``DomainError`` with a code (pretix style); the station shows the message, programs read the
code. One check-in per member per sitting is the UNIQUE (sitting_id, member_id) constraint plus
``INSERT … ON CONFLICT DO NOTHING RETURNING`` after ``begin_write()`` — never check-then-insert.
"""
from __future__ import annotations

import functools
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import realtime
from ..accounts import services as accounts
from ..accounts import tokens
from ..audit import services as audit
from ..dbsetup import begin_write
from ..errors import DomainError, NotFound
from ..extensions import db, socketio
from ..meetings import services as meetings
from ..meetings.models import Sitting
from ..registration.models import STANDING_COMMITTEE, Leave, LeaveStatus, Member, MemberKind
from ..registration.services import approved_leave_ids
from ..registration.strokes import sort_key as _sort_key
from ..timeutil import CHINA, as_utc, fmt, utcnow
from . import attendance as rules
from .models import CheckIn, Method

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=20000)
def sort_key(name: str) -> tuple:
    """姓氏笔画 key, memoised: the board re-sorts the same few thousand names twice a second."""
    return _sort_key(name)
STANDING_ROLES = {str(r) for r in STANDING_COMMITTEE}
OVERRIDABLE = {"revoked", "not_expected", "on_leave"}  # refusals that name a real member: staff may admit them
MAX_UPLOAD = 500


# ---- passes ------------------------------------------------------------------------------------------------------
def pass_code(member: Member) -> str:
    """The check-in QR payload printed on the member's 参会证."""
    return accounts.sign_token(tokens.KIND_CHECKIN, member.id, member.credential_version)


def sitting_code(sitting: Sitting, at: float | None = None) -> str:
    """The rotating self check-in code shown on the door screen (changes every 30 s)."""
    return accounts.sign_token(tokens.KIND_SITTING, sitting.id, rules.window_index(time.time() if at is None else at))


def seat_label(sitting: Sitting, member: Member) -> str:
    """The seat from the seating domain, when it exists."""
    try:
        from ..seating import services as seating
    except ImportError:
        return ""
    known = getattr(member, "seat", None)  # a MemberRow read for this sitting already carries it
    if known is not None:
        return known
    fn = getattr(seating, "seat_label", None)
    if fn is None:
        return ""
    try:
        return fn(sitting.id, member.id) or ""
    except (TypeError, AttributeError, LookupError, DomainError):
        log.warning("seat_label unavailable for sitting %s member %s", sitting.id, member.id, exc_info=True)
        return ""


def member_card(sitting: Sitting, member: Member) -> dict:
    return {"id": member.id, "name": member.name, "sector": member.sector_name, "member_no": member.member_no,
            "kind": str(member.kind), "role": str(member.committee_role), "seat": seat_label(sitting, member)}


# ---- decisions ---------------------------------------------------------------------------------------------------
def is_expected(sitting: Sitting, member: Member) -> bool:
    return rules.is_expected(body=str(sitting.body), sitting_group_id=sitting.group_id, member_kind=str(member.kind),
                             member_active=member.active, member_role=str(member.committee_role),
                             member_group_id=member.group_id, standing_roles=STANDING_ROLES)


def may_attend(sitting: Sitting, member: Member) -> bool:
    return member.active and (member.kind == MemberKind.ATTENDEE or is_expected(sitting, member))


def _on_leave(sitting: Sitting, member: Member) -> bool:
    known = getattr(member, "approved_leave", None)  # a MemberRow read for this sitting already knows
    if known is not None:
        return known
    return db.session.scalar(select(Leave.id).where(Leave.sitting_id == sitting.id, Leave.member_id == member.id,
                                                    Leave.status == LeaveStatus.APPROVED)) is not None


def _refuse(code: str, message: str, sitting: Sitting | None = None, member: Member | None = None, **extra):
    details = dict(extra)
    if member is not None and sitting is not None:
        details["member"] = member_card(sitting, member)
        details["overridable"] = code in OVERRIDABLE
    details["colour"] = rules.colour_of(code)
    status = 409 if code == "already_checked_in" else 422
    raise DomainError(code, message, status=status, details=details)


@dataclass(frozen=True)
class MemberRow:
    """The columns a scan needs, read with one plain query (a scan is the hot path: no ORM entity, no eager joins).
    Same attribute names as ``Member``, so the decisions take either."""
    id: int
    name: str
    member_no: str
    kind: MemberKind
    active: bool
    committee_role: str
    group_id: int | None
    credential_version: int
    sector_name: str
    approved_leave: bool | None = None  # for the sitting it was read for
    seat: str | None = None  # the seat label at that sitting ("" unseated; None: not read)


@functools.lru_cache(maxsize=None)
def _scan_stmt():
    """The sitting, the member, their 界别, whether on approved leave and their seat — one statement per scan
    (on PostgreSQL every statement is a round trip)."""
    from sqlalchemy import bindparam, exists

    from ..registration.models import Sector

    on_leave = exists().where(Leave.sitting_id == Sitting.id, Leave.member_id == Member.id,
                              Leave.status == LeaveStatus.APPROVED)
    try:
        from ..seating.services import seat_label_sql
        seat = seat_label_sql(Sitting.id, Member.id)
    except ImportError:
        from sqlalchemy import literal

        seat = literal("")
    return (select(Sitting.id, Sitting.title, Sitting.body, Sitting.group_id,
                   Member.id, Member.name, Member.member_no, Member.kind, Member.active, Member.committee_role,
                   Member.group_id, Member.credential_version, Sector.name, on_leave.label("on_leave"),
                   seat.label("seat"))
            .select_from(Sitting).outerjoin(Member, Member.id == bindparam("member_id"))
            .outerjoin(Sector, Member.sector_id == Sector.id).where(Sitting.id == bindparam("sitting_id")))


def _scan_rows(sitting_id: int, member_id: int) -> tuple[SittingRow, MemberRow | None]:
    row = db.session.connection().execute(_scan_stmt(), {"sitting_id": sitting_id, "member_id": member_id}).first()
    if row is None:
        raise NotFound("找不到该会次")
    sitting = SittingRow(*row[:4])
    if row[4] is None:
        return sitting, None
    return sitting, MemberRow(*row[4:12], row[12] or "", bool(row[13]), row[14] or "")


def _pass_token(sitting_id: int, code) -> tokens.Token:
    """Verify a pass (malformed / forged / unknown_key / wrong_kind); an unknown sitting is reported first."""
    try:
        if not isinstance(code, str) or not code.strip() or len(code) > 512:
            _refuse("malformed", "无法识别的二维码")
        return accounts.verify_token(code, tokens.KIND_CHECKIN)
    except DomainError:
        _sitting_row(sitting_id)
        raise


def _check_pass(sitting, member: MemberRow | None, token: tokens.Token, *, override: bool) -> tuple[MemberRow, str]:
    if member is None:
        _refuse("unknown_member", "查无此人：证件对应的委员不存在")
    overridden = ""
    if member.credential_version != token.extra:
        if not override:
            _refuse("revoked", "证件已补办，旧证失效", sitting, member)
        overridden = "revoked"
    return member, overridden


def _admission(sitting: Sitting, member: Member, *, override: bool, overridden: str) -> str:
    if not may_attend(sitting, member):
        if not override:
            _refuse("not_expected", f"{member.name} 不是本会次的应到人员", sitting, member)
        return overridden or "not_expected"
    if member.kind == MemberKind.MEMBER and _on_leave(sitting, member):
        if not override:
            _refuse("on_leave", f"{member.name} 已请假（已批准），本会次不在应到之列", sitting, member)
        return overridden or "on_leave"
    return overridden


@dataclass
class Actor:
    """Who records a check-in: a staff user (station, 补签) or the delegate (self check-in)."""
    user_id: int | None = None
    name: str = ""

    @classmethod
    def of(cls, principal) -> "Actor":
        if principal is None or not getattr(principal, "is_authenticated", False):
            return cls()
        return cls(user_id=principal.user_id, name=principal.display_name)


@functools.lru_cache(maxsize=None)
def _insert_stmt(dialect: str):
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id``, built once per dialect; the values come as parameters."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = CheckIn.__table__
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


def _insert(sitting: Sitting, member: Member, *, method: Method, station: str, actor: Actor, nonce: str | None,
            scanned_at: datetime, override: str = "", reason: str = "", time_adjusted: bool = False) -> int | None:
    """Insert the check-in; returns its id, or None when the member (or this nonce) is already recorded."""
    connection = db.session.connection()
    values = dict(sitting_id=sitting.id, member_id=member.id, scanned_at=scanned_at, recorded_at=utcnow(),
                  station=station[:40], method=method, staff_user_id=actor.user_id, staff_name=actor.name[:120],
                  override=override, reason=reason[:200], nonce=nonce, time_adjusted=time_adjusted, left_note="",
                  left_by="")
    return connection.execute(_insert_stmt(connection.dialect.name), values).scalar()


def _existing(sitting: Sitting, member_id: int) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.sitting_id == sitting.id, CheckIn.member_id == member_id))


def _by_nonce(nonce: str | None) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.nonce == nonce)) if nonce else None


def _result(sitting: Sitting, record: CheckIn, code: str = "ok", message: str | None = None, **extra) -> dict:
    return _result_of(sitting, record.member, record.id, record.scanned_at, record.station, record.method, code,
                      message, **extra)


def _result_of(sitting: Sitting, member, checkin_id: int, scanned_at: datetime, station: str, method: Method,
               code: str = "ok", message: str | None = None, **extra) -> dict:
    out = {"ok": True, "code": code, "message": message or "签到成功", "colour": rules.colour_of(code),
           "member": member_card(sitting, member), "checkin_id": checkin_id,
           "scanned_at": as_utc(scanned_at).isoformat(), "time": fmt(scanned_at, "%H:%M"),
           "station": station, "method": str(method)}
    out.update(extra)
    return out


def _already(sitting: Sitting, record: CheckIn, member: Member):
    when = fmt(record.scanned_at, "%H:%M")
    where = f"在{record.station}" if record.station else f"（{record.method.label}）"
    _refuse("already_checked_in", f"{member.name} 已签到（{when} {where}）", sitting, member,
            time=when, station=record.station, method=str(record.method),
            scanned_at=as_utc(record.scanned_at).isoformat())


def _check_in(sitting: Sitting, member: Member, *, method: Method, station: str, actor: Actor, nonce: str | None,
              scanned_at: datetime | None, override: str, reason: str = "", time_adjusted: bool = False) -> dict:
    when = scanned_at or utcnow()
    new_id = _insert(sitting, member, method=method, station=station, actor=actor, nonce=nonce, scanned_at=when,
                     override=override, reason=reason, time_adjusted=time_adjusted)
    if new_id is None:
        replay = _by_nonce(nonce)
        if replay is not None and replay.member_id == member.id and replay.sitting_id == sitting.id:
            return _result(sitting, replay, replayed=True)  # a retried request: the first one already counted
        record = _existing(sitting, member.id)
        if record is None:  # the nonce was used for someone else: a client bug, not a check-in
            raise DomainError("bad_nonce", "扫码请求编号重复，请重新扫码")
        if record.left_at is not None:  # 退场后返场
            record.left_at, record.left_note, record.left_by = None, "", ""
            db.session.flush()
            _touch(sitting)
            return _result(sitting, record, "returned", f"{member.name} 返场")
        _already(sitting, record, member)
    if override:
        audit.record("checkin.override", f"sitting:{sitting.id}",
                     {"member_id": member.id, "refusal": override, "station": station, "reason": reason})
    _touch(sitting)
    message = "签到成功" if not override else f"已放行（{_OVERRIDE_LABELS.get(override, override)}）"
    return _result_of(sitting, member, new_id, when, station, method, message=message, override=override or None)


_OVERRIDE_LABELS = {"revoked": "旧证", "not_expected": "非应到人员", "on_leave": "已请假"}


def _clean_nonce(nonce) -> str | None:
    if nonce is None or nonce == "":
        return None
    text = str(nonce).strip()
    if not (8 <= len(text) <= 64) or not all(c.isalnum() or c == "-" for c in text):
        raise DomainError("bad_nonce", "扫码请求编号无效")
    return text


def _station(name) -> str:
    return str(name or "").strip()[:40]


def start_write() -> None:
    """Open the write transaction of a use case (SQLite: BEGIN IMMEDIATE).

    Loading the logged-in user already opened a deferred read transaction; on SQLite a read transaction that later
    writes fails at once when another connection wrote meanwhile, so a read-only transaction is ended first."""
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()
    begin_write()


def get_sitting(sitting_id: int) -> Sitting:
    return meetings.get_sitting(sitting_id)


@dataclass(frozen=True)
class SittingRow:
    """The columns of a sitting a scan needs (same names as ``Sitting``), read with one plain statement."""
    id: int
    title: str
    body: str
    group_id: int | None


@functools.lru_cache(maxsize=None)
def _sitting_row_stmt():
    from sqlalchemy import bindparam

    return select(Sitting.id, Sitting.title, Sitting.body, Sitting.group_id).where(Sitting.id == bindparam("id"))


def _sitting_row(sitting_id: int) -> SittingRow:
    row = db.session.connection().execute(_sitting_row_stmt(), {"id": sitting_id}).first()
    if row is None:
        raise NotFound("找不到该会次")
    return SittingRow(*row)


def scan_pass(sitting_id: int, code: str, *, station: str = "", actor: Actor | None = None, nonce=None,
              override: bool = False, reason: str = "", scanned_at: datetime | None = None,
              method: Method = Method.PASS, time_adjusted: bool = False) -> dict:
    """A station scanned a pass. Raises DomainError for every refusal; returns the check-in on success."""
    nonce = _clean_nonce(nonce)
    start_write()
    token = _pass_token(sitting_id, code)
    sitting, member = _scan_rows(sitting_id, token.subject)
    member, overridden = _check_pass(sitting, member, token, override=override)
    overridden = _admission(sitting, member, override=override, overridden=overridden)
    return _check_in(sitting, member, method=method, station=_station(station), actor=actor or Actor(), nonce=nonce,
                     scanned_at=scanned_at, override=overridden, reason=reason, time_adjusted=time_adjusted)


def self_checkin(member: Member, code: str, *, sitting_id: int | None = None, nonce=None,
                 now: float | None = None) -> dict:
    """A delegate scanned the door screen's rotating code with the phone."""
    nonce = _clean_nonce(nonce)
    if not isinstance(code, str) or len(code) > 512:
        _refuse("malformed", "无法识别的二维码")
    token = accounts.verify_token(_code_from_url(code), tokens.KIND_SITTING)
    if sitting_id is not None and token.subject != sitting_id:
        _refuse("wrong_sitting", "这不是本会次的签到码")
    start_write()
    sitting = db.session.get(Sitting, token.subject)
    if sitting is None:
        _refuse("wrong_sitting", "签到码对应的会次不存在")
    if not rules.window_accepted(token.extra, time.time() if now is None else now):
        _refuse("expired", "签到码已过期，请扫描大屏上的最新二维码")
    replay = _by_nonce(nonce)
    if replay is not None and replay.sitting_id == sitting.id and replay.member_id == member.id:
        return _result(sitting, replay, replayed=True)
    _admission(sitting, member, override=False, overridden="")
    actor = Actor(user_id=None, name=member.name)
    return _check_in(sitting, member, method=Method.SELF, station="自助签到", actor=actor, nonce=nonce,
                     scanned_at=None, override="")


def _code_from_url(text: str) -> str:
    """The screen's QR holds a URL …/checkin/self?c=<token>, so a phone's own camera app opens the page."""
    if "?" in text and "c=" in text:
        from urllib.parse import parse_qs, urlsplit

        values = parse_qs(urlsplit(text.strip()).query).get("c")
        if values:
            return values[0]
    return text


def manual_checkin(sitting_id: int, member_id: int, *, reason: str, actor: Actor, station: str = "") -> dict:
    """补签: the secretariat checks someone in by hand, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", "补签必须填写原因")
    start_write()
    sitting = get_sitting(sitting_id)
    member = db.session.get(Member, member_id)
    if member is None:
        _refuse("unknown_member", "找不到该委员")
    override = "" if may_attend(sitting, member) else "not_expected"
    result = _check_in(sitting, member, method=Method.MANUAL, station=_station(station) or "秘书处", actor=actor,
                       nonce=None, scanned_at=None, override=override, reason=reason)
    audit.record("checkin.manual", f"sitting:{sitting.id}", {"member_id": member.id, "reason": reason})
    return result


def record_exit(sitting_id: int, member_id: int, *, note: str = "", actor: Actor) -> CheckIn:
    """退场: the member leaves mid-sitting (a later scan records the return)."""
    start_write()
    sitting = get_sitting(sitting_id)
    record = _existing(sitting, member_id)
    if record is None:
        raise DomainError("not_checked_in", "该委员尚未签到，无法登记退场")
    if record.left_at is not None:
        raise DomainError("already_left", f"{record.member.name} 已于 {fmt(record.left_at, '%H:%M')} 退场",
                          status=409)
    record.left_at, record.left_note, record.left_by = utcnow(), (note or "").strip()[:200], actor.name[:120]
    audit.record("checkin.exit", f"sitting:{sitting.id}", {"member_id": member_id, "note": record.left_note})
    db.session.flush()
    _touch(sitting)
    return record


def _parse_time(value) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=CHINA).astimezone(
                utcnow().tzinfo)
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return as_utc(parsed)


def sitting_day_start(sitting: Sitting) -> datetime:
    start = as_utc(sitting.starts_at).astimezone(CHINA)
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def upload_offline(sitting_id: int, scans, *, station: str, actor: Actor) -> list[dict]:
    """Scans a station queued while offline. Each is decided on its own (its own transaction when committed by the
    caller per item); the original scan time is kept when plausible. Returns one result per scan, in order."""
    if not isinstance(scans, list):
        raise DomainError("bad_request", "上传内容格式错误")
    if len(scans) > MAX_UPLOAD:
        raise DomainError("too_many", f"一次最多上传 {MAX_UPLOAD} 条")
    sitting = get_sitting(sitting_id)
    earliest, starts = sitting_day_start(sitting), sitting.id
    db.session.commit()  # end the read; each scan below is its own write transaction
    results = []
    for item in scans:
        item = item if isinstance(item, dict) else {}
        claimed = _parse_time(item.get("scanned_at"))
        when, adjusted = rules.sane_scan_time(claimed, utcnow(), earliest)
        try:
            result = scan_pass(starts, item.get("code") or "", station=item.get("station") or station, actor=actor,
                               nonce=item.get("nonce"), scanned_at=when, method=Method.OFFLINE,
                               time_adjusted=adjusted)
            db.session.commit()
            result["time_adjusted"] = adjusted
        except DomainError as exc:
            db.session.rollback()
            result = exc.to_dict()
            result.update({"code": exc.code, "colour": rules.colour_of(exc.code)})
            if exc.details:
                result.update(exc.details)
        result["nonce"] = item.get("nonce")
        results.append(result)
    return results


# ---- attendance --------------------------------------------------------------------------------------------------
@dataclass
class Person:
    id: int
    name: str
    sector: str
    sector_position: int
    member_no: str
    kind: str


@dataclass
class SectorRow:
    sector: str
    figures: rules.Figures
    on_leave: list[str]
    absent: list[str]
    nonvoting_names: list[str]


@dataclass
class Attendance:
    sitting_id: int
    figures: rules.Figures
    sets: rules.Sets
    people: dict[int, Person]
    sectors: list[SectorRow]
    checkins: dict[int, CheckIn] = field(default_factory=dict)
    snapshot_at: datetime = field(default_factory=utcnow)

    def names(self, ids) -> list[str]:
        return sorted((self.people[i].name for i in ids if i in self.people), key=sort_key)

    @property
    def missing(self) -> list[str]:
        return self.names(self.sets.absent)

    @property
    def exits(self) -> list[CheckIn]:
        return sorted((c for c in self.checkins.values() if c.left_at is not None), key=lambda c: c.left_at)


def _people(ids: set[int]) -> dict[int, Person]:
    """Name and 界别 of the given people: one query over the roster (a committee has a few thousand people; an
    IN-list of thousands of bound parameters costs more than reading the rows)."""
    from ..registration.models import Sector

    rows = db.session.execute(select(Member.id, Member.name, Member.member_no, Member.kind, Sector.name,
                                     Sector.position).outerjoin(Sector, Member.sector_id == Sector.id))
    return {mid: Person(mid, name, sector or "未分界别", position if position is not None else 10 ** 6, no,
                        str(kind))
            for mid, name, no, kind, sector, position in rows if mid in ids}


def attendance(sitting: Sitting, *, with_records: bool = False) -> Attendance:
    """The attendance of a sitting now: figures, the sets behind them, per-界别 rows."""
    expected = meetings.expected_ids(sitting)
    if with_records:
        records = db.session.scalars(select(CheckIn).where(CheckIn.sitting_id == sitting.id)).all()
        checked = {c.member_id: c for c in records}
        checked_in = set(checked)
        left = {c.member_id for c in records if c.left_at is not None}
    else:
        checked = {}
        rows = db.session.execute(select(CheckIn.member_id, CheckIn.left_at).where(CheckIn.sitting_id == sitting.id))
        checked_in, left = set(), set()
        for mid, left_at in rows:
            checked_in.add(mid)
            if left_at is not None:
                left.add(mid)
    leave = approved_leave_ids(sitting)
    sets = rules.classify(expected, checked_in, left, leave)
    people = _people(expected | checked_in)
    group_of = {mid: p.sector for mid, p in people.items()}
    order = [s for _, s in sorted({(p.sector_position, p.sector) for p in people.values()})]
    rows = rules.tally_by(group_of, expected, checked_in, left, leave, order)
    by_sector: dict[str, dict[str, list[int]]] = {}
    for name in ("on_leave", "absent", "nonvoting"):
        for mid in getattr(sets, name):
            by_sector.setdefault(group_of.get(mid), {}).setdefault(name, []).append(mid)
    result = Attendance(sitting.id, rules.count(sets, len(expected)), sets, people, [], checked)

    for row in rows:
        lists = by_sector.get(row.key, {})
        result.sectors.append(SectorRow(row.key, row.figures, result.names(lists.get("on_leave", [])),
                                        result.names(lists.get("absent", [])),
                                        result.names(lists.get("nonvoting", []))))
    return result


def present_member_ids(sitting: Sitting) -> set[int]:
    """Voting members of the sitting checked in and still in the hall (the electorate a vote freezes)."""
    expected = meetings.expected_ids(sitting)
    rows = db.session.execute(select(CheckIn.member_id).where(CheckIn.sitting_id == sitting.id,
                                                              CheckIn.left_at.is_(None)))
    return expected & {mid for (mid,) in rows}


BOARD_MISSING_LIMIT = 400


def board_payload(sitting: Sitting) -> dict:
    att = attendance(sitting)
    missing = att.missing
    return {"sitting_id": sitting.id, "title": sitting.title, "figures": att.figures.as_dict(),
            "snapshot_at": att.snapshot_at.isoformat(), "time": fmt(att.snapshot_at, "%H:%M:%S"),
            "sectors": [{"sector": r.sector, **r.figures.as_dict()} for r in att.sectors],
            "missing": missing[:BOARD_MISSING_LIMIT], "missing_total": len(missing),
            "on_leave": att.names(att.sets.on_leave)[:BOARD_MISSING_LIMIT]}


def _touch(sitting: Sitting) -> None:
    """Mark the sitting's board dirty: one coalesced broadcast per throttle interval, never one per scan."""
    sitting_id = sitting.id
    realtime.touch_after_commit(f"checkin:board:{sitting_id}", lambda: broadcast_board(sitting_id))


def broadcast_board(sitting_id: int) -> None:
    sitting = db.session.get(Sitting, sitting_id)
    if sitting is None:
        return
    from ..accounts.events import staff_sitting_room

    # staff boards only: delegates' phones share sitting:<id>, and 3,000 copies of this payload every 0.5 s
    # starved a worker (scripts/load_sitting.py)
    socketio.emit("checkin:board", board_payload(sitting), to=staff_sitting_room(sitting_id))


def recent_checkins(sitting: Sitting, limit: int = 20) -> list[CheckIn]:
    return db.session.scalars(select(CheckIn).where(CheckIn.sitting_id == sitting.id)
                              .order_by(CheckIn.recorded_at.desc(), CheckIn.id.desc()).limit(limit)).all()


def find_members(query: str, limit: int = 20) -> list[Member]:
    query = (query or "").strip()
    if not query:
        return []
    like = f"%{query}%"
    rows = db.session.scalars(select(Member).where((Member.name.like(like)) | (Member.member_no.like(like)))
                              .limit(limit)).all()
    return sorted(rows, key=lambda m: sort_key(m.name))


def new_nonce() -> str:
    return uuid.uuid4().hex


def sittings_for_checkin() -> list[Sitting]:
    meeting = meetings.current_meeting()
    if meeting is None:
        return []
    return list(meeting.sittings)


def token_window_seconds() -> int:
    return int(current_app.config.get("CHECKIN_CODE_WINDOW", rules.CODE_WINDOW_SECONDS))


__all__ = ["Actor", "Attendance", "attendance", "present_member_ids", "scan_pass", "self_checkin", "manual_checkin",
           "record_exit", "upload_offline", "pass_code", "sitting_code", "board_payload", "timedelta"]
