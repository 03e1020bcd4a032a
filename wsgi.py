"""WSGI entry point: `gunicorn -w 4 wsgi:app`."""
from aidcoord import create_app

app = create_app()
