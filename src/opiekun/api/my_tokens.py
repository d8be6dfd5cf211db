"""A caller's own API tokens (gap 1): staff and contacts create, list and revoke them
here and on their console or portal page, not only in the admin. The token itself is
in the answer that creates it and nowhere else; a list shows names and dates only.
Another user's token, or a login with no role, is 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from opiekun.api.types import Day, Id
from opiekun.core import tokens
from opiekun.core.bounds import OutOfBounds
from opiekun.core.models import ApiToken

router = Router(tags=["api tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None = Field(
        description="Within a minute: a token's use is written at most once a minute."
    )
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token, shown this once; only its digest is kept.")


class TokenIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=tokens.NAME_MAX)]
    valid_through: Day | None = Field(
        default=None, description="The last day the token works (desk's zone); none: no end."
    )


def _out(token: ApiToken) -> TokenOut:
    return TokenOut.model_validate(token, from_attributes=True)


@router.get("/my/api-tokens", response=list[TokenOut], summary="My API tokens (no secrets)")
def my_tokens(request: HttpRequest) -> list[TokenOut]:
    return [_out(t) for t in tokens.tokens_of(request.user)]


@router.post(
    "/my/api-tokens",
    response={201: NewTokenOut},
    summary="Create an API token of mine; the answer holds the token, this once",
)
def create_my_token(request: HttpRequest, data: TokenIn) -> Status[NewTokenOut]:
    tokens.tokens_of(request.user)  # 404 for a login that may hold none
    expires_at = None
    if data.valid_through is not None:
        if data.valid_through < timezone.localdate():
            raise OutOfBounds("valid_through: " + _("The day has passed."))
        expires_at = tokens.end_of_day(data.valid_through)
    token, plain = tokens.create_token(
        request.user,  # type: ignore[arg-type]
        data.name,
        expires_at=expires_at,
        actor=request.user,
    )
    return Status(201, NewTokenOut(**_out(token).model_dump(), token=plain))


@router.post(
    "/my/api-tokens/{token_id}/revoke",
    response=TokenOut,
    summary="Revoke an API token of mine; it stops working at once",
)
def revoke_my_token(request: HttpRequest, token_id: Id) -> TokenOut:
    return _out(tokens.revoke_token(request.user, token_id, actor=request.user))
