"""Real PostgreSQL and Redis for the tests: one throwaway database per test process."""
from __future__ import annotations

import os
import uuid

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _admin_engine():
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def create_pg_database(prefix: str = "conf_test") -> str:
    """Create an empty database and return its URL. A missing server is an error, never a skip."""
    from sqlalchemy import text

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = _admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - the message is the point
        raise RuntimeError(f"PostgreSQL is required for the tests ({PG_ADMIN_URL}): {exc}. "
                           "Run ./scripts/test, which starts it.") from exc
    finally:
        engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    from sqlalchemy import text

    name = url.rsplit("/", 1)[1]
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def require_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # pragma: no cover
        raise RuntimeError(f"Redis is required for the tests ({REDIS_URL}): {exc}. Run ./scripts/test.") from exc
    return REDIS_URL
