"""码上商量 rate limits with Flask-Limiter switched on (memory storage), on an app of their own."""
from __future__ import annotations

import uuid

import pytest

from conference.extensions import db, limiter


@pytest.fixture
def limited_app(tmp_path, monkeypatch):
    from config import TestingConfig
    from conference import create_app

    class Cfg(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'rl.db'}"
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        TRUST_PROXY = False
        SERVER_NAME = "localhost"

    app = create_app(Cfg)
    # the limiter is one shared object: keep it on for this test only, with empty counters
    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()
    with app.app_context():
        db.create_all()
        from conference.consult.models import Topic

        db.session.add(Topic(slug="rl", title="限流测试议题", status="open"))
        db.session.commit()
    yield app
    limiter.reset()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _post(client, i, **headers):
    return client.post("/s/rl", data={"text": f"第{i}条不重复的建议内容", "consent": "y"}, headers=headers)


def _count(app):
    from conference.consult.models import Suggestion

    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Suggestion))


def test_five_suggestions_a_minute_per_address(limited_app):
    client = limited_app.test_client()
    assert [_post(client, i).status_code for i in range(5)] == [303] * 5
    response = _post(client, 5)
    assert response.status_code == 429
    assert "提交过于频繁" in response.get_data(as_text=True)
    assert _count(limited_app) == 5
    # reading the page is not limited by the submissions
    assert client.get("/s/rl").status_code == 200
    # another address may still post
    other = limited_app.test_client()
    assert other.post("/s/rl", data={"text": "另一个地址的建议", "consent": "y"},
                      environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 303
    assert _count(limited_app) == 6


def test_forwarded_address_is_trusted_only_behind_a_proxy(limited_app, monkeypatch):
    client = limited_app.test_client()
    # without TRUST_PROXY a forged X-Forwarded-For does not buy new allowances
    codes = [_post(client, i, **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(7)]
    assert codes == [303] * 5 + [429] * 2
    monkeypatch.setitem(limited_app.config, "TRUST_PROXY", True)
    codes = [_post(client, 100 + i, **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(7)]
    assert codes == [303] * 7
    codes = [_post(client, 200 + i, **{"X-Forwarded-For": "192.0.2.9"}).status_code for i in range(6)]
    assert codes == [303] * 5 + [429]


def test_page_views_have_a_generous_limit(limited_app, monkeypatch):
    monkeypatch.setitem(limited_app.config, "CONSULT_VIEW_LIMIT", "8/minute")
    client = limited_app.test_client()
    codes = [client.get("/s/rl").status_code for _ in range(10)]
    assert codes == [200] * 8 + [429] * 2


def test_local_windows_count_per_key_expire_and_sweep(monkeypatch):
    """The in-process counters used with memory:// storage: N per window per key, a new window after expiry,
    expired windows swept."""
    from limits import parse

    from conference.consult import routes

    now = [1000.0]
    monkeypatch.setattr(routes.time, "time", lambda: now[0])
    windows = routes.LocalWindows()
    item = parse("3/minute")
    assert [windows.hit(item, "consult", "submit", "a") for _ in range(4)] == [True, True, True, False]
    assert windows.hit(item, "consult", "submit", "b")  # another address has its own window
    now[0] += 61
    assert windows.hit(item, "consult", "submit", "a")  # a new window
    now[0] += 61 + routes.LocalWindows.SWEEP_SECONDS
    windows.hit(item, "consult", "submit", "c")
    assert list(windows.windows) == [item.key_for("consult", "submit", "c")]


def test_submission_limits_on_redis_share_limits_keys(tmp_path, monkeypatch):
    """With Redis storage both submission limits are counted in one pipeline, under the keys Flask-Limiter's
    own strategy uses: 3/minute then 429, and limits' strategy sees the same count."""
    import redis

    from config import TestingConfig
    from conference import create_app
    from conference.consult import routes
    from tests.services import require_redis

    url = require_redis()

    class Cfg(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'rl.db'}"
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = url
        CONSULT_SUBMIT_LIMIT = "3/minute;30/hour"
        TRUST_PROXY = False

    app = create_app(Cfg)
    monkeypatch.setattr(limiter, "enabled", True)
    calls = []
    real = routes._redis_hits
    monkeypatch.setattr(routes, "_redis_hits", lambda *a: calls.append(1) or real(*a))
    with app.app_context():
        db.create_all()
        from conference.consult.models import Topic

        db.session.add(Topic(slug="rl", title="限流测试议题", status="open"))
        db.session.commit()
    address = f"test-{uuid.uuid4().hex}"  # the Redis is shared: keys of this test only, deleted at the end
    try:
        client = app.test_client()
        addr = {"REMOTE_ADDR": address}
        codes = [client.post("/s/rl", data={"text": f"第{i}条红色存储的建议", "consent": "y"},
                             environ_base=addr).status_code for i in range(4)]
        assert codes == [303, 303, 303, 429] and len(calls) == 4
        assert _count(app) == 3
        with app.app_context():
            strategy = limiter.limiter
            minute, hour = routes._parsed_limits("3/minute;30/hour")
            assert strategy.get_window_stats(minute, "consult", "submit", address).remaining == 0
            assert strategy.get_window_stats(hour, "consult", "submit", address).remaining == 26
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"LIMITS:*{address}*"))
        if keys:
            client.delete(*keys)
        client.close()
