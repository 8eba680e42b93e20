"""数字化会议服务系统 — the application factory."""
from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

# Every domain package; each may have routes.py (a blueprint named ``bp``), events.py (socket handlers),
# cli.py (a ``register(app)`` function) and models.py. Order matters only for the navigation.
DOMAINS = ("accounts", "audit", "home", "delegate", "meetings", "registration", "seating", "checkin", "agenda", "voting",
           "consult", "reports", "jobs", "ops")


def optional_module(module: str):
    """Import ``conference.<module>``, or None when that domain or part does not exist."""
    try:
        return importlib.import_module(f"conference.{module}")
    except ModuleNotFoundError as exc:
        if exc.name is not None and f"conference.{module}".startswith(exc.name):
            return None  # the domain or that part of it does not exist (yet)
        raise


def create_app(config=None) -> Flask:
    from config import config_from_env

    from . import dbsetup  # noqa: F401  (engine event listeners)
    from .errors import register_error_handlers
    from .logging_setup import configure_logging
    from .realtime import make_client_manager
    from .extensions import csrf, db, limiter, login_manager, migrate, socketio
    from .web import register_web

    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=False)
    config = config or config_from_env()
    app.config.from_object(config)
    if isinstance(config, type) and hasattr(config, "init_app"):
        config.init_app(app)
    _engine_options(app)

    # Import every domain's parts first: socket handlers must be declared before socketio.init_app,
    # or a second app (tests run SQLite and PostgreSQL apps) would lose them.
    parts = {part: [m for m in (optional_module(f"{name}.{part}") for name in DOMAINS) if m is not None]
             for part in ("models", "routes", "events", "cli")}

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        client_manager=make_client_manager(app.config.get("SOCKETIO_MESSAGE_QUEUE"),
                                           app.config.get("SOCKETIO_CHANNEL", "flask-socketio")),
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),
        ping_interval=20, ping_timeout=25,
        max_http_buffer_size=1_000_000,
    )
    register_error_handlers(app)
    register_web(app)

    for module in parts["routes"]:
        app.register_blueprint(module.bp)
    for module in parts["cli"]:
        module.register(app)
    configure_logging(app)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app


def _engine_options(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        from sqlalchemy.pool import QueuePool, StaticPool

        options.setdefault("connect_args", {"check_same_thread": False, "timeout": 15})
        if uri in ("sqlite://", "sqlite:///:memory:"):
            options.setdefault("poolclass", StaticPool)
        elif _cooperative():
            # One connection per process, shared cooperatively: green threads queue for it instead of
            # busy-waiting on SQLite's file lock inside C (which would block the whole process).
            options.setdefault("poolclass", QueuePool)
            options.setdefault("pool_size", 1)
            options.setdefault("max_overflow", 0)
            options.setdefault("pool_timeout", 60)
        else:
            options.setdefault("poolclass", QueuePool)
            options.setdefault("pool_size", 10)
            options.setdefault("max_overflow", 10)
    else:
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 20)
        # No pre-ping: it costs a round trip on every checkout (every ballot). After a database restart the
        # first use of a dead connection fails cleanly (503) and invalidates the whole pool; the next succeeds.
        options.setdefault("pool_recycle", 1800)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _cooperative() -> bool:
    """Is this process monkey-patched for green threads (the gevent server, gunicorn's gevent worker)?"""
    import sys

    if "gevent.monkey" in sys.modules:
        from gevent import monkey

        if monkey.is_module_patched("socket"):
            return True
    if "eventlet.patcher" in sys.modules:
        from eventlet import patcher

        return bool(patcher.is_monkey_patched("socket"))
    return False
