"""WSGI entry point for production servers (waitress via `kamkit up`, or gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.config.settings")
application = get_wsgi_application()
