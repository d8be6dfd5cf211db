"""The Celery application. Workers and beat run as `opiekun worker` and `opiekun beat`
(or `celery -A opiekun`). Each task goes to the queue of its kind, and only the tasks
that may safely run twice are acknowledged late (opiekun.queues, ADR 0024)."""

import os

from celery import Celery
from kombu import Queue

from opiekun import queues

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opiekun.settings")

app = Celery("opiekun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in queues.QUEUES]
app.conf.task_routes = queues.task_routes()
app.conf.task_annotations = queues.task_annotations()
app.autodiscover_tasks()

# The request id rides along into tasks, task runs are counted, and the worker logs as
# the web does (observability/celerysignals.py).
from opiekun.observability import celerysignals  # noqa: E402

celerysignals.connect()
