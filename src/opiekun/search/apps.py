from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "opiekun.search"
    label = "search"
    verbose_name = _("Ticket search")

    def ready(self) -> None:
        from opiekun.search import receivers  # noqa: F401
