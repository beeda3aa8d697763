"""``dsa-explore safetygate build`` and ``alerts``: exit codes, provenance, the CSV columns, CSV safety.

Expected values are from the real fixture XML (see tests/test_safetygate_reader.py for where each is read).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

from dsa_explore import cli
from dsa_explore.cli import safetygate as sgc
from dsa_explore.readers import safetygate as sg

FIX = Path(__file__).parent / "fixtures" / "safetygate"
ISSUE_COLUMNS = [
    "case_number",
    "week",
    "category",
    "product",
    "brand",
    "name",
    "barcodes",
    "risk_types",
    "level",
    "notifying_country",
    "country_of_origin",
    "online_marketplaces",
]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    out = tmp_path_factory.mktemp("sg") / "alerts.parquet"
    assert cli.main(["safetygate", "build", str(FIX), "--out", str(out)]) == 0
    return out


def test_build_writes_parquet_with_provenance(table):
    alerts = sg.load_table(table)
    assert alerts.height == 8
    meta = json.loads(table.with_name("alerts.parquet.meta.json").read_text())
    assert meta["acknowledgement"] == sg.ACKNOWLEDGEMENT and meta["rows"] == 8
    files = ["safetygate-report-10000323.xml", "safetygate-report-10000324.xml"]
    assert [i["file"] for i in meta["input_files"]] == files and meta["inputs"] == files
    assert (
        meta["input_files"][0]["sha256"] == "2ee1ff6c3410606ca44a3d402989a0e847e8ad2ea738ac816f00ee794f5e4237"
    )
    assert meta["built_by"] == "dsa_explore.readers.safetygate.build_table"
    embedded = json.loads(pl.read_parquet_metadata(table)[sg.PROVENANCE_KEY])
    assert embedded["input_files"] == meta["input_files"]
    notes = pl.read_csv(table.with_name("alerts-notes.csv"))
    assert notes.height == sum(a["values"] for a in meta["accounting"])


def test_build_fails_naming_file_and_alert(tmp_path, capsys):
    bad = FIX / "faults" / "error-measures-grammar.xml"
    code = cli.main(["safetygate", "build", str(FIX), str(bad), "--out", str(tmp_path / "a.parquet")])
    err = capsys.readouterr().err
    assert code == 1 and "error-measures-grammar.xml" in err and "SR/99001/26" in err and "'measures'" in err
    assert not (tmp_path / "a.parquet").exists()


def test_alerts_csv_filters_and_joins_lists(table, capsys):
    assert cli.main(["safetygate", "alerts", str(table), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 8 and set(ISSUE_COLUMNS) <= set(rows[0])
    bike = next(r for r in rows if r["case_number"] == "SR/02461/26")
    assert bike["risk_types"] == "Electric shock|Fire" and bike["week"] == "37"
    cli.main(["safetygate", "alerts", str(table), "--marketplace", "Amazon"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["case_number"] for r in rows] == ["SR/02499/26"] and rows[0]["online_marketplaces"] == "Amazon"
    cli.main(["safetygate", "alerts", str(table), "--category", "Toys"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["case_number"] for r in rows] == ["SR/02546/26", "SR/02556/26"]
    assert [r["barcodes"] for r in rows] == ["5060138820289", ""]


def test_alerts_csv_neutralises_formulas(tmp_path, capsys):
    xml = (
        (FIX / "faults" / "fault-xsi-nil.xml")
        .read_text()
        .replace('<brand xsi:nil="true"/>', '<brand><![CDATA[=HYPERLINK("http://x","y")]]></brand>')
        .replace("<![CDATA[Test toy]]>", "<![CDATA[+SUM(A1)]]>")
    )
    (tmp_path / "r.xml").write_text(xml)
    out = tmp_path / "a.parquet"
    assert cli.main(["safetygate", "build", str(tmp_path / "r.xml"), "--out", str(out)]) == 0
    capsys.readouterr()
    cli.main(["safetygate", "alerts", str(out)])
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["brand"] == '\'=HYPERLINK("http://x","y")' and row["name"] == "'+SUM(A1)"


def test_safe_cell():
    assert sgc.safe_cell("a\x07b\nc\td") == "a\\x07b\\nc\\td"
    assert sgc.safe_cell("@SUM(1)") == "'@SUM(1)" and sgc.safe_cell("-2+3") == "'-2+3"
    assert sgc.safe_cell(-3) == "-3" and sgc.safe_cell(None) == ""


def test_alerts_on_a_file_that_is_no_table(tmp_path, capsys):
    (tmp_path / "x.parquet").write_text("not parquet")
    assert cli.main(["safetygate", "alerts", str(tmp_path / "x.parquet")]) == 1
    assert "x.parquet" in capsys.readouterr().err
