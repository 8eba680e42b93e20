#!/usr/bin/env python3
"""Whole-sitting load test (issue 9): a plenary from doors open to the last result, on this machine.

    flock /tmp/bench.lock .venv/bin/python scripts/load_sitting.py                                  # 3,000, SQLite, 1 worker
    flock /tmp/bench.lock .venv/bin/python scripts/load_sitting.py --database postgresql --workers 2
    flock /tmp/bench.lock .venv/bin/python scripts/load_sitting.py --database postgresql --workers 2 --members 6000

Servers: tests/cluster.py's Cluster — gunicorn gevent workers from scripts/deploy/gunicorn.conf.py (one gunicorn
master with one worker per port; with two, the Socket.IO message queue is Redis), on a throwaway PostgreSQL database
(production config) or a SQLite file (development config, no Redis), `flask db upgrade` + `flask demo load
--members N`. TRUST_PROXY=1 so each public visitor can come from its own X-Forwarded-For address (as behind nginx).

Clients (one asyncio process: python-socketio AsyncClient + aiohttp), spread round robin over the workers:
  1. every voting member logs in with the login link of their pass (/t/<token>) and connects a websocket, which
     asks voting:state for the opening plenary (joins the sitting's room);
  2. 8 check-in stations (qiandao) scan every pass over HTTP, closed loop; a board socket (mishu) watches
     checkin:board; then 2% of the passes are scanned again at another station (must be refused);
  3. the presider (zhuchi) runs the demo's draft motion, two motions created over HTTP and the demo's election:
     open -> every delegate casts over Socket.IO as soon as voting:open arrives -> close -> publish;
  4. meanwhile 200 public visitors (each their own address) load /s/dianti and submit one suggestion each;
  5. integrity from the database: check-ins, ballots and participations per vote, suggestions;
  6. RSS of each gunicorn worker (VmRSS now and VmHWM, the peak) from /proc/<pid>/status.

The load generator runs on the same 2 shared cores as the servers, so every figure includes the clients' own CPU
time: read them as an upper bound of the server's latency. --time-limit stops everything (servers included).
Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STATIONS = 8
VISITORS = 200
PASSWORD = "demo-2026"
TOPIC = "dianti"
SUGGESTION_PREFIX = "压力测试建议"


# ---- small helpers ----------------------------------------------------------------------------------------------

def raise_fd_limit(n: int = 65535) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n if hard == resource.RLIM_INFINITY else min(n, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(values) -> str:
    if not values:
        return "no samples"
    return (f"p50 {pct(values, 50) * 1000:.0f} ms, p95 {pct(values, 95) * 1000:.0f} ms, "
            f"p99 {pct(values, 99) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms")


def proc_status(pid: int) -> dict:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def worker_pids(cluster) -> list[int]:
    """The gunicorn gevent workers (children of each master)."""
    pids = []
    for proc in cluster.procs:
        if proc is not None and proc.poll() is None:
            pids += children(proc.pid)
    return pids


def db_scalar(url: str, sql: str, **params):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def db_rows(url: str, sql: str, **params):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


async def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        await asyncio.sleep(interval)
    return bool(predicate())


# ---- data -------------------------------------------------------------------------------------------------------

def prepare_people(cluster) -> tuple[int, list[dict]]:
    """The opening plenary and every voting member with pass and login tokens signed with the cluster's key
    (as tests/integration/test_multiprocess.py does)."""
    from conference.accounts import tokens

    key = tokens.derive_key(cluster.env["SECRET_KEY"], 1)
    sitting_id = db_scalar(cluster.database_url,
                           "SELECT id FROM sitting WHERE body = 'all' ORDER BY starts_at LIMIT 1")
    rows = db_rows(cluster.database_url,
                   "SELECT id, credential_version FROM member WHERE kind = '委员' AND active "
                   "AND id NOT IN (SELECT member_id FROM leave_request WHERE sitting_id = :s) ORDER BY id",
                   s=sitting_id)
    people = [{"id": r.id,
               "pass": tokens.sign(tokens.KIND_CHECKIN, r.id, r.credential_version, key_id=1, key=key),
               "login": "/t/" + tokens.sign(tokens.KIND_LOGIN, r.id, r.credential_version, key_id=1, key=key)}
              for r in rows]
    return sitting_id, people


# ---- clients ----------------------------------------------------------------------------------------------------

async def staff_http(base: str, username: str):
    import aiohttp

    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                 timeout=aiohttp.ClientTimeout(total=120))
    async with http.get(f"{base}/login") as r:
        page = await r.text()
    token = re.search(r'name="staff-csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'id="staff-csrf_token"[^>]*value="([^"]+)"', page)
    async with http.post(f"{base}/login", data={"staff-csrf_token": token.group(1), "staff-username": username,
                                                "staff-password": PASSWORD, "staff-submit": "登录"},
                         allow_redirects=False) as r:
        assert r.status == 302, (username, r.status, (await r.text())[:300])
    return http


async def csrf_of(http, url: str) -> str:
    async with http.get(url) as r:
        return re.search(r'name="csrf-token" content="([^"]+)"', await r.text()).group(1)


def cookie_header(http) -> str:
    return "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)


class Delegate:
    def __init__(self, idx: int, person: dict, url: str, sitting_id: int):
        import socketio

        self.idx, self.person, self.url, self.sitting_id = idx, person, url, sitting_id
        self.sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=3)
        self.cookie = None
        self.connects = 0
        self.connect_s = None
        self.boards = 0
        self.events: dict[int, dict] = {}  # vote id -> times and ack
        self.sio.on("connect", self._on_connect)
        self.sio.on("voting:open", self._on_open)
        self.sio.on("voting:closed", self._on_closed)
        self.sio.on("voting:result", self._on_result)
        self.sio.on("checkin:board", self._on_board)

    def rec(self, vote_id: int) -> dict:
        return self.events.setdefault(vote_id, {})

    async def _on_connect(self):
        self.connects += 1
        if self.connects > 1:  # a reconnect: follow the sitting again, like the phone does
            asyncio.get_running_loop().create_task(self._state())

    async def _state(self):
        try:
            await self.sio.call("voting:state", {"sitting_id": self.sitting_id}, timeout=60)
        except Exception:  # noqa: BLE001 - counted through missing events
            pass

    async def _on_board(self, payload):
        self.boards += 1

    async def _on_open(self, vote):
        rec = self.rec(vote["id"])
        rec["open"] = time.perf_counter()
        if vote["kind"] == "election":
            pattern = (("yes", "yes", "no"), ("yes", "no", "abstain"), ("no", "yes", "yes"))[self.idx % 3]
            body = {"vote_id": vote["id"],
                    "marks": {str(c["id"]): pattern[i % 3] for i, c in enumerate(vote["candidates"])}}
        else:
            body = {"vote_id": vote["id"], "choice": ("yes", "no", "abstain")[self.idx % 3]}
        rec["sent"] = time.perf_counter()
        try:
            ack = await self.sio.call("voting:cast", body, timeout=120)
        except Exception as exc:  # noqa: BLE001
            ack = {"ok": False, "error": f"client: {exc!r}"}
        rec["acked"] = time.perf_counter()
        rec["ack"] = ack

    async def _on_closed(self, payload):
        self.rec(payload["vote_id"]).setdefault("closed", time.perf_counter())

    async def _on_result(self, payload):
        vote_id = payload.get("vote_id") or (payload.get("vote") or {}).get("id")
        self.rec(vote_id).setdefault("result", time.perf_counter())

    async def connect(self):
        t = time.perf_counter()
        await self.sio.connect(self.url, headers={"Cookie": self.cookie}, transports=["websocket"], wait_timeout=60)
        await self.sio.call("voting:state", {"sitting_id": self.sitting_id}, timeout=60)
        self.connect_s = time.perf_counter() - t


async def login_delegates(delegates: list[Delegate]) -> list[str]:
    import aiohttp

    errors = []
    sem = asyncio.Semaphore(50)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                     timeout=aiohttp.ClientTimeout(total=120)) as http:
        async def one(d: Delegate):
            async with sem:
                try:
                    # each phone from its own address (TRUST_PROXY): /t/ allows 30 logins a minute per address
                    ip = f"10.{(d.idx >> 16) & 255}.{(d.idx >> 8) & 255}.{d.idx & 255}"
                    async with http.get(d.url + d.person["login"], allow_redirects=False,
                                        headers={"X-Forwarded-For": ip}) as r:
                        if r.status != 302:
                            raise RuntimeError(f"status {r.status}")
                        d.cookie = "; ".join(f"{k}={v.value}" for k, v in r.cookies.items())
                except Exception as exc:  # noqa: BLE001
                    errors.append(repr(exc))
        await asyncio.gather(*(one(d) for d in delegates))
    return errors


async def connect_delegates(delegates: list[Delegate], batch: int = 200) -> list[str]:
    errors = []

    async def one(d):
        try:
            await d.connect()
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
    for i in range(0, len(delegates), batch):
        await asyncio.gather(*(one(d) for d in delegates[i:i + batch] if d.cookie))
    return errors


class Watcher:
    """A staff socket: the attendance board (mishu) or the presider's console (zhuchi)."""

    def __init__(self):
        import socketio

        self.sio = socketio.AsyncClient(reconnection=True)
        self.boards: list[tuple[float, int]] = []
        self.turnouts: list[tuple[float, int, int]] = []
        self.sio.on("checkin:board", self._on_board)
        self.sio.on("voting:turnout", self._on_turnout)
        self.sio.on("connect", self._on_connect)
        self.connects = 0
        self.join = None

    async def _on_connect(self):
        self.connects += 1
        if self.connects > 1 and self.join:  # a reconnect: follow the sitting again, as the console's JS does
            asyncio.get_running_loop().create_task(self.sio.call(*self.join, timeout=30))

    async def _on_board(self, payload):
        f = payload["figures"]
        self.boards.append((time.perf_counter(), f.get("present", 0) + f.get("nonvoting", 0)))

    async def _on_turnout(self, t):
        self.turnouts.append((time.perf_counter(), t["vote_id"], t["voted"]))

    async def connect(self, url: str, http, event: str, sitting_id: int):
        await self.sio.connect(url, headers={"Cookie": cookie_header(http)}, transports=["websocket"],
                               wait_timeout=30)
        self.join = (event, {"sitting_id": sitting_id})
        ack = await self.sio.call(event, {"sitting_id": sitting_id}, timeout=30)
        assert ack.get("ok", True) is not False, ack


# ---- phases -----------------------------------------------------------------------------------------------------

async def phase_checkin(urls, sitting_id, delegates, board: Watcher, db_url) -> dict:
    import aiohttp

    stations = []
    for i in range(STATIONS):
        url = urls[i % len(urls)]
        http = await staff_http(url, "qiandao")
        token = await csrf_of(http, f"{url}/checkin/sittings/{sitting_id}/station")
        stations.append((url, http, token))
    queue = list(reversed(delegates))
    latencies, acks, codes, errors = [], [], {}, []
    accepted_ids: list[int] = []

    async def station(i):
        url, http, token = stations[i]
        while queue:
            d = queue.pop()
            body = {"code": d.person["pass"], "station": f"东门{i + 1}号", "nonce": uuid.uuid4().hex}
            t0 = time.perf_counter()
            try:
                async with http.post(f"{url}/checkin/sittings/{sitting_id}/scan", json=body,
                                     headers={"X-CSRFToken": token, "Accept": "application/json"}) as r:
                    data = await r.json(content_type=None)
                    status = r.status
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
                continue
            t1 = time.perf_counter()
            latencies.append(t1 - t0)
            code = data.get("code") or data.get("error") or "?"
            codes[code] = codes.get(code, 0) + 1
            if status == 200 and data.get("ok"):
                acks.append(t1)
                accepted_ids.append(d.person["id"])
    t_start = time.perf_counter()
    await asyncio.gather(*(station(i) for i in range(STATIONS)))
    elapsed = time.perf_counter() - t_start
    acks.sort()
    # board lag: the final figure after the last accepted scan, and the worst staleness during the run
    truth = len(acks)
    await wait_until(lambda: any(p >= truth for _, p in board.boards), 10)
    final = next((t for t, p in board.boards if p >= truth), None)
    final_lag = final - acks[-1] if final is not None and acks else float("inf")
    import bisect
    worst = 0.0
    for t, shown in board.boards:
        done = bisect.bisect_right(acks, t)
        if done > shown and shown < len(acks):
            worst = max(worst, t - acks[shown])
    # the same passes again at another station (2%): must be refused, nothing written
    again = delegates[: max(1, len(delegates) // 50)]
    dup_codes: dict = {}

    async def rescan(j, d):
        url, http, token = stations[(j + 3) % STATIONS]
        async with http.post(f"{url}/checkin/sittings/{sitting_id}/scan",
                             json={"code": d.person["pass"], "station": "西门", "nonce": uuid.uuid4().hex},
                             headers={"X-CSRFToken": token, "Accept": "application/json"}) as r:
            data = await r.json(content_type=None)
        code = data.get("code") or data.get("error") or "?"
        dup_codes[code] = dup_codes.get(code, 0) + 1
    await asyncio.gather(*(rescan(j, d) for j, d in enumerate(again)))
    for _, http, _ in stations:
        await http.close()
    return {"n": len(latencies), "elapsed": elapsed, "lat": latencies, "accepted": len(acks), "codes": codes,
            "errors": errors, "final_lag": final_lag, "worst_stale": worst, "board_updates": len(board.boards),
            "accepted_ids": set(accepted_ids), "dup_sent": len(again), "dup_codes": dup_codes}


async def phase_votes(urls, sitting_id, delegates, presider_ws: Watcher, db_url, deadline) -> list[dict]:
    base = urls[0]
    http = await staff_http(base, "zhuchi")
    token = await csrf_of(http, f"{base}/voting/sittings/{sitting_id}")
    votes = []
    draft_motion = db_scalar(db_url, "SELECT min(id) FROM vote WHERE sitting_id=:s AND kind='motion' AND state='draft'",
                             s=sitting_id)
    votes.append(draft_motion)
    for title in ("关于压力测试第二项的决议（草案）", "关于压力测试第三项的决议（草案）"):
        async with http.post(f"{base}/voting/sittings/{sitting_id}/motions",
                             data={"m-csrf_token": token, "m-title": title, "m-base": "members",
                                   "m-fraction": "majority"},
                             headers={"X-CSRFToken": token}, allow_redirects=False) as r:
            assert r.status == 302, (r.status, (await r.text())[:500])
        votes.append(db_scalar(db_url, "SELECT max(id) FROM vote WHERE sitting_id=:s AND kind='motion'", s=sitting_id))
    votes.append(db_scalar(db_url, "SELECT min(id) FROM vote WHERE sitting_id=:s AND kind='election' "
                                   "AND state='draft'", s=sitting_id))
    connected = [d for d in delegates if d.connect_s is not None]
    out = []
    for vote_id in votes:
        async def action(step):
            t = time.perf_counter()
            async with http.post(f"{base}/voting/votes/{vote_id}/{step}", json={},
                                 headers={"X-CSRFToken": token, "Accept": "application/json"}) as r:
                data = await r.json(content_type=None)
            assert data.get("ok"), (step, data)
            return t, time.perf_counter() - t, data
        t_open, open_http, opened = await action("open")
        electorate = opened["vote"].get("turnout", {}).get("electorate")
        kind = opened["vote"]["kind"]
        budget = max(5.0, min(180.0, deadline - time.perf_counter() - 60))
        await wait_until(lambda: all("ack" in d.rec(vote_id) for d in connected), budget)
        recs = [d.rec(vote_id) for d in connected]
        ok = [r for r in recs if r.get("ack", {}).get("ok")]
        failed = [r["ack"] for r in recs if "ack" in r and not r["ack"].get("ok")]
        all_acked = max(r["acked"] for r in ok) - t_open if ok else float("nan")
        await asyncio.sleep(1.2)  # the last coalesced turnout (throttle 0.5 s)
        t_close, close_http, _ = await action("close")
        await wait_until(lambda: all("closed" in r for r in recs), 30)
        t_pub, pub_http, published = await action("publish")
        await wait_until(lambda: all("result" in r for r in recs), 30)
        turnouts = [(t, v) for t, vid, v in presider_ws.turnouts if vid == vote_id]
        in_db_ballots = db_scalar(db_url, "SELECT count(*) FROM vote_ballot WHERE vote_id=:v", v=vote_id)
        in_db_part = db_scalar(db_url, "SELECT count(*) FROM vote_participation WHERE vote_id=:v", v=vote_id)
        errors: dict = {}
        for a in failed:
            errors[a.get("error")] = errors.get(a.get("error"), 0) + 1
        out.append({"id": vote_id, "kind": kind, "electorate": electorate, "clients": len(recs),
                    "open_http": open_http, "close_http": close_http, "publish_http": pub_http,
                    "open_delivery": [r["open"] - t_open for r in recs if "open" in r],
                    "acked": len(ok), "all_acked": all_acked, "ack": [r["acked"] - r["sent"] for r in ok],
                    "errors": errors,
                    "closed_delivery": [r["closed"] - t_close for r in recs if "closed" in r],
                    "result_delivery": [r["result"] - t_pub for r in recs if "result" in r],
                    "turnout_updates": len(turnouts), "turnout_last": turnouts[-1][1] if turnouts else None,
                    "ballots_db": in_db_ballots, "participations_db": in_db_part,
                    "result": (published.get("vote") or {}).get("result", {})})
    await http.close()
    return out


async def phase_visitors(urls, n: int, spread: float) -> dict:
    import aiohttp

    get_lat, post_lat, statuses, errors, accepted = [], [], {}, [], []

    async def visitor(i):
        await asyncio.sleep(spread * i / n)
        url = urls[i % len(urls)]
        ip = f"203.0.{113 + i // 250}.{i % 250 + 1}"
        headers = {"X-Forwarded-For": ip}
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                         timeout=aiohttp.ClientTimeout(total=120)) as http:
            try:
                t = time.perf_counter()
                async with http.get(f"{url}/s/{TOPIC}", headers=headers) as r:
                    page = await r.text()
                    get_status = r.status
                get_lat.append(time.perf_counter() - t)
                token = re.search(r'name="csrf_token" value="([^"]+)"', page)
                if get_status != 200 or not token:
                    statuses[f"GET {get_status}"] = statuses.get(f"GET {get_status}", 0) + 1
                    return
                body = {"csrf_token": token.group(1), "consent": "y", "district": "历下区",
                        "text": f"{SUGGESTION_PREFIX}第{i}号：建议在加装电梯前由街道组织第{i}次协商会，"
                                f"听取低层住户意见，明确补偿办法。编号{uuid.uuid4().hex[:8]}"}
                t = time.perf_counter()
                async with http.post(f"{url}/s/{TOPIC}", data=body, headers=headers, allow_redirects=False) as r:
                    answer = await r.text()
                    post_lat.append(time.perf_counter() - t)
                    # stored: a 303/302 to the page, or (CONSULT_SUBMIT_ANSWER=page) the page with the thanks
                    stored = r.status in (302, 303) or (r.status == 200 and "感谢您的参与" in answer)
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                    if stored:
                        accepted.append(i)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
    await asyncio.gather(*(visitor(i) for i in range(n)))
    return {"get": get_lat, "post": post_lat, "statuses": statuses,
            "accepted": len(accepted),
            "errors": errors}


# ---- the run ----------------------------------------------------------------------------------------------------

async def sitting(args, cluster, deadline: float) -> None:
    urls = cluster.urls
    db_url = cluster.database_url
    sitting_id, people = prepare_people(cluster)
    delegates = [Delegate(i, p, urls[i % len(urls)], sitting_id) for i, p in enumerate(people)]
    pids = worker_pids(cluster)
    print(f"sitting {sitting_id}; {len(delegates)} voting members; workers {pids} at "
          + ", ".join(f"{proc_status(p).get('VmRSS', 0):.0f} MB" for p in pids) + " before clients", flush=True)

    # 1. connect
    t = time.perf_counter()
    login_errors = await login_delegates(delegates)
    login_s = time.perf_counter() - t
    t = time.perf_counter()
    connect_errors = await connect_delegates(delegates)
    connect_s = time.perf_counter() - t
    connected = [d for d in delegates if d.connect_s is not None]
    print(f"\n[1] connect: {len(delegates)} logins over HTTP (/t/<token>) in {login_s:.1f} s "
          f"({len(login_errors)} failed); {len(connected)}/{len(delegates)} sockets connected + voting:state in "
          f"{connect_s:.1f} s (batches of 200), {len(connect_errors)} failed"
          + (f" e.g. {connect_errors[0]}" if connect_errors else ""))
    print(f"    per-client connect+state: {ms([d.connect_s for d in connected])}")
    rss_after_connect = {p: proc_status(p).get("VmRSS", 0) for p in pids}
    print("    worker RSS with all sockets connected: "
          + ", ".join(f"{v:.0f} MB" for v in rss_after_connect.values()), flush=True)

    board_http = await staff_http(urls[-1], "mishu")
    board = Watcher()
    await board.connect(urls[-1], board_http, "sitting:join", sitting_id)
    presider_http = await staff_http(urls[0], "zhuchi")
    presider = Watcher()
    await presider.connect(urls[0], presider_http, "voting:state", sitting_id)

    # 2. check-in
    boards_before = sum(d.boards for d in connected)
    ck = await phase_checkin(urls, sitting_id, delegates, board, db_url)
    boards_fanout = sum(d.boards for d in connected) - boards_before
    print(f"\n[2] check-in: {ck['n']} scans from {STATIONS} stations over HTTP in {ck['elapsed']:.1f} s = "
          f"{ck['n'] / ck['elapsed']:.0f} scans/s; accepted {ck['accepted']}; codes {ck['codes']}; "
          f"client errors {len(ck['errors'])}")
    print(f"    scan latency: {ms(ck['lat'])}")
    print(f"    board socket ({'worker ' + str(len(urls)) if len(urls) > 1 else 'same worker'}): "
          f"{ck['board_updates']} updates; final figure {ck['final_lag'] * 1000:.0f} ms after the last scan; "
          f"worst staleness during the run {ck['worst_stale'] * 1000:.0f} ms")
    print(f"    the same passes again at another station: {ck['dup_sent']} sent, codes {ck['dup_codes']}")
    print(f"    checkin:board payloads received by delegate phones meanwhile: {boards_fanout} "
          f"({boards_fanout / max(1, len(connected)):.1f} per phone)", flush=True)

    # 3 + 4. votes while the public submits suggestions
    t34 = time.perf_counter()
    votes_task = asyncio.create_task(phase_votes(urls, sitting_id, connected, presider, db_url, deadline))
    visitors_task = asyncio.create_task(phase_visitors(urls, VISITORS, spread=args.visitor_spread))
    votes, visitors = await asyncio.gather(votes_task, visitors_task)
    span = time.perf_counter() - t34
    print(f"\n[3] votes ({span:.1f} s for three motions and the election, with the public load alongside):")
    for v in votes:
        r = v["result"].get("result") or {}
        print(f"  vote {v['id']} ({v['kind']}): electorate {v['electorate']}; acked {v['acked']}/{v['clients']} "
              f"clients; time from open until all acked {v['all_acked']:.2f} s; refused {v['errors'] or 0}")
        print(f"    open/close/publish over HTTP: {v['open_http'] * 1000:.0f} / {v['close_http'] * 1000:.0f} / "
              f"{v['publish_http'] * 1000:.0f} ms; voting:open delivery p95 {pct(v['open_delivery'], 95) * 1000:.0f} ms")
        print(f"    ack latency: {ms(v['ack'])}")
        print(f"    result delivery after publish: p95 {pct(v['result_delivery'], 95) * 1000:.0f} ms, max "
              f"{max(v['result_delivery'] or [float('nan')]) * 1000:.0f} ms, received by "
              f"{len(v['result_delivery'])}/{v['clients']}; voting:closed p95 "
              f"{pct(v['closed_delivery'], 95) * 1000:.0f} ms")
        print(f"    turnout updates seen by the presider: {v['turnout_updates']}, last figure {v['turnout_last']}"
              + (f"; passed {r.get('passed')}" if "passed" in r else ""))
    print(f"\n[4] public: {VISITORS} visitors (own X-Forwarded-For each, arrivals over {args.visitor_spread:.0f} s): "
          f"page {ms(visitors['get'])}")
    print(f"    submit: {ms(visitors['post'])}; statuses {visitors['statuses']} (303 = stored); accepted "
          f"{visitors['accepted']}; client errors {len(visitors['errors'])}"
          + (f" e.g. {visitors['errors'][0]}" if visitors["errors"] else ""), flush=True)

    # 5. integrity
    checkins = db_scalar(db_url, "SELECT count(*) FROM checkin WHERE sitting_id=:s", s=sitting_id)
    distinct = db_scalar(db_url, "SELECT count(DISTINCT member_id) FROM checkin WHERE sitting_id=:s", s=sitting_id)
    stored_ids = {r[0] for r in db_rows(db_url, "SELECT member_id FROM checkin WHERE sitting_id=:s", s=sitting_id)}
    lost = len(ck["accepted_ids"] - stored_ids)
    extra = len(stored_ids - ck["accepted_ids"])
    suggestions = db_scalar(db_url, "SELECT count(*) FROM consult_suggestion WHERE text LIKE :p",
                            p=SUGGESTION_PREFIX + "%")
    problems = []
    print("\n[5] integrity (database vs. what the clients were told):")
    print(f"    check-ins: {checkins} rows, {distinct} distinct members; accepted scans {ck['accepted']}; "
          f"acknowledged but missing {lost}; stored but not acknowledged {extra}; duplicates {checkins - distinct}")
    if checkins != ck["accepted"] or lost or extra or checkins != distinct:
        problems.append("check-ins")
    for v in votes:
        print(f"    vote {v['id']}: ballots {v['ballots_db']}, participations {v['participations_db']}, "
              f"ok acks {v['acked']}")
        if not (v["ballots_db"] == v["participations_db"] == v["acked"]):
            problems.append(f"vote {v['id']}")
    print(f"    suggestions: {suggestions} stored, {visitors['accepted']} accepted")
    if suggestions != visitors["accepted"]:
        problems.append("suggestions")
    print(f"    lost or duplicated records: {'NONE' if not problems else 'MISMATCH in ' + ', '.join(problems)}")

    # 6. memory
    reconnects = sum(max(0, d.connects - 1) for d in connected)
    print(f"\n[6] server memory per gunicorn worker (/proc/<pid>/status), {len(connected)} sockets still open; "
          f"client reconnects during the run: delegates {reconnects}, board {board.connects - 1}, "
          f"presider {presider.connects - 1}")
    for p in pids:
        s = proc_status(p)
        print(f"    worker {p}: VmRSS {s.get('VmRSS', float('nan')):.0f} MB, peak VmHWM {s.get('VmHWM', float('nan')):.0f} MB")
    for ws, http in ((board, board_http), (presider, presider_http)):
        await ws.sio.disconnect()
        await http.close()

    async def bye(d):
        try:
            await asyncio.wait_for(d.sio.disconnect(), 10)
        except Exception:  # noqa: BLE001
            pass
    await asyncio.gather(*(bye(d) for d in delegates))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--time-limit", type=float, default=600, help="hard stop, seconds (servers included)")
    parser.add_argument("--visitor-spread", type=float, default=20.0, help="seconds over which visitors arrive")
    args = parser.parse_args()
    if args.database == "sqlite" and args.workers != 1:
        parser.error("SQLite runs one worker (no message queue between processes)")
    os.environ.setdefault("CONFERENCE_ENV", "development")
    started = time.perf_counter()
    limit = raise_fd_limit()
    from tests.cluster import Cluster

    tmp = Path(tempfile.mkdtemp(prefix="load_sitting_"))
    cluster = Cluster(tmp, size=args.workers, members=args.members, sqlite=args.database == "sqlite",
                      prepare_timeout=args.time_limit,
                      env={"TRUST_PROXY": "1", "GUNICORN_WORKER_CONNECTIONS": "10000"})
    stopped = threading.Event()

    def stop_all():
        if stopped.is_set():
            return
        stopped.set()
        try:
            cluster.stop()
        except Exception as exc:  # noqa: BLE001
            print(f"cleanup: {exc!r}")
        shutil.rmtree(tmp, ignore_errors=True)

    def hard_stop(reason: str = "time limit reached"):
        print(f"\n!! {reason}: stopping everything", flush=True)
        stop_all()
        os._exit(3)
    watchdog = threading.Timer(args.time_limit + 30, hard_stop)  # the asyncio timeout below normally fires first
    watchdog.daemon = True
    watchdog.start()
    signal.signal(signal.SIGTERM, lambda *_: hard_stop("SIGTERM"))

    print(f"# load_sitting: {args.members} delegates; {args.workers} gunicorn gevent worker(s) on "
          f"{'SQLite, no Redis' if args.database == 'sqlite' else 'PostgreSQL + Redis message queue'}; "
          f"{STATIONS} stations; {VISITORS} public visitors; {os.cpu_count()} CPUs shared, load average "
          f"{os.getloadavg()[0]:.2f}; open files limit {limit}; time limit {args.time_limit:.0f} s", flush=True)
    code = 0
    try:
        t = time.perf_counter()
        cluster.prepare()
        print(f"flask db upgrade + flask demo load --members {args.members}: {time.perf_counter() - t:.1f} s",
              flush=True)
        for _ in range(cluster.size):
            from tests.cluster import free_port

            cluster.ports.append(free_port())
            cluster.procs.append(None)
        for i in range(cluster.size):
            cluster.start_worker(i)
        seats = db_scalar(cluster.database_url, "SELECT count(*) FROM seat_assignment WHERE sitting_id = "
                          "(SELECT id FROM sitting WHERE body='all' ORDER BY starts_at LIMIT 1)")
        print(f"servers up: {', '.join(cluster.urls)}; seats assigned in the demo hall for the opening plenary: "
              f"{seats} (partial plan)", flush=True)
        deadline = started + args.time_limit
        remaining = deadline - time.perf_counter()
        asyncio.run(asyncio.wait_for(sitting(args, cluster, time.perf_counter() + remaining), remaining))
    except asyncio.TimeoutError:
        print(f"\n!! time limit of {args.time_limit:.0f} s reached before the sitting ended", flush=True)
        code = 2
    finally:
        stop_all()
        watchdog.cancel()
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.2f}")
    return code


if __name__ == "__main__":
    sys.exit(main())
