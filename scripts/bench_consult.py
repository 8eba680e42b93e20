"""Benchmark the 码上商量 public page behind gunicorn + gevent (prints figures; not a test).

    flock /tmp/bench.lock .venv/bin/python scripts/bench_consult.py [--seconds 5] [--connections 50]
        [--postgres] [--redis] [--answer redirect|page] [--database-url URL]

Starts ``gunicorn -k gevent -w 1 --worker-connections 5000 conference.wsgi:app`` on a temporary SQLite database
(or --database-url, e.g. a scratch PostgreSQL database) with rate limiting ON (memory storage unless
RATELIMIT_STORAGE_URI is set) and TRUST_PROXY=1, so each request can come from its own X-Forwarded-For address, as
behind nginx. Load comes from ``wrk`` (apt-get install wrk), a bounded C load generator, one phase at a time:

  0. baseline: a static file through the same gunicorn worker (what the stack does with no app work);
  1. the public topic page, each request from a new address (must be >= 500 requests/s);
  2. suggestion submissions with a CSRF token, each from a new address (must be >= 150/s); a stored post is
     answered 303 to the page (?sent=1, served from the per-second cache) — or, with --answer page, with the page
     itself (200);
  2b. (redirect mode) the browser round: each 303 is followed by the GET a browser makes, so the figure printed
     under it is stored submissions a second including the follow-up page;
  3. a normal visitor reading the page alone, then while one address floods the form (p95 must stay < 200 ms).

The machine's 2 cores are shared (other engineers' tests), so the figures are noisy: read them against the
baseline printed in the same run.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LUA = r"""
local threads = {}
local next_tid = 0
function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end
function init(args)
  mode, octet, token, cookie, prefix = args[1], args[2], args[3], args[4], args[5]
  counts = {}
  n = 0
  pending = 0
end
function request()
  n = n + 1
  local ip
  if mode == "flood" then
    ip = "198.51.100.66"
  else
    ip = string.format("%s.%d.%d.%d", octet, tid, math.floor(n / 250) % 250, n % 250 + 1)
  end
  local headers = {["X-Forwarded-For"] = ip}
  if mode == "get" then
    return wrk.format("GET", nil, headers)
  end
  if mode == "postget" and pending > 0 then
    -- what a browser does after a 303: fetch the page it was sent to
    pending = pending - 1
    headers["Cookie"] = cookie
    return wrk.format("GET", wrk.path .. "?sent=1", headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Cookie"] = cookie
  local body = "csrf_token=" .. token .. "&consent=y&district=%E5%8E%86%E4%B8%8B%E5%8C%BA&text=" .. prefix
               .. "r" .. octet .. "t" .. tid .. "n" .. n
  return wrk.format("POST", nil, headers, body)
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if mode == "postget" and status == 303 then pending = pending + 1 end
end
function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do agg[k] = (agg[k] or 0) + v end
  end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), e.connect + e.read + e.write + e.timeout))
  for k, v in pairs(agg) do io.write(string.format("STATUS %d %d\n", k, v)) end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(url: str, published: int) -> str:
    """Tables, one open topic with ``published`` answered suggestions; returns the topic key."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    os.environ["SOCKETIO_ASYNC_MODE"] = "threading"
    from config import DevelopmentConfig
    from conference import create_app
    from conference.consult import rules
    from conference.consult.models import Office, Suggestion, Topic
    from conference.extensions import db

    class Cfg(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SOCKETIO_ASYNC_MODE = "threading"

    app = create_app(Cfg)
    with app.app_context():
        db.create_all()
        office = Office(name="压测办公室")
        topic = Topic(slug="bench", title="压测议题：如何让老旧小区加装电梯更顺畅？", status="open", office=office,
                      background="我市现有老旧住宅小区一千余个，居民加装电梯的愿望强烈。" * 3,
                      questions="最大困难是什么？\n低层住户的利益如何兼顾？\n政府还能做什么？")
        db.session.add(topic)
        db.session.flush()
        for i in range(published):
            text = f"第{i}条公开建议：建议由街道牵头成立协调小组，对低层住户给予适当补偿，减少邻里矛盾。"
            db.session.add(Suggestion(topic_id=topic.id, text=text, fingerprint=rules.fingerprint(text),
                                      author_name=f"居民{i}", district="历下区", visibility="published",
                                      status="answered", answer="感谢您的建议，已转有关部门研究落实。",
                                      answered_by="压测办公室"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return "bench"


def start_server(port: int, url: str, tmp: Path, answer: str = "redirect") -> subprocess.Popen:
    env = {**os.environ, "CONSULT_SUBMIT_ANSWER": answer, "DATABASE_URL": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret"),
           "CONFERENCE_ENV": "development", "CONFERENCE_INSTANCE": str(tmp), "SOCKETIO_ASYNC_MODE": "gevent",
           "TRUST_PROXY": "1", "RATELIMIT_ENABLED": "1", "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
           "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://")}
    env.pop("REDIS_URL", None) if "RATELIMIT_STORAGE_URI" not in os.environ else None
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = open(tmp / "gunicorn.log", "ab")
    proc = subprocess.Popen([gunicorn, "-k", "gevent", "-w", "1", "--worker-connections", "5000",
                             "-b", f"127.0.0.1:{port}", "conference.wsgi:app"], cwd=ROOT, env=env,
                            stdout=log, stderr=log)
    deadline = time.time() + 60
    import requests

    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited:\n" + (tmp / "gunicorn.log").read_text()[-3000:])
        try:
            if requests.get(f"http://127.0.0.1:{port}/static/js/consult.js", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def wrk(url: str, script: Path, seconds: int, connections: int, *args: str) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url, "--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if not m:
        raise SystemExit("wrk output not understood:\n" + out)
    requests_, duration_us, p50, p95, p99, errors = map(int, m.groups())
    statuses = {int(k): int(v) for k, v in re.findall(r"STATUS (\d+) (\d+)", out)}
    return {"requests": requests_, "rate": requests_ / (duration_us / 1e6), "p50": p50 / 1000, "p95": p95 / 1000,
            "p99": p99 / 1000, "errors": errors, "statuses": statuses}


STORED = (200, 302, 303)  # a post's answer when stored (the 200 comes with --answer page; errors are 4xx)


def line(name: str, r: dict, ok_status=(200,)) -> str:
    ok = sum(v for k, v in r["statuses"].items() if k in ok_status)
    ok_rate = r["rate"] * ok / r["requests"] if r["requests"] else 0
    return (f"{name:<40} {r['rate']:8.0f} req/s  ok {ok_rate:7.0f}/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  "
            f"p99 {r['p99']:6.1f} ms  statuses {dict(sorted(r['statuses'].items()))}  socket errors {r['errors']}")


def visitor(url: str, seconds: float, rate: float = 20.0) -> list[float]:
    """A normal person reading the page: sequential requests from one (legitimate) address."""
    import requests

    session = requests.Session()
    latencies, end = [], time.time() + seconds
    while time.time() < end:
        t0 = time.perf_counter()
        response = session.get(url, headers={"X-Forwarded-For": "192.0.2.10"}, timeout=10)
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            latencies[-1] = float("inf")
        time.sleep(max(0.0, 1 / rate - (time.perf_counter() - t0)))
    return latencies


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--published", type=int, default=40, help="published suggestions on the topic")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database (local server)")
    parser.add_argument("--redis", action="store_true", help="rate-limit storage in the local Redis (db 14)")
    parser.add_argument("--answer", choices=("redirect", "page"), default="redirect",
                        help="a stored post is answered with a 303 to the cached page (default) or the page itself")
    args = parser.parse_args()
    if args.redis:
        os.environ["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/14"
    if not shutil.which("wrk"):
        raise SystemExit("wrk is required: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="bench-consult-"))
    scratch = None
    if args.postgres:
        from tests.services import create_pg_database

        scratch = create_pg_database("bench_consult")
    url = args.database_url or scratch or f"sqlite:///{tmp / 'bench.db'}"
    key = prepare_database(url, args.published)
    port = free_port()
    server = start_server(port, url, tmp, args.answer)
    base = f"http://127.0.0.1:{port}"
    script = tmp / "consult.lua"
    script.write_text(LUA)
    try:
        import requests

        session = requests.Session()
        page = session.get(f"{base}/s/{key}", headers={"X-Forwarded-For": "192.0.2.1"})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        static = session.get(f"{base}/static/js/consult.js")
        import gzip

        print(f"码上商量 bench — {os.cpu_count()} CPU (shared), load average {os.getloadavg()[0]:.2f}, "
              f"gunicorn gevent 1 worker, {'SQLite' if url.startswith('sqlite') else 'PostgreSQL'}, "
              f"rate limiting ON ({os.environ.get('RATELIMIT_STORAGE_URI', 'memory://')}), wrk -t2 "
              f"-c{args.connections}, {args.seconds} s per phase, topic with {args.published} published suggestions")
        print(f"page weight: HTML {len(page.content):,} B (gzip {len(gzip.compress(page.content)):,} B) + "
              f"consult.js {len(static.content):,} B; no CSS/JS framework "
              f"(bootstrap.min.css alone is {(ROOT / 'static/vendor/bootstrap/bootstrap.min.css').stat().st_size:,} B)")
        prefix = quote("压测建议：加强社区管理与服务，")
        results = {}
        results["static"] = wrk(f"{base}/static/js/consult.js", script, args.seconds, args.connections, "get", "10")
        print(line("0 baseline: static file", results["static"]))
        results["page"] = wrk(f"{base}/s/{key}", script, args.seconds, args.connections, "get", "11")
        print(line("1 public topic page (new address each)", results["page"]))
        results["submit"] = wrk(f"{base}/s/{key}", script, args.seconds, args.connections, "post", "12", token,
                                cookie, prefix)
        print(line("2 submissions (new address each)", results["submit"], ok_status=STORED))
        if args.answer == "redirect":
            # the whole round a browser makes: the post, then the GET of the page the 303 points to
            results["round"] = wrk(f"{base}/s/{key}", script, args.seconds, args.connections, "postget", "14", token,
                                   cookie, prefix)
            print(line("2b post + follow-up GET (browser round)", results["round"], ok_status=(200, 303)))
            print(f"{'   = stored submissions a second':<40} "
                  f"{results['round']['rate'] * results['round']['statuses'].get(303, 0) / results['round']['requests']:8.0f}")

        quiet = visitor(f"{base}/s/{key}", args.seconds)
        print(f"{'3a normal visitor, quiet':<40} {len(quiet):8d} req     p50 {pct(quiet, 50):6.1f} ms  "
              f"p95 {pct(quiet, 95):6.1f} ms  max {max(quiet):6.1f} ms")
        box: dict = {}
        flood = threading.Thread(target=lambda: box.update(r=wrk(f"{base}/s/{key}", script, args.seconds + 1,
                                                                 args.connections, "flood", "13", token, cookie,
                                                                 prefix)))
        flood.start()
        time.sleep(0.5)
        loud = visitor(f"{base}/s/{key}", args.seconds - 0.5)
        flood.join()
        print(line("3b flood: one address posting", box["r"], ok_status=STORED))
        print(f"{'3b normal visitor during the flood':<40} {len(loud):8d} req     p50 {pct(loud, 50):6.1f} ms  "
              f"p95 {pct(loud, 95):6.1f} ms  max {max(loud):6.1f} ms")

        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM consult_suggestion")).scalar() - args.published
            views = conn.execute(text("SELECT coalesce(sum(views), 0) FROM consult_visit")).scalar()
        engine.dispose()
        def ok(r):
            return sum(r["statuses"].get(code, 0) for code in STORED)

        accepted = ok(results["submit"]) + ok(box["r"]) + results.get("round", {"statuses": {}})["statuses"].get(303, 0)
        print(f"stored suggestions {stored} (accepted responses {accepted}; the flood address got "
              f"{ok(box['r'])} through, the rest 429); page views counted so far {views}")
        targets = [("page >= 500/s", results["page"]["rate"] >= 500),
                   ("submissions >= 150/s", results["submit"]["rate"] * ok(results["submit"])
                    / max(1, results["submit"]["requests"]) >= 150),
                   ("visitor p95 < 200 ms during flood", pct(loud, 95) < 200)]
        print("targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in targets))
        print(f"ratio to baseline: page {results['page']['rate'] / results['static']['rate']:.2f}, "
              f"submissions {results['submit']['rate'] / results['static']['rate']:.2f}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        if scratch:
            from tests.services import drop_pg_database

            drop_pg_database(scratch)
        if args.redis:
            import redis

            redis.Redis.from_url(os.environ["RATELIMIT_STORAGE_URI"]).flushdb()


if __name__ == "__main__":
    main()
