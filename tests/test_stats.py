"""Check the interval and survey estimators against independent references.

The package may not import scipy at run time, so it carries its own beta quantile; these
tests hold it, and every estimator built on it, to scipy / statsmodels values (1e-9) and to
published worked examples (Wilson 1927 via Newcombe 1998; Newcombe 1998's difference
example; the sample sizes in the project's methodology notes). A seeded simulation checks
that the intervals cover at their nominal rate.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import polars as pl
import pytest
from scipy import stats as ss
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    samplesize_confint_proportion,
)

from dsa_explore.analysis import estimators as st

TOL = 1e-9
GRID = [
    (0, 1),
    (1, 1),
    (0, 10),
    (3, 10),
    (10, 10),
    (10, 14),
    (1, 29),
    (19, 25),
    (165, 250),
    (905, 1741),
    (0, 5000),
    (4999, 5000),
    (37, 12000),
]
SM_NAME = {
    "wilson": "wilson",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti_coull": "agresti_coull",
}


def test_runtime_module_does_not_import_scipy():
    import subprocess

    code = "import sys, dsa_explore.analysis.estimators; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("q", [1e-12, 1e-6, 0.005, 0.025, 0.05, 0.5, 0.95, 0.975, 0.995, 1 - 1e-6])
def test_beta_ppf_matches_scipy_over_shapes(q):
    rng = np.random.default_rng(7)
    a = np.exp(rng.uniform(math.log(0.05), math.log(20000), 400))
    b = np.exp(rng.uniform(math.log(0.05), math.log(20000), 400))
    got = st.beta_ppf(q, a, b)
    ref = ss.beta.ppf(q, a, b) if q <= 0.5 else ss.beta.isf(1 - q, a, b)
    np.testing.assert_allclose(got, ref, rtol=0, atol=TOL)


def test_betainc_matches_scipy():
    from scipy.special import betainc

    rng = np.random.default_rng(3)
    a, b, x = rng.uniform(0.1, 300, 500), rng.uniform(0.1, 300, 500), rng.uniform(0, 1, 500)
    np.testing.assert_allclose(st.betainc(a, b, x), betainc(a, b, x), rtol=0, atol=1e-12)


@pytest.mark.parametrize("q,df", [(0.975, 1), (0.975, 3.5), (0.995, 12), (0.025, 40), (0.9, 1000)])
def test_t_ppf_matches_scipy(q, df):
    assert st.t_ppf(q, df) == pytest.approx(ss.t.ppf(q, df), abs=TOL)


@pytest.mark.parametrize("method", sorted(SM_NAME))
@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_intervals_match_statsmodels(method, level):
    fn = st.INTERVAL_METHODS[method]
    for k, n in GRID:
        low, high = fn(k, n, level)
        ref_low, ref_high = proportion_confint(k, n, alpha=1 - level, method=SM_NAME[method])
        assert isinstance(low, float) and isinstance(high, float)
        assert low == pytest.approx(ref_low, abs=TOL), (method, k, n)
        assert high == pytest.approx(ref_high, abs=TOL), (method, k, n)


def test_clopper_pearson_matches_scipy_binomtest():
    for k, n in GRID:
        ci = ss.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        low, high = st.clopper_pearson_interval(k, n)
        assert (low, high) == (pytest.approx(ci.low, abs=TOL), pytest.approx(ci.high, abs=TOL))


def test_published_worked_examples():
    # Newcombe (1998) Table I: 81/263 → Wilson 95% 0.2553–0.3662; 15/148 → 0.0624–0.1605
    assert st.wilson_interval(81, 263) == (pytest.approx(0.2553, abs=5e-5), pytest.approx(0.3662, abs=5e-5))
    assert st.wilson_interval(15, 148) == (pytest.approx(0.0624, abs=5e-5), pytest.approx(0.1605, abs=5e-5))
    # TIE 2024 AliExpress 10/14: Wilson [0.454, 0.883], Clopper–Pearson [0.419, 0.916]
    assert st.wilson_interval(10, 14) == (pytest.approx(0.454, abs=5e-4), pytest.approx(0.883, abs=5e-4))
    assert st.clopper_pearson_interval(10, 14) == (
        pytest.approx(0.419, abs=5e-4),
        pytest.approx(0.916, abs=5e-4),
    )
    # BEUC/ICRT 165/250 and GPSR sweep 905/1741 (methodology table)
    assert st.wilson_interval(165, 250) == (pytest.approx(0.599, abs=5e-4), pytest.approx(0.716, abs=5e-4))
    assert st.clopper_pearson_interval(905, 1741) == (
        pytest.approx(0.496, abs=5e-4),
        pytest.approx(0.544, abs=5e-4),
    )


def test_vectorised_arrays_series_and_expressions_agree_with_scalars():
    ks = [0, 3, 10, 19, 165]
    ns = [10, 10, 14, 25, 250]
    frame = pl.DataFrame({"k": ks, "n": ns})
    for name, fn in st.INTERVAL_METHODS.items():
        low_a, high_a = fn(np.array(ks), np.array(ns))
        low_s, high_s = fn(frame["k"], frame["n"])
        low_e, high_e = fn(pl.col("k"), pl.col("n"))
        via_expr = frame.select(low_e.alias("low"), high_e.alias("high"))
        for i, (k, n) in enumerate(zip(ks, ns, strict=True)):
            lo, hi = fn(k, n)
            assert low_a[i] == pytest.approx(lo, abs=1e-14) and high_a[i] == pytest.approx(hi, abs=1e-14), (
                name
            )
            assert low_s[i] == pytest.approx(lo, abs=1e-14) and high_s[i] == pytest.approx(hi, abs=1e-14), (
                name
            )
            assert via_expr["low"][i] == pytest.approx(lo, abs=1e-14), name
            assert via_expr["high"][i] == pytest.approx(hi, abs=1e-14), name


def test_add_intervals_over_groups():
    frame = pl.DataFrame({"platform": ["A"] * 14 + ["B"] * 25, "y": [1] * 10 + [0] * 4 + [1] * 19 + [0] * 6})
    table = st.add_intervals(
        frame.group_by("platform").agg(pl.col("y").sum().alias("k"), pl.len().alias("n")).sort("platform"),
        method="clopper_pearson",
    )
    ref = proportion_confint(np.array([10, 19]), np.array([14, 25]), method="beta")
    np.testing.assert_allclose(table["low"].to_numpy(), ref[0], atol=TOL)
    np.testing.assert_allclose(table["high"].to_numpy(), ref[1], atol=TOL)
    np.testing.assert_allclose(table["estimate"].to_numpy(), [10 / 14, 19 / 25])


def test_invalid_counts_raise_with_the_value():
    with pytest.raises(ValueError, match="k=11.0, n=10.0"):
        st.wilson_interval(11, 10)
    with pytest.raises(ValueError, match="n > 0"):
        st.clopper_pearson_interval(0, 0)


@pytest.mark.parametrize("n", [1, 3, 10, 30, 300])
def test_zero_positive_upper_bound_is_the_one_sided_exact_bound(n):
    assert st.zero_positive_upper_bound(n) == pytest.approx(ss.beta.ppf(0.95, 1, n), abs=TOL)
    # the rule of three is its approximation
    if n >= 30:
        assert st.zero_positive_upper_bound(n) == pytest.approx(3 / n, rel=0.05)


def test_kish_design_effect_and_effective_n():
    w = np.array([1.0, 1.0, 2.0, 4.0, 8.0, 8.0])
    cv2 = np.var(w) / np.mean(w) ** 2  # population CV², ddof=0
    assert st.kish_design_effect(w) == pytest.approx(1 + cv2, abs=TOL)
    assert st.effective_sample_size(w) == pytest.approx(w.sum() ** 2 / (w**2).sum(), abs=TOL)
    assert st.kish_design_effect(np.ones(7)) == pytest.approx(1.0)


def test_hajek_prevalence_against_statsmodels_weighted_stats():
    from statsmodels.stats.weightstats import DescrStatsW

    rng = np.random.default_rng(11)
    y = (rng.uniform(size=200) < 0.3).astype(float)
    w = rng.choice([1.0, 3.0, 10.0], size=200)
    res = st.hajek_prevalence(y, w)
    assert res["estimate"] == pytest.approx(DescrStatsW(y, weights=w).mean, abs=TOL)
    # with-replacement linearisation variance, written out independently
    p = np.average(y, weights=w)
    u = w * (y - p)
    var = len(y) / (len(y) - 1) * np.sum((u - 0) ** 2) / w.sum() ** 2
    assert res["se"] == pytest.approx(math.sqrt(var), abs=TOL)
    # equal weights reduce to the SRS variance p(1-p)/(n-1)
    eq = st.hajek_prevalence(y, np.ones_like(y))
    assert eq["se"] ** 2 == pytest.approx(y.mean() * (1 - y.mean()) / (len(y) - 1), abs=TOL)
    assert eq["kish_deff"] == pytest.approx(1.0)


def test_korn_graubard_is_clopper_pearson_at_effective_n():
    p, se, n = 0.3, 0.05, 400
    n_star = p * (1 - p) / se**2  # 84
    low, high = st.korn_graubard_interval(p, se, n)
    assert low == pytest.approx(ss.beta.ppf(0.025, p * n_star, n_star - p * n_star + 1), abs=TOL)
    assert high == pytest.approx(ss.beta.ppf(0.975, p * n_star + 1, n_star - p * n_star), abs=TOL)
    # degrees-of-freedom adjustment (Korn & Graubard 1998): n* × (z / t_df)²
    df = 30
    n_df = n_star * (ss.norm.ppf(0.975) / ss.t.ppf(0.975, df)) ** 2
    low, high = st.korn_graubard_interval(p, se, n, df=df)
    assert low == pytest.approx(ss.beta.ppf(0.025, p * n_df, n_df - p * n_df + 1), abs=TOL)
    assert high == pytest.approx(ss.beta.ppf(0.975, p * n_df + 1, n_df - p * n_df), abs=TOL)


def test_stratified_prevalence_with_fpc():
    # Two strata, written out by hand: N = (1000, 200), n = (20, 10), k = (5, 8)
    frame = pl.DataFrame({"stratum": ["a"] * 20 + ["b"] * 10, "y": [1] * 5 + [0] * 15 + [1] * 8 + [0] * 2})
    sizes = pl.DataFrame({"stratum": ["a", "b"], "frame_size": [1000, 200]})
    res = st.stratified_prevalence(frame, stratum="stratum", label="y", frame_sizes=sizes)
    W = np.array([1000, 200]) / 1200
    p = np.array([5 / 20, 8 / 10])
    nh, Nh = np.array([20, 10]), np.array([1000, 200])
    est = float(np.sum(W * p))
    var = float(np.sum(W**2 * (1 - nh / Nh) * p * (1 - p) / (nh - 1)))
    assert res["estimate"][0] == pytest.approx(est, abs=TOL)
    assert res["se"][0] == pytest.approx(math.sqrt(var), abs=TOL)
    # Korn–Graubard: effective n capped at n = 30, then the df = n − strata = 28 adjustment
    n_star = min(est * (1 - est) / var, 30) * (ss.norm.ppf(0.975) / ss.t.ppf(0.975, 28)) ** 2
    assert res["low"][0] == pytest.approx(
        ss.beta.ppf(0.025, est * n_star, n_star - est * n_star + 1), abs=TOL
    )


def test_stratified_prevalence_by_group_and_missing_stratum():
    frame = pl.DataFrame(
        {"platform": ["P", "P", "Q", "Q"], "stratum": ["p1", "p1", "q1", "q1"], "y": [1, 0, 1, 1]}
    )
    sizes = pl.DataFrame({"stratum": ["p1", "q1"], "frame_size": [10, 10]})
    res = st.stratified_prevalence(frame, stratum="stratum", label="y", frame_sizes=sizes, by=["platform"])
    assert res["platform"].to_list() == ["P", "Q"]
    assert res["estimate"].to_list() == [0.5, 1.0]
    with pytest.raises(ValueError, match="q1"):
        st.stratified_prevalence(frame, stratum="stratum", label="y", frame_sizes=sizes.head(1))


def test_cluster_design_effect_against_statsmodels_anova():
    import pandas as pd
    import statsmodels.api as sm
    from statsmodels.formula.api import ols

    rng = np.random.default_rng(5)
    g = 150
    sellers = np.repeat(np.arange(g), rng.integers(1, 8, g))
    propensity = rng.beta(1, 3, g)[sellers]  # true ICC = 1/(1+3+1) = 0.2
    y = (rng.uniform(size=sellers.size) < propensity).astype(float)
    res = st.cluster_design_effect(y, sellers)
    table = sm.stats.anova_lm(ols("y ~ C(s)", data=pd.DataFrame({"y": y, "s": sellers})).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    assert res["msb"] == pytest.approx(msb, abs=TOL) and res["msw"] == pytest.approx(msw, abs=TOL)
    n = y.size
    sizes = np.bincount(sellers)
    m0 = (n - np.sum(sizes**2) / n) / (g - 1)
    icc = (msb - msw) / (msb + (m0 - 1) * msw)
    assert res["icc"] == pytest.approx(icc, abs=TOL)
    assert res["deff"] == pytest.approx(1 + (n / g - 1) * icc, abs=TOL)
    assert res["icc"] > 0.1  # clustered labels are detected


def test_newcombe_difference_matches_statsmodels_and_the_published_example():
    d, low, high = st.newcombe_difference_interval(56, 70, 48, 80)
    # Newcombe (1998) Table II example (h): 56/70 − 48/80, method 10: 0.0524 to 0.3339
    assert d == pytest.approx(0.2)
    assert (low, high) == (pytest.approx(0.0524, abs=5e-5), pytest.approx(0.3339, abs=5e-5))
    for k1, n1, k2, n2 in [
        (56, 70, 48, 80),
        (10, 14, 10, 25),
        (0, 10, 0, 20),
        (10, 10, 0, 20),
        (165, 250, 12, 23),
    ]:
        ref = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        _, low, high = st.newcombe_difference_interval(k1, n1, k2, n2)
        assert (low, high) == (pytest.approx(ref[0], abs=TOL), pytest.approx(ref[1], abs=TOL))


def test_sample_size_planning():
    # methodology worked examples (SRS, 95%): 385, 1068, 385, 457
    assert st.sample_size_for_half_width(0.05, 0.5) == 385
    assert st.sample_size_for_half_width(0.03, 0.5) == 1068
    assert st.sample_size_for_half_width(0.03, 0.10) == 385
    assert st.sample_size_for_half_width(0.02, 0.05) == 457
    for p, e in [(0.5, 0.05), (0.2, 0.04), (0.05, 0.01)]:
        ref = samplesize_confint_proportion(p, e, alpha=0.05)
        assert st.sample_size_for_half_width(e, p, round_up=False) == pytest.approx(ref, rel=1e-12)
    # FPC: n0 / (1 + (n0 - 1)/N), deff inflates n0 first
    n0 = ss.norm.ppf(0.975) ** 2 * 0.25 / 0.05**2 * 2.0
    assert st.sample_size_for_half_width(0.05, 0.5, population=500, deff=2.0) == math.ceil(
        n0 / (1 + (n0 - 1) / 500)
    )
    table = st.sample_size_by_stratum(
        pl.DataFrame({"stratum": ["a", "b"], "frame_size": [500, 100000]}), 0.05
    )
    assert table["n_required"].to_list() == [218, 383]


def _coverage(table, n, p, rng, reps):
    low, high = table
    k = rng.binomial(n, p, size=reps)
    return float(np.mean((low[k] <= p) & (p <= high[k])))


def test_coverage_simulation():
    """Seeded simulation: 10,000 samples per (n, p).

    Wilson and Jeffreys are approximate: their coverage averaged over p is within ±2 points
    of 95% for every n. Clopper–Pearson is exact-conservative: its smallest coverage over
    the grid is at least 95% minus simulation error (2 points), and its average is ≥ 95%.
    """
    rng = np.random.default_rng(20261128)
    ps = np.linspace(0.02, 0.5, 13)
    reps = 10000
    for n in (10, 25, 60, 150, 400):
        cov = {}
        for name in ("wilson", "jeffreys", "clopper_pearson", "agresti_coull"):
            table = st.INTERVAL_METHODS[name](np.arange(n + 1), np.full(n + 1, n))  # every possible k
            cov[name] = [_coverage(table, n, p, rng, reps) for p in ps]
        for name in ("wilson", "jeffreys", "agresti_coull"):
            assert abs(np.mean(cov[name]) - 0.95) <= 0.02, (name, n, np.mean(cov[name]))
        assert min(cov["clopper_pearson"]) >= 0.93, (n, min(cov["clopper_pearson"]))
        assert np.mean(cov["clopper_pearson"]) >= 0.95 - 0.005, n


def test_weighted_prevalence_by_group_matches_the_scalar_estimator_and_korn_graubard():
    rng = np.random.default_rng(2)
    n = 300
    frame = pl.DataFrame(
        {
            "platform": rng.choice(["A", "B", "C"], n),
            "stratum": rng.choice(["s1", "s2", "s3"], n),
            "y": (rng.uniform(size=n) < 0.35).astype(int),
            "w": rng.choice([2.0, 5.0, 40.0], n),
        }
    )
    table = st.weighted_prevalence(frame, label="y", weight="w", by=["platform"], stratum="stratum")
    assert table["platform"].to_list() == ["A", "B", "C"]
    for row in table.iter_rows(named=True):
        g = frame.filter(pl.col("platform") == row["platform"])
        ref = st.hajek_prevalence(g["y"].to_numpy(), g["w"].to_numpy(), strata=g["stratum"].to_numpy())
        assert row["estimate"] == pytest.approx(np.average(g["y"], weights=g["w"]), abs=TOL)
        assert row["se"] == pytest.approx(ref["se"], abs=TOL)
        assert row["kish_deff"] == pytest.approx(ref["kish_deff"], abs=TOL)
        p, nn = row["estimate"], row["n"]
        n_star = min(p * (1 - p) / row["se"] ** 2, nn) * (ss.norm.ppf(0.975) / ss.t.ppf(0.975, nn - 3)) ** 2
        assert row["low"] == pytest.approx(ss.beta.ppf(0.025, p * n_star, n_star - p * n_star + 1), abs=TOL)
        assert row["high"] == pytest.approx(ss.beta.ppf(0.975, p * n_star + 1, n_star - p * n_star), abs=TOL)


def test_weighted_prevalence_with_clusters_uses_seller_totals():
    rng = np.random.default_rng(9)
    n = 240
    frame = pl.DataFrame(
        {
            "stratum": rng.choice(["s1", "s2"], n),
            "seller": rng.choice([f"x{i}" for i in range(30)], n),
            "y": (rng.uniform(size=n) < 0.4).astype(int),
            "w": rng.choice([1.0, 4.0], n),
        }
    )
    frame = frame.with_columns(
        pl.format("{}-{}", "stratum", "seller").alias("seller")
    )  # sellers nested in strata
    row = st.weighted_prevalence(frame, label="y", weight="w", stratum="stratum", cluster="seller").row(
        0, named=True
    )
    y, w = frame["y"].to_numpy().astype(float), frame["w"].to_numpy()
    p = np.sum(w * y) / np.sum(w)
    u = w * (y - p) / np.sum(w)
    var = 0.0
    for s in ("s1", "s2"):
        m = frame["stratum"].to_numpy() == s
        sellers = frame["seller"].to_numpy()[m]
        totals = np.array([u[m][sellers == c].sum() for c in np.unique(sellers)])
        var += len(totals) / (len(totals) - 1) * np.sum((totals - totals.mean()) ** 2)
    assert row["se"] == pytest.approx(math.sqrt(var), abs=TOL)
    psus = frame["seller"].n_unique()
    n_star = min(p * (1 - p) / var, n) * (ss.norm.ppf(0.975) / ss.t.ppf(0.975, psus - 2)) ** 2
    assert row["low"] == pytest.approx(ss.beta.ppf(0.025, p * n_star, n_star - p * n_star + 1), abs=TOL)
