"""HTTP + Socket.IO: the presider opens a vote, delegates receive it and vote over the socket (acks with
receipts), turnout reaches the presider coalesced, the presider closes and publishes, the result is pushed."""
from __future__ import annotations

import pytest

from conference.checkin.models import CheckIn, Method
from conference.extensions import db
from conference.realtime import throttle
from conference.timeutil import utcnow
from conference.voting.models import Ballot, Vote


def events(sc, name):
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


@pytest.fixture
def sitting_with_delegates(make):
    sitting = make.sitting()
    members = make.members(4, kind="委员")
    attendee = make.member(kind="列席")
    for m in members[:3] + [attendee]:
        db.session.add(CheckIn(sitting_id=sitting.id, member_id=m.id, scanned_at=utcnow(), method=Method.MANUAL))
    db.session.commit()
    return sitting, members, attendee


def test_socket_flow_open_vote_turnout_close_publish(app, make, login_as, socket_client, sitting_with_delegates):
    sitting, members, attendee = sitting_with_delegates
    presider = app.test_client()
    login_as(presider, "presider")
    ps = socket_client(presider)
    assert ps.emit("voting:state", {"sitting_id": sitting.id}, callback=True)["vote"] is None

    phones = []
    for m in members[:3] + [attendee]:
        c = app.test_client()
        login_as(c, m)
        sc = socket_client(c)
        assert sc.emit("voting:state", {"sitting_id": sitting.id}, callback=True)["ok"]
        phones.append((m, c, sc))

    r = presider.post(f"/voting/sittings/{sitting.id}/motions",
                      data={"m-title": "关于通过政治决议的表决", "m-base": "members", "m-fraction": "majority"})
    assert r.status_code == 302
    vote = db.session.scalar(db.select(Vote))
    r = presider.post(f"/voting/votes/{vote.id}/open", json={"duration": None}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json["ok"], r.json
    for _, _, sc in phones:
        opened = events(sc, "voting:open")
        assert [o["title"] for o in opened] == ["关于通过政治决议的表决"]

    acks = []
    for (m, _, sc), choice in zip(phones[:3], ["yes", "yes", "no"]):
        ack = sc.emit("voting:cast", {"vote_id": vote.id, "choice": choice}, callback=True)
        assert ack["ok"] and ack["receipt"].startswith(f"V{vote.id}-"), ack
        acks.append(ack)
    # bad input over the socket: refused with a code
    assert phones[0][2].emit("voting:cast", {"vote_id": vote.id, "choice": "yes"}, callback=True)["error"] == "already_voted"
    assert phones[3][2].emit("voting:cast", {"vote_id": vote.id, "choice": "yes"}, callback=True)["error"] == "not_in_electorate"
    assert ps.emit("voting:cast", {"vote_id": vote.id, "choice": "yes"}, callback=True)["error"] == "forbidden"
    assert phones[1][2].emit("voting:cast", "garbage", callback=True)["error"] == "not_found"

    # turnout: coalesced, one broadcast for three ballots
    ps.get_received()
    assert throttle.flush() == 1
    turnout = events(ps, "voting:turnout")
    assert turnout == [{"vote_id": vote.id, "voted": 3, "electorate": 3, "expected": 4}]
    assert events(phones[0][2], "voting:turnout") == []  # delegates do not get the staff figures

    # a phone that slept reconnects and learns it already voted
    m0, c0, sc0 = phones[0]
    sc0.disconnect()
    again = socket_client(c0)
    state = again.emit("voting:state", {"sitting_id": sitting.id}, callback=True)
    assert state["vote"]["id"] == vote.id and state["voted"] is True and state["in_electorate"] is True

    r = presider.post(f"/voting/votes/{vote.id}/close", headers={"Accept": "application/json"})
    assert r.json["ok"]
    assert events(phones[1][2], "voting:closed")[0]["state"] == "closed"
    r = presider.post(f"/voting/votes/{vote.id}/publish", headers={"Accept": "application/json"})
    assert r.json["ok"]
    for sc in (again, phones[1][2], phones[2][2], phones[3][2]):
        result = events(sc, "voting:result")
        assert len(result) == 1
        res = result[0]["result"]
        # 2 of 4 members (exactly half of all members) is not more than half
        assert (res["yes"], res["no"], res["not_pressed"], res["threshold"]) == (2, 1, 0, 3)
        assert result[0]["verdict"] == "未通过"
    # a late ballot is refused
    assert phones[2][2].emit("voting:cast", {"vote_id": vote.id, "choice": "yes"}, callback=True)["error"] == "vote_closed"
    # the receipt check shows the choice to the holder of the code
    page = c0.post("/voting/receipt", data={"code": acks[2]["receipt"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已计入" in text and "反对" in text
    assert c0.post("/voting/receipt", data={"code": "V1-AAAAA-BBBBB-CCCCC-DDDDD"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 3


def test_http_fallback_pages_and_roles(app, make, login_as, socket_client, sitting_with_delegates):
    sitting, members, _ = sitting_with_delegates
    presider = app.test_client()
    login_as(presider, "presider")
    cands = "\n".join(m.member_no for m in members[:3])
    r = presider.post(f"/voting/sittings/{sitting.id}/elections",
                      data={"e-title": "选举秘书长", "e-candidates": cands, "e-seats": "1", "e-mode": "per_candidate",
                            "e-base": "members", "e-fraction": "majority", "e-write_ins": "y", "e-secret": "y"})
    assert r.status_code == 302
    vote = db.session.scalar(db.select(Vote))
    assert len(vote.candidates) == 3 and vote.secret
    refused = presider.post(f"/voting/votes/{vote.id}/open", data={"duration": "2"})  # < 5 s: refused
    assert refused.status_code == 400 and "倒计时" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).state == "draft"
    presider.post(f"/voting/votes/{vote.id}/open", data={"duration": ""})

    phone = app.test_client()
    login_as(phone, members[0])
    assert "表决" in phone.get("/me/").get_data(as_text=True) and "选举秘书长" in phone.get("/me/").get_data(as_text=True)
    assert phone.get(f"/voting/sittings/{sitting.id}/vote").status_code == 200
    state = phone.get(f"/voting/sittings/{sitting.id}/state").json
    assert state["vote"]["candidates"][0]["name"] and state["voted"] is False
    a, b, c = (x["id"] for x in state["vote"]["candidates"])
    too_many = phone.post(f"/voting/votes/{vote.id}/ballot", json={"marks": {a: "yes", b: "yes"}})
    assert too_many.status_code == 400 and too_many.json["error"] == "too_many_marks"
    outsider = phone.post(f"/voting/votes/{vote.id}/ballot",
                          json={"marks": {a: "no"}, "write_ins": {a: "NOBODY"}})
    assert outsider.json["error"] == "write_in_not_member"
    ok = phone.post(f"/voting/votes/{vote.id}/ballot",
                    json={"marks": {a: "no", b: "abstain"}, "write_ins": {a: members[3].member_no}})
    assert ok.status_code == 200 and ok.json["ok"] and "另选" in ok.json["summary"]
    assert phone.post(f"/voting/votes/{vote.id}/ballot", json={"marks": {a: "yes"}}).status_code == 409

    # roles: a delegate cannot reach the console, the screen or the actions; staff cannot cast over HTTP
    assert phone.get(f"/voting/sittings/{sitting.id}").status_code == 403
    assert phone.post(f"/voting/votes/{vote.id}/close").status_code == 403
    assert presider.post(f"/voting/votes/{vote.id}/ballot", json={"marks": {}}).status_code == 403
    screen = app.test_client()
    login_as(screen, "screen")
    assert screen.get(f"/voting/sittings/{sitting.id}/screen").status_code == 200
    assert screen.get(f"/voting/sittings/{sitting.id}").status_code == 403
    page = presider.get(f"/voting/sittings/{sitting.id}")
    assert page.status_code == 200 and "投票中：选举秘书长" in page.get_data(as_text=True)
    assert presider.get("/voting/").status_code == 200

    presider.post(f"/voting/votes/{vote.id}/close")
    presider.post(f"/voting/votes/{vote.id}/publish")
    detail = presider.get(f"/voting/votes/{vote.id}").get_data(as_text=True)
    assert "发出选票 3" in detail and "收回 1" in detail
    pdf = presider.get(f"/voting/votes/{vote.id}/result.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = presider.get(f"/voting/votes/{vote.id}/result.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert "选举秘书长" in presider.get(f"/voting/votes/{vote.id}/result.csv").get_data(as_text=True)


def test_forged_session_cannot_connect(app, socket_client):
    client = app.test_client()
    client.set_cookie("session", "forged.cookie.value", domain="localhost")
    sc = socket_client(client)
    assert not sc.is_connected()
