from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opiekun.core"
    label = "core"
    verbose_name = _("Audit events and shared foundations")
