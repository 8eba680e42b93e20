"""Engine-level settings that depend on the database kind."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Autocommit at the driver level so that SQLAlchemy's "begin" below decides how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        immediate = conn.get_execution_options().get("sqlite_begin_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write() -> None:
    """Call first in a use case that reads then writes under contention (a scan, a ballot).

    On SQLite a deferred BEGIN that reads and then writes fails at once with "database is locked" when
    another connection wrote meanwhile; BEGIN IMMEDIATE takes the write lock up front and waits
    politely (busy_timeout). On PostgreSQL this does nothing.
    """
    from .extensions import db

    session = db.session()
    if session.in_transaction():
        return
    session.connection(execution_options={"sqlite_begin_immediate": True})
