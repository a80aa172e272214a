"""Extraction benchmark: gleaner's ``extract_article`` beside trafilatura, on the same pages.

Scores each extractor's text against ground truth with the shingle metric of the Zyte article
extraction benchmark (see the development corpus README): 4-token shingles counted with repeats,
precision and recall averaged over pages, F1 their harmonic mean. Also prints the share of the
truth's ``with`` snippets found, of its ``without`` snippets leaked, pages/s, gleaner's pages/s
as a ratio of trafilatura's measured in the same run, and for gleaner and trafilatura's precision
mode the share of pages whose F1 is at least 0.1 below trafilatura's (default) on the same page.

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
from pathlib import Path

import trafilatura

from crawler.extract import extract_article

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
            yield Page(row["url"] or "", html, row["body"], row["with"] or [], row["without"] or [])


def demo_pages() -> list[Page]:
    """Every distinct article of the demo site with its ground-truth text."""
    from crawler.demo import build_site

    site, base = build_site(), "http://127.0.0.1:8931"
    pages = []
    for record in site.truth(base + "/"):
        url, text = str(record["url"]), str(record["text"])
        pages.append(Page(url, site.page(url.removeprefix(base)).body, text))
    return pages


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "gleaner": lambda p: extract_article(p.html, p.url).text,
    "trafilatura": lambda p: trafilatura.extract(p.html, url=p.url, include_comments=False) or "",
    "trafilatura precision": lambda p: (
        trafilatura.extract(p.html, url=p.url, include_comments=False, favor_precision=True) or ""
    ),
}


def run(name: str, pages: list[Page]) -> None:
    """Print one table: each extractor's scores and speed on ``pages``."""
    print(f"\n{name}: {len(pages)} pages")
    print(
        f"{'extractor':<22} {'F1':>6} {'prec':>6} {'recall':>6} {'with':>6} {'leaked':>6} {'pages/s':>8}"
    )
    rates, f1s = {}, {}
    for label, extractor in EXTRACTORS.items():
        started = time.perf_counter()
        texts = [extractor(page) for page in pages]
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
    run("demo site", demo_pages())
    if (args.corpus / "truth.jsonl").exists():
        pages = list(corpus_pages(args.corpus, args.limit))
        run(f"development corpus ({args.corpus.name})", pages)
        if args.halves:
            run("development corpus, even pages", pages[0::2])
            run("development corpus, odd pages", pages[1::2])
    else:
        print(f"\n(no development corpus at {args.corpus}; pass --corpus)")


if __name__ == "__main__":
    main()
