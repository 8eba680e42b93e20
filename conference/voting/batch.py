"""Group commit of motion ballots: ballots that arrive within a few milliseconds are written by one
transaction, and each caller is acknowledged only after that commit.

Each ``voting:cast`` handler enqueues its ballot and waits; one writer task (started with
``socketio.start_background_task``) drains the queue and, per vote, in ONE transaction:

- inserts the participation rows with ``INSERT … SELECT … FROM elector JOIN vote … ON CONFLICT DO NOTHING
  RETURNING member_id`` — the vote's state, kind and deadline are checked in that statement, which holds a
  share lock on the vote row (PostgreSQL; SQLite's write lock, BEGIN IMMEDIATE, covers it), so a
  concurrent close waits for the batch; one ballot per voter stays the primary key;
- inserts the ballots of the accepted voters in a shuffled order (``secrets.SystemRandom``), random keys,
  no member and no time on a secret vote, so row order does not follow the participation order;
- commits, then hands each caller its own result.

A ballot that was not inserted (already voted, not an elector, vote closed, a second ballot of the same
voter in the batch) gets ``None`` and goes through the full path of ``services.cast_ballot``, which finds
the reason with the usual error codes. If the batch transaction fails as a whole, every caller gets an
error, none a receipt.

On only in a cooperative (gevent/eventlet) process unless ``VOTING_GROUP_COMMIT`` is set."""
from __future__ import annotations

import logging
import secrets
import threading

from flask import current_app
from sqlalchemy import Integer, String, bindparam, case, cast, null, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from .. import realtime
from ..dbtypes import UTCDateTime
from ..dbsetup import begin_write
from ..errors import DomainError
from ..extensions import db, socketio
from ..timeutil import utcnow
from .lifecycle import State
from .models import Ballot, Elector, Vote, VoteKind, VoteParticipation
from .tally import CHOICE_LABELS, Choice

log = logging.getLogger(__name__)
_random = secrets.SystemRandom()
WAIT_TIMEOUT = 30.0


class _Item:
    __slots__ = ("vote_id", "member_id", "choice", "receipt", "receipt_hash", "done", "result", "error")

    def __init__(self, vote_id: int, member_id: int, choice: str, receipt: str, receipt_hash: str):
        self.vote_id, self.member_id, self.choice = vote_id, member_id, choice
        self.receipt, self.receipt_hash = receipt, receipt_hash
        self.done = threading.Event()  # a green event in a monkey-patched process
        self.result: dict | None = None
        self.error: DomainError | None = None


def batch_failed() -> DomainError:
    return DomainError("database_unavailable", "数据库暂时不可用，选票未记录，请稍后重试", status=503)


class GroupCommit:
    def __init__(self, app, window: float):
        self.app = app
        self.window = window
        self.queue: list[_Item] = []
        self.wakeup = threading.Event()
        self.lock = threading.Lock()
        self.running = False

    def submit(self, vote_id: int, member_id: int, choice: str, receipt: str, receipt_hash: str) -> dict | None:
        """Enqueue a ballot and wait for the commit of its batch: the receipt ack, or None (full path)."""
        item = _Item(vote_id, member_id, choice, receipt, receipt_hash)
        self.queue.append(item)
        self._ensure_writer()
        self.wakeup.set()
        if not item.done.wait(WAIT_TIMEOUT):
            raise batch_failed()
        if item.error is not None:
            raise item.error
        return item.result

    def _ensure_writer(self) -> None:
        with self.lock:
            if self.running:
                return
            self.running = True
        socketio.start_background_task(self._run)

    def _run(self) -> None:
        try:
            while True:
                self.wakeup.wait()
                self.wakeup.clear()
                if self.window:
                    socketio.sleep(self.window)  # let the ballots of the next few milliseconds join
                batch, self.queue = self.queue, []
                if batch:
                    with self.app.app_context():
                        write_batch(batch)
        finally:  # never expected; a later submit starts a new writer
            with self.lock:
                self.running = False


def write_batch(batch: list[_Item]) -> None:
    """Write a batch in one transaction and set every item's result (or error). Needs an app context."""
    session = db.session
    try:
        begin_write()
        accepted: list[_Item] = []
        by_vote: dict[int, dict[int, _Item]] = {}
        for item in batch:  # a second ballot of the same voter in the batch: full path (already_voted)
            by_vote.setdefault(item.vote_id, {}).setdefault(item.member_id, item)
        now = utcnow()
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        for vote_id, items in by_vote.items():
            stmt = insert(VoteParticipation.__table__).from_select(
                ["vote_id", "member_id"],
                select(Elector.vote_id, Elector.member_id)
                .join(Vote, Vote.id == Elector.vote_id)
                .where(Elector.vote_id == vote_id, Elector.member_id.in_(list(items)),
                       Vote.state == State.OPEN, Vote.kind == VoteKind.MOTION,
                       or_(Vote.deadline_at.is_(None), Vote.deadline_at > bindparam("now", type_=UTCDateTime())))
                .with_for_update(read=True, of=Vote.__table__)
            ).on_conflict_do_nothing().returning(VoteParticipation.__table__.c.member_id)
            inserted = session.execute(stmt, {"now": now}).scalars().all()
            accepted.extend(items[m] for m in inserted)
            if inserted:
                realtime.touch_after_commit(f"vote:{vote_id}:turnout", lambda v=vote_id: _broadcast(v))
        if accepted:
            rows = [{"id": secrets.token_hex(16), "vote_id": it.vote_id, "choice": it.choice,
                     "receipt_hash": it.receipt_hash, "member_id": it.member_id, "now": now} for it in accepted]
            _random.shuffle(rows)
            session.execute(_BALLOT, rows)
        session.commit()
    except Exception:
        log.exception("group commit of %d ballots failed", len(batch))
        try:
            session.rollback()
        except Exception:
            log.exception("rollback failed")
        error = batch_failed()
        for item in batch:
            item.error = error
            item.done.set()
        return
    finally:
        session.remove()
    for item in accepted:
        item.result = {"ok": True, "vote_id": item.vote_id, "receipt": item.receipt, "choice": item.choice,
                       "summary": CHOICE_LABELS[Choice(item.choice)], "changed": False}
    for item in batch:
        item.done.set()


def _broadcast(vote_id: int) -> None:
    from .services import broadcast_turnout

    broadcast_turnout(vote_id)


_BALLOT = Ballot.__table__.insert().from_select(
    ["id", "vote_id", "choice", "receipt_hash", "member_id", "cast_at"],
    select(cast(bindparam("id"), String), Vote.id, cast(bindparam("choice"), String),
           cast(bindparam("receipt_hash"), String),
           case((Vote.secret, null()), else_=cast(bindparam("member_id"), Integer)),
           case((Vote.secret, null()), else_=bindparam("now", type_=UTCDateTime())))
    .where(Vote.id == bindparam("vote_id")))


def group_commit() -> GroupCommit | None:
    """The process's group committer, or None when ballots are committed one by one."""
    app = current_app._get_current_object()
    batcher = app.extensions.get("voting_group_commit")
    if batcher is None:
        enabled = app.config.get("VOTING_GROUP_COMMIT")
        if enabled is None:
            from .. import _cooperative

            enabled = _cooperative()
        batcher = app.extensions["voting_group_commit"] = (
            GroupCommit(app, float(app.config.get("VOTING_GROUP_COMMIT_WINDOW", 0.002))) if enabled else False)
    return batcher or None
