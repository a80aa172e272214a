"""The sites-file loader on mutated sites files and generated values: it raises nothing but
``SitesFileError``, and every problem names the site and the field it belongs to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.sites import SiteConfig, SiteProblem, SitesFileError, load_sites, parse_sites
from tests.fuzzing import examples, mutations, time_limit

# A site with every key set, after the project's own sites.toml.
FULL_SITE = b"""
[[site]]
name = "other"
start_urls = ["https://example.com/"]
allowed_domains = ["example.com"]
listing_patterns = ['/tag/']
article_patterns = ['/\\d{4}/']
download_delay = 0.5
concurrency = 2
max_pages = 10
max_page_bytes = 100000
min_text_chars = 100
user_agent = "bot/1.0"
feeds = ["https://example.com/feed.xml"]
sitemaps = ["https://example.com/sitemap.xml"]
recheck_after = "12h"
stop_at_known = false
schedule = "0 */6 * * *"
[site.cleanup]
drop_selectors = ["div.ad", "//aside"]
drop_phrases = ["Advertisement"]
stop_phrases = ["Read more"]
title_prefix_patterns = ['^News: ']
title_suffix_patterns = ['\\s*\\|\\s*Example$']
"""
VALID = (Path(__file__).resolve().parent.parent / "sites.toml").read_bytes() + FULL_SITE
TOML_SNIPPETS = [
    *(b'"', b"'", b"[", b"]]", b"[[site]]", b"[site.cleanup]", b"=", b"\n", b"{", b"}", b"\\"),
    *(b"\\u0000", b"\\ud800", b"\\u001b[2J", b"\xff", b"\xc3", b"\x00", b"#", b"1e999", b"-1"),
    *(b"nan", b"inf", b"0", b"9" * 30, b"true", b"1979-05-27T07:32:00Z", b'"""', b"'''"),
    *(b'["(?P<"]', b"'[a-'", b"'(((((((((('", b"'//['", b"'div[[['", b'"http://[::1"'),
    *(b'"file:///etc/passwd"', b'"every 0s"', b'"99 99 99 99 99"', b"name", b"x = 1"),
    "é".encode(),
]


def _problems(load: Callable[[], list[SiteConfig]]) -> list[SiteProblem]:
    """The problems ``load`` reports (none when it loads), within 5 s; any other exception
    fails the test."""
    try:
        with time_limit(5):
            sites = load()
    except SitesFileError as exc:
        problems = exc.problems
        assert problems, "an error with no problem listed"
        return problems
    assert all(isinstance(site, SiteConfig) for site in sites)
    return []


def test_the_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_bytes(VALID)
    assert [site.name for site in load_sites(path)] == ["demo", "other"]


# A pattern like '[[a]' is valid but makes `re` warn of a future change in meaning.
@pytest.mark.filterwarnings("ignore::FutureWarning")
@examples(300)
@given(mutations([VALID], max_ops=4, snippets=TOML_SNIPPETS) | st.binary(max_size=300))
def test_mutated_sites_files(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("sites") / "sites.toml"
    path.write_bytes(data)
    problems = _problems(lambda: load_sites(path))
    for problem in problems:
        assert problem.site
        assert problem.field
        assert problem.message
        assert str(problem).startswith(f"site {problem.site!r}, field {problem.field!r}: ")


def test_undecodable_and_unreadable_files_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_bytes(VALID.replace(b"demo", b"d\xe9mo", 1))
    with pytest.raises(SitesFileError, match="not UTF-8 text"):
        load_sites(path)
    with pytest.raises(SitesFileError, match="cannot be read"):
        load_sites(tmp_path)


#: Any value TOML can hold.
toml_values = st.recursive(
    st.one_of(
        st.text(max_size=20),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.datetimes(timezones=st.just(dt.UTC) | st.none()),
        st.dates(),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
FIELDS = sorted(set(SiteConfig.model_fields) - {"name", "cleanup"})
CLEANUP_FIELDS = sorted(SiteConfig.model_fields["cleanup"].annotation.model_fields)  # type: ignore[union-attr]


@pytest.mark.filterwarnings("ignore::FutureWarning")
@examples(300)
@given(st.sampled_from([*FIELDS, *(f"cleanup.{f}" for f in CLEANUP_FIELDS)]), toml_values)
def test_a_bad_value_names_its_site_and_field(field: str, value: Any) -> None:
    entry: dict[str, Any] = {"name": "news", "start_urls": ["https://example.com/"]}
    if field.startswith("cleanup."):
        entry["cleanup"] = {field.removeprefix("cleanup."): value}
    else:
        entry[field] = value
    problems = _problems(lambda: parse_sites({"site": [entry]}, Path("sites.toml")))
    for problem in problems:
        assert problem.site == "news"
        assert problem.field == field or problem.field.startswith(field + ".")


@examples(100)
@given(toml_values)
def test_a_bad_name_is_named(value: Any) -> None:
    with pytest.raises(SitesFileError) as caught:
        parse_sites({"site": [{"name": value, "start_urls": 1}]}, Path("sites.toml"))
    fields = {problem.field for problem in caught.value.problems}
    assert "start_urls" in fields
    for problem in caught.value.problems:
        assert problem.site == (str(value) if value else "#1")
