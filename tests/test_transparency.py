"""The transparency-report parser must read what real files contain and never guess silently.

Published harmonised reports carry decimal commas, thousands separators of every kind, `129.7M`,
ranges, percentages, impossible dates, BOMs, ragged rows... A wrong reading changes a ratio by
orders of magnitude (Zalando's `2,97` moderators read as 297), so each fault has a fixture file and
a test with the expected value worked out by hand; both error modes and the row accounting are
checked, and the shipped dataset is checked against the published figures.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.core import paths
from dsa_explore.data import catalog
from dsa_explore.readers.transparency import (
    TransparencyParseError,
    parse_number,
    parse_report,
    read_report,
    read_value,
)

FIX = Path(__file__).parent / "fixtures" / "transparency"
COLUMNS = [
    "platform",
    "period_start",
    "period_end",
    "section",
    "indicator",
    "indicator_text",
    "scope",
    "value",
    "value_raw",
    "unit",
    "how",
]


def one(frame: pl.DataFrame, indicator: str, scope: str) -> dict:
    rows = frame.filter((pl.col("indicator") == indicator) & (pl.col("scope") == scope))
    assert rows.height == 1, f"expected one {indicator} [{scope}] row, got {rows.height}"
    return rows.row(0, named=True)


# ---------------------------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2,97", 2.97),
        ("289,42", 289.42),
        ("36,348,251", 36_348_251),
        ("35.852.803", 35_852_803),
        ("1 234 567", 1_234_567),
        ("4\u00a0460\u00a0037", 4_460_037),
        ("24064847.0", 24_064_847),
        ("58, 437 ", 58_437),
        ("335,474.00", 335_474),
        ("1.234.567,89", 1_234_567.89),
        ("0,5", 0.5),
        ("1'203'717", 1_203_717),
    ],
)
def test_numbers_in_every_published_notation(text, expected):
    value, how = parse_number(text)
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("text", ["12,34,5", "1.23.4", "abc", "1,2,3,4", "12..5"])
def test_numbers_that_no_rule_can_read_raise(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_read_value_rules_and_flags():
    assert read_value("129.7M").value == 129_700_000
    r = read_value("16.4 - 20")
    assert (r.low, r.high, r.value) == (16.4, 20.0, pytest.approx(18.2)) and r.flag.startswith("range")
    r = read_value("> 45")
    assert r.value is None and r.low == 45 and "lower bound" in r.flag
    assert read_value("97.27%").value == pytest.approx(0.9727)
    assert read_value("97.27", share=True).value == pytest.approx(0.9727)
    assert read_value("97.27", share=False).value == pytest.approx(97.27)
    assert read_value("").value is None and read_value("").flag is None
    assert read_value("NA").flag and read_value("/").flag
    assert read_value("abc").error


# ---------------------------------------------------------------------------------------------- faults


def test_decimal_comma_zalando_internal_moderators_is_2_97_not_297():
    frame = read_report(FIX / "decimal_comma")
    row = one(frame, "moderators_internal", "TOTAL")
    assert row["value"] == pytest.approx(2.97)
    assert row["value_raw"] == "2,97" and "decimal comma" in row["how"]
    assert one(frame, "moderators_linguistic", "de")["value"] == pytest.approx(17.5)
    assert frame["platform"][0] == "Zalando"


def test_thousands_separators_of_every_kind_and_trailing_spaces():
    frame = read_report(FIX / "thousands")
    expected = {
        "TOTAL": 35_852_803,
        "DE": 11_689_109,
        "FR": 3_986_382,
        "IT": 4_460_037,
        "NL": 2_665_017,
        "AT": 1_203_717,
    }
    got = dict(zip(frame["scope"], frame["value"], strict=True))
    assert got == expected
    assert frame["flag"].null_count() == frame.height


def test_temu_millions_suffix_is_read_as_persons_with_rounding_noted():
    frame = read_report(FIX / "millions")
    total = one(frame, "amar", "TOTAL")  # published scope was 'TOTAL ' with a trailing space
    assert total["value"] == 129_700_000
    assert total["value_raw"] == "129.7M"
    assert "millions suffix" in total["how"] and "rounded to 0.1 M" in total["how"]
    assert one(frame, "amar", "GR")["value"] == 3_100_000  # EL is mapped to GR
    assert "'EL' -> GR" in one(frame, "amar", "GR")["how"]
    assert one(frame, "amar", "LU")["value"] == 100_000


def test_booking_ranges_stay_ranges_and_a_bound_keeps_only_its_bound():
    frame = read_report(FIX / "ranges")
    # every AMAR figure is below 1,000 with decimals: millions without a unit, scaled and said so
    de = one(frame, "amar", "DE")
    assert (de["value_low"], de["value_high"]) == (16_400_000, 20_000_000)
    assert de["value"] == pytest.approx(18_200_000) and de["flag"].startswith("range")
    assert "published in millions without a unit" in de["how"]
    total = one(frame, "amar", "TOTAL")
    assert total["value"] is None and total["value_low"] == 45_000_000 and total["value_high"] is None
    assert "lower bound" in total["flag"]
    ee = one(frame, "amar", "EE")
    assert ee["value_low"] == ee["value_high"] == ee["value"] == pytest.approx(300_000)


def test_percentages_where_shares_are_expected():
    frame = read_report(FIX / "percent")
    assert one(frame, "accuracy", "TOTAL")["value"] == pytest.approx(0.9531)
    precision = one(frame, "precision", "TOTAL")
    assert precision["value"] == pytest.approx(0.9937) and "percentage" in precision["flag"]
    assert one(frame, "recall", "TOTAL")["value"] == pytest.approx(0.9987)
    assert one(frame, "measures_automated", "TOTAL")["value"] == 223_637_581  # counts are not divided


def test_impossible_dates_take_the_period_from_the_majority_and_say_so():
    frame, log = parse_report(FIX / "bad_dates")
    assert set(frame["period_start"]) == {date(2025, 7, 1)} and set(frame["period_end"]) == {
        date(2025, 12, 31)
    }
    es = one(frame, "moderators_linguistic", "es")
    assert "2025-12-33" in es["how"] and "not a valid date range" in es["how"]
    assert any("majority" in n for n in log.notes)


def test_report_identification_sets_the_period_and_dates_with_times_are_read():
    frame, log = parse_report(FIX / "bom_header")
    assert set(frame["period_start"]) == {date(2025, 7, 1)}
    assert any("report identification" in n for n in log.notes)
    assert any("byte-order mark" in n for n in log.notes)
    assert one(frame, "period_start", "TOTAL")["value_raw"] == "2025/7/1"
    # header spelled 'Contextual Information', indicator texts with trailing spaces / other case
    assert one(frame, "moderators_internal", "TOTAL")["value"] == 1700
    assert one(frame, "moderators_external", "TOTAL")["value"] == 39
    assert frame["platform"][0] == "Amazon Store"


def test_language_and_country_codes_are_normalised():
    frame = read_report(FIX / "codes")
    mods = frame.filter(pl.col("indicator") == "moderators_linguistic")
    assert sorted(mods["scope"]) == sorted(["TOTAL", "en", "de", "fr", "he", "no", "Agnostic"])
    amar = frame.filter(pl.col("indicator") == "amar")
    assert amar.filter(pl.col("scope") == "GR").height == 2  # 'gr' and 'el' both become GR
    cs = one(frame, "amar", "cs")
    assert cs["flag"] == "language code where a member state is expected"


def test_member_state_codes_where_languages_are_expected_are_kept_as_countries():
    frame, log = parse_report(FIX / "country_codes")
    assert sorted(frame["scope"]) == ["BE", "DE", "IE", "SE"]
    assert all("member-state code" in h for h in frame["how"])


def test_placeholders_and_non_values_are_null_with_a_reason():
    frame = read_report(FIX / "placeholders")  # none of these is an error
    assert frame["value"].null_count() == frame.height
    assert "pointer" in one(frame, "amar", "TOTAL")["flag"]
    assert "not applicable" in one(frame, "amar", "AT")["flag"]
    assert "not applicable" in one(frame, "amar", "BE")["flag"]
    blank = one(frame, "amar", "BG")
    assert blank["flag"] is None and blank["how"] == "blank"  # blank is not 0 and not a fault
    assert one(frame, "amar", "[...]")["flag"] == "template placeholder row"


def test_floats_stray_spaces_and_both_separators():
    frame = read_report(FIX / "floats")
    assert one(frame, "measures_automated", "TOTAL")["value"] == 24_064_847
    # "58, 437 " has one comma before three digits: 58.437 or 58,437. This file uses both conventions
    # ('24064847.0' on line 2, '1.234.567,00' on line 5), so the reader does not guess: flagged, both kept.
    frame = read_report(FIX / "floats", errors="flag")
    ambiguous = one(frame, "measures_not_automated", "TOTAL")
    assert ambiguous["value"] is None and "ambiguous separator" in ambiguous["flag"]
    assert (ambiguous["value_low"], ambiguous["value_high"]) == (pytest.approx(58.437), 58_437)
    assert one(frame, "notices_automated", "NAM Total")["value"] == 335_474
    assert one(frame, "notices_not_automated", "NAM Total")["value"] == 1_234_567


def test_ragged_rows_padding_multiline_cells_and_footnotes():
    frame, log = parse_report(FIX / "ragged")
    assert frame.height == 4
    assert one(frame, "moderators_internal", "TOTAL")["line"] == 2  # multi-line cell starts on line 2
    assert one(frame, "moderators_external", "TOTAL")["line"] == 5
    assert "extra non-empty" in one(frame, "moderators_linguistic", "TOTAL")["flag"]
    en = one(frame, "moderators_linguistic", "en")  # 7 cells for 8 named columns: the context cell trimmed
    assert en["value"] == 3604 and en["flag"] is None and "missing trailing cells read as blank" in en["how"]
    reasons = sorted(r for _, _, r in log.skipped_lines)
    assert reasons[:2] == ["empty padding row", "empty padding row"] and reasons[2].startswith("footnote")


def test_mis_encoded_file_is_decoded_and_noted():
    frame, log = parse_report(FIX / "encoding")
    assert one(frame, "moderators_internal", "TOTAL")["value"] == 291
    assert any("Windows-1252" in n for n in log.notes)


def test_blank_official_templates_read_without_errors():
    frame, log = parse_report(FIX / "templates")
    assert set(frame["section"].drop_nulls()) == {1, 4, 8, 9, 10}
    assert (
        frame.filter(pl.col("section") != 1)["value"].null_count()
        == frame.filter(pl.col("section") != 1).height
    )
    assert frame["platform"].null_count() == frame.height  # the placeholder 'Text' is not a platform
    assert {"moderators_internal", "moderators_external", "moderators_linguistic", "amar"} <= set(
        frame["indicator"]
    )


# ---------------------------------------------------------------------------------------------- errors


def test_errors_raise_lists_every_bad_value_with_file_line_and_raw_text():
    with pytest.raises(TransparencyParseError) as info:
        read_report(FIX / "bad_values")
    err = info.value
    assert [(p.line, p.raw) for p in err.problems] == [(3, "about two million"), (4, "12,34,5")]
    message = str(err)
    assert "10_AMAR.csv, line 3" in message and "'about two million'" in message
    assert "10_AMAR.csv, line 4" in message and "'12,34,5'" in message


def test_errors_flag_keeps_the_rows_with_null_value_and_reason():
    frame, log = parse_report(FIX / "bad_values", errors="flag")
    assert frame.height == 4
    at = one(frame, "amar", "AT")
    assert at["value"] is None and at["value_raw"] == "about two million" and "unreadable" in at["flag"]
    assert one(frame, "amar", "TOTAL")["value"] == 129_700_000
    assert len(log.problems) == 2


def test_errors_argument_is_checked():
    with pytest.raises(ValueError, match="errors must be"):
        read_report(FIX / "millions", errors="ignore")


@pytest.mark.parametrize("folder", ["bad_values", "ragged", "placeholders", "ranges", "templates"])
def test_row_accounting_read_equals_parsed_plus_flagged(folder):
    frame, log = parse_report(FIX / folder, errors="flag")
    assert log.values_read == frame.height == log.values_parsed + log.values_flagged
    assert log.values_flagged == frame["flag"].is_not_null().sum()


def test_interface_columns_and_list_of_files():
    files = sorted((FIX / "bom_header").glob("*.csv"))
    frame = read_report(files)
    assert set(COLUMNS) <= set(frame.columns)
    assert frame.schema["value"] == pl.Float64 and frame.schema["period_start"] == pl.Date


# ---------------------------------------------------------------------------------------------- real files


def raw_folder(slug: str) -> Path:
    return paths.data_dir() / "transparency" / "raw" / slug / "2025-H2"


def test_real_temu_report_users_and_moderators():
    frame, log = parse_report(raw_folder("temu"))
    assert frame["platform"].unique().to_list() == ["Temu"]
    total = one(frame, "amar", "TOTAL")
    assert total["value"] == 129_700_000 and "rounded" in total["how"]
    assert one(frame, "moderators_internal", "TOTAL")["value"] == 291
    assert one(frame, "moderators_external", "TOTAL")["value"] == 3317
    assert one(frame, "moderators_linguistic", "es")["value"] == 8
    assert log.values_read == log.values_parsed + log.values_flagged and not log.problems


def test_real_amazon_report_reads_section_8_country_scopes_and_floats():
    # the H2 folder holds table 6 twice (6_own_initiative_TC.csv and its version 2): read without version 1
    files = [
        f for f in sorted(raw_folder("amazon-store").glob("*.csv")) if f.name != "6_own_initiative_TC.csv"
    ]
    frame = read_report(files)
    assert one(frame, "amar", "TOTAL")["value"] == 195_184_376
    assert one(frame, "measures_automated", "DE")["value"] == 7_097_593
    assert one(frame, "moderators_linguistic", "es")["value"] == 98
    notices = one(frame, "notices_received", "TOTAL")
    assert notices["value"] == 83_961 and notices["section"] == 4


# ---------------------------------------------------------------------------------------------- dataset


@pytest.fixture(scope="module")
def dataset():
    return catalog.load("transparency_marketplace_reports")


def test_dataset_every_row_has_a_source_url_and_the_platforms(dataset):
    assert dataset["source_url"].null_count() == 0
    assert dataset["source_url"].str.starts_with("https://").all()
    assert {
        "AliExpress",
        "Amazon Store",
        "Temu",
        "SHEIN",
        "Zalando",
        "Booking.com",
        "Apple App Store",
        "Google Shopping",
        "Google Play",
    } == set(dataset["platform"])
    assert set(dataset["period_start"]) == {date(2025, 7, 1), date(2026, 1, 1)}


def test_dataset_done_when_figures(dataset):
    def get(platform, start, indicator, scope):
        rows = dataset.filter(
            (pl.col("platform") == platform)
            & (pl.col("period_start") == start)
            & (pl.col("indicator") == indicator)
            & (pl.col("scope") == scope)
        )
        assert rows.height == 1
        return rows.row(0, named=True)

    h2 = date(2025, 7, 1)
    assert get("AliExpress", h2, "moderators_linguistic", "TOTAL")["value"] == 986
    assert get("AliExpress", h2, "amar", "TOTAL")["value"] == 181_892_221
    zal = get("Zalando", h2, "moderators_internal", "TOTAL")
    assert zal["value"] == pytest.approx(2.97) and zal["value_raw"] == "2,97"
    temu = get("Temu", h2, "amar", "TOTAL")
    assert temu["value"] == 129_700_000 and "rounded" in temu["how"]
    temu_h1 = get("Temu", date(2026, 1, 1), "amar", "TOTAL")
    assert temu_h1["value"] == pytest.approx(124_100_000) and "0.1 M" in temu_h1["how"]
    de = get("Booking.com", h2, "amar", "DE")
    assert (de["value_low"], de["value_high"], de["value"]) == (16_400_000, 20_000_000, 18_200_000)
    assert de["flag"].startswith("range")
    assert get("Booking.com", h2, "amar", "TOTAL")["value"] is None


def test_dataset_raw_files_agree_with_the_published_figures(dataset):
    """The compiled figures that the raw files replaced must say the same as the raw files."""
    figures = catalog.load("transparency_published_figures")

    def fig(platform, metric):
        rows = figures.filter(
            (pl.col("platform") == platform)
            & (pl.col("period") == "2025-07-01/2025-12-31")
            & (pl.col("metric") == metric)
        )
        return float(rows["value"][0])

    def raw(platform, indicator, scope):
        rows = dataset.filter(
            (pl.col("platform") == platform)
            & (pl.col("indicator") == indicator)
            & (pl.col("scope") == scope)
            & (pl.col("period_start") == date(2025, 7, 1))
        )
        return rows["value"][0]

    for platform in ("Amazon Store", "Temu"):
        assert raw(platform, "amar", "TOTAL") == fig(platform, "AMAR (Art.42(3)) scope=TOTAL")
        assert raw(platform, "moderators_internal", "TOTAL") == fig(
            platform, "internal moderators (FTE) scope=total"
        )
        assert raw(platform, "moderators_external", "TOTAL") == fig(
            platform, "external moderators (FTE) scope=total"
        )
        assert raw(platform, "amar", "DE") == fig(platform, "AMAR (Art.42(3)) scope=DE")


def test_shipped_dataset_is_reproduced_by_the_builder(dataset):
    """Rebuilding from the shipped raw files and published figures gives the shipped file exactly."""
    from dsa_explore.readers.transparency import build_dataset

    rebuilt, accounting = build_dataset()
    assert rebuilt.equals(dataset)
    assert accounting["rows"] == dataset.height
    assert accounting["figures"] == accounting["figures_not_mapped"] + accounting[
        "figures_superseded_by_raw"
    ] + (dataset.filter(pl.col("source_file") == "transparency/raw/published_figures.csv").height)
