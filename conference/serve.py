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

    serve(create_app(), args.host, args.port, cert=args.cert, key=args.key)


def serve(app, host: str, port: int, *, cert: str | None = None, key: str | None = None) -> None:
    """Serve ``app`` (HTTP + Socket.IO) in this process with the configured async mode."""
    from conference.extensions import socketio

    tls = {"certfile": cert, "keyfile": key} if cert and key else {}
    if _MODE != "gevent":
        socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True, **tls)
        return
    import socket

    from gevent import pywsgi
    from gevent import socket as gsocket

    # What socketio.run does for gevent, plus TCP_NODELAY: without it every small response waits ~40 ms
    # for the client's delayed ACK (Nagle), which a check-in station feels on every scan.
    listener = gsocket.socket(gsocket.AF_INET, gsocket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted connections
    listener.bind((host, port))
    listener.listen(4096)
    pywsgi.WSGIServer(listener, app, log=None, **tls).serve_forever()


if __name__ == "__main__":
    main()
