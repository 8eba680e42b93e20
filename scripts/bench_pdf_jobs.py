#!/usr/bin/env python3
"""Benchmark: 3,000 passes through the job runner while a real gevent server keeps broadcasting.

    .venv/bin/python scripts/bench_pdf_jobs.py [--members 3000] [--clients 200] [--baseline 10]

1. starts a real gevent server process (fresh SQLite DB with N members, one meeting) that broadcasts a
   timestamped ``bench:tick`` to every client of the /bench namespace every 200 ms;
2. connects C Socket.IO clients (websocket, in a separate asyncio process) that record each tick's latency;
3. measures the baseline (no job) for a few seconds, then starts a "passes" job for all N members through
   the server (``services.create_job`` + ``runner.wake``: the worker is a separate process) and keeps measuring
   until the job is done;
4. prints job time, PDF size, and broadcast latency p50/p95/max for baseline vs during the job.
Targets: job ≤ 60 s; p95 during the job < 500 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = 0.2


# ---- the server process -----------------------------------------------------------------------------------
def serve(port: int, db_path: str, jobs_dir: str, members: int) -> None:
    from gevent import monkey

    monkey.patch_all()
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    os.environ["RATELIMIT_ENABLED"] = "0"
    os.environ["SOCKETIO_ASYNC_MODE"] = "gevent"
    os.environ.pop("SOCKETIO_MESSAGE_QUEUE", None)
    os.environ.pop("REDIS_URL", None)
    from datetime import date

    from flask import jsonify

    from conference import create_app
    from conference.extensions import csrf, db, socketio
    from conference.jobs import runner, services
    from conference.meetings.models import Meeting
    from conference.registration.models import Member, Sector

    app = create_app()
    app.config["JOBS_DIR"] = jobs_dir
    with app.app_context():
        db.create_all()
        sectors = [Sector(name=n, position=i) for i, n in enumerate(
            ["中国共产党", "中国国民党革命委员会", "中国民主同盟", "无党派人士", "经济界", "教育界", "科学技术界",
             "文化艺术界", "医药卫生界", "社会福利和社会保障界"], 1)]
        db.session.add_all(sectors)
        meeting = Meeting(title="政协第十五届济南市委员会第一次会议", starts_on=date.today(), ends_on=date.today())
        db.session.add(meeting)
        db.session.flush()
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
        given = "建国立新红梅志强海燕晓东秀英玉兰文华明亮春生丽娟德胜光辉振华永刚秋菊桂芳镕喆"
        db.session.execute(Member.__table__.insert(), [
            {"member_no": f"JN15{i:05d}", "name": surnames[i % len(surnames)] + given[(i * 7) % len(given)]
             + given[(i * 13 + 5) % len(given)], "sector_id": sectors[i % len(sectors)].id, "kind": "委员",
             "committee_role": "委员", "credential_version": 1, "active": True, "ethnicity": "", "party": "",
             "employer": "", "phone": ""} for i in range(members)])
        db.session.commit()
        meeting_id = meeting.id

    @socketio.on("connect", namespace="/bench")
    def _bench_connect(auth=None):
        return True

    def ticker():
        while True:
            socketio.emit("bench:tick", {"t": time.time()}, namespace="/bench")
            socketio.sleep(TICK)

    @app.post("/_bench/job")
    def _start_job():
        job = services.create_job("passes", {"meeting_id": meeting_id, "base_url": "https://hy.example.cn/"})
        job_id = job.id
        db.session.commit()
        runner.wake(app)
        return jsonify({"id": job_id})

    @app.get("/_bench/job/<job_id>")
    def _job(job_id):
        job = services.get_job(job_id)
        return jsonify(services.job_dict(job) | {
            "seconds": (job.finished_at - job.created_at).total_seconds() if job.finished_at else None,
            "run_seconds": (job.finished_at - job.started_at).total_seconds() if job.finished_at else None})

    csrf.exempt(_start_job)  # bench-only route on a throwaway server
    socketio.start_background_task(ticker)
    print("READY", flush=True)
    socketio.run(app, host="127.0.0.1", port=port, log_output=False, allow_unsafe_werkzeug=True)


# ---- the client process -------------------------------------------------------------------------------------
def clients(port: int, count: int, out_path: str) -> None:
    import asyncio

    import socketio as sio

    samples: list[tuple[float, float]] = []

    async def one(i: int, ready: asyncio.Event, connected: list):
        client = sio.AsyncClient(reconnection=False)

        @client.on("bench:tick", namespace="/bench")
        async def on_tick(data):
            samples.append((data["t"], time.time() - data["t"]))

        await client.connect(f"http://127.0.0.1:{port}", namespaces=["/bench"], transports=["websocket"])
        connected.append(client)
        return client

    async def main():
        connected: list = []
        for start in range(0, count, 50):
            await asyncio.gather(*(one(i, None, connected) for i in range(start, min(count, start + 50))))
        print(f"CONNECTED {len(connected)}", flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.readline)  # the parent says stop
        Path(out_path).write_text(json.dumps(samples))
        await asyncio.gather(*(c.disconnect() for c in connected), return_exceptions=True)

    asyncio.run(main())


# ---- the orchestrator ---------------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def http(url: str, method: str = "GET") -> dict:
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--baseline", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=5391)
    parser.add_argument("--serve", nargs=4, metavar=("PORT", "DB", "JOBS", "MEMBERS"), help=argparse.SUPPRESS)
    parser.add_argument("--clients-proc", nargs=3, metavar=("PORT", "N", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1], args.serve[2], int(args.serve[3]))
        return 0
    if args.clients_proc:
        clients(int(args.clients_proc[0]), int(args.clients_proc[1]), args.clients_proc[2])
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="bench_pdf_jobs_"))
    env = dict(os.environ, CONFERENCE_ENV="development", PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(args.port), str(tmp / "bench.db"),
                               str(tmp / "jobs"), str(args.members)], stdout=subprocess.PIPE, env=env, text=True)
    client_proc = None
    try:
        assert server.stdout.readline().strip() == "READY", "server did not start"
        time.sleep(0.5)
        client_proc = subprocess.Popen([sys.executable, __file__, "--clients-proc", str(args.port),
                                        str(args.clients), str(tmp / "samples.json")],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
        line = client_proc.stdout.readline().strip()
        print(f"server: gevent, {args.members} members; clients: {line}")
        time.sleep(1.0)
        base_start = time.time()
        time.sleep(args.baseline)
        base_end = job_start = time.time()
        job_id = http(f"http://127.0.0.1:{args.port}/_bench/job", "POST")["id"]
        while True:
            status = http(f"http://127.0.0.1:{args.port}/_bench/job/{job_id}")
            if status["finished"]:
                break
            time.sleep(0.5)
        job_end = time.time()
        time.sleep(1.0)
        client_proc.stdin.write("stop\n")
        client_proc.stdin.flush()
        client_proc.wait(timeout=60)
        samples = json.loads((tmp / "samples.json").read_text())
    finally:
        if client_proc and client_proc.poll() is None:
            client_proc.kill()
        server.terminate()
        server.wait(timeout=10)

    base = [lat * 1000 for t, lat in samples if base_start <= t < base_end]
    during = [lat * 1000 for t, lat in samples if job_start <= t < job_end]
    print(f"job: {status['status']} {status.get('error') or ''}")
    print(f"  {args.members} passes (8 per A4 sheet, 2 QR codes each) in a separate worker process: "
          f"{status['seconds']:.1f} s from request to file ({status['run_seconds']:.1f} s in the worker), "
          f"{(status['result_size'] or 0) / 1e6:.1f} MB; target <= 60 s: "
          + ("OK" if status["seconds"] and status["seconds"] <= 60 else "MISSED"))
    print(f"broadcast latency to {args.clients} clients, one tick every {TICK * 1000:.0f} ms:")
    for label, values in (("baseline (no job)", base), ("during the job", during)):
        print(f"  {label:<18} n={len(values):6d}  p50 {pct(values, .5):7.1f} ms  p95 {pct(values, .95):7.1f} ms"
              f"  max {max(values) if values else float('nan'):7.1f} ms")
    ok = during and pct(during, .95) < 500
    print("target p95 < 500 ms during the job: " + ("OK" if ok else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
