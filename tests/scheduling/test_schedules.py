"""Schedules: the expression forms, their slots, the missed-slot rule and spread starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.scheduling.effective import effective_schedules
from crawler.scheduling.expressions import next_due, parse_schedule, spread_offset
from crawler.sites import SitesFileError, load_sites


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 */6 * * *", "2026-03-01T05:59:59", "2026-03-01T06:00:00"),
        ("0 */6 * * *", "2026-03-01T06:00:00", "2026-03-01T12:00:00"),
        ("30 2 * * 1", "2026-03-01T00:00:00", "2026-03-02T02:30:00"),  # a Monday
        ("@daily", "2026-03-01T10:00:00", "2026-03-02T00:00:00"),
        ("*/20 * * * * *", "2026-03-01T10:00:05", "2026-03-01T10:00:20"),
        ("15 0 * * * *", "2026-03-01T10:00:05", "2026-03-01T10:00:15"),
        ("15 0 * * * *", "2026-03-01T10:00:15", "2026-03-01T11:00:15"),
        ("every 30s", "2026-03-01T10:00:05", "2026-03-01T10:00:30"),
        ("every 30s", "2026-03-01T10:00:30", "2026-03-01T10:01:00"),
        ("every 5m", "2026-03-01T10:01:00", "2026-03-01T10:05:00"),
        ("Every  2h", "2026-03-01T01:00:00", "2026-03-01T02:00:00"),
        ("every 1d", "2026-03-01T01:00:00", "2026-03-02T00:00:00"),
    ],
)
def test_next_slot_of_each_form(expression: str, after: str, expected: str) -> None:
    assert parse_schedule(expression).next_after(at(after)) == at(expected)


def test_an_aware_time_in_another_zone_is_read_as_that_instant() -> None:
    from datetime import timezone

    paris = datetime(2026, 3, 1, 6, 30, tzinfo=timezone(timedelta(hours=1)))  # 05:30 UTC
    assert parse_schedule("0 * * * *").next_after(paris) == at("2026-03-01T06:00:00")


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "every",
        "every 0s",
        "every 5x",
        "every -5m",
        "61 * * * *",
        "* * * *",
        "* * * * * * *",
        "*/5 * * * * 99",
        "hourly",
        "0 25 * * *",
    ],
)
def test_bad_expressions_are_refused_with_the_forms_named(expression: str) -> None:
    with pytest.raises(ValueError, match=r"every 30s|interval"):
        parse_schedule(expression)


def test_a_missed_slot_runs_once_now_not_once_per_slot() -> None:
    hourly = parse_schedule("0 * * * *")
    last = at("2026-03-01T01:00:00")
    now = at("2026-03-01T05:20:00")  # four slots missed while the scheduler was down
    assert next_due(hourly, last, now) == now
    # Having started now, the next crawl waits for the next slot: the other missed slots are gone.
    assert next_due(hourly, now, now + timedelta(seconds=1)) == at("2026-03-01T06:00:00")


def test_no_missed_slot_waits_for_the_next_one() -> None:
    hourly = parse_schedule("0 * * * *")
    now = at("2026-03-01T05:20:00")
    assert next_due(hourly, at("2026-03-01T05:00:02"), now) == at("2026-03-01T06:00:00")
    assert next_due(hourly, None, now) == at("2026-03-01T06:00:00")


def test_simultaneous_starts_are_spread_in_a_fixed_order() -> None:
    peers = ["alpha", "beta", "gamma"]
    offsets = {site: spread_offset(site, peers, 30) for site in peers}
    assert sorted(offsets.values()) == [0.0, 10.0, 20.0]
    assert {site: spread_offset(site, peers[::-1], 30) for site in peers} == offsets, (
        "the order depends on the names only"
    )
    assert spread_offset("alpha", ["alpha"], 30) == 0.0, "a site alone starts on time"
    assert spread_offset("beta", peers, 0) == 0.0


def test_schedule_in_the_sites_file_is_checked_and_normalised(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[[site]]\nname = "a"\nstart_urls = ["https://a.example/"]\nschedule = "every  5m"\n'
        '[[site]]\nname = "b"\nstart_urls = ["https://b.example/"]\n',
        encoding="utf-8",
    )
    a, b = load_sites(good)
    assert (a.schedule, b.schedule) == ("every 5m", None)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[site]]\nname = "a"\nstart_urls = ["https://a.example/"]\nschedule = "at noon"\n',
        encoding="utf-8",
    )
    with pytest.raises(SitesFileError) as caught:
        load_sites(bad)
    (problem,) = caught.value.problems
    assert (problem.site, problem.field) == ("a", "schedule")
    assert "'at noon' is not a schedule" in problem.message


def test_a_warehouse_schedule_overrides_the_sites_file(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(
        '[[site]]\nname = "a"\nstart_urls = ["https://a.example/"]\nschedule = "@daily"\n'
        '[[site]]\nname = "b"\nstart_urls = ["https://b.example/"]\nschedule = "every 5m"\n'
        '[[site]]\nname = "c"\nstart_urls = ["https://c.example/"]\n',
        encoding="utf-8",
    )
    stored = {"b": "every 2h", "c": "0 3 * * *", "gone": "@hourly"}
    found, problems = effective_schedules(load_sites(path), stored)
    assert {s: (f.schedule.expression, f.origin) for s, f in found.items()} == {
        "a": ("@daily", "sites file"),
        "b": ("every 2h", "warehouse"),
        "c": ("0 3 * * *", "warehouse"),
    }
    assert problems == ["the warehouse schedules site 'gone', which the sites file lacks"]
