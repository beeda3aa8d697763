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
