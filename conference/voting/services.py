"""Use cases of 表决 and 选举: create, open (freeze the electorate), cast, close (count), publish, re-run.

Services flush; the adapter (route or socket handler) commits once. Broadcasts go out after the commit.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from fractions import Fraction

from flask import current_app
from sqlalchemy import Integer, String, bindparam, case, cast, delete, func, insert, null, or_, select
from sqlalchemy.exc import IntegrityError

from .. import realtime
from ..audit import services as audit
from ..dbtypes import UTCDateTime
from ..dbsetup import begin_write
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db, socketio
from ..meetings import services as meetings
from ..meetings.models import Sitting
from ..registration.models import Member, MemberKind
from ..registration.strokes import sort_key
from ..timeutil import as_utc, fmt, utcnow
from .lifecycle import Action, LifecycleError, State, allowed_actions, next_state
from .models import Ballot, Candidate, Elector, Vote, VoteKind, VoteParticipation
from .tally import (CHOICE_LABELS, NOT_PRESSED_LABEL, Base, Choice, ElectionBallot, ElectionMode, PassRule,
                    TallyError, check_election_ballot, tally_election, tally_motion)

log = logging.getLogger(__name__)

MAX_DURATION = 3600
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# ---- helpers ---------------------------------------------------------------------------------------------

def get_vote(vote_id) -> Vote:
    try:
        vote = db.session.get(Vote, int(vote_id))
    except (TypeError, ValueError):
        vote = None
    if vote is None:
        raise NotFound("找不到该表决")
    return vote


def rule_of(vote: Vote) -> PassRule:
    return PassRule(Base(vote.base), Fraction(vote.fraction_num, vote.fraction_den), vote.strict)


def _transition(vote: Vote, action: Action) -> State:
    try:
        return next_state(vote.state, action)
    except LifecycleError as exc:
        raise Conflict(exc.code, exc.message) from None


def present_ids(sitting: Sitting) -> set[int]:
    """Voting members checked in (and not gone) at the sitting — from the check-in domain."""
    try:
        from ..checkin.services import present_member_ids
    except ImportError:  # the check-in domain is not installed: read its table if there is one
        try:
            from ..checkin.models import CheckIn
        except ImportError:
            return set()
        rows = db.session.scalars(select(CheckIn.member_id).where(CheckIn.sitting_id == sitting.id))
        return meetings.expected_ids(sitting) & set(rows)
    return present_member_ids(sitting)


def start_write() -> None:
    """Open the write transaction of a use case (SQLite: BEGIN IMMEDIATE). Loading the logged-in user may
    already have opened a deferred read transaction, which on SQLite fails at once when it later writes
    while another connection wrote meanwhile; a read-only transaction is therefore ended first."""
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted) \
            and session.get_bind().dialect.name == "sqlite":
        session.commit()  # PostgreSQL has no such upgrade problem: keep the transaction (one round trip less)
    begin_write()


def _actor() -> str:
    return audit.actor_label()


def _clean_documents(documents) -> list[dict]:
    cleaned = []
    for doc in documents or []:
        if isinstance(doc, str):
            doc = {"title": doc}
        title = str(doc.get("title", "")).strip()[:200]
        url = str(doc.get("url", "")).strip()[:500]
        if url and not (url.startswith("/") or url.startswith("https://") or url.startswith("http://")):
            raise DomainError("bad_document", "文件链接必须以 / 或 http(s):// 开头")
        if title or url:
            cleaned.append({"title": title or url, "url": url})
    return cleaned


def _rule_fields(base: str, fraction_num: int, fraction_den: int, strict: bool) -> dict:
    try:
        rule = PassRule(Base(base), Fraction(int(fraction_num), int(fraction_den)), bool(strict))
    except (ValueError, ZeroDivisionError, TypeError):
        raise DomainError("bad_rule", "通过规则无效：比例须大于 0 且不超过 1（“超过全数”不可能）") from None
    return {"base": rule.base, "fraction_num": rule.fraction.numerator, "fraction_den": rule.fraction.denominator,
            "strict": rule.strict}


# ---- creating --------------------------------------------------------------------------------------------

def create_motion(sitting: Sitting, *, title: str, agenda_item_id: int | None = None, documents=None,
                  secret: bool = False, changeable: bool = False, base: str = Base.MEMBERS,
                  fraction_num: int = 1, fraction_den: int = 2, strict: bool = True) -> Vote:
    title = (title or "").strip()
    if not title:
        raise DomainError("title_required", "请填写表决事项")
    vote = Vote(sitting_id=sitting.id, kind=VoteKind.MOTION, title=title[:200], agenda_item_id=agenda_item_id,
                documents=_clean_documents(documents), secret=bool(secret), changeable=bool(changeable),
                created_by=_actor(), **_rule_fields(base, fraction_num, fraction_den, strict))
    db.session.add(vote)
    db.session.flush()
    audit.record("vote.create", f"vote:{vote.id}", {"sitting_id": sitting.id, "kind": "motion", "title": vote.title})
    return vote


def create_election(sitting: Sitting, *, title: str, candidate_ids: list[int], seats: int,
                    mode: str = ElectionMode.PER_CANDIDATE, write_ins: bool = True, secret: bool = True,
                    changeable: bool = False, agenda_item_id: int | None = None, documents=None,
                    base: str = Base.MEMBERS, fraction_num: int = 1, fraction_den: int = 2,
                    strict: bool = True) -> Vote:
    title = (title or "").strip()
    if not title:
        raise DomainError("title_required", "请填写选举事项")
    ids = list(dict.fromkeys(int(i) for i in candidate_ids))
    if not ids:
        raise DomainError("candidates_required", "请至少提名一位候选人")
    members = db.session.scalars(select(Member).where(Member.id.in_(ids))).all()
    if len(members) != len(ids) or any(not m.is_voting for m in members):
        raise DomainError("bad_candidate", "候选人必须是在册的委员（列席人员不能作为候选人）")
    try:
        seats = int(seats)
    except (TypeError, ValueError):
        seats = 0
    if seats < 1 or seats > len(ids):
        raise DomainError("bad_seats", f"应选人数须在 1 至候选人数（{len(ids)}）之间")
    try:
        mode = ElectionMode(mode)
    except ValueError:
        raise DomainError("bad_mode", "投票方式无效") from None
    vote = Vote(sitting_id=sitting.id, kind=VoteKind.ELECTION, title=title[:200], agenda_item_id=agenda_item_id,
                documents=_clean_documents(documents), secret=bool(secret), changeable=bool(changeable), seats=seats,
                mode=mode, write_ins=bool(write_ins), created_by=_actor(),
                **_rule_fields(base, fraction_num, fraction_den, strict))
    convention = current_app.config.get("NAME_CONVENTION", "cppcc")
    ordered = sorted(members, key=lambda m: sort_key(m.name, convention))
    vote.candidates = [Candidate(member_id=m.id, position=i) for i, m in enumerate(ordered)]
    db.session.add(vote)
    db.session.flush()
    audit.record("vote.create", f"vote:{vote.id}", {"sitting_id": sitting.id, "kind": "election", "title": vote.title,
                                                     "seats": seats, "candidates": [m.id for m in ordered]})
    return vote


def election_kind_label(vote: Vote) -> str:
    return "等额" if len(vote.candidates) == vote.seats else "差额"


def votes_of(sitting: Sitting) -> list[Vote]:
    return db.session.scalars(select(Vote).where(Vote.sitting_id == sitting.id).order_by(Vote.id)).all()


def open_vote_of(sitting_id: int) -> Vote | None:
    return db.session.scalar(select(Vote).where(Vote.sitting_id == sitting_id, Vote.state == State.OPEN)
                             .order_by(Vote.id.desc()).limit(1))


# ---- the life of a vote ------------------------------------------------------------------------------------

def open_vote(vote_id, *, duration_seconds: int | None = None, present: set[int] | None = None) -> Vote:
    """Open the vote and freeze its electorate: voting members of the body checked in now.

    ``present`` replaces the check-in lookup (tests of the pure layer, or a paper roll-call)."""
    start_write()
    vote = get_vote(vote_id)
    new_state = _transition(vote, Action.OPEN)
    sitting = vote.sitting
    other = open_vote_of(sitting.id)
    if other is not None and other.id != vote.id:
        raise Conflict("another_vote_open", f"本会次已有正在进行的表决（{other.title}），请先结束")
    expected = meetings.expected_ids(sitting)
    electorate = (present_ids(sitting) if present is None else set(present)) & expected
    if not electorate:
        raise Conflict("no_electorate", "尚无已签到的委员，不能开始表决（表决前须先完成电子签到）")
    if duration_seconds:
        try:
            duration_seconds = int(duration_seconds)
        except (TypeError, ValueError):
            duration_seconds = -1
        if not 5 <= duration_seconds <= MAX_DURATION:
            raise DomainError("bad_duration", f"倒计时须在 5 秒至 {MAX_DURATION // 60} 分钟之间")
    now = utcnow()
    vote.state, vote.opened_at = new_state, now
    vote.expected_count, vote.electorate_count = len(expected), len(electorate)
    vote.deadline_at = now + timedelta(seconds=duration_seconds) if duration_seconds else None
    db.session.execute(insert(Elector), [{"vote_id": vote.id, "member_id": m} for m in sorted(electorate)])
    db.session.flush()
    audit.record("vote.open", f"vote:{vote.id}", {"expected": len(expected), "present": len(electorate),
                                                   "deadline_at": vote.deadline_at.isoformat() if vote.deadline_at
                                                   else None})
    realtime.emit("voting:open", public_vote(vote), room=vote.room)
    realtime.emit("voting:changed", staff_summary(vote), room=staff_room(sitting.id))
    if vote.deadline_at is not None:
        app = current_app._get_current_object()
        realtime.after_commit(lambda: socketio.start_background_task(_close_at_deadline, app, vote.id,
                                                                      vote.deadline_at))
    return vote


def _close_at_deadline(app, vote_id: int, deadline: datetime) -> None:
    """Background task: sleep until the deadline, then close the vote (if still open with that deadline)."""
    delay = (as_utc(deadline) - utcnow()).total_seconds()
    if delay > 0:
        socketio.sleep(delay)
    with app.app_context():
        try:
            vote = db.session.get(Vote, vote_id)
            if vote is not None and vote.state == State.OPEN and as_utc(vote.deadline_at) == as_utc(deadline):
                close_vote(vote_id, reason="deadline")
                db.session.commit()
        except DomainError:
            db.session.rollback()
        except Exception:
            db.session.rollback()
            log.exception("closing vote %s at its deadline failed", vote_id)
        finally:
            db.session.remove()


def close_overdue(sitting_id: int) -> bool:
    """Close an open vote whose deadline passed while no timer ran (e.g. after a restart). Returns True if so."""
    vote = open_vote_of(sitting_id)
    if vote is None or vote.deadline_at is None or as_utc(vote.deadline_at) > utcnow():
        return False
    close_vote(vote.id, reason="deadline")
    return True


def close_vote(vote_id, *, reason: str = "presider") -> Vote:
    start_write()
    vote = get_vote(vote_id)
    vote.state = _transition(vote, Action.CLOSE)
    vote.closed_at = utcnow()
    electorate = set(db.session.scalars(select(Elector.member_id).where(Elector.vote_id == vote.id)))
    vote.present_at_close = len(present_ids(vote.sitting) & meetings.expected_ids(vote.sitting))
    vote.result = compute_result(vote, electorate_size=len(electorate))
    if vote.secret:
        _rewrite_in_key_order(vote.id)
    db.session.flush()
    audit.record("vote.close", f"vote:{vote.id}", {"reason": reason, "present_at_close": vote.present_at_close,
                                                    "result": _audit_result(vote.result)})
    realtime.emit("voting:closed", {"vote_id": vote.id, "sitting_id": vote.sitting_id, "state": vote.state.value},
                  room=vote.room)
    realtime.emit("voting:changed", staff_summary(vote, with_result=True), room=staff_room(vote.sitting_id))
    return vote


def _rewrite_in_key_order(vote_id: int) -> None:
    """Secret ballots: rewrite the rows in the order of their random keys.

    PostgreSQL keeps heap rows in insertion order, which could be matched against the order of the
    participation rows; after this the physical order follows a random key. (SQLite stores the table
    WITHOUT ROWID, already in key order.) The write-ahead log of the open phase is not rewritten: the
    database server itself must be trusted while a vote is open.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    rows = [dict(r._mapping) for r in db.session.execute(
        select(Ballot.__table__).where(Ballot.vote_id == vote_id).order_by(Ballot.id))]
    db.session.execute(Ballot.__table__.delete().where(Ballot.vote_id == vote_id))
    if rows:
        db.session.execute(Ballot.__table__.insert(), rows)


def _audit_result(result: dict) -> dict:
    keep = ("yes", "no", "abstain", "not_pressed", "threshold", "passed", "elected", "tied", "invalid", "valid", "void")
    return {k: result[k] for k in keep if k in result}


def publish_vote(vote_id) -> Vote:
    start_write()
    vote = get_vote(vote_id)
    vote.state = _transition(vote, Action.PUBLISH)
    vote.published_at = utcnow()
    db.session.flush()
    audit.record("vote.publish", f"vote:{vote.id}", {})
    payload = result_payload(vote)
    realtime.emit("voting:result", payload, room=vote.room)
    realtime.emit("voting:changed", staff_summary(vote, with_result=True), room=staff_room(vote.sitting_id))
    return vote


def cancel_vote(vote_id, *, reason: str = "") -> Vote:
    start_write()
    vote = get_vote(vote_id)
    vote.state = _transition(vote, Action.CANCEL)
    vote.cancelled_at = utcnow()
    db.session.flush()
    audit.record("vote.cancel", f"vote:{vote.id}", {"reason": reason[:200]})
    realtime.emit("voting:closed", {"vote_id": vote.id, "sitting_id": vote.sitting_id, "state": vote.state.value},
                  room=vote.room)
    realtime.emit("voting:changed", staff_summary(vote), room=staff_room(vote.sitting_id))
    return vote


def rerun_vote(vote_id, *, reason: str = "") -> Vote:
    """A new draft with the same question and rule; the old vote and its ballots stay as they were."""
    vote = get_vote(vote_id)
    _transition(vote, Action.RERUN)
    copy = Vote(sitting_id=vote.sitting_id, kind=vote.kind, title=vote.title, agenda_item_id=vote.agenda_item_id,
                documents=list(vote.documents or []), secret=vote.secret, changeable=vote.changeable, base=vote.base,
                fraction_num=vote.fraction_num, fraction_den=vote.fraction_den, strict=vote.strict, seats=vote.seats,
                mode=vote.mode, write_ins=vote.write_ins, rerun_of_id=vote.id, created_by=_actor())
    copy.candidates = [Candidate(member_id=c.member_id, position=c.position) for c in vote.candidates]
    db.session.add(copy)
    db.session.flush()
    audit.record("vote.rerun", f"vote:{copy.id}", {"rerun_of": vote.id, "reason": reason[:200]})
    return copy


# ---- casting -----------------------------------------------------------------------------------------------

def new_receipt(vote_id: int) -> str:
    body = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(20))  # 100 random bits
    return f"V{vote_id}-" + "-".join(body[i:i + 5] for i in range(0, 20, 5))


def normalize_receipt(code: str) -> str:
    return "".join((code or "").upper().split())


def receipt_hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hashlib.blake2b(normalize_receipt(code).encode(), key=key[:64], digest_size=32).hexdigest()


def _motion_choice(payload: dict) -> str:
    choice = payload.get("choice")
    if choice not in set(Choice):
        raise DomainError("bad_choice", "无效的表决选项，请选择赞成、反对或弃权")
    return choice


def _election_data(vote: Vote, payload: dict) -> dict:
    marks_in = payload.get("marks") or {}
    write_in_in = payload.get("write_ins") or {}
    if not isinstance(marks_in, dict) or not isinstance(write_in_in, dict):
        raise DomainError("bad_ballot", "选票格式无效")
    try:
        marks = {int(k): str(v) for k, v in marks_in.items() if v not in (None, "")}
        written = {int(k): str(v).strip() for k, v in write_in_in.items() if v not in (None, "")}
    except (TypeError, ValueError):
        raise DomainError("bad_ballot", "选票格式无效") from None
    write_ins: dict[int, int] = {}
    roster: set[int] = set()
    if written:
        # a write-in names a member by 委员证号 (or id); it must be a voting member of the committee
        nos = [w for w in written.values()]
        found = db.session.execute(select(Member.member_no, Member.id).where(
            Member.member_no.in_(nos), Member.kind == MemberKind.MEMBER, Member.active.is_(True))).all()
        by_no = dict(found)
        for cand, no in written.items():
            if no not in by_no:
                raise DomainError("write_in_not_member", f"另选的“{no}”不是本届在册委员")
            write_ins[cand] = by_no[no]
        roster = set(by_no.values())
    ballot = ElectionBallot(marks=marks, write_ins=write_ins)
    try:
        check_election_ballot(ballot, candidates=[c.member_id for c in vote.candidates], seats=vote.seats,
                              mode=ElectionMode(vote.mode), roster=roster, write_ins_allowed=vote.write_ins)
    except TallyError as exc:
        raise DomainError(exc.code, exc.message) from None
    return {"marks": {str(k): v for k, v in marks.items()}, "write_ins": {str(k): v for k, v in write_ins.items()}}


def cast_ballot(vote_id, member: Member | int | None, payload: dict) -> dict:
    """Record one ballot. One per elector, guaranteed by the participation primary key (an insert that
    fails, not a check). With ``changeable`` a voter may replace their ballot before close by presenting
    their receipt (``payload["receipt"]``): the receipt, not the voter, finds the ballot.

    This is the hot path of a sitting (3,000 ballots in seconds): one small read and two inserts, in Core."""
    if member is None:
        raise DomainError("not_a_delegate", "只有委员本人可以投票")
    # (a Member, or its id) read before start_write, which may end (and expire) the read transaction
    member_id = member if isinstance(member, int) else member.id
    payload = payload if isinstance(payload, dict) else {}
    try:
        vote_id = int(vote_id)
    except (TypeError, ValueError):
        raise NotFound("找不到该表决") from None
    if "receipt" not in payload and "choice" in payload:
        fast = _cast_motion_batched(vote_id, member_id, payload)
        if fast is not None:
            return fast
    start_write()
    row = db.session.execute(_CAST_QUERY, {"vote_id": vote_id, "member_id": member_id}).first()
    if row is None:
        raise NotFound("找不到该表决")
    if row.state != State.OPEN or (row.deadline_at is not None and as_utc(row.deadline_at) <= utcnow()):
        raise Conflict("vote_closed", "表决未开始或已经结束")
    if not row.elector:
        raise DomainError("not_in_electorate", "您不在本次表决的表决人名单中（开始表决时未签到，或列席人员）",
                          status=403)
    vote = None
    if row.kind == VoteKind.MOTION:
        content = {"choice": _motion_choice(payload), "data": None}
    else:
        vote = get_vote(vote_id)
        content = {"choice": None, "data": _election_data(vote, payload)}

    old_receipt = payload.get("receipt")
    if old_receipt and row.changeable:
        if db.session.get(VoteParticipation, (vote_id, member_id)) is not None:
            return _change_ballot(vote or get_vote(vote_id), member_id, old_receipt, content)

    receipt = new_receipt(vote_id)
    values = {"id": secrets.token_hex(16), "vote_id": vote_id, "receipt_hash": receipt_hash(receipt),
              "member_id": None, "cast_at": None, **content}
    if not row.secret:
        values.update(member_id=member_id, cast_at=utcnow())
    try:
        db.session.execute(_INSERT_PARTICIPATION, {"vote_id": vote_id, "member_id": member_id})
        db.session.execute(_INSERT_BALLOT, values)
    except IntegrityError:
        db.session.rollback()
        raise Conflict("already_voted", "您已经投过票了，每人只能投一次") from None
    realtime.touch_after_commit(f"vote:{vote_id}:turnout", lambda: broadcast_turnout(vote_id))
    summary = CHOICE_LABELS[Choice(content["choice"])] if vote is None else ballot_summary(vote, content)
    return {"ok": True, "vote_id": vote_id, "receipt": receipt, "choice": content["choice"], "summary": summary,
            "changed": False}


def _cast_motion_batched(vote_id: int, member_id: int, payload: dict) -> dict | None:
    """The fast path through the group commit (batch.py) when it is on, else one transaction per ballot."""
    from .batch import group_commit

    batcher = group_commit()
    if batcher is None or payload.get("choice") not in _CHOICES:
        return _cast_motion_fast(vote_id, member_id, payload)
    session = db.session()
    if session.in_transaction():
        session.commit()  # nothing written yet: give the connection back while waiting for the writer
    receipt = new_receipt(vote_id)
    return batcher.submit(vote_id, member_id, payload["choice"], receipt, receipt_hash(receipt))


def _cast_motion_fast(vote_id: int, member_id: int, payload: dict) -> dict | None:
    """The common case, a first ballot on an open motion, in two statements and no read.

    The vote's state, kind and deadline are checked inside the INSERT of the participation row, which holds a
    share lock on the vote row (PostgreSQL; SQLite's write lock covers it): a concurrent close waits for
    ballots in flight, so a ballot acknowledged here is always counted. Being an elector is the foreign key
    of the participation row, one ballot per voter its primary key. Whether the vote is secret is read by
    the ballot INSERT itself (member and time stored only for named votes). When nothing was inserted, or
    a constraint refused the row (after a rollback: PostgreSQL aborts the transaction), returns None and the
    full path finds the reason."""
    choice = payload.get("choice")
    if choice not in _CHOICES:
        return None  # the full path says why (or ignores it: an election's ballot has no choice)
    receipt = new_receipt(vote_id)
    now = utcnow()
    start_write()
    try:
        inserted = db.session.execute(_FAST_PARTICIPATION, {"vote_id": vote_id, "member_id": member_id,
                                                            "now": now}).first() is not None
        if inserted:
            db.session.execute(_FAST_BALLOT, {"id": secrets.token_hex(16), "vote_id": vote_id, "choice": choice,
                                              "receipt_hash": receipt_hash(receipt), "member_id": member_id,
                                              "now": now})
    except IntegrityError:
        db.session.rollback()  # PostgreSQL: the transaction is aborted (the full path did the same)
        return None
    if not inserted:
        return None
    realtime.touch_after_commit(f"vote:{vote_id}:turnout", lambda: broadcast_turnout(vote_id))
    return {"ok": True, "vote_id": vote_id, "receipt": receipt, "choice": choice,
            "summary": CHOICE_LABELS[Choice(choice)], "changed": False}


_CHOICES = frozenset(c.value for c in Choice)
_FAST_PARTICIPATION = insert(VoteParticipation.__table__).from_select(
    ["vote_id", "member_id"],
    select(Vote.id, cast(bindparam("member_id"), Integer))
    .where(Vote.id == bindparam("vote_id"), Vote.state == State.OPEN, Vote.kind == VoteKind.MOTION,
           or_(Vote.deadline_at.is_(None), Vote.deadline_at > bindparam("now", type_=UTCDateTime())))
    .with_for_update(read=True)).returning(VoteParticipation.__table__.c.vote_id)
_FAST_BALLOT = insert(Ballot.__table__).from_select(
    ["id", "vote_id", "choice", "receipt_hash", "member_id", "cast_at"],
    select(cast(bindparam("id"), String), Vote.id, cast(bindparam("choice"), String),
           cast(bindparam("receipt_hash"), String),
           case((Vote.secret, null()), else_=cast(bindparam("member_id"), Integer)),
           case((Vote.secret, null()), else_=bindparam("now", type_=UTCDateTime())))
    .where(Vote.id == bindparam("vote_id")))

_CAST_QUERY = select(
    Vote.state, Vote.deadline_at, Vote.kind, Vote.secret, Vote.changeable,
    select(Elector.member_id).where(Elector.vote_id == Vote.id, Elector.member_id == bindparam("member_id"))
    .exists().label("elector"),
).where(Vote.id == bindparam("vote_id"))
_INSERT_PARTICIPATION = insert(VoteParticipation)
_INSERT_BALLOT = insert(Ballot)


def _change_ballot(vote: Vote, member_id: int, receipt: str, content: dict) -> dict:
    ballot = db.session.scalar(select(Ballot).where(Ballot.vote_id == vote.id,
                                                    Ballot.receipt_hash == receipt_hash(receipt)))
    if ballot is None or (not vote.secret and ballot.member_id != member_id):
        raise DomainError("bad_receipt", "回执码不正确，无法修改选票")
    ballot.choice, ballot.data = content["choice"], content["data"]
    if not vote.secret:
        ballot.cast_at = utcnow()
    db.session.flush()
    return {"ok": True, "vote_id": vote.id, "receipt": normalize_receipt(receipt), "choice": content["choice"],
            "summary": ballot_summary(vote, content), "changed": True}


def ballot_summary(vote: Vote, content: dict) -> str:
    if vote.kind == VoteKind.MOTION:
        return CHOICE_LABELS[Choice(content["choice"])]
    names = {c.member_id: c.member.name for c in vote.candidates}
    data = content["data"] or {}
    parts = []
    for cand in vote.candidates:
        mark = data.get("marks", {}).get(str(cand.member_id))
        label = CHOICE_LABELS.get(mark, "赞成") if mark else ("未选" if vote.mode == ElectionMode.MARKS else "弃权")
        if vote.mode == ElectionMode.MARKS and mark:
            label = "选"
        parts.append(f"{names[cand.member_id]}：{label}")
    write_ins = data.get("write_ins", {})
    if write_ins:
        people = dict(db.session.execute(select(Member.id, Member.name).where(Member.id.in_(write_ins.values()))).all())
        for cand, person in write_ins.items():
            parts.append(f"另选 {people.get(person, person)}（代替 {names.get(int(cand), cand)}）")
    return "；".join(parts)


def check_receipt(code: str) -> dict:
    """The receipt-check page: whoever holds the code sees that the ballot was counted and what it says."""
    code = normalize_receipt(code)
    if not code or len(code) > 40:
        raise DomainError("bad_receipt", "请输入完整的回执码")
    ballot = db.session.scalar(select(Ballot).where(Ballot.receipt_hash == receipt_hash(code)))
    if ballot is None:
        raise NotFound("没有找到与该回执码对应的选票，请核对后重试")
    vote = db.session.get(Vote, ballot.vote_id)
    counted = vote.state in (State.CLOSED, State.PUBLISHED)
    return {"ok": True, "vote_id": vote.id, "title": vote.title, "state": vote.state.value,
            "state_label": vote.state.label, "counted": counted,
            "status": "已计入" if counted else ("已收到，表决结束后计入" if vote.state == State.OPEN else "本次表决已取消"),
            "summary": ballot_summary(vote, {"choice": ballot.choice, "data": ballot.data})}


# ---- live figures and state ----------------------------------------------------------------------------

def staff_room(sitting_id: int) -> str:
    return f"voting:staff:{sitting_id}"


def turnout(vote: Vote) -> dict:
    voted = db.session.scalar(select(func.count()).select_from(VoteParticipation)
                              .where(VoteParticipation.vote_id == vote.id)) or 0
    return {"vote_id": vote.id, "voted": voted, "electorate": vote.electorate_count or 0,
            "expected": vote.expected_count or 0}


def broadcast_turnout(vote_id: int) -> None:
    vote = db.session.get(Vote, vote_id)
    if vote is not None:
        socketio.emit("voting:turnout", turnout(vote), to=staff_room(vote.sitting_id))


def public_vote(vote: Vote) -> dict:
    """What a delegate's phone needs to show the ballot."""
    data = {"id": vote.id, "sitting_id": vote.sitting_id, "kind": vote.kind.value, "title": vote.title,
            "secret": vote.secret, "changeable": vote.changeable, "state": vote.state.value,
            "state_label": vote.state.label, "rule": rule_of(vote).describe(),
            "deadline_at": as_utc(vote.deadline_at).isoformat() if vote.deadline_at else None,
            "documents": vote.documents or [],
            "choices": [{"value": c.value, "label": c.label} for c in Choice]}
    if vote.kind == VoteKind.ELECTION:
        data.update(seats=vote.seats, mode=vote.mode.value, mode_label=ElectionMode(vote.mode).label,
                    write_ins=vote.write_ins, election_kind=election_kind_label(vote),
                    candidates=[{"id": c.member_id, "name": c.member.name, "sector": c.member.sector_name}
                                for c in vote.candidates])
    return data


def staff_summary(vote: Vote, *, with_result: bool = False) -> dict:
    data = public_vote(vote)
    data["actions"] = [a.value for a in allowed_actions(vote.state)]
    if vote.state == State.OPEN:
        data["turnout"] = turnout(vote)
    if with_result and vote.result:
        data["result"] = result_payload(vote)
    return data


_MY_FLAGS = select(
    select(Elector.member_id).where(Elector.vote_id == bindparam("vote_id"),
                                    Elector.member_id == bindparam("member_id")).exists().label("elector"),
    select(VoteParticipation.member_id).where(VoteParticipation.vote_id == bindparam("vote_id"),
                                              VoteParticipation.member_id == bindparam("member_id"))
    .exists().label("voted"))


def delegate_state(sitting_id: int, member: Member | None) -> dict:
    """For a (re)connecting phone: the open vote, whether I may and did vote; else the last published result."""
    vote = open_vote_of(sitting_id)  # what close_overdue would look up: read once (every phone asks on connect)
    if vote is not None and vote.deadline_at is not None and as_utc(vote.deadline_at) <= utcnow():
        close_vote(vote.id, reason="deadline")
        vote = None
    state: dict = {"ok": True, "sitting_id": sitting_id, "vote": None, "result": None}
    if vote is not None:
        state["vote"] = public_vote(vote)
        if member is not None:
            flags = db.session.execute(_MY_FLAGS, {"vote_id": vote.id, "member_id": member.id}).one()
            state["in_electorate"], state["voted"] = bool(flags.elector), bool(flags.voted)
        return state
    last = db.session.scalar(select(Vote).where(Vote.sitting_id == sitting_id,
                                                Vote.state.in_([State.CLOSED, State.PUBLISHED]))
                             .order_by(Vote.closed_at.desc(), Vote.id.desc()).limit(1))
    if last is not None:
        if last.state == State.PUBLISHED:
            state["result"] = result_payload(last)
        else:
            state["closed"] = {"vote_id": last.id, "title": last.title}
    return state


# ---- results -------------------------------------------------------------------------------------------

def compute_result(vote: Vote, *, electorate_size: int) -> dict:
    rule = rule_of(vote)
    try:
        if vote.kind == VoteKind.MOTION:
            counts = dict(db.session.execute(select(Ballot.choice, func.count()).where(Ballot.vote_id == vote.id)
                                             .group_by(Ballot.choice)).all())
            return tally_motion(rule, expected=vote.expected_count, electorate=electorate_size,
                                counts=counts).as_dict()
        ballots = [ElectionBallot(marks={int(k): v for k, v in (d or {}).get("marks", {}).items()},
                                  write_ins={int(k): int(v) for k, v in (d or {}).get("write_ins", {}).items()})
                   for d in db.session.scalars(select(Ballot.data).where(Ballot.vote_id == vote.id))]
        outcome = tally_election(rule, candidates=[c.member_id for c in vote.candidates], seats=vote.seats,
                                 mode=ElectionMode(vote.mode), ballots=ballots, expected=vote.expected_count,
                                 electorate=electorate_size, issued=electorate_size,
                                 write_ins_allowed=vote.write_ins)
    except TallyError as exc:
        raise DomainError(exc.code, exc.message) from None
    result = outcome.as_dict()
    ids = [p["person"] for p in result["people"]]
    people = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(ids)))}
    for p in result["people"]:
        member = people.get(p["person"])
        p["name"] = member.name if member else str(p["person"])
        p["sector"] = member.sector_name if member else ""
    return result


def result_payload(vote: Vote) -> dict:
    """The published result for phones and the big screen."""
    result = dict(vote.result or {})
    payload = {"vote_id": vote.id, "sitting_id": vote.sitting_id, "kind": vote.kind.value, "title": vote.title,
               "secret": vote.secret, "state": vote.state.value, "result": result,
               "opened_at": fmt(vote.opened_at), "closed_at": fmt(vote.closed_at),
               "expected": vote.expected_count, "present": vote.electorate_count,
               "present_at_close": vote.present_at_close}
    if vote.kind == VoteKind.MOTION and result:
        payload["verdict"] = "通过" if result["passed"] else "未通过"
    elif result:
        payload["election_kind"] = election_kind_label(vote)
        payload["seats"] = vote.seats
        if result.get("invalid"):
            payload["verdict"] = "收回选票多于发出选票，选举无效，须重新选举"
        else:
            elected = [p["name"] for p in result["people"] if p["elected"]]
            payload["verdict"] = ("当选：" + "、".join(elected)) if elected else "无人当选"
            if result.get("tied"):
                tied = [p["name"] for p in result["people"] if p["person"] in result["tied"]]
                payload["verdict"] += "；得票相等须另行选举：" + "、".join(tied)
    return payload


def named_list(vote: Vote) -> list[dict]:
    """记名表决: who voted what (未按 for electors without a ballot), in 姓氏笔画 order."""
    if vote.secret:
        raise DomainError("secret_vote", "无记名表决不记录个人的表决意见")
    electors = db.session.scalars(select(Member).join(Elector, Elector.member_id == Member.id)
                                  .where(Elector.vote_id == vote.id)).all()
    choices = dict(db.session.execute(select(Ballot.member_id, Ballot.choice).where(Ballot.vote_id == vote.id)).all())
    convention = current_app.config.get("NAME_CONVENTION", "cppcc")
    rows = []
    for m in sorted(electors, key=lambda m: sort_key(m.name, convention)):
        choice = choices.get(m.id)
        label = CHOICE_LABELS[Choice(choice)] if choice else ("已投票" if m.id in choices else NOT_PRESSED_LABEL)
        rows.append({"member_id": m.id, "name": m.name, "sector": m.sector_name, "choice": label})
    return rows


def issuer_data(vote: Vote):
    from ..pdf.data import Issuer

    return Issuer(committee=current_app.config.get("COMMITTEE_NAME", ""), meeting=vote.sitting.meeting.title)


def result_pdf(vote: Vote) -> bytes:
    if vote.state not in (State.CLOSED, State.PUBLISHED) or not vote.result:
        raise Conflict("not_closed", "表决结束后才能打印结果")
    from ..pdf import data as pdf
    from ..pdf.renderers import render_election_result, render_vote_result
    from ..timeutil import local

    r = vote.result
    if vote.kind == VoteKind.MOTION:
        named = [] if vote.secret else [pdf.NamedVote(name=x["name"], sector=x["sector"], choice=x["choice"])
                                        for x in named_list(vote)]
        return render_vote_result(pdf.VoteResult(
            issuer=issuer_data(vote), sitting=vote.sitting.title, motion=vote.title, rule=r["rule"],
            threshold=r["threshold"], expected=r["expected"], present=r["electorate"], yes=r["yes"], no=r["no"],
            abstain=r["abstain"], not_pressed=r["not_pressed"], passed=r["passed"], opened_at=local(vote.opened_at),
            closed_at=local(vote.closed_at), named=not vote.secret, votes=named))
    return render_election_result(pdf.ElectionResult(
        issuer=issuer_data(vote), sitting=vote.sitting.title, title=vote.title, kind=election_kind_label(vote),
        seats=vote.seats, rule=r["rule"], threshold=r["threshold"], expected=r["expected"], present=r["electorate"],
        issued=r["issued"], returned=r["returned"], valid=r["valid"], void=r["void"],
        candidates=[pdf.CandidateResult(name=p["name"], yes=p["yes"], no=p["no"], abstain=p["abstain"],
                                        elected=p["elected"], sector=p.get("sector", ""), write_in=p["write_in"])
                    for p in r["people"]],
        opened_at=local(vote.opened_at), closed_at=local(vote.closed_at)))


def result_rows(vote: Vote) -> list[list]:
    """A table of the result for CSV/xlsx export."""
    r = vote.result or {}
    head = [["事项", vote.title], ["类别", vote.kind.label], ["规则", r.get("rule", "")],
            ["通过/当选所需票数", r.get("threshold", "")], ["应到", vote.expected_count], ["实到（开始时）",
                                                                                  vote.electorate_count],
            ["实到（结束时）", vote.present_at_close], ["开始时间", fmt(vote.opened_at)], ["结束时间", fmt(vote.closed_at)]]
    if vote.kind == VoteKind.MOTION:
        head += [["赞成", r.get("yes")], ["反对", r.get("no")], ["弃权", r.get("abstain")], ["未按", r.get("not_pressed")],
                 ["结果", "通过" if r.get("passed") else "未通过"]]
        if not vote.secret:
            head += [[], ["姓名", "界别", "表决意见"]] + [[x["name"], x["sector"], x["choice"]] for x in named_list(vote)]
        return head
    head += [["发出选票", r.get("issued")], ["收回选票", r.get("returned")], ["有效票", r.get("valid")],
             ["无效票", r.get("void")], [], ["姓名", "界别", "赞成", "反对", "弃权", "另选", "当选"]]
    head += [[p["name"], p.get("sector", ""), p["yes"], p["no"], p["abstain"], "是" if p["write_in"] else "",
              "当选" if p["elected"] else ""] for p in r.get("people", [])]
    return head


def delete_draft(vote_id) -> None:
    vote = get_vote(vote_id)
    if vote.state != State.DRAFT:
        raise Conflict("bad_state", "只能删除未开始的表决")
    audit.record("vote.delete", f"vote:{vote.id}", {"title": vote.title})
    db.session.execute(delete(Candidate).where(Candidate.vote_id == vote.id))
    db.session.delete(vote)
    db.session.flush()


def ballots_count(vote: Vote) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.vote_id == vote.id)) or 0



def get_sitting(sitting_id) -> Sitting:
    try:
        return meetings.get_sitting(int(sitting_id))
    except (TypeError, ValueError):
        raise NotFound("找不到该会次") from None


def resolve_candidates(text: str) -> list[int]:
    """Candidates typed one a line, by 委员证号 or by an unambiguous name."""
    ids = []
    for raw in (text or "").replace("，", "\n").replace(",", "\n").splitlines():
        key = raw.strip()
        if not key:
            continue
        found = db.session.scalars(select(Member).where(Member.member_no == key)).all() or \
            db.session.scalars(select(Member).where(Member.name == key, Member.kind == MemberKind.MEMBER,
                                                    Member.active.is_(True))).all()
        if not found:
            raise DomainError("bad_candidate", f"找不到委员“{key}”")
        if len(found) > 1:
            raise DomainError("ambiguous_candidate", f"“{key}”有重名，请改用委员证号")
        ids.append(found[0].id)
    return ids
