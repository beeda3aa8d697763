"""Chart source lines follow the data drawn, and no non-zero number prints as zero (issue 18).

``charts.listings`` cited the synthetic sample file under every chart, so a chart of an analyst's
own sample named a file it never read; ``core.formatting.count`` printed 0.0049 (Temu's ratio of
database SoRs to reported actions in notebook 07) and 0.0004 as ``0.00``.
"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from dsa_explore.analysis import listings as L
from dsa_explore.core import formatting, paths
from dsa_explore.explore import listings_views as v
from dsa_explore.readers.listings import load_synthetic


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0004, "0.00040"),
        (0.0049, "0.0049"),  # 8,173,886 / 1,666,775,098 (notebook 07, Temu H1 2026) = 0.00490...
        (-0.0004, "-0.00040"),
        (0.0, "0"),
        # ordinary counts print as before
        (311373.2, "311,373"),
        (5.44, "5.4"),
        (0.5, "0.50"),
        (0.25, "0.25"),
        (12.0, "12"),
    ],
)
def test_count_never_prints_a_non_zero_value_as_zero(value, expected):
    assert formatting.count(value) == expected


def test_table_cells_of_small_ratios_are_not_zero():
    assert formatting.cell(0.0049, "ratio_db_to_report") == "0.0049"
    assert formatting.cell(0.0004, "change") == "0.00040"
    assert formatting.cell(14660278.73) == "14,660,279"


@pytest.mark.parametrize("name", ["02-moderation-resources", "07-notices-and-actions"])
def test_committed_tables_show_no_zero_for_non_zero_values(name):
    nb = json.loads((paths.notebooks_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))
    html = "".join(
        "".join(out.get("data", {}).get("text/html", ""))
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
    )
    assert "<table" in html
    assert not re.search(r">-?0\.00<", html), f"{name}: a table cell reads 0.00"


@pytest.fixture(scope="module")
def samples():
    synthetic, _frame = load_synthetic()
    return synthetic, synthetic.drop("data")


def _source_line(chart) -> str:
    subtitle = chart.to_dict()["title"]["subtitle"]
    return subtitle[-1] if isinstance(subtitle, list) else subtitle


def test_chart_source_line_names_the_synthetic_file_only_for_the_synthetic_sample(samples):
    synthetic, real = samples
    _answer, chart = v.formal_prevalence(synthetic)
    assert "listing-sample-synthetic.csv" in _source_line(chart)
    _answer, chart = v.formal_prevalence(real)
    line = _source_line(chart)
    assert line == "Source: the analyst's own listing sample"
    _answer, chart = v.formal_prevalence(real, source="listing sample my-purchases.csv")
    assert _source_line(chart) == "Source: listing sample my-purchases.csv"


def test_published_chart_cites_the_sample_and_the_published_file(samples):
    _synthetic, real = samples
    chart = v.published_beside_ours(real, L.published_test_purchases())
    line = _source_line(chart)
    assert "published-test-purchases.csv" in line and "analyst's own listing sample" in line
    assert "synthetic" not in line.lower()


def test_real_sample_frame_has_no_mark(samples):
    # the "real" sample of these tests is the synthetic rows without their mark
    assert not L.is_synthetic(samples[1]) and isinstance(samples[1], pl.DataFrame)
