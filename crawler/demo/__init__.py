"""The bundled demo news site: a seeded generator of pages and their ground truth."""

from __future__ import annotations

from crawler.demo.generator import build_site
from crawler.demo.site import (
    BOILERPLATE_PHRASES,
    SHARE_LABELS,
    SITE_NAME,
    DemoSite,
    Page,
    write_truth,
)

__all__ = [
    "BOILERPLATE_PHRASES",
    "SHARE_LABELS",
    "SITE_NAME",
    "DemoSite",
    "Page",
    "build_site",
    "write_truth",
]
