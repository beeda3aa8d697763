"""Project-level promises: the README's first screen, a current data dictionary, a self-documenting
Makefile, and no dependency on the shared reference folder or on this machine's paths in committed files."""

from __future__ import annotations

import re
import subprocess

from dsa_explore.core import paths
from dsa_explore.data import catalog

ROOT = paths.PROJECT_ROOT


def test_readme_first_screen_gives_the_two_commands_then_lab():
    text = (ROOT / "README.md").read_text()
    first_screen = "\n".join(text.splitlines()[:25])
    assert (
        first_screen.index("make briefing") < first_screen.index("make test") < first_screen.index("make lab")
    )
    assert "reports/briefing.html" in first_screen


def test_data_dictionary_is_current():
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert text == catalog.dictionary_document(), (
        "docs/data-dictionary.md is stale: run `python -m dsa_explore.data.catalog dictionary --update`"
    )
    for name in catalog.all_datasets():
        assert f"`{name}`" in text


def test_readme_indexes_every_notebook():
    text = (ROOT / "README.md").read_text()
    for nb in sorted(paths.notebooks_dir().glob("*.ipynb")):
        assert f"`{nb.name}`" in text, f"{nb.name} missing from the README's notebook index"


def test_makefile_targets_document_themselves_and_help_is_default():
    text = (ROOT / "Makefile").read_text()
    assert ".DEFAULT_GOAL := help" in text
    for target in ("setup", "lab", "briefing", "notebooks", "test", "lint"):
        assert re.search(rf"^{target}:.*## \S", text, re.M), f"target {target} lacks a ## description"
    assert re.search(r"^briefing: setup", text, re.M) and re.search(r"^test: setup", text, re.M)
    out = subprocess.run(["make", "-s", "-C", str(ROOT)], capture_output=True, text=True).stdout
    assert "make briefing" in out and "make test" in out


def test_committed_files_do_not_reference_shared_or_machine_paths():
    files = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT).stdout.split()
    offenders = []
    for name in files:
        path = ROOT / name
        if not path.is_file() or path.suffix in {".parquet", ".zip", ".png"}:
            continue
        text = path.read_text(errors="ignore")
        if name == "tests/test_project.py":
            continue
        if re.search(r"\.\./shared\b|/work/shared|/work/main|/root/\.pyenv", text):
            offenders.append(name)
    assert not offenders, (
        f"committed files refer to the shared reference folder or to machine paths: {offenders}"
    )


def _ruff(*args: str) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_passes_with_line_length_and_docstring_rules_on():
    """Check ruff's config (no blanket E501 ignore; numpy docstrings) and that the tree passes it."""
    import tomllib

    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "E501" not in lint.get("ignore", [])
    assert "D" in lint["select"] and lint["pydocstyle"]["convention"] == "numpy"
    checked = _ruff("check", "src", "tests", "benchmarks")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = _ruff("format", "--check", "src", "tests", "benchmarks")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
