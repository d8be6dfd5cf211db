"""The REST API, version 1, one router per domain. OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from opiekun.catalog.api import router as catalog_router

api = NinjaAPI(
    title="opiekun API",
    version="1",
    description="A service desk for software vendors that sell support contracts.",
    urls_namespace="api-v1",
)
api.add_router("/plans", catalog_router)
