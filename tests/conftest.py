"""Shared fixtures: a briefing built once per test session, and the Chromium requirement."""

from __future__ import annotations

import os

import pytest

from dsa_explore.briefing import browsercheck, export


def require_chromium() -> str:
    """Return Chromium's path; skip locally (with the reason) but fail in CI when it is missing."""
    path = browsercheck.find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI for the browser checks; .ci/run installs it with apt-get")
        pytest.skip("no Chromium installed (apt-get install -y chromium); browser checks skipped locally")
    return path


@pytest.fixture(scope="session")
def built_briefings(tmp_path_factory):
    """Build the briefing for two platforms once; return {platform: path}."""

    out = tmp_path_factory.mktemp("reports")
    return {
        p: export.build(p, output=out / f"briefing-{p.lower().replace(' ', '-')}.html", verbose=False)
        for p in ("AliExpress", "Temu")
    }


#: Modules that take minutes in their fixtures: collected first, so that under ``make test``'s
#: ``pytest -n auto --dist loadscope --no-loadscope-reorder`` the workers start them at once (the
#: JupyterLab checks: two halves, one per worker) and then share the rest. One worker driving all
#: notebooks took 363 s of a 597 s run on 2 cores.
FIRST = ("tests/test_jupyterlab_browser.py",)


def pytest_collection_modifyitems(config, items):
    """Move the items of :data:`FIRST` to the front (the others keep their order)."""
    first = [i for i in items if i.nodeid.split("::", 1)[0] in FIRST]
    if first:
        rest = [i for i in items if i.nodeid.split("::", 1)[0] not in FIRST]
        items[:] = [*first, *rest]
