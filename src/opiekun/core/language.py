"""The language a signed-in person chose, kept on their contact or staff record, so it
follows them from device to device (the cookie alone would not)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Choices
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from opiekun.core import audit

LANGUAGES = {code for code, _ in settings.LANGUAGES}


def preferred(user: AbstractBaseUser | AnonymousUser) -> str:
    if not user.is_authenticated:
        return ""
    for holder in ("contact", "staff_member"):
        person = getattr(user, holder, None)
        if person is not None and getattr(person, "language", "") in LANGUAGES:
            return str(person.language)
    return ""


def remember(user: AbstractBaseUser | AnonymousUser, language: str) -> None:
    """Saves the choice on the person's record, audited; nothing for strangers."""
    if language not in LANGUAGES:
        raise ValueError(f"language: {language!r} is not one of {', '.join(sorted(LANGUAGES))}")
    if not user.is_authenticated:
        return
    for holder in ("contact", "staff_member"):
        person = getattr(user, holder, None)
        if person is not None and person.language != language:
            with transaction.atomic():
                type(person).objects.filter(pk=person.pk).update(language=language)
                audit.record("person.language_changed", person, actor=user, language=language)
            person.language = language


class UserLanguageMiddleware:
    """After authentication: a signed-in person's saved language wins over the cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = preferred(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# Explanations stored on records (why a channel is closed, why no guarantee, a grant's
# reason) are written once, in English, whoever's request wrote them, so one record never
# mixes two languages; the screens translate everything around them.
STORED_TEXT_LANGUAGE = "en"


def stored_label(choice: Choices) -> str:
    """A choice's label for text stored on a record."""
    with translation.override(STORED_TEXT_LANGUAGE):
        return str(choice.label)
