from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "opiekun.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Connects the receivers of the hooks that lower apps send (ARCHITECTURE rule 7).
        from opiekun.reports import hours, receivers  # noqa: F401
