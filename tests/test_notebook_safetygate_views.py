"""Notebook 06's matcher table says SYNTHETIC for the shipped pairs, not for pairs an analyst labelled.

Issue 18 item 8: a table of synthetic rows (here synthetic listings paired with real alerts) must carry
the marker.
"""

from __future__ import annotations

import polars as pl
import pytest

from dsa_explore.data import catalog
from dsa_explore.explore import safetygate_views as sgv
from dsa_explore.readers import safetygate as sg


@pytest.fixture(scope="module")
def alerts():
    return sg.shipped_reading().alerts


def test_the_shipped_pairs_give_a_synthetic_table(alerts):
    table = sgv.matcher_comparison(alerts)
    assert table.columns[0] == "data" and table["data"].to_list() == ["SYNTHETIC", "SYNTHETIC"]
    # 105 labelled pairs in data/safetygate/match-pairs-synthetic.csv (notebook 06 says so too).
    assert table["pairs"].to_list() == [105, 105]
    assert catalog.get(sgv.PAIRS_DATASET).synthetic


def test_an_analysts_own_pairs_give_no_marker(alerts):
    own = catalog.load(sgv.PAIRS_DATASET).head(10)  # stands in for pairs labelled by hand
    table = sgv.matcher_comparison(alerts, own)
    assert "data" not in table.columns and table["pairs"].to_list() == [10, 10]
    marked = sgv.matcher_comparison(alerts, own.with_columns(data=pl.lit("SYNTHETIC")))
    assert marked["data"].to_list() == ["SYNTHETIC", "SYNTHETIC"]
    # The marker adds a column, not other numbers.
    assert marked.drop("data").equals(table)
