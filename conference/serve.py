"""Run the server in one process: ``python -m conference.serve [--host H] [--port P] [--cert C --key K]``.

The async library is patched before anything else is imported (database and Redis drivers would
otherwise block the whole process). Production uses gunicorn with ``deploy/gunicorn.conf.py`` instead.
"""
from __future__ import annotations

import os

_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
if _MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif _MODE == "eventlet":  # kept working as a setting; eventlet itself is deprecated
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="数字化会议服务系统")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args(argv)

    from conference import create_app
    from conference.extensions import socketio

    app = create_app()
    options = {"host": args.host, "port": args.port, "log_output": False, "allow_unsafe_werkzeug": True}
    if args.cert and args.key:
        options.update(certfile=args.cert, keyfile=args.key)
    socketio.run(app, **options)


if __name__ == "__main__":
    main()
