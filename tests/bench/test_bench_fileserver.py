"""The benchmark's file server: the demo site's pages from files, statuses and types kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.fileserver import write_site
from crawler.demo import build_site
from tests.conftest import ROOT, fetch


def test_serves_every_page_as_the_demo_server_would(tmp_path: Path) -> None:
    site = build_site(60, page_kb=(50, 150))
    write_site(site, tmp_path / "site")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fileserver", str(tmp_path / "site")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving "), line
        url = line.split()[1]
        story = site.articles[0]
        status, headers, body = fetch(url + story.path)
        assert status == 200
        assert headers["Content-Type"] == site.pages[story.path].content_type
        assert body == site.pages[story.path].body
        assert len(body) >= 50_000
        status, _, body = fetch(url + "/feed.xml")
        assert status == 200
        assert f"{url}{story.path}".encode() in body  # the server's own address put in
        status, _, body = fetch(url + "/no/such/page.html")
        assert status == 404
        assert body == site.not_found.body
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
