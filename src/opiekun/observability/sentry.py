"""Optional error reporting to Sentry (or a compatible server such as GlitchTip):
switched on by SENTRY_DSN alone. No personal data is sent (send_default_pii off: no
user names, addresses, cookies or request bodies), only the error and its stack."""

from __future__ import annotations


def start(dsn: str, environment: str, release: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        # Errors only: tracing is a cost an operator chooses, not a default.
        traces_sample_rate=0.0,
    )
