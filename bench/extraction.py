"""Extraction benchmark: gleaner's ``extract_article`` beside trafilatura, on the same pages.

Scores each extractor's text against ground truth with the shingle metric of the Zyte article
extraction benchmark (see the development corpus README): 4-token shingles counted with repeats,
precision and recall averaged over pages, F1 their harmonic mean. Also prints the share of the
truth's ``with`` snippets found, of its ``without`` snippets leaked, pages/s, gleaner's pages/s
as a ratio of trafilatura's measured in the same run, and for gleaner and trafilatura's precision
mode the share of pages whose F1 is at least 0.1 below trafilatura's (default) on the same page.
Then the metadata: the share of pages whose title equals the truth's (whitespace normalized,
nothing else) for gleaner and for trafilatura's metadata title, over all pages and over the even
and odd lines of the corpus apart; on the demo site, also the share of exact publication times.

On the demo site, gleaner's texts are scored as a crawl stores them: without the site's own
boilerplate (a reader-funding appeal and a standing footnote) learned from all demo article pages
(``pipelines.boilerplate.learner``), learning and stripping timed with the extraction. One page alone cannot
tell that boilerplate from the article; trafilatura's texts are scored as extracted.

    python -m bench.extraction [--corpus DIR] [--limit N] [--halves]

``--halves`` also scores the corpus's even- and odd-numbered pages (lines of ``truth.jsonl``,
from 0) apart: rules are developed on one half and checked on the other.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import trafilatura

from crawler.extract.article import extract_article
from crawler.extract.language import warm_up
from pipelines.boilerplate.learner import apply_site_boilerplate, learn_pages

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wcxb-dev-articles"
_TOKEN = re.compile(r"\w+")

#: A page counts as worse than trafilatura's when its F1 is this much lower.
WORSE_MARGIN = 0.1

#: Extractors whose per-page F1 is compared with trafilatura's (default).
COMPARED = ("gleaner", "trafilatura precision")


@dataclass
class Page:
    """One page with its true text."""

    url: str
    html: bytes
    body: str
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    title: str | None = None
    published_at: datetime | None = None


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """4-token shingles of ``text``, with repeats (a text of fewer than 4 tokens is one shingle)."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_f1(page: Page, text: str) -> float:
    """One page's shingle F1 (0 when either text has no shingles in common with the other)."""
    got, truth = shingles(text), shingles(page.body)
    tp = sum((got & truth).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(got.values()), tp / sum(truth.values())
    return 2 * precision * recall / (precision + recall)


def worse_share(f1s: list[float], reference: list[float], margin: float = WORSE_MARGIN) -> float:
    """The share of pages whose F1 is at least ``margin`` below the reference's on that page."""
    worse = sum(f1 <= ref - margin for f1, ref in zip(f1s, reference, strict=True))
    return worse / max(len(f1s), 1)


def score(pages: list[Page], texts: list[str]) -> dict[str, float]:
    """Shingle precision, recall and F1, and snippet shares, over pages and extracted texts."""
    precisions, recalls = [], []
    found = wanted = leaked = unwanted = 0
    for page, text in zip(pages, texts, strict=True):
        got, truth = shingles(text), shingles(page.body)
        tp = sum((got & truth).values())
        fp, fn = sum(got.values()) - tp, sum(truth.values()) - tp
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
        lowered = text.lower()
        wanted += len(page.with_snippets)
        found += sum(s.lower() in lowered for s in page.with_snippets)
        unwanted += len(page.without_snippets)
        leaked += sum(s.lower() in lowered for s in page.without_snippets)
    p = sum(precisions) / max(len(precisions), 1)
    r = sum(recalls) / max(len(recalls), 1)
    return {
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "precision": p,
        "recall": r,
        "with_found": found / max(wanted, 1),
        "without_leaked": leaked / max(unwanted, 1),
    }


def corpus_pages(directory: Path, limit: int | None = None) -> Iterator[Page]:
    """The development corpus: ``truth.jsonl`` and ``pages/<id>.html.gz``."""
    with (directory / "truth.jsonl").open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                return
            row = json.loads(line)
            html = gzip.decompress((directory / "pages" / f"{row['id']}.html.gz").read_bytes())
            yield Page(
                row["url"] or "",
                html,
                row["body"],
                row["with"] or [],
                row["without"] or [],
                title=row.get("title"),
            )


def demo_pages() -> list[Page]:
    """Every distinct article of the demo site with its ground-truth text."""
    from crawler.demo import build_site

    site, base = build_site(), "http://127.0.0.1:8931"
    pages = []
    for record in site.truth(base + "/"):
        url, text = str(record["url"]), str(record["text"])
        published = datetime.fromisoformat(str(record["published_at"]))
        body = site.page(url.removeprefix(base)).body
        pages.append(Page(url, body, text, title=str(record["title"]), published_at=published))
    return pages


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "gleaner": lambda p: extract_article(p.html, p.url).text,
    "trafilatura": lambda p: trafilatura.extract(p.html, url=p.url, include_comments=False) or "",
    "trafilatura precision": lambda p: (
        trafilatura.extract(p.html, url=p.url, include_comments=False, favor_precision=True) or ""
    ),
}


def without_site_boilerplate(pages: list[Page], texts: list[str]) -> list[str]:
    """``texts`` without the boilerplate learned from all of them, as a crawl of the site stores."""
    learned = learn_pages((page.url, text) for page, text in zip(pages, texts, strict=True))
    drop = learned.learned()
    return [apply_site_boilerplate(text, drop)[0] for text in texts]


def run(name: str, pages: list[Page], *, site_boilerplate: bool = False) -> None:
    """Print one table: each extractor's scores and speed on ``pages``.

    With ``site_boilerplate`` (all pages from one site), gleaner's texts lose the boilerplate
    learned from all of them before they are scored, in the time measured.
    """
    learned = " (gleaner: site boilerplate learned from these pages removed)"
    print(f"\n{name}: {len(pages)} pages{learned if site_boilerplate else ''}")
    print(
        f"{'extractor':<22} {'F1':>6} {'prec':>6} {'recall':>6} {'with':>6} {'leaked':>6} {'pages/s':>8}"
    )
    rates, f1s = {}, {}
    for label, extractor in EXTRACTORS.items():
        started = time.perf_counter()
        texts = [extractor(page) for page in pages]
        if site_boilerplate and label == "gleaner":
            texts = without_site_boilerplate(pages, texts)
        rates[label] = len(pages) / (time.perf_counter() - started)
        f1s[label] = [page_f1(page, text) for page, text in zip(pages, texts, strict=True)]
        s = score(pages, texts)
        print(
            f"{label:<22} {s['f1']:6.4f} {s['precision']:6.4f} {s['recall']:6.4f} "
            f"{s['with_found']:6.3f} {s['without_leaked']:6.3f} {rates[label]:8.1f}"
        )
    print(f"gleaner pages/s over trafilatura's: {rates['gleaner'] / rates['trafilatura']:.2f}")
    for label in COMPARED:
        share = worse_share(f1s[label], f1s["trafilatura"])
        print(f"{label}: pages {WORSE_MARGIN} or more below trafilatura's F1: {share:.1%}")


def same_title(found: str | None, truth: str | None) -> bool:
    """Whether a title equals the truth's, whitespace normalized and nothing else."""
    return truth is not None and " ".join((found or "").split()) == " ".join(truth.split())


def share(hits: list[bool]) -> str:
    """``hits/total (percent)``."""
    return f"{sum(hits)}/{len(hits)} ({sum(hits) / max(len(hits), 1):.1%})"


def trafilatura_title(page: Page) -> str | None:
    """trafilatura's metadata title for a page."""
    document = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    title = getattr(document, "title", None) if document is not None else None
    return title if isinstance(title, str) else None


def run_metadata(pages: list[Page], halves: bool) -> None:
    """Print title shares (gleaner, trafilatura's metadata) and, where the truth has them, the
    share of exact publication times; with ``halves``, also over even and odd lines apart."""
    found = [extract_article(page.html, page.url) for page in pages]
    ours = [same_title(f.title, p.title) for f, p in zip(found, pages, strict=True)]
    theirs = [same_title(trafilatura_title(p), p.title) for p in pages]
    print(f"title exact: gleaner {share(ours)}, trafilatura {share(theirs)}")
    if halves:
        for name, start in (("even", 0), ("odd", 1)):
            print(
                f"  {name} lines: gleaner {share(ours[start::2])}, "
                f"trafilatura {share(theirs[start::2])}"
            )
    dated = [(f, p) for f, p in zip(found, pages, strict=True) if p.published_at is not None]
    if dated:
        exact = [f.published_at == p.published_at for f, p in dated]
        print(f"published_at exact: gleaner {share(exact)}")


def main() -> None:
    """Score the demo site and the development corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, help="Only the first N corpus pages.")
    parser.add_argument(
        "--halves", action="store_true", help="Also score even- and odd-numbered pages apart."
    )
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warm_up()  # the language model loads once per process, as in the extraction workers
    demo = demo_pages()
    run("demo site", demo, site_boilerplate=True)
    run_metadata(demo, halves=False)
    if (args.corpus / "truth.jsonl").exists():
        pages = list(corpus_pages(args.corpus, args.limit))
        run(f"development corpus ({args.corpus.name})", pages)
        if args.halves:
            run("development corpus, even pages", pages[0::2])
            run("development corpus, odd pages", pages[1::2])
        run_metadata(pages, halves=True)
    else:
        print(f"\n(no development corpus at {args.corpus}; pass --corpus)")


if __name__ == "__main__":
    main()
