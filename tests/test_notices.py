"""The enforcer's ratios must be the published inputs divided by hand, with inputs and sources beside them.

Ratios of AliExpress H2 2025 are checked against figures read by eye from its raw files
(``data/transparency/raw/aliexpress/2025-H2/``); the report-against-database table is checked on
a small hand-made frame whose expected differences and ratios are worked out in the comments.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from dsa_explore.analysis import notices

H2 = date(2025, 7, 1)


@pytest.fixture(scope="module")
def dataset() -> pl.DataFrame:
    return notices.load()


def row(frame: pl.DataFrame, platform: str, start: date = H2, **eq) -> dict:
    cond = (pl.col("platform") == platform) & (pl.col("period_start") == start)
    for k, v in eq.items():
        cond &= pl.col(k) == v
    rows = frame.filter(cond)
    assert rows.height == 1
    return rows.row(0, named=True)


def test_aliexpress_ratios_from_its_own_raw_files(dataset):
    r = row(notices.ratios(dataset), "AliExpress")
    # 4_notices.csv line 2: 701165 notices; 9_human_resources.csv lines 2-3: 111 internal + 875 external
    assert (r["notices"], r["moderators_internal"], r["moderators_external"]) == (701_165, 111, 875)
    assert r["moderators"] == 986
    assert r["notices_per_moderator"] == pytest.approx(701_165 / 986)  # 711.1
    assert r["notices_source"] == "transparency/raw/aliexpress/2025-H2/4_notices.csv line 2"
    assert r["notices_url"].endswith("/aliexpress/4_notices.csv")
    # 5_own_initiative_illegal.csv line 2: 2516646 (2388651 automated);
    # 6_own_initiative_TC.csv line 2: 236256023 (228211778 automated)
    assert r["own_initiative_per_moderator"] == pytest.approx((2_516_646 + 236_256_023) / 986)
    assert r["automated_detection_share"] == pytest.approx(
        (2_388_651 + 228_211_778) / (2_516_646 + 236_256_023)
    )
    # 8_automated_means.csv line 4: accuracy 95.31%
    assert r["accuracy"] == pytest.approx(0.9531)
    # 7_appeals_and_recidivism.csv line 2: 130517 complaints, line 5: 27369 reversed,
    # line 46: 107859 suspensions
    assert r["share_reversed"] == pytest.approx(27_369 / 130_517)  # 21.0 %
    # 10_AMAR.csv line 2: 181892221 recipients
    assert r["suspensions_per_million_users"] == pytest.approx(107_859 / 181.892221)  # 593 per million


def test_a_blank_table_counts_as_none_in_a_sum_but_a_wholly_blank_ratio_is_null(dataset):
    amazon = row(notices.ratios(dataset), "Amazon Store")
    # amazon-store/2025-H2/5_own_initiative_illegal.csv line 2: TOTAL row blank;
    # 6_..._version2.csv line 2: 402704488
    assert amazon["own_initiative_illegal"] is None and amazon["own_initiative_tc"] == 402_704_488
    assert amazon["own_initiative_per_moderator"] == pytest.approx(402_704_488 / amazon["moderators"])
    shein = row(notices.ratios(dataset), "SHEIN")  # no raw file: no table 7 figure compiled
    assert shein["share_reversed"] is None


def test_median_time_by_category_next_to_moderators(dataset):
    table = notices.median_time_by_category(dataset)
    # aliexpress/2025-H2/4_notices.csv line 82 (unsafe and prohibited products): 10961 notices,
    # median 16 hours
    r = row(table, "AliExpress", category="Illegal or unsafe products")
    assert (r["notices"], r["median_hours"], r["moderators"]) == (10_961, 16, 986)
    assert r["source"].endswith("4_notices.csv line 82")
    # line 56 protection of minors: 2351 notices, 17 hours; line 7 consumer information: 59690, 11 hours
    assert row(table, "AliExpress", category="Protection of minors")["median_hours"] == 17
    assert (
        row(table, "AliExpress", category="Consumer protection (consumer information)")["notices"] == 59_690
    )
    # temu/2025-H2/4_notices.csv line 82: median 17.49 hours
    assert row(table, "Temu", category="Illegal or unsafe products")["median_hours"] == pytest.approx(17.49)


# ---------------------------------------------------------------------------------------------- vs database


def tidy(platform: str, values: dict[tuple[int, str, str], float | None]) -> list[dict]:
    return [
        {
            "platform": platform,
            "period_start": H2,
            "section": s,
            "indicator": i,
            "scope": sc,
            "value": v,
            "value_raw": "" if v is None else str(v),
            "flag": None,
            "source_file": f"{platform}.csv",
            "line": n,
            "source_url": "https://example.org/report.csv",
            "origin": "raw report file",
        }
        for n, ((s, i, sc), v) in enumerate(values.items(), start=2)
    ]


@pytest.fixture()
def fixture_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    reports = pl.DataFrame(
        tidy(
            "Alpha",
            {
                (4, "actions_law", "TOTAL"): 100,
                (4, "actions_tc", "TOTAL"): 50,
                (5, "own_initiative_measures", "TOTAL"): 300,
                (6, "own_initiative_measures", "TOTAL"): 550,
            },
        )
        + tidy(
            "Beta",
            {
                (4, "actions_law", "TOTAL"): 10,
                (4, "actions_tc", "TOTAL"): 0,
                (5, "own_initiative_measures", "TOTAL"): None,
                (6, "own_initiative_measures", "TOTAL"): 90,
            },
        )
        + tidy(
            "Gamma",
            {
                (4, "actions_law", "TOTAL"): 4000,
                (4, "actions_tc", "TOTAL"): 0,
                (5, "own_initiative_measures", "TOTAL"): 0,
                (6, "own_initiative_measures", "TOTAL"): 0,
            },
        )
    )
    days = [H2 + timedelta(days=i) for i in range(184)]  # 2025-07-01 .. 2025-12-31
    daily = [{"date": d, "platform": "Alpha", "measure": "rows", "count": 5, "mean_days": None} for d in days]
    daily += [
        {"date": d, "platform": "Beta", "measure": "rows", "count": 2 if i % 2 else 3, "mean_days": None}
        for i, d in enumerate(days)
    ]
    daily += [
        {"date": days[0], "platform": "Gamma", "measure": "rows", "count": 1000, "mean_days": None},
        {
            "date": days[0],
            "platform": "Gamma",
            "measure": "disclosure_delay",
            "count": 1000,
            "mean_days": 40.0,
        },
        {"date": date(2026, 1, 1), "platform": "Alpha", "measure": "rows", "count": 99, "mean_days": None},
    ]
    schema = {
        "date": pl.Date,
        "platform": pl.String,
        "measure": pl.String,
        "count": pl.Int64,
        "mean_days": pl.Float64,
    }
    return reports, pl.DataFrame(daily, schema=schema)


def test_sor_counts_per_period(fixture_frames):
    _, daily = fixture_frames
    counts = notices.sor_counts(daily)
    h2 = counts.filter(pl.col("period_start") == H2)
    # Alpha: 184 days x 5 = 920; Beta: 92 days x 3 + 92 days x 2 = 460; Gamma: 1000 on one day
    assert dict(zip(h2["platform"], h2["sors"], strict=True)) == {"Alpha": 920, "Beta": 460, "Gamma": 1000}
    assert set(h2["days_covered"]) == {184} and set(h2["days_in_period"]) == {184}
    h1 = counts.filter(pl.col("period_start") == date(2026, 1, 1))
    assert h1["sors"].to_list() == [99] and h1["days_covered"].to_list() == [1]  # 1 of 181 days covered


def test_report_vs_database_table(fixture_frames):
    reports, daily = fixture_frames
    table = notices.report_vs_database(reports, notices.sor_counts(daily), factor=3)
    alpha, beta, gamma = (row(table, p) for p in ("Alpha", "Beta", "Gamma"))
    # Alpha: stated 100 + 50 + 300 + 550 = 1000; database 920; difference -80; ratio 0.92: within the factor
    assert (alpha["stated_actions"], alpha["sors"], alpha["difference"]) == (1000, 920, -80)
    assert alpha["ratio_db_to_report"] == pytest.approx(0.92) and not alpha["differs_by_factor"]
    assert "within a factor of 3" in alpha["likely_reasons"]
    # Beta: table 5 blank counts as none: stated 10 + 0 + 90 = 100; database 460; ratio 4.6 > 3
    assert (beta["stated_actions"], beta["sors"], beta["difference"]) == (100, 460, 360)
    assert beta["differs_by_factor"] and "counting unit" in beta["likely_reasons"]
    assert (
        beta["report_sources"] == "Beta.csv line 2; Beta.csv line 3; Beta.csv line 4; Beta.csv line 5"
    )  # 4: blank
    # Gamma: stated 4000, database 1000: ratio 0.25 < 1/3; statements arrive 40 days late on average
    assert gamma["ratio_db_to_report"] == pytest.approx(0.25) and gamma["differs_by_factor"]
    assert "Art. 17 statements are owed only" in gamma["likely_reasons"]
    assert "late filings: statements reach the database 40 days after" in gamma["likely_reasons"]
    assert notices.differing_platforms(table)["platform"].to_list() == ["Beta", "Gamma"]


def test_report_vs_database_on_the_shipped_data_names_the_coverage_gap(dataset):
    from dsa_explore.data import catalog

    table = notices.report_vs_database(
        dataset, notices.database_counts()
    )  # no store set: the shipped extract
    assert notices.database_counts().equals(notices.sor_counts(catalog.load("sor_marketplaces_daily")))
    ali_h1 = row(table, "AliExpress", date(2026, 1, 1))
    # the shipped extract ends 2026-01-10: 10 of the 181 days of H1 2026
    assert (ali_h1["days_covered"], ali_h1["days_in_period"]) == (10, 181)
    assert "cover 10 of 181 days" in ali_h1["likely_reasons"]
    ali = row(table, "AliExpress")
    # stated: 4_notices.csv line 2 (320562 + 73435) + 5 line 2 (2516646) + 6 line 2 (236256023)
    assert ali["stated_actions"] == 320_562 + 73_435 + 2_516_646 + 236_256_023
