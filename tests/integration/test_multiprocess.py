"""Production shape: two gunicorn gevent workers (separate processes and ports) on one PostgreSQL database and
one Redis. A check-in, an agenda change, a vote's turnout and its result reach Socket.IO clients on both
processes; ballots sent to both are counted once; a killed worker's clients reconnect to the other one and
find the current state."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.cluster import Cluster, csrf_of, delegates, member_session, socket_client, staff_session, wait_for

pytestmark = pytest.mark.multiprocess


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("cluster"), size=2, members=40).start()
    yield cluster
    cluster.stop()


def _db(cluster):
    return create_engine(cluster.database_url)


def _events(client, name):
    return [data for event, data in client.received if event == name]


def test_two_workers_share_one_sitting(cluster):
    a, b = cluster.urls
    sitting_id, people = delegates(cluster, 6)

    # --- a check-in on worker A reaches attendance boards on A and on B
    boards = []
    for url in (a, b):
        board = socket_client(url, staff_session(url, "mishu"))
        assert board.call("sitting:join", {"sitting_id": sitting_id}, timeout=10)["ok"]
        boards.append(board)
    station = staff_session(a, "qiandao")
    token = csrf_of(station, f"{a}/checkin/sittings/{sitting_id}/station")
    for person in people:
        r = station.post(f"{a}/checkin/sittings/{sitting_id}/scan", json={"code": person["pass"], "station": "东门1号",
                         "nonce": f"cluster-{person['id']:06d}"}, headers={"X-CSRFToken": token})
        assert r.status_code == 200, r.text
    for board in boards:
        assert wait_for(lambda: any(p["figures"]["present"] >= len(people) for p in _events(board, "checkin:board")),
                        timeout=10), board.received

    # --- delegates on both workers; the presider on B moves the agenda, delegates on A and B follow
    phones = []
    for i, person in enumerate(people[:4]):
        url = (a, b)[i % 2]
        phone = socket_client(url, member_session(url, person["login"]))
        phone.call("voting:state", {"sitting_id": sitting_id}, timeout=10)
        phone.call("agenda:state", {"sitting_id": sitting_id}, timeout=10)
        phones.append(phone)
    presider_b = socket_client(b, staff_session(b, "zhuchi"))
    presider_b.call("voting:state", {"sitting_id": sitting_id}, timeout=10)
    ack = presider_b.call("agenda:move", {"sitting_id": sitting_id, "step": 1}, timeout=10)
    assert ack["ok"], ack
    for phone in phones:
        assert wait_for(lambda: _events(phone, "agenda:current"), timeout=10), phone.received

    # --- a vote created and opened on B; ballots on both workers; turnout on both; one ballot per delegate
    presider = staff_session(b, "zhuchi")
    token = csrf_of(presider, f"{b}/voting/sittings/{sitting_id}")
    r = presider.post(f"{b}/voting/sittings/{sitting_id}/motions",
                      data={"m-csrf_token": token, "m-title": "关于多进程部署的决议（草案）", "m-base": "members",
                            "m-fraction": "majority"}, headers={"X-CSRFToken": token}, allow_redirects=False)
    assert r.status_code == 302, r.text[:800]
    engine = _db(cluster)
    with engine.connect() as conn:
        vote_id = conn.execute(text("SELECT max(id) FROM vote")).scalar()
    r = presider.post(f"{b}/voting/votes/{vote_id}/open", json={}, headers={"X-CSRFToken": token})
    assert r.status_code == 200 and r.json()["ok"], r.text
    presider_a = socket_client(a, staff_session(a, "zhuchi"))
    presider_a.call("voting:state", {"sitting_id": sitting_id}, timeout=10)
    for phone in phones:
        assert wait_for(lambda: _events(phone, "voting:open"), timeout=10), \
            phone.received
    acks = [phone.call("voting:cast", {"vote_id": vote_id, "choice": "yes"}, timeout=10) for phone in phones]
    assert all(ack["ok"] for ack in acks), acks
    # the same delegate again, on the other worker: refused by the database, counted once
    again = socket_client(b if phones[0].connection_url.startswith(a) else a,
                          member_session(a, people[0]["login"]))
    dup = again.call("voting:cast", {"vote_id": vote_id, "choice": "no"}, timeout=10)
    assert dup["ok"] is False and dup["error"] == "already_voted"
    for presider_client in (presider_a, presider_b):
        assert wait_for(lambda: any(t.get("voted") == len(phones) for t in _events(presider_client, "voting:turnout")),
                        timeout=10), presider_client.received
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM vote_participation WHERE vote_id=:v"), {"v": vote_id}).scalar() \
            == len(phones)

    # --- worker A dies mid-vote: its clients reconnect (to B, as the proxy would send them) and find the state
    cluster.kill_worker(0)
    survivor = socket_client(b, member_session(b, people[0]["login"]))
    state = survivor.call("voting:state", {"sitting_id": sitting_id}, timeout=10)
    assert (state.get("vote") or {}).get("id") == vote_id and state.get("voted") is True, state
    assert requests_ok(f"{b}/readyz")

    # --- close and publish on B: the result reaches the delegates still connected to B
    for step in ("close", "publish"):
        r = presider.post(f"{b}/voting/votes/{vote_id}/{step}", json={}, headers={"X-CSRFToken": token})
        assert r.status_code == 200 and r.json()["ok"], r.text
    live = [p for p in phones + [survivor] if p.connected and p.connection_url.startswith(b)]
    assert live
    for phone in live:
        assert wait_for(lambda: _events(phone, "voting:result"), timeout=10), phone.received
    engine.dispose()


def requests_ok(url: str) -> bool:
    import requests

    return requests.get(url, timeout=5).status_code == 200
