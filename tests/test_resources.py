"""Moderation-capacity ratios must match the published inputs, computed by hand.

The briefing states "moderators per million users" and "users per moderator with the language";
these tests recompute them from the published figures (not from the code under test), check the
language rule on a small hand-made table, the "no moderator" handling, the charts' Vega-Lite JSON
(fields, log scales, bound params that survive HTML export) and the briefing section for every
known platform.
"""

from __future__ import annotations

import json
import re
from datetime import date

import polars as pl
import pytest

from dsa_explore.analysis import languages, resources
from dsa_explore.briefing.model import Section
from dsa_explore.briefing.sections import resources as resources_section
from dsa_explore.charts import resources as rc
from dsa_explore.core import formatting, platforms
from dsa_explore.explore.resources import explorer_view


@pytest.fixture(scope="module")
def cap():
    return resources.capacity()


@pytest.fixture(scope="module")
def cov():
    return resources.language_coverage()


def row(frame, **where):
    expr = pl.lit(True)
    for k, v in where.items():
        expr = expr & (pl.col(k) == v)
    rows = frame.filter(expr)
    assert rows.height == 1, f"{where}: {rows.height} rows"
    return rows.row(0, named=True)


# ---------------------------------------------------------------------------------------------- languages


def test_language_table_covers_27_states_24_languages_and_shares_sum_to_one():
    shares = languages.language_shares()
    assert shares["country"].n_unique() == 27
    assert sorted(shares["language"].unique()) == sorted(languages.EU_LANGUAGES)
    sums = shares.group_by("country").agg(pl.col("share").sum())
    assert sums["share"].to_list() == pytest.approx([1.0] * 27)
    assert shares["source_url"].str.starts_with("https://").all()


def test_users_by_language_splits_multilingual_states_by_hand():
    amar = pl.DataFrame(
        {
            "scope": ["TOTAL", "BE", "LU", "EL", "ES", "IE"],
            "value": [9999.0, 1000.0, 100.0, 50.0, 300.0, 1000.0],
        }
    )
    out = languages.users_by_language(amar)
    users = dict(zip(out["language"], out["users"], strict=True))
    assert users["nl"] == pytest.approx(590.0)
    assert users["fr"] == pytest.approx(403.0 + 50.0)  # BE 0.403 + LU 0.5
    assert users["de"] == pytest.approx(7.0 + 50.0)  # BE 0.007 + LU 0.5
    assert users["el"] == pytest.approx(50.0)  # EL read as Greece
    assert users["es"] == pytest.approx(300.0)
    assert users["en"] == pytest.approx(986.0) and users["ga"] == pytest.approx(14.0)
    assert users["pl"] == 0.0 and "PL" in row(out, language="pl")["countries_missing"]
    assert sum(users.values()) == pytest.approx(2450.0)  # TOTAL ignored, nothing lost or doubled
    assert out.height == 24


def test_users_by_language_keeps_groups_and_ranges():
    amar = pl.DataFrame(
        {
            "platform": ["A", "A", "B"],
            "scope": ["DE", "FI", "DE"],
            "value": [10.0, 100.0, 5.0],
            "value_low": [8.0, None, None],
            "value_high": [12.0, None, None],
        }
    )
    out = languages.users_by_language(amar)
    assert row(out, platform="A", language="de")["users_low"] == pytest.approx(8.0)
    assert row(out, platform="A", language="de")["users_high"] == pytest.approx(12.0)
    assert row(out, platform="A", language="sv")["users"] == pytest.approx(5.7)
    assert row(out, platform="B", language="de")["users"] == pytest.approx(5.0)


# ---------------------------------------------------------------------------------------------- ratios


def test_aliexpress_h2_2025_b2_moderators_per_million_users(cap):
    r = row(cap, platform="AliExpress", period="H2 2025")
    assert r["moderators_b2"] == 986 and r["users"] == 181_892_221
    assert r["per_million_b2"] == pytest.approx(986 / 181.892221)
    assert round(r["per_million_b2"], 1) == 5.4
    assert r["per_million_total"] == pytest.approx((111 + 875) / 181.892221)
    assert r["per_million_internal"] == pytest.approx(111 / 181.892221)
    assert r["notices_per_moderator"] == pytest.approx(701_165 / 986)
    assert r["automated_share"] == pytest.approx(223_637_581 / (223_637_581 + 1_636_286))
    assert r["accuracy"] == pytest.approx(0.9531)
    assert r["users_source"].startswith("https://") and r["moderators_source"].startswith("https://")


def test_aliexpress_spanish_users_per_spanish_speaking_moderator(cov):
    es = row(cov, platform="AliExpress", period="H2 2025", language="es")
    assert es["users"] == pytest.approx(36_305_598)  # Spain only: Spanish is official nowhere else
    assert es["moderators"] == 3
    assert es["users_per_moderator"] == pytest.approx(36_305_598 / 3)  # about 12.1 million
    assert es["label"] == "12.1 M"
    fr = row(cov, platform="AliExpress", period="H2 2025", language="fr")
    # France + 40.3% of Belgium + half of Luxembourg (published AMAR of AliExpress, H2 2025)
    assert fr["users"] == pytest.approx(34_965_035 + 0.403 * 4_767_847 + 0.5 * fr_lu_users())
    assert fr["users_per_moderator"] == pytest.approx(fr["users"] / 2)


def fr_lu_users() -> float:
    frame = resources.reports()
    return frame.filter(
        (pl.col("platform") == "AliExpress")
        & (pl.col("indicator") == "amar")
        & (pl.col("scope") == "LU")
        & (pl.col("period_start") == date(2025, 7, 1))
    )["value"][0]


def test_languages_without_moderator_are_called_out_not_divided_by_zero(cov):
    it = row(cov, platform="AliExpress", period="H2 2025", language="it")
    assert it["status"] == "no moderator" and it["moderators"] == 0
    assert it["users_per_moderator"] is None and it["label"] == "no moderator"
    assert it["moderators_per_million"] == 0.0
    assert "not listed" in it["moderators_how"]
    # a platform without user figures gets no ratio at all
    gp = cov.filter(pl.col("platform") == "Google Play")
    assert set(gp["status"]) == {"no user figures"} and gp["users_per_moderator"].null_count() == gp.height


def test_amazon_languages_by_hand(cov):
    de = row(cov, platform="Amazon Store", period="H2 2025", language="de")
    # Germany + Austria + 0.7% of Belgium + half of Luxembourg, per 193 German-speaking moderators
    users = 53_667_830 + 5_186_691 + 0.007 * 5_990_064 + 0.5 * 488_220
    assert de["users"] == pytest.approx(users)
    assert de["users_per_moderator"] == pytest.approx(users / 193)
    assert de["moderators_per_million"] == pytest.approx(193 / users * 1e6)


def test_booking_users_come_from_the_member_state_ranges(cap):
    r = row(cap, platform="Booking.com", period="H2 2025")
    assert "bound" in r["users_how"] and "45000000" in r["users_how"]
    frame = resources.reports()
    countries = frame.filter(
        (pl.col("platform") == "Booking.com")
        & (pl.col("indicator") == "amar")
        & (pl.col("scope") != "TOTAL")
        & (pl.col("period_start") == date(2025, 7, 1))
    )
    lows, highs = countries["value_low"].sum(), countries["value_high"].sum()
    assert r["users"] == pytest.approx((lows + highs) / 2)
    assert r["per_million_total"] == pytest.approx((15 + 33) / r["users"] * 1e6)


def test_changes_between_periods(cap):
    ch = resources.changes(cap)
    r = row(ch, platform="AliExpress", measure="per_million_total")
    before, after = 986 / 181.892221, 1110 / 157.643436
    assert r["H2 2025"] == pytest.approx(before) and r["H1 2026"] == pytest.approx(after)
    assert r["change"] == pytest.approx(after - before)
    assert r["change_relative"] == pytest.approx(after / before - 1)
    assert row(ch, platform="SHEIN", measure="users")["H1 2026"] is None


def test_formatting():
    assert formatting.count_short(181_892_221) == "181.9 M"
    assert formatting.count_short(306_427) == "306 k"
    assert formatting.count_short(986) == "986"
    assert formatting.count_short(5.98) == "5.98"
    assert formatting.ratio(5.4208) == "5.4" and formatting.ratio(0.2223) == "0.22"


# ---------------------------------------------------------------------------------------------- charts


def test_dot_plot_has_log_x_platform_selector_bound_to_a_select(cap):
    spec = rc.moderators_dot_plot(cap).to_dict()
    assert spec["encoding"]["x"]["field"] == "per_million_total"
    assert spec["encoding"]["x"]["scale"]["type"] == "log"
    assert spec["encoding"]["shape"]["field"] == "period"
    (param,) = spec["params"]
    assert param["bind"]["input"] == "select" and param["bind"]["options"][0] is None
    assert "AliExpress" in param["bind"]["options"]
    assert spec["title"]["text"] and spec["description"]


def test_heatmap_uses_log_colour_and_a_distinct_no_moderator_layer(cov):
    spec = rc.language_heatmap(cov, period="H2 2025").to_dict()
    layers = spec["layer"]
    colour = next(layer["encoding"]["color"] for layer in layers if "color" in layer.get("encoding", {}))
    assert colour["field"] == "users_per_moderator" and colour["scale"]["type"] == "log"
    marks = [layer["mark"] for layer in layers]
    from dsa_explore.charts import theme

    assert any(isinstance(m, dict) and m.get("color") == theme.MISSING_COLOUR for m in marks)
    assert any("no moderator" in json.dumps(layer.get("transform", [])) for layer in layers)
    data = spec["datasets"][next(iter(spec["datasets"]))]
    assert {d["status"] for d in data} >= {"covered", "no moderator"}


def test_language_gap_chart_compares_two_platforms_with_a_period_param(cov):
    spec = rc.language_gap_chart(cov).to_dict()
    (param,) = spec["params"]
    assert param["name"] == "period_pick" and param["bind"]["input"] == "select"
    assert param["bind"]["options"] == ["H2 2025", "H1 2026"]
    data = spec["datasets"][next(iter(spec["datasets"]))]
    assert {d["platform"] for d in data} == {"AliExpress", "Amazon Store"}
    nl = [
        d
        for d in data
        if d["platform"] == "AliExpress" and d["language"] == "nl" and d["period"] == "H2 2025"
    ]
    assert nl[0]["coverage"] == "no moderator"
    assert spec["hconcat"][0]["encoding"]["x"]["scale"]["type"] == "log"


# ---------------------------------------------------------------------------------------------- widgets


def test_explorer_view_puts_languages_without_moderator_first(cov):
    view = explorer_view(cov, "AliExpress", "H2 2025")
    assert view["status"][0] == "no moderator"
    covered = view.filter(pl.col("status") == "covered")["users_per_moderator"].to_list()
    assert covered == sorted(covered, reverse=True)
    gaps = explorer_view(cov, "AliExpress", "H2 2025", only_gaps=True)
    assert set(gaps["status"]) == {"no moderator"}
    with pytest.raises(ValueError):
        explorer_view(cov, "AliExpress", "H2 2025", sort="nonsense")


# ---------------------------------------------------------------------------------------------- briefing


@pytest.mark.parametrize("platform", platforms.KNOWN_PLATFORMS)
def test_briefing_section_for_every_known_platform(platform):
    section = resources_section.section(platform)
    assert isinstance(section, Section) and section.title and section.caveats
    keys = {f.key for f in section.facts}
    for sentence in section.sentences:
        for key in re.findall(r"\{([a-zA-Z0-9_]+)\}", sentence):
            assert key in keys, f"{sentence!r} cites unknown fact {key}"
    for fact in section.facts:
        assert fact.source.url or fact.source.dataset, fact.key
        assert fact.source.text()
    if section.chart is not None:
        assert len(json.dumps(section.chart.to_dict())) < 300_000


def test_briefing_section_aliexpress_headline_numbers():
    section = resources_section.section("AliExpress")
    facts = {f.key: f for f in section.facts}
    assert facts["period"].value == "H1 2026"
    assert facts["per_million"].value == pytest.approx(1110 / 157.643436)
    assert facts["prev_per_million"].text == "5.4"
    assert facts["users"].source.url.startswith("https://github.com/krMaynard/")
    assert facts["gap_language"].value == "Spanish"
    assert facts["n_no_moderator"].value == 18
    assert facts["cmp_per_million"].value == pytest.approx(1832 / 193.929458)


def test_briefing_section_without_data_says_so():
    section = resources_section.section("Google Play")
    assert section.facts == [] and "No data for Google Play" in section.sentences[0]


def test_section_renders_in_the_briefing_with_numbered_sources():
    from dsa_explore.briefing.build import Briefing

    b = Briefing("AliExpress", sections=(resources_section,))
    text = b.section_html("resources")
    assert "moderators per million users" in text and '<sup><a href="#src-' in text
    sources = b.sources_html()
    assert "https://github.com/krMaynard/" in sources and "transparency_marketplace_reports" in sources
    assert b.chart_count() == 1
