"""A briefing built from the analyst's own captures says which captures it rests on, and is not SYNTHETIC.

`make briefing CAPTURE=...` -> `dsa-explore briefing --capture ...` -> the environment variable
DSA_EXPLORE_CAPTURE read by the executed notebook. A reader must find the capture files and their
sha256 in the listing, risk and hidden-link sections themselves (not only in the notes), and none of
those three sections may be marked SYNTHETIC; every other section, and the briefing without captures,
stays as it was. The expected hash is the sha256 recorded in `data/captures/mock-marketplace.har.meta.json`
(the provenance record of the shipped capture), not one computed by the code under test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from dsa_explore.briefing import capture, export
from dsa_explore.briefing.build import Briefing
from dsa_explore.core import paths

HAR = paths.data_dir() / "captures" / "mock-marketplace.har"
HAR_SHA256 = json.loads((HAR.parent / (HAR.name + ".meta.json")).read_text())["sha256"]
CAPTURE_KEYS = ("listings", "risk", "links")


@pytest.fixture(scope="module")
def capture_briefing():
    return Briefing("AliExpress", captures=[HAR])


def test_capture_sections_rest_on_the_capture_and_are_not_synthetic(capture_briefing):
    assert len(HAR_SHA256) == 64
    for key in CAPTURE_KEYS:
        section = capture_briefing.sections[key]
        assert not section.synthetic, key
        shown = capture_briefing.section_html(key) + section.table_caption + str(section.table)
        assert "SYNTHETIC" not in shown.upper(), key
        assert all(HAR_SHA256 in f.source.text() for f in section.facts), key
        assert HAR_SHA256 in section.table_caption or HAR_SHA256 in section.table["sha256"].to_list(), key
    assert "data/captures/mock-marketplace.har" in capture_briefing.title_html()


def test_the_other_sections_and_a_plain_briefing_are_unchanged(capture_briefing):
    plain = Briefing("AliExpress")
    for key in plain.sections:
        if key not in CAPTURE_KEYS:
            assert capture_briefing.sections[key].sentences == plain.sections[key].sentences, key
    # without captures the three sections are the synthetic ones, as before
    assert all(plain.sections[k].synthetic for k in CAPTURE_KEYS)
    assert plain.evidence is None and capture.capture_paths("") == []


def test_capture_paths_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(capture.CAPTURE_ENV, f"{HAR}:{tmp_path}")
    assert capture.capture_paths() == [HAR, tmp_path]
    monkeypatch.delenv(capture.CAPTURE_ENV)
    assert capture.capture_paths() == []


def test_missing_capture_path_is_refused_before_any_kernel_starts(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "dsa_explore.cli", "briefing", "--capture", str(tmp_path / "nope.har")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "capture path(s) not found" in run.stderr and "nope.har" in run.stderr


def _sections(html: str) -> dict[str, str]:
    parts = re.split(r'<h2 id="([^"]+)">', html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_exported_briefing_from_the_shipped_capture(tmp_path, monkeypatch):
    # the same path as `make briefing CAPTURE=data/captures/mock-marketplace.har` (about 30 s: one kernel)
    monkeypatch.setenv("DSA_EXPLORE_REPORTS", str(tmp_path))
    out = export.build(captures=[HAR], verbose=False)
    assert out.name == "briefing-aliexpress-from-captures.html"
    sections = _sections(out.read_text(encoding="utf-8"))
    for key in CAPTURE_KEYS:
        assert HAR_SHA256 in sections[key], key
        assert "SYNTHETIC" not in sections[key], key  # the badge sits in the section heading
