"""opiekun: a service desk for software vendors that sell support contracts."""

from opiekun.celery import app as celery_app

__all__ = ["celery_app"]
