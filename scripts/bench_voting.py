"""Load test of live voting: N delegates on Socket.IO against real server processes (gevent), with a baseline.

    .venv/bin/python scripts/bench_voting.py                      # 3,000 delegates, SQLite, one process + baseline
    .venv/bin/python scripts/bench_voting.py --db postgresql      # same on PostgreSQL (a throwaway database)
    .venv/bin/python scripts/bench_voting.py --workers 2          # two processes behind the Redis message queue
    .venv/bin/python scripts/bench_voting.py --crash --clients 500  # kill -9 the server while ballots stream in:
        # after the restart every client reconnects by itself, re-sends voting:state, must see the vote open with
        # "voted" matching its ack, then votes; every acked receipt in the database, ballots = participations = N
Run it under the machine's benchmark lock: flock /tmp/bench.lock .venv/bin/python scripts/bench_voting.py ...

Every delegate is a real member who logs in over HTTP with the login link of their pass (/t/<token>) and
passes the session cookie to its Socket.IO client. The presider logs in with a password and opens, closes and
publishes over HTTP like the console does. The baseline is a minimal Flask-SocketIO gevent server that only
inserts one ballot row (unique per voter) and acks; our time-to-all-acked should be within 1.3x of it.
Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECRET = "bench-voting-secret"
PASSWORD = "bench-pass-2026"


def raise_fd_limit(n: int = 65535) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(n, hard) if hard != resource.RLIM_INFINITY else n
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def wait_port(port: int, proc, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


# ---- data -------------------------------------------------------------------------------------------------

def prepare(db_url: str, clients: int) -> dict:
    """Members, a sitting, check-ins, a presider account and a draft motion; returns login tokens."""
    from config import DevelopmentConfig
    from conference import create_app

    class Cfg(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = db_url
        SECRET_KEY = SECRET
        SOCKETIO_ASYNC_MODE = "threading"
        SOCKETIO_MESSAGE_QUEUE = None

    app = create_app(Cfg)
    from datetime import date, timedelta

    from conference.accounts.models import User
    from conference.accounts.services import login_token
    from conference.checkin.models import CheckIn, Method
    from conference.extensions import db
    from conference.meetings.models import Meeting, Sitting
    from conference.registration.models import Member
    from conference.timeutil import utcnow
    from conference.voting.models import Vote

    with app.app_context():
        db.create_all()
        user = User(username="presider", display_name="主持人", role="presider")
        user.set_password(PASSWORD)
        meeting = Meeting(title="压力测试会议", venue="会场", starts_on=date.today(), ends_on=date.today() + timedelta(1))
        sitting = Sitting(meeting=meeting, title="全体会议", starts_at=utcnow(), place="主会场")
        db.session.add_all([user, meeting, sitting])
        members = [Member(member_no=f"B{i:05d}", name=f"委员{i}") for i in range(clients)]
        db.session.add_all(members)
        db.session.flush()
        db.session.add_all([CheckIn(sitting_id=sitting.id, member_id=m.id, scanned_at=utcnow(), method=Method.MANUAL)
                            for m in members])
        vote = Vote(sitting_id=sitting.id, title="压力测试表决", secret=True, created_by="bench")
        db.session.add(vote)
        db.session.commit()
        out = {"sitting_id": sitting.id, "vote_id": vote.id, "tokens": [login_token(m) for m in members]}
        db.session.remove()
        db.engine.dispose()
    return out


def db_count(db_url: str, sql: str, **params) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def receipt_hashes(db_url: str, vote_id: int) -> set[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = {r[0] for r in conn.execute(text("SELECT receipt_hash FROM vote_ballot WHERE vote_id=:v"), {"v": vote_id})}
    engine.dispose()
    return rows


def hash_receipt(code: str) -> str:
    import hashlib

    return hashlib.blake2b("".join(code.upper().split()).encode(), key=SECRET.encode()[:64], digest_size=32).hexdigest()


# ---- servers ---------------------------------------------------------------------------------------------

def start_server(db_url: str, port: int, log: Path, queue: str | None = None):
    env = {**os.environ, "CONFERENCE_ENV": "development", "DATABASE_URL": db_url, "SECRET_KEY": SECRET,
           "RATELIMIT_ENABLED": "0", "SOCKETIO_ASYNC_MODE": "gevent", "LOG_LEVEL": "WARNING",
           "CONFERENCE_INSTANCE": str(log.parent)}
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    env.pop("REDIS_URL", None)
    if queue:
        env["SOCKETIO_MESSAGE_QUEUE"] = queue
    proc = subprocess.Popen([sys.executable, "-m", "conference.serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)
    wait_port(port, proc)
    return proc


BASELINE_SERVER = r'''
from gevent import monkey; monkey.patch_all()
import sys, sqlite3, secrets
from flask import Flask
from flask_socketio import SocketIO
from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool
url, port = sys.argv[1], int(sys.argv[2])
kw = {}
if url.startswith("sqlite"):
    kw = dict(poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60, connect_args={"check_same_thread": False, "timeout": 15})
    from sqlalchemy import event
    engine = create_engine(url, **kw)
    @event.listens_for(engine, "connect")
    def _p(c, r):
        c.isolation_level = None
        c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA busy_timeout=15000"); c.execute("PRAGMA synchronous=NORMAL")
    @event.listens_for(engine, "begin")
    def _b(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
else:
    engine = create_engine(url, pool_size=10, max_overflow=20)
with engine.begin() as c:
    c.execute(text("CREATE TABLE IF NOT EXISTS base_ballot (id VARCHAR(32) PRIMARY KEY, voter INTEGER UNIQUE, choice VARCHAR(10))"))
app = Flask(__name__)
sio = SocketIO(app, async_mode="gevent")
@sio.on("cast")
def cast(data):
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO base_ballot (id, voter, choice) VALUES (:i, :v, :c)"),
                      {"i": secrets.token_hex(16), "v": int(data["voter"]), "c": data["choice"]})
        return {"ok": True, "receipt": secrets.token_hex(10)}
    except Exception:
        return {"ok": False, "error": "already_voted"}
@sio.on("go")
def go(data):
    sio.emit("go", {})
    return {"ok": True}
sio.run(app, host="127.0.0.1", port=port, log_output=False, allow_unsafe_werkzeug=True)
'''


# ---- clients ---------------------------------------------------------------------------------------------

async def login_all(base_urls: list[str], tokens: list[str]) -> list[tuple[str, str]]:
    """(server url, cookie header) per delegate: the real login link of the pass."""
    import aiohttp

    out: list = [None] * len(tokens)
    sem = asyncio.Semaphore(50)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        async def one(i, token):
            url = base_urls[i % len(base_urls)]
            async with sem:
                async with http.get(f"{url}/t/{token}", allow_redirects=False) as r:
                    assert r.status == 302, r.status
                    cookie = "; ".join(f"{k}={v.value}" for k, v in r.cookies.items())
            out[i] = (url, cookie)
        await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
    return out


async def presider_login(base_url: str):
    import aiohttp

    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies for 127.0.0.1
    async with http.get(f"{base_url}/login") as r:
        page = await r.text()
    csrf = re.search(r'name="staff-csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'id="staff-csrf_token"[^>]*value="([^"]+)"', page)
    data = {"staff-username": "presider", "staff-password": PASSWORD, "staff-submit": "登录"}
    if csrf:
        data["staff-csrf_token"] = csrf.group(1)
    async with http.post(f"{base_url}/login", data=data, allow_redirects=False) as r:
        assert r.status == 302, await r.text()
    return http


async def presider_action(http, base_url: str, sitting_id: int, path: str, body=None) -> dict:
    async with http.get(f"{base_url}/voting/sittings/{sitting_id}") as r:
        token = re.search(r'name="csrf-token" content="([^"]+)"', await r.text()).group(1)
    async with http.post(f"{base_url}{path}", json=body or {},
                         headers={"X-CSRFToken": token, "Accept": "application/json"}) as r:
        return await r.json()


class Delegate:
    def __init__(self, idx: int, url: str, cookie: str, sitting_id: int):
        import socketio

        self.idx, self.url, self.cookie, self.sitting_id = idx, url, cookie, sitting_id
        self.sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        self.open_at = self.sent_at = self.acked_at = self.result_at = self.closed_at = None
        self.ack = None
        self.receipt = None
        self.state_after_reconnect = None
        self.reconnected_at = None
        self.state_error = None
        self.cast_before_kill = False  # set by the crash run: a ballot was sent before the kill
        self.connects = 0
        self.vote = None
        self.sio.on("connect", self._on_connect)
        self.sio.on("voting:open", self._on_open)
        self.sio.on("voting:result", self._on_result)
        self.sio.on("voting:closed", self._on_closed)
        self.cast_when_open = True
        self.voted_event = asyncio.Event()

    async def _on_connect(self):
        self.connects += 1
        try:
            state = await self.sio.call("voting:state", {"sitting_id": self.sitting_id}, timeout=60)
        except Exception as exc:  # noqa: BLE001
            self.state_error = repr(exc)
            return
        if self.connects > 1:
            self.state_after_reconnect = state
            self.reconnected_at = time.perf_counter()
            if state.get("vote") and not state.get("voted") and not (self.ack and self.ack.get("ok")):
                asyncio.get_event_loop().create_task(self.cast(state["vote"]))

    async def _on_open(self, vote):
        self.open_at = time.perf_counter()
        self.vote = vote
        if self.cast_when_open:
            await self.cast(vote)

    async def cast(self, vote, choice=None):
        choice = choice or ("yes", "no", "abstain")[self.idx % 3]
        self.sent_at = time.perf_counter()
        try:
            ack = await self.sio.call("voting:cast", {"vote_id": vote["id"], "choice": choice}, timeout=60)
        except Exception as exc:  # disconnected mid-call: retried on reconnect
            self.ack_error = repr(exc)
            return
        self.acked_at = time.perf_counter()
        self.ack = ack
        if ack.get("ok"):
            self.receipt = ack["receipt"]
        self.voted_event.set()

    async def _on_result(self, payload):
        self.result_at = time.perf_counter()

    async def _on_closed(self, payload):
        self.closed_at = time.perf_counter()

    async def connect(self):
        # Headers as a callable: engine.io's client deletes the Cookie header from the dict it is given (it moves
        # it into an aiohttp cookie jar that is closed on disconnect), so a plain dict would reconnect without the
        # session cookie and be refused. A phone's browser keeps its cookie; so does this.
        await self.sio.connect(self.url, headers=lambda: {"Cookie": self.cookie}, transports=["websocket"],
                               wait_timeout=60)


class Presider:
    def __init__(self, url, cookie_jar_session, sitting_id):
        import socketio

        self.url, self.sitting_id = url, sitting_id
        self.http = cookie_jar_session
        self.sio = socketio.AsyncClient()
        self.turnouts: list[tuple[float, int]] = []
        self.sio.on("voting:turnout", self._on_turnout)

    async def _on_turnout(self, t):
        self.turnouts.append((time.perf_counter(), t["voted"]))

    async def connect(self):
        cookie = "; ".join(f"{c.key}={c.value}" for c in self.http.cookie_jar)
        await self.sio.connect(self.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30)
        await self.sio.call("voting:state", {"sitting_id": self.sitting_id}, timeout=30)


async def connect_all(delegates, batch=200):
    t0 = time.perf_counter()
    for i in range(0, len(delegates), batch):
        await asyncio.gather(*(d.connect() for d in delegates[i:i + batch]))
    return time.perf_counter() - t0


async def wait_for(predicate, timeout):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


# ---- runs ------------------------------------------------------------------------------------------------

async def run_ours(args, db_url: str, data: dict, urls: list[str], procs: list) -> dict:
    sitting_id, vote_id = data["sitting_id"], data["vote_id"]
    t = time.perf_counter()
    logins = await login_all(urls, data["tokens"])
    login_s = time.perf_counter() - t
    delegates = [Delegate(i, url, cookie, sitting_id) for i, (url, cookie) in enumerate(logins)]
    connect_s = await connect_all(delegates)
    http = await presider_login(urls[0])
    presider = Presider(urls[0], http, sitting_id)
    await presider.connect()
    n = len(delegates)

    t_open = time.perf_counter()
    opened = await presider_action(http, urls[0], sitting_id, f"/voting/votes/{vote_id}/open")
    assert opened.get("ok"), opened
    await wait_for(lambda: all(d.ack is not None for d in delegates), args.timeout)
    acked = [d for d in delegates if d.ack is not None and d.ack.get("ok")]
    all_acked_s = max(d.acked_at for d in acked) - t_open if acked else float("nan")
    # the ballots alone, without opening the vote (freezing the electorate, pushing the vote to every phone)
    cast_phase_s = max(d.acked_at for d in acked) - min(d.sent_at for d in acked) if acked else float("nan")
    latencies = [(d.acked_at - d.sent_at) * 1000 for d in acked]
    open_delivery = [(d.open_at - t_open) * 1000 for d in delegates if d.open_at]

    # duplicates: a tenth of the delegates send a second ballot
    dup = [d for d in delegates if d.sio.connected][: max(1, n // 10)]

    async def second(d):
        try:
            return await d.sio.call("voting:cast", {"vote_id": vote_id, "choice": "yes"}, timeout=60)
        except Exception as exc:  # noqa: BLE001
            return {"error": repr(exc)}
    dup_acks = await asyncio.gather(*(second(d) for d in dup))
    duplicates_rejected = sum(1 for a in dup_acks if a.get("error") == "already_voted")
    await asyncio.sleep(1.2)  # the last coalesced turnout
    t_close = time.perf_counter()
    closed = await presider_action(http, urls[0], sitting_id, f"/voting/votes/{vote_id}/close")
    assert closed.get("ok"), closed
    await wait_for(lambda: all(d.closed_at for d in delegates), 30)
    t_pub = time.perf_counter()
    published = await presider_action(http, urls[0], sitting_id, f"/voting/votes/{vote_id}/publish")
    assert published.get("ok"), published
    await wait_for(lambda: all(d.result_at for d in delegates), 30)
    result_delivery = [(d.result_at - t_pub) * 1000 for d in delegates if d.result_at]
    close_delivery = [(d.closed_at - t_close) * 1000 for d in delegates if d.closed_at]
    turnouts = presider.turnouts
    span = (turnouts[-1][0] - turnouts[0][0]) if len(turnouts) > 1 else 0
    in_db = db_count(db_url, "SELECT COUNT(*) FROM vote_ballot WHERE vote_id=:v", v=vote_id)
    rss = [rss_mb(p.pid) for p in procs]
    by_server = {}
    for d in delegates:
        by_server.setdefault(d.url, [0, 0, 0])
        by_server[d.url][0] += 1
        by_server[d.url][1] += bool(d.open_at)
        by_server[d.url][2] += bool(d.result_at)
    reconnects = sum(max(0, d.connects - 1) for d in delegates)
    for d in delegates:
        await d.sio.disconnect()
    await presider.sio.disconnect()
    await http.close()
    return {"reconnects": reconnects, "clients": n, "login_s": login_s, "connect_s": connect_s, "acked": len(acked), "all_acked_s": all_acked_s,
            "cast_phase_s": cast_phase_s,
            "lat": latencies, "open_delivery": open_delivery, "in_db": in_db,
            "duplicates_sent": len(dup), "duplicates_rejected": duplicates_rejected,
            "result_delivery": result_delivery, "close_delivery": close_delivery,
            "turnout_updates": len(turnouts), "turnout_span": span,
            "turnout_last": turnouts[-1][1] if turnouts else None, "rss": rss, "by_server": by_server,
            "result": published.get("vote", {}).get("result", {}).get("result")}


async def run_baseline(args, db_url: str, port: int, n: int) -> dict:
    import socketio

    url = f"http://127.0.0.1:{port}"
    clients = [socketio.AsyncClient() for _ in range(n)]
    sent, acked = [None] * n, [None] * n
    go_at = {}

    def handler(i):
        async def on_go(_):
            sent[i] = time.perf_counter()
            ack = await clients[i].call("cast", {"voter": i, "choice": "yes"}, timeout=60)
            if ack.get("ok"):
                acked[i] = time.perf_counter()
        return on_go

    for i, c in enumerate(clients):
        c.on("go", handler(i))
    t = time.perf_counter()
    for i in range(0, n, 200):
        await asyncio.gather(*(c.connect(url, transports=["websocket"], wait_timeout=60) for c in clients[i:i + 200]))
    connect_s = time.perf_counter() - t
    trigger = socketio.AsyncClient()
    await trigger.connect(url, transports=["websocket"])
    go_at["t"] = time.perf_counter()
    await trigger.call("go", {})
    await wait_for(lambda: all(a is not None for a in acked), args.timeout)
    done = [a for a in acked if a is not None]
    lat = [(a - s) * 1000 for a, s in zip(acked, sent) if a is not None]
    for c in clients + [trigger]:
        await c.disconnect()
    sent_ok = [s for s in sent if s is not None]
    return {"connect_s": connect_s, "acked": len(done), "all_acked_s": max(done) - go_at["t"] if done else float("nan"),
            "cast_phase_s": max(done) - min(sent_ok) if done and sent_ok else float("nan"),
            "lat": lat}


async def run_crash(args, db_url: str, data: dict, port: int, log: Path) -> dict:
    """Ballots stream in (paced); the server is killed with SIGKILL midway and restarted on the same port.

    Shown afterwards: every client reconnected by itself (with its session cookie), sent "voting:state" and got
    the vote still open, with "voted" true for every ballot acknowledged before the kill and false for every
    client that had not sent one; the clients that had not voted then voted; every acknowledged receipt is in
    the database, and ballots = participations = clients (nothing counted twice)."""
    sitting_id, vote_id = data["sitting_id"], data["vote_id"]
    url = f"http://127.0.0.1:{port}"
    proc = start_server(db_url, port, log)
    logins = await login_all([url], data["tokens"])
    delegates = [Delegate(i, u, c, sitting_id) for i, (u, c) in enumerate(logins)]
    for d in delegates:
        d.cast_when_open = False
    await connect_all(delegates)
    http = await presider_login(url)
    opened = await presider_action(http, url, sitting_id, f"/voting/votes/{vote_id}/open")
    assert opened.get("ok"), opened
    await wait_for(lambda: all(d.vote for d in delegates), 30)

    async def stream():
        for d in delegates:
            d.cast_before_kill = True
            asyncio.get_event_loop().create_task(d.cast(d.vote))
            await asyncio.sleep(args.crash_pace)
    streamer = asyncio.get_event_loop().create_task(stream())
    await asyncio.sleep(len(delegates) * args.crash_pace / 2)
    os.kill(proc.pid, signal.SIGKILL)
    streamer.cancel()  # the phones that had not voted yet vote after they reconnect
    proc.wait()
    killed_at = time.perf_counter()
    acked_at_kill = {d.idx: d.receipt for d in delegates if d.ack and d.ack.get("ok")}
    sent_at_kill = {d.idx for d in delegates if d.cast_before_kill}
    in_flight = sent_at_kill - set(acked_at_kill)
    await asyncio.sleep(1.0)
    proc = start_server(db_url, port, log)
    restarted_at = time.perf_counter()
    await wait_for(lambda: all(d.reconnected_at for d in delegates), args.timeout)
    reconnected = [d for d in delegates if d.reconnected_at]
    errors = [d.state_error for d in delegates if d.state_error]
    if errors:
        print(f"  voting:state failed on {len(errors)} clients, e.g. {errors[0]}", flush=True)
    all_reconnected_s = (max(d.reconnected_at for d in reconnected) - restarted_at) if reconnected else float("nan")
    await wait_for(lambda: all((d.ack and d.ack.get("ok")) or (d.state_after_reconnect or {}).get("voted")
                               for d in delegates), args.timeout)
    await asyncio.sleep(0.5)

    def state_of(d):
        return d.state_after_reconnect or {}
    saw_open = [d for d in reconnected if (state_of(d).get("vote") or {}).get("id") == vote_id
                and state_of(d)["vote"].get("state") == "open"]
    voted_flag_wrong = [d.idx for d in reconnected
                        if (d.idx in acked_at_kill and not state_of(d).get("voted"))
                        or (d.idx not in sent_at_kill and state_of(d).get("voted"))]
    in_flight_voted = sum(1 for d in reconnected if d.idx in in_flight and state_of(d).get("voted"))
    in_db_hashes = receipt_hashes(db_url, vote_id)
    lost = [r for r in acked_at_kill.values() if hash_receipt(r) not in in_db_hashes]
    receipts_now = [d.receipt for d in delegates if d.receipt]
    lost_after = [r for r in receipts_now if hash_receipt(r) not in in_db_hashes]
    voted_after_restart = sum(1 for d in delegates if d.idx not in acked_at_kill and d.ack and d.ack.get("ok"))
    in_db = db_count(db_url, "SELECT COUNT(*) FROM vote_ballot WHERE vote_id=:v", v=vote_id)
    participations = db_count(db_url, "SELECT COUNT(*) FROM vote_participation WHERE vote_id=:v", v=vote_id)
    for d in delegates:
        await d.sio.disconnect()
    await http.close()
    proc.terminate()
    proc.wait(10)
    return {"clients": len(delegates), "acked_before_kill": len(acked_at_kill),
            "sent_but_unacked_at_kill": len(in_flight), "not_sent_at_kill": len(delegates) - len(sent_at_kill),
            "acked_ballots_lost": len(lost), "reconnected": len(reconnected),
            "all_reconnected_after_restart_s": all_reconnected_s,
            "saw_vote_open_after_reconnect": len(saw_open), "voted_flag_mismatches": len(voted_flag_wrong),
            "in_flight_found_voted": in_flight_voted, "voted_after_restart": voted_after_restart,
            "receipts_held": len(receipts_now), "receipts_missing_in_db": len(lost_after),
            "ballots_in_db": in_db, "participations": participations}


def fmt_ms(values) -> str:
    return f"p50 {pct(values, 50):.0f} ms, p95 {pct(values, 95):.0f} ms, p99 {pct(values, 99):.0f} ms, max {max(values) if values else float('nan'):.0f} ms"


def new_db(kind: str, tmp: Path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / (name + '.db')}"
    from tests.services import create_pg_database

    return create_pg_database("bench_voting")


def drop_db(url: str) -> None:
    if url.startswith("postgresql"):
        from tests.services import drop_pg_database

        drop_pg_database(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=3000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, choices=[1, 2], default=1)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--crash", action="store_true", help="durability run: kill -9 while ballots stream in")
    parser.add_argument("--crash-pace", type=float, default=0.004, help="seconds between ballots in the crash run")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    os.environ.setdefault("CONFERENCE_ENV", "development")
    limit = raise_fd_limit()
    print(f"# open files limit {limit}; {args.clients} delegates; {args.db}; {args.workers} worker(s)"
          + ("; crash run" if args.crash else ""), flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench_voting_"))
    procs = []
    urls_to_drop = []
    try:
        db_url = new_db(args.db, tmp, "ours")
        urls_to_drop.append(db_url)
        t = time.perf_counter()
        data = prepare(db_url, args.clients)
        print(f"prepared {args.clients} members + check-ins in {time.perf_counter() - t:.1f} s", flush=True)
        if args.crash:
            result = asyncio.run(run_crash(args, db_url, data, free_port(), tmp / "server.log"))
            print("== durability: kill -9 while ballots stream in ==")
            for k, v in result.items():
                print(f"  {k}: {v:.2f}" if isinstance(v, float) else f"  {k}: {v}")
            n = result["clients"]
            checks = {
                "every acknowledged ballot in the database": result["acked_ballots_lost"] == 0
                and result["receipts_missing_in_db"] == 0,
                "every client reconnected": result["reconnected"] == n,
                "every reconnected client saw the vote still open": result["saw_vote_open_after_reconnect"] == n,
                "'voted' flags match the acks": result["voted_flag_mismatches"] == 0,
                "no ballot counted twice (ballots = participations = clients)":
                    result["ballots_in_db"] == result["participations"] == n,
            }
            for label, ok in checks.items():
                print(f"  {label}: {'YES' if ok else 'NO'}")
            return
        queue = args.redis if args.workers == 2 else None
        ports = [free_port() for _ in range(args.workers)]
        for i, port in enumerate(ports):
            procs.append(start_server(db_url, port, tmp / f"server{i}.log", queue=queue))
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        ours = asyncio.run(run_ours(args, db_url, data, urls, procs))
        for p in procs:
            p.terminate()
            p.wait(10)
        procs.clear()
        print("== ours ==")
        print(f"  login over HTTP (/t/<token>): {ours['login_s']:.1f} s; socket connect {ours['clients']} clients: {ours['connect_s']:.1f} s")
        print(f"  vote pushed to phones after open: {fmt_ms(ours['open_delivery'])}")
        print(f"  ballots acknowledged: {ours['acked']}/{ours['clients']}; ballots in database: {ours['in_db']} "
              f"({'equal' if ours['in_db'] == ours['acked'] else 'MISMATCH'})")
        print(f"  time from open until all acked: {ours['all_acked_s']:.2f} s; "
              f"from the first ballot sent until all acked: {ours['cast_phase_s']:.2f} s")
        print(f"  ack latency: {fmt_ms(ours['lat'])}")
        print(f"  duplicates rejected: {ours['duplicates_rejected']}/{ours['duplicates_sent']}")
        print(f"  'closed' delivery after close: {fmt_ms(ours['close_delivery'])}")
        print(f"  result delivery to all clients after publish: {fmt_ms(ours['result_delivery'])} "
              f"({len(ours['result_delivery'])}/{ours['clients']} received)")
        rate = ours['turnout_updates'] / ours['turnout_span'] if ours['turnout_span'] else float('nan')
        print(f"  turnout updates to presider: {ours['turnout_updates']} over {ours['turnout_span']:.1f} s "
              f"({rate:.1f}/s), last figure {ours['turnout_last']}")
        print(f"  client reconnects during the run: {ours['reconnects']}")
        print(f"  server RSS after run: {', '.join(f'{r:.0f} MB' for r in ours['rss'])}")
        if args.workers == 2:
            for url, (n, got_open, got_result) in ours["by_server"].items():
                print(f"  clients on {url}: {n}; saw open {got_open}; saw result {got_result}")
        if ours["result"]:
            r = ours["result"]
            print(f"  result: 赞成 {r['yes']} 反对 {r['no']} 弃权 {r['abstain']} 未按 {r['not_pressed']} "
                  f"threshold {r['threshold']} passed {r['passed']}")
        if not args.no_baseline:
            base_url = new_db(args.db, tmp, "baseline")
            urls_to_drop.append(base_url)
            port = free_port()
            proc = subprocess.Popen([sys.executable, "-c", BASELINE_SERVER, base_url, str(port)], cwd=ROOT,
                                    stdout=open(tmp / "baseline.log", "ab"), stderr=subprocess.STDOUT)
            procs.append(proc)
            wait_port(port, proc)
            base = asyncio.run(run_baseline(args, base_url, port, args.clients))
            rss = rss_mb(proc.pid)
            print("== baseline: minimal Flask-SocketIO gevent server, insert one row + ack ==")
            print(f"  connect: {base['connect_s']:.1f} s; acked {base['acked']}/{args.clients}; "
                  f"time from broadcast until all acked: {base['all_acked_s']:.2f} s; "
                  f"from the first ballot sent until all acked: {base['cast_phase_s']:.2f} s")
            print(f"  ack latency: {fmt_ms(base['lat'])}; RSS {rss:.0f} MB")
            ratio = ours["all_acked_s"] / base["all_acked_s"]
            print(f"== ratio ours/baseline, time until all acked: {ratio:.2f}x (target <= 1.3x); ballots alone "
                  f"(first sent to last acked): {ours['cast_phase_s'] / base['cast_phase_s']:.2f}x ==")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        for url in urls_to_drop:
            try:
                drop_db(url)
            except Exception as exc:  # noqa: BLE001
                print(f"could not drop {url}: {exc}")


if __name__ == "__main__":
    main()
