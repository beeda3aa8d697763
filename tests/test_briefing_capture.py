"""A briefing built from captures says which captures it rests on, and SYNTHETIC when the capture is the mock.

`make briefing CAPTURE=...` -> `dsa-explore briefing --capture ...` -> the environment variable
DSA_EXPLORE_CAPTURE read by the executed notebook. A reader must find the capture files and their
sha256 in the listing, risk and hidden-link sections themselves (not only in the notes). The shipped
capture of the made-up mock marketplace is SYNTHETIC by its provenance record
(`data/captures/mock-marketplace.har.meta.json`, `"synthetic": true`): built from it, those three
sections, their notes, tables, caveats and the chain diagram's title say SYNTHETIC. The same bytes
copied without the record (an analyst's capture), or with a record whose sha256 is not the file's,
are not marked. Every other section, and the briefing without captures, stays as it was. The
expected hash is the sha256 recorded in the provenance record, not one computed by the code under test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from dsa_explore.analysis import capture_evidence
from dsa_explore.briefing import capture, export
from dsa_explore.briefing.build import Briefing
from dsa_explore.core import paths

HAR = paths.data_dir() / "captures" / "mock-marketplace.har"
META = HAR.parent / (HAR.name + ".meta.json")
HAR_SHA256 = json.loads(META.read_text())["sha256"]
CAPTURE_KEYS = ("listings", "risk", "links")
BADGE = '<span class="dsa-badge-synthetic">SYNTHETIC DATA</span>'


@pytest.fixture(scope="module")
def capture_briefing():
    """Return the briefing built from the shipped mock capture."""
    return Briefing("AliExpress", captures=[HAR])


@pytest.fixture(scope="module")
def own_capture(tmp_path_factory):
    """Return the mock's HAR copied alone into a tmp folder: the same bytes, no provenance record."""
    copy = tmp_path_factory.mktemp("own") / "my-capture.har"
    shutil.copyfile(HAR, copy)
    return copy


@pytest.fixture(scope="module")
def own_briefing(own_capture):
    """Return the briefing built from that copy (an analyst's own capture)."""
    return Briefing("AliExpress", captures=[own_capture])


def _shown(briefing: Briefing, key: str) -> str:
    """Return every text of a section a reader sees: heading, sentences, notes, caveats, table, chart."""
    section = briefing.sections[key]
    chart = "" if section.chart is None else json.dumps(section.chart.to_dict()["title"])
    return "\n".join(
        [
            briefing.section_html(key),
            section.caption,
            *section.caveats,
            *(f.source.text() for f in section.facts),
            section.table_caption,
            str(section.table.to_dicts()),
            chart,
        ]
    )


def test_sections_from_the_mock_capture_rest_on_it_and_say_synthetic(capture_briefing):
    """Each capture section cites the mock's sha256 and is marked SYNTHETIC everywhere a reader looks."""
    assert len(HAR_SHA256) == 64
    assert capture_briefing.evidence.synthetic
    for key in CAPTURE_KEYS:
        section = capture_briefing.sections[key]
        assert section.synthetic, key
        assert BADGE in capture_briefing.section_html(key), key
        assert all(HAR_SHA256 in f.source.text() for f in section.facts), key
        assert all(f.source.synthetic and "SYNTHETIC DATA" in f.source.text() for f in section.facts), key
        assert HAR_SHA256 in section.table_caption or HAR_SHA256 in section.table["sha256"].to_list(), key
        assert section.table_caption.endswith("[SYNTHETIC DATA]"), key
        assert section.table["data"].to_list() == ["SYNTHETIC"] * section.table.height, key
        caveat = section.caveats[0]
        assert "SYNTHETIC" in caveat and "MADE-UP mock marketplace" in caveat, key
        assert "not on synthetic data" not in _shown(capture_briefing, key), key
    chart = capture_briefing.sections["links"].chart.to_dict()
    assert chart["title"]["text"].endswith("[SYNTHETIC DATA]")
    assert chart["title"]["subtitle"].startswith("Source: SYNTHETIC capture of the MADE-UP mock marketplace")
    title = capture_briefing.title_html()
    assert "data/captures/mock-marketplace.har" in title and "SYNTHETIC capture" in title
    assert "analyst's own capture" not in title


def test_an_analysts_copy_of_the_same_bytes_is_not_synthetic(own_briefing, own_capture):
    """The same HAR without its provenance record is an analyst's capture: nothing says SYNTHETIC."""
    assert not own_briefing.evidence.synthetic
    for key in CAPTURE_KEYS:
        section = own_briefing.sections[key]
        assert not section.synthetic, key
        assert "SYNTHETIC" not in _shown(own_briefing, key), key
        # same bytes as the mock, so the same sha256 as its record, cited in every note
        assert all(HAR_SHA256 in f.source.text() for f in section.facts), key
        assert "my-capture.har" in section.caveats[0] and "not on synthetic data" in section.caveats[0]
        assert "data" not in section.table.columns, key
    assert own_briefing.sections["links"].chart.to_dict()["title"]["text"] == (
        "Hidden-link chains in the captured pages"
    )
    assert "analyst's own capture, my-capture.har" in own_briefing.title_html()


def test_a_record_whose_sha256_is_not_the_files_does_not_make_a_capture_synthetic(tmp_path):
    """An analyst's capture saved under the mock's name, beside a copy of the mock's record, is not marked."""
    own = tmp_path / HAR.name
    own.write_bytes(HAR.read_bytes() + b"\n")  # still valid JSON, another sha256
    shutil.copyfile(META, tmp_path / META.name)
    evidence = capture_evidence.load([own])
    assert not evidence.synthetic
    assert "not on synthetic data" in capture.evidence_caveat(evidence)
    assert "[SYNTHETIC DATA]" not in capture.marked(evidence, "caption")
    assert "data" not in capture.sources_table(evidence).columns


def test_the_other_sections_and_a_plain_briefing_are_unchanged(capture_briefing):
    """Only the three capture sections change; a briefing without captures is the synthetic one."""
    plain = Briefing("AliExpress")
    for key in plain.sections:
        if key not in CAPTURE_KEYS:
            assert capture_briefing.sections[key].sentences == plain.sections[key].sentences, key
    # without captures the three sections are the synthetic ones, as before
    assert all(plain.sections[k].synthetic for k in CAPTURE_KEYS)
    assert plain.evidence is None and capture.capture_paths("") == []


def test_capture_paths_come_from_the_environment(monkeypatch, tmp_path):
    """The capture paths are read from DSA_EXPLORE_CAPTURE, joined by os.pathsep."""
    monkeypatch.setenv(capture.CAPTURE_ENV, f"{HAR}:{tmp_path}")
    assert capture.capture_paths() == [HAR, tmp_path]
    monkeypatch.delenv(capture.CAPTURE_ENV)
    assert capture.capture_paths() == []


def test_missing_capture_path_is_refused_before_any_kernel_starts(tmp_path):
    """A capture path that does not exist is refused by the CLI, naming it, with exit code 2."""
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
    """The exported HTML from the mock capture: hashes, badges and the chart's SYNTHETIC title.

    The same path as `make briefing CAPTURE=data/captures/mock-marketplace.har` (about 30 s: one kernel).
    """
    monkeypatch.setenv("DSA_EXPLORE_REPORTS", str(tmp_path))
    out = export.build(captures=[HAR], verbose=False)
    assert out.name == "briefing-aliexpress-from-captures.html"
    sections = _sections(out.read_text(encoding="utf-8"))
    for key in CAPTURE_KEYS:
        assert HAR_SHA256 in sections[key], key
        assert BADGE in sections[key], key  # the badge sits in the section heading
    # the chain diagram's title, in the chart spec embedded in the links section
    assert "Hidden-link chains in the captured pages [SYNTHETIC DATA]" in sections["links"]
