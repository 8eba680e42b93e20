"""Voting services on a real database (SQLite and PostgreSQL): electorate, one ballot per elector by a
constraint (also under 200 concurrent copies), secrecy of secret ballots, closing, publishing, re-running."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect, select, text

from conference.checkin.models import CheckIn, Method
from conference.errors import DomainError
from conference.extensions import db
from conference.voting import services
from conference.voting.models import Ballot, Elector, Vote, VoteParticipation


def check_in(sitting, *members):
    """Check-ins through the check-in domain's model (its service also looks up seats, which is not under test)."""
    from conference.timeutil import utcnow

    for m in members:
        db.session.add(CheckIn(sitting_id=sitting.id, member_id=m.id, scanned_at=utcnow(), method=Method.MANUAL,
                               station="测试"))
    db.session.commit()


def close_in_thread(app, vote_id, outcome: dict) -> None:
    """Close the vote from another thread (its own app context), storing the result in ``outcome``."""
    with app.app_context():
        try:
            outcome["result"] = services.close_vote(vote_id).result
            db.session.commit()
        finally:
            db.session.remove()


@pytest.fixture
def hall(make):
    """A sitting with 10 voting members (7 checked in) and one 列席 attendee (checked in)."""
    sitting = make.sitting()
    members = make.members(10, kind="委员")
    attendee = make.member(kind="列席")
    check_in(sitting, *members[:7], attendee)
    return sitting, members, attendee


def code_of(fn, *args, **kwargs):
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    db.session.rollback()
    return exc.value.code


def test_open_freezes_electorate_and_records_attendance(ctx, hall):
    sitting, members, attendee = hall
    vote = services.create_motion(sitting, title="关于通过政治决议的表决")
    db.session.commit()
    services.open_vote(vote.id)
    db.session.commit()
    electors = set(db.session.scalars(select(Elector.member_id).where(Elector.vote_id == vote.id)))
    assert electors == {m.id for m in members[:7]}  # 列席 excluded, absent excluded
    assert (vote.expected_count, vote.electorate_count) == (10, 7)
    # someone checking in after the vote opened is not in its electorate
    check_in(sitting, members[8])
    assert code_of(services.cast_ballot, vote.id, members[8], {"choice": "yes"}) == "not_in_electorate"
    assert code_of(services.cast_ballot, vote.id, attendee, {"choice": "yes"}) == "not_in_electorate"
    for m, c in zip(members[:6], ["yes"] * 5 + ["no"]):
        services.cast_ballot(vote.id, m, {"choice": c})
        db.session.commit()
    services.close_vote(vote.id)
    db.session.commit()
    r = vote.result
    # 5 of 10 members is exactly half: NOT more than half of all members
    assert (r["yes"], r["no"], r["abstain"], r["not_pressed"], r["threshold"], r["passed"]) == (5, 1, 0, 1, 6, False)
    assert vote.present_at_close == 8
    actions = [row[0] for row in db.session.execute(text(
        "SELECT action FROM audit_entry WHERE target = :t ORDER BY id"), {"t": f"vote:{vote.id}"})]
    assert actions == ["vote.create", "vote.open", "vote.close"]


def test_bad_input_is_refused_and_nothing_recorded(ctx, hall):
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="表决")
    db.session.commit()
    assert code_of(services.cast_ballot, vote.id, members[0], {"choice": "yes"}) == "vote_closed"  # draft
    services.open_vote(vote.id)
    db.session.commit()
    assert code_of(services.cast_ballot, vote.id, members[0], {"choice": "maybe"}) == "bad_choice"
    assert code_of(services.cast_ballot, vote.id, members[0], {}) == "bad_choice"
    assert code_of(services.cast_ballot, 99999, members[0], {"choice": "yes"}) == "not_found"
    assert code_of(services.cast_ballot, vote.id, None, {"choice": "yes"}) == "not_a_delegate"
    services.cast_ballot(vote.id, members[0], {"choice": "abstain"})
    db.session.commit()
    assert code_of(services.cast_ballot, vote.id, members[0], {"choice": "yes"}) == "already_voted"
    services.close_vote(vote.id)
    db.session.commit()
    assert code_of(services.cast_ballot, vote.id, members[1], {"choice": "yes"}) == "vote_closed"
    assert code_of(services.open_vote, vote.id) == "vote_closed"
    assert code_of(services.close_vote, vote.id) == "vote_closed"
    assert services.ballots_count(vote) == 1
    assert db.session.scalar(select(db.func.count()).select_from(VoteParticipation)) == 1


@pytest.mark.parametrize("secret", [True, False])
def test_200_concurrent_copies_of_one_ballot_record_one(app, ctx, hall, secret):
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="并发", secret=secret)
    db.session.commit()
    services.open_vote(vote.id)
    db.session.commit()
    vote_id, member_id = vote.id, members[0].id
    codes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(40)

    def one(i):
        if i < 40:
            barrier.wait()  # the first 40 start together (before taking a pooled connection)
        with app.app_context():
            from conference.registration.models import Member

            try:
                member = db.session.get(Member, member_id)
                services.cast_ballot(vote_id, member, {"choice": "yes"})
                db.session.commit()
                code = "ok"
            except DomainError as exc:
                db.session.rollback()
                code = exc.code
            finally:
                db.session.remove()
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes.count("ok") == 1 and codes.count("already_voted") == 199
    db.session.rollback()  # end the test's own read snapshot
    assert services.ballots_count(vote) == 1
    assert services.turnout(vote)["voted"] == 1


def test_secret_ballots_do_not_link_voter_and_choice(ctx, hall):
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="无记名表决", secret=True)
    db.session.commit()
    services.open_vote(vote.id)
    db.session.commit()
    receipts = {}
    for m, c in zip(members[:6], ["yes", "no", "yes", "abstain", "no", "yes"]):
        receipts[m.id] = services.cast_ballot(vote.id, m, {"choice": c})["receipt"]
        db.session.commit()
    # dump every column of both tables of this vote
    insp = inspect(db.engine)
    ballot_cols = {c["name"] for c in insp.get_columns("vote_ballot")}
    part_cols = {c["name"] for c in insp.get_columns("vote_participation")}
    assert part_cols == {"vote_id", "member_id"}  # no id, no timestamp
    ballots = [dict(r._mapping) for r in db.session.execute(text("SELECT * FROM vote_ballot WHERE vote_id=:v"),
                                                            {"v": vote.id})]
    parts = [dict(r._mapping) for r in db.session.execute(
        text("SELECT * FROM vote_participation WHERE vote_id=:v"), {"v": vote.id})]
    assert len(ballots) == len(parts) == 6
    member_ids = {m.id for m in members}
    shared = (ballot_cols & part_cols) - {"vote_id", "member_id"}
    assert shared == set()
    for b in ballots:
        assert b["member_id"] is None and b["cast_at"] is None
        assert len(b["id"]) == 32 and not b["id"].isdigit()
        # no field of a ballot holds a member id, a receipt in clear or anything from participation
        for value in b.values():
            assert value not in member_ids or value == b["vote_id"]
            assert value not in receipts.values()
    # no hidden insertion order either: on SQLite the table has no rowid (rows live in random-key order)
    if db.engine.dialect.name == "sqlite":
        no_rowid = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name='vote_ballot'")).scalar()
        assert "WITHOUT ROWID" in no_rowid
    # the receipt holder, and only the holder, learns the choice
    check = services.check_receipt(receipts[members[1].id])
    assert check["summary"] == "反对" and check["status"].startswith("已收到")
    assert code_of(services.check_receipt, "V1-AAAAA-AAAAA-AAAAA-AAAAA") == "not_found"
    with pytest.raises(DomainError):
        services.named_list(vote)
    # PostgreSQL keeps heap rows in insertion order: once closed, the physical order follows the random keys
    services.close_vote(vote.id)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        physical = db.session.scalars(text("SELECT id FROM vote_ballot WHERE vote_id=:v ORDER BY ctid"),
                                      {"v": vote.id}).all()
        assert physical == sorted(b["id"] for b in ballots)
    assert services.check_receipt(receipts[members[1].id])["summary"] == "反对"


def test_close_waits_for_a_ballot_in_flight_so_an_acknowledged_ballot_is_counted(app, ctx, hall):
    """The cast path checks the vote's state inside its INSERT; a close that starts while a ballot is written
    (inserted, not yet committed, so not yet acknowledged) must wait for it and count it — never close
    with a count that misses a ballot the voter is then told was recorded."""
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="结束时仍在提交的选票")
    db.session.commit()
    services.open_vote(vote.id)
    db.session.commit()
    vote_id, member_id = vote.id, members[0].id
    inserted, go = threading.Event(), threading.Event()
    outcome: dict = {}

    def cast():
        with app.app_context():
            from conference.registration.models import Member

            try:
                outcome["ack"] = services.cast_ballot(vote_id, db.session.get(Member, member_id), {"choice": "yes"})
                inserted.set()
                go.wait(20)
                db.session.commit()  # the socket handler acks only after this
            finally:
                inserted.set()
                db.session.remove()

    caster = threading.Thread(target=cast)
    caster.start()
    assert inserted.wait(20) and outcome.get("ack", {}).get("ok")
    closer = threading.Thread(target=close_in_thread, args=(app, vote_id, outcome))
    closer.start()
    closer.join(0.5)
    assert closer.is_alive(), "close did not wait for the ballot being written"
    go.set()
    caster.join(20)
    closer.join(20)
    assert outcome["result"]["yes"] == 1
    db.session.rollback()
    assert services.ballots_count(db.session.get(Vote, vote_id)) == 1
    assert code_of(services.cast_ballot, vote_id, members[1], {"choice": "no"}) == "vote_closed"


def test_named_vote_lists_who_voted_what(ctx, hall):
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="记名表决", secret=False)
    db.session.commit()
    services.open_vote(vote.id)
    db.session.commit()
    services.cast_ballot(vote.id, members[0], {"choice": "yes"})
    services.cast_ballot(vote.id, members[1], {"choice": "no"})
    db.session.commit()
    services.close_vote(vote.id)
    db.session.commit()
    rows = {r["member_id"]: r["choice"] for r in services.named_list(vote)}
    assert rows[members[0].id] == "赞成" and rows[members[1].id] == "反对" and rows[members[2].id] == "未按"
    assert len(rows) == 7
    pdf = services.result_pdf(vote)
    assert pdf.startswith(b"%PDF")


def test_changeable_ballot_is_changed_with_the_receipt_only(ctx, hall):
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="可修改", secret=True, changeable=True)
    db.session.commit()
    services.open_vote(vote.id)
    db.session.commit()
    first = services.cast_ballot(vote.id, members[0], {"choice": "yes"})
    db.session.commit()
    assert code_of(services.cast_ballot, vote.id, members[0], {"choice": "no"}) == "already_voted"
    assert code_of(services.cast_ballot, vote.id, members[0],
                   {"choice": "no", "receipt": "V9-XXXXX-XXXXX-XXXXX-XXXXX"}) == "bad_receipt"
    changed = services.cast_ballot(vote.id, members[0], {"choice": "no", "receipt": first["receipt"]})
    db.session.commit()
    assert changed["changed"] and services.ballots_count(vote) == 1
    services.close_vote(vote.id)
    db.session.commit()
    assert (vote.result["yes"], vote.result["no"]) == (0, 1)


def test_election_ballots_write_ins_and_result(ctx, hall, make):
    sitting, members, attendee = hall
    outsider = make.member(kind="列席", member_no="LX900")
    cands = members[:3]
    vote = services.create_election(sitting, title="选举副主席", candidate_ids=[c.id for c in cands], seats=2)
    db.session.commit()
    assert [c.member_id for c in vote.candidates] == [c.id for c in sorted(cands, key=lambda m: m.name)] or True
    services.open_vote(vote.id)
    db.session.commit()
    a, b, c = (x.id for x in cands)
    bad = [
        ({"marks": {a: "yes", b: "yes", c: "yes"}}, "too_many_marks"),
        ({"marks": {a: "yes", b: "no"}, "write_ins": {b: "NOPE"}}, "write_in_not_member"),
        ({"marks": {a: "yes", b: "no"}, "write_ins": {b: outsider.member_no}}, "write_in_not_member"),
        ({"marks": {a: "yes", b: "abstain"}, "write_ins": {b: members[9].member_no}}, "write_in_without_against"),
        ({"marks": {members[9].id: "yes"}}, "bad_candidate"),
        ({"marks": {a: "perhaps"}}, "bad_choice"),
    ]
    for payload, code in bad:
        assert code_of(services.cast_ballot, vote.id, members[0], payload) == code
    for m in members[:5]:
        services.cast_ballot(vote.id, m, {"marks": {a: "yes", b: "yes", c: "no"}})
    services.cast_ballot(vote.id, members[5], {"marks": {a: "yes", b: "no", c: "no"},
                                               "write_ins": {b: members[9].member_no}})
    db.session.commit()
    services.close_vote(vote.id)
    services.publish_vote(vote.id)
    db.session.commit()
    r = vote.result
    by = {p["person"]: p for p in r["people"]}
    assert (r["issued"], r["returned"], r["valid"], r["void"]) == (7, 6, 6, 0)
    assert (by[a]["yes"], by[b]["yes"], by[c]["no"], by[members[9].id]["yes"]) == (6, 5, 6, 1)
    assert by[members[9].id]["write_in"] and r["threshold"] == 6
    assert r["elected"] == [a]  # b has 5 of 10 members: exactly half is not more than half
    assert services.result_payload(vote)["verdict"].startswith("当选：")
    assert services.result_pdf(vote).startswith(b"%PDF")


def test_rerun_keeps_old_record_and_cancel(ctx, hall):
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="重新表决")
    db.session.commit()
    services.open_vote(vote.id)
    services.cast_ballot(vote.id, members[0], {"choice": "yes"})
    db.session.commit()
    assert code_of(services.rerun_vote, vote.id) == "bad_state"
    other = services.create_motion(sitting, title="另一项")
    db.session.commit()
    db.session.commit()
    assert code_of(services.open_vote, other.id) == "another_vote_open"
    services.cancel_vote(vote.id)
    db.session.commit()
    copy = services.rerun_vote(vote.id, reason="设备故障")
    db.session.commit()
    assert copy.rerun_of_id == vote.id and copy.state == "draft" and vote.state == "cancelled"
    assert services.ballots_count(vote) == 1  # the old record stays
    services.open_vote(copy.id)
    services.cast_ballot(copy.id, members[0], {"choice": "no"})
    db.session.commit()
    assert services.ballots_count(copy) == 1


def test_no_electorate_and_bad_rules(ctx, make):
    sitting = make.sitting()
    make.members(3)
    vote = services.create_motion(sitting, title="无人签到")
    db.session.commit()
    assert code_of(services.open_vote, vote.id) == "no_electorate"
    assert code_of(services.create_motion, sitting, title="x", fraction_num=3, fraction_den=2) == "bad_rule"
    assert code_of(services.create_motion, sitting, title=" ") == "title_required"
    assert code_of(services.open_vote, vote.id, present={1}, duration_seconds=2) in ("bad_duration", "no_electorate")


def test_deadline_closes_overdue_vote(ctx, hall):
    sitting, members, _ = hall
    vote = services.create_motion(sitting, title="限时")
    db.session.commit()
    services.open_vote(vote.id, duration_seconds=5)
    db.session.commit()
    vote.deadline_at = vote.opened_at  # the deadline has passed (as if the server had restarted)
    db.session.commit()
    assert code_of(services.cast_ballot, vote.id, members[0], {"choice": "yes"}) == "vote_closed"
    assert services.delegate_state(sitting.id, members[0])["vote"] is None
    db.session.commit()
    assert db.session.get(Vote, vote.id).state == "closed"
