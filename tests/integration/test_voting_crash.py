"""Durability of a live vote: the server (a gunicorn gevent worker on PostgreSQL + Redis) is killed with SIGKILL
while a vote is open. After the restart every phone reconnects by itself with its session cookie, asks for the
state again and finds the vote still open, with "voted" true exactly for the ballots acknowledged before the
kill; the others then vote; every acknowledged ballot is in the database and none is counted twice."""
from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import create_engine, text

from tests.cluster import Cluster, csrf_of, member_session, staff_session, wait_for

pytestmark = pytest.mark.multiprocess

PHONES = 30


class Phone:
    """A delegate's phone: reconnects by itself (keeping its cookie, as a browser does) and re-sends
    "voting:state" on every connect."""

    def __init__(self, url: str, session, sitting_id: int):
        import socketio

        self.sitting_id = sitting_id
        self.cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.get_dict().items())
        self.states: list[dict] = []
        self.connects = 0
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("connect", self._on_connect)
        # a callable: engine.io removes the Cookie header from a dict it is given, which a reconnect would lack
        self.client.connect(url, headers=lambda: {"Cookie": self.cookie}, transports=["websocket"], wait_timeout=10)

    def _on_connect(self):
        self.connects += 1
        number = self.connects
        threading.Thread(target=self._refresh, args=(number,), daemon=True).start()

    def _refresh(self, number: int):
        try:
            state = self.client.call("voting:state", {"sitting_id": self.sitting_id}, timeout=20)
        except Exception as exc:  # noqa: BLE001 — recorded, asserted below
            state = {"error": repr(exc)}
        self.states.append({**state, "connect": number})

    def state_after(self, connects: int) -> dict | None:
        return next((s for s in self.states if s["connect"] > connects and "error" not in s), None)

    def cast(self, vote_id: int) -> dict:
        return self.client.call("voting:cast", {"vote_id": vote_id, "choice": "yes"}, timeout=20)


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path, size=1, members=60).start()
    yield cluster
    cluster.stop()


def _receipt_hash(secret: str, code: str) -> str:
    return hashlib.blake2b("".join(code.upper().split()).encode(), key=secret.encode()[:64], digest_size=32).hexdigest()


def test_kill_9_during_a_vote_phones_reconnect_and_find_it_open(cluster):
    from conference.accounts import tokens

    url = cluster.urls[0]
    key = tokens.derive_key(cluster.env["SECRET_KEY"], 1)
    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        sitting_id = conn.execute(text("SELECT id FROM sitting WHERE body = 'all' ORDER BY starts_at LIMIT 1")).scalar()
        rows = conn.execute(text(
            "SELECT id, credential_version FROM member WHERE kind = '委员' AND active AND id NOT IN "
            "(SELECT member_id FROM leave_request WHERE sitting_id = :s) ORDER BY id LIMIT :n"),
            {"s": sitting_id, "n": PHONES}).all()
    assert len(rows) == PHONES
    station = staff_session(url, "qiandao")
    token = csrf_of(station, f"{url}/checkin/sittings/{sitting_id}/station")
    for r in rows:
        code = tokens.sign(tokens.KIND_CHECKIN, r.id, r.credential_version, key_id=1, key=key)
        resp = station.post(f"{url}/checkin/sittings/{sitting_id}/scan", headers={"X-CSRFToken": token},
                            json={"code": code, "station": "东门1号", "nonce": f"crash-{r.id:06d}"})
        assert resp.status_code == 200, resp.text
    phones = [Phone(url, member_session(url, "/t/" + tokens.sign(tokens.KIND_LOGIN, r.id, r.credential_version,
                                                                  key_id=1, key=key)), sitting_id) for r in rows]

    presider = staff_session(url, "zhuchi")
    token = csrf_of(presider, f"{url}/voting/sittings/{sitting_id}")
    resp = presider.post(f"{url}/voting/sittings/{sitting_id}/motions",
                         data={"m-csrf_token": token, "m-title": "关于断电恢复的决议（草案）", "m-base": "members",
                               "m-fraction": "majority", "m-secret": "y"},
                         headers={"X-CSRFToken": token}, allow_redirects=False)
    assert resp.status_code == 302, resp.text[:800]
    with engine.connect() as conn:
        vote_id = conn.execute(text("SELECT max(id) FROM vote")).scalar()
    resp = presider.post(f"{url}/voting/votes/{vote_id}/open", json={}, headers={"X-CSRFToken": token})
    assert resp.status_code == 200 and resp.json()["ok"], resp.text

    half = PHONES // 2
    acks = [phone.cast(vote_id) for phone in phones[:half]]
    assert all(ack["ok"] for ack in acks), acks

    cluster.kill_worker(0)  # SIGKILL, no shutdown of any kind
    assert wait_for(lambda: not any(p.client.connected for p in phones), timeout=10)
    before = [p.connects for p in phones]
    cluster.start_worker(0)  # same port, as the supervisor would

    assert wait_for(lambda: all(p.state_after(n) for p, n in zip(phones, before)), timeout=30), \
        [p.states[-1:] for p in phones]
    states = [p.state_after(n) for p, n in zip(phones, before)]
    assert all((s.get("vote") or {}).get("id") == vote_id and s["vote"]["state"] == "open" for s in states), states
    assert [s.get("voted") for s in states] == [True] * half + [False] * (PHONES - half)

    late = [phone.cast(vote_id) for phone in phones[half:]]
    assert all(ack["ok"] for ack in late), late
    again = [phone.cast(vote_id) for phone in phones[:3]]
    assert all(ack.get("error") == "already_voted" for ack in again), again

    with engine.connect() as conn:
        ballots = conn.execute(text("SELECT count(*) FROM vote_ballot WHERE vote_id=:v"), {"v": vote_id}).scalar()
        joined = conn.execute(text("SELECT count(*) FROM vote_participation WHERE vote_id=:v"),
                              {"v": vote_id}).scalar()
        hashes = set(conn.execute(text("SELECT receipt_hash FROM vote_ballot WHERE vote_id=:v"),
                                  {"v": vote_id}).scalars())
    assert ballots == joined == PHONES
    secret = cluster.env["SECRET_KEY"]
    assert all(_receipt_hash(secret, ack["receipt"]) in hashes for ack in acks + late)
    for phone in phones:
        phone.client.disconnect()
    engine.dispose()
