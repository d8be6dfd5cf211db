"""The API's bounded types (issue 13): every value the API takes is checked against
``opiekun.core.bounds`` before a view sees it, a refusal is a 422 naming the field, and
the OpenAPI document states the bounds and the choices, so a generated client is right."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from django.db import models
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from opiekun.core import bounds


def _refused(check: Callable[..., Any]) -> Callable[..., Any]:
    """A bounds check as a pydantic validator: its ``why`` becomes the error message."""

    def validate(value: Any) -> Any:
        try:
            return check("", value)
        except bounds.OutOfBounds as exc:
            raise PydanticCustomError("out_of_bounds", str(exc).partition(": ")[2]) from None

    return validate


def _day_text(value: Any) -> Any:
    # A form's date as people write it (27.02.2026) as well as ISO; a non-date is
    # refused by the date type that follows, naming the field.
    if isinstance(value, str) and value.strip():
        return _refused(bounds.parse_day)(value)
    return value


Id = Annotated[int, Field(ge=1, le=bounds.MAX_ID, description="A row's id.")]
Offset = Annotated[int, Field(ge=0, le=bounds.MAX_INT)]
Moment = Annotated[
    dt.datetime,
    AfterValidator(_refused(bounds.moment)),
    Field(
        description=(
            "ISO 8601 from 2000-01-01T00:00Z to before 2100-01-01T00:00Z; "
            "without an offset, in the desk's time zone."
        )
    ),
]
Day = Annotated[
    dt.date,
    BeforeValidator(_day_text),
    AfterValidator(_refused(bounds.day)),
    Field(description="2026-02-27 (or 27.02.2026), from 2000-01-01 to 2099-12-31."),
]


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


# A form's date may be left blank (a multipart form sends "").
OptionalDay = Annotated[Day | None, BeforeValidator(_blank_is_none)]
WorkMinutes = Annotated[
    int,
    Field(
        ge=1,
        le=bounds.MAX_WORK_MINUTES,
        description="Minutes of one work entry: at most a day; log longer work day by day.",
    ),
]


@dataclass(frozen=True)
class Text:
    """A text the databases can store: no NUL, no lone surrogate, no control character
    but tab and line breaks, at most ``max_length`` characters (refused, not cut, on
    SQLite and PostgreSQL alike)."""

    max_length: int | None = None

    @staticmethod
    def of(model: type[models.Model], name: str) -> Text:
        """The bound of a model's column."""
        return Text(bounds.column_length(model, name))

    def check(self, value: str) -> str:
        try:
            return bounds.text("", value, max_length=self.max_length)
        except bounds.OutOfBounds as exc:
            raise PydanticCustomError("invalid_text", str(exc).partition(": ")[2]) from None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        shown = handler(schema)
        if self.max_length is not None:
            shown["maxLength"] = self.max_length
        return shown


@dataclass(frozen=True)
class OneOf:
    """One of a model's choices: an ``enum`` in the OpenAPI document. In a request the
    value is checked; in a response it is only described, so an old row with a value
    since dropped from the choices still reads instead of breaking the page."""

    values: tuple[str, ...]
    check: bool = True

    @staticmethod
    def of(choices: type[models.TextChoices] | Iterable[str], *, check: bool = True) -> OneOf:
        values = choices.values if isinstance(choices, type) else list(choices)
        return OneOf(tuple(str(v) for v in values), check)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if not self.check:
            return handler(source)
        return core_schema.no_info_after_validator_function(
            str, core_schema.literal_schema(list(self.values))
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        shown = handler(schema)
        shown.update({"type": "string", "enum": list(self.values)})
        return shown
