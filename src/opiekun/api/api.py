"""The REST API, version 1, one router per domain. OpenAPI at /api/v1/openapi.json.
Session auth (CSRF-checked) for the browser, bearer tokens for integrations."""

from typing import Any

from ninja import NinjaAPI

from opiekun.api import (
    alerts,
    attachments,
    callers,
    contacts,
    contract_desk,
    customer_notifications,
    disputes,
    erasure,
    errors,
    exports,
    hour_requests,
    imports,
    invoicing,
    licences,
    mailroom,
    my_statements,
    my_tokens,
    notifications,
    organisations,
    organising,
    penalties,
    plan_settings,
    plans,
    ratings,
    reaction_preview,
    selling,
    statements,
    ticket_changes,  # noqa: F401 (its routes join tickets.router on import)
    ticket_files,
    ticket_history,
    tickets,
    topup_offers,
)
from opiekun.api.auth import AUTH
from opiekun.api.throttles import PerCallerThrottle


class OpiekunAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # The error responses every operation can give, so a generated client knows them.
        return errors.document(super().get_openapi_schema(**kwargs))


api = OpiekunAPI(
    title="opiekun API",
    version="1",
    description="A service desk for software vendors that sell support contracts.",
    urls_namespace="api-v1",
    auth=AUTH,
    throttle=[PerCallerThrottle()],
)
errors.install(api)
api.add_router("", plans.router)
api.add_router("", plan_settings.router)
api.add_router("", reaction_preview.router)
api.add_router("", callers.router)
# ticket_changes adds its routes to tickets.router (same paths, other methods).
api.add_router("", tickets.router)
api.add_router("", organisations.router)
api.add_router("", licences.router)
api.add_router("", contract_desk.router)
api.add_router("", selling.router)
api.add_router("", hour_requests.router)
api.add_router("", topup_offers.router)  # issue 21
api.add_router("", contacts.router)
api.add_router("", erasure.router)
api.add_router("", statements.router)
api.add_router("", invoicing.router)
api.add_router("", imports.router)
api.add_router("", alerts.router)
api.add_router("", attachments.router)
api.add_router("", notifications.router)
api.add_router("", customer_notifications.router)
api.add_router("", ticket_history.router)
api.add_router("", ticket_files.router)
api.add_router("", organising.router)
api.add_router("", mailroom.router)
api.add_router("", ratings.router)
api.add_router("", penalties.router)  # issue 21
api.add_router("", disputes.router)  # issue 21
api.add_router("", exports.router)  # issue 20
api.add_router("", my_tokens.router)  # gap 1: a caller's own tokens
api.add_router("", my_statements.router)  # gap 3: a contact's statements and register
