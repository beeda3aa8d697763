"""nbval must catch a changed number: the committed outputs are the regression baseline.

Runs nbval over a copy of the overview notebook twice, against an untouched copy of the data and
against a copy in which one figure (the Art. 74(1) ceiling, 6%) was changed and its checksum
deliberately re-recorded. The first run passes, the second fails on the changed output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from dsa_explore.core import paths
from dsa_explore.data import catalog


def run_nbval(notebook, data_dir, cwd):
    env = {**os.environ, "DSA_EXPLORE_DATA": str(data_dir)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(paths.PROJECT_ROOT / "tests" / "nbval-sanitize.cfg"),
            str(notebook),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.slow
def test_a_changed_number_in_a_data_file_makes_nbval_fail(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    notebook = tmp_path / "00-overview.ipynb"
    shutil.copy(paths.notebooks_dir() / "00-overview.ipynb", notebook)

    baseline = run_nbval(notebook, data, tmp_path)
    assert baseline.returncode == 0, "the untouched copy must pass:\n" + baseline.stdout[-3000:]

    facts = data / "reference" / "facts.csv"
    text = facts.read_text()
    old = "DSA (VLOP/VLOSE),Art.74(1),max fine for infringement / breach of binding commitments,0.06,"
    assert old in text
    facts.write_text(text.replace(old, old.replace(",0.06,", ",0.07,")))
    catalog.refresh(facts)  # the change is recorded, so only nbval can notice it

    changed = run_nbval(notebook, data, tmp_path)
    assert changed.returncode != 0, "nbval did not notice the changed number"
    assert "0.07" in changed.stdout or "7%" in changed.stdout
