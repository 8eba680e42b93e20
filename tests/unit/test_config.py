import pytest

from config import ConfigError, ProductionConfig


def test_production_refuses_to_start_without_settings(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError) as excinfo:
        ProductionConfig.init_app(None)
    assert "SECRET_KEY" in str(excinfo.value) and "REDIS_URL" in str(excinfo.value)


def test_production_requires_postgresql(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    with pytest.raises(ConfigError):
        ProductionConfig.init_app(None)


def test_production_app_uses_gevent_redis_queue_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    import importlib

    import config
    importlib.reload(config)
    try:
        assert config.ProductionConfig.SESSION_COOKIE_SECURE is True
        assert config.ProductionConfig.SOCKETIO_ASYNC_MODE == "gevent"
        assert config.ProductionConfig.SOCKETIO_MESSAGE_QUEUE == "redis://127.0.0.1:6379/0"
        config.ProductionConfig.init_app(None)
    finally:
        monkeypatch.undo()
        importlib.reload(config)
