"""Helpers for the browser tests: a persona signed in, in its own browser context, and
the page checks every screen must pass (labels on fields, nothing wider than a phone)."""

from __future__ import annotations

from typing import Any

from opiekun.testing.personas import PASSWORD

PHONE = {"width": 375, "height": 740}  # a phone's window, for the pages customers use

# Every visible field with no label to say what it is: a <label for>, a wrapping <label>,
# aria-label or aria-labelledby. Hidden fields and buttons need none.
UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.offsetParent !== null)
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML)"""


# The elements that stick out to the right of the window, to say what to fix.
WIDE = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.scroll'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))"""


def sign_in(
    chromium: Any, base: str, username: str, password: str = PASSWORD, **context: Any
) -> Any:
    page = chromium.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", **context).new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj").click()
    return page


def sign_in_verified(chromium: Any, base: str, user: Any, **context: Any) -> Any:
    """A manager past the second step (their pages want it), for journeys about something
    else: a verified session made by the test client, handed to the browser as a cookie."""
    from django.conf import settings
    from django.test import Client

    from opiekun.testing.signin import verified_login

    client = Client()
    verified_login(client, user)
    browser = chromium.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", **context)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return browser.new_page()


def check_page(page: Any) -> None:
    """Every field labelled; on a phone-sized window, nothing scrolls sideways."""
    assert page.evaluate(UNLABELLED) == [], page.url
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"{page.url} is {width}px wider than the window: {page.evaluate(WIDE)}"
