"""A hostile news site on 127.0.0.1: good articles next to every kind of page that should not
become one (bombs, slow drips, binaries, stubs, traps, off-site redirects), and a second server,
named ``localhost``, that stands for every other host. Both log every request they get.

Each case is one path; :data:`CASES` says what a crawl must make of it.
"""

from __future__ import annotations

import json
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: Inflated size of the compression bombs: more than 1 GiB.
BOMB_BYTES = 1100 * 1024 * 1024
_CHUNK = 1024 * 1024

WORDS = [
    "council",
    "budget",
    "harbour",
    "bridge",
    "river",
    "school",
    "museum",
    "festival",
    "railway",
    "market",
    "farmers",
    "library",
    "hospital",
    "mayor",
    "election",
    "storm",
    "coast",
    "village",
    "factory",
    "workers",
    "students",
    "teachers",
    "nurses",
    "doctors",
    "garden",
    "park",
    "forest",
    "mountain",
    "valley",
    "island",
    "ferry",
    "tunnel",
    "airport",
    "station",
    "tram",
    "bus",
    "cyclists",
    "drivers",
    "rain",
    "drought",
    "harvest",
    "vineyard",
    "orchard",
    "bakery",
    "fishermen",
    "shipyard",
    "lighthouse",
    "archive",
    "theatre",
    "orchestra",
    "choir",
    "painter",
    "novelist",
    "poet",
    "engineer",
    "architect",
    "surveyor",
    "planner",
    "inspector",
    "auditor",
    "minister",
    "senator",
    "judge",
    "jury",
    "witness",
    "lawyer",
    "police",
    "firefighters",
    "volunteers",
    "neighbours",
    "tenants",
    "landlords",
    "builders",
    "plumbers",
    "electricians",
    "grocers",
    "butchers",
    "brewers",
    "weavers",
    "potters",
    "miners",
    "quarry",
    "canal",
    "reservoir",
    "pipeline",
    "turbine",
    "solar",
    "wind",
    "battery",
    "grid",
]
JAPANESE = (
    "東京都は新しい交通計画を発表しました。",
    "市民の生活は大きく変わると専門家は述べています。",
    "駅の周辺では再開発が進められています。",
    "地元の商店街は観光客の増加を期待しています。",
    "市役所は来年度の予算案を議会に提出しました。",
    "川沿いの公園には新しい遊歩道が整備されます。",
    "学校の耐震工事は夏休み中に行われる予定です。",
    "港では漁業者が新しい市場の開設を歓迎しました。",
)
CHINESE = (
    "北京市今天宣布了一项新的城市交通计划。",
    "专家表示市民的日常生活将会发生很大变化。",
    "火车站周边地区正在进行大规模的改造工程。",
    "当地商户希望游客数量能够继续稳定增长。",
    "市政府已经向人民代表大会提交了明年的预算。",
    "河边公园将修建一条新的步行道和自行车道。",
    "学校的抗震加固工程将在暑假期间进行。",
    "港口的渔民对新的海鲜市场开业表示欢迎。",
)


def prose(seed: int, paragraphs: int = 6) -> list[str]:
    """Distinct English paragraphs, the same for the same seed."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) for _ in range(28)).capitalize() + "." for _ in range(paragraphs)
    ]


def cjk_prose(sentences: tuple[str, ...], seed: int) -> list[str]:
    """Paragraphs of shuffled sentences, the same for the same seed."""
    rng = random.Random(seed)
    return ["".join(rng.sample(sentences, len(sentences))) for _ in range(4)]


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    head: str = "",
    charset: str | None = "utf-8",
    lang: str = "en",
) -> str:
    """A plain article page."""
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head>{meta}<title>{title}</title>{head}</head>'
        '<body><header><nav><a href="/">Home</a></nav></header><main><article>'
        f'<h1>{title}</h1><p class="byline">By Ann Lee</p>'
        f'<time datetime="2025-03-01T10:00:00Z">1 March 2025</time>{body}'
        "</article></main><footer>The Hostile Herald</footer></body></html>"
    )


def _deflate_bomb(wbits: int) -> tuple[bytes, int]:
    """A deflate stream (zlib or raw) of :data:`BOMB_BYTES` spaces, built from one compressed
    MiB repeated: the stream is flushed after each MiB, so each MiB compresses to the same bytes.

    Returns:
        The compressed stream without its end (nor zlib's checksum), and the inflated size.
    """
    chunk = b" " * _CHUNK
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = BOMB_BYTES // _CHUNK
    return first + repeated * (count - 1), count * _CHUNK


def gzip_bomb() -> bytes:
    """A valid gzip member that inflates to :data:`BOMB_BYTES` bytes (about 1 MiB compressed)."""
    stream, size = _deflate_bomb(-15)
    crc = 0
    chunk = b" " * _CHUNK
    for _ in range(size // _CHUNK):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    end = b"\x03\x00"  # an empty final block
    return header + stream + end + crc.to_bytes(4, "little") + (size % 2**32).to_bytes(4, "little")


def deflate_bomb() -> bytes:
    """A valid zlib stream (``Content-Encoding: deflate``) that inflates to :data:`BOMB_BYTES`."""
    stream, size = _deflate_bomb(15)
    adler = 1
    chunk = b" " * _CHUNK
    for _ in range(size // _CHUNK):
        adler = zlib.adler32(chunk, adler)
    return stream + b"\x03\x00" + adler.to_bytes(4, "big")


@dataclass(frozen=True)
class Case:
    """One path of the hostile site and what a crawl must make of it."""

    path: str
    expect: str
    """``stored`` (one article), a reject reason, or ``never`` (never requested)."""
    title: str | None = None
    """The stored article's title (``stored`` cases)."""
    needle: str | None = None
    """Text the stored article's text must hold (``stored`` cases)."""


@dataclass
class Hit:
    """One request a server received."""

    path: str
    host: str
    at: float


@dataclass
class RequestLog:
    """Every request one server received, in order; safe to append to from handler threads."""

    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, host: str) -> None:
        with self.lock:
            self.hits.append(Hit(path, host, time.monotonic()))

    def paths(self, start: int = 0) -> list[str]:
        """Paths requested, from the ``start``-th request on."""
        with self.lock:
            return [h.path for h in self.hits[start:]]

    def __len__(self) -> int:
        with self.lock:
            return len(self.hits)


D = "/news/2025/03"
ROBOTS = "User-agent: *\nDisallow: /private/\n"
FARM_LINKS = 2000
#: Per-site limits of the hostile site (see :func:`sites_toml`).
MAX_LINKS_PER_PAGE = 50
MAX_URL_LENGTH = 400
DOWNLOAD_TIMEOUT = 1.5

CASES: tuple[Case, ...] = (
    Case(f"{D}/01/the-harbour-bridge-reopens.html", "stored", "The harbour bridge reopens"),
    Case(f"{D}/01/the-council-budget-passes.html", "stored", "The council budget passes"),
    Case(f"{D}/02/farmers-open-a-new-market.html", "stored", "Farmers open a new market"),
    Case(
        f"{D}/02/cp1252-bytes-labelled-utf8.html",
        "stored",
        "Café prices rise",
        "Café “Zürich” costs €12 — it’s Señora Núñez’s",
    ),
    Case(f"{D}/03/shift-jis-page-story.html", "stored", "東京の交通計画", "新しい交通計画"),
    Case(f"{D}/03/shift-jis-undeclared-story.html", "stored", "駅の再開発", "再開発"),
    Case(f"{D}/03/gb18030-page-story.html", "stored", "北京的交通计划", "新的城市交通计划"),
    Case(f"{D}/04/utf-16-page-story.html", "stored", "Résumé of the ferry strike", "naïve façade"),
    Case(f"{D}/04/nul-and-surrogate-story.html", "stored", "Tunnel works begin", "Tunnel works"),
    Case(f"{D}/04/retry-after-429-story.html", "stored", "The lighthouse is restored"),
    Case(f"{D}/05/redirected-twice-story.html", "stored", "The museum moves twice"),
    Case(f"{D}/05/canonical-off-site-story.html", "stored", "Canonical elsewhere"),
    Case(f"{D}/06/gzip-bomb-story.html", "too_large"),
    Case(f"{D}/06/deflate-bomb-story.html", "too_large"),
    Case(f"{D}/06/oversized-page-story.html", "too_large"),
    Case(f"{D}/07/slow-drip-story.html", "timeout"),
    Case(f"{D}/07/silent-server-story.html", "timeout"),
    Case(f"{D}/07/length-mismatch-story.html", "length_mismatch"),
    Case(f"{D}/07/retry-after-too-long-story.html", "http_error"),
    Case(f"{D}/08/png-as-html-story.html", "binary"),
    Case(f"{D}/08/pdf-as-html-story.html", "binary"),
    Case(f"{D}/08/empty-body-story.html", "empty"),
    Case(f"{D}/08/script-only-story.html", "script_only"),
    Case(f"{D}/08/soft-not-found-story.html", "soft_404"),
    Case(f"{D}/08/paywall-stub-story.html", "paywall_stub"),
    Case(f"{D}/08/consent-wall-story.html", "paywall_stub"),
    Case(f"{D}/09/redirect-off-site-story.html", "off_site"),
    Case(f"{D}/09/meta-refresh-off-site-story.html", "off_site"),
    Case(f"{D}/09/redirect-to-file-story.html", "bad_url"),
    Case(f"{D}/09/redirect-chain-story.html", "too_many_redirects"),
    Case("/private/2025/03/10/robots-disallowed-story.html", "blocked"),
)
CASE_BY_PATH = {c.path: c for c in CASES}
FEED_BOMB = "/feed.xml"
#: Where the redirected-twice article goes: one hop, then its home.
MUSEUM_HOP = "/moved/museum"
MUSEUM = f"{D}/05/the-museum-at-its-new-home.html"


class HostileSite:
    """The hostile site and the off-site server, each on its own port of 127.0.0.1."""

    def __init__(self) -> None:
        self.log = RequestLog()
        self.offsite_log = RequestLog()
        self.stop = threading.Event()
        self.gzip_bomb = gzip_bomb()
        self.deflate_bomb = deflate_bomb()
        self._counts: dict[str, int] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(self._respond, self.log))
        self._offsite = ThreadingHTTPServer(
            ("127.0.0.1", 0), self._handler(self._respond_offsite, self.offsite_log)
        )
        self._server.daemon_threads = self._offsite.daemon_threads = True
        self.root = f"http://127.0.0.1:{self._server.server_address[1]}"
        #: Another host: ``localhost`` is not 127.0.0.1 to the crawl's scope, yet it is served here.
        self.offsite_root = f"http://localhost:{self._offsite.server_address[1]}"

    @staticmethod
    def _handler(
        respond: Callable[[BaseHTTPRequestHandler], None], log: RequestLog
    ) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                log.add(self.path, self.headers.get("Host") or "")
                with suppress(BrokenPipeError, ConnectionResetError):
                    respond(self)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        return Handler

    @contextmanager
    def serving(self) -> Iterator[HostileSite]:
        """Serve both until the block ends."""
        threads = [
            threading.Thread(target=s.serve_forever, daemon=True)
            for s in (self._server, self._offsite)
        ]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            for server in (self._server, self._offsite):
                server.shutdown()
                server.server_close()

    def sites_toml(self, path: Path, name: str = "hostile") -> Path:
        """A sites file with the hostile site and its tight limits."""
        path.write_text(
            f'[[site]]\nname = "{name}"\nstart_urls = ["{self.root}/"]\n'
            f'feeds = ["{self.root}{FEED_BOMB}"]\n'
            f"download_delay = 0\nconcurrency = 8\ndownload_timeout = {DOWNLOAD_TIMEOUT}\n"
            f"max_links_per_page = {MAX_LINKS_PER_PAGE}\nmax_url_length = {MAX_URL_LENGTH}\n",
            encoding="utf-8",
        )
        return path

    # Pages

    def home(self) -> str:
        """The listing page: every case, traps and links that must never be followed."""
        off = self.offsite_root
        links = [f'<h2><a href="{c.path}">{c.path.rsplit("/", 1)[1]}</a></h2>' for c in CASES]
        links += [
            f'<h2><a href="//{off.split("//", 1)[1]}{D}/11/scheme-relative-story.html">Away</a></h2>',
            f'<h2><a href="{off}{D}/11/absolute-off-site-story.html">Elsewhere</a></h2>',
            '<h2><a href="javascript:alert(1)//news/2025/03/11/js-story-here.html">JS</a></h2>',
            '<h2><a href="data:text/html,<p>news-2025-03-11-data-story</p>">Data</a></h2>',
            '<h2><a href="file:///etc/passwd?/news/2025/03/11/file-story-here.html">File</a></h2>',
            f'<h2><a href="{D}/12/{"very-long-" * 400}story.html">Long</a></h2>',
        ]
        nav = (
            '<nav class="tags"><a href="/tag/farm/">Farm</a> <a href="/tag/based/">Based</a> '
            '<a href="/tag/calendar/?page=1">Calendar</a></nav>'
        )
        return f"<html><head><title>The Hostile Herald</title></head><body>{nav}<main>{''.join(links)}</main></body></html>"

    def _respond_offsite(self, req: BaseHTTPRequestHandler) -> None:
        page = article_html("An off-site story", prose(999))
        self._send(req, 200, page.encode())

    def _send(
        self,
        req: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    def _redirect(self, req: BaseHTTPRequestHandler, location: str, status: int = 302) -> None:
        self._send(req, status, b"", headers={"Location": location})

    def _respond(self, req: BaseHTTPRequestHandler) -> None:
        path, base = req.path, req.path.split("?", 1)[0]
        with self.log.lock:
            self._counts[base] = self._counts.get(base, 0) + 1
            count = self._counts[base]
        slug = path.rsplit("/", 1)[-1]
        off = self.offsite_root
        if path == "/robots.txt":
            return self._send(req, 200, ROBOTS.encode(), "text/plain")
        if path == "/":
            return self._send(req, 200, self.home().encode())
        if path == FEED_BOMB:
            return self._send(
                req, 200, self.gzip_bomb, "application/rss+xml", {"Content-Encoding": "gzip"}
            )
        if path == "/tag/farm/":
            farm = "".join(
                f'<li><a href="/news/2025/04/01/farm-{n}-story-here.html">Farm {n}</a></li>'
                for n in range(FARM_LINKS)
            )
            return self._send(
                req, 200, f"<html><body><main><ul>{farm}</ul></main></body></html>".encode()
            )
        if path == "/tag/based/":
            page = (
                f'<html><head><base href="{off}/"></head><body><main>'
                f'<a href="news/2025/03/12/based-story-here.html">Based</a>'
                f'<a href="/tag/based-more/">More</a></main></body></html>'
            )
            return self._send(req, 200, page.encode())
        if path.startswith("/tag/calendar/"):
            number = count_in(path)
            grow = "from=2025-05-01&to=2025-05-31&" * (number + 1)
            nxt = f"{base}?page={number + 1}&{grow}x=1"
            page = (
                f'<html><body><main><h2><a href="/news/2025/05/01/calendar-day-{number}-story.html">'
                f'Day {number}</a></h2><a rel="next" href="{nxt}">Next</a></main></body></html>'
            )
            return self._send(req, 200, page.encode())
        if path.startswith(("/news/2025/04/01/farm-", "/news/2025/05/01/calendar-day-")):
            return self._send(req, 200, article_html("A short one", ["Too short."]).encode())
        if base == MUSEUM_HOP:
            return self._redirect(req, MUSEUM, 301)
        if base == MUSEUM:
            page = article_html("The museum moves twice", prose(31))
            return self._send(req, 200, page.encode())
        case = CASE_BY_PATH.get(base)
        if case is None:
            return self._send(req, 404, b"<html><body>Not found</body></html>")
        if case.expect == "stored":
            return self._stored(req, case, count)
        return self._bad(req, case, slug, count)

    def _stored(self, req: BaseHTTPRequestHandler, case: Case, count: int) -> None:
        title, seed = case.title or "", zlib.crc32(case.path.encode())
        path = case.path
        if "cp1252-bytes" in path:
            text = [case.needle or "", *prose(11)]
            body = article_html(title, text).encode("cp1252")
            return self._send(req, 200, body, "text/html; charset=utf-8")
        if "shift-jis-page" in path:
            page = article_html(title, cjk_prose(JAPANESE, 1), charset=None, lang="ja")
            return self._send(req, 200, page.encode("shift_jis"), "text/html; charset=Shift_JIS")
        if "shift-jis-undeclared" in path:
            page = article_html(title, cjk_prose(JAPANESE, 2), charset=None, lang="ja")
            return self._send(req, 200, page.encode("shift_jis"), "text/html")
        if "gb18030" in path:
            page = article_html(title, cjk_prose(CHINESE, 3), charset="gb18030", lang="zh")
            return self._send(req, 200, page.encode("gb18030"), "text/html")
        if "utf-16" in path:
            page = article_html(title, ["A naïve façade, a résumé.", *prose(12)], charset=None)
            return self._send(req, 200, page.encode("utf-16"), "text/html; charset=utf-16")
        if "nul-and-surrogate" in path:
            ld = json.dumps({"@type": "NewsArticle", "author": {"name": "Ann\\ud800 Lee"}})
            ld = ld.replace("\\\\ud800", "\\ud800")
            head = f'<script type="application/ld+json">{ld}</script>'
            paras = [f"Tunnel works\x00 begin {p}" for p in prose(13)]
            return self._send(req, 200, article_html(title, paras, head=head).encode())
        if "retry-after-429" in path and count == 1:
            return self._send(req, 429, b"slow down", headers={"Retry-After": "1"})
        if "redirected-twice" in path:
            return self._redirect(req, MUSEUM_HOP, 301)
        if "canonical-off-site" in path:
            head = f'<link rel="canonical" href="{self.offsite_root}{path}">'
            return self._send(req, 200, article_html(title, prose(seed), head=head).encode())
        return self._send(req, 200, article_html(title, prose(seed)).encode())

    def _bad(self, req: BaseHTTPRequestHandler, case: Case, slug: str, count: int) -> None:
        off = self.offsite_root
        if slug.startswith("gzip-bomb"):
            return self._send(req, 200, self.gzip_bomb, headers={"Content-Encoding": "gzip"})
        if slug.startswith("deflate-bomb"):
            return self._send(req, 200, self.deflate_bomb, headers={"Content-Encoding": "deflate"})
        if slug.startswith("oversized"):
            return self._send(req, 200, b"<p>" + b"x" * (6 * _CHUNK) + b"</p>")
        if slug.startswith("slow-drip"):
            req.send_response(200)
            req.send_header("Content-Type", "text/html")
            req.send_header("Content-Length", "100000")
            req.end_headers()
            while not self.stop.wait(0.2):
                req.wfile.write(b"<p>drip</p>")
                req.wfile.flush()
            return None
        if slug.startswith("silent-server"):
            self.stop.wait(30)
            return None
        if slug.startswith("length-mismatch"):
            body = article_html("Cut short", prose(21)).encode()
            return self._send(req, 200, body[:500], headers={"Content-Length": str(len(body))})
        if slug.startswith("retry-after-too-long"):
            return self._send(req, 503, b"maintenance", headers={"Retry-After": "3600"})
        if slug.startswith("png-as-html"):
            return self._send(req, 200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        if slug.startswith("pdf-as-html"):
            return self._send(
                req, 200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 40
            )
        if slug.startswith("empty-body"):
            return self._send(req, 200, b"")
        if slug.startswith("script-only"):
            page = (
                "<html><head><title>Loading</title><script src='/app.js'></script></head><body>"
                '<div id=\'root\'></div><script>window.__STATE__ = {"story": "'
                + "x" * 4000
                + '"};</script><noscript>Please enable JavaScript.</noscript></body></html>'
            )
            return self._send(req, 200, page.encode())
        if slug.startswith("soft-not-found"):
            page = article_html(
                "Page not found",
                ["Sorry, we could not find that page.", "Try our search or the home page."],
            )
            return self._send(req, 200, page.encode())
        if slug.startswith("paywall-stub"):
            page = article_html(
                "The mayor's secret plan",
                [
                    "The mayor has a plan for the harbour, and it is not the one the council voted.",
                    "Subscribe to continue reading. Already a subscriber? Sign in.",
                ],
            )
            return self._send(req, 200, page.encode())
        if slug.startswith("consent-wall"):
            page = (
                "<html><head><title>Before you continue</title></head><body>"
                "<div class='consent'><h1>We value your privacy</h1><p>We and our partners use "
                "cookies. Accept all cookies to continue to the site, or manage your privacy "
                "preferences.</p><button>Accept all</button></div></body></html>"
            )
            return self._send(req, 200, page.encode())
        if slug.startswith("redirect-off-site"):
            return self._redirect(req, f"{off}{D}/09/landed-off-site-story.html")
        if slug.startswith("meta-refresh"):
            page = (
                f'<html><head><meta http-equiv="refresh" content="0; url={off}{D}/09/refreshed'
                '-off-site-story.html"></head><body>Moving…</body></html>'
            )
            return self._send(req, 200, page.encode())
        if slug.startswith("redirect-to-file"):
            return self._redirect(req, "file:///etc/passwd")
        if slug.startswith("redirect-chain"):
            return self._redirect(req, f"{case.path}?hop={count_in(req.path) + 1}")
        return self._send(req, 500, b"unexpected case")


def count_in(path: str) -> int:
    """The number after ``page=`` or ``hop=`` in ``path`` (0 when none)."""
    for key in ("page=", "hop="):
        if key in path:
            digits = path.split(key, 1)[1].split("&", 1)[0]
            return int(digits) if digits.isdigit() else 0
    return 0
