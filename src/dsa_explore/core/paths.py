"""Where the project's files live: one place for every path the package uses.

The package is installed editable from the project folder, so the project root is three
levels above this file (``src/dsa_explore/core/paths.py``). ``DSA_EXPLORE_DATA`` and
``DSA_EXPLORE_REPORTS`` override the data and report folders (tests use them).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PROJECT_ROOT = PACKAGE_DIR.parents[1]


def data_dir() -> Path:
    """Return the folder of shipped datasets (``data/`` unless ``DSA_EXPLORE_DATA`` is set)."""
    return Path(os.environ.get("DSA_EXPLORE_DATA", PROJECT_ROOT / "data"))


def reports_dir() -> Path:
    """Return the folder generated briefings are written to (``reports/``)."""
    return Path(os.environ.get("DSA_EXPLORE_REPORTS", PROJECT_ROOT / "reports"))


def notebooks_dir() -> Path:
    """Return the folder of the narrated notebooks."""
    return PROJECT_ROOT / "notebooks"


def templates_dir() -> Path:
    """Return the folder of nbconvert templates shipped with the package."""
    return PACKAGE_DIR / "templates"
