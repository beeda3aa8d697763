"""Tests of the score-evaluation metrics and the fitted model in dsa_explore.analysis.risk.

They are checked against values computed by hand, published documentation examples (scikit-learn's,
reproduced by hand since scikit-learn is not installed), statsmodels, and row duplication for weights.
They exist because these numbers decide how much review capacity a score is said to save.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import Table2x2

from dsa_explore.analysis import risk

# scikit-learn documentation example for precision_recall_curve / average_precision_score:
# y_true = [0, 0, 1, 1], y_scores = [0.1, 0.4, 0.35, 0.8] -> AP = 0.8333...
SK_Y = [0, 0, 1, 1]
SK_S = [0.1, 0.4, 0.35, 0.8]


def test_pr_curve_matches_hand_computation():
    curve = risk.pr_curve(SK_S, SK_Y)
    assert curve["threshold"].to_list() == [0.8, 0.4, 0.35, 0.1]
    assert curve["precision"].to_list() == pytest.approx([1.0, 0.5, 2 / 3, 0.5])
    assert curve["recall"].to_list() == pytest.approx([0.5, 0.5, 1.0, 1.0])


def test_average_precision_documented_example():
    # AP = 0.5*1 + 0*0.5 + 0.5*(2/3) + 0*0.5 = 0.8333
    assert risk.average_precision(SK_S, SK_Y) == pytest.approx(0.8333333333)


def test_pr_curve_groups_ties():
    curve = risk.pr_curve([3, 3, 1, 1], [1, 0, 1, 0])
    assert curve["threshold"].to_list() == [3, 1]
    assert curve["precision"].to_list() == [0.5, 0.5]
    assert risk.average_precision([3, 3, 1, 1], [1, 0, 1, 0]) == pytest.approx(0.5)


def test_weights_equal_row_duplication():
    rng = np.random.default_rng(3)
    s = rng.integers(0, 8, 60).astype(float)
    y = (rng.random(60) < 0.3).astype(int)
    w = rng.integers(1, 5, 60)
    s_rep, y_rep = np.repeat(s, w), np.repeat(y, w)
    assert risk.average_precision(s, y, w) == pytest.approx(risk.average_precision(s_rep, y_rep))
    a = risk.precision_recall_at(s, y, 4, w)
    b = risk.precision_recall_at(s_rep, y_rep, 4)
    assert (a["precision"], a["recall"], a["flagged_share"]) == pytest.approx(
        (b["precision"], b["recall"], b["flagged_share"])
    )
    assert risk.brier_score(s / 8, y, w) == pytest.approx(risk.brier_score(s_rep / 8, y_rep))
    cal_w = risk.calibration_table(s / 8, y, n_bins=4, weights=w)
    cal_r = risk.calibration_table(s_rep / 8, y_rep, n_bins=4)
    assert cal_w["observed"].to_list() == pytest.approx(cal_r["observed"].to_list())
    assert cal_w["mean_predicted"].to_list() == pytest.approx(cal_r["mean_predicted"].to_list())


def test_precision_recall_at_threshold_by_hand():
    out = risk.precision_recall_at([5, 4, 3, 2, 1], [1, 0, 1, 1, 0], threshold=3)
    assert out["precision"] == pytest.approx(2 / 3)
    assert out["recall"] == pytest.approx(2 / 3)
    assert out["flagged"] == 3


def test_precision_at_k_ties_pro_rata():
    s, y = [5, 4, 4, 3], [1, 0, 1, 0]
    assert risk.precision_at_k(s, y, 1) == 1.0
    assert risk.precision_at_k(s, y, 2) == pytest.approx(0.75)  # 1 + half of the tied pair
    assert risk.precision_at_k(s, y, 3) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="k must be between 1 and the number of items"):
        risk.precision_at_k(s, y, 5)


def test_calibration_table_documented_example():
    # scikit-learn calibration_curve documentation example, n_bins=3:
    # prob_true [0, 0.5, 1], prob_pred [0.2, 0.525, 0.85]
    y = [0, 0, 0, 0, 1, 1, 1, 1, 1]
    p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0]
    table = risk.calibration_table(p, y, n_bins=3)
    assert table["observed"].to_list() == pytest.approx([0.0, 0.5, 1.0])
    assert table["mean_predicted"].to_list() == pytest.approx([0.2, 0.525, 0.85])
    assert table["n"].to_list() == [3, 2, 4]


def test_brier_score_documented_example():
    # scikit-learn brier_score_loss documentation: y [0,1,1,0], p [0.1,0.9,0.8,0.3] -> 0.0375
    assert risk.brier_score([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0]) == pytest.approx(0.0375)


def test_metric_input_errors_name_position():
    with pytest.raises(ValueError, match="position 2 is None"):
        risk.average_precision([1, 2, 3], pl.Series([1, 0, None]))
    with pytest.raises(ValueError, match="position 1 is nan"):
        risk.average_precision([1, float("nan")], [1, 0])
    with pytest.raises(ValueError, match="equal length"):
        risk.brier_score([0.1, 0.2], [1])
    with pytest.raises(ValueError, match=r"\[0, 1\]; position 0 is 1.5"):
        risk.calibration_table([1.5], [1])


def test_logistic_irls_matches_statsmodels():
    rng = np.random.default_rng(11)
    x = rng.integers(0, 2, size=(400, 3)).astype(float)
    eta = -1.0 + x @ np.array([1.2, -0.7, 0.4])
    y = (rng.random(400) < 1 / (1 + np.exp(-eta))).astype(float)
    ours = risk.fit_logistic(x, y, ridge=0.0)
    ref = sm.Logit(y, sm.add_constant(x)).fit(disp=0).params
    assert ours == pytest.approx(ref, abs=1e-6)


def test_seller_folds_keep_each_seller_in_one_fold():
    groups = [f"s{i % 17}" for i in range(200)]
    folds = risk.seller_folds(groups, n_folds=5, seed=1)
    by_seller = pl.DataFrame({"g": groups, "f": folds}).group_by("g").agg(pl.col("f").n_unique())
    assert by_seller["f"].max() == 1
    assert len(set(folds.tolist())) == 5


def test_risk_ratio_interval_matches_statsmodels():
    k1, n1, k0, n0 = 30, 50, 12, 80
    ratio, low, high = risk.risk_ratio_interval(k1, n1, k0, n0)
    table = Table2x2(np.array([[k1, n1 - k1], [k0, n0 - k0]]))
    assert ratio == pytest.approx(table.riskratio)
    assert (low, high) == pytest.approx(table.riskratio_confint())


def test_indicator_lift_by_hand():
    frame = pl.DataFrame(
        {
            "label_bad": [True, True, True, True, False, False, False, False, None],
            "x": [True, True, True, False, True, False, False, False, True],
        }
    )
    lift = risk.indicator_lift(frame, "label_bad", keys=["x"])
    row = lift.row(0, named=True)
    assert (row["k_bad"], row["n_bad"], row["k_good"], row["n_good"]) == (3, 4, 1, 4)
    assert row["lift"] == pytest.approx(3.0)
    from statsmodels.stats.proportion import proportion_confint

    assert (row["bad_low"], row["bad_high"]) == pytest.approx(proportion_confint(3, 4, method="wilson"))


def test_indicator_that_never_fires_has_no_lift():
    frame = pl.DataFrame({"label_bad": [True, True, False, False], "x": [False] * 4})
    row = risk.indicator_lift(frame, "label_bad", keys=["x"]).row(0, named=True)
    assert (row["k_bad"], row["k_good"], row["share_bad"]) == (0, 0, 0.0)
    assert (row["lift"], row["lift_low"], row["lift_high"]) == (None, None, None)


def test_score_band_sample_weights_are_inverse_probabilities():
    frame = pl.DataFrame({"score": list(range(20)) * 50})
    sample = risk.score_band_sample(frame, "score", bands=[0, 10], rates=[0.2, 1.0], seed=4)
    assert sample.filter(pl.col("score") >= 10).height == 500  # top band kept whole
    assert set(sample["eval_weight"].unique().to_list()) == {5.0, 1.0}
    low = sample.filter(pl.col("score") < 10).height
    assert 60 < low < 140  # Poisson sampling, expected 100


def test_logistic_weights_equal_row_duplication():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 2, size=(120, 2)).astype(float)
    y = (rng.random(120) < 0.2 + 0.5 * x[:, 0]).astype(float)
    w = rng.integers(1, 4, 120)
    weighted = risk.fit_logistic(x, y, weights=w, ridge=0.0)
    duplicated = risk.fit_logistic(np.repeat(x, w, axis=0), np.repeat(y, w), ridge=0.0)
    assert weighted == pytest.approx(duplicated, abs=1e-8)
