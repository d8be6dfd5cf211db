from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "opiekun.tickets"
    label = "tickets"
    verbose_name = _("Tickets, messages and work logs")

    def ready(self) -> None:
        # Connects the receivers of the hooks that lower apps send (ARCHITECTURE rule 7).
        from opiekun.tickets import receivers  # noqa: F401
