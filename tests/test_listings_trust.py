"""Listing samples you can trust: each way a hand-filled sample fooled the validator is now refused.

Tried as a new user would (issue 17, item 6), the validator accepted an inclusion probability of
1e-300 (one listing then outweighs the platform and the AliExpress estimate of the shipped sample
falls from 40.4 % to 0.0 %), a weight of ``inf`` (the prevalence table then crashed on a NaN), a
header naming a column twice (the data shifted, ``ok=True``), a platform typo, a platform that
contradicts its stratum and an id that repeats another but for a zero-width space; a Windows-1252
file, a ragged row and an empty file gave raw parser errors with no file or line. Each fixture in
``tests/fixtures/listings/`` is ``sample-good.csv`` with exactly one such fault on a known line
(the header is line 1); every expected line, value and count below is read off those files.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dsa_explore.core import identifiers
from dsa_explore.readers import listings as L

FIX = Path(__file__).parent / "fixtures" / "listings"
FRAME = FIX / "frame-good.csv"


@pytest.mark.parametrize(
    "file,line,column,value,problem,expected",
    [
        # line 3 is L2 in stratum AE|toys|unbranded, frame size 5000 (frame-good.csv line 2):
        # floor 1/5000 = 0.0002
        (
            "bad-inclusion-prob-tiny.csv",
            3,
            "inclusion_prob",
            "1e-300",
            "design weight 1e+300 exceeds the frame size 5000 of stratum 'AE|toys|unbranded'",
            "inclusion_prob >= 1 / frame_size = 0.0002 (weight <= 5000)",
        ),
        ("bad-weight-inf.csv", 5, "weight", "inf", "not a finite number", "a finite number"),
        (
            "bad-platform-typo.csv",
            5,
            "platform",
            "Tmeu",
            "unknown platform (did you mean 'Temu'?)",
            "one of AliExpress, Temu, Amazon Store, SHEIN, Zalando",
        ),
        # stratum AE|toys|unbranded belongs to AliExpress on line 2 of frame-good.csv
        (
            "bad-platform-stratum.csv",
            3,
            "platform",
            "Temu",
            "platform does not match its stratum 'AE|toys|unbranded', which ",
            "AliExpress (the platform of stratum",
        ),
        (
            "bad-zero-width-duplicate-id.csv",
            7,
            "listing_id",
            "L\u200b2",
            "duplicate listing id (first on line 3; equal once invisible characters are removed",
            "each listing_id once",
        ),
        # "L3,AliExpress,S2,DE,toys,doll,Poup" is 34 characters: the é of Poupée (byte E9) is character 35
        (
            "bad-windows-1252.csv",
            4,
            None,
            "byte E9 at character 35",
            "not UTF-8 text (in Windows-1252 this byte reads 'é'",
            "UTF-8 text: re-save the file as 'CSV UTF-8'",
        ),
        # the fields joined again, cut at 80 characters
        (
            "bad-ragged-row.csv",
            5,
            None,
            "L4,Temu,S3,CN,toys,magnetic set,Magnet balls, 216 pieces,4.00,EUR,,false,true,TM…",
            "row has 25 fields, the header has 24",
            "24 fields, one per header column",
        ),
    ],
)
def test_each_new_fault_is_refused_with_file_line_and_value(file, line, column, value, problem, expected):
    report = L.validate_sample(FIX / file, FRAME)
    assert report.problems.height == 1, report.problems.to_dicts()
    p = report.problems.row(0, named=True)
    assert (p["line"], p["column"], p["value"]) == (line, column, value)
    assert p["problem"].startswith(problem), p["problem"]
    assert p["expected"].startswith(expected), p["expected"]
    assert p["file"].endswith(file)
    # every row accounted for: 6 data rows in each fixture, one of them faulty
    assert report.rows_read == 6 == report.sample.height
    assert (report.rows_valid, report.rows_with_problems) == (5, 1)
    with pytest.raises(L.ListingSampleError) as err:
        L.read_sample(FIX / file, FRAME)
    message = str(err.value)
    assert f"{file}: line {line}" in message and repr(value) in message and "expected " in message


def test_a_floor_of_one_over_the_frame_size_is_accepted_just_above_refused(tmp_path):
    # AE|toys|unbranded has frame size 5000: 1/5000 = 0.0002 gives weight 5000 (allowed), 0.00019 gives 5263
    text = (FIX / "sample-good.csv").read_text()
    (tmp_path / "at.csv").write_text(
        text.replace("random_in_stratum,0.001,,80", "random_in_stratum,0.0002,,80")
    )
    (tmp_path / "below.csv").write_text(
        text.replace("random_in_stratum,0.001,,80", "random_in_stratum,0.00019,,80")
    )
    assert L.validate_sample(tmp_path / "at.csv", FRAME).ok
    below = L.validate_sample(tmp_path / "below.csv", FRAME).problems
    assert below.select("line", "column", "value").rows() == [(3, "inclusion_prob", "0.00019")]
    # a weight given directly is held to the same bound
    (tmp_path / "w.csv").write_text(text.replace("random_in_stratum,,500,40", "random_in_stratum,,2001,40"))
    w = L.validate_sample(tmp_path / "w.csv", FRAME).problems  # AE|toys|branded: frame size 2000
    assert w.select("line", "column", "value").rows() == [(4, "weight", "2001")]


def test_the_issue_case_on_the_shipped_sample_is_refused(tmp_path):
    # line 2 of the shipped synthetic sample: SYN-AE-000001, stratum AE|toys|branded (frame size 120000,
    # line 2 of listing-frame-synthetic.csv), inclusion_prob 0.0003333333333, weight 3000.0000003
    from dsa_explore.data import catalog

    lines = catalog.path("listing_sample_synthetic").read_text().splitlines()
    assert lines[1].startswith("SYN-AE-000001,")
    lines[1] = lines[1].replace("0.0003333333333,3000.0000003", "1e-300,")
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n")
    report = L.validate_sample(tmp_path / "s.csv", catalog.path("listing_frame_synthetic"))
    assert report.problems.select("line", "listing_id", "column", "value").rows() == [
        (2, "SYN-AE-000001", "inclusion_prob", "1e-300")
    ]
    assert "frame size 120000" in report.problems["problem"][0]


def test_duplicated_header_column_is_refused_on_the_header_line():
    report = L.validate_sample(FIX / "bad-duplicate-header.csv", FRAME)
    # the header names price at positions 8 and 9 (currency was overwritten)
    assert report.problems.select("line", "column", "value").rows() == [(1, "price", "price")]
    assert report.problems["problem"][0].startswith("column named twice in the header (columns 8 and 9)")
    assert not report.ok and report.rows_read == 6
    with pytest.raises(L.ListingSampleError, match=r"bad-duplicate-header.csv: line 1, column 'price'"):
        L.read_sample(FIX / "bad-duplicate-header.csv", FRAME)


def test_empty_and_header_only_files_are_refused(tmp_path):
    report = L.validate_sample(FIX / "empty.csv", FRAME)
    assert report.problems.select("file", "line", "problem").rows() == [
        (str(FIX / "empty.csv"), None, "the file is empty")
    ]
    assert report.rows_read == 0 and list(report.sample.columns) == list(L.LISTING_SCHEMA)
    with pytest.raises(L.ListingSampleError, match="empty.csv: value None: the file is empty"):
        L.read_sample(FIX / "empty.csv", FRAME)
    header_only = tmp_path / "header.csv"
    header_only.write_text((FIX / "sample-good.csv").read_text().splitlines()[0] + "\n")
    assert L.validate_sample(header_only, FRAME).problems["problem"].to_list() == [
        "the sample has a header but no listings"
    ]
    empty_frame = tmp_path / "frame.csv"
    empty_frame.write_bytes(b"")
    got = L.validate_sample(FIX / "sample-good.csv", empty_frame).problems
    assert ("the file is empty", None) in got.select("problem", "line").rows()
    assert got.filter(pl.col("problem") == "stratum missing from the frame").height == 6


def test_semicolon_separated_file_is_refused_once(tmp_path):
    text = (FIX / "sample-good.csv").read_text().replace(",", ";")
    (tmp_path / "semi.csv").write_text(text)
    problems = L.validate_sample(tmp_path / "semi.csv", FRAME).problems
    assert problems.select("line", "problem").rows() == [(1, "the columns are separated by ';', not commas")]


def test_unclosed_quote_names_the_line_it_opens_on(tmp_path):
    lines = (FIX / "sample-good.csv").read_text().splitlines()
    lines[4] = lines[4].replace(",Magnet balls,", ',"Magnet balls,')  # line 5 opens a quote never closed
    (tmp_path / "q.csv").write_text("\n".join(lines) + "\n")
    problems = L.validate_sample(tmp_path / "q.csv", FRAME).problems
    assert problems.select("line", "column").rows() == [(5, None)]
    assert problems["problem"][0].startswith("CSV syntax error")
    assert "runs to line 7" in problems["problem"][0]


def test_line_numbers_count_a_quoted_value_that_spans_lines(tmp_path):
    lines = (FIX / "sample-good.csv").read_text().splitlines()
    lines[1] = lines[1].replace(",Plush bear,", ',"Plush bear\nwith bow",')  # L1 now spans lines 2-3
    lines[3] = lines[3].replace(",toys,doll,", ",toy,doll,")  # L3, now on file line 5
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n")
    report = L.validate_sample(tmp_path / "m.csv", FRAME)
    assert report.problems.select("line", "listing_id", "column", "value").rows() == [
        (5, "L3", "category", "toy")
    ]
    assert report.sample.filter(pl.col("listing_id") == "L1")["title"][0] == "Plush bear\nwith bow"


def test_utf8_with_byte_order_mark_is_accepted(tmp_path):
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + (FIX / "sample-good.csv").read_bytes())
    report = L.validate_sample(tmp_path / "bom.csv", FRAME)
    assert report.ok and report.normalised.height == 0 and report.sample.columns[0] == "listing_id"


def test_identifiers_normalised_and_every_change_reported(tmp_path):
    text = (FIX / "sample-good.csv").read_text()
    text = text.replace("L1,AliExpress,S1,", "L1,aliexpress,S1\u00a0,")  # line 2: case, no-break space
    text = text.replace(
        "L3,AliExpress,S2,DE,toys,doll,Doll,", "\ufeffL3,AliExpress,S2,DE,ｔｏｙｓ,doll,Do\u200bll,"
    )
    (tmp_path / "n.csv").write_text(text)
    report = L.validate_sample(tmp_path / "n.csv", FRAME)
    assert report.ok, report.problems.to_dicts()
    got = report.normalised.select("line", "column", "value", "normalised", "change").rows()
    assert got == [
        (2, "seller_id", "S1\u00a0", "S1", "Unicode NFKC: U+00A0 NO-BREAK SPACE"),
        (2, "platform", "aliexpress", "AliExpress", "platform in its registry spelling"),
        (4, "listing_id", "\ufeffL3", "L3", "removed invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        (
            4,
            "category",
            "ｔｏｙｓ",
            "toys",
            "Unicode NFKC: U+FF4F FULLWIDTH LATIN SMALL LETTER O, "
            "U+FF53 FULLWIDTH LATIN SMALL LETTER S, U+FF54 FULLWIDTH LATIN SMALL LETTER T, "
            "U+FF59 FULLWIDTH LATIN SMALL LETTER Y",
        ),
    ]
    s = report.sample
    assert s["listing_id"].to_list()[:3] == ["L1", "L2", "L3"] and s["platform"][0] == "AliExpress"
    # free text is evidence: the title keeps its zero-width space
    assert s.filter(pl.col("listing_id") == "L3")["title"][0] == "Do\u200bll"
    assert "4 value(s) normalised" in report.summary()


def test_frame_platforms_come_from_the_registry(tmp_path):
    frame = FRAME.read_text().replace("TM|toys|unbranded,Temu,", "TM|toys|unbranded,Temoo,")
    (tmp_path / "f.csv").write_text(frame)
    problems = L.validate_sample(FIX / "sample-good.csv", tmp_path / "f.csv").problems
    assert problems.select("file", "line", "column", "value").rows() == [
        (str(tmp_path / "f.csv"), 4, "platform", "Temoo")
    ]
    assert problems["problem"][0] == "unknown platform (did you mean 'Temu'?)"


def test_normalise_identifier_directly():
    assert identifiers.normalise("AE\u200b-1\u200e") == (
        "AE-1",
        [
            "removed invisible character U+200B ZERO WIDTH SPACE",
            "removed invisible character U+200E LEFT-TO-RIGHT MARK",
        ],
    )
    assert identifiers.normalise("  S1 ") == ("S1", [])
    assert identifiers.normalise("ﬁt") == ("fit", ["Unicode NFKC: U+FB01 LATIN SMALL LIGATURE FI"])


def test_a_frame_in_memory_is_checked_the_same_way():
    # what the capture readers pass: text columns, rows numbered as if written with a header (line 2 = row 0)
    sample = pl.read_csv(FIX / "sample-good.csv", infer_schema=False).with_columns(
        pl.when(pl.col("listing_id") == "L6")
        .then(pl.lit("L\u200b2"))
        .otherwise(pl.col("listing_id"))
        .alias("listing_id")
    )
    frame = pl.read_csv(FRAME, infer_schema=False)
    report = L.validate_sample(sample, frame)
    assert report.problems.select("file", "line", "column", "value").rows() == [
        ("<frame>", 7, "listing_id", "L\u200b2")
    ]
    assert report.normalised.select("line", "normalised").rows() == [(7, "L2")]
