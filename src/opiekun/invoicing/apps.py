from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "opiekun.invoicing"
    label = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        # Connects the receivers of the hooks that lower apps send (ARCHITECTURE rule 7).
        from opiekun.invoicing import receivers  # noqa: F401
