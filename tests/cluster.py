"""Production-shaped servers for tests: gunicorn gevent workers on one PostgreSQL database and one Redis."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from tests import services

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """Several gunicorn masters (one gevent worker each, separate processes and ports), production config.

    ``sqlite=True``: one SQLite file in ``tmp`` instead of PostgreSQL, no Redis (no message queue), the
    development config (production refuses SQLite) — the single-worker shape of a small deployment."""

    def __init__(self, tmp: Path, size: int = 2, members: int = 40, *, database_url: str | None = None,
                 redis_url: str | None = None, env: dict | None = None, sqlite: bool = False,
                 prepare_timeout: float = 300):
        self.tmp = tmp
        self.size = size
        self.members = members
        self.prepare_timeout = prepare_timeout
        self.own_database = database_url is None and not sqlite
        if sqlite:
            database_url = database_url or f"sqlite:///{tmp / 'conference.db'}"
        self.database_url = database_url or services.create_pg_database("conf_cluster")
        self.channel = f"conference-test-{uuid.uuid4().hex[:8]}"
        self.env = {**os.environ, "CONFERENCE_ENV": "production", "SECRET_KEY": "cluster-secret-" + "x" * 20,
                    "DATABASE_URL": self.database_url, "SOCKETIO_CHANNEL": self.channel,
                    "CONFERENCE_INSTANCE": str(tmp), "UPLOAD_DIR": str(tmp / "up"),
                    "RATELIMIT_STORAGE_URI": "memory://", "LOG_LEVEL": "WARNING",
                    "GUNICORN_WORKERS": "1", "SESSION_COOKIE_SECURE": "0"}
        if sqlite:
            self.env["CONFERENCE_ENV"] = "development"
            for name in ("REDIS_URL", "SOCKETIO_MESSAGE_QUEUE"):
                self.env.pop(name, None)
        else:
            self.env["REDIS_URL"] = redis_url or services.require_redis()
        self.env.update(env or {})
        self.env.pop("TEST_DATABASE_URL", None)
        self.procs: list[subprocess.Popen | None] = []
        self.ports: list[int] = []

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def prepare(self) -> None:
        """Migrate the database as production does, then load demo data."""
        flask = [sys.executable, "-m", "flask", "--app", "conference"]
        for args in (["db", "upgrade"], ["demo", "load", "--members", str(self.members)]):
            run = subprocess.run(flask + args, cwd=ROOT, env=self.env, capture_output=True, text=True,
                                 timeout=self.prepare_timeout)
            if run.returncode != 0:
                raise RuntimeError(f"{args}: {run.stdout}{run.stderr}")

    def start(self) -> "Cluster":
        self.prepare()
        for _ in range(self.size):
            self.ports.append(free_port())
            self.procs.append(None)
        for index in range(self.size):
            self.start_worker(index)
        return self

    def start_worker(self, index: int) -> None:
        port = self.ports[index]
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        log = open(self.tmp / f"gunicorn-{port}.log", "ab")
        self.procs[index] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "scripts/deploy/gunicorn.conf.py", "conference.wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {port} did not start: {(self.tmp / f'gunicorn-{port}.log').read_text()[-3000:]}")

    def kill_worker(self, index: int) -> None:
        proc = self.procs[index]
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def stop(self) -> None:
        for index in range(len(self.procs)):
            self.kill_worker(index)
        if self.own_database:
            services.drop_pg_database(self.database_url)


def staff_session(base_url: str, username: str, password: str = "demo-2026") -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/login").text
    token = re.search(r'name="staff-csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'id="staff-csrf_token"[^>]*value="([^"]+)"', page)
    r = session.post(f"{base_url}/login", data={"staff-csrf_token": token.group(1), "staff-username": username,
                                                "staff-password": password, "staff-submit": "登录"},
                     allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    return session


def member_session(base_url: str, login_path: str) -> requests.Session:
    session = requests.Session()
    r = session.get(base_url + login_path, allow_redirects=False)
    assert r.status_code == 302, r.text[:300]
    return session


def csrf_of(session: requests.Session, url: str) -> str:
    page = session.get(url).text
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def socket_client(base_url: str, session: requests.Session):
    """A python-socketio client on the websocket transport, authenticated by the session cookie."""
    import socketio

    client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
    received: list[tuple[str, object]] = []
    client.on("*", lambda event, data=None: received.append((event, data)))
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.get_dict().items())
    # a callable: engine.io removes the Cookie header from a dict it is given, so reconnects would lose it
    client.connect(base_url, headers=lambda: {"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    client.received = received
    return client


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class PrivateRedis:
    """A Redis server of the test's own, so that it can be stopped without touching the shared one."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.tmp = tmp
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.tmp)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        wait_for(lambda: _pings(redis, self.url), timeout=10)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _pings(redis_module, url) -> bool:
    try:
        return redis_module.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        return False


class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb in a temp folder, run as the postgres user), to restart it."""

    def __init__(self):
        import glob
        import tempfile

        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        # outside pytest's tmp tree, which is private to root and closed to the postgres user
        self.tmp = Path(tempfile.mkdtemp(prefix="conference-pg-"))
        self.data = self.tmp / "pgdata"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/conference"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)

    def init(self) -> "PrivatePostgres":
        self.data.mkdir(parents=True)
        shutil.chown(self.tmp, "postgres")
        shutil.chown(self.data, "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self._as_postgres(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                          "conference")
        return self

    def start(self) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.data / "log"),
                          "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")

    def destroy(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                        "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.tmp, ignore_errors=True)


def delegates(cluster: Cluster, count: int) -> tuple[int, list[dict]]:
    """The opening plenary and ``count`` of its voting members (not on leave), each with a check-in pass and a
    login path signed with the cluster's key, as printed on their passes."""
    from sqlalchemy import create_engine, text

    from conference.accounts import tokens

    key = tokens.derive_key(cluster.env["SECRET_KEY"], 1)
    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        sitting_id = conn.execute(text("SELECT id FROM sitting WHERE body = 'all' ORDER BY starts_at LIMIT 1")).scalar()
        rows = conn.execute(text(
            "SELECT id, name, credential_version FROM member WHERE kind = '委员' AND active AND id NOT IN "
            "(SELECT member_id FROM leave_request WHERE sitting_id = :s) ORDER BY id LIMIT :n"),
            {"s": sitting_id, "n": count}).all()
    engine.dispose()
    return sitting_id, [{"id": r.id, "name": r.name,
                         "pass": tokens.sign(tokens.KIND_CHECKIN, r.id, r.credential_version, key_id=1, key=key),
                         "login": "/t/" + tokens.sign(tokens.KIND_LOGIN, r.id, r.credential_version, key_id=1, key=key)}
                        for r in rows]
