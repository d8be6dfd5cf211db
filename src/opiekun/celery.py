"""The Celery application. Workers and beat run as `opiekun worker` or `celery -A opiekun`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opiekun.settings")

app = Celery("opiekun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
