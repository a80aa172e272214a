"""The article's fields are named once: the validated ``Article``; the other shapes agree with it."""

from __future__ import annotations

import dataclasses

from crawler.items import ExtractedArticle
from pipelines.models import Article
from pipelines.validate import PAGE_FIELDS
from warehouse.rows import ArticleRow

#: What the loader adds to an article's row: boilerplate removal happens at load time.
LOADER_FIELDS = {"boilerplate_removed"}


def test_warehouse_row_has_exactly_the_articles_fields() -> None:
    row_fields = {f.name for f in dataclasses.fields(ArticleRow)}
    assert row_fields - LOADER_FIELDS == set(Article.model_fields)


def test_every_field_extraction_finds_on_the_page_reaches_the_article() -> None:
    page_only = {"canonical_url", "description", "captions", "body_source", "removed", "url"}
    shared = set(ExtractedArticle.model_fields) - page_only
    assert set(PAGE_FIELDS) == shared
