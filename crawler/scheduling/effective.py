"""Each site's effective schedule: the warehouse's when it stores one, else the sites file's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.scheduling.expressions import Schedule, parse_schedule

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from crawler.sites import SiteConfig


#: Where a site's schedule comes from.
FROM_SITES_FILE = "sites file"
FROM_WAREHOUSE = "warehouse"


@dataclass(frozen=True, slots=True)
class SiteSchedule:
    """The schedule a site is crawled on, and where it comes from."""

    site: str
    schedule: Schedule
    origin: str
    """:data:`FROM_SITES_FILE` or :data:`FROM_WAREHOUSE`."""


def effective_schedules(
    sites: Iterable[SiteConfig], stored: Mapping[str, str]
) -> tuple[dict[str, SiteSchedule], list[str]]:
    """Each site's schedule: the warehouse's when it has one, else the sites file's.

    Args:
        sites: The sites file's sites.
        stored: Site name to expression, as the warehouse keeps them.

    Returns:
        The scheduled sites (site name to schedule, in sites file order), and a sentence for
        each stored schedule that cannot be used (its site is not in the sites file, or its
        expression is not a schedule).
    """
    found: dict[str, SiteSchedule] = {}
    problems: list[str] = []
    known = {site.name for site in sites}
    for name in sorted(set(stored) - known):
        problems.append(f"the warehouse schedules site {name!r}, which the sites file lacks")
    for site in sites:
        if site.name in stored:
            try:
                schedule = parse_schedule(stored[site.name])
            except ValueError as exc:
                problems.append(f"the warehouse's schedule of site {site.name!r}: {exc}")
                continue
            found[site.name] = SiteSchedule(site.name, schedule, FROM_WAREHOUSE)
        elif site.schedule is not None:
            found[site.name] = SiteSchedule(
                site.name, parse_schedule(site.schedule), FROM_SITES_FILE
            )
    return found, problems
