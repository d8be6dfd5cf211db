"""The Celery application. Workers and beat run as `opiekun worker` or `celery -A opiekun`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opiekun.settings")

app = Celery("opiekun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id rides along into tasks, task runs are counted, and the worker logs as
# the web does (observability/celerysignals.py).
from opiekun.observability import celerysignals  # noqa: E402

celerysignals.connect()
