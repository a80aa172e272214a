"""The package layout's import rules: data flows crawler -> pipelines -> warehouse, never back.

- ``warehouse`` imports nothing of gleaner's;
- ``pipelines`` imports from ``crawler`` only the shared contract (items, sites, URL keys, limits,
  HTTP validators and the text helpers);
- no module imports itself back through a chain of module-level imports;
- the validated ``Article`` does not pull in the extraction stack.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "pipelines", "warehouse")

#: What ``pipelines`` may import from ``crawler``: modules, or packages whose every module may be.
CONTRACT = (
    "crawler",
    "crawler.items",
    "crawler.sites",
    "crawler.urls",
    "crawler.limits",
    "crawler.fetch.conditional",
    "crawler.text",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


def _imports(path: Path, *, module_level_only: bool) -> set[str]:
    """Our modules that ``path`` imports (all of them, or those run when it is imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                if not module_level_only:
                    visit(node.body)
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                visit([*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])])
            elif not module_level_only:
                visit(
                    [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]
                )

    visit(tree.body)
    return found


def _ours(names: set[str], modules: dict[str, Path]) -> set[str]:
    return {name for name in names if name in modules}


def test_warehouse_imports_nothing_of_ours() -> None:
    modules = _modules()
    wrong = {
        (name, imported)
        for name, path in modules.items()
        if name.startswith("warehouse")
        for imported in _ours(_imports(path, module_level_only=False), modules)
        if not imported.startswith("warehouse")
    }
    assert not wrong


def test_pipelines_import_only_the_contract_from_crawler() -> None:
    modules = _modules()

    def in_contract(name: str) -> bool:
        return any(name == c or (name.startswith(f"{c}.") and c != "crawler") for c in CONTRACT)

    wrong = {
        (name, imported)
        for name, path in modules.items()
        if name.startswith("pipelines")
        for imported in _ours(_imports(path, module_level_only=False), modules)
        if imported.startswith("crawler") and not in_contract(imported)
    }
    assert not wrong


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {
        name: _ours(_imports(path, module_level_only=True), modules) - {name}
        for name, path in modules.items()
    }
    cycles: list[list[str]] = []
    done: set[str] = set()

    def walk(name: str, trail: list[str]) -> None:
        if name in trail:
            cycles.append([*trail[trail.index(name) :], name])
            return
        if name in done:
            return
        for imported in sorted(graph[name]):
            # importing a package's module runs the package first: not a cycle of ours
            if not name.startswith(f"{imported}."):
                walk(imported, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        walk(name, [])
    assert not cycles


@pytest.mark.parametrize("module", ["pipelines.models", "pipelines.validate", "crawler.items"])
def test_the_contract_does_not_pull_in_extraction(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in ('trafilatura', 'scrapy') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"
