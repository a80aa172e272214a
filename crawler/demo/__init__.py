"""The bundled demo news site: a seeded generator, its ground truth and a local HTTP server."""

from __future__ import annotations

from crawler.demo.generator import build_site
from crawler.demo.server import DemoServer
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
    "DemoServer",
    "DemoSite",
    "Page",
    "build_site",
    "write_truth",
]
