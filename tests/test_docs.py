"""The README and docs/ document what gleaner has, and every link and path in them resolves.

The README is the front door: the two set-up commands, the commands table and links. The manual
is in docs/, one page per topic; these tests hold each page to the code it describes.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from dataclasses import fields
from pathlib import Path
from typing import Any, get_args

import pytest

from crawler import settings
from crawler.cli import cli
from crawler.items import RejectReason
from crawler.sites import CleanupRules, SiteConfig

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
README_MAX_BYTES = 15_000
FENCE = re.compile(r"^```.*?^```", flags=re.M | re.S)


def read(name: str) -> str:
    """A page of docs/."""
    return (DOCS / name).read_text()


def prose(text: str) -> str:
    """Markdown without its fenced code blocks."""
    return FENCE.sub("", text)


def first_column(text: str) -> list[str]:
    """The code spans in the first cell of every table row."""
    cells = re.findall(r"^\| ([^|\n]*?) \|", text, flags=re.M)
    return [name for cell in cells for name in re.findall(r"`([^`]+)`", cell)]


def section(text: str, heading: str) -> str:
    """The part of a page under one heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = text.index(heading + "\n")
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", text, flags=re.M)]
    later = [e for e in ends if e > start]
    return text[start : later[0] if later else len(text)]


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = README.read_text().split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:]]
    assert [c for c in commands if c] == ["make demo", "make test"]


def test_readme_is_a_front_door() -> None:
    assert len(README.read_bytes()) <= README_MAX_BYTES


def commands() -> list[tuple[str, Any]]:
    """Every command and subcommand, by its full name."""
    found: list[tuple[str, Any]] = []
    for name, command in cli.commands.items():
        found.append((name, command))
        for sub, subcommand in getattr(command, "commands", {}).items():
            found.append((f"{name} {sub}", subcommand))
    return found


def test_every_command_is_in_the_readme_and_has_help() -> None:
    table = section(README.read_text(), "## Commands")
    for name, command in commands():
        group, _, sub = name.partition(" ")
        row = (
            rf"`gleaner {re.escape(group)} [^`]*\b{re.escape(sub)}\b"
            if sub
            else f"`gleaner {group}"
        )
        assert re.search(row, table), name
        assert command.help, name
        assert "Example:" in command.help, name


def test_every_gleaner_setting_is_documented() -> None:
    keys = [k for k in vars(settings) if k.startswith("GLEANER_")]
    assert keys
    documented = first_column(read("settings.md"))
    assert sorted(set(keys) - set(documented)) == []
    assert sorted(k for k in documented if k.startswith("GLEANER_") and k not in keys) == []


def test_every_sites_file_key_is_documented() -> None:
    keys = [k for k in SiteConfig.model_fields if k != "cleanup"]
    keys += [f"cleanup.{k}" for k in CleanupRules.model_fields]
    documented = first_column(section(read("sites.md"), "### Keys"))
    assert sorted(set(keys) - set(documented)) == []
    assert sorted(set(documented) - set(keys)) == []


def test_every_reject_reason_is_documented() -> None:
    reasons = set(get_args(RejectReason))
    documented = first_column(section(read("validation.md"), "## Reject reasons"))
    assert sorted(reasons - set(documented)) == []
    assert sorted(set(documented) - reasons) == []


def test_every_near_duplicate_setting_is_documented() -> None:
    from warehouse.dedupe.neardup import NearDupSettings

    names = [f.name for f in fields(NearDupSettings)]
    documented = first_column(section(read("dedupe.md"), "## Near-duplicates"))
    assert sorted(set(names) - set(documented)) == []


def warehouse_schema(db: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Every table of a new warehouse with its columns, and its views."""
    from warehouse.db import connect

    conn = connect(str(db))
    try:
        tables = conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
        views = conn.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"
        ).fetchall()
        columns = {
            name: [row[0] for row in conn.execute(f'DESCRIBE "{name}"').fetchall()]
            for (name,) in tables
        }
        return columns, [name for (name,) in views]
    finally:
        conn.close()


def documented_columns(text: str) -> dict[str, set[str]]:
    """Columns per table from the column tables under each ``### `table` `` heading.

    A cell names columns as ``column``, ``table.column`` or ``.column`` (of the table named last).
    """
    found: dict[str, set[str]] = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        tables = re.findall(r"`([^`]+)`", heading)
        current = tables[0] if tables else ""
        for name in first_column(body):
            table, dot, column = name.rpartition(".")
            if dot and table:
                current = table
            found.setdefault(current, set()).add(column)
    return found


def test_every_table_and_column_is_documented(tmp_path: Path) -> None:
    tables, views = warehouse_schema(tmp_path / "w.duckdb")
    page = read("warehouse.md")
    listed = first_column(section(page, "## Tables"))
    assert sorted(set(tables) - set(listed)) == []
    assert sorted(set(listed) - set(tables)) == []
    columns = documented_columns(section(page, "## Columns").split("### Views")[0])
    for name, cols in tables.items():
        assert sorted(set(cols) - columns.get(name, set())) == [], name
        assert sorted(columns.get(name, set()) - set(cols)) == [], name
    assert sorted(set(columns) - set(tables)) == []
    described = re.findall(r"^- `([^`]+)`:", section(page, "### Views"), flags=re.M)
    assert sorted(described) == sorted(views)


def test_demo_urls_in_the_docs_are_served() -> None:
    from crawler.demo import build_site

    site = build_site()
    paths = [
        path
        for page in PAGES
        for path in re.findall(r"http://127\.0\.0\.1:8931(/[^\s`\"')\]]*)", page.read_text())
    ]
    assert paths
    for path in paths:
        assert site.page(path).status == 200, path


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").replace("*", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a page, numbered as GitHub numbers repeated ones."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", prose(page.read_text()), flags=re.M):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    """The targets of a page's markdown links, outside code blocks and code spans."""
    text = re.sub(r"`[^`\n]*`", "", prose(page.read_text()))
    return re.findall(r"\[[^\]]*\]\(([^)\s]+)\)", text)


def test_slugs_are_githubs() -> None:
    assert slug("## `gleaner report --json`".lstrip("# ")) == "gleaner-report---json"
    assert slug("Incremental crawls: a run costs what changed") == (
        "incremental-crawls-a-run-costs-what-changed"
    )
    assert slug("`boilerplate_counts`, `boilerplate_pages`") == (
        "boilerplate_counts-boilerplate_pages"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_resolves(page: Path) -> None:
    found = links(page)
    for target in found:
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name}: {target}"
        assert not path or linked.is_relative_to(ROOT), f"{page.name}: {target}"
        if anchor:
            assert anchor in anchors(linked), f"{page.name}: {target}"


def test_the_readme_links_every_page_of_the_docs() -> None:
    linked = {Path(t.partition("#")[0]).name for t in links(README) if t.startswith("docs/")}
    assert sorted(p.name for p in DOCS.glob("*.md") if p.name not in linked) == []


PACKAGES = ("crawler", "pipelines", "warehouse", "tests", "bench")
CODE_PATH = re.compile(rf"(?<![\w/.$<-])(?:{'|'.join(PACKAGES)})/[\w./*-]*")
MODULE_PATH = re.compile(rf"(?<![\w/.$<-])(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+")


def test_every_code_path_in_the_docs_exists() -> None:
    for page in PAGES:
        for path in CODE_PATH.findall(page.read_text()):
            path = path.rstrip(".,")
            if "*" in path:
                assert list(ROOT.glob(path)), f"{page.name}: {path}"
            else:
                assert (ROOT / path).exists(), f"{page.name}: {path}"


def resolve(dotted: str) -> object:
    """The module, or the attribute of a module, that a dotted name names."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # a part of the name is a module, not a package
            spec = None
        if spec is None:
            continue
        found: object = importlib.import_module(name)
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


def test_every_module_named_in_the_docs_exists() -> None:
    for page in PAGES:
        for dotted in MODULE_PATH.findall(page.read_text()):
            if dotted.endswith(".md"):  # a page of docs/ named after a package
                continue
            assert resolve(dotted) is not None, f"{page.name}: {dotted}"


def packages() -> list[str]:
    """Every package of ours below the top level, as a folder path."""
    return sorted(
        str(init.parent.relative_to(ROOT))
        for top in ("crawler", "pipelines", "warehouse")
        for init in (ROOT / top).glob("*/__init__.py")
    )


@pytest.mark.parametrize("page", [README, DOCS / "development.md"], ids=lambda p: p.name)
def test_the_code_maps_name_every_package(page: Path) -> None:
    text = section(page.read_text(), "## Code map")
    assert [p for p in packages() if f"`{p}/`" not in text] == []
