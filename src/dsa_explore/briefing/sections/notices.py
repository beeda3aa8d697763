"""Briefing section: notices and actions (speed on illegal-product notices, reversals, repeat offenders)."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import notices
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts import notices as nc
from dsa_explore.core import formatting, platforms

#: The key of this section in the briefing (``Briefing.show("notices")``, HTML anchor).
KEY = "notices"
CATEGORY = "Illegal or unsafe products"
CAVEATS = [
    "All figures are self-reported by the platforms in their DSA transparency reports (tables 4, 7, 9 "
    "and 10) and unaudited; what counts as a notice, an action or a suspended recipient is each "
    "platform's definition.",
    "A median time says nothing about the slowest notices; a blank median is not zero.",
    "The share reversed divides complaints whose decision was reversed by all complaints, pending "
    "ones included.",
]


def _source(platform: str, period: str, what: str, where: str | None, url: str | None) -> Source:
    """Return a fact's source: the published file (URL) and the file and line the figure was read from."""
    label = f"{platform} DSA transparency report {period}, {what}" + (f" ({where})" if where else "")
    if url:
        return Source(label=label, url=url)
    return Source.from_dataset("transparency_marketplace_reports", note=label)


def _period(ratios: pl.DataFrame, platform: str) -> dict | None:
    rows = ratios.filter((pl.col("platform") == platform) & pl.col("notices").is_not_null())
    return rows.sort("period_start").row(-1, named=True) if rows.height else None


def _speed(median: pl.DataFrame, platform: str, period: str) -> tuple[list[Fact], list[str]]:
    rows = median.filter(
        (pl.col("platform") == platform)
        & (pl.col("period") == period)
        & (pl.col("category") == CATEGORY)
        & pl.col("median_hours").is_not_null()
    )
    if rows.is_empty():
        return [], [
            f"{platform} reports no median time to act on notices about illegal or unsafe products for "
            f"{period}."
        ]
    r = rows.row(0, named=True)
    others = median.filter(
        (pl.col("period") == period)
        & (pl.col("category") == CATEGORY)
        & (pl.col("platform") != platform)
        & pl.col("median_hours").is_not_null()
    )
    src = _source(platform, period, "table 4, unsafe and prohibited products", r["source"], r["source_url"])
    facts = [
        Fact(
            "median_hours",
            "median hours to act on notices about illegal or unsafe products",
            r["median_hours"],
            formatting.count(r["median_hours"]),
            src,
        ),
        Fact(
            "category_notices",
            "notices about illegal or unsafe products",
            r["notices"],
            formatting.count(r["notices"]),
            src,
        ),
    ]
    faster = others.filter(pl.col("median_hours") < r["median_hours"]).height
    facts.append(
        Fact(
            "faster",
            "marketplaces reporting a shorter median",
            faster,
            str(faster),
            Source.from_dataset(
                "transparency_marketplace_reports",
                note=f"table 4 medians of {others.height + 1} marketplaces, {period}",
            ),
        )
    )
    return facts, [
        Sentence(
            "In {period} " + platform + " reports a median of {median_hours} hours to act on the "
            "{category_notices} notices about illegal or unsafe products it received; {faster} of "
            f"the {others.height} other marketplaces with a figure report a shorter median.",
            summary=True,
        )
    ]


def _appeals(r: dict, platform: str, period: str) -> tuple[list[Fact], list[str]]:
    facts, sentences = [], []
    if r["share_reversed"] is not None:
        src = _source(
            platform,
            period,
            "table 7, internal complaints and decisions reversed",
            f"{r['complaints_source']}; {r['complaints_reversed_source']}",
            r["complaints_url"],
        )
        facts += [
            Fact(
                "complaints", "internal complaints", r["complaints"], formatting.count(r["complaints"]), src
            ),
            Fact(
                "share_reversed",
                "share of complaints whose decision was reversed",
                r["share_reversed"],
                formatting.pct(r["share_reversed"]),
                src,
            ),
        ]
        sentences.append(
            Sentence(
                "Of its {complaints} internal complaints, {share_reversed} ended with the decision reversed.",
                summary=True,
            )
        )
    if r["suspensions_per_million_users"] is not None:
        src = _source(
            platform,
            period,
            "table 7, Art. 23 suspensions for manifestly illegal content, and table 10, users",
            f"{r['suspensions_illegal_content_source']}; {r['users_source']}",
            r["suspensions_illegal_content_url"],
        )
        facts += [
            Fact(
                "suspensions",
                "Art. 23 suspensions for manifestly illegal content",
                r["suspensions_illegal_content"],
                formatting.count(r["suspensions_illegal_content"]),
                src,
            ),
            Fact(
                "suspensions_per_million",
                "suspensions per million users",
                r["suspensions_per_million_users"],
                formatting.ratio(r["suspensions_per_million_users"]),
                src,
            ),
        ]
        sentences.append(
            "It suspended {suspensions} repeat offenders for manifestly illegal content, "
            "{suspensions_per_million} per million users."
        )
    return facts, sentences


def section(platform: str) -> Section:
    """Return the briefing section on notices and actions for ``platform``.

    Headline: the median time to act on notices about illegal or unsafe products (against the
    other marketplaces), the share of complaints that reversed the decision and the Art. 23
    suspensions per million users, every number a Fact citing the published file and the file and
    line it was read from; key chart: median hours by notice category, with a category drop-down
    that works in exported HTML.
    """
    platform = platforms.resolve(platform)
    data = notices.load()
    ratios = notices.ratios(data)
    median = notices.median_time_by_category(data)
    title = "Notices and actions: speed, reversals, repeat offenders"
    r = _period(ratios, platform)
    if r is None:
        return Section(
            key=KEY,
            title=title,
            caveats=CAVEATS,
            sentences=[
                f"No data for {platform} in the shipped transparency reports (no notice figures "
                "for H2 2025 or H1 2026)."
            ],
        )
    period = r["period"]
    facts = [
        Fact(
            "period",
            "reporting period",
            period,
            period,
            Source.from_dataset("transparency_marketplace_reports", note="reporting periods"),
        )
    ]
    speed_facts, sentences = _speed(median, platform, period)
    appeal_facts, appeal_sentences = _appeals(r, platform, period)
    chart = nc.median_hours_chart(median, highlight=platform)
    return Section(
        key=KEY,
        title=title,
        sentences=[*sentences, *appeal_sentences],
        facts=[*facts, *speed_facts, *appeal_facts],
        chart=chart,
        caption=f"Median hours from a notice to the action, per marketplace and period ({platform} "
        "highlighted); choose the notice category with the selector. Hover a dot for the "
        "notices, the moderators and the file and line of the figure.",
        caveats=CAVEATS,
    )
