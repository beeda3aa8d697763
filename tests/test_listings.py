"""Check that the listing-sample validator catches each fault with its line and value, and drops nothing.

Analysts fill the template by hand; a silent drop or a vague error would bias every estimate
downstream. Each bad fixture holds exactly one fault on a known CSV line. The prevalence
tables are checked against estimators computed independently (statsmodels / hand formulas).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

from dsa_explore.analysis import listings as listing_estimates
from dsa_explore.data import catalog
from dsa_explore.readers import listings as L

FIX = Path(__file__).parent / "fixtures" / "listings"
FRAME = FIX / "frame-good.csv"


def test_good_sample_validates_and_keeps_every_row():
    report = L.validate_sample(FIX / "sample-good.csv", FRAME)
    assert report.ok, report.problems
    assert report.rows_read == report.rows_valid == report.sample.height == 6
    s = report.sample
    assert list(s.columns) == list(L.LISTING_SCHEMA)
    assert s.schema["inclusion_prob"] == pl.Float64 and s.schema["label_unsafe_lab"] == pl.Int64
    # weight filled from inclusion_prob and the other way round
    assert s.filter(pl.col("listing_id") == "L2")["weight"][0] == pytest.approx(1000)
    assert s.filter(pl.col("listing_id") == "L3")["inclusion_prob"][0] == pytest.approx(1 / 500)
    assert s.filter(pl.col("listing_id") == "L5")["weight"][0] is None  # search_top_k: no probability


@pytest.mark.parametrize(
    "file,line,column,value,problem",
    [
        (
            "bad-selection-mechanism.csv",
            3,
            "selection_mechanism",
            "random_sample",
            "unknown selection mechanism",
        ),
        ("bad-inclusion-prob.csv", 5, "inclusion_prob", "1.5", "inclusion probability outside (0, 1]"),
        ("bad-label.csv", 4, "label_formal_noncompliant", "2", "label outside its allowed values"),
        ("bad-duplicate-id.csv", 7, "listing_id", "L2", "duplicate listing id (first on line 3)"),
        ("bad-stratum.csv", 4, "stratum", "AE|toys|premium", "stratum missing from the frame"),
    ],
)
def test_each_fault_is_reported_with_line_and_value(file, line, column, value, problem):
    report = L.validate_sample(FIX / file, FRAME)
    assert report.problems.height == 1, report.problems
    p = report.problems.row(0, named=True)
    assert (p["line"], p["column"], p["value"], p["problem"]) == (line, column, value, problem)
    assert p["file"].endswith(file)
    # nothing dropped: rows read = valid + with problems, and the sample still has every row
    assert report.rows_read == 6 == report.sample.height
    assert report.rows_valid + report.rows_with_problems == report.rows_read
    assert report.rows_with_problems == 1
    with pytest.raises(L.ListingSampleError) as err:
        L.read_sample(FIX / file, FRAME)
    message = str(err.value)
    assert f"line {line}" in message and repr(value) in message and file in message


def test_several_faults_are_all_reported(tmp_path):
    text = (FIX / "sample-good.csv").read_text().splitlines()
    text[1] = text[1].replace("random_in_stratum,0.001,1000", "random,0,1000")  # mechanism + probability
    text[2] = text[2].replace(",CN,", ",China,")
    text[3] = text[3].replace(",12.00,", ",twelve,")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text) + "\n")
    report = L.validate_sample(bad, FRAME)
    got = {(r["line"], r["column"], r["value"]) for r in report.problems.iter_rows(named=True)}
    assert got == {
        (2, "selection_mechanism", "random"),
        (2, "inclusion_prob", "0"),
        (3, "seller_country", "China"),
        (4, "price", "twelve"),
    }
    assert report.rows_with_problems == 3 and report.rows_valid == 3


def test_missing_required_column_and_extra_columns(tmp_path):
    df = pl.read_csv(FIX / "sample-good.csv", infer_schema=False)
    df.drop("stratum").write_csv(tmp_path / "no-stratum.csv")
    report = L.validate_sample(tmp_path / "no-stratum.csv", FRAME)
    assert ("stratum", "required column is missing") in {
        (r["column"], r["problem"]) for r in report.problems.iter_rows(named=True)
    }
    df.with_columns(pl.lit("abc").alias("image_hash")).write_csv(tmp_path / "extra.csv")
    report = L.validate_sample(tmp_path / "extra.csv", FRAME)
    assert report.ok and report.extra_columns == ["image_hash"] and "image_hash" in report.sample.columns


def test_frame_problems(tmp_path):
    (tmp_path / "frame.csv").write_text(
        "stratum,platform,frame_size,description\n"
        "AE|toys|unbranded,AliExpress,1,x\nAE|toys|branded,AliExpress,-3,x\n"
        "TM|toys|unbranded,Temu,8000,x\nTM|toys|unbranded,Temu,8000,x\n"
    )
    report = L.validate_sample(FIX / "sample-good.csv", tmp_path / "frame.csv")
    got = {
        (r["line"], r["column"], r["problem"].split(" has ")[0])
        for r in report.problems.iter_rows(named=True)
    }
    assert (3, "frame_size", "frame size must be positive") in got
    assert (5, "stratum", "stratum listed more than once") in got
    assert (None, "frame_size", "stratum 'AE|toys|unbranded'") in got  # 2 sampled > frame size 1


def test_lab_label_requires_lab_source(tmp_path):
    text = (FIX / "sample-good.csv").read_text().replace("1,1,0,0,lab,1", "1,1,0,0,desk,1")
    (tmp_path / "s.csv").write_text(text)
    report = L.validate_sample(tmp_path / "s.csv", FRAME)
    assert report.problems["problem"].to_list() == ["lab label given but label_source is not 'lab'"]


def test_templates_match_the_format(tmp_path):
    sample_t, frame_t = L.write_templates(tmp_path)
    assert sample_t.read_text().strip().split(",") == list(L.LISTING_SCHEMA)
    assert frame_t.read_text().strip().split(",") == list(L.FRAME_SCHEMA)
    shipped = Path(__file__).parents[1] / "data" / "listings" / "listing-sample-template.csv"
    assert shipped.read_text() == sample_t.read_text()


def test_data_dictionary_documents_every_column_and_value():
    doc = (Path(__file__).parents[1] / "docs" / "listing-sample-format.md").read_text()
    for name in [
        *L.LISTING_SCHEMA,
        *L.FRAME_SCHEMA,
        *L.SELECTION_MECHANISMS,
        *L.CATEGORIES,
        *L.LABEL_SOURCES,
    ]:
        assert f"`{name}`" in doc, name


def _toy_sample():
    rows = []
    rng = np.random.default_rng(4)
    for platform, stratum, n, w in [("P", "P|a", 30, 10.0), ("P", "P|b", 20, 50.0), ("Q", "Q|a", 25, 4.0)]:
        y = (rng.uniform(size=n) < 0.4).astype(int)
        for i in range(n):
            rows.append(
                {
                    "listing_id": f"{stratum}-{i}",
                    "platform": platform,
                    "seller_id": f"{stratum}-s{i % 7}",
                    "category": "toys",
                    "stratum": stratum,
                    "selection_mechanism": "random_in_stratum",
                    "weight": w,
                    "views": int(rng.integers(1, 500)),
                    "label_formal_noncompliant": int(y[i]),
                    "label_source": "desk",
                }
            )
    return pl.DataFrame(rows)


def test_prevalence_tables_against_independent_formulas():
    s = _toy_sample()
    unweighted = listing_estimates.prevalence_table(s, "label_formal_noncompliant", estimand="unweighted")
    for r in unweighted.iter_rows(named=True):
        g = s.filter(pl.col("platform") == r["platform"])
        k, n = int(g["label_formal_noncompliant"].sum()), g.height
        lo, hi = proportion_confint(k, n, method="wilson")
        assert (r["k"], r["n"]) == (k, n)
        assert r["low"] == pytest.approx(lo, abs=1e-9) and r["high"] == pytest.approx(hi, abs=1e-9)
    listing = listing_estimates.prevalence_table(s, "label_formal_noncompliant", estimand="listing")
    exposure = listing_estimates.prevalence_table(s, "label_formal_noncompliant", estimand="exposure")
    for r, e in zip(listing.iter_rows(named=True), exposure.iter_rows(named=True), strict=True):
        g = s.filter(pl.col("platform") == r["platform"])
        y, w, v = (g[c].to_numpy().astype(float) for c in ("label_formal_noncompliant", "weight", "views"))
        assert r["estimate"] == pytest.approx(np.sum(w * y) / np.sum(w), abs=1e-12)
        assert e["estimate"] == pytest.approx(np.sum(w * v * y) / np.sum(w * v), abs=1e-12)
        assert r["low"] <= r["estimate"] <= r["high"]
    seller = listing_estimates.prevalence_table(s, "label_formal_noncompliant", estimand="seller")
    g = (
        s.filter(pl.col("platform") == "Q")
        .group_by("seller_id")
        .agg(pl.col("label_formal_noncompliant").max())
    )
    q = seller.filter(pl.col("platform") == "Q").row(0, named=True)
    assert (q["k"], q["n"]) == (int(g["label_formal_noncompliant"].sum()), g.height)


def test_purposive_rows_are_not_used_for_design_based_estimates():
    s = _toy_sample()
    extra = s.head(5).with_columns(
        pl.format("x{}", "listing_id").alias("listing_id"),
        pl.lit("purposive").alias("selection_mechanism"),
        pl.lit(None, pl.Float64).alias("weight"),
        pl.lit(1, pl.Int64).alias("label_formal_noncompliant"),
    )
    both = pl.concat([s, extra])
    assert listing_estimates.prevalence_table(both, "label_formal_noncompliant").equals(
        listing_estimates.prevalence_table(s, "label_formal_noncompliant")
    )


def test_shipped_synthetic_sample_is_valid_and_synthetic():
    from dsa_explore.data import catalog

    sample, frame = L.load_synthetic()
    assert 2000 <= sample.height <= 5000
    assert set(sample["platform"]) >= {"AliExpress", "Temu", "Amazon Store", "SHEIN"}
    assert set(sample["category"]) == set(L.CATEGORIES) - {"other"}
    assert set(sample["selection_mechanism"]) >= {"random_in_stratum", "risk_targeted", "search_top_k"}
    assert catalog.get("listing_sample_synthetic").synthetic
    assert "synthetic" in catalog.get("listing_sample_synthetic").path.name
    # sellers have several listings
    assert sample.group_by("seller_id").len()["len"].mean() > 2


def test_published_test_purchases_dataset():
    pub = listing_estimates.published_test_purchases()
    assert pub.filter((pl.col("study") == "TIE toy test 2024") & (pl.col("platform") == "AliExpress")).select(
        "n", "positives"
    ).row(0) == (14, 10)
    assert pub["source_url"].str.starts_with("http").all()
    assert set(pub["selection_mechanism"]) <= set(L.SELECTION_MECHANISMS)
    assert (pub["positives"] <= pub["n"]).all()
    tie = pub.filter((pl.col("study") == "TIE toy test 2024") & (pl.col("platform") == "AliExpress")).row(
        0, named=True
    )
    assert (tie["low"], tie["high"]) == (pytest.approx(0.454, abs=5e-4), pytest.approx(0.883, abs=5e-4))


def test_interval_methods_table_against_statsmodels():
    table = pl.DataFrame({"n": [14, 25, 19], "positives": [10, 0, 19]})
    out = listing_estimates.interval_methods_table(table)
    names = {
        "wilson": "wilson",
        "clopper_pearson": "beta",
        "jeffreys": "jeffreys",
        "agresti_coull": "agresti_coull",
    }
    for i, (n, k) in enumerate(zip(table["n"], table["positives"], strict=True)):
        for ours, theirs in names.items():
            lo, hi = proportion_confint(k, n, method=theirs)
            assert out[f"{ours}_low"][i] == pytest.approx(round(lo, 3), abs=1e-12)
            assert out[f"{ours}_high"][i] == pytest.approx(round(hi, 3), abs=1e-12)
    assert out["zero_upper"].to_list() == [None, round(1 - 0.05 ** (1 / 25), 3), None]


def test_stratified_check_point_estimates_coincide():
    sample, frame = L.load_synthetic()
    check = listing_estimates.stratified_check(sample, frame)
    assert (check["stratified_estimate"] - check["hajek_estimate"]).abs().max() < 1e-4
    assert (check["stratified_se_fpc"] > 0).all() and (check["hajek_se_clustered"] > 0).all()


def test_review_agreement_and_kappa_by_hand():
    # 10 re-reviewed listings: desk 1,1,1,1,0,0,0,0,0,0 vs review 1,1,1,0,0,0,0,0,0,1 → 8 agree
    desk = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    review = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    s = pl.DataFrame({"platform": ["P"] * 10, "label_formal_noncompliant": desk, "label_review": review})
    r = listing_estimates.review_agreement(s).row(0, named=True)
    assert (r["reviewed"], r["agreements"]) == (10, 8)
    lo, hi = proportion_confint(8, 10, method="wilson")
    assert (r["low"], r["high"]) == (round(lo, 3), round(hi, 3))
    # kappa = (0.8 - pe) / (1 - pe), pe = 0.4*0.4 + 0.6*0.6 = 0.52 → 0.583
    assert r["cohen_kappa"] == pytest.approx(0.583, abs=1e-3)


def test_published_register_additions_and_corrections():
    """Rows added or corrected from the compiled list of further studies (figures as published there)."""
    pub = listing_estimates.published_test_purchases()

    def get(study, **kw):
        f = pub.filter(pl.col("study") == study)
        for k, v in kw.items():
            f = f.filter(pl.col(k) == v)
        return f

    icrt = "ICRT consumer groups Temu/SHEIN test 2025"
    group = "products (toys; chargers; jewellery; cosmetics; others)"
    overall = get(icrt, platform="several", product_group=group)
    assert overall.select("n", "positives").row(0) == (162, 110)  # Stiftung Warentest: 110 of 162
    assert set(get(icrt)["selection_mechanism"]) == {"search_top_k"}  # random among bestsellers
    per = {
        r["platform"]: (r["n"], r["positives"], r["counts_reconstructed"])
        for r in get(icrt, product_group=group).filter(pl.col("platform") != "several").iter_rows(named=True)
    }
    assert per == {"Temu": (81, 53, True), "SHEIN": (81, 59, True)}  # 65% / 73% of 81, reconstructed
    toys = {
        r["outcome_type"]: (r["n"], r["positives"])
        for r in get(icrt, product_group="toys").iter_rows(named=True)
    }
    assert toys == {"unsafe": (54, 30), "non_compliant": (54, 53)}  # two outcome rows
    assert get(icrt, product_group="necklaces").select("n", "positives").row(0) == (54, 5)
    # shares-only rows: no invented counts, the share kept, estimate = share, no interval
    kemi24 = get("Kemikalieinspektionen e-commerce control 2024")
    assert kemi24.height == 3 and kemi24["n"].null_count() == 3 and kemi24["positives"].null_count() == 3
    assert sorted(kemi24["share"].to_list()) == [0.34, 0.42, 0.77]
    assert kemi24["estimate"].to_list() == kemi24["share"].to_list() and kemi24["low"].null_count() == 3
    assert get("NVWA toys from non-EU platforms", n=66).select("positives").item() == 35
    assert get("Forbrugerlaboratoriet/DR Wish toy test 2019").select("n", "positives").row(0) == (12, 12)
    seoul = pub.filter(pl.col("study").str.starts_with("Seoul"))
    assert seoul.height == 5 and seoul["outcome_definition"].str.contains("Korean").all()
    assert sorted(seoul["n"].to_list()) == [22, 24, 26, 35, 93]
    ec = get("European Commission mystery shopping (Temu preliminary findings)")
    assert ec.select("n", "positives", "share", "selection_mechanism").row(0) == (None, None, None, "unknown")
    assert pub["source_url"].str.starts_with("http").all()


def test_published_validator_names_line_and_value():
    t = catalog.load("published_test_purchases")
    bad = t.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise(pl.col("positives")).alias("positives")
    )
    with pytest.raises(ValueError, match=r"line 5 .*expected both or neither"):
        L.validate_published(bad)
    bad = t.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(1.5)).otherwise(pl.col("share")).alias("share")
    )
    with pytest.raises(ValueError, match=r"line 2 .*share=1.5"):
        L.validate_published(bad)
