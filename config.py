"""Configuration classes, read from the environment.

Checks that need the environment (Production's required settings) run in ``init_app``,
never at import, so importing this module is always safe.
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CONFERENCE_INSTANCE", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """Raised when the environment lacks a setting the configuration requires."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # Key id + key for signed QR tokens; rotating the id retires every pass of a batch.
    TOKEN_KEY_ID = int(os.environ.get("TOKEN_KEY_ID", "1"))
    TOKEN_KEYS = None  # derived from SECRET_KEY when not set (see conference.accounts.tokens)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'conference.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = os.environ.get("REDIS_URL")
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or os.environ.get("REDIS_URL")
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "flask-socketio")
    # gevent by default, set explicitly: auto-detection would pick eventlet whenever it is installed.
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not take the hall down: limits fall back to this process's memory meanwhile.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(64 * 1024 * 1024)))
    ROSTER_MAX_ROWS = 20000
    NAME_CONVENTION = os.environ.get("NAME_CONVENTION", "cppcc")  # cppcc | npc
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    COMMITTEE_NAME = os.environ.get("COMMITTEE_NAME", "中国人民政治协商会议济南市委员会")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Seconds a worker reuses a logged-in staff account without reading it again (accounts.services.load_principal):
    # deactivating an account or changing its role takes effect everywhere within this time. 0 = read every request.
    STAFF_PRINCIPAL_TTL = float(os.environ.get("STAFF_PRINCIPAL_TTL", "2"))
    # Behind nginx: take the client address from X-Forwarded-For (rate limits, logs). Off unless proxied.
    TRUST_PROXY = _bool("TRUST_PROXY", False)
    TESTING = False
    DEBUG = False

    @classmethod
    def init_app(cls, app) -> None:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)


class DevelopmentConfig(Config):
    DEBUG = False  # the reloader does not mix with gevent; the run script prints the address instead


class TestingConfig(Config):
    TESTING = True
    LOG_LEVEL = "WARNING"
    SECRET_KEY = "testing-secret"
    STAFF_PRINCIPAL_TTL = 0.0  # ids are reused between tests (tables are emptied); tests that need it set it
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("TEST_SOCKETIO_MESSAGE_QUEUE")
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")

    @classmethod
    def init_app(cls, app) -> None:
        pass


class ProductionConfig(Config):
    # Secure cookies behind TLS (nginx); only a test cluster on loopback http turns this off.
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    @classmethod
    def init_app(cls, app) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "生产环境缺少必需的环境变量：" + "、".join(missing)
                + "（Production requires SECRET_KEY, DATABASE_URL for PostgreSQL and REDIS_URL）")
        if not os.environ["DATABASE_URL"].startswith("postgresql"):
            raise ConfigError("生产环境的 DATABASE_URL 必须是 PostgreSQL（postgresql+psycopg://…）")
        super().init_app(app)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    return CONFIGS[os.environ.get("CONFERENCE_ENV", "development")]
