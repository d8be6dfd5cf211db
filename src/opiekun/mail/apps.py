from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "opiekun.mail"
    label = "mail"
    verbose_name = _("E-mail in and out")

    def ready(self) -> None:
        # Connects the receivers of the hooks that lower apps send (ARCHITECTURE rule 7).
        from opiekun.mail import receivers  # noqa: F401
