"""The bundled demo news site: a seeded generator, its ground truth and a local HTTP server."""

from __future__ import annotations

from crawler.demo.days import NEW_PER_DAY
from crawler.demo.generator import SCRIPT_TITLE, build_site
from crawler.demo.server import MAX_DAY, DemoServer
from crawler.demo.site import (
    ARTICLE_MARK,
    BASE_DATE,
    BASE_MARK,
    BOILERPLATE_PHRASES,
    SHARE_LABELS,
    SITE_BOILERPLATE,
    SITE_NAME,
    STANDING_FOOTNOTE,
    SUPPORT_APPEAL,
    DemoSite,
    Page,
    write_truth,
)

__all__ = [
    "ARTICLE_MARK",
    "BASE_DATE",
    "BASE_MARK",
    "BOILERPLATE_PHRASES",
    "MAX_DAY",
    "NEW_PER_DAY",
    "SCRIPT_TITLE",
    "SHARE_LABELS",
    "SITE_BOILERPLATE",
    "SITE_NAME",
    "STANDING_FOOTNOTE",
    "SUPPORT_APPEAL",
    "DemoServer",
    "DemoSite",
    "Page",
    "build_site",
    "write_truth",
]
