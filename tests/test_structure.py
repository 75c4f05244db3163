"""The package's shape, read from its source with ``ast``: imports run one way (no cycle,
lazy imports inside functions included), no module takes a private name from another, and
only :mod:`nncourse.paths` computes where files are (``__file__`` appears nowhere else)."""

import ast
from pathlib import Path

import pytest

from nncourse import paths

SOURCE = paths.PACKAGE


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(SOURCE.rglob("*.py"))}


def imported(name: str, path: Path):
    """(module imported, the names taken from it) for every import in the module, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:  # `from pkg import module` imports the module
                if f"{base}.{alias.name}" in MODULES:
                    yield f"{base}.{alias.name}", []
                else:
                    yield base, [alias.name]


def graph() -> dict[str, set[str]]:
    return {name: {m for m, _ in imported(name, path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_the_walk_sees_the_layers():
    edges = graph()
    assert "nncourse.deck.render" in edges["nncourse.commands.render"]  # a lazy import, inside run()
    assert "nncourse.paths" in edges["nncourse.deck.render"]  # `from .. import paths`
    assert "nncourse.commands.console" in edges["nncourse.commands.grade"]  # `from .console import ...`


def test_no_import_cycle():
    edges = graph()
    state: dict[str, str] = {}

    def visit(name, trail):
        state[name] = "open"
        for other in sorted(edges[name]):
            if state.get(other) == "open":
                cycle = trail[trail.index(other):] + [other]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if other not in state:
                visit(other, trail + [other])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])


def test_no_module_imports_another_modules_private_name():
    taken = [
        f"{name} takes {private} from {source}"
        for name, path in MODULES.items()
        for source, names in imported(name, path)
        for private in names
        if private.startswith("_") and not private.startswith("__") and source != name
    ]
    assert taken == []


def modules_bound(name: str, path: Path, tree) -> dict[str, str]:
    """The local names that stand for another nncourse module (``from . import sandbox``,
    ``import nncourse.course.sandbox as sandbox``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES and alias.asname:
                    bound[alias.asname] = alias.name
    return bound


def test_no_module_reaches_into_another_modules_private_names():
    reached = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        bound = modules_bound(name, path, tree)
        reached += [
            f"{name} uses {bound[node.value.id]}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
            and node.attr.startswith("_") and not node.attr.startswith("__") and bound[node.value.id] != name
        ]
    assert reached == []


def test_only_paths_computes_where_files_are():
    users = sorted(
        name
        for name, path in MODULES.items()
        if name != "nncourse.paths" and any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(ast.parse(path.read_text())))
    )
    assert users == []
