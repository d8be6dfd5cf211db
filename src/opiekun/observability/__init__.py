"""What an operator watches (issue 19, item 6): JSON logs carrying a request id into the
tasks a request enqueues, Prometheus metrics at /metrics, optional Sentry, and the
liveness and readiness checks. At the project's top beside health.py: the scrape-time
figures read tickets and mailboxes, so its views may import every app. The modules that
every process loads early (requestid, logs, metrics, celerysignals) import no app, so
core (which loads the Celery app) never reaches above itself through them."""
