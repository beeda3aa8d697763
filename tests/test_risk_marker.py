"""Notebook 03's derived tables say SYNTHETIC when computed from the synthetic listings, and only then.

Issue 18 item 8: the indicator check, lift, comparison, calibration, coefficient and band-check tables
showed results on synthetic listings with no marker.

Synthetic input: :func:`risk.scored_synthetic` (leading ``data`` column). Unmarked input: the same
pipeline an analyst's own listing file goes through (``compute_indicators`` → ``score_listings`` →
``add_target`` on a frame without the marker); its tables must never say SYNTHETIC.
"""

from __future__ import annotations

import csv

import polars as pl
import pytest

from dsa_explore.analysis import risk
from dsa_explore.data import catalog
from dsa_explore.explore import risk_views as views

THRESHOLD = 6


@pytest.fixture(scope="module")
def synthetic():
    return risk.scored_synthetic()


@pytest.fixture(scope="module")
def unmarked():
    listings = catalog.load(risk.LISTINGS_DATASET)
    removals = catalog.load(risk.REMOVALS_DATASET)
    return risk.add_target(risk.score_listings(risk.compute_indicators(listings, removals)))


def _tables(scored):
    """Every derived table notebook 03 shows, by name, as the notebook computes it."""
    fitted, coefficients = risk.fit_indicator_model(scored, "label_bad", n_folds=5, seed=0)
    comparison = risk.compare_scores(
        fitted, {"additive score": "risk_score", "fitted logistic": "fitted_probability"}, capacity=40
    )
    calibration = risk.calibration_of(fitted, "fitted_probability", "label_bad", n_bins=10)
    return {
        "indicator check": risk.indicator_check(scored),
        "lift": views.lift_shown(risk.indicator_lift(scored, "label_bad")),
        "comparison": views.comparison_shown(comparison),
        "calibration": views.calibration_shown(calibration),
        "coefficients": views.coefficients_shown(coefficients),
        "band check": views.band_check(scored, THRESHOLD),
        "sellers": risk.seller_scores(scored, THRESHOLD),
    }


@pytest.fixture(scope="module")
def synthetic_tables(synthetic):
    return _tables(synthetic)


def test_every_derived_table_of_synthetic_listings_says_synthetic(synthetic_tables):
    problems = [
        f"{name}: columns {t.columns[:3]}"
        for name, t in synthetic_tables.items()
        if t.height == 0 or t.columns[0] != "data" or set(t["data"]) != {"SYNTHETIC"}
    ]
    assert not problems, problems


def test_no_table_of_unmarked_listings_says_synthetic(unmarked):
    assert "data" not in unmarked.columns
    for name, table in _tables(unmarked).items():
        assert "data" not in table.columns and "SYNTHETIC" not in repr(table), name


def test_the_marker_changes_no_number(synthetic_tables, unmarked):
    plain = _tables(unmarked)
    for name, table in synthetic_tables.items():
        assert table.drop("data").equals(plain[name]), name


def test_indicator_check_against_the_raw_file(synthetic_tables):
    # Count, straight from the CSV, the listings whose planted_signals name each indicator.
    with catalog.path(risk.LISTINGS_DATASET).open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    check = synthetic_tables["indicator check"]
    for key in ("price_far_below_reference", "gpsr_incomplete", "reappearance_of_removed"):
        planted = sum(key in (r["planted_signals"] or "").split(";") for r in rows)
        row = check.filter(pl.col("indicator") == key).row(0, named=True)
        assert row["planted_share"] == pytest.approx(planted / len(rows))
        assert row["fired_share"] == pytest.approx(planted / len(rows))
        assert row["mismatched_listings"] == 0


def test_display_tables_keep_their_shape(synthetic_tables):
    lift = synthetic_tables["lift"]
    assert lift.columns == [
        "data", "label", "k_bad", "n_bad", "k_good", "n_good", "lift", "lift_low", "lift_high"
    ]  # fmt: skip
    lifts = lift["lift"].drop_nulls().to_list()
    assert lifts == sorted(lifts, reverse=True)
    assert "weight" not in synthetic_tables["calibration"].columns
    assert synthetic_tables["band check"]["evaluation"].to_list() == [
        "all listings (truth)",
        "band sample, unweighted",
        "band sample, weighted 1/π",
    ]


def test_the_explorer_says_synthetic_only_for_synthetic_listings(synthetic, unmarked, capsys):
    from dsa_explore.explore.risk import explorer

    # Outside a kernel the Output widget does not capture: the summary line goes to stdout.
    assert "SYNTHETIC" in repr(explorer(synthetic))
    assert capsys.readouterr().out.count("[SYNTHETIC DATA] score >= 6") == 1
    box = explorer(unmarked)
    assert "SYNTHETIC" not in repr(box)
    printed = capsys.readouterr().out
    assert "score >= 6" in printed and "SYNTHETIC" not in printed
