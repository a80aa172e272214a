"""Site boilerplate benchmark: how soon the demo site's boilerplate is learned, what else is, and
what learning costs.

- Cold start: the demo site's article pages (as gleaner extracts them) are counted one by one in
  200 random orders (seeded); for each of the site's two boilerplate paragraphs (an appeal on
  about 75 % of the pages, a footnote on all), the pages counted when it is first learned, and
  the orders in which it is not learned yet when the loader stores its first articles (after
  ``warmup_pages``): there, the first articles would keep it.
- Nothing else: the keys learned from the demo site's true texts (no boilerplate in them) at two
  sizes and from the development corpus's true texts taken as one site: each one would be content
  removed. Also what the demo site's extracted pages teach.
- Copies: a cold start of an article, k edited copies of it (each a further revision: a sentence
  added, another reworded) and 2 other articles; the least k at which a paragraph of the article
  is learned, with the context rule and without it (``contexts_needed=1``), over 40 articles.
- Cost: microseconds per page to count (keys and context values), and the loader's step on a
  batch of 500 articles (count, decide, strip, content keys again); memory of a learner per page
  counted.

    python -m bench.boilerplate [--articles N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from crawler.demo import SITE_BOILERPLATE, build_site
from crawler.demo.writer import Writer
from crawler.extract.article import extract_article
from pipelines.boilerplate.batch import BatchBoilerplate
from pipelines.boilerplate.learner import (
    BoilerplateLearner,
    LearnRule,
    learn_pages,
    paragraph_key,
    split_paragraphs,
)
from pipelines.boilerplate.site import SiteBoilerplate
from pipelines.keys import content_key
from warehouse.rows import ArticleRow, Batch

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wcxb-dev-articles"
ORDERS = 200
BATCH = 500


def demo_extracted(articles: int) -> list[tuple[str, str]]:
    """``(url, text)`` of every demo article page, as gleaner extracts it."""
    site, base = build_site(articles), "http://127.0.0.1:8931"
    pages = []
    for story in site.articles:
        text = extract_article(site.page(story.path).body, base + story.path).text
        pages.append((base + story.path, text))
    return pages


def demo_truth(articles: int) -> list[tuple[str, str]]:
    """``(url, true text)`` of every demo article."""
    return [(s.path, s.text) for s in build_site(articles).articles]


def cold_start(pages: list[tuple[str, str]]) -> None:
    """Pages counted before each demo boilerplate paragraph is learned, over random orders."""
    keys = {
        paragraph_key(text): label
        for text, label in zip(SITE_BOILERPLATE, ("appeal", "footnote"), strict=True)
    }
    when: dict[str, list[int]] = {label: [] for label in keys.values()}
    for seed in range(ORDERS):
        order = pages[:]
        random.Random(seed).shuffle(order)
        learner = BoilerplateLearner()
        found: dict[str, int] = {}
        for url, text in order:
            learner.add(split_paragraphs(text), url)
            for key in learner.learned() & keys.keys():
                found.setdefault(keys[key], learner.total)
            if len(found) == len(keys):
                break
        for label in keys.values():
            when[label].append(found.get(label, 0))
    warmup = LearnRule().warmup_pages
    print(f"\ncold start: pages counted when learned, over {ORDERS} orders of {len(pages)} pages")
    for label, counts in when.items():
        late = sum(c > warmup for c in counts)
        print(
            f"  {label:<9} min {min(counts)}  median {statistics.median(counts):g}  "
            f"max {max(counts)}  (never: {counts.count(0)}; after {warmup} pages: {late})"
        )


def learned_from(name: str, pages: list[tuple[str, str]]) -> None:
    """Print what the pages teach."""
    learner = learn_pages(pages)
    learned = learner.learned()
    top = learner.candidates()[:3]
    print(f"  {name}: {learner.total} pages, {len(learned)} learned")
    for key, count in learner.candidates():
        if key in learned:
            print(f"    learned on {count.pages} pages: {(count.sample or '')[:70]!r}")
    for _, count in top:
        print(f"    most pages: {count.pages}, {(count.sample or '')[:50]!r}")


MAX_COPIES = 60


def copies(rule: LearnRule, samples: int = 40) -> list[int]:
    """For each of ``samples`` demo articles, the least k edited copies that teach its text
    (0: not even :data:`MAX_COPIES`)."""
    found = []
    writer = Writer(11)
    for number in range(samples):
        published = datetime(2025, 1, 1 + number % 28, tzinfo=UTC)
        story = writer.story(published, ("world",), number)
        context = writer.contexts[story.path]
        others = [writer.story(published, ("tech",), number + i) for i in (1, 2)]
        pages = [(story.path, story.text)] + [(o.path, o.text) for o in others]
        blocks, least = story.blocks, 0
        own = {paragraph_key(p) for p in split_paragraphs(story.text)}
        for k in range(1, MAX_COPIES + 1):
            blocks = writer.gen.revise(context, blocks)
            copy = "\n\n".join([story.caption, *(b.text for b in blocks)])
            pages.append((f"{story.path}?copy={k}", copy))
            if learn_pages(pages, rule).learned() & own:
                least = k
                break
        found.append(least)
    return found


def cost(pages: list[tuple[str, str]]) -> None:
    """Time to count pages and the loader's step on a batch; memory per page."""
    split = [(url, split_paragraphs(text)) for url, text in pages]
    learner = BoilerplateLearner()
    started = time.process_time()
    for url, paragraphs in split:
        learner.add(paragraphs, url)
    per_page = (time.process_time() - started) / len(split) * 1e6
    now = datetime.now(UTC)
    rows = [
        ArticleRow("demo", url, url, url, "title", text, content_key(text), now)
        for url, text in pages[:BATCH]
    ]
    step = BatchBoilerplate(SiteBoilerplate("demo", BoilerplateLearner()), 300)
    started = time.process_time()
    step.apply(Batch("bench", articles=rows))
    per_batch = (time.process_time() - started) * 1000
    tracemalloc.start()
    held = learn_pages(pages)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    keys = len(held.candidates())
    chars = sum(len(t) for _, t in pages) // len(pages)
    print(f"\ncost ({len(pages)} pages, {chars} characters each on average)")
    print(f"  count one page: {per_page:.0f} µs (CPU)")
    print(
        f"  the loader's step on a cold batch of {len(rows)} articles (count, decide, strip, "
        f"content keys): {per_batch:.0f} ms (CPU)"
    )
    print(
        f"  learner memory: {size / held.total / 1024:.1f} KiB per page ({keys} keys on 3+ pages)"
    )


def main() -> None:
    """Run every measurement and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="demo articles (default 2000)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    small = demo_extracted(60)
    cold_start(small)
    large = demo_extracted(args.articles)
    cold_start(large)
    print("\nwhat is learned")
    learned_from("demo site, extracted, 60 articles", small)
    learned_from(f"demo site, extracted, {args.articles} articles", large)
    learned_from("demo site, true texts, 60 articles", demo_truth(60))
    learned_from(f"demo site, true texts, {args.articles} articles", demo_truth(args.articles))
    truth = args.corpus / "truth.jsonl"
    if truth.exists():
        with truth.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines]
        learned_from(
            "development corpus, true texts as one site", [(r["url"], r["body"]) for r in rows]
        )
    print("\nedited copies of one article (with 2 other articles) until its text is learned")
    for label, rule in (
        ("context rule", LearnRule()),
        ("no context rule", LearnRule(contexts_needed=1)),
    ):
        ks = copies(rule)
        taught = sorted(k for k in ks if k)
        least = f"least k {taught[0]}, median {statistics.median(taught):g}" if taught else ""
        print(
            f"  {label:<16} taught in {len(taught)} of {len(ks)} articles {least}"
            f" (not within {MAX_COPIES} copies: {ks.count(0)})"
        )
    cost(large)


if __name__ == "__main__":
    main()
