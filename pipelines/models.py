"""The validated contract: a frozen :class:`Article` (or a :class:`~crawler.items.Reject`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crawler.items import NonEmpty, Reject, UTCDateTime

__all__ = ["Article", "Reject"]


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
    fetched_key: str | None = None
    """``url_key`` of ``fetched_url`` when ``url`` is another (the page's ``rel=canonical``)."""
    modified_source: str | None = None
    """Where ``modified_at`` came from: ``json-ld``, ``meta``, ``time``, ``listing``, ``feed`` or
    ``sitemap``."""
