"""Tests of the shipped statements-of-reasons extract and its queries, charts and briefing section.

Why these tests exist: the extract is the project's only real-scale SoR data and it is derived,
not downloaded, so it must (1) reproduce the totals published for the whole Transparency Database
(the reference figures are the shantay statistics' own totals and the Commission's SoR counts as
quoted in the project's TDB notes), (2) stay internally consistent (every single-valued field sums
to the SoR count of its platform-day), and (3) keep the documented v1→v2 harmonisation. The
builder is checked on a small hand-written source in the shantay layout with hand-computed
results, and the charts through ``to_dict()`` (fields, params), not pixels.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from dsa_explore.analysis import sor as stats
from dsa_explore.analysis import sor_view
from dsa_explore.briefing.sections import sor as sor_section
from dsa_explore.core import platforms
from dsa_explore.data import catalog
from dsa_explore.explore import sor as sor_explorer
from dsa_explore.sor import taxonomy


@pytest.fixture(scope="module")
def extract() -> pl.DataFrame:
    return stats.load_extract()


def _total(extract: pl.DataFrame, *, published: str | None = None, platform: str | None = None) -> int:
    rows = extract.filter(pl.col("measure") == "rows")
    if published:
        rows = rows.filter(pl.col("platform_published") == published)
    if platform:
        rows = rows.filter(pl.col("platform") == platform)
    return int(rows["count"].sum())


# ----------------------------------------------------------------------------- published totals


def test_aliexpress_total_is_the_published_figure(extract):
    assert _total(extract, platform="AliExpress") == 807_498_434


@pytest.mark.parametrize(
    ("published", "millions"),
    [
        ("Amazon Store", 555.9),
        ("Amazon", 225.6),
        ("Temu", 171.7),
        ("Vinted", 67.0),
        ("Joom", 26.4),
        ("eBay", 8.4),
    ],
)
def test_marketplace_totals_match_published_millions(extract, published, millions):
    assert round(_total(extract, published=published) / 1e6, 1) == millions


def test_shein_total_is_a_third_of_a_million(extract):
    assert round(_total(extract, platform="SHEIN") / 1e6, 2) == 0.33


def test_amazon_canonical_total_is_both_published_names(extract):
    assert _total(extract, platform="Amazon Store") == 555_912_350 + 225_618_733
    assert set(extract.filter(pl.col("platform") == "Amazon Store")["platform_published"].unique()) == {
        "Amazon",
        "Amazon Store",
    }


def test_first_days_of_temu_and_amazon_store(extract):
    first = stats.platform_totals(extract, by_published_name=True)
    by_name = {r["platform_published"]: r["first_day"] for r in first.iter_rows(named=True)}
    assert by_name["Temu"] == date(2024, 9, 24)
    assert by_name["Amazon Store"] == date(2024, 2, 21)
    assert by_name["AliExpress"] == date(2023, 9, 25)


def test_period_covered_is_2023_09_25_to_2026_01_10(extract):
    assert extract["date"].min() == date(2023, 9, 25)
    assert extract["date"].max() == date(2026, 1, 10)


@pytest.mark.parametrize(
    ("platform", "millions_per_day"), [("AliExpress", 1.64), ("Amazon Store", 0.79), ("Temu", 0.74)]
)
def test_h2_2025_mean_per_day_matches_published(extract, platform, millions_per_day):
    # The reference's "H2 2025 mean per day" spans 2025-07-01 to the end of the data (2026-01-10),
    # averaged over the days with SoRs.
    rows = extract.filter(
        pl.col("measure") == "rows",
        pl.col("platform") == platform,
        pl.col("date").is_between(date(2025, 7, 1), date(2026, 1, 10)),
    )
    assert round(rows["count"].sum() / rows.height / 1e6, 2) == millions_per_day


def test_aliexpress_negative_moderation_delays_match_published(extract):
    neg = extract.filter(pl.col("platform") == "AliExpress", pl.col("measure") == "moderation_delay_negative")
    assert neg["count"].sum() == 484_586


@pytest.mark.parametrize(
    ("published", "category", "percent"),
    [
        ("Amazon Store", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", 41.0),
        ("Amazon Store", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", 20.6),
        ("AliExpress", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", 45.1),
        ("AliExpress", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", 37.7),
        ("AliExpress", "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", 12.0),
    ],
)
def test_whole_period_category_split_matches_published(extract, published, category, percent):
    cats = extract.filter(pl.col("measure") == "category", pl.col("platform_published") == published)
    share = cats.filter(pl.col("variant") == category)["count"].sum() / cats["count"].sum()
    assert round(100 * share, 1) == percent


# ----------------------------------------------------------------------------- internal consistency


@pytest.mark.parametrize(
    "measure",
    [
        "category",
        "category_v2",
        "automated_decision",
        "automated_detection",
        "decision_ground",
        "source_type",
        "decision_type",
        "territorial_scope_kind",
    ],
)
def test_single_valued_measures_sum_to_the_sor_count_of_each_platform_day(extract, measure):
    rows = extract.filter(pl.col("measure") == "rows").select("date", "platform_published", rows="count")
    sums = (
        extract.filter(pl.col("measure") == measure)
        .group_by("date", "platform_published")
        .agg(n=pl.col("count").sum())
    )
    joined = rows.join(sums, on=["date", "platform_published"], how="full", coalesce=True).fill_null(0)
    assert joined.height == rows.height
    assert joined.filter(pl.col("rows") != pl.col("n")).height == 0


@pytest.mark.parametrize("delay", ["moderation_delay", "disclosure_delay"])
def test_delays_plus_negative_delays_account_for_every_sor(extract, delay):
    rows = extract.filter(pl.col("measure") == "rows").select("date", "platform_published", rows="count")
    sums = (
        extract.filter(pl.col("measure").is_in([delay, f"{delay}_negative"]))
        .group_by("date", "platform_published")
        .agg(n=pl.col("count").sum())
    )
    joined = rows.join(sums, on=["date", "platform_published"], how="left").fill_null(0)
    assert joined.filter(pl.col("rows") != pl.col("n")).height == 0


def test_harmonised_categories_hold_no_renamed_v1_values(extract):
    v2 = set(extract.filter(pl.col("measure") == "category_v2")["variant"].unique().to_list())
    assert "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS" not in v2
    assert "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE" not in v2
    assert v2 <= set(taxonomy.CATEGORIES_HARMONISED)
    published = set(extract.filter(pl.col("measure") == "category")["variant"].unique().to_list())
    assert "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS" in published  # the break is really in the data


def test_extract_has_one_row_per_key_and_no_zero_counts(extract):
    assert not extract.select("date", "platform_published", "measure", "variant").is_duplicated().any()
    assert extract["count"].min() > 0
    assert set(extract["measure"].unique().to_list()) <= set(stats.MEASURES)


def test_delay_columns_only_on_delay_measures(extract):
    with_days = extract.filter(pl.col("mean_days").is_not_null())
    assert set(with_days["measure"].unique().to_list()) == {"moderation_delay", "disclosure_delay"}
    # The source stores means as whole seconds (truncated), so a mean may sit a few seconds below the minimum.
    few_seconds = 3 / 86_400
    assert (with_days["min_days"] <= with_days["mean_days"] + few_seconds + 1e-12).all()
    assert (with_days["mean_days"] <= with_days["max_days"] + 1e-12).all()


def test_extract_is_small_enough_to_ship_and_records_its_provenance():
    ds = catalog.get(stats.EXTRACT_DATASET)
    assert ds.path.stat().st_size < 5 * 1024 * 1024
    meta = ds.meta
    assert meta["source_sha256"] == "2b255dd2d749744ca50704b55cc1bcd6910b3a9c4cbd0402549a1f71b36fb883"
    assert "https://doi.org/10.2906/134353607485211" in meta["source_urls"]
    assert "CC BY 4.0" in meta["licence"] and "Apache-2.0" in meta["licence"]
    assert "shantay 0.6.0" in meta["source"]


def test_every_focus_platform_is_in_the_extract(extract):
    present = set(extract["platform"].unique().to_list())
    assert set(stats.FOCUS_PLATFORMS) <= present
    assert set(platforms.KNOWN_PLATFORMS) <= present


# ----------------------------------------------------------------------------- builder on a hand-made source


def _source_rows() -> list[dict]:
    d1, d2 = date(2025, 6, 30), date(2025, 7, 1)
    r = []

    def add(day, platform, column, entity=None, variant=None, count=0, mn=None, mean=0, mx=None):
        r.append(
            {
                "start_date": day,
                "end_date": day,
                "tag": None,
                "platform": platform,
                "category": None,
                "column": column,
                "entity": entity,
                "variant": variant,
                "text": None,
                "count": count,
                "min": mn,
                "mean": mean,
                "max": mx,
            }
        )

    # Amazon (old name) on day 1: 10 SoRs in two batches of category counts, v1 categories.
    add(d1, "Amazon", "rows", count=10)
    add(d1, "Amazon", "category", variant="STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", count=4)
    add(d1, "Amazon", "category", variant="STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", count=2)
    add(d1, "Amazon", "category", variant="STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", count=4)
    add(d1, "Amazon", "category_specification", variant="KEYWORD_INSUFFICIENT_INFORMATION_TRADERS", count=3)
    add(d1, "Amazon", "automated_decision", variant="AUTOMATED_DECISION_FULLY", count=0)  # zero: left out
    add(d1, "Amazon", "automated_decision", variant="AUTOMATED_DECISION_PARTIALLY", count=10)
    add(d1, "Amazon", "decision_type", entity="vis", count=9)
    add(d1, "Amazon", "decision_type", entity="vis_acc", count=1)
    add(d1, "Amazon", "decision_type", entity="mon", count=0)
    # delays: two batches (6 SoRs mean 1 day, 2 SoRs mean 5 days) and 2 negative
    add(d1, "Amazon", "moderation_delay", count=6, mn=0, mean=86_400, mx=172_800)
    add(d1, "Amazon", "moderation_delay", count=2, mn=345_600, mean=432_000, mx=518_400)
    add(d1, "Amazon", "moderation_delay", entity="null_bc_negative", count=2)
    # territorial scope: 6 SoRs "EU", 3 with a list (4 elements), 1 without
    add(d1, "Amazon", "territorial_scope", variant="EU", count=6)
    add(d1, "Amazon", "territorial_scope", variant="DE", count=3)
    add(d1, "Amazon", "territorial_scope", variant="FR", count=1)
    add(d1, "Amazon", "territorial_scope", entity="rows_with_elements", count=9)
    add(d1, "Amazon", "territorial_scope", entity="elements", count=10)
    # Shein on day 2 (v2 category), and a platform outside the extract
    add(d2, "Shein", "rows", count=3)
    add(d2, "Shein", "category", variant="STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", count=3)
    add(d2, "TikTok", "rows", count=99)
    return r


_SOURCE_SCHEMA = {
    "start_date": pl.Date,
    "end_date": pl.Date,
    "tag": pl.String,
    "platform": pl.String,
    "category": pl.String,
    "column": pl.String,
    "entity": pl.String,
    "variant": pl.String,
    "text": pl.String,
    "count": pl.Int64,
    "min": pl.Int64,
    "mean": pl.Int64,
    "max": pl.Int64,
}


@pytest.fixture
def small_source(tmp_path):
    path = tmp_path / "stats.parquet"
    pl.DataFrame(_source_rows(), schema=_SOURCE_SCHEMA).write_parquet(path)
    return path


def _get(frame, measure, variant=None, platform="Amazon Store"):
    f = frame.filter(pl.col("platform") == platform, pl.col("measure") == measure)
    f = f.filter(pl.col("variant").is_null()) if variant is None else f.filter(pl.col("variant") == variant)
    assert f.height == 1, f
    return f.row(0, named=True)


def test_build_renames_sums_batches_and_harmonises(small_source, tmp_path):
    out = tmp_path / "extract.parquet"
    frame = stats.build_extract(small_source, out)
    assert out.exists() and pl.read_parquet(out).equals(frame)
    assert set(frame["platform"].unique().to_list()) == {"Amazon Store", "SHEIN"}  # TikTok not kept
    assert _get(frame, "rows")["count"] == 10
    assert _get(frame, "rows")["platform_published"] == "Amazon"
    assert _get(frame, "category", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS")["count"] == 6
    assert _get(frame, "category_v2", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS")["count"] == 6
    assert _get(frame, "category_v2", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC")["count"] == 4
    assert _get(frame, "keyword_v2", "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS")["count"] == 3
    assert frame.filter(pl.col("measure") == "automated_decision").height == 1  # the zero count is left out
    assert _get(frame, "decision_type", "vis_acc")["count"] == 1
    assert (
        _get(frame, "category_v2", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "SHEIN")["count"] == 3
    )


def test_build_combines_delay_batches_and_counts_negatives(small_source):
    frame = stats.build_extract(small_source)
    delay = _get(frame, "moderation_delay")
    assert delay["count"] == 8
    assert delay["mean_days"] == pytest.approx((6 * 1 + 2 * 5) / 8)
    assert delay["min_days"] == 0 and delay["max_days"] == 6
    assert _get(frame, "moderation_delay_negative")["count"] == 2


def test_build_derives_territorial_scope_kinds(small_source):
    frame = stats.build_extract(small_source)
    kinds = {
        r["variant"]: r["count"]
        for r in frame.filter(
            pl.col("measure") == "territorial_scope_kind", pl.col("platform") == "Amazon Store"
        ).iter_rows(named=True)
    }
    assert kinds == {"EU": 6, "other list": 3, "none": 1}


def test_build_refuses_unknown_categories(tmp_path):
    rows = _source_rows()
    rows.append({**rows[1], "variant": "STATEMENT_CATEGORY_MADE_UP"})
    path = tmp_path / "bad.parquet"
    pl.DataFrame(rows, schema=_SOURCE_SCHEMA).write_parquet(path)
    with pytest.raises(ValueError, match="STATEMENT_CATEGORY_MADE_UP"):
        stats.build_extract(path)


def test_build_refuses_non_daily_rows(tmp_path):
    rows = _source_rows()
    rows[0] = {**rows[0], "end_date": date(2025, 7, 2)}
    path = tmp_path / "weekly.parquet"
    pl.DataFrame(rows, schema=_SOURCE_SCHEMA).write_parquet(path)
    with pytest.raises(ValueError, match="not daily"):
        stats.build_extract(path)


# ----------------------------------------------------------------------------- queries


def test_sors_per_moderator_uses_internal_plus_external(extract):
    table = stats.sors_per_moderator(extract)
    ali = table.filter(pl.col("platform") == "AliExpress").row(0, named=True)
    assert ali["moderators"] == 986  # 111 internal + 875 external (AliExpress H2 2025 report)
    sors = extract.filter(
        pl.col("platform") == "AliExpress",
        pl.col("measure") == "rows",
        pl.col("date").is_between(date(2025, 7, 1), date(2025, 12, 31)),
    )["count"].sum()
    assert ali["sors_per_moderator"] == pytest.approx(sors / 986)
    assert ali["sors_per_moderator_per_day"] == pytest.approx(sors / 986 / 184)


def test_moderator_figures_agree_between_transparency_dataset_and_shipped_copy():
    shipped = stats.moderators_from_shipped(stats.load_reported())
    tidy = stats.moderators_from_transparency(catalog.load(stats.TRANSPARENCY_DATASET))
    joined = shipped.join(tidy, on="platform", how="left", suffix="_tidy")
    assert joined.height == 5
    assert (joined["moderators"] == joined["moderators_tidy"]).all()


def test_moderators_from_transparency_reads_totals_of_h2_2025_only():
    base = {"section": 9, "scope": "TOTAL", "source_url": "https://example.org/r.csv"}
    rows = [
        {
            **base,
            "platform": "AliExpress",
            "period_start": date(2025, 7, 1),
            "period_end": date(2025, 12, 31),
            "indicator": "moderators_internal",
            "value": 111.0,
        },
        {
            **base,
            "platform": "AliExpress",
            "period_start": date(2025, 7, 1),
            "period_end": date(2025, 12, 31),
            "indicator": "moderators_external",
            "value": 875.0,
        },
        {
            **base,
            "platform": "AliExpress",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "indicator": "moderators_external",
            "value": 1000.0,
        },
        {
            **base,
            "platform": "AliExpress",
            "period_start": date(2025, 7, 1),
            "period_end": date(2025, 12, 31),
            "indicator": "moderators_internal",
            "value": 7.0,
            "scope": "es",
        },
    ]
    got = stats.moderators_from_transparency(pl.DataFrame(rows))
    assert got.select("platform", "internal", "external", "moderators").rows() == [
        ("AliExpress", 111.0, 875.0, 986.0)
    ]


def test_platform_profile_months_add_up(extract):
    prof = stats.platform_profile(extract, "Temu", since=date(2025, 7, 1), until=date(2025, 12, 31))
    assert prof.height == 6
    assert (
        prof["sors"].sum()
        == extract.filter(
            pl.col("platform") == "Temu",
            pl.col("measure") == "rows",
            pl.col("date").is_between(date(2025, 7, 1), date(2025, 12, 31)),
        )["count"].sum()
    )
    assert prof["fully_automated"].is_between(0, 1).all()


def test_reported_dataset_rows_carry_source_urls():
    reported = stats.load_reported()
    assert reported["source_url"].str.starts_with("https://").all()
    ali = reported.filter(pl.col("platform") == "AliExpress")
    assert dict(zip(ali["metric"], ali["value"], strict=True))["own_initiative_tc"] == 236_256_023


def test_automation_shares_sum_to_one(extract):
    auto = stats.automation(extract, since=date(2025, 7, 1), until=date(2025, 12, 31))
    total = auto["fully"] + auto["partially"] + auto["not_automated"]
    assert ((total - 1).abs() < 1e-9).all()


def test_volumes_keep_every_sor(extract):
    weekly = stats.volumes(extract, "1w")
    assert weekly["sors"].sum() == extract.filter(pl.col("measure") == "rows")["count"].sum()
    assert weekly.height < 5000


# ----------------------------------------------------------------------------- charts and briefing


def _params(spec: dict) -> dict:
    found = {}

    def walk(node):
        if isinstance(node, dict):
            for p in node.get("params", []) or []:
                if isinstance(p, dict) and "name" in p:
                    found[p["name"]] = p
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


def test_volume_explorer_has_platform_menu_and_date_brush(extract):
    from dsa_explore.charts import sor as sor_charts

    weekly = stats.volumes(extract, "1w", platforms=list(stats.FOCUS_PLATFORMS))
    spec = sor_charts.volume_explorer(
        weekly, default_platform="Temu", platforms=list(stats.FOCUS_PLATFORMS)
    ).to_dict()
    params = _params(spec)
    menu, brush = params["platform_menu"], params["date_brush"]
    assert menu["bind"]["input"] == "select"
    assert menu["bind"]["options"][1:] == list(stats.FOCUS_PLATFORMS)
    assert menu["value"] == [{"platform": "Temu"}]
    assert brush["select"]["type"] == "interval" and brush["select"]["encodings"] == ["x"]
    detail = spec["vconcat"][0]["layer"][0]
    assert detail["encoding"]["x"]["field"] == "period"
    assert detail["encoding"]["x"]["scale"]["domain"] == {"param": "date_brush"}
    assert detail["encoding"]["y"]["field"] == "sors_per_day"
    assert detail["encoding"]["y"]["scale"]["type"] == "log"
    assert {"filter": {"param": "platform_menu"}} in detail["transform"]
    assert spec["title"]["text"] and spec["description"]
    assert len(json.dumps(spec)) < 300_000


def test_category_mix_chart_panels_and_menu(extract):
    from dsa_explore.charts import sor as sor_charts

    mix = stats.category_mix(extract, platforms=["AliExpress", "Temu"])
    spec = sor_charts.category_mix(mix, default_platform="Temu").to_dict()
    assert spec["facet"]["row"]["field"] == "taxonomy"
    assert spec["spec"]["encoding"]["color"]["field"] == "category"
    assert "category_platform" in _params(spec)
    assert spec["title"]["text"] and spec["description"]


@pytest.mark.parametrize(
    "builder",
    [
        "automation",
        "delay",
        "decision_type",
        "territorial",
        "source_type",
        "per_moderator",
        "reported_actions",
        "keyword_use",
    ],
)
def test_static_charts_have_title_description_and_fields(extract, builder):
    from dsa_explore.charts import sor as sor_charts

    h2 = {"since": date(2025, 7, 1), "until": date(2025, 12, 31), "platforms": list(stats.FOCUS_PLATFORMS)}
    chart = {
        "automation": lambda: sor_charts.automation_chart(stats.automation(extract, **h2)),
        "delay": lambda: sor_charts.delay_chart(stats.delays(extract, **h2)),
        "decision_type": lambda: sor_charts.decision_type_chart(stats.shares(extract, "decision_type", **h2)),
        "territorial": lambda: sor_charts.territorial_chart(
            stats.shares(extract, "territorial_scope_kind", **h2)
        ),
        "source_type": lambda: sor_charts.source_type_chart(stats.shares(extract, "source_type", **h2)),
        "per_moderator": lambda: sor_charts.per_moderator_chart(stats.sors_per_moderator(extract)),
        "reported_actions": lambda: sor_charts.reported_actions_chart(stats.reported_actions_long(extract)),
        "keyword_use": lambda: sor_charts.keyword_use_chart(stats.keyword_use(extract, **h2)),
    }[builder]()
    spec = chart.to_dict()
    assert spec["title"]["text"] and spec["description"]
    text = json.dumps(spec)
    assert '"field": "platform"' in text


@pytest.mark.parametrize("platform", platforms.KNOWN_PLATFORMS)
def test_briefing_section_for_every_known_platform(platform):
    from dsa_explore.briefing.model import Section

    section = sor_section.section(platform)
    assert isinstance(section, Section)
    keys = {f.key for f in section.facts}
    for sentence in section.sentences:
        for key in __import__("re").findall(r"\{([a-zA-Z0-9_]+)\}", sentence):
            assert key in keys
    assert {"sor_h2_total", "sor_h2_fully_automated", "sor_h2_mean_delay", "sor_h2_per_moderator"} <= keys
    assert all(f.source.dataset or f.source.url for f in section.facts)
    spec = section.chart.to_dict()
    assert {"platform_menu", "date_brush"} <= set(_params(spec))
    assert _params(spec)["platform_menu"]["value"] == [{"platform": platform}]
    assert len(json.dumps(spec)) < 300_000
    assert not section.synthetic


def test_briefing_section_aliexpress_figures_are_h2_2025(extract):
    section = sor_section.section("aliexpress")
    sors = extract.filter(
        pl.col("platform") == "AliExpress",
        pl.col("measure") == "rows",
        pl.col("date").is_between(date(2025, 7, 1), date(2025, 12, 31)),
    )["count"].sum()
    assert section.fact("sor_h2_total").value == sors
    assert section.fact("sor_h2_moderators").value == 986
    assert section.fact("sor_h2_moderators").source.url.startswith("https://")
    assert section.fact("sor_h2_keywords_per_100").value == 0
    assert any("None of these SoRs gives a keyword" in s for s in section.sentences)
    temu = sor_section.section("temu")
    assert temu.fact("sor_h2_keywords_per_100").value == pytest.approx(100.0)
    assert not any("None of these SoRs" in s for s in temu.sentences)


def test_briefing_section_says_no_data_for_a_platform_without_sors(monkeypatch, extract):
    without = sor_view.SorView(extract.filter(pl.col("platform") != "Zalando"), None)
    monkeypatch.setattr(sor_section.sor_view, "load", lambda store=None: without)
    section = sor_section.section("Zalando")
    assert section.facts == []
    assert section.sentences == [
        "No statements of reasons for Zalando in the Transparency Database extract "
        "(2023-09-25 to 2026-01-10)."
    ]


def test_section_renders_in_the_briefing_with_footnotes():
    from dsa_explore.briefing.build import Briefing

    briefing = Briefing("AliExpress", sections=(sor_section,))
    text = briefing.section_html("sor")
    assert "307.0 million" in text and "311,373" in text and '<sup><a href="#src-' in text
    sources = briefing.sources_html()
    assert "sor_marketplaces_daily" in sources and "https://" in sources


def test_source_account_covers_every_source_row(small_source):
    account = stats.source_account(small_source)
    by_reason = dict(account.group_by("reason").agg(pl.col("rows").sum()).iter_rows())
    assert sum(by_reason.values()) == len(_source_rows())
    assert by_reason == {
        "used": 17,
        "used (zero count, not stored)": 2,
        "other platform": 1,
        "statistic not extracted": 1,
    }


def test_month_end_handles_december_and_leap_years():
    assert stats.month_end(date(2025, 12, 1)) == date(2025, 12, 31)
    assert stats.month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert stats.month_end(date(2025, 2, 1)) == date(2025, 2, 28)


def test_explorer_wires_a_platform_menu_and_a_month_range():
    extract = stats.load_extract()
    box = sor_explorer.explorer(extract, "Temu")
    menu, period, _ = box.children
    assert menu.value == "Temu" and "AliExpress" in menu.options
    assert period.index == (0, len(period.options) - 1)


# ----------------------------------------------------------------------------- keywords


def _tiny_extract() -> pl.DataFrame:
    """Return three platforms over three days, written by hand.

    A files 10 + 10 + 10 SoRs and never a keyword; B files 4 + 4 + 2 with keywords on days 2 and 3
    only (one SoR on day 3 carries two); C files keywords that day as v1 and v2 names.
    """
    d1, d2, d3 = date(2025, 7, 1), date(2025, 7, 2), date(2025, 7, 3)
    rows = [
        (d1, "A", "rows", None, 10),
        (d2, "A", "rows", None, 10),
        (d3, "A", "rows", None, 10),
        (d1, "B", "rows", None, 4),
        (d2, "B", "rows", None, 4),
        (d3, "B", "rows", None, 2),
        (d2, "B", "keyword", "KEYWORD_UNSAFE_PRODUCTS", 3),
        (d2, "B", "keyword_v2", "KEYWORD_UNSAFE_PRODUCTS", 3),
        (d3, "B", "keyword", "KEYWORD_UNSAFE_PRODUCTS", 2),
        (d3, "B", "keyword_v2", "KEYWORD_UNSAFE_PRODUCTS", 2),
        (d3, "B", "keyword", "KEYWORD_TRADEMARK_INFRINGEMENT", 1),
        (d3, "B", "keyword_v2", "KEYWORD_TRADEMARK_INFRINGEMENT", 1),
        (d1, "C", "rows", None, 5),
        (d1, "C", "keyword", "KEYWORD_OTHER", 5),
        (d1, "C", "keyword_v2", "KEYWORD_OTHER", 5),
    ]
    return pl.DataFrame(
        rows,
        schema={
            "date": pl.Date,
            "platform": pl.String,
            "measure": pl.String,
            "variant": pl.String,
            "count": pl.Int64,
        },
        orient="row",
    )


def test_keyword_use_counts_keywords_per_100_sors_and_platforms_without_any():
    got = {r["platform"]: r for r in stats.keyword_use(_tiny_extract()).iter_rows(named=True)}
    assert (got["A"]["sors"], got["A"]["keywords"], got["A"]["keywords_per_100_sors"], got["A"]["kinds"]) == (
        30,
        0,
        0.0,
        0,
    )
    assert got["A"]["first_day"] is None
    assert (got["B"]["sors"], got["B"]["keywords"], got["B"]["kinds"]) == (10, 6, 2)
    assert got["B"]["keywords_per_100_sors"] == pytest.approx(60.0)
    assert (got["B"]["first_day"], got["B"]["last_day"]) == (date(2025, 7, 2), date(2025, 7, 3))
    assert got["C"]["keywords_per_100_sors"] == pytest.approx(100.0)
    # a window and a platform filter: day 3 of B only
    day3 = stats.keyword_use(_tiny_extract(), since=date(2025, 7, 3), platforms=["B"]).row(0, named=True)
    assert (day3["sors"], day3["keywords"], day3["keywords_per_100_sors"]) == (2, 3, 150.0)


def test_keyword_use_on_the_extract_aliexpress_never_gives_a_keyword(extract):
    use = {
        r["platform"]: r
        for r in stats.keyword_use(extract, platforms=["AliExpress", "Temu", "eBay"]).iter_rows(named=True)
    }
    assert use["AliExpress"]["sors"] == 807_498_434 and use["AliExpress"]["keywords"] == 0  # published total
    # Temu and eBay give keywords from the v2 taxonomy's first day on
    assert use["Temu"]["first_day"] == use["eBay"]["first_day"] == date(2025, 7, 1)
    h2 = stats.keyword_use(extract, since=date(2025, 7, 1), until=date(2025, 12, 31), platforms=["Temu"]).row(
        0, named=True
    )
    assert h2["keywords"] == h2["sors"]  # one keyword with every Temu SoR of H2 2025


def test_extract_matches_every_shipped_published_total(extract):
    # data/tdb/published-totals.csv holds 7 published figures (typed from the TDB's published totals)
    check = stats.published_totals_check(extract)
    assert check.height == 7 and check["matches"].all(), check.filter(~pl.col("matches"))
    temu = check.filter(pl.col("platform_published") == "Temu").row(0, named=True)
    assert temu["first_day"].isoformat() == "2024-09-24"
