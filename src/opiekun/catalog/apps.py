from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "opiekun.catalog"
    label = "catalog"
    verbose_name = _("Vendors, products, calendars, plans and add-ons")

    def ready(self) -> None:
        from opiekun.catalog import stamps

        stamps.connect()
