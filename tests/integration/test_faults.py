"""Faults in production shape (gunicorn gevent worker, PostgreSQL, Redis), each on servers of the test's own."""
from __future__ import annotations

import pytest
import requests
from tests.cluster import (Cluster, PrivatePostgres, PrivateRedis, csrf_of, delegates, socket_client, staff_session,
                           wait_for)

pytestmark = pytest.mark.multiprocess


def _passes(cluster, count):
    sitting_id, people = delegates(cluster, count)
    return sitting_id, [p["pass"] for p in people]


def test_redis_down_single_worker_keeps_working_and_says_so(tmp_path):
    redis_server = PrivateRedis(tmp_path).start()
    cluster = Cluster(tmp_path, size=1, members=30, redis_url=redis_server.url,
                      env={"RATELIMIT_STORAGE_URI": redis_server.url}).start()
    try:
        url = cluster.urls[0]
        sitting_id, passes = _passes(cluster, 3)
        board = socket_client(url, staff_session(url, "mishu"))
        board.call("sitting:join", {"sitting_id": sitting_id}, timeout=10)
        station = staff_session(url, "qiandao")
        token = csrf_of(station, f"{url}/checkin/sittings/{sitting_id}/station")

        def scan(code, n):
            r = station.post(f"{url}/checkin/sittings/{sitting_id}/scan", headers={"X-CSRFToken": token},
                             json={"code": code, "station": "东门", "nonce": f"fault-nonce-{n:04d}"}, timeout=20)
            assert r.status_code == 200 and r.json()["ok"], r.text
        def present():
            return max((p["figures"]["present"] for e, p in board.received if e == "checkin:board"), default=0)

        scan(passes[0], 1)
        assert wait_for(lambda: present() >= 1, timeout=10)
        assert requests.get(f"{url}/readyz", timeout=10).json()["redis"]["ok"] is True

        redis_server.stop()
        ready = requests.get(f"{url}/readyz", timeout=10)
        assert ready.status_code == 200 and ready.json()["redis"]["ok"] is False
        assert ready.json()["database"]["ok"] is True
        scan(passes[1], 2)  # HTTP, the database and the rate limiter (memory fallback) keep working
        assert wait_for(lambda: present() >= 2, timeout=15), board.received  # delivered locally
        log = (tmp_path / f"gunicorn-{cluster.ports[0]}.log").read_text(errors="replace")
        assert "redis unreachable" in log

        redis_server.start()  # same port
        assert wait_for(lambda: requests.get(f"{url}/readyz", timeout=10).json()["redis"]["ok"], timeout=15)
        scan(passes[2], 3)
        assert wait_for(lambda: present() >= 3, timeout=15)
        board.disconnect()
    finally:
        cluster.stop()
        redis_server.stop()


def test_postgresql_restart_fails_cleanly_and_recovers_without_restarting_the_app(tmp_path):
    postgres = PrivatePostgres().init()
    cluster = Cluster(tmp_path, size=1, members=20, database_url=postgres.url).start()
    try:
        url = cluster.urls[0]
        staff = staff_session(url, "mishu")
        assert staff.get(f"{url}/meetings/", timeout=10).status_code == 200

        postgres.stop()
        ready = requests.get(f"{url}/readyz", timeout=20)
        assert ready.status_code == 503 and ready.json()["database"]["ok"] is False
        page = staff.get(f"{url}/meetings/", timeout=20)
        assert page.status_code == 503 and "数据库暂时不可用" in page.text  # a clean page, not a hang or a trace
        api = staff.post(f"{url}/checkin/sittings/1/scan", json={"code": "x"}, headers={"Accept": "application/json"},
                         timeout=20)
        assert api.status_code in (400, 503)  # CSRF refusal or a clean JSON error, never a hang
        assert requests.get(f"{url}/healthz", timeout=10).status_code == 200  # the process itself is up

        postgres.start()
        assert wait_for(lambda: requests.get(f"{url}/readyz", timeout=10).status_code == 200, timeout=30)
        assert staff.get(f"{url}/meetings/", timeout=10).status_code == 200  # same worker process, same session
        assert cluster.procs[0].poll() is None
    finally:
        cluster.stop()
        postgres.destroy()
