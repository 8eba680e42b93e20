"""Fixtures: the app on SQLite and on PostgreSQL (every test that takes ``app`` runs on both),
logged-in clients for each role, Socket.IO test clients, and small factories."""
from __future__ import annotations

import contextlib
import os
from datetime import date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient
from sqlalchemy import text

from tests import services

os.environ.setdefault("CONFERENCE_ENV", "testing")

BACKENDS = ("sqlite", "postgresql")


@contextlib.contextmanager
def isolated():
    """Run a request as production does: in its own app context (own DB session, own ``g``),
    even while the test itself holds an app context. The test's own session is committed before (the request
    sees the test's changes) and after (the test's next read sees the request's changes, also on SQLite, whose
    open read transactions keep their snapshot)."""
    from flask import has_app_context
    from flask.globals import _cv_app

    from conference.extensions import db

    if has_app_context():
        db.session.commit()
    token = _cv_app.set(None)
    try:
        yield
    finally:
        _cv_app.reset(token)
        if has_app_context():
            db.session.commit()


class IsolatedClient(FlaskClient):
    def open(self, *args, **kwargs):
        with isolated():
            return super().open(*args, **kwargs)

    @contextlib.contextmanager
    def session_transaction(self, *args, **kwargs):
        with isolated(), super().session_transaction(*args, **kwargs) as session:
            yield session


class IsolatedSocketClient(SocketIOTestClient):
    def __init__(self, *args, **kwargs):
        with isolated():
            super().__init__(*args, **kwargs)

    def emit(self, *args, **kwargs):
        with isolated():
            return super().emit(*args, **kwargs)

    def disconnect(self, *args, **kwargs):
        with isolated():
            return super().disconnect(*args, **kwargs)


def _make_app(backend: str, tmp_path_factory):
    from config import TestingConfig
    from conference import create_app

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = services.create_pg_database()

    class Cfg(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = tmp_path_factory.mktemp("uploads")
        SERVER_NAME = "localhost"

    app = create_app(Cfg)
    app.test_client_class = IsolatedClient
    return app, url


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    from conference.extensions import db

    app, url = _make_app(request.param, tmp_path_factory)
    app.config["BACKEND"] = request.param
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        services.drop_pg_database(url)


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from conference.extensions import db
    from conference.realtime import throttle

    throttle._dirty.clear()
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def jobs_config(app, tmp_path, monkeypatch):
    """Background jobs written under the test's folder and run by the test itself (services.run_job)."""
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setitem(app.config, "JOBS_RUNNER", "manual")
    return app


@pytest.fixture
def client(app):
    return app.test_client()


# ---- factories -------------------------------------------------------------------------------------------

class Factory:
    def __init__(self, app):
        self.app = app
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def user(self, role="secretariat", username=None, password="password123"):
        from conference.accounts.models import User
        from conference.extensions import db

        n = self._next()
        user = User(username=username or f"{role}{n}", display_name=f"员工{n}", role=role)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    def sector(self, name=None, position=None):
        from conference.extensions import db
        from conference.registration.models import Sector

        n = self._next()
        sector = Sector(name=name or f"界别{n}", position=position or n)
        db.session.add(sector)
        db.session.commit()
        return sector

    def member(self, name=None, sector=None, kind="委员", committee_role="委员", **kw):
        from conference.extensions import db
        from conference.registration.models import Member

        n = self._next()
        member = Member(member_no=kw.pop("member_no", f"T{n:05d}"), name=name or f"委员{n}", sector=sector,
                        kind=kind, committee_role=committee_role, **kw)
        db.session.add(member)
        db.session.commit()
        return member

    def members(self, count, **kw):
        from conference.extensions import db
        from conference.registration.models import Member

        made = []
        for _ in range(count):
            n = self._next()
            made.append(Member(member_no=f"T{n:05d}", name=f"委员{n}", **kw))
        db.session.add_all(made)
        db.session.commit()
        return made

    def meeting(self, title="测试会议", **kw):
        from conference.extensions import db
        from conference.meetings.models import Meeting

        meeting = Meeting(title=title, venue=kw.pop("venue", "会议中心"),
                          starts_on=kw.pop("starts_on", date.today()),
                          ends_on=kw.pop("ends_on", date.today() + timedelta(days=2)), **kw)
        db.session.add(meeting)
        db.session.commit()
        return meeting

    def sitting(self, meeting=None, title="第一次全体会议", **kw):
        from conference.extensions import db
        from conference.meetings.models import Sitting
        from conference.timeutil import utcnow

        meeting = meeting or self.meeting()
        sitting = Sitting(meeting=meeting, title=title, starts_at=kw.pop("starts_at", utcnow()),
                          place=kw.pop("place", "主会场"), **kw)
        db.session.add(sitting)
        db.session.commit()
        return sitting


@pytest.fixture
def make(ctx):
    return Factory(ctx)


def login(client, principal_id: str) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = principal_id
        session["_fresh"] = True


@pytest.fixture
def login_as(app, make):
    """login_as(client, "secretariat") or login_as(client, member) → the logged-in object."""
    def _login(client, who):
        from conference.registration.models import Member

        if isinstance(who, Member):
            login(client, f"m:{who.id}:{who.credential_version}")
            return who
        user = who if not isinstance(who, str) else make.user(role=who)
        login(client, f"s:{user.id}")
        return user
    return _login


@pytest.fixture
def staff_client(app, login_as):
    client = app.test_client()
    login_as(client, "secretariat")
    return client


@pytest.fixture
def socket_client(app):
    """socket_client(flask_client) → a Socket.IO test client sharing the Flask client's login cookie."""
    from conference.extensions import socketio

    made = []

    def _make(flask_client):
        sc = IsolatedSocketClient(app, socketio, flask_test_client=flask_client)
        made.append(sc)
        return sc
    yield _make
    for sc in made:
        if sc.is_connected():
            sc.disconnect()
