"""A real server for browser tests: gevent, a fresh SQLite database with demo data.

python -m tests.e2e.server PORT DB_PATH [MEMBERS]
"""
from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402


def main() -> None:
    port, db_path = int(sys.argv[1]), sys.argv[2]
    members = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path}")
    os.environ.setdefault("SECRET_KEY", "e2e-secret")
    os.environ["RATELIMIT_ENABLED"] = os.environ.get("RATELIMIT_ENABLED", "0")
    from conference import create_app
    from conference.demo import is_empty, load_demo
    from conference.extensions import db
    from conference.serve import serve

    app = create_app()
    with app.app_context():
        db.create_all()
        if is_empty():
            load_demo(member_count=members, attendee_count=5)
            db.session.commit()
    print("READY", flush=True)
    serve(app, "127.0.0.1", port, cert=os.environ.get("E2E_CERT"), key=os.environ.get("E2E_KEY"))


if __name__ == "__main__":
    main()
