"""opiekun: a service desk for software vendors that sell support contracts.

Nothing is imported here, so the pure modules (workcal, env) load without Django; the
Celery app is set up when Django starts (core/apps.py)."""
