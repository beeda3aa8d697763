"""The pins in pyproject.toml and environment.yml must agree: one list of versions, two installers."""

from __future__ import annotations

import re
import tomllib

from dsa_explore.core import paths

PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)\s*$")


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    pins = {}
    for spec in specs:
        m = PIN.match(spec)
        assert m, f"pyproject.toml: dependency {spec!r} is not pinned with =="
        pins[m.group(1).lower()] = m.group(2)
    return pins


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.PROJECT_ROOT / "environment.yml").read_text().splitlines():
        m = PIN.match(line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_every_dependency_is_pinned_and_mirrored():
    py, env = pyproject_pins(), environment_pins()
    only_py = {k: v for k, v in py.items() if k not in env}
    only_env = {k: v for k, v in env.items() if k not in py}
    differ = {k: (py[k], env[k]) for k in py.keys() & env.keys() if py[k] != env[k]}
    assert not only_py, f"pinned in pyproject.toml but missing from environment.yml: {only_py}"
    assert not only_env, f"pinned in environment.yml but missing from pyproject.toml: {only_env}"
    assert not differ, f"pins differ (pyproject, environment.yml): {differ}"


def test_environment_uses_conda_forge_python_311_and_installs_the_package():
    text = (paths.PROJECT_ROOT / "environment.yml").read_text()
    assert "- conda-forge" in text
    assert re.search(r"^\s*- python=3\.11\s*$", text, re.M)
    assert re.search(r"^\s*- -e \.(\[dev\])?\s*$", text, re.M)


def test_the_comparison_catches_a_disagreement(tmp_path, monkeypatch):
    """A changed pin in environment.yml must make the mirror check fail."""
    root = tmp_path
    (root / "pyproject.toml").write_text((paths.PROJECT_ROOT / "pyproject.toml").read_text())
    (root / "environment.yml").write_text(
        (paths.PROJECT_ROOT / "environment.yml").read_text().replace("polars==2.1.0", "polars==2.0.0")
    )
    monkeypatch.setattr(paths, "PROJECT_ROOT", root)
    try:
        test_every_dependency_is_pinned_and_mirrored()
    except AssertionError as exc:
        assert "polars" in str(exc)
    else:
        raise AssertionError("a disagreeing pin was not detected")
