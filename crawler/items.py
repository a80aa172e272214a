"""What the spider yields besides sightings: extracted pages to validate, and rejects.

Sightings go to the warehouse as they are (:class:`warehouse.rows.SightingRow`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from crawler.decode import clean_text
from crawler.extract import ExtractedArticle

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
    "extract_error",
    "bad_listing",
    "raw_missing",
    "binary",
    "empty",
    "script_only",
    "soft_404",
    "paywall_stub",
    "length_mismatch",
    "off_site",
    "too_many_redirects",
]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


UTCDateTime = Annotated[datetime, AfterValidator(_utc)]
NonEmpty = Annotated[str, Field(min_length=1)]


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """An article page and what extraction found on it; validation makes it an article or a reject."""

    site: str
    fetched_url: str
    fetched_at: datetime
    extracted: ExtractedArticle
    http_status: int = 200


class Reject(BaseModel):
    """A page that is not an article, with a reason code and detail."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: NonEmpty
    url: NonEmpty
    reason: RejectReason
    fetched_at: UTCDateTime
    detail: Annotated[str, AfterValidator(clean_text)] | None = None
    http_status: int | None = None
