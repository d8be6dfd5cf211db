"""Every error the API returns is JSON with a machine-readable ``code`` and a ``detail``
a person can read; a rejected field is named in ``field``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError

from opiekun.contracts.actions import ContractError
from opiekun.contracts.banks import BankError
from opiekun.contracts.statements import StatementError
from opiekun.tariff import BillingError
from opiekun.tickets.actions import IntakeError
from opiekun.tickets.attachments import AttachmentError

DOMAIN_ERRORS = (
    IntakeError,
    BillingError,
    BankError,
    ContractError,
    StatementError,
    AttachmentError,
)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Also what anyone gets for something they may not see: it does not exist for them.
        return api.create_response(
            request, {"code": "not_found", "detail": "Not found."}, status=404
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {
                "code": "unauthenticated",
                "detail": "Sign in, or send 'Authorization: Bearer <token>'.",
            },
            status=401,
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After (whole seconds) to this response.
        return api.create_response(
            request,
            {"code": "throttled", "detail": "Too many requests; retry after Retry-After seconds."},
            status=429,
        )

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request,
            {
                "code": "invalid",
                "detail": "The request does not match the schema.",
                "errors": exc.errors,
            },
            status=422,
        )

    def domain_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        return rejected(api, request, exc)

    for error in DOMAIN_ERRORS:
        api.add_exception_handler(error, domain_error)  # type: ignore[arg-type]


def rejected(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    """Domain errors read 'field: what is wrong'."""
    message = str(exc)
    field, sep, detail = message.partition(": ")
    if not sep or " " in field:
        field, detail = "", message
    return api.create_response(
        request, {"code": "rejected", "field": field or None, "detail": detail}, status=400
    )
