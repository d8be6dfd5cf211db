"""Every error the API returns is JSON with a machine-readable ``code`` and a ``detail``
a person can read; a rejected field is named in ``field``. Nothing answers HTML: not a
body over the size limit (413) and not a fault of ours (500, logged as Django logs it)."""

from __future__ import annotations

import logging
from typing import Any, Literal

from django.core import signals
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from opiekun.catalog.assignment import RuleError
from opiekun.contracts.actions import ContractError
from opiekun.contracts.banks import BankError
from opiekun.contracts.desk import DeskError
from opiekun.contracts.hour_requests import RequestError
from opiekun.contracts.licences import LicenceError
from opiekun.contracts.penalties import PenaltyError
from opiekun.contracts.selling import SaleError
from opiekun.contracts.topup import OfferError
from opiekun.core.bounds import OutOfBounds
from opiekun.customers.actions import ContactError
from opiekun.invoicing.actions import InvoiceError
from opiekun.invoicing.settings_actions import SettingsError
from opiekun.mail.actions import MailError
from opiekun.reports.disputes import DisputeError
from opiekun.reports.exportjobs import ExportError
from opiekun.reports.register import RegisterError
from opiekun.reports.statements import StatementError
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
    OutOfBounds,
    MailError,
    ContactError,
    DeskError,
    DisputeError,
    ExportError,
    LicenceError,
    PenaltyError,
    RequestError,
    RuleError,
    SaleError,
    OfferError,
    InvoiceError,
    SettingsError,
    RegisterError,  # gap 3: a contact approves a register through the API
)

Code = Literal[
    "not_found",
    "unauthenticated",
    "forbidden",
    "invalid",
    "rejected",
    "too_large",
    "server_error",
]


class Error(Schema):
    """What every error response holds."""

    code: Code
    detail: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


# What each status means, for the OpenAPI document (see api.OpiekunAPI).
DESCRIPTIONS = {
    400: "Rejected: the request is well-formed, but the named field cannot be done.",
    401: "Unauthenticated: sign in, or send 'Authorization: Bearer <token>'.",
    403: "Forbidden: not something this kind of user may do.",
    404: "Not found, or not yours to see.",
    413: "The body is over the size limit.",
    422: "Invalid: the named field does not match the schema or its bounds.",
    500: "A fault of ours; it is logged.",
}
HTTP_CODES: dict[int, Code] = {
    400: "rejected",
    403: "forbidden",
    404: "not_found",
    413: "too_large",
    422: "invalid",
}

logger = logging.getLogger("django.request")


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
        field, detail = _first_problem(exc.errors)
        return api.create_response(
            request,
            {
                "code": "invalid",
                "field": field,
                "detail": f"{field}: {detail}" if field else detail,
                "errors": exc.errors,
            },
            status=422,
        )

    @api.exception_handler(HttpError)
    def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return rejected(api, request, exc, status=exc.status_code)

    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(BadRequest)
    @api.exception_handler(MultiPartParserError)
    def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        # What Django itself answers 400: too many fields or files, a malformed body.
        return api.create_response(
            request, {"code": "rejected", "detail": "The request cannot be read."}, status=400
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"code": "forbidden", "detail": "Not yours to do."}, status=403
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(
            request,
            {"code": "too_large", "detail": "The request body is over the size limit."},
            status=413,
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # As Django's own handler would: logged with the traceback (mailed to the admins
        # where so configured), and error trackers told; the caller gets the JSON error.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        signals.got_request_exception.send(sender=None, request=request)
        return api.create_response(
            request,
            {"code": "server_error", "detail": "A fault of ours; it is logged."},
            status=500,
        )

    def domain_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        return rejected(api, request, exc)

    for error in DOMAIN_ERRORS:
        api.add_exception_handler(error, domain_error)  # type: ignore[arg-type]


def _first_problem(errors: list[dict[str, Any]]) -> tuple[str | None, str]:
    """The field of the first error and what is wrong with it. A location reads
    ('body', 'data', 'subject'), ('query', 'offset') or ('path', 'ticket_id'): the
    place, for a body the parameter's name, then the field."""
    if not errors:
        return None, "The request does not match the schema."
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ())]
    names = loc[2:] if loc[:1] in (["body"], ["form"]) and len(loc) > 2 else loc[1:]
    return (".".join(names) or None), str(first.get("msg", "invalid"))


def rejected(
    api: NinjaAPI, request: HttpRequest, exc: Exception, *, status: int = 400
) -> HttpResponse:
    """Domain errors read 'field: what is wrong'."""
    message = str(exc)
    field, sep, detail = message.partition(": ")
    if not sep or " " in field:
        field, detail = "", message
    return api.create_response(
        request,
        {"code": HTTP_CODES.get(status, "rejected"), "field": field or None, "detail": detail},
        status=status,
    )


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Lists on every operation the errors it can answer, each an ``Error``: 401 where
    it needs a sign-in, 404 where a path names a row or only some users may call it,
    422 where it takes parameters or a body, 400 and 413 where it takes a body, and
    500 everywhere."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    reference = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            secured = bool(operation.get("security"))
            in_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
            body = "requestBody" in operation
            wanted = {500}
            if secured:
                wanted |= {401, 404}
            if in_path:
                wanted.add(404)
            if operation.get("parameters") or body:
                wanted.add(422)
            if body:
                wanted |= {400, 413}
            responses = operation.setdefault("responses", {})
            for status in sorted(wanted):
                responses.setdefault(
                    str(status), {"description": DESCRIPTIONS[status], **reference}
                )
    return schema
