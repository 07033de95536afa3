"""The library's structure: every module imports, every import it makes resolves, and the
sub-packages import only downwards.

An import inside a function runs only when the function does, so a module moved or renamed can
break one silently: the second test reads every ``import`` statement of every module, at any
depth, and resolves it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import aemodels

PACKAGE = Path(aemodels.__file__).resolve().parent
MODULES = sorted(m.name for m in pkgutil.walk_packages(aemodels.__path__, "aemodels."))

# The floors, lowest first: a module may import from its own floor and those below it.
# The top-level modules (errors, home, kinds, config, words, native_log) are the ground floor;
# the command line (aemodels.cli, run by aemodels.__main__) stands on top.
FLOORS = ["aemodels", "aemodels.data", "aemodels.models", "aemodels.scoring", "aemodels.tasks", "aemodels.store",
          "aemodels.jobs", "aemodels.ui", "aemodels.cli"]
TOP = "aemodels.__main__"


def _floor(module: str) -> int:
    if module == TOP:
        return len(FLOORS)
    if module in FLOORS:
        return FLOORS.index(module)
    parts = module.split(".")
    if len(parts) > 2 and ".".join(parts[:2]) in FLOORS:
        return FLOORS.index(".".join(parts[:2]))
    return 0


def _source(module: str) -> Path:
    path = PACKAGE.joinpath(*module.split(".")[1:])
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _imports(module: str) -> list[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) of every import statement in ``module``."""
    found = []
    for node in ast.walk(ast.parse(_source(module).read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}:{node.lineno} uses a relative import"
            found += [(node.lineno, node.module, alias.name) for alias in node.names]
    return found


def _library_edges() -> dict[str, set[str]]:
    """Module → the ``aemodels`` modules it imports, at any depth of its code."""
    edges = {}
    for module in MODULES:
        targets = set()
        for _, imported, name in _imports(module):
            if not imported.startswith("aemodels"):
                continue
            candidate = f"{imported}.{name}" if name else imported
            targets.add(candidate if candidate in MODULES else imported)
        edges[module] = targets - {module, "aemodels"}
    return edges


def test_the_library_has_its_sub_packages():
    packages = {m for m in MODULES if importlib.util.find_spec(m).submodule_search_locations}
    assert packages == {*FLOORS[1:], "aemodels.ui.figures"}


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


@pytest.mark.parametrize("module", MODULES)
def test_every_import_statement_resolves(module):
    for line, imported, name in _imports(module):
        where = f"{module}:{line}"
        target = importlib.import_module(imported)
        if name is not None and name != "*":
            assert hasattr(target, name) or importlib.util.find_spec(f"{imported}.{name}"), \
                f"{where}: {imported} has no {name}"


def test_no_import_runs_back_up_a_floor():
    upward = [f"{module} -> {target}" for module, targets in _library_edges().items()
              for target in targets if _floor(target) > _floor(module)]
    assert upward == []


def test_no_modules_import_each_other_in_a_loop():
    edges = _library_edges()
    loops = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(edges.get(module, ())):
            if target in path:
                loops.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in seen:
                seen.add(target)
                visit(target, path + [target])

    for start in MODULES:
        seen = {start}
        visit(start, [start])
    assert loops == []


def test_only_the_ui_package_knows_streamlit():
    aware = {module for module in MODULES
             if any(imported.split(".")[0] == "streamlit" for _, imported, _ in _imports(module))}
    assert aware and all(module.startswith("aemodels.ui.") for module in aware), aware
