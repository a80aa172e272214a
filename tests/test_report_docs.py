"""docs/report.md documents every key of ``gleaner report --json`` and ``gleaner runs --json``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import gleaner
from tests.report_warehouse import two_runs

DOC = (Path(__file__).resolve().parent.parent / "docs" / "report.md").read_text()
REPORT_HEADING = "## `gleaner report --json`"
RUNS_HEADING = "## `gleaner runs --json`"


def key_paths(value: Any, prefix: str = "") -> list[str]:
    """Every key of a JSON value as a dotted path; ``[]`` marks the objects of a list."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found.append(path)
            found += key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                found += key_paths(item, f"{prefix}[]")
    return list(dict.fromkeys(found))


def section(heading: str) -> str:
    """The part of docs/report.md under one heading."""
    start = DOC.index(heading)
    end = DOC.find("\n## ", start + len(heading))
    return DOC[start : end if end != -1 else len(DOC)]


def documented(text: str) -> list[str]:
    """The field paths in the first column of a section's tables."""
    return re.findall(r"^\| `([^`]+)` \|", text, flags=re.M)


def example(text: str) -> Any:
    """The section's JSON example."""
    block = re.search(r"```json\n(.*?)```", text, flags=re.S)
    assert block, "the section has a JSON example"
    return json.loads(block[1])


def pattern(path: str) -> re.Pattern[str]:
    """A documented path as a regex: ``<name>`` stands for any one key."""
    parts = re.split(r"<[^>]+>", path)
    return re.compile("[^.]+".join(re.escape(p) for p in parts))


def undocumented(paths: list[str], fields: list[str]) -> list[str]:
    patterns = [pattern(f) for f in fields]
    return [p for p in paths if not any(x.fullmatch(p) for x in patterns)]


def unused(paths: list[str], fields: list[str]) -> list[str]:
    return [f for f in fields if not any(pattern(f).fullmatch(p) for p in paths)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Real ``--json`` output: both runs' reports and the run list."""
    db = tmp_path_factory.mktemp("docs") / "w.duckdb"
    runs = two_runs(db)
    return {
        "first": json.loads(gleaner("report", runs.first, "--db", str(db), "--json").stdout),
        "second": json.loads(gleaner("report", runs.second, "--db", str(db), "--json").stdout),
        "runs": json.loads(gleaner("runs", "--db", str(db), "--json").stdout),
    }


def test_every_report_key_is_documented(outputs: dict[str, Any]) -> None:
    fields = documented(section(REPORT_HEADING))
    for name in ("first", "second"):
        assert undocumented(key_paths(outputs[name]), fields) == [], name
    # The second run has an item of every kind, so it uses every documented field.
    assert unused(key_paths(outputs["second"]), fields) == []
    top = [f for f in fields if "." not in f and "[" not in f]
    assert top == list(outputs["second"]), "top-level keys in documented order"


def test_every_runs_key_is_documented(outputs: dict[str, Any]) -> None:
    fields = documented(section(RUNS_HEADING))
    paths = key_paths(outputs["runs"])
    assert undocumented(paths, fields) == []
    assert unused(paths, fields) == []
    assert [f.removeprefix("[].") for f in fields] == list(outputs["runs"][0])


@pytest.mark.parametrize(
    ("heading", "output"), [(REPORT_HEADING, "second"), (RUNS_HEADING, "runs")]
)
def test_examples_have_the_shape_of_real_output(
    outputs: dict[str, Any], heading: str, output: str
) -> None:
    shown = example(section(heading))
    fields = documented(section(heading))
    real = {pattern_of(p, fields) for p in key_paths(outputs[output])}
    assert {pattern_of(p, fields) for p in key_paths(shown)} == real


def pattern_of(path: str, fields: list[str]) -> str:
    """The documented field a path falls under."""
    return next(f for f in fields if pattern(f).fullmatch(path))
