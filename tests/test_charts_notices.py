"""The notices-and-actions charts must draw visible marks from the shipped data and keep their inputs in HTML.

Each chart is checked through its Vega-Lite spec: data non-empty, the measured field present with
positive values, the params bound to inputs (so that the choice survives HTML export), and a
title and description.
"""

from __future__ import annotations

import pytest

from dsa_explore.analysis import notices
from dsa_explore.charts import notices as charts
from dsa_explore.data import catalog


@pytest.fixture(scope="module")
def frames():
    data = notices.load()
    return {
        "ratios": notices.ratios(data),
        "median": notices.median_time_by_category(data),
        "rvd": notices.report_vs_database(data, notices.sor_counts(catalog.load("sor_marketplaces_daily"))),
    }


def values(spec: dict) -> list[dict]:
    datasets = spec.get("datasets", {})
    return [row for rows in datasets.values() for row in rows]


def bound_params(spec: dict) -> list[dict]:
    params = list(spec.get("params", []))
    for layer in spec.get("layer", []):
        params += layer.get("params", [])
    return [p for p in params if "bind" in p]


@pytest.mark.parametrize(
    "name, build, field",
    [
        ("median", charts.median_hours_chart, "median_hours"),
        ("ratios", charts.reversals_chart, "share_reversed"),
        ("ratios", charts.suspensions_chart, "suspensions_per_million_users"),
        ("ratios", charts.automation_accuracy_chart, "automated_detection_share"),
        ("rvd", charts.report_vs_database_chart, "count"),
    ],
)
def test_chart_has_visible_marks_bound_inputs_and_sources(frames, name, build, field):
    spec = build(frames[name]).to_dict()
    rows = values(spec)
    measured = [r[field] for r in rows if field in r]
    assert measured and all(v is not None and v >= 0 for v in measured) and max(measured) > 0
    assert bound_params(spec), "no param bound to an input: the choice would not survive HTML export"
    assert spec["title"]["text"] and spec["description"]
    platforms = {r["platform"] for r in rows}
    assert "AliExpress" in platforms and len(platforms) >= 3


def test_median_chart_defaults_to_illegal_products_and_cites_the_file_line(frames):
    spec = charts.median_hours_chart(frames["median"]).to_dict()
    pick = next(p for p in spec["params"] if p["name"] == "category_pick")
    assert pick["value"] == "Illegal or unsafe products"
    assert "Illegal or unsafe products" in pick["bind"]["options"]
    ali = [
        r
        for r in values(spec)
        if r["platform"] == "AliExpress"
        and r["period"] == "H2 2025"
        and r["category"] == "Illegal or unsafe products"
    ]
    # aliexpress/2025-H2/4_notices.csv line 82: median 16 hours
    assert ali[0]["median_hours"] == 16 and ali[0]["source"].endswith("4_notices.csv line 82")
    assert any(t.get("field") == "source" for t in spec["encoding"]["tooltip"])
