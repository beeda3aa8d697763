"""Check the listing-sample charts and the briefing section through their specs, not pixels.

The briefing is exported to offline HTML with no kernel: the planner must work with Altair
params alone, charts showing synthetic data must say so in their title, every chart needs an
ARIA description, and the section must cite a source for every number for every platform.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from dsa_explore.analysis import estimators as stats
from dsa_explore.analysis import listings as listing_estimates
from dsa_explore.briefing.model import Footnotes, render_sentence
from dsa_explore.briefing.sections import listings as listings_section
from dsa_explore.charts import listings as lc
from dsa_explore.core.platforms import KNOWN_PLATFORMS
from dsa_explore.readers import listings


@pytest.fixture(scope="module")
def data():
    sample, frame = listings.load_synthetic()
    return sample, frame, listing_estimates.published_test_purchases()


def _fields(spec) -> set[str]:
    found = set()

    def walk(x):
        if isinstance(x, dict):
            if "field" in x and isinstance(x["field"], str):
                found.add(x["field"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(spec)
    return found


def test_forest_plot_spec(data):
    sample, _, _ = data
    table = listing_estimates.forest_table(sample, "label_formal_noncompliant")
    spec = lc.prevalence_forest(
        table, title="Forest", description="desc", synthetic=True, source="test rows"
    ).to_dict()
    assert spec["title"]["text"] == "Forest [SYNTHETIC DATA]" and spec["description"] == "desc"
    assert {"low", "high", "estimate", "row_label", "platform"} <= _fields(spec)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "point"]
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == table.height


def test_planner_uses_bound_params_and_matches_the_python_formula(data):
    _, frame, _ = data
    spec = lc.sample_size_planner(
        frame.head(5), title="Plan", description="d", synthetic=True, source="test rows"
    ).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["half_width"]["bind"]["input"] == "range"
    assert {"prevalence", "deff"} <= set(params)
    transforms = spec["layer"][0]["transform"]
    assert [t["as"] for t in transforms] == ["p_used", "n0", "listings_to_buy"]
    # evaluate the chart's own Vega expressions (they are also valid Python once `datum.` is dropped)
    import math

    for big_n in frame.head(5)["frame_size"]:
        for e, p, deff in [(0.05, 0.5, 1.5), (0.02, 0.1, 2.0), (0.1, 0.3, 1.0)]:
            env = {"half_width": e, "prevalence": p, "deff": deff, "frame_size": big_n, "ceil": math.ceil}
            for t in transforms:
                env[t["as"]] = eval(t["calculate"].replace("datum.", ""), {}, env)  # noqa: S307
            assert env["listings_to_buy"] == stats.sample_size_for_half_width(
                e, p, population=big_n, deff=deff
            )


def test_planner_with_pilot_has_a_checkbox(data):
    _, frame, _ = data
    table = frame.head(3).with_columns(pilot=pl.lit(0.2))
    spec = lc.sample_size_planner(
        table, pilot="pilot", title="Plan", description="d", synthetic=False, source="test rows"
    ).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["use_pilot"]["bind"]["input"] == "checkbox"
    assert spec["title"]["text"] == "Plan"


def test_published_beside_ours_marks_selection(data):
    sample, _, pub = data
    ours = listing_estimates.forest_table(sample, "label_unsafe_lab").filter(
        pl.col("category") == "all categories"
    )
    spec = lc.published_beside_ours(
        ours, pub, title="P", description="d", synthetic=True, source="test rows"
    ).to_dict()
    rows = next(iter(spec["datasets"].values()))
    selections = {r["selection"] for r in rows}
    assert {
        "this sample: probability design",
        "published: purposive",
        "published: search top k",
    } <= selections
    assert all(r["source_url"].startswith("http") for r in rows if r["selection"].startswith("published"))


@pytest.mark.parametrize("platform", KNOWN_PLATFORMS)
def test_briefing_section_for_every_platform(platform):
    section = listings_section.section(platform)
    facts = {f.key: f for f in section.facts}
    notes = Footnotes()
    html = " ".join(render_sentence(s, facts, notes) for s in section.sentences)
    assert html
    for f in section.facts:
        assert f.source.url or f.source.dataset
    assert section.synthetic is True  # every known platform is in the synthetic sample
    assert "formal_prev" in facts and facts["formal_prev"].source.synthetic
    spec = section.chart.to_dict()
    assert "[SYNTHETIC DATA]" in spec["title"]["text"] and spec["description"]
    assert len(json.dumps(spec)) < 300_000
    pub = listing_estimates.published_test_purchases().filter(
        (pl.col("platform") == platform) & pl.col("counts_published")
    )
    pub_facts = [f for f in section.facts if f.key.startswith("pub_")]
    assert len(pub_facts) == pub.height
    for f in pub_facts:
        assert f.source.url.startswith("http") and "95% Wilson interval" in f.uncertainty
    if pub.height == 0:
        assert any("No published" in s for s in section.sentences)


def test_briefing_section_headline_numbers_for_aliexpress():
    section = listings_section.section("aliexpress")
    tie = next(f for f in section.facts if f.key.startswith("pub_") and "TIE toy test 2024" in f.text)
    assert "10/14" in tie.text and "45%–88%" in tie.text
    assert (
        tie.source.url
        == "https://www.wdenis.eu/news/eu-study-reveals-80%25-of-toys-sold-by-third-party-sellers-online-are-dangerous"
    )


def test_unknown_platform_is_rejected():
    with pytest.raises(ValueError, match="unknown platform"):
        listings_section.section("Wish")
