"""The package's layers point one way: each layer imports only the layers below it, and no cycles.

Why: the layout is the architecture a newcomer reads (``core`` -> ``data`` -> ``readers``/``sor`` ->
``synth`` -> ``analysis`` -> ``charts`` -> ``explore`` -> ``briefing`` -> ``cli``). An analysis module
that imports the briefing model, or a chart that imports an analysis module "inside a function so
nobody notices", breaks that silently; this test reads every import of every module with ``ast``
(top-level AND inside functions, ``TYPE_CHECKING`` blocks included) and fails naming both files.
Charts are stricter: they import only ``core`` and ``charts`` (frames in, charts out).

The allow-list is empty and must stay empty: fix the import, don't list it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "dsa_explore"
SRC = Path(__file__).resolve().parents[1] / "src"

#: layer of each top-level subpackage; the package's own ``__init__`` counts as core.
LAYERS: dict[str, int] = {
    "": 0,
    "core": 0,
    "data": 1,
    "readers": 2,
    "sor": 2,
    "synth": 3,
    "analysis": 4,
    "charts": 5,
    "explore": 6,
    "briefing": 7,
    "cli": 8,
}
#: layers a layer may import in addition to the rule "lower or equal" (charts: only core and charts).
ONLY: dict[str, frozenset[str]] = {"charts": frozenset({"", "core", "charts"})}
ALLOW: frozenset[tuple[str, str]] = frozenset()  # (importer, imported) pairs; must stay empty


def modules(src: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Return module name -> file for every ``.py`` file of ``package`` under ``src``."""
    out = {}
    for file in sorted((src / package).rglob("*.py")):
        parts = list(file.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = file
    return out


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """Return the longest known module that ``name`` (a module or a module attribute) lives in."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, file: Path, known: dict[str, Path], package: str = PACKAGE) -> set[str]:
    """Return the package's modules imported anywhere in ``file`` (every scope, relative imports resolved)."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    is_pkg = file.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_pkg else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name == package or name.startswith(package + "."):
                target = _resolve(name, known)
                if target and target != module:
                    found.add(target)
    return found


def layer_key(module: str, package: str = PACKAGE) -> str:
    """Return the top-level subpackage of ``module`` ("" for the package itself and its plain modules)."""
    rest = module[len(package) + 1 :] if module != package else ""
    head = rest.split(".")[0]
    return head if head in LAYERS else ""


def graph(src: Path, package: str = PACKAGE) -> tuple[dict[str, set[str]], dict[str, Path]]:
    """Return the import graph (module -> imported modules) and the module files."""
    known = modules(src, package)
    return {m: imports_of(m, f, known, package) for m, f in known.items()}, known


def upward_imports(src: Path, package: str = PACKAGE) -> list[str]:
    """Return one message per import that points to a higher layer (or outside charts' allowance)."""
    edges, files = graph(src, package)
    problems = []
    for mod, targets in sorted(edges.items()):
        a = layer_key(mod, package)
        for target in sorted(targets):
            b = layer_key(target, package)
            bad = LAYERS[b] > LAYERS[a] or (a in ONLY and b not in ONLY[a])
            if bad and (mod, target) not in ALLOW:
                problems.append(
                    f"{files[mod].relative_to(src)} (layer {a or 'root'} {LAYERS[a]}) imports "
                    f"{files[target].relative_to(src)} (layer {b or 'root'} {LAYERS[b]})"
                )
    return problems


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    """Pop one strongly connected component (down to ``root``) off Tarjan's stack."""
    group = []
    while True:
        w = stack.pop()
        on_stack.discard(w)
        group.append(w)
        if w == root:
            return group


def cycles(src: Path, package: str = PACKAGE) -> list[str]:
    """Return one message per import cycle (strongly connected group of modules), naming the files."""
    edges, files = graph(src, package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = _pop_component(stack, on_stack, v)
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return ["import cycle: " + " <-> ".join(str(files[m].relative_to(src)) for m in g) for g in groups]


def test_every_subpackage_has_a_layer():
    folders = sorted(p.name for p in (SRC / PACKAGE).iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert [f for f in folders if f not in LAYERS] == [], "give every new subpackage a layer in LAYERS"


def test_no_module_imports_a_layer_above_it():
    assert upward_imports(SRC) == []


def test_no_import_cycles():
    assert cycles(SRC) == []


def test_the_allow_list_is_empty():
    assert ALLOW == frozenset()


@pytest.fixture
def planted(tmp_path):
    """A small tree with one upward import (inside a function), one chart importing analysis, and a cycle."""
    root = tmp_path / "src" / PACKAGE
    files = {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/paths.py": "def f():\n    from dsa_explore.analysis import stats\n",
        "analysis/__init__.py": "",
        "analysis/stats.py": "import dsa_explore.core\n",
        "analysis/a.py": "from . import b\n",
        "analysis/b.py": "def g():\n    import dsa_explore.analysis.a\n",
        "charts/__init__.py": "",
        "charts/x.py": "from dsa_explore.analysis.stats import thing\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return tmp_path / "src"


def test_the_checks_catch_planted_violations(planted):
    up = upward_imports(planted)
    assert any("dsa_explore/core/paths.py" in p and "dsa_explore/analysis/stats.py" in p for p in up), up
    assert any("dsa_explore/charts/x.py" in p and "dsa_explore/analysis/stats.py" in p for p in up), up
    assert len(up) == 2, up  # analysis/stats -> core points down: allowed
    found = cycles(planted)
    assert found == ["import cycle: dsa_explore/analysis/a.py <-> dsa_explore/analysis/b.py"], found


def readme_layout_folders(readme: Path) -> list[str]:
    """Return the folder names listed under ``src/dsa_explore/`` in the README's layout tree."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("src/dsa_explore/ "))
    folders = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        folders.append(line.split()[0])
    return folders


def test_readme_layout_tree_matches_the_package_folders():
    listed = readme_layout_folders(SRC.parent / "README.md")
    actual = sorted(p.name + "/" for p in (SRC / PACKAGE).iterdir() if p.is_dir() and p.name != "__pycache__")
    assert sorted(listed) == actual, "update the Layout tree in README.md to the folders of src/dsa_explore/"
    layered = [f for f in listed if f.rstrip("/") in LAYERS]
    assert layered == sorted(layered, key=lambda f: LAYERS[f.rstrip("/")]), "list the layers bottom-up"
