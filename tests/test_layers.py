"""The layers, read from the imports themselves (function-level ones too): one direction, no cycles, streamlit
only in the UI, no import hidden inside a function or behind a module name.

Layers, lowest first; a module may import its own layer (without a cycle) or any lower one, never a higher one:
base (settings, access, navigation) -> reference -> store -> ingest -> analysis -> queries -> views -> charts
-> exports -> the command line (`rutland_data/__main__.py`) -> the UI package (`rutland_data/ui/`) -> app.py
and pages/. Only the UI package, app.py and pages/ import streamlit; nothing in the core imports the
benchmarks (`bench/`). tests/ and bench/ are not read: they may import anything.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from rutland_data.settings import PROJECT_ROOT

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("rutland_data/__init__.py", "rutland_data/settings.py", "rutland_data/access.py",
              "rutland_data/navigation.py")),
    ("reference", ("rutland_data/reference/",)),
    ("store", ("rutland_data/store/",)),
    ("ingest", ("rutland_data/ingest/",)),
    ("analysis", ("rutland_data/analysis/",)),
    ("queries", ("rutland_data/queries/",)),
    ("views", ("rutland_data/views/",)),
    ("charts", ("rutland_data/charts/",)),
    ("exports", ("rutland_data/exports/",)),
    ("command line", ("rutland_data/__main__.py",)),
    ("ui", ("rutland_data/ui/",)),
    ("app and pages", ("app.py", "pages/")),
]
STREAMLIT_ALLOWED = ("rutland_data/ui/", "app.py", "pages/")


def _files() -> list[Path]:
    return sorted([*(PROJECT_ROOT / "rutland_data").rglob("*.py"), PROJECT_ROOT / "app.py",
                   *(PROJECT_ROOT / "pages").glob("*.py")])


def _relative(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def _layer(relative: str) -> int | None:
    for position, (_, prefixes) in enumerate(LAYERS):
        if any(relative == p or (p.endswith("/") and relative.startswith(p)) for p in prefixes):
            return position
    return None


def _module_file(module: str) -> str | None:
    """The project file a dotted module name is, if it is one."""
    path = PROJECT_ROOT / Path(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return _relative(candidate)
    return None


@lru_cache(maxsize=1)
def _imports() -> dict[str, list[tuple[str, int, bool]]]:
    """file -> [(imported module, line, whether the import is inside a function or class)] for every import."""
    found: dict[str, list[tuple[str, int, bool]]] = {}
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nested = {id(node) for scope in ast.walk(tree) if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                              ast.ClassDef, ast.Lambda))
                  for node in ast.walk(scope) if node is not scope}
        rows = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                rows += [(alias.name, node.lineno, id(node) in nested) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolved against this file's package
                    package = _relative(path).removesuffix(".py").split("/")[:-node.level]
                    base = ".".join([*package, *([node.module] if node.module else [])])
                else:
                    base = node.module or ""
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    rows.append((submodule if _module_file(submodule) else base, node.lineno, id(node) in nested))
        found[_relative(path)] = rows
    return found


def _project_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for source, rows in _imports().items():
        for module, _, _ in rows:
            target = _module_file(module)
            if target is not None and target != source:
                edges[source].add(target)
    return edges


def test_every_module_has_a_layer():
    assert [f for f in _imports() if _layer(f) is None] == []


def test_no_module_imports_a_higher_layer():
    upward = []
    for source, targets in _project_edges().items():
        for target in targets:
            if _layer(target) is not None and _layer(target) > _layer(source):
                upward.append(f"{source} imports {target} ({LAYERS[_layer(source)][0]} -> {LAYERS[_layer(target)][0]})")
    assert upward == []


def test_no_import_cycle():
    """Tarjan's strongly connected components over the project's import graph: a group of more than one module
    imports itself round."""
    edges, index, low, stack, on_stack, cycles = _project_edges(), {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(_imports()):
        if node not in index:
            visit(node)
    assert cycles == []


def test_streamlit_only_in_the_ui():
    offenders = [f"{source}:{line}" for source, rows in _imports().items() for module, line, _ in rows
                 if module.split(".")[0] == "streamlit" and not source.startswith(STREAMLIT_ALLOWED)]
    assert offenders == []


def test_the_core_never_imports_the_benchmarks():
    offenders = [f"{source}:{line}" for source, rows in _imports().items() for module, line, _ in rows
                 if module.split(".")[0] == "bench"]
    assert offenders == []


def test_no_import_inside_a_function_and_none_by_name():
    """An import inside a function hides a cycle or an upward import from the module's header; importlib finds a
    module by a name no reader can follow."""
    nested = [f"{source}:{line} {module}" for source, rows in _imports().items() for module, line, inside in rows
              if inside]
    by_name = [f"{source}:{line}" for source, rows in _imports().items() for module, line, _ in rows
               if module.split(".")[0] == "importlib"]
    assert nested == [] and by_name == []


def test_the_rules_catch_what_they_are_for(tmp_path, monkeypatch):
    """The checks above would fail on a view importing a chart, on a cycle and on a lazy import."""
    (tmp_path / "rutland_data" / "views").mkdir(parents=True)
    (tmp_path / "rutland_data" / "charts").mkdir()
    (tmp_path / "rutland_data" / "views" / "a.py").write_text("from rutland_data.charts import b\n")
    (tmp_path / "rutland_data" / "charts" / "b.py").write_text("def f():\n    from rutland_data.views import a\n")
    monkeypatch.setitem(globals(), "PROJECT_ROOT", tmp_path)
    monkeypatch.setitem(globals(), "_files", lambda: sorted((tmp_path / "rutland_data").rglob("*.py")))
    _imports.cache_clear()
    try:
        for check in (test_no_module_imports_a_higher_layer, test_no_import_cycle,
                      test_no_import_inside_a_function_and_none_by_name):
            try:
                check()
            except AssertionError:
                continue
            raise AssertionError(f"{check.__name__} let a broken layering through")
    finally:
        _imports.cache_clear()
