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


def _shown(capsys, widget, value) -> str:
    """Set a control of the explorer and return what its callback displayed (outside a kernel: stdout)."""
    capsys.readouterr()
    widget.value = value
    return capsys.readouterr().out.replace("\x1b[2K\r", "")  # clear_output's terminal codes outside a kernel


def test_explorer_category_dropdown_changes_the_table(alerts, capsys):
    # Hand count from the fixture XML (PROVENANCE.md): Toys = SR/02546/26 (sand-filled toy) and
    # SR/02556/26 (plastic toy); Electrical appliances and equipment = SR/02499/26, SR/02444/26, SR/02540/26.
    from dsa_explore.explore import safetygate as ex

    box = ex.explorer(alerts)
    _search, _market, cat = box.children[0].children
    assert list(cat.options) == [
        ex.ALL,
        "Chemical products",
        "Electrical appliances and equipment",
        "Hobby/sports equipment",
        "Motor vehicles",
        "Toys",
    ]
    toys = _shown(capsys, cat, "Toys")
    assert toys.startswith("2 of 8 alerts match category Toys.")
    assert "SR/02546/26" in toys and "SR/02556/26" in toys and "SR/02499/26" not in toys
    electrical = _shown(capsys, cat, "Electrical appliances and equipment")
    assert electrical.startswith("3 of 8 alerts match category Electrical appliances and equipment.")
    assert all(c in electrical for c in ("SR/02499/26", "SR/02444/26", "SR/02540/26"))
    assert "SR/02546/26" not in electrical
    assert _shown(capsys, cat, ex.ALL).startswith("8 of 8 alerts (no filter).")


def test_explorer_controls_operated_in_turn_each_change_the_display(alerts, capsys):
    # The browser suite's sequence: type "x" in the search box, take the next marketplace, then the next
    # category, without resetting. "x" occurs only in SR/02478/26's danger text ("excessive", "toxic"),
    # an alert naming no marketplace, so from the marketplace on the table is empty; the summary line
    # must then still say which filter excludes what (hand count: the Amazon alert is SR/02499/26,
    # electrical; SR/02478/26 is Chemical products).
    from dsa_explore.explore import safetygate as ex

    search, market, cat = ex.explorer(alerts).children[0].children
    shown = [
        _shown(capsys, search, " x"),
        _shown(capsys, market, "Amazon"),
        _shown(capsys, cat, "Chemical products"),
    ]
    assert shown[0].startswith('1 of 8 alerts match search "x".') and "SR/02478/26" in shown[0]
    assert shown[1].startswith(
        '0 of 8 alerts match search "x", marketplace Amazon; '
        "without the search: 1, without the marketplace: 1."
    )
    assert shown[2].startswith(
        '0 of 8 alerts match search "x", marketplace Amazon, category Chemical '
        "products; without the search: 0, without the marketplace: 1, without the "
        "category: 0."
    )
    assert len(set(shown)) == 3


def test_explorer_summary_without_and_with_filters(alerts):
    from dsa_explore.explore import safetygate as ex

    assert ex.explorer_summary(alerts) == "8 of 8 alerts (no filter)."
    assert (
        ex.explorer_summary(alerts, "kettle", "Amazon")
        == '1 of 8 alerts match search "kettle", marketplace Amazon.'
    )
    # one filter alone matching nothing: no "without" list (removing it is the only way back)
    assert ex.explorer_summary(alerts, "no such thing") == '0 of 8 alerts match search "no such thing".'
    assert ex.explorer_summary(alerts, "", "Amazon", "Toys") == (
        "0 of 8 alerts match marketplace Amazon, category Toys; without the marketplace: 2, "
        "without the category: 1."
    )


def test_shipped_reading_is_the_fixtures():
    assert sg.shipped_reading().alerts.equals(sg.read_reports([FIX]).alerts)
