"""Briefing section: content moderators per million users and the language gaps."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis.resources import capacity, language_coverage
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts import resources as rc
from dsa_explore.core import formatting, platforms
from dsa_explore.readers import transparency

#: The key of this section in the briefing (``Briefing.show("resources")``, HTML anchor).
KEY = "resources"


def _latest(cap: pl.DataFrame, platform: str) -> dict | None:
    rows = cap.filter((pl.col("platform") == platform) & pl.col("per_million_total").is_not_null())
    if rows.is_empty():
        return None
    return rows.sort("period_start").row(-1, named=True)


def _url_source(label: str, urls: str | None) -> Source:
    first = (urls or "").split(" ")[0] or None
    if first is None:
        return Source.from_dataset(transparency.DATASET, note=label)
    return Source(label=label, url=first)


def section(platform: str) -> Section:
    """Return the briefing section on moderation resources for ``platform``.

    Headline: moderators per million users and the language gaps, every number a Fact citing the
    published file (URL) or the shipped dataset; key chart: users per moderator language by
    language against a comparator (Amazon Store, or AliExpress for Amazon Store), with a period
    selector that works in exported HTML.
    """
    try:
        platform = platforms.resolve(platform)
    except ValueError:
        if platform not in transparency.MARKETPLACES:
            raise
    cap = capacity()
    cov = language_coverage()
    caveats = [
        "All figures are self-reported by the platforms in their DSA transparency reports and unaudited.",
        "Moderator counts are full-time equivalents for most platforms; definitions of internal and external "
        "moderators differ, and a multilingual moderator counts once in each language.",
        "Users per language split each member state's users over its official EU languages (shipped table "
        "`member_state_languages`); English counts only where it is official (Ireland, Malta).",
    ]
    title = "Moderation resources: moderators per user, language by language"
    latest = _latest(cap, platform)
    if latest is None:
        return Section(
            key="resources",
            title=title,
            sentences=[
                f"No data for {platform} in the shipped "
                "transparency reports (no moderator and user figures for H2 2025 or H1 2026)."
            ],
            caveats=caveats,
        )
    period = latest["period"]
    ds = transparency.DATASET
    facts = [
        Fact("period", "reporting period", period, period, Source.from_dataset(ds, note="reporting periods")),
        Fact(
            "moderators",
            "content moderators (internal + external)",
            latest["moderators_total"],
            formatting.count_short(latest["moderators_total"]),
            _url_source("human resources (section 9)", latest["moderators_source"]),
        ),
        Fact(
            "users",
            "average monthly active recipients in the EU",
            latest["users"],
            formatting.count_short(latest["users"]),
            _url_source("average monthly active recipients (section 10)", latest["users_source"]),
            uncertainty=None if latest["users_how"] == "AMAR, EU total" else latest["users_how"],
        ),
        Fact(
            "per_million",
            "moderators per million users",
            latest["per_million_total"],
            formatting.ratio(latest["per_million_total"]),
            Source.from_dataset(ds, note=f"moderators / users, {platform} {period}"),
        ),
    ]
    sentences = [
        Sentence(
            "In {period} " + platform + " reported {moderators} content moderators for {users} average "
            "monthly users in the EU: {per_million} moderators per million users.",
            summary=True,
        )
    ]
    if latest["per_million_b2"] is not None:
        facts.append(
            Fact(
                "per_million_b2",
                "moderators with B2 language skill per million users",
                latest["per_million_b2"],
                formatting.ratio(latest["per_million_b2"]),
                Source.from_dataset(ds, note=f"B2 moderators / users, {platform} {period}"),
            )
        )
        facts.append(
            Fact(
                "b2",
                "moderators with sufficient linguistic expertise (B2)",
                latest["moderators_b2"],
                formatting.count_short(latest["moderators_b2"]),
                _url_source("human resources (section 9)", latest["moderators_b2_source"]),
            )
        )
        sentences[0] = Sentence(
            sentences[0][:-1] + " ({b2} with B2 language skill, {per_million_b2} per million).", summary=True
        )
    prev = cap.filter(
        (pl.col("platform") == platform)
        & (pl.col("period") != period)
        & (pl.col("period_start") < latest["period_start"])
        & pl.col("per_million_total").is_not_null()
    )
    if not prev.is_empty():
        p = prev.sort("period_start").row(-1, named=True)
        facts += [
            Fact(
                "prev_per_million",
                f"moderators per million users, {p['period']}",
                p["per_million_total"],
                formatting.ratio(p["per_million_total"]),
                Source.from_dataset(ds, note=f"moderators / users, {platform} {p['period']}"),
            ),
            Fact(
                "prev_period",
                "previous reporting period",
                p["period"],
                p["period"],
                Source.from_dataset(ds, note="reporting periods"),
            ),
        ]
        sentences.append("In {prev_period} the ratio was {prev_per_million}.")
    lang = cov.filter((pl.col("platform") == platform) & (pl.col("period") == period))
    covered = lang.filter(pl.col("status") == "covered")
    nomod = lang.filter(pl.col("status") == "no moderator").sort("users", descending=True)
    if covered.is_empty() and nomod.is_empty():
        sentences.append(
            platform + " did not break its moderators down by language for this period, or "
            "published no users per member state, so the language gap cannot be computed."
        )
    else:
        worst = (
            covered.sort("users_per_moderator", descending=True).row(0, named=True)
            if not covered.is_empty()
            else None
        )
        src_lang = Source.from_dataset(
            ds,
            note=f"users of the language / moderators with the language, {platform} "
            f"{period}; users split by the shipped table member_state_languages",
        )
        if worst is not None:
            facts += [
                Fact(
                    "gap_language",
                    "language with the most users per moderator",
                    worst["language_name"],
                    worst["language_name"],
                    src_lang,
                ),
                Fact(
                    "gap_ratio",
                    "users per moderator with that language",
                    worst["users_per_moderator"],
                    formatting.count_short(worst["users_per_moderator"]),
                    src_lang,
                ),
                Fact(
                    "gap_moderators",
                    "moderators with that language",
                    worst["moderators"],
                    formatting.count_short(worst["moderators"]),
                    _url_source("human resources (section 9)", worst["moderators_source"]),
                ),
            ]
            sentences.append(
                Sentence(
                    "Language by language, the largest gap among covered languages is "
                    "{gap_language}: {gap_ratio} users per moderator with the language "
                    "(moderators with it: {gap_moderators}).",
                    summary=True,
                )
            )
        if not nomod.is_empty():
            facts += [
                Fact(
                    "n_no_moderator",
                    "official EU languages with users and no moderator",
                    nomod.height,
                    str(nomod.height),
                    src_lang,
                ),
                Fact(
                    "no_moderator_users",
                    "users of languages with no moderator",
                    nomod["users"].sum(),
                    formatting.count_short(nomod["users"].sum()),
                    src_lang,
                ),
                Fact(
                    "no_moderator_top",
                    "largest language with no moderator",
                    nomod["language_name"][0],
                    nomod["language_name"][0],
                    src_lang,
                ),
            ]
            sentences.append(
                Sentence(
                    "{n_no_moderator} of the 24 official EU languages, with {no_moderator_users} "
                    "users (largest: {no_moderator_top}), have no moderator with that language.",
                    summary=True,
                )
            )
    comparator = "Amazon Store" if platform != "Amazon Store" else "AliExpress"
    cmp = cap.filter((pl.col("platform") == comparator) & (pl.col("period") == period))
    if not cmp.is_empty() and cmp["per_million_total"][0] is not None:
        facts.append(
            Fact(
                "cmp_per_million",
                f"{comparator}: moderators per million users",
                cmp["per_million_total"][0],
                formatting.ratio(cmp["per_million_total"][0]),
                Source.from_dataset(ds, note=f"moderators / users, {comparator} {period}"),
            )
        )
        sentences.append(
            f"For comparison, {comparator} reported " + "{cmp_per_million} moderators per million "
            "users in the same period."
        )

    chart = rc.language_gap_chart(
        cov,
        platforms=(platform, comparator),
        period=period,
        title=f"Users per moderator with the language: {platform} vs {comparator}",
    )
    return Section(
        key="resources",
        title=title,
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption=f"Users per moderator who speaks the language (log scale), {platform} against "
        f"{comparator}; a language with users and no moderator is not placed on the scale "
        "but marked \"none\" in the separate 'no moderator' column. Choose the "
        "period with the selector.",
        caveats=caveats,
    )
