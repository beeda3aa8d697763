"""The Safety Gate reader on the portal's real XML (tests/fixtures/safetygate/) and one fixture per fault.

Every expected value below was read by hand from the XML files (the element is named in the
comment); none is computed by the reader. The fault fixtures under ``faults/`` each hold one
alert with one quirk (``fault-*``: handled and noted) or one defect (``error-*``: an error
naming file, alert and field).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.readers import safetygate as sg

FIX = Path(__file__).parent / "fixtures" / "safetygate"
R323 = FIX / "safetygate-report-10000323.xml"
R324 = FIX / "safetygate-report-10000324.xml"
FAULTS = FIX / "faults"


@pytest.fixture(scope="module")
def alerts() -> pl.DataFrame:
    return sg.read_reports([FIX]).alerts


def row(alerts: pl.DataFrame, case: str) -> dict:
    return alerts.filter(pl.col("case_number") == case).row(0, named=True)


def test_every_alert_of_both_reports_is_read_once(alerts):
    # <caseNumber> of the 4 <notifications> in each file, in file order; the list file is skipped
    assert alerts["case_number"].to_list() == [
        "SR/02478/26",
        "SR/02499/26",
        "SR/02461/26",
        "SR/02444/26",
        "SR/02546/26",
        "SR/02540/26",
        "SR/02556/26",
        "SR/02583/26",
    ]
    assert alerts["order"].to_list() == [8, 14, 20, 29, 1, 12, 31, 32]  # <order>
    assert alerts["report_week"].to_list() == [37] * 4 + [38] * 4  # <report_week>
    assert (
        alerts["report_date"].to_list() == [date(2026, 9, 18)] * 4 + [date(2026, 9, 25)] * 4
    )  # <report_date>
    assert alerts["report_id"].to_list() == ["10000323"] * 4 + ["10000324"] * 4  # from the file names
    assert set(alerts["level"]) == {"Serious risk"} and set(alerts["type"]) == {"Consumer"}


def test_identity_fields_and_lists(alerts):
    e_cig = row(alerts, "SR/02478/26")  # 10000323, order 8
    assert (
        e_cig["alert_url"] == "https://ec.europa.eu/safety-gate-alerts/screen/webReport/alertDetail/10118401"
    )
    assert (e_cig["category"], e_cig["product"], e_cig["brand"], e_cig["name"]) == (
        "Chemical products",
        "Disposable electronic cigarette",
        "Elfbar",
        "4in1 prefilled pod kit",
    )
    assert e_cig["barcodes"] == ["6932570111579"] and e_cig["models"] == []  # <type_numberOfModel xsi:nil>
    assert e_cig["risk_types"] == ["Chemical"]
    assert (e_cig["notifying_country"], e_cig["country_of_origin"]) == ("Malta", "People's Republic of China")
    assert len(e_cig["pictures"]) == 5 and e_cig["pictures"][0].endswith("/image/11233987")
    kettle = row(alerts, "SR/02499/26")  # 10000323, order 14: <brand xsi:nil="true"/>
    assert kettle["brand"] is None and kettle["models"] == ["ZDB-06"] and kettle["barcodes"] == []
    assert kettle["risk_types"] == ["Burns", "Electric shock"]
    bike = row(alerts, "SR/02461/26")  # <type_numberOfModel>JY-546200, Q30 / T20 / Speedy 20 Basic
    assert bike["models"] == ["JY-546200", "Q30", "T20", "Speedy 20 Basic"] and bike["name"] is None
    assert bike["category"] == "Hobby/sports equipment"  # a slash inside one value
    assert bike["notifying_country"] == "United Kingdom in respect of Northern Ireland"
    radiator = row(
        alerts, "SR/02444/26"
    )  # <name>Oil Filled Radiator 9 FIN 2kW </name>: trailing space removed
    assert radiator["name"] == "Oil Filled Radiator 9 FIN 2kW" and radiator["models"] == ["KBE8280200K"]
    toy = row(alerts, "SR/02546/26")  # 10000324, order 1
    assert (toy["brand"], toy["batch"], toy["barcodes"], toy["risk_types"]) == (
        "Tickit",
        "2519",
        ["5060138820289"],
        ["Health risk / other"],
    )
    charger = row(alerts, "SR/02540/26")  # <brand><![CDATA[]]></brand>
    assert charger["brand"] is None and charger["models"] == ["A2347", "JY-888"]
    assert charger["barcodes"] == ["5995858167102"] and charger["batch"] == "16710"
    pepco = row(alerts, "SR/02556/26")  # batch numbers run together are kept as given, not split by guess
    assert pepco["batch"] == "ORD01605735_01ORD01605736_01ORD01605737_01ORD01605738_01ORD01605739_01"
    assert pepco["name"] is None and pepco["recall_urls"] == [
        "https://pepco.pl/centrum-pomocy/wycofane-produkty/komunikat-dot-wycofanych-produktow-plu-632235"
    ]
    car = row(alerts, "SR/02583/26")  # <type_numberOfModel> e4*2018/858*00145*00 (leading space)
    assert car["models"] == ["e4*2018/858*00145*00"] and car["country_of_origin"] == "The Netherlands"
    assert (car["company_recall_code"], car["production_dates"]) == (
        "61D167_IONIQ",
        "05.10.2022 - 24.06.2025",
    )
    assert (car["production_from"], car["production_to"]) == (date(2022, 10, 5), date(2025, 6, 24))


def test_online_traders(alerts):
    kettle = row(alerts, "SR/02499/26")  # <onlineTrader>Amazon(ASIN: B0FCXZZ57X) / </onlineTrader>
    assert kettle["online_traders"] == [
        {
            "marketplace": "Amazon",
            "marketplace_raw": "Amazon",
            "identifier_type": "ASIN",
            "identifier": "B0FCXZZ57X",
            "website": None,
            "raw": "Amazon(ASIN: B0FCXZZ57X)",
        }
    ]
    assert kettle["online_marketplaces"] == ["Amazon"]
    radiator = row(alerts, "SR/02444/26")  # Other(www.TED.ie) / Other(wwww.cromwell.co.uk) /
    assert [t["website"] for t in radiator["online_traders"]] == ["www.ted.ie", "www.cromwell.co.uk"]
    assert [t["raw"] for t in radiator["online_traders"]] == [
        "Other(www.TED.ie)",
        "Other(wwww.cromwell.co.uk)",
    ]
    assert radiator["online_marketplaces"] == ["other website"]
    toy = row(alerts, "SR/02546/26")  # Other(www.mesto-igrac.si) /
    assert [t["website"] for t in toy["online_traders"]] == ["www.mesto-igrac.si"]
    none = ["SR/02478/26", "SR/02461/26", "SR/02540/26", "SR/02556/26", "SR/02583/26"]  # nil or empty CDATA
    assert all(row(alerts, c)["online_traders"] == [] for c in none)


def test_measures(alerts):
    m = row(alerts, "SR/02478/26")[
        "measures"
    ]  # ordered: Distributor; notified: Manufacturer; both 06/05/2025
    assert [(x["kind"], x["operator"], x["measure"], x["date"]) for x in m] == [
        ("compulsory", "Distributor", "Import rejected at border", date(2025, 5, 6)),
        ("voluntary", "Manufacturer", "Import rejected at border", date(2025, 5, 6)),
    ]
    m = row(alerts, "SR/02499/26")["measures"]
    assert [(x["operator"], x["measure"], x["date"]) for x in m] == [
        ("Other", sg.REMOVAL_BY_MARKETPLACE, date(2026, 7, 30)),
        ("Importer", "Stop of sales", date(2026, 6, 30)),
    ]
    m = row(alerts, "SR/02461/26")["measures"]  # Date of entry into force: Unknown
    assert [(x["kind"], x["operator"], x["date"], x["date_text"]) for x in m] == [
        ("compulsory", "Importer", None, "Unknown")
    ]
    m = row(alerts, "SR/02540/26")["measures"]  # three measures ordered to the distributor, all 21/05/2025
    assert [x["measure"] for x in m] == [
        "Withdrawal of the product from the market",
        "Ban on the marketing of the product and any accompanying measures",
        "Recall of the product from end users",
    ]
    assert {x["date"] for x in m} == {date(2025, 5, 21)} and {x["kind"] for x in m} == {"compulsory"}
    assert [len(row(alerts, c)["measures"]) for c in alerts["case_number"]] == [2, 2, 1, 2, 1, 3, 2, 1]


def test_recall_urls_concatenated_are_split_and_noted():
    reading = sg.read_reports([R323])
    radiator = reading.alerts.filter(pl.col("case_number") == "SR/02444/26").row(0, named=True)
    assert radiator["recall_urls"] == [
        "https://www.ted.ie/info/voluntary-product-recall",
        "https://www.cromwell.co.uk/info/voluntary-product-recall",
    ]
    notes = reading.notes.filter(pl.col("kind") == "concatenated_urls")
    assert notes["case_number"].to_list() == ["SR/02444/26"]


def test_accounting_counts_what_was_interpreted():
    acc = sg.read_reports([R323, R324]).accounting()
    count = {(k, f): v for k, f, v in acc.select("kind", "field", "values").iter_rows()}
    # 10000323: xsi:nil on batchNumber in all 4 alerts, barcode in 3 (not the e-cigarette),
    # brand once (kettle),
    # onlineTrader twice (e-cigarette, bike), plus <report_addendum xsi:nil>
    assert count[("nil", "batchNumber")] == 4 and count[("nil", "barcode")] == 3
    assert count[("nil", "brand")] == 1 and count[("nil", "onlineTrader")] == 2
    assert count[("nil", "report_addendum")] == 1
    # 10000324: empty CDATA barcode in 2 (Pepco, Hyundai), brand 1 (charger), onlineTrader 3,
    # self-closing URLrecall 3
    assert count[("empty", "barcode")] == 2 and count[("empty", "brand")] == 1
    assert count[("empty", "onlineTrader")] == 3 and count[("empty", "URLrecall")] == 3
    assert count[("unknown_date", "measures")] == 2  # bike (10000323) and Tickit toy (10000324)
    assert count[("website_typo", "onlineTrader")] == 1  # wwww.cromwell.co.uk
    assert count[("whitespace", "name")] == 1  # "2kW "
    assert count[("whitespace", "type_numberOfModel")] == 1  # " e4*2018..."


def test_weekly_report_list():
    lst = sg.read_list(FIX / "safetygate-list.xml")
    assert lst["reference"].to_list() == [
        "Report-2026-39",
        "Report-2026-38",
        "Report-2026-37",
        "Report-2026-29",
    ]
    assert lst["report_id"].to_list() == ["10000325", "10000324", "10000323", "10000315"]
    assert lst["publication_date"].to_list() == [
        date(2026, 10, 2),
        date(2026, 9, 25),
        date(2026, 9, 18),
        date(2026, 7, 24),
    ]
    assert lst["week"].to_list() == [39, 38, 37, 29]
    # &amp; unescaped; the trailing comma belongs to the address
    assert lst["url"][1] == (
        "https://ec.europa.eu/safety-gate-alerts/api/download/weeklyReport/detail/xml/10000324"
        "?language=en&search=WEB_REPORT%7C:%7C10000324,"
    )


# ----------------------------------------------------------------------------- one fixture per fault


def one(name: str) -> sg.Reading:
    return sg.read_report(FAULTS / name)


def kinds(reading: sg.Reading) -> set[tuple[str, str]]:
    return set(reading.notes.select("kind", "field").iter_rows())


def test_fault_xsi_nil():
    r = one("fault-xsi-nil.xml")
    a = r.alerts.row(0, named=True)
    assert (a["brand"], a["barcodes"], a["online_traders"]) == (None, [], [])
    assert {("nil", "brand"), ("nil", "barcode"), ("nil", "onlineTrader")} <= kinds(r)


def test_fault_empty_cdata():
    r = one("fault-empty-cdata.xml")
    a = r.alerts.row(0, named=True)
    assert (a["brand"], a["barcodes"], a["online_traders"]) == (None, [], [])
    assert {("empty", "brand"), ("empty", "barcode"), ("empty", "onlineTrader")} <= kinds(r)


def test_fault_concatenated_urls():
    r = one("fault-concatenated-urls.xml")
    assert r.alerts["recall_urls"][0].to_list() == [
        "https://a.example/recall-1",
        "https://b.example/recall-2",
        "http://c.example/r3",
    ]
    assert ("concatenated_urls", "URLrecall") in kinds(r)


def test_fault_unknown_date():
    r = one("fault-unknown-date.xml")
    m = r.alerts["measures"][0].to_list()
    assert m == [
        {
            "kind": "compulsory",
            "operator": "Importer",
            "measure": "Import rejected at border",
            "date": None,
            "date_text": "Unknown",
        }
    ]
    assert ("unknown_date", "measures") in kinds(r)


def test_fault_wwww_typo_and_marketplace_from_website():
    r = one("fault-wwww-typo.xml")
    traders = r.alerts["online_traders"][0].to_list()
    assert [(t["marketplace"], t["website"]) for t in traders] == [
        ("other website", "www.example-shop.de"),
        ("Temu", "www.temu.com"),
    ]
    assert traders[0]["raw"] == "Other(wwww.Example-Shop.DE)"
    assert r.notes.filter(pl.col("kind") == "website_typo")["raw"].to_list() == ["wwww.Example-Shop.DE"]


def test_fault_whitespace():
    r = one("fault-whitespace.xml")
    a = r.alerts.row(0, named=True)
    assert (a["brand"], a["name"], a["barcodes"]) == ("Acme Toys", "Test toy", ["4006381333931"])
    ws = r.notes.filter(pl.col("kind") == "whitespace")
    assert set(ws["field"]) == {"brand", "name", "barcode"} and "  Acme\t Toys " in ws["raw"].to_list()


def test_fault_literal_none_and_unknown():
    r = one("fault-none-word.xml")
    a = r.alerts.row(0, named=True)
    assert a["brand"] is None and a["country_of_origin"] is None
    assert {("missing_word", "brand"), ("missing_word", "countryOfOrigin")} <= kinds(r)


@pytest.mark.parametrize(
    ("name", "alert", "field", "words"),
    [
        ("error-not-well-formed.xml", None, None, "well-formed XML"),
        ("error-missing-case-number.xml", "#1 (order 1)", "caseNumber", "non-empty <caseNumber>"),
        ("error-bad-measure-date.xml", "SR/99001/26", "measures", "calendar date"),
        ("error-measures-grammar.xml", "SR/99001/26", "measures", "Category of measure(s)"),
        ("error-online-trader.xml", "SR/99001/26", "onlineTrader", "Marketplace(identifier)"),
        ("error-duplicate-case.xml", "SR/99001/26", "caseNumber", "each case number once"),
        ("error-entity-expansion.xml", None, None, "without DTD entities"),
    ],
)
def test_unreadable_input_names_file_alert_and_field(name, alert, field, words):
    with pytest.raises(sg.SafetyGateError) as e:
        sg.read_report(FAULTS / name)
    assert e.value.file.endswith(name) and e.value.alert == alert and e.value.field == field
    assert words in str(e.value) and name in str(e.value)


def test_a_missing_input_is_an_error(tmp_path):
    with pytest.raises(sg.SafetyGateError, match="existing XML file or folder"):
        sg.read_reports([tmp_path / "nope.xml"])
    with pytest.raises(sg.SafetyGateError, match="at least one weekly-report"):
        sg.read_reports([FIX / "safetygate-list.xml"])
