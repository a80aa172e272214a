"""Deterministic English-like text for the demo site: names, headlines, teasers, captions, body."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from crawler.demo import vocab

_SIMPLE: dict[str, tuple[str, ...]] = {
    "day": vocab.DAYS,
    "month": vocab.MONTHS,
    "adj": vocab.ADJ,
    "adj2": vocab.ADJ,
    "vfut": vocab.VFUT,
    "metric": vocab.METRIC,
    "moved": vocab.MOVED,
    "period": vocab.PERIOD,
    "ord": vocab.ORD,
    "react": vocab.REACT,
    "quote": vocab.QUOTES,
    "demand": vocab.DEMAND,
    "shout": vocab.SHOUTS,
    "unit": vocab.UNITS,
    "event": vocab.EVENTS,
}
_NUMBERS = {"n": (3, 95), "n2": (2, 12), "year": (2009, 2024), "dom": (1, 28)}
_SMALL = frozenset(("a", "an", "the", "of", "on", "in", "and", "to", "for", "as", "at", "by"))
_FIELD = re.compile(r"\{(\w+)\}")


def title_case(text: str) -> str:
    """Capitalise each word's first letter except short function words (not the first)."""
    words = re.split(r"([ —‘“])", text)
    out: list[str] = []
    for i, word in enumerate(words):
        small = i and word in _SMALL and not words[i - 2].endswith(":")
        out.append(word if small or not word else word[0].upper() + word[1:])
    return "".join(out)


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII slug of ``text``: lower case, apostrophes dropped, other runs become one hyphen."""
    spaced = re.sub(r"[—–]", " ", text.replace("’", "").replace("'", ""))
    folded = unicodedata.normalize("NFKD", spaced)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug


@dataclass(frozen=True, slots=True)
class Block:
    """One body block: a paragraph (``p``), a subheading (``h2``) or a blockquote (``quote``)."""

    kind: str
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


class TextGen:
    """All text for one site, drawn from one seeded random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._deck: list[str] = []

    def name(self) -> str:
        return f"{self.rng.choice(vocab.FIRST_NAMES)} {self.rng.choice(vocab.LAST_NAMES)}"

    def context(self, tag: str) -> dict[str, str]:
        """Fix the people, places and topic one article is about."""
        rng, words = self.rng, vocab.TOPICS[tag]
        self._deck.clear()
        person, other = self.name(), self.name()
        while other.split(" ", 1)[1] == person.split(" ", 1)[1]:
            other = self.name()
        org = rng.choice(words["org"])
        topic = rng.choice(words["topic"])
        return {
            "P": person,
            "Pshort": person.split(" ", 1)[1],
            "Q2": other,
            "org": org,
            "topic": topic,
            "place": rng.choice(words["place"]),
            "group": rng.choice(words["group"]),
            "role": rng.choice(words["role"]),
            "thing": rng.choice(words["thing"]),
            "problem": rng.choice(vocab.PROBLEM),
            "credit": "Rodong Sinmun" if tag == "northkorea" else rng.choice(vocab.CREDITS),
            "tag": tag,
        }

    def _fill(self, template: str, ctx: dict[str, str], *, headline: bool = False) -> str:
        rng = self.rng
        chosen: dict[str, str] = {}

        def value(match: re.Match[str]) -> str:
            key = match.group(1)
            if key in ctx:
                return ctx[key]
            if key in ("Last", "Last2"):
                return (ctx["P"] if key == "Last" else ctx["Q2"]).split(" ", 1)[1]
            if key in _NUMBERS:
                low_n, high_n = _NUMBERS[key]
                return str(rng.randint(low_n, high_n))
            low = key[0].lower() + key[1:]
            if low in ctx:
                text = ctx[low]
            else:
                text = rng.choice(_SIMPLE[low])
                while low == "adj2" and text == chosen.get("adj"):
                    text = rng.choice(_SIMPLE[low])
                chosen[low] = text
            return text[0].upper() + text[1:] if key[0].isupper() and not headline else text

        filled = _FIELD.sub(value, template)
        return title_case(filled) if headline else filled

    def headline(self, ctx: dict[str, str]) -> str:
        return self._fill(self.rng.choice(vocab.HEADLINES), ctx, headline=True)

    def teaser(self, ctx: dict[str, str]) -> str:
        return self._fill(self.rng.choice(vocab.TEASERS), ctx)

    def caption(self, ctx: dict[str, str]) -> str:
        return self._fill(self.rng.choice(vocab.CAPTIONS), ctx)

    def sentence(self, ctx: dict[str, str]) -> str:
        """One sentence; templates are dealt from a shuffled deck so repeats are rare."""
        if not self._deck:
            self._deck = list(vocab.SENTENCES)
            self.rng.shuffle(self._deck)
        return self._fill(self._deck.pop(), ctx)

    def paragraph(self, ctx: dict[str, str]) -> Block:
        """30 to 90 words of full sentences."""
        target = self.rng.randint(30, 90)
        sentences = [self.sentence(ctx)]
        words = len(sentences[0].split())
        while words < target:
            nxt = self.sentence(ctx)
            size = len(nxt.split())
            if words + size > 90:
                if words >= 30:
                    break
                continue
            sentences.append(nxt)
            words += size
        return Block("p", tuple(sentences))

    def body(self, ctx: dict[str, str]) -> tuple[Block, ...]:
        """5 to 12 paragraphs, sometimes with a subheading and sometimes a blockquote."""
        rng = self.rng
        blocks = [self.paragraph(ctx) for _ in range(rng.randint(5, 12))]
        if rng.random() < 0.5:
            blocks.insert(
                rng.randint(2, len(blocks) - 1), Block("h2", (rng.choice(vocab.SUBHEADS),))
            )
        if rng.random() < 0.4:
            quote = f"“{rng.choice(vocab.QUOTES)}.” — {ctx['Q2']}"
            blocks.insert(rng.randint(1, len(blocks) - 1), Block("quote", (quote,)))
        return tuple(blocks)

    def revise(self, ctx: dict[str, str], blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        """An edit of ``blocks``: one paragraph gains a sentence, another has one reworded."""
        out = list(blocks)
        paragraphs = [i for i, b in enumerate(out) if b.kind == "p"]
        grown, edited = self.rng.sample(paragraphs, 2)
        out[grown] = Block("p", (*out[grown].sentences, self.sentence(ctx)))
        sentences = list(out[edited].sentences)
        at = self.rng.randrange(len(sentences))
        sentences[at] = reword(sentences[at])
        out[edited] = Block("p", tuple(sentences))
        return tuple(out)

    def authors(self) -> tuple[str, ...]:
        count = self.rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        names: list[str] = []
        while len(names) < count:
            candidate = self.name()
            if candidate not in names:
                names.append(candidate)
        return tuple(names)


_REWORDS = (
    (" said ", " told reporters "),
    (" would ", " could "),
    (" long ", " repeatedly "),
    (" latest ", " most recent "),
    (" considered ", " weighed "),
    ("Critics argue", "Opponents say"),
    ("Analysts noted", "Observers pointed out"),
    ("Few expect", "Hardly anyone expects"),
    (" welcomed ", " praised "),
    (" estimated at ", " put at "),
)


def reword(sentence: str) -> str:
    """The same statement in different words (used for edits and the re-publication)."""
    for old, new in _REWORDS:
        if old in sentence:
            return sentence.replace(old, new, 1)
    return "In a statement, " + sentence[0].lower() + sentence[1:]
