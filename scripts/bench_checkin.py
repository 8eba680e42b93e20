#!/usr/bin/env python3
"""Benchmark: 3,000 pass scans from concurrent simulated stations over HTTP against a real gevent server, with the
live board (Socket.IO) watched for freshness; and, in the same run, a minimal endpoint that only inserts the row.

Usage:
  python scripts/bench_checkin.py                         # SQLite (temporary file)
  python scripts/bench_checkin.py --postgres              # a throwaway PostgreSQL database (TEST_PG_ADMIN_URL)
  python scripts/bench_checkin.py --database-url URL      # an existing EMPTY database
Options: --members 3000 --scans 3000 --stations 8 --max-stations 32
         --server gunicorn (default: ``gunicorn -k gevent -w 1`` with scripts/deploy/gunicorn.conf.py, as production
         runs one process) | pywsgi (gevent's server in one process, like ``python -m conference.serve``)
Both servers (the service and the insert-only baseline) run the same way in one run.

Targets: 3,000 scans from 8 stations within 30 s, p99 <= 250 ms, board within 1 s of the truth, >= 300 scans/s.
"""
from __future__ import annotations

import sys

if len(sys.argv) > 1 and sys.argv[1] == "--serve":  # child process: patch before anything else is imported
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-secret"


# ---- servers (child processes) --------------------------------------------------------------------------------
def nodelay() -> None:
    """TCP_NODELAY on every accepted connection. gevent's pywsgi (what ``socketio.run`` uses) leaves Nagle on, and a
    response sent in two writes then waits for the client's delayed ACK: +40 ms on every request on Linux
    (gunicorn sets TCP_NODELAY itself). ``--nagle`` keeps the default to show the difference."""
    if os.environ.get("BENCH_NAGLE") == "1":
        return
    from gevent import pywsgi

    original = pywsgi.WSGIServer.handle

    def handle(self, sock, address):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        return original(self, sock, address)

    pywsgi.WSGIServer.handle = handle


def serve_app(port: int) -> None:
    nodelay()
    from conference import create_app
    from conference.extensions import socketio

    app = create_app()
    import logging
    logging.getLogger().setLevel(logging.WARNING)
    socketio.run(app, host="127.0.0.1", port=port, log_output=False, allow_unsafe_werkzeug=True)


def serve_baseline(port: int, url: str) -> None:
    nodelay()
    from gevent.pywsgi import WSGIServer

    WSGIServer(("127.0.0.1", port), baseline_app(url), log=None).serve_forever()


def baseline_app(url: str | None = None):
    """The floor: parse JSON, INSERT … ON CONFLICT DO NOTHING RETURNING, answer JSON. No auth, no checks.
    (gunicorn loads it as ``bench_checkin:baseline_app()`` with the URL in BENCH_BASELINE_URL.)"""
    from flask import Flask, jsonify, request
    from sqlalchemy import (Column, DateTime, Integer, MetaData, Table, UniqueConstraint, create_engine, event,
                            func)
    from sqlalchemy.pool import QueuePool

    url = url or os.environ["BENCH_BASELINE_URL"]
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60,
                               connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _):
            conn.isolation_level = None
            cur = conn.cursor()
            for pragma in ("journal_mode=WAL", "busy_timeout=15000", "synchronous=NORMAL"):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        from sqlalchemy.dialects.sqlite import insert
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20)
        from sqlalchemy.dialects.postgresql import insert
    meta = MetaData()
    table = Table("bench_baseline", meta, Column("id", Integer, primary_key=True), Column("sitting_id", Integer),
                  Column("member_id", Integer), Column("scanned_at", DateTime(timezone=True), server_default=func.now()),
                  UniqueConstraint("sitting_id", "member_id"))
    meta.create_all(engine)
    app = Flask("baseline")

    @app.post("/scan")
    def scan():
        data = request.get_json()
        with engine.begin() as conn:
            new_id = conn.execute(insert(table).values(sitting_id=data["sitting_id"], member_id=data["member_id"])
                                  .on_conflict_do_nothing().returning(table.c.id)).scalar()
        return jsonify({"ok": new_id is not None, "id": new_id})

    return app


# ---- parent: data, clients, measurements ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, url: str, tmp: Path, server: str = "gunicorn") -> tuple[subprocess.Popen, str]:
    """``server``: "gunicorn" runs what production runs, one gevent worker with scripts/deploy/gunicorn.conf.py;
    "pywsgi" runs gevent's server in one process (like ``python -m conference.serve``, TCP_NODELAY set)."""
    port = free_port()
    env = {**os.environ, "CONFERENCE_ENV": "development", "DATABASE_URL": url, "SECRET_KEY": SECRET,
           "RATELIMIT_ENABLED": "0", "CONFERENCE_INSTANCE": str(tmp), "SOCKETIO_ASYNC_MODE": "gevent",
           "LOG_LEVEL": "WARNING", "JOBS_INLINE": "0", "BENCH_BASELINE_URL": url, "GUNICORN_WORKERS": "1"}
    log = open(tmp / f"{kind}.log", "ab")
    if server == "gunicorn":
        target = "conference.wsgi:app" if kind == "app" else "bench_checkin:baseline_app()"
        cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "scripts/deploy/gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "--workers", "1", "--pythonpath", f"{ROOT},{ROOT / 'scripts'}", target]
    else:
        cmd = [sys.executable, __file__, "--serve", kind, str(port), url]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((tmp / f"{kind}.log").read_text()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{kind} server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def prepare(url: str, members: int):
    """Create the schema and the demo committee; return (sitting ids, [(member_id, pass code)])."""
    from config import DevelopmentConfig
    from conference import create_app
    from conference.checkin import services
    from conference.demo import load_demo
    from conference.extensions import db
    from conference.meetings.models import Body, Sitting
    from conference.registration.models import Leave, Member, MemberKind

    class Cfg(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = SECRET
        SOCKETIO_ASYNC_MODE = "threading"

    app = create_app(Cfg)
    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        load_demo(member_count=members, attendee_count=20)
        db.session.commit()
        print(f"demo data: {members} members in {time.perf_counter() - t0:.1f} s")
        sittings = db.session.scalars(db.select(Sitting).where(Sitting.body == Body.ALL).order_by(Sitting.id)).all()
        on_leave = db.select(Leave.member_id)
        people = db.session.scalars(db.select(Member).where(Member.kind == MemberKind.MEMBER,
                                                            Member.id.not_in(on_leave)).order_by(Member.id)).all()
        codes = [(m.id, services.pass_code(m)) for m in people]
        return [s.id for s in sittings], codes


def login(base: str, sitting_id: int):
    import requests

    s = requests.Session()
    page = s.get(f"{base}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = s.post(f"{base}/login", data={"csrf_token": token, "staff-username": "qiandao", "staff-password": "demo-2026",
                                      "staff-submit": "登录"}, allow_redirects=True)
    r.raise_for_status()
    station = s.get(f"{base}/checkin/sittings/{sitting_id}/station")
    station.raise_for_status()
    s.headers["X-CSRFToken"] = re.search(r'name="csrf-token" content="([^"]+)"', station.text).group(1)
    s.headers["Accept"] = "application/json"
    return s


class BoardWatcher:
    def __init__(self, base: str, sitting_id: int, session):
        import socketio

        self.events: list[tuple[float, int]] = []
        self.client = socketio.Client(http_session=session, reconnection=False)
        self.client.on("checkin:board", self._on_board)
        self.client.connect(base, transports=["websocket"])
        ack = self.client.call("sitting:join", {"sitting_id": sitting_id}, timeout=10)
        assert ack and ack.get("ok"), ack

    def _on_board(self, payload):
        self.events.append((time.perf_counter(), payload["figures"]["present"] + payload["figures"]["nonvoting"]))

    def close(self):
        self.client.disconnect()


def run_load(base: str, path: str, stations: int, jobs: list[dict], sessions=None) -> dict:
    """``stations`` closed-loop clients share ``jobs``; returns latencies and the time of every successful ack."""
    import requests

    lock = threading.Lock()
    queue = list(reversed(jobs))
    latencies, acks, errors, codes = [], [], [], {}
    go = threading.Event()

    def station(i):
        s = sessions[i] if sessions else requests.Session()
        go.wait()
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            t0 = time.perf_counter()
            try:
                r = s.post(base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"},
                           timeout=30)
                t1 = time.perf_counter()
                data = r.json()
            except Exception as exc:  # noqa: BLE001 - counted, reported
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                latencies.append(t1 - t0)
                code = data.get("code") or data.get("error") or ("ok" if data.get("ok") else "?")
                codes[code] = codes.get(code, 0) + 1
                if r.status_code == 200 and data.get("ok"):
                    acks.append(t1)

    threads = [threading.Thread(target=station, args=(i,)) for i in range(stations)]
    for t in threads:
        t.start()
    t_start = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t_start
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {"n": len(latencies), "elapsed": elapsed, "rate": len(latencies) / elapsed, "p50": pct(0.50),
            "p95": pct(0.95), "p99": pct(0.99), "max": latencies[-1] * 1000 if latencies else float("nan"),
            "errors": errors, "codes": codes, "acks": sorted(acks), "t_start": t_start}


def board_freshness(watcher: BoardWatcher, acks: list[float], timeout: float = 5.0) -> tuple[float, float]:
    """(max staleness during the run, delay of the final figure after the last ack), in seconds."""
    truth = len(acks)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and not any(p >= truth for _, p in watcher.events):
        time.sleep(0.05)
    final = next((t for t, p in watcher.events if p >= truth), None)
    final_delay = (final - acks[-1]) if final is not None and acks else float("inf")
    worst = 0.0
    import bisect
    for t, shown in watcher.events:
        done = bisect.bisect_right(acks, t)  # acks the truth had at time t
        if done > shown:  # the oldest ack the board had not shown yet
            worst = max(worst, t - acks[shown])
    return worst, final_delay


def fmt_run(label: str, r: dict) -> str:
    return (f"{label:<44} {r['n']:5d} scans in {r['elapsed']:5.2f} s = {r['rate']:6.0f}/s   "
            f"p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  p99 {r['p99']:6.1f}  max {r['max']:6.1f} ms"
            + (f"   ERRORS {len(r['errors'])}" if r["errors"] else ""))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--scans", type=int, default=3000)
    parser.add_argument("--stations", type=int, default=8)
    parser.add_argument("--max-stations", type=int, default=32)
    parser.add_argument("--server", choices=("gunicorn", "pywsgi"), default="gunicorn",
                        help="gunicorn -k gevent -w 1 (production, default) or gevent's pywsgi in one process")
    parser.add_argument("--nagle", action="store_true",
                        help="pywsgi only: leave gevent's default (no TCP_NODELAY) in the servers")
    args = parser.parse_args()
    if args.nagle:
        os.environ["BENCH_NAGLE"] = "1"

    tmp = Path(tempfile.mkdtemp(prefix="bench_checkin_"))
    created_pg = None
    if args.postgres:
        from sqlalchemy import create_engine, text
        admin = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        name = f"bench_checkin_{uuid.uuid4().hex[:8]}"
        with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = created_pg = admin.rsplit("/", 1)[0] + "/" + name
    else:
        url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    backend = url.split(":", 1)[0]
    print(f"database: {backend}   server: {args.server}   members: {args.members}   scans: {args.scans}   "
          f"stations: {args.stations}")
    procs = []
    try:
        sitting_ids, codes = prepare(url, args.members)
        codes = codes[:args.scans]
        if len(codes) < args.scans:
            print(f"note: only {len(codes)} voting members without leave; scanning those")
        proc, base = start("app", url, tmp, args.server)
        procs.append(proc)
        first, second = sitting_ids[0], sitting_ids[-1]
        sessions = [login(base, first) for _ in range(max(args.stations, args.max_stations))]
        watcher = BoardWatcher(base, first, sessions[0])
        jobs = [{"code": c, "nonce": uuid.uuid4().hex, "station": f"东门{i % args.stations + 1}号"}
                for i, (_, c) in enumerate(codes)]
        app_run = run_load(base, f"/checkin/sittings/{first}/scan", args.stations, jobs, sessions)
        staleness, final_delay = board_freshness(watcher, app_run["acks"])
        watcher.close()
        # the sustained maximum: more stations on another sitting, same passes
        jobs2 = [{"code": c, "nonce": uuid.uuid4().hex, "station": "西门"} for _, c in codes]
        app_max = run_load(base, f"/checkin/sittings/{second}/scan", args.max_stations, jobs2, sessions)
        stop(proc)
        procs.remove(proc)

        proc, base = start("baseline", url, tmp, args.server)
        procs.append(proc)
        base_jobs = [{"sitting_id": first, "member_id": mid} for mid, _ in codes]
        base_run = run_load(base, "/scan", args.stations, base_jobs)
        base_jobs2 = [{"sitting_id": second, "member_id": mid} for mid, _ in codes]
        base_max = run_load(base, "/scan", args.max_stations, base_jobs2)
        stop(proc)
        procs.remove(proc)
    finally:
        for proc in procs:
            stop(proc)
        if created_pg:
            from sqlalchemy import create_engine, text
            admin = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
            with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{created_pg.rsplit("/", 1)[1]}" WITH (FORCE)'))

    print()
    print(fmt_run(f"check-in service, {args.stations} stations", app_run), "  outcomes:", app_run["codes"])
    print(fmt_run(f"check-in service, {args.max_stations} stations (max)", app_max))
    print(fmt_run(f"baseline insert-only, {args.stations} stations", base_run))
    print(fmt_run(f"baseline insert-only, {args.max_stations} stations (max)", base_max))
    print(f"board: {len(watcher.events)} broadcasts for {len(app_run['acks'])} check-ins; "
          f"worst staleness {staleness * 1000:.0f} ms; final figure {final_delay * 1000:.0f} ms after the last ack")
    sustained = max(app_run["rate"], app_max["rate"])
    checks = [("3,000 scans within 30 s", app_run["elapsed"] <= 30), ("p99 <= 250 ms", app_run["p99"] <= 250),
              ("board within 1 s", staleness <= 1.0 and final_delay <= 1.0), (">= 300 scans/s", sustained >= 300),
              ("no errors", not app_run["errors"] and not app_max["errors"])]
    print(f"sustained maximum: {sustained:.0f} scans/s (baseline {max(base_run['rate'], base_max['rate']):.0f}/s)")
    print("targets: " + "; ".join(f"{label} {'OK' if ok else 'MISSED'}" for label, ok in checks))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        kind, port, url = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        serve_app(port) if kind == "app" else serve_baseline(port, url)
    else:
        sys.exit(main())
