from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opiekun.core"
    label = "core"
    verbose_name = _("Audit events and shared foundations")

    def ready(self) -> None:
        # Every process that runs Django (web, commands, tests) sends tasks through the
        # configured app, never Celery's default one.
        import opiekun.celery  # noqa: F401
