"""gunicorn settings for production: gevent workers on PostgreSQL + Redis.

    gunicorn -c scripts/deploy/gunicorn.conf.py conference.wsgi:app

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...).
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Socket.IO state is shared through Redis (SOCKETIO_MESSAGE_QUEUE), so workers can be added freely;
# behind nginx use websocket-only clients with round robin, or ip_hash for polling clients.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gevent"
# The default of 1,000 silently caps connected clients (then even plain HTTP hangs): one plenary needs 3,000+.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "10000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Long-lived websockets must not be recycled mid-sitting.
max_requests = 0
accesslog = os.environ.get("GUNICORN_ACCESSLOG", None)  # the app logs each request with its request id
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "conference"


def post_fork(server, worker):
    # Each worker opens its own database connections; nothing from the master may be shared.
    server.log.info("worker %s ready (gevent, %s connections)", worker.pid, worker_connections)
