"""Safety Gate summaries and charts on the real fixture alerts (8 alerts, reports 2026-37 and 2026-38).

Expected counts were made by hand from the XML (see the tables in tests/fixtures/safetygate/PROVENANCE.md
and the <onlineTrader>, <measures>, <category>, <riskType> elements of each alert).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dsa_explore.analysis import safetygate as a
from dsa_explore.charts import safetygate as c
from dsa_explore.readers import safetygate as sg

FIX = Path(__file__).parent / "fixtures" / "safetygate"


@pytest.fixture(scope="module")
def alerts():
    return sg.read_reports([FIX]).alerts


def test_by_marketplace(alerts):
    t = a.by_marketplace(alerts, include_none=True)
    got = {
        r["marketplace"]: (r["alerts"], r["alerts_with_listing_removal"], r["case_numbers"])
        for r in t.iter_rows(named=True)
    }
    # Amazon: only the kettle SR/02499/26, whose measures include the listing removal;
    # websites: radiator, Tickit toy
    assert got == {
        "Amazon": (1, 1, ["SR/02499/26"]),
        "other website": (2, 0, ["SR/02444/26", "SR/02546/26"]),
        a.NO_TRADER: (5, 0, ["SR/02461/26", "SR/02478/26", "SR/02540/26", "SR/02556/26", "SR/02583/26"]),
    }
    assert a.by_marketplace(alerts)["marketplace"].to_list() == ["other website", "Amazon"]


def test_by_category_and_risk(alerts):
    cat = {r["category"]: r["alerts"] for r in a.by_category(alerts).iter_rows(named=True)}
    assert cat == {
        "Electrical appliances and equipment": 3,
        "Toys": 2,
        "Chemical products": 1,
        "Hobby/sports equipment": 1,
        "Motor vehicles": 1,
    }
    risk = {r["risk_type"]: r["alerts"] for r in a.by_risk_type(alerts).iter_rows(named=True)}
    # kettle Burns+Electric shock, bike Electric shock+Fire, charger Electric shock, radiator Fire
    assert risk == {
        "Electric shock": 3,
        "Fire": 2,
        "Burns": 1,
        "Chemical": 1,
        "Choking": 1,
        "Health risk / other": 1,
        "Injuries": 1,
    }
    origin = {
        r["country_of_origin"]: r["alerts"] for r in a.by_country_of_origin(alerts).iter_rows(named=True)
    }
    assert origin == {"People's Republic of China": 7, "The Netherlands": 1}


def test_measure_counts(alerts):
    m = {(r["measure"], r["kind"]): r["alerts"] for r in a.measure_counts(alerts).iter_rows(named=True)}
    assert m[("Recall of the product from end users", "voluntary")] == 4  # radiator, Tickit, Pepco, Hyundai
    assert m[("Import rejected at border", "compulsory")] == 2  # e-cigarette, bike
    assert m[(sg.REMOVAL_BY_MARKETPLACE, "voluntary")] == 1  # kettle
    assert sum(m.values()) == 14  # 14 measures, none twice per alert


def test_headline_and_filters(alerts):
    h = a.headline(alerts)
    assert (h["alerts"], h["reports"], h["naming_online_trader"], h["listing_removal"]) == (8, 2, 3, 1)
    assert h["listing_removal_cases"] == ["SR/02499/26"] and h["top_category_alerts"] == 3
    assert a.filter_alerts(alerts, marketplace="amazon")["case_number"].to_list() == ["SR/02499/26"]
    assert a.filter_alerts(alerts, category="TOYS")["case_number"].to_list() == ["SR/02546/26", "SR/02556/26"]
    assert a.filter_alerts(alerts, text="asbestos")["case_number"].to_list() == ["SR/02546/26"]
    assert a.filter_alerts(alerts, text="ZDB-06")["case_number"].to_list() == ["SR/02499/26"]


def test_flat_table_joins_lists(alerts):
    f = a.flat_table(alerts)
    assert tuple(f.columns) == a.FLAT_COLUMNS
    bike = f.filter(pl.col("case_number") == "SR/02461/26").row(0, named=True)
    assert (
        bike["models"] == "JY-546200|Q30|T20|Speedy 20 Basic" and bike["risk_types"] == "Electric shock|Fire"
    )
    kettle = f.filter(pl.col("case_number") == "SR/02499/26").row(0, named=True)
    assert kettle["online_identifiers"] == "ASIN: B0FCXZZ57X" and kettle["removal_by_marketplace"] is True
    assert kettle["measures"].startswith(sg.REMOVAL_BY_MARKETPLACE + " (Other, 30/07/2026)|Stop of sales")


def test_charts_have_visible_marks_and_the_acknowledgement(alerts):
    charts = [
        c.category_risk_heatmap(
            a.category_risk_matrix(alerts), source=sg.ACKNOWLEDGEMENT, title="t", description="d"
        ),
        c.marketplaces_named(a.by_marketplace(alerts), source=sg.ACKNOWLEDGEMENT, title="t", description="d"),
        c.measures_taken(a.measure_counts(alerts), source=sg.ACKNOWLEDGEMENT, title="t", description="d"),
    ]
    for chart in charts:
        spec = chart.to_dict()
        assert sg.ACKNOWLEDGEMENT in str(
            spec["title"]["subtitle"] if "title" in spec else spec["layer"][0]["title"]
        )
        datasets = spec["datasets"]
        assert datasets and all(len(rows) > 0 for rows in datasets.values())
        assert "params" in spec or any("params" in lay for lay in spec.get("layer", []))
    heat_rows = next(iter(charts[0].to_dict()["datasets"].values()))
    assert sum(r["alerts"] for r in heat_rows) == 10  # 8 alerts, two with two risk types
    bar_rows = next(iter(charts[1].to_dict()["datasets"].values()))
    assert {(r["marketplace"], r["count"]) for r in bar_rows} == {("Amazon", 1), ("other website", 2)}


def test_explorer_table_and_widget(alerts):
    from dsa_explore.explore import safetygate as ex

    assert ex.explorer_table(alerts)["case_number"].len() == 8
    assert ex.explorer_table(alerts, "kettle", "Amazon")["case_number"].to_list() == ["SR/02499/26"]
    assert ex.explorer_table(alerts, "", ex.ALL, "Toys")["case_number"].to_list() == [
        "SR/02546/26",
        "SR/02556/26",
    ]
    assert ex.explorer_table(alerts, "no such thing").height == 0
    box = ex.explorer(alerts)
    search, market, _cat = box.children[0].children
    assert list(market.options) == [ex.ALL, "Amazon", "other website"]
    search.value = "asbestos"  # the callback runs on a change without error


def test_shipped_reading_is_the_fixtures():
    assert sg.shipped_reading().alerts.equals(sg.read_reports([FIX]).alerts)
