"""Optional error reporting to Sentry (or a compatible server such as GlitchTip):
switched on by SENTRY_DSN alone. No personal data is sent (send_default_pii off: no
user names, addresses, cookies or request bodies, and no local variables of the stack's
frames, which hold them too), only the error and where it happened."""

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
        # A frame's local variables hold whatever it handled: a session key, a mailbox
        # password, a customer's mail. send_default_pii does not strip them; the stack
        # (files, lines, code) is enough to find a bug.
        include_local_variables=False,
        # Errors only: tracing is a cost an operator chooses, not a default.
        traces_sample_rate=0.0,
    )
