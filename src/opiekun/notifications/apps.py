from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "opiekun.notifications"
    label = "notifications"
    verbose_name = _("Staff notifications")

    def ready(self) -> None:
        from opiekun.notifications import (  # noqa: F401
            customer_receivers,
            customer_sweeps,
            dispute_receivers,
            receivers,
        )
