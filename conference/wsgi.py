"""WSGI entry for gunicorn (``gunicorn -c deploy/gunicorn.conf.py conference.wsgi:app``).

gunicorn's gevent worker monkey-patches before importing this module.
"""
from conference import create_app

app = create_app()
