"""The Alembic migrations build exactly the schema the models describe."""
import subprocess
import sys

from tests import services


def test_migrations_match_models_on_postgresql_and_sqlite(tmp_path):
    pg_url = services.create_pg_database("conf_migr")
    try:
        for url in (f"sqlite:///{tmp_path / 'm.db'}", pg_url):
            env = {"DATABASE_URL": url, "FLASK_APP": "conference", "CONFERENCE_ENV": "development",
                   "CONFERENCE_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin"}
            up = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=env, capture_output=True, text=True)
            assert up.returncode == 0, up.stderr
            check = subprocess.run([sys.executable, "-m", "flask", "db", "check"], env=env, capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr
    finally:
        services.drop_pg_database(pg_url)
