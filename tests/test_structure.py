"""The package's shape: no import cycle, the layers import only downwards, small modules.

The import graph is read from the source (``ast``), module-level imports only:
an import inside a function is how the registries load a reader or a renderer
when it is used, and cannot form a cycle at import time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "publish"
#: "About 500 lines at most" for a module with one job.
MAX_LINES = 550
#: Only the renderers talk to the rendering libraries (and ``publish check``, which opens
#: the DOCX as python-docx does, among its readers).
RENDERING_LIBRARIES = ("weasyprint", "ebooklib", "docx")
ALSO_ALLOWED = ("publish.verify.",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def top_level_imports(name: str) -> Iterator[str]:
    """The modules ``name`` imports when it is imported (not inside functions)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target
            for alias in node.names:  # "from . import html" imports a module
                if f"{target}.{alias.name}" in MODULES:
                    yield f"{target}.{alias.name}"


def graph() -> dict[str, set[str]]:
    """Each module -> the modules it names in its imports.  (Importing a module also runs its
    packages' ``__init__``; a package that imports its own modules is the usual layout, not a
    cycle, so that edge is left out.)"""
    return {name: {t for t in top_level_imports(name) if t in MODULES and t != name} for name in MODULES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def imports_of(prefix: str) -> Iterator[tuple[str, str]]:
    for name in MODULES:
        if name == prefix or name.startswith(prefix + "."):
            for target in top_level_imports(name):
                yield name, target


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("publish.model", ("publish.",)),  # the model stands alone
    ("publish.conventions", ("publish.sources", "publish.transforms", "publish.render", "publish.build")),
    ("publish.sources.readers", ("publish.render", "publish.transforms", "publish.lint", "publish.verify")),
    ("publish.transforms", ("publish.render", "publish.build", "publish.lint", "publish.verify")),
    ("publish.render", ("publish.sources.readers", "publish.transforms", "publish.lint", "publish.verify",
                        "publish.build.pipeline", "publish.build.book", "publish.cli")),
    ("publish.build.workers", ("publish.render", "publish.sources")),
    ("publish.lint", ("publish.render", "publish.sources.readers")),
])
def test_layers_import_only_downwards(layer: str, forbidden: tuple[str, ...]) -> None:
    allowed_in_model = ("publish.model",)
    bad = [(name, target) for name, target in imports_of(layer)
           if target.startswith(forbidden) and not (layer == "publish.model" and target.startswith(allowed_in_model))]
    assert bad == []


def test_no_renderer_reaches_into_another() -> None:
    """The HTML the PDF and the EPUB share is a package both import; PDF, EPUB and DOCX are
    otherwise strangers."""
    formats = ("publish.render.pdf", "publish.render.epub", "publish.render.docx")
    bad = [(name, target) for own in formats for name, target in imports_of(own)
           if target.startswith(formats) and not target.startswith(own)]
    assert bad == []


def test_only_renderers_import_the_rendering_libraries() -> None:
    bad = []
    for name, path in MODULES.items():
        if name.startswith(("publish.render.", *ALSO_ALLOWED)):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            bad += [(name, n) for n in names if n.split(".")[0] in RENDERING_LIBRARIES]
    assert bad == []


def test_modules_are_small() -> None:
    long = {name: lines for name, path in MODULES.items() if (lines := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}
