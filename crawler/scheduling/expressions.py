"""Crawl schedules: parsing an expression, its slots, the missed-slot rule and spreading starts.

Everything here is a pure function of its arguments (no clock, no sleeping), so
``crawler.scheduling.loop`` owns the time and these own the rules. Times are aware ``datetime`` objects;
cron expressions are read in UTC.

The forms a schedule takes:

- five cron fields, ``minute hour day-of-month month day-of-week`` (``0 */6 * * *``), or a cron
  nickname (``@hourly``, ``@daily``, ``@weekly``, ``@monthly``, ``@yearly``);
- six cron fields, the first being seconds: ``second minute hour day-of-month month day-of-week``
  (``*/30 * * * * *`` is every 30 seconds);
- ``every N`` with a unit ``s``, ``m``, ``h`` or ``d`` (``every 30s``, ``every 5m``, ``every 2h``):
  slots at whole multiples of the interval since 1970-01-01 00:00 UTC, so ``every 2h`` is due at
  00:00, 02:00, ... UTC.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from croniter import croniter

if TYPE_CHECKING:
    from collections.abc import Collection

_EVERY = re.compile(r"every\s+(\d+)\s*([smhd])", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NICKNAMES = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed schedule: a cron expression (5 or 6 fields) or a fixed interval."""

    expression: str
    """The expression as written (surrounding spaces removed)."""
    interval_s: int | None = None
    """Seconds between slots for the ``every N`` form; ``None`` for cron."""
    seconds_field: bool = False
    """Whether the cron expression has a leading seconds field."""

    def next_after(self, when: datetime) -> datetime:
        """The first slot strictly after ``when``.

        Args:
            when: An aware datetime (a naive one is read as UTC).

        Returns:
            The slot, in UTC.
        """
        when = _utc(when)
        if self.interval_s is not None:
            elapsed = (when - _EPOCH) // timedelta(seconds=self.interval_s)
            return _EPOCH + timedelta(seconds=self.interval_s * (elapsed + 1))
        itr = croniter(self.expression, when, second_at_beginning=self.seconds_field)
        found: datetime = itr.get_next(datetime)
        return found.astimezone(UTC)


def parse_schedule(expression: str) -> Schedule:
    """Read a schedule expression (see the module docstring for its forms).

    Args:
        expression: ``every 5m``, five cron fields, six with seconds first, or ``@daily``.

    Returns:
        The schedule.

    Raises:
        ValueError: The expression is none of the forms; the message says which are accepted.
    """
    text = " ".join(str(expression).split())
    every = _EVERY.fullmatch(text)
    if every:
        seconds = int(every[1]) * _UNITS[every[2].lower()]
        if seconds <= 0:
            raise ValueError(f"{expression!r}: the interval must be at least one second")
        return Schedule(text, interval_s=seconds)
    fields = text.split(" ")
    if text.lower() in _NICKNAMES:
        return Schedule(text.lower())
    if len(fields) in (5, 6) and croniter.is_valid(text, second_at_beginning=len(fields) == 6):
        schedule = Schedule(text, seconds_field=len(fields) == 6)
        schedule.next_after(_EPOCH)  # ranges croniter only checks when iterating
        return schedule
    raise ValueError(
        f"{expression!r} is not a schedule: use five cron fields ('0 */6 * * *'), six with "
        "seconds first ('*/30 * * * * *'), a nickname such as '@daily', or 'every 30s', "
        "'every 5m', 'every 2h'"
    )


def check_schedule(expression: str) -> str:
    """Validate an expression and return it normalised (a pydantic validator).

    Args:
        expression: A schedule expression.

    Returns:
        The expression with runs of spaces folded.

    Raises:
        ValueError: It is not a schedule.
    """
    return parse_schedule(expression).expression


def next_due(schedule: Schedule, last_started: datetime | None, now: datetime) -> datetime:
    """When a site's next crawl is due, catching up at most once after downtime.

    A slot that came after the last run started and is already past was missed: the crawl is
    due ``now``, once, however many slots were missed. Otherwise it is due at the next slot.
    A site never crawled waits for its next slot.

    Args:
        schedule: The site's schedule.
        last_started: When its last crawl started, or ``None``.
        now: The current time.

    Returns:
        ``now`` when a slot was missed, else the first slot after ``now``.
    """
    now = _utc(now)
    if last_started is not None and schedule.next_after(last_started) <= now:
        return now
    return schedule.next_after(now)


def spread_offset(site: str, peers: Collection[str], spread_s: float) -> float:
    """How many seconds after its due time a site starts, when ``peers`` are due then too.

    The sites due at one moment (``peers``, the site among them) are ordered by a hash of their
    names, and the i-th of n starts ``i * spread_s / n`` seconds late; a site alone starts on
    time. The order depends only on the names, so the same sites start in the same order every
    time.

    Args:
        site: The site.
        peers: Every site due at the same moment, ``site`` included.
        spread_s: The longest delay given to a start (0: no spreading).

    Returns:
        The delay in seconds, from 0 up to (not including) ``spread_s``.
    """
    group = sorted({*peers, site}, key=_name_hash)
    if spread_s <= 0 or len(group) == 1:
        return 0.0
    return group.index(site) * spread_s / len(group)


def _name_hash(name: str) -> tuple[str, str]:
    return hashlib.sha256(name.encode()).hexdigest(), name


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
