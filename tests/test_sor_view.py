"""One SoR view: a user's ingested store gives the same analysis frame as the shipped extract.

Why: notebook 05 and the briefing used to read only the shipped extract, so a user who ingested
this month's dumps could never see them there. These tests ingest the fixture dump of 2025-07-01
into a temporary store and check the view, the briefing's SoR section and the exported briefing
(``make briefing SOR_STORE=DIR`` -> ``dsa-explore briefing --sor-store DIR``) show the store's counts.

Expected counts are hand-counted from the row lists in ``tests/fixtures/sor/build_fixtures.py``
(docstring, dump ``sor-global-2025-07-01-full.zip``): AliExpress 4 rows in csv 00000 plus the
backslash-quote row in csv 00001 (its duplicate is rejected) = 5; Temu 5 + the invalid-UTF-8 row +
the malformed-list row = 7 (the exact duplicate is rejected); the 4 AliExpress rows of csv 00000
have a negative moderation delay.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.analysis import sor as stats
from dsa_explore.analysis import sor_view
from dsa_explore.briefing.sections import sor as sor_section
from dsa_explore.sor import ingest

DUMP = Path(__file__).parent / "fixtures" / "sor" / "dumps" / "sor-global-2025-07-01-full.zip"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("sor-store")
    ingest.ingest([DUMP], root, progress=False)
    return root


def test_the_store_view_has_the_extract_columns(store):
    frame = sor_view.from_store(store)
    assert frame.schema == pl.Schema(stats.EXTRACT_SCHEMA)
    assert set(stats.load_extract().schema.items()) == set(frame.schema.items())


def test_the_store_view_counts_the_ingested_rows(store):
    frame = sor_view.from_store(store)
    totals = dict(stats.platform_totals(frame).select("platform", "sors").iter_rows())
    assert totals["AliExpress"] == 5 and totals["Temu"] == 7
    assert sorted(frame["date"].unique().to_list())[0].isoformat() == "2025-07-01"
    neg = stats.delays(frame, platforms=["AliExpress"]).row(0, named=True)
    assert neg["negative"] == 4


def test_load_takes_the_setting_or_the_shipped_extract(store, monkeypatch):
    monkeypatch.delenv(sor_view.STORE_ENV, raising=False)
    assert sor_view.load().store is None
    monkeypatch.setenv(sor_view.STORE_ENV, str(store))
    view = sor_view.load()
    assert view.store == store and view.first_day.isoformat() == "2025-07-01"


def test_a_folder_without_a_store_is_an_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        sor_view.from_store(tmp_path)


def test_the_briefing_section_shows_the_store_counts(store, monkeypatch):
    monkeypatch.setenv(sor_view.STORE_ENV, str(store))
    section = sor_section.section("AliExpress")
    total = section.fact("sor_h2_total")
    assert total.value == 5 and total.text == "5"
    assert section.fact("sor_h2_per_day").text == "5"  # one day of H2 2025 in the store
    assert section.fact("sor_h2_negative_delays").value == 4
    assert str(store) in total.source.label and total.source.dataset is None
    assert any("1 of the 184 days" in c for c in section.caveats)
    monkeypatch.delenv(sor_view.STORE_ENV)
    assert sor_section.section("AliExpress").fact("sor_h2_total").text == "307.0 million"


def test_cli_briefing_from_a_store(store, tmp_path):
    """The whole path of ``make briefing SOR_STORE=DIR``: CLI option -> kernel setting -> exported HTML."""
    out = tmp_path / "briefing.html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dsa_explore.cli",
            "briefing",
            "--platform",
            "AliExpress",
            "--output",
            str(out),
            "--sor-store",
            str(store),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "In H2 2025 AliExpress filed <strong>5</strong>" in html
    assert "307.0 million" not in html


def test_cli_refuses_a_folder_that_is_not_a_store(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dsa_explore.cli", "briefing", "--sor-store", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "no statements-of-reasons store here" in result.stderr
