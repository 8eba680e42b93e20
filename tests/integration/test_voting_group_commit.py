"""Group commit of motion ballots (conference/voting/batch.py), on SQLite and PostgreSQL: concurrent ballots
written by shared transactions still give one ballot per voter (duplicates refused per ballot by the key),
the usual error codes, secret ballots without member or time, an ack only after the commit, a close that
waits for a batch in flight, and no receipt at all when the batch transaction fails."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from conference.errors import DomainError
from conference.extensions import db
from conference.voting import batch, services
from conference.voting.models import Ballot, Vote, VoteParticipation

from .test_voting_services import check_in, close_in_thread


@pytest.fixture
def grouped(app):
    """Group commit on (as in the gevent server) with a window that lets concurrent ballots share a batch."""
    old = {k: app.config.get(k) for k in ("VOTING_GROUP_COMMIT", "VOTING_GROUP_COMMIT_WINDOW")}
    app.config.update(VOTING_GROUP_COMMIT=True, VOTING_GROUP_COMMIT_WINDOW=0.05)
    app.extensions.pop("voting_group_commit", None)
    yield
    app.extensions.pop("voting_group_commit", None)
    app.config.update(old)


def open_motion(sitting, **kwargs):
    vote = services.create_motion(sitting, title="分组提交的表决", **kwargs)
    db.session.commit()
    services.open_vote(vote.id)
    db.session.commit()
    return vote.id


def cast_in_threads(app, vote_id, casts):
    """Each (member_id, choice) cast from its own thread, as many socket handlers at once: (member_id, ack|code)."""
    results, start = [], threading.Barrier(len(casts))

    def run(member_id, choice):
        with app.app_context():
            try:
                start.wait(10)
                ack = services.cast_ballot(vote_id, member_id, {"choice": choice})
                db.session.commit()
                results.append((member_id, ack))
            except DomainError as exc:
                db.session.rollback()
                results.append((member_id, exc.code))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=c) for c in casts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_ballots_one_per_voter_with_the_usual_codes(app, ctx, make, grouped):
    sitting = make.sitting()
    members = make.members(12, kind="委员")
    check_in(sitting, *members[:10])
    vote_id = open_motion(sitting, secret=True)
    electors = [m.id for m in members[:10]]
    outsider = members[11].id
    casts = [(m, "yes") for m in electors] + [(m, "no") for m in electors[:4]] + [(outsider, "yes")]
    results = cast_in_threads(app, vote_id, casts)
    assert len(results) == len(casts)
    receipts = [(m, r) for m, r in results if isinstance(r, dict)]
    assert sorted(m for m, _ in receipts) == sorted(electors)  # exactly one accepted ballot per elector
    assert all(r["ok"] and r["receipt"] for _, r in receipts)
    refused = sorted(r for m, r in results if not isinstance(r, dict))
    assert refused == ["already_voted"] * 4 + ["not_in_electorate"]
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(VoteParticipation)
                             .where(VoteParticipation.vote_id == vote_id)) == 10
    ballots = db.session.scalars(select(Ballot).where(Ballot.vote_id == vote_id)).all()
    assert len(ballots) == 10
    assert all(b.member_id is None and b.cast_at is None for b in ballots)  # secret: unlinkable
    # every receipt finds its own ballot, with the choice that ballot's ack reported
    for m, r in receipts:
        assert services.check_receipt(r["receipt"])["summary"] == r["summary"]
    assert sorted(b.choice for b in ballots) == sorted(r["choice"] for _, r in receipts)
    # a second round after the batches committed: refused by the key, with the full path's code
    assert [r for _, r in cast_in_threads(app, vote_id, [(electors[0], "no")])] == ["already_voted"]


def test_named_ballots_keep_member_and_time(app, ctx, make, grouped):
    sitting = make.sitting()
    members = make.members(3, kind="委员")
    check_in(sitting, *members)
    vote_id = open_motion(sitting, secret=False)
    results = cast_in_threads(app, vote_id, [(m.id, "abstain") for m in members])
    assert all(isinstance(r, dict) for _, r in results)
    db.session.rollback()
    rows = db.session.execute(select(Ballot.member_id, Ballot.cast_at, Ballot.choice)
                              .where(Ballot.vote_id == vote_id)).all()
    assert sorted(r.member_id for r in rows) == sorted(m.id for m in members)
    assert all(r.cast_at is not None and r.choice == "abstain" for r in rows)


def test_a_failed_batch_gives_every_caller_an_error_and_no_receipt(app, ctx, make, grouped, monkeypatch):
    sitting = make.sitting()
    members = make.members(4, kind="委员")
    check_in(sitting, *members)
    vote_id = open_motion(sitting)
    real_commit = db.session.commit

    def failing_commit_in_writer():
        if threading.current_thread().name != threading.main_thread().name and getattr(_in_writer, "on", False):
            raise RuntimeError("database went away")
        return real_commit()

    _in_writer = threading.local()
    real_write = batch.write_batch

    def write(items):
        _in_writer.on = True
        try:
            return real_write(items)
        finally:
            _in_writer.on = False

    monkeypatch.setattr(batch, "write_batch", write)
    monkeypatch.setattr(db.session, "commit", failing_commit_in_writer)
    results = cast_in_threads(app, vote_id, [(m.id, "yes") for m in members])
    monkeypatch.undo()
    assert sorted(r for _, r in results) == ["database_unavailable"] * 4
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Ballot).where(Ballot.vote_id == vote_id)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(VoteParticipation)
                             .where(VoteParticipation.vote_id == vote_id)) == 0


def test_close_waits_for_a_batch_in_flight(app, ctx, make, grouped, monkeypatch):
    sitting = make.sitting()
    members = make.members(3, kind="委员")
    check_in(sitting, *members)
    vote_id = open_motion(sitting)
    inserted, go = threading.Event(), threading.Event()
    real_touch = batch.realtime.touch_after_commit

    def touch(key, producer):  # called between the batch's INSERTs and its COMMIT
        real_touch(key, producer)
        inserted.set()
        go.wait(20)

    monkeypatch.setattr(batch.realtime, "touch_after_commit", touch)
    outcome: dict = {}
    member_id = members[0].id
    caster = threading.Thread(target=lambda: outcome.update(casts=cast_in_threads(app, vote_id, [(member_id, "yes")])))
    caster.start()
    assert inserted.wait(20)

    closer = threading.Thread(target=close_in_thread, args=(app, vote_id, outcome))
    closer.start()
    closer.join(0.5)
    assert closer.is_alive(), "close did not wait for the batch being written"
    assert "casts" not in outcome  # not acknowledged before the commit
    go.set()
    caster.join(20)
    closer.join(20)
    assert isinstance(outcome["casts"][0][1], dict)
    assert outcome["result"]["yes"] == 1
    db.session.rollback()
    assert services.ballots_count(db.session.get(Vote, vote_id)) == 1
