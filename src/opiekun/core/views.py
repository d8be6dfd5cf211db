import logging

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from opiekun.core import language
from opiekun.core.access import is_staff_member, organisation_id_of

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Where "/" leads: staff to the console, contacts to the portal, others to sign in."""
    if is_staff_member(request.user):
        return redirect("console:queue")
    if organisation_id_of(request.user) is not None:
        return redirect("portal:home")
    return redirect_to_login("/")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: kept on the person's record, then the cookie."""
    chosen = request.POST.get("language", "")
    if chosen not in language.LANGUAGES:
        # Never echo the caller's value: in an HTML page it would run. Plain text anyway.
        offered = ", ".join(sorted(language.LANGUAGES))
        return HttpResponseBadRequest(
            f"language: not offered; choose one of {offered}",
            content_type="text/plain; charset=utf-8",
        )
    language.remember(request.user, chosen)
    return set_language(request)
