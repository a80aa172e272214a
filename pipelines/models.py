"""The validated contract: a frozen :class:`Article`, or a :class:`Reject` saying why not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

#: Why a page did not become an article.
RejectReason = Literal[
    "http_error",
    "fetch_error",
    "timeout",
    "too_large",
    "not_html",
    "blocked",
    "too_short",
    "no_title",
    "bad_date",
    "bad_url",
    "invalid",
]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


UTCDateTime = Annotated[datetime, AfterValidator(_utc)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Article(BaseModel):
    """A page that passed validation: it has a title, enough text and sane dates."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    site: NonEmpty
    url: NonEmpty
    url_key: NonEmpty
    fetched_url: NonEmpty
    title: NonEmpty
    text: NonEmpty
    content_key: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    fetched_at: UTCDateTime
    authors: tuple[NonEmpty, ...] = ()
    published_at: UTCDateTime | None = None
    published_source: str | None = None
    modified_at: UTCDateTime | None = None
    language: str | None = None
    tags: tuple[NonEmpty, ...] = ()


class Reject(BaseModel):
    """A page that is not an article, with a reason code and detail."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: NonEmpty
    url: NonEmpty
    reason: RejectReason
    fetched_at: UTCDateTime
    detail: str | None = None
    http_status: int | None = None
