"""Imports point one way: no cycle in newsbot/ and archive/, and each layer imports only what it may.

The import graph is built statically (ast) from every `import` and `from ... import`, those inside
functions included (they hide cycles from a plain run); imports under `if TYPE_CHECKING:` are left
out, since they never run. Each rule is a pure function over a graph, so the tests below also feed
it small made-up graphs to show that it fails when it should.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from tests.support.paths import REPO

PACKAGES = ("newsbot", "archive")
# The records every layer shares; archive/ may import these and nothing else of newsbot, and they
# import nothing of the project themselves.
SHARED_RECORDS = frozenset({"newsbot.items", "newsbot.stats"})
CRAWLER_LIBRARIES = frozenset({"scrapy", "twisted", "scrapy_redis"})
SQLITE_LIBRARIES = frozenset({"sqlite3", "sqlite_utils"})
# Layers that must stay usable without the crawler: page objects are fed saved HTML, text is pure.
NO_CRAWLER = ("newsbot.pages", "newsbot.text")

Graph = Mapping[str, set[str]]


# --- building the graph ----------------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterable[ast.Import | ast.ImportFrom]:
    """Yield every import statement that can run, at any depth (functions, try blocks, ...)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def imported_modules(tree: ast.AST, this: str, is_package: bool, known: set[str]) -> set[str]:
    """Return the modules `tree` imports: project modules by full name, others by top-level name."""
    found: set[str] = set()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:  # relative: from the package this module is in
                package = this.split(".") if is_package else this.split(".")[:-1]
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` imports the module pkg.mod when there is one.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            if target.split(".")[0] in PACKAGES:
                while target not in known and "." in target:  # `import newsbot.runs.x.y` -> a module
                    target = target.rsplit(".", 1)[0]
                found.add(target)
            else:
                found.add(target.split(".")[0])
    found.discard(this)
    return found


def project_graph(root: Path = REPO) -> dict[str, set[str]]:
    """Return module -> imported modules for every module of newsbot/ and archive/."""
    files = {module_name(p, root): p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))}
    known = set(files)
    return {
        name: imported_modules(
            ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py", known
        )
        for name, path in files.items()
    }


# --- the rules ---------------------------------------------------------------------------------------


def find_cycles(graph: Graph) -> list[list[str]]:
    """Return the import cycles of `graph` (its strongly connected parts with more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _in(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def layer_violations(graph: Graph) -> list[str]:
    """Return one line per import that breaks a layer rule."""
    broken = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            top = target.split(".")[0]
            if _in(module, "archive") and top == "newsbot" and target not in SHARED_RECORDS:
                broken.append(f"{module} imports {target}: archive/ imports only {sorted(SHARED_RECORDS)}")
            if module in SHARED_RECORDS and top in PACKAGES and target not in SHARED_RECORDS:
                broken.append(f"{module} imports {target}: the shared records import nothing above them")
            if (_in(module, "archive") or module in SHARED_RECORDS) and top in CRAWLER_LIBRARIES:
                broken.append(f"{module} imports {target}: archive/ and shared records never import Scrapy")
            if any(_in(module, layer) for layer in NO_CRAWLER) and top in CRAWLER_LIBRARIES:
                broken.append(f"{module} imports {target}: pages and text import no Scrapy or Twisted")
            if top in SQLITE_LIBRARIES and not _in(module, "archive"):
                broken.append(f"{module} imports {target}: only archive/ talks to SQLite")
    return broken


# --- the project -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return project_graph()


def test_the_graph_sees_the_project(graph) -> None:
    # Guards the checks below against an empty or blind graph.
    assert {"newsbot.items", "archive.db", "newsbot.runs.scheduled", "newsbot.enrich"} <= set(graph)
    assert "newsbot.items" in graph["archive.db"] and "sqlite_utils" in graph["archive.db"]
    assert "scrapy" in graph["newsbot.runs.crawl"]
    # An import inside a function counts: revisit builds its stores lazily.
    assert {"archive.revisit", "newsbot.runs.distributed.state"} <= graph["newsbot.runs.revisit"]


def test_no_import_cycle(graph) -> None:
    assert find_cycles(graph) == []


def test_no_layer_rule_broken(graph) -> None:
    assert layer_violations(graph) == []


# --- each rule can fail ------------------------------------------------------------------------------


def test_a_cycle_through_a_function_level_import_is_found() -> None:
    source = "def later():\n    from newsbot.b import thing\n"
    known = {"newsbot.a", "newsbot.b"}
    fake = {
        "newsbot.a": imported_modules(ast.parse(source), "newsbot.a", False, known),
        "newsbot.b": {"newsbot.a"},
    }
    assert find_cycles(fake) == [["newsbot.a", "newsbot.b"]]
    assert find_cycles({"newsbot.a": {"newsbot.b"}, "newsbot.b": set()}) == []


def test_a_longer_cycle_is_found_whole() -> None:
    fake = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(fake) == [["a", "b", "c"]]


def test_type_checking_imports_do_not_count() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from scrapy import Spider\n"
    assert imported_modules(ast.parse(source), "newsbot.text.x", False, set()) == {"typing"}


@pytest.mark.parametrize(
    ("module", "target", "says"),
    [
        ("archive.store", "newsbot.runs.revisit", "archive/ imports only"),
        ("archive.store", "scrapy", "never import Scrapy"),
        ("newsbot.items", "newsbot.text.views", "import nothing above them"),
        ("newsbot.pages.unn", "scrapy", "pages and text import no Scrapy"),
        ("newsbot.text.split", "twisted", "pages and text import no Scrapy"),
        ("newsbot.pipelines.archive", "sqlite3", "only archive/ talks to SQLite"),
        ("newsbot.cli.archive", "sqlite_utils", "only archive/ talks to SQLite"),
    ],
)
def test_each_layer_rule_fails_when_broken(module: str, target: str, says: str) -> None:
    (line,) = layer_violations({module: {target}})
    assert says in line and module in line and target in line


def test_allowed_imports_pass() -> None:
    fake = {
        "archive.store": {"newsbot.items", "newsbot.stats", "sqlite3", "json"},
        "newsbot.pages.unn": {"newsbot.items", "parsel"},
        "newsbot.runs.crawl": {"scrapy", "newsbot.items"},
    }
    assert layer_violations(fake) == []


def test_relative_imports_resolve_inside_the_package() -> None:
    known = {"newsbot.runs.distributed.keys", "newsbot.runs.distributed.state", "newsbot.items"}
    source = "from .keys import RedisKeys\nfrom ...items import KnownPage\n"
    found = imported_modules(ast.parse(source), "newsbot.runs.distributed.state", False, known)
    assert found == {"newsbot.runs.distributed.keys", "newsbot.items"}
