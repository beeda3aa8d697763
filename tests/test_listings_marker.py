"""Tables of notebook 01 say SYNTHETIC when their rows come from the synthetic sample, and only then.

Issue 18 item 8: copied tables of synthetic results looked like evidence about real platforms.

Every notebook-facing table function is run twice: on the shipped synthetic sample (its first column
must be ``data`` reading ``"SYNTHETIC"`` on every row) and on a real-format sample read from a CSV
file the way an analyst reads their own (``tests/fixtures/listings/sample-good.csv``; it must carry no
marker, and a ``data`` column of the analyst's own must not turn into a false SYNTHETIC).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dsa_explore.analysis import listings as L
from dsa_explore.explore import listings_views as v
from dsa_explore.explore.tables import Table, frame_html
from dsa_explore.readers.listings import load_synthetic, read_sample

FIX = Path(__file__).parent / "fixtures" / "listings"
FORMAL = "label_formal_noncompliant"


@pytest.fixture(scope="module")
def synthetic():
    return load_synthetic()


@pytest.fixture(scope="module")
def real():
    return read_sample(FIX / "sample-good.csv", FIX / "frame-good.csv")


@pytest.fixture(scope="module")
def synthetic_tables(synthetic):
    return _tables(*synthetic)


def _tables(sample, frame):
    """Every table notebook 01 shows that is computed from the listing sample, by name."""
    published = L.published_test_purchases()
    _chart, clusters, wide = v.estimands(sample)
    _methods, _answer, check = v.small_study_uncertainty(published, sample, frame)
    return {
        "design_table": L.design_table(sample, frame),
        "outcomes": v.outcomes(sample)[0],
        "clusters": clusters,
        "wide": wide,
        "review_agreement": L.review_agreement(sample),
        "toys_by_selection": v.toys_by_selection(sample),
        "stratified_check": check,
        "prevalence_table": L.prevalence_table(sample, FORMAL),
        "forest_table": L.forest_table(sample, FORMAL),
        "seller_estimand": L.prevalence_table(sample, FORMAL, estimand="seller"),
        "explorer_table": L.explorer_table(sample, sample["platform"][0]),
    }


def test_the_shipped_sample_is_marked_on_every_row(synthetic):
    sample, _frame = synthetic
    assert sample.columns[0] == "data"
    assert sample["data"].to_list() == ["SYNTHETIC"] * sample.height
    assert L.is_synthetic(sample)


def test_every_table_from_the_synthetic_sample_says_synthetic(synthetic_tables):
    problems = []
    for name, table in synthetic_tables.items():
        if table.height == 0:
            problems.append(f"{name}: empty")
        elif table.columns[0] != "data" or set(table["data"].to_list()) != {"SYNTHETIC"}:
            problems.append(f"{name}: columns {table.columns[:3]}")
    assert not problems, problems


def test_no_table_from_a_real_sample_says_synthetic(real):
    sample, frame = real
    assert not L.is_synthetic(sample)
    for name, table in _tables(sample, frame).items():
        assert "data" not in table.columns, name
        assert "SYNTHETIC" not in repr(table), name
    # The figures are the raw file's: AliExpress has 3 random_in_stratum listings from sellers S1, S2
    # (rows L1-L3 of sample-good.csv), Temu one risk_targeted listing (L4).
    design = L.design_table(sample, frame)
    ali = design.filter(pl.col("platform") == "AliExpress").row(0, named=True)
    assert (ali["selection_mechanism"], ali["listings"], ali["sellers"]) == ("random_in_stratum", 3, 2)


def test_an_analysts_own_data_column_is_not_read_as_a_marker(real):
    sample, frame = real
    own = sample.with_columns(data=pl.lit("batch 2"))
    for name, table in _tables(own, frame).items():
        assert "data" not in table.columns, name


def test_the_marker_adds_a_column_not_rows_or_other_numbers(synthetic, synthetic_tables):
    sample, frame = synthetic
    plain_tables = _tables(sample.drop("data"), frame)
    for name, table in synthetic_tables.items():
        # polars' parallel sums may differ in the 12th decimal from run to run (see prevalence_table)
        assert_frame_equal(table.drop("data"), plain_tables[name], rel_tol=1e-9, abs_tol=1e-9)


def test_one_synthetic_row_makes_the_whole_table_synthetic(synthetic, real):
    sample, _frame = real
    one = synthetic[0].head(1).select(sample.columns + ["data"])
    mixed = pl.concat([sample.with_columns(data=pl.lit(None, pl.String)), one], how="vertical_relaxed")
    assert L.is_synthetic(mixed)
    assert L.prevalence_table(mixed, FORMAL)["data"].unique().to_list() == ["SYNTHETIC"]


def test_published_results_are_not_marked(synthetic):
    # The TIE 2024 interval table rests on the published counts (real), not on the synthetic sample.
    methods, _answer, _check = v.small_study_uncertainty(L.published_test_purchases(), *synthetic)
    assert "data" not in methods.columns and methods.height == 4


def test_marked_frames_display_with_the_synthetic_caption(synthetic, real):
    marked = L.review_agreement(synthetic[0])
    assert "SYNTHETIC DATA" in frame_html(marked)
    assert Table(marked).synthetic and repr(Table(marked)).startswith("[SYNTHETIC DATA]")
    plain = L.review_agreement(real[0])
    assert "SYNTHETIC" not in frame_html(plain) and not Table(plain).synthetic


def test_charts_say_synthetic_only_for_the_synthetic_sample(synthetic, real):
    # The title's text (the source line below it is charts.listings.SOURCE, fixed for the shipped data).
    _answer, chart = v.formal_prevalence(synthetic[0])
    assert "SYNTHETIC" in str(chart.to_dict()["title"]["text"])
    _answer, chart = v.formal_prevalence(real[0])
    assert "SYNTHETIC" not in str(chart.to_dict()["title"]["text"])
    assert "synthetic" not in chart.to_dict().get("description", "")
