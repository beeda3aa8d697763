"""Tests of the synthetic risk listings, the risk charts and the briefing section.

They exist because the notebook's claims ("indicators find the planted signals", "the slider works offline",
"every chart of synthetic data says so") rest on these properties.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from dsa_explore.analysis import risk
from dsa_explore.briefing.sections import risk as risk_section
from dsa_explore.core.platforms import KNOWN_PLATFORMS
from dsa_explore.data import catalog
from dsa_explore.synth import risk as risk_synth


@pytest.mark.parametrize("seed", [risk_synth.SEED, 7])
def test_indicators_fire_exactly_on_planted_signals(seed):
    listings, removals = risk_synth.generate(seed)
    out = risk.compute_indicators(listings, removals)
    planted = out["planted_signals"].fill_null("").str.split(";")
    # L8 fires on the Safety Gate annotation another module adds, not on listing fields: with no annotation
    # (the synthetic listings carry none) it must never fire;
    # tests/test_safetygate_match.py plants real matches
    assert not out["safety_gate_match"].any()
    for key in (k for k in risk.INDICATOR_KEYS if k not in risk.OPTIONAL_INDICATORS):
        expected = planted.list.contains(key)
        assert expected.sum() > 0, f"no {key} planted"
        mismatch = out.filter(expected != out[key])
        assert mismatch.height == 0, (
            f"{key}: {mismatch.select('listing_id', 'title', 'planted_signals').head(3)}"
        )


def test_shipped_file_is_reproducible_from_seed():
    listings, removals = risk_synth.generate(risk_synth.SEED)
    shipped = catalog.load(risk.LISTINGS_DATASET)
    assert shipped.columns == listings.columns
    assert shipped.height == listings.height
    assert shipped["title"].to_list() == listings["title"].to_list()
    assert shipped["price"].to_list() == listings["price"].to_list()
    assert catalog.load(risk.REMOVALS_DATASET).height == removals.height


def test_shipped_datasets_are_marked_synthetic():
    for name in (risk.LISTINGS_DATASET, risk.REMOVALS_DATASET):
        ds = catalog.get(name)
        assert ds.synthetic and "synthetic" in ds.path.name and "SYNTHETIC" in ds.meta["title"]


def test_lexicons_have_provenance_and_sources():
    for name in risk.LEXICONS:
        ds = catalog.get(f"risk_lexicon_{name}")
        assert ds.meta["source_urls"], name
        assert risk.lexicon(name)["source"].str.len_chars().min() > 5, name


@pytest.fixture(scope="module")
def scored():
    return risk.scored_synthetic()


def test_threshold_slider_chart_has_bound_param_and_synthetic_title(scored):
    from dsa_explore.charts import risk as charts

    table = risk.threshold_table(scored["risk_score"], scored["label_bad"])
    spec = charts.threshold_slider_chart(table, synthetic=True, default=6).to_dict()
    params = spec["params"]
    assert params[0]["name"] == "threshold" and params[0]["bind"]["input"] == "range"
    assert params[0]["value"] == 6
    assert "[SYNTHETIC DATA]" in json.dumps(spec["layer"][0]["title"])
    assert spec["layer"][0]["description"]
    assert any("threshold" in json.dumps(layer.get("transform", [])) for layer in spec["layer"])


def test_capacity_chart_param(scored):
    from dsa_explore.charts import risk as charts

    curve = risk.precision_at_k_curve(scored["risk_score"], scored["label_bad"], 200)
    spec = charts.capacity_chart(curve, capacity=40, synthetic=True).to_dict()
    assert spec["params"][0]["name"] == "capacity" and spec["params"][0]["bind"]["max"] == 200


def test_other_charts_are_titled_synthetic(scored):
    from dsa_explore.charts import risk as charts

    lift = risk.indicator_lift(scored, "label_bad")
    fitted, _ = risk.fit_indicator_model(scored)
    cal = risk.calibration_table(fitted["fitted_probability"], fitted["label_bad"])
    curve = risk.pr_curve(scored["risk_score"], scored["label_bad"]).with_columns(model=pl.lit("additive"))
    charts_ = [
        charts.lift_chart(lift, synthetic=True),
        charts.score_distribution_chart(scored, "risk_score", "label_bad", synthetic=True),
        charts.pr_curve_chart(curve, 0.2, synthetic=True),
        charts.calibration_chart(cal, 0.1, synthetic=True),
        charts.top_sellers_chart(risk.seller_scores(scored, 6), synthetic=True),
    ]
    for chart in charts_:
        text = json.dumps(chart.to_dict())
        assert "[SYNTHETIC DATA]" in text
        assert '"description"' in text


@pytest.mark.parametrize("platform", KNOWN_PLATFORMS)
def test_briefing_section_for_every_platform(platform):
    section = risk_section.section(platform)
    assert section.synthetic
    keys = {f.key for f in section.facts}
    for sentence in section.sentences:
        for ref in __import__("re").findall(r"\{(\w+)\}", sentence):
            assert ref in keys
    assert len(json.dumps(section.chart.to_dict())) < 300_000
    assert section.fact("listings").value == 600


def test_briefing_section_unknown_platform():
    with pytest.raises(ValueError, match="unknown platform"):
        risk_section.section("Nowhere Market")


def test_synthetic_listings_pass_the_listing_sample_validator():
    """The base columns follow the listing-sample format (dsa_explore.readers.listings) exactly."""
    from dsa_explore.readers import listings

    path = catalog.path(risk.LISTINGS_DATASET)
    raw = pl.read_csv(path, infer_schema=False)
    frame = (
        raw.group_by("stratum", "platform")
        .len()
        .with_columns(frame_size=pl.col("len") * 500, description=pl.lit("synthetic frame"))
        .drop("len")
    )
    report = listings.validate_sample(path, frame)
    assert report.rows_read == 3000
    assert report.problems.height == 0, report.problems.head()


def test_briefing_sentences_render_with_footnotes():
    from dsa_explore.briefing.model import Footnotes, render_sentence

    section = risk_section.section("Temu")
    facts = {f.key: f for f in section.facts}
    notes = Footnotes()
    html = " ".join(render_sentence(s, facts, notes) for s in section.sentences)
    assert "{" not in html and "<sup>" in html
    assert "SYNTHETIC DATA" in notes.sources[0].text()
