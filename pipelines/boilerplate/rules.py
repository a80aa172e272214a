"""The user's boilerplate rules: ``gleaner boilerplate list|drop|keep|forget`` over a site's state."""

from __future__ import annotations

import os
from typing import Any

from pipelines.boilerplate.learner import paragraph_key
from pipelines.boilerplate.site import SiteBoilerplate, load_site_boilerplate
from warehouse.boilerplate import BoilerplateRule, boilerplate_sites, delete_rule, set_rule


class UnknownSiteError(KeyError):
    """A site the warehouse has never crawled."""

    def __str__(self) -> str:
        return str(self.args[0])


class NoRuleError(KeyError):
    """``forget`` of a paragraph the site has no rule for."""

    def __str__(self) -> str:
        return str(self.args[0])


def require_site(db_path: str | os.PathLike[str], site: str) -> None:
    """Check that the warehouse knows ``site``.

    Raises:
        WarehouseMissingError: No warehouse at ``db_path``.
        UnknownSiteError: The warehouse has no run of that site and no rule for it.
    """
    known = boilerplate_sites(db_path)
    if site not in known:
        listed = ", ".join(known) if known else "none yet"
        raise UnknownSiteError(
            f"Unknown site {site!r}: the warehouse {db_path} has crawled {listed}."
        )


def resolve_key(boilerplate: SiteBoilerplate, text: str) -> str:
    """The key a user means: ``text`` itself when it is a key the site knows, else its key."""
    candidate = text.strip().lower()
    known = {r.key for r in boilerplate.rules}
    if candidate in known or boilerplate.learner.count(candidate) is not None:
        return candidate
    return paragraph_key(text)


def listing(boilerplate: SiteBoilerplate) -> list[dict[str, Any]]:
    """What ``gleaner boilerplate list`` shows for a site: learned keys and the user's rules.

    Returns:
        One dict per key: ``site``, ``key``, ``text``, ``pages``, ``share`` (of the site's pages,
        0 to 1), ``status`` (``learned``, ``user drop`` or ``user keep``); rules first in the
        order made, then learned keys by pages, most first.
    """
    learner = boilerplate.learner
    total = learner.total
    rows: list[dict[str, Any]] = []

    def row(key: str, text: str | None, status: str) -> dict[str, Any]:
        count = learner.count(key)
        pages = count.pages if count is not None else 0
        return {
            "site": boilerplate.site,
            "key": key,
            "text": text or (count.sample if count is not None else None),
            "pages": pages,
            "share": round(pages / total, 4) if total else 0.0,
            "status": status,
        }

    for rule in boilerplate.rules:
        rows.append(row(rule.key, rule.text, f"user {rule.action}"))
    ruled = {r.key for r in boilerplate.rules}
    learned = learner.learned()
    for key, count in learner.candidates():
        if key in learned and key not in ruled:
            rows.append(row(key, count.sample, "learned"))
    return rows


def list_boilerplate(
    db_path: str | os.PathLike[str], site: str | None = None
) -> list[dict[str, Any]]:
    """What ``gleaner boilerplate list`` shows: :func:`listing` of one site, or of every site.

    Raises:
        WarehouseMissingError: No warehouse at ``db_path``.
        UnknownSiteError: ``site`` is not in the warehouse.
    """
    if site is not None:
        require_site(db_path, site)
        names = [site]
    else:
        names = boilerplate_sites(db_path)
    rows: list[dict[str, Any]] = []
    for name in names:
        rows.extend(listing(load_site_boilerplate(db_path, name, full=False)))
    return rows


def add_rule(
    db_path: str | os.PathLike[str], site: str, text: str, action: str
) -> tuple[BoilerplateRule, dict[str, Any]]:
    """Record a user's ``drop`` or ``keep`` for a paragraph of a site; the next crawl applies it.

    Args:
        db_path: The warehouse file; it must exist and know the site.
        site: The site's name.
        text: The paragraph (case, quotes and spacing do not matter), or the key ``list`` shows.
        action: ``drop`` or ``keep``.

    Returns:
        The rule, and the paragraph's line as ``list`` shows it now.

    Raises:
        WarehouseMissingError: No warehouse at ``db_path``.
        UnknownSiteError: ``site`` is not in the warehouse.
    """
    require_site(db_path, site)
    boilerplate = load_site_boilerplate(db_path, site, full=False)
    key = resolve_key(boilerplate, text)
    count = boilerplate.learner.count(key)
    shown = count.sample if key == text.strip().lower() and count and count.sample else text
    rule = set_rule(db_path, site, key, shown.strip(), action)
    now = load_site_boilerplate(db_path, site, full=False)
    return rule, next(row for row in listing(now) if row["key"] == key)


def forget_rule(db_path: str | os.PathLike[str], site: str, text: str) -> BoilerplateRule:
    """Delete a user's rule for a paragraph of a site (given as text or key).

    Raises:
        WarehouseMissingError: No warehouse at ``db_path``.
        UnknownSiteError: ``site`` is not in the warehouse.
        NoRuleError: The site has no rule for that paragraph.
    """
    require_site(db_path, site)
    key = resolve_key(load_site_boilerplate(db_path, site, full=False), text)
    gone = delete_rule(db_path, site, key)
    if gone is None:
        raise NoRuleError(f"Site {site!r} has no rule for that paragraph (key {key}).")
    return gone
