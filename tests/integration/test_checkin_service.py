"""Check-in service on SQLite and PostgreSQL: every decision code, idempotent retries, concurrency, attendance."""
import threading
import time
from datetime import timedelta

import pytest

from conference.accounts import services as accounts
from conference.accounts import tokens
from conference.checkin import services
from conference.checkin.models import CheckIn, Method
from conference.errors import DomainError
from conference.extensions import db
from conference.meetings.models import Body
from conference.registration.models import Group, Leave, LeaveStatus
from conference.timeutil import utcnow

STAFF = services.Actor(user_id=None, name="签到员")


def code_of(excinfo):
    return excinfo.value.code


@pytest.fixture
def sitting(make):
    return make.sitting()


def scan(sitting, code, **kw):
    kw.setdefault("station", "东门1号")
    kw.setdefault("actor", STAFF)
    result = services.scan_pass(sitting.id, code, **kw)
    db.session.commit()
    return result


def refused(sitting, code, **kw):
    with pytest.raises(DomainError) as excinfo:
        scan(sitting, code, **kw)
    db.session.rollback()
    return excinfo.value


def test_ok_then_already_checked_in_with_time_and_station(make, sitting):
    sector = make.sector("中国共产党")
    member = make.member("王伟", sector=sector)
    result = scan(sitting, services.pass_code(member))
    assert result["code"] == "ok" and result["member"]["name"] == "王伟" and result["member"]["sector"] == "中国共产党"
    again = refused(sitting, services.pass_code(member), station="西门2号")
    assert again.code == "already_checked_in" and again.status == 409
    assert again.details["station"] == "东门1号" and again.details["time"] == result["time"]
    assert "东门1号" in again.message
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 1


@pytest.mark.parametrize("text,code", [
    ("garbage!!", "malformed"), ("", "malformed"), ("A" * 39, "malformed"), ("x" * 10_000, "malformed")])
def test_bad_input(make, sitting, text, code):
    assert refused(sitting, text).code == code


def test_truncated_forged_unknown_key_wrong_kind(app, make, sitting):
    member = make.member()
    good = services.pass_code(member)
    assert refused(sitting, good[:-4]).code == "malformed"
    forged = good[:-2] + ("AA" if good[-2:] != "AA" else "BB")
    assert refused(sitting, forged).code == "forged"
    other_batch = tokens.sign(tokens.KIND_CHECKIN, member.id, 1, key_id=99, key=tokens.derive_key("x", 99))
    assert refused(sitting, other_batch).code == "unknown_key"
    assert refused(sitting, accounts.login_token(member)).code == "wrong_kind"


def test_unknown_member(make, sitting):
    ghost = accounts.sign_token(tokens.KIND_CHECKIN, 999_999, 1)
    assert refused(sitting, ghost).code == "unknown_member"


def test_revoked_pass_refused_and_override_records_staff(make, sitting):
    member = make.member()
    old = services.pass_code(member)
    accounts.reissue_credentials(member)
    db.session.commit()
    err = refused(sitting, old)
    assert err.code == "revoked" and err.message == "证件已补办，旧证失效"
    assert err.details["member"]["id"] == member.id and err.details["overridable"]
    result = scan(sitting, old, override=True, actor=services.Actor(user_id=None, name="签到员 赵磊"))
    assert result["override"] == "revoked"
    record = db.session.scalar(db.select(CheckIn))
    assert record.staff_name == "签到员 赵磊" and record.override == "revoked"
    assert scan(make.sitting(title="第二次全体会议"), services.pass_code(member))["code"] == "ok"  # new pass works


def test_not_expected_and_on_leave(make):
    group_a, group_b = Group(name="第一组"), Group(name="第二组")
    db.session.add_all([group_a, group_b])
    db.session.commit()
    sitting = make.sitting(body=Body.GROUP, group_id=group_a.id)
    outsider = make.member(group_id=group_b.id)
    insider = make.member(group_id=group_a.id)
    assert refused(sitting, services.pass_code(outsider)).code == "not_expected"
    db.session.add(Leave(sitting_id=sitting.id, member_id=insider.id, reason="出差", status=LeaveStatus.APPROVED,
                         filed_by="x"))
    db.session.commit()
    err = refused(sitting, services.pass_code(insider))
    assert err.code == "on_leave" and err.details["overridable"]
    assert scan(sitting, services.pass_code(insider), override=True)["override"] == "on_leave"


def test_attendee_checks_in_but_never_counts(make, sitting):
    members = make.members(4)
    guest = make.member(kind="列席")
    scan(sitting, services.pass_code(guest))
    scan(sitting, services.pass_code(members[0]))
    att = services.attendance(sitting)
    assert att.figures.nonvoting == 1 and att.figures.present == 1 and att.figures.expected == 4
    assert services.present_member_ids(sitting) == {members[0].id}


def test_nonce_makes_retries_idempotent(make, sitting):
    member = make.member()
    first = scan(sitting, services.pass_code(member), nonce="3f1c2b8e-aaaa-4bbb-8ccc-000000000001")
    retry = scan(sitting, services.pass_code(member), nonce="3f1c2b8e-aaaa-4bbb-8ccc-000000000001")
    assert retry["code"] == "ok" and retry["replayed"] and retry["checkin_id"] == first["checkin_id"]
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 1
    assert refused(sitting, services.pass_code(member), nonce="bad nonce with spaces").code == "bad_nonce"


def test_self_checkin_window_expired_and_wrong_sitting(make, sitting):
    member = make.member()
    other = make.sitting(title="分组讨论")
    now = time.time()
    old_code = services.sitting_code(sitting, at=now - 70)
    with pytest.raises(DomainError) as e:
        services.self_checkin(member, old_code)
    assert code_of(e) == "expired"
    db.session.rollback()
    with pytest.raises(DomainError) as e:
        services.self_checkin(member, services.sitting_code(other), sitting_id=sitting.id)
    assert code_of(e) == "wrong_sitting"
    db.session.rollback()
    with pytest.raises(DomainError) as e:
        services.self_checkin(member, services.pass_code(member))
    assert code_of(e) == "wrong_kind"
    db.session.rollback()
    previous = services.sitting_code(sitting, at=now - 30)
    result = services.self_checkin(member, previous)
    db.session.commit()
    assert result["code"] == "ok" and result["method"] == "self"


def test_manual_checkin_exit_and_return(make, sitting):
    member = make.member()
    with pytest.raises(DomainError) as e:
        services.manual_checkin(sitting.id, member.id, reason=" ", actor=STAFF)
    assert code_of(e) == "reason_required"
    db.session.rollback()
    services.manual_checkin(sitting.id, member.id, reason="忘带参会证", actor=STAFF)
    db.session.commit()
    services.record_exit(sitting.id, member.id, note="身体不适", actor=STAFF)
    db.session.commit()
    att = services.attendance(sitting, with_records=True)
    assert att.figures.left == 1 and att.figures.present == 0 and len(att.exits) == 1
    assert services.present_member_ids(sitting) == set()
    back = scan(sitting, services.pass_code(member))
    assert back["code"] == "returned"
    assert services.present_member_ids(sitting) == {member.id}
    record = db.session.scalar(db.select(CheckIn))
    assert record.method == Method.MANUAL and record.reason == "忘带参会证"


def test_offline_upload_keeps_time_and_reports_conflicts(make, sitting):
    a, b = make.members(2)
    scan(sitting, services.pass_code(a), station="西门")
    t = utcnow() - timedelta(minutes=3)
    results = services.upload_offline(sitting.id, [
        {"code": services.pass_code(b), "nonce": "nonce-0000-0001", "scanned_at": t.isoformat()},
        {"code": services.pass_code(a), "nonce": "nonce-0000-0002", "scanned_at": t.isoformat()},
        {"code": "garbage", "nonce": "nonce-0000-0003", "scanned_at": t.isoformat()},
        {"code": services.pass_code(b), "nonce": "nonce-0000-0001", "scanned_at": t.isoformat()},
    ], station="东门1号", actor=STAFF)
    assert [r["code"] for r in results] == ["ok", "already_checked_in", "malformed", "ok"]
    assert results[1]["station"] == "西门" and results[3]["replayed"]
    record = db.session.scalar(db.select(CheckIn).where(CheckIn.member_id == b.id))
    from conference.timeutil import as_utc
    assert abs((as_utc(record.scanned_at) - t).total_seconds()) < 1
    assert record.method == Method.OFFLINE and record.station == "东门1号"
    future = services.upload_offline(sitting.id, [{"code": services.pass_code(make.member()), "nonce": "nonce-0000-9",
                                                   "scanned_at": (utcnow() + timedelta(days=2)).isoformat()}],
                                     station="东门1号", actor=STAFF)
    assert future[0]["code"] == "ok" and future[0]["time_adjusted"]


def test_parallel_duplicate_scans_leave_one_checkin(app, make, sitting):
    member = make.member()
    code, sitting_id = services.pass_code(member), sitting.id
    outcomes, errors = [], []

    def worker():
        with app.app_context():
            for _ in range(10):
                try:
                    services.scan_pass(sitting_id, code, station="东门", actor=STAFF)
                    db.session.commit()
                    outcomes.append("ok")
                except DomainError as exc:
                    db.session.rollback()
                    outcomes.append(exc.code)
                except Exception as exc:  # noqa: BLE001 - the test reports any crash
                    db.session.rollback()
                    errors.append(repr(exc))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert outcomes.count("ok") == 1 and outcomes.count("already_checked_in") == 499
    db.session.rollback()  # end this session's read snapshot
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 1


def test_board_payload_missing_in_stroke_order(make, sitting):
    s1, s2 = make.sector("中国共产党", 1), make.sector("中国国民党革命委员会", 2)
    names = ["王伟", "丁一", "田富", "田大利", "文静"]
    members = [make.member(n, sector=s1 if i % 2 else s2) for i, n in enumerate(names)]
    scan(sitting, services.pass_code(members[0]))
    payload = services.board_payload(sitting)
    assert payload["figures"]["present"] == 1 and payload["figures"]["expected"] == 5
    assert payload["missing"] == ["丁一", "文静", "田富", "田大利"]
    assert [r["sector"] for r in payload["sectors"]] == ["中国共产党", "中国国民党革命委员会"]
    assert payload["figures"]["still_needed"] == 2
