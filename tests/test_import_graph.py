"""
The project's import graph: no cycle among its modules, and the layers import downwards only.

The graph is read from the source with ``ast`` (nothing is imported): every ``import``/``from ... import``
statement counts, at module level or inside a function, except those under ``if TYPE_CHECKING:`` (they
never run). An edge goes to the most specific project module named (``from metrics import view`` is an
edge to ``metrics.view``; ``from metrics.view import View`` to ``metrics.view``).

Run it alone with ``python -m pytest tests/test_import_graph.py -q`` (README, "Two commands").
"""

from __future__ import annotations

import ast
import itertools
from collections import deque
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "store", "callbacks", "layouts", "figures", "metrics", "reports", "data", "benchmarks")
TOP_MODULES = ("app", "wsgi")
# metrics/ is a pure pandas/numpy library: the CLI, the dashboard and the reports all stand on it.
METRICS_MAY_NOT_IMPORT = (
    "dash",
    "dash_bootstrap_components",
    "dash_ag_grid",
    "flask",
    "flask_caching",
    "plotly",
)
APP_LAYERS = ("app", "wsgi", "server", "store", "callbacks", "layouts", "figures", "reports")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files() -> dict[str, Path]:
    """Return {module name: path} of every project module."""
    files = {name: ROOT / f"{name}.py" for name in TOP_MODULES if (ROOT / f"{name}.py").exists()}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            files[module_name(path)] = path
    return files


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(source: str, module: str, is_package: bool) -> list[tuple[str, str | None, int]]:
    """
    Return every import of ``source`` as (absolute module, imported name or None, line).

    ``import X`` gives ``(X, None, line)``; ``from X import Y`` gives ``(X, Y, line)`` (Y may be a module or
    an attribute of X: :func:`build_graph` decides). ``TYPE_CHECKING`` blocks are left out.

    Examples
    --------
    >>> imported_names("import a.b\\nfrom .c import d\\ndef f():\\n    from e import g", "p.q", False)
    [('a.b', None, 1), ('p.c', 'd', 2), ('e', 'g', 4)]
    """
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    package = module if is_package else module.rpartition(".")[0]
    names: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            names += [(base, alias.name, node.lineno) for alias in node.names]
    return sorted(names, key=lambda item: item[2])


Graph = dict[str, set[str]]


def build_graph() -> tuple[Graph, dict[tuple[str, str], int], Graph]:
    """
    Return the project graph {module: imported project modules}, the line of each edge, and the external
    top-level packages each module imports.
    """
    files = project_files()
    graph: Graph = {name: set() for name in files}
    lines: dict[tuple[str, str], int] = {}
    external: Graph = {name: set() for name in files}
    for name, path in files.items():
        for base, attribute, line in imported_names(
            path.read_text(encoding="utf-8"), name, path.name == "__init__.py"
        ):
            target = f"{base}.{attribute}" if attribute and f"{base}.{attribute}" in files else base
            if target in files:
                if target != name:
                    graph[name].add(target)
                    lines.setdefault((name, target), line)
            elif target.split(".")[0] not in PACKAGES + TOP_MODULES:
                external[name].add(target.split(".")[0])
    return graph, lines, external


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def shortest_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """Return one shortest cycle through the component's first module, as a closed path."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph[node] & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"no cycle in {component}")


def describe(cycle: list[str], lines: dict[tuple[str, str], int]) -> str:
    steps = [f"{a} (line {lines[(a, b)]}) -> " for a, b in itertools.pairwise(cycle)]
    return "".join(steps) + cycle[-1]


@pytest.fixture(scope="module")
def project() -> tuple[Graph, dict[tuple[str, str], int], Graph]:
    return build_graph()


def test_the_graph_sees_the_project(project):
    graph, _, _ = project
    # A sanity floor: the walk found the packages and real edges (the CLI imports the export module).
    assert {"metrics", "metrics.export", "callbacks", "layouts.ids", "app"} <= graph.keys()
    assert "metrics.export" in graph["metrics.__main__"]


def test_no_import_cycle_among_project_modules(project):
    graph, lines, _ = project
    cycles = [describe(shortest_cycle(graph, component), lines) for component in strongly_connected(graph)]
    assert not cycles, "import cycles (module (line of the import) -> imported module):\n" + "\n".join(cycles)


def test_metrics_imports_no_dash_flask_plotly_nor_the_app_layers(project):
    graph, lines, external = project
    wrong = []
    for name in sorted(graph):
        if name != "metrics" and not name.startswith("metrics."):
            continue
        wrong += [
            f"{name} imports {package}" for package in sorted(external[name] & set(METRICS_MAY_NOT_IMPORT))
        ]
        wrong += [
            f"{name} (line {lines[(name, target)]}) imports {target}"
            for target in sorted(graph[name])
            if target.split(".")[0] in APP_LAYERS
        ]
    assert not wrong, "\n".join(wrong)


def test_a_cycle_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e2"}, "e2": set()}
    lines = {(x, y): 1 for x, ys in graph.items() for y in ys}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert (
        describe(shortest_cycle(graph, ["a", "b", "c"]), lines)
        == "a (line 1) -> b (line 1) -> c (line 1) -> a"
    )


def test_function_level_and_relative_imports_are_edges():
    source = "from . import sibling\n\ndef f():\n    import metrics.view\n"
    assert imported_names(source, "figures.overview", False) == [
        ("figures", "sibling", 1),
        ("metrics.view", None, 4),
    ]
    hidden = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from metrics import view\n"
    assert imported_names(hidden, "figures.x", False) == [("typing", "TYPE_CHECKING", 1)]
