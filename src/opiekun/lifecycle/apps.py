from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    """Data lifecycle (issue 19, item 7): backup and restore, retention, erasure of a
    contact on request. Above mail, tickets and reports: it reads and trims their rows."""

    name = "opiekun.lifecycle"
    label = "lifecycle"
    verbose_name = _("Data lifecycle")
