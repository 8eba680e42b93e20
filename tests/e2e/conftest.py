"""Browser tests: Debian's Chromium driven by Playwright against a real server process."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, tmp: Path, members: int = 60, env: dict | None = None):
        self.port = free_port()
        scheme = "https" if (env or {}).get("E2E_CERT") else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.db_path = tmp / "e2e.db"
        self.tmp = tmp
        self.members = members
        self.env = {**os.environ, "CONFERENCE_ENV": "development", "CONFERENCE_INSTANCE": str(tmp),
                    "UPLOAD_DIR": str(tmp / "uploads"), "SOCKETIO_ASYNC_MODE": "gevent", **(env or {})}
        self.env.pop("TEST_DATABASE_URL", None)
        self.proc = None

    def start(self) -> "LiveServer":
        log = open(self.tmp / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.e2e.server", str(self.port), str(self.db_path),
                                      str(self.members)], cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {(self.tmp / f'server-{self.port}.log').read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def app_context(self):
        """An app bound to the server's database, to look things up or prepare data from the test."""
        from config import DevelopmentConfig
        from conference import create_app

        class Cfg(DevelopmentConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{self.db_path}"
            SECRET_KEY = "e2e-secret"
            SOCKETIO_ASYNC_MODE = "threading"
        return create_app(Cfg).app_context()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("e2e")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"Debian chromium is required at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def staff_login(page, base_url: str, username: str, password: str = "demo-2026") -> None:
    page.goto(f"{base_url}/login")
    page.get_by_role("tab", name="工作人员登录").click()
    page.fill("#staff-username", username)
    page.fill("#staff-password", password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state("networkidle")
