"""Briefing section: risk-indicator triage on the SYNTHETIC listing sample."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import capture_evidence as ce
from dsa_explore.analysis.estimators import wilson_interval
from dsa_explore.analysis.risk import (
    DEFAULT_CAPACITY,
    LISTINGS_DATASET,
    TARGET,
    headline_facts,
    load_config,
    scored_synthetic,
    threshold_table,
)
from dsa_explore.briefing import capture as cap
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts import risk as risk_charts
from dsa_explore.core import platforms

#: The key of this section in the briefing (``Briefing.show("risk")``, HTML anchor).
KEY = "risk"


def section(platform: str):
    """Return the risk-indicator section of a platform briefing (synthetic data, labelled as such).

    Parameters
    ----------
    platform : str
        A platform name (any spelling :func:`dsa_explore.core.platforms.resolve` accepts).

    Returns
    -------
    dsa_explore.briefing.model.Section
        Facts: listings scored, prevalence of bad listings, average precision, precision at the
        day's review capacity, precision and recall at the default threshold; key chart: the
        threshold slider chart (an Altair param that survives HTML export).
    """
    platform = platforms.resolve(platform)
    scored = scored_synthetic(platform)
    caveats = [
        "Synthetic listings with planted risk signals: the numbers show how the method behaves, "
        "not how risky the platform is.",
        "Indicators read only what a listing shows; a clean listing can still be unsafe.",
    ]
    if scored.height == 0:
        return Section(
            key="risk",
            title="Risk indicators",
            sentences=[f"No risk data for {platform}."],
            caveats=caveats,
            synthetic=True,
        )
    threshold = float(load_config()["default_threshold"])
    h = headline_facts(scored, DEFAULT_CAPACITY, threshold)
    src = Source.from_dataset(LISTINGS_DATASET, note=f"{platform}, scored with dsa_explore.analysis.risk")

    k_bad = int(scored[TARGET].sum())
    lo, hi = wilson_interval(k_bad, scored.height)
    facts = [
        Fact("listings", "listings scored", h["listings"], f"{h['listings']:,}", src),
        Fact(
            "prevalence",
            "share of bad listings",
            h["prevalence"],
            f"{h['prevalence']:.1%}",
            src,
            uncertainty=f"95% Wilson interval {lo:.1%}–{hi:.1%}",
        ),
        Fact(
            "ap",
            "average precision of the additive score",
            h["average_precision"],
            f"{h['average_precision']:.2f}",
            src,
        ),
        Fact(
            "p_at_k",
            f"precision in the top {DEFAULT_CAPACITY}",
            h["precision_at_capacity"],
            f"{h['precision_at_capacity']:.0%}",
            src,
        ),
        Fact("capacity", "review capacity per day", DEFAULT_CAPACITY, f"{DEFAULT_CAPACITY}", src),
        Fact(
            "recall",
            f"recall at score ≥ {threshold:g}",
            h["recall_at_threshold"],
            f"{h['recall_at_threshold']:.0%}",
            src,
        ),
        Fact("threshold", "score threshold", threshold, f"{threshold:g}", src),
    ]
    sentences = [
        Sentence(
            "On {listings} synthetic listings, {prevalence} are counterfeit, prohibited or unsafe.",
            summary=True,
        ),
        Sentence(
            "The additive risk score ranks them with an average precision of {ap} (the no-skill baseline "
            "is the prevalence); a team that reviews {capacity} listings a day from the top of the "
            "ranking finds bad listings in {p_at_k} of its reviews.",
            summary=True,
        ),
        "Flagging every listing scoring {threshold} points or more catches {recall} of the bad listings.",
    ]

    chart = risk_charts.threshold_slider_chart(
        threshold_table(scored["risk_score"], scored[TARGET]),
        platform=platform,
        synthetic=True,
        default=threshold,
    )
    top = (
        scored.sort(["risk_score", "listing_id"], descending=[True, False])
        .head(8)
        .select(
            pl.col("title").alias("listing title"),
            pl.col("seller_id").alias("seller"),
            pl.col("trader_name").alias("trader name"),
            pl.col("risk_score").alias("score"),
            "reasons",
        )
    )
    return Section(
        key="risk",
        title="Risk indicators",
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption="Move the slider to change the score threshold: the bars show precision and recall "
        "of the flagged set. [SYNTHETIC DATA]",
        caveats=caveats,
        synthetic=True,
        table=top,
        table_caption=f"Highest-scoring listings on {platform} and why they scored [SYNTHETIC DATA]",
    )


def section_from_capture(evidence: ce.CaptureEvidence) -> Section:
    """Return the risk section from captured listings: the indicators a capture allows, partial scores."""
    from dsa_explore.analysis import capture as captured

    src = cap.source(evidence, "risk indicators on captured listings")
    ls = evidence.listings
    caveats = [
        cap.evidence_caveat(evidence),
        "A partial score: "
        + "; ".join(f"{k.replace('_', ' ')} {why}" for k, why in captured.NOT_FROM_CAPTURE.items())
        + ".",
    ]
    if ls.height == 0:
        return Section(
            key="risk",
            title="Risk indicators on captured listings",
            sentences=[Sentence("The capture holds no listing to score.", summary=True)],
            caveats=caveats,
            synthetic=False,
            table=cap.sources_table(evidence),
            table_caption="Captures this section rests on",
        )
    ranking = ce.risk_ranking(ls)
    strong = (
        "restricted_substance_terms",
        "obfuscated_brand_text",
        "brand_unauthorised",
        "adult_terms_child_listing",
    )
    scored = captured.risk_indicators(ls)
    flagged = int(scored.select(pl.any_horizontal(*strong).sum()).item())
    top = ranking.row(0, named=True)
    facts = [
        Fact("scored", "captured listings scored", ls.height, f"{ls.height}", src),
        Fact("strong", "listings with a strong risk signal", flagged, f"{flagged}", src),
        Fact(
            "top",
            "highest partial score",
            top["risk_score_capture"],
            f"{top['risk_score_capture']:g} points ({top['title']}: {top['reasons']})",
            src,
        ),
    ]
    sentences = [
        Sentence(
            "Of {scored} captured listings, {strong} carry a strong risk signal (a restricted substance, "
            "an unauthorised or obfuscated brand, adult terms near children).",
            summary=True,
        ),
        "The highest partial score is {top}.",
    ]
    table = ranking.head(8).select(
        pl.col("title").alias("listing title"), pl.col("risk_score_capture").alias("score"), "reasons"
    )
    return Section(
        key="risk",
        title="Risk indicators on captured listings",
        sentences=sentences,
        facts=facts,
        caveats=caveats,
        synthetic=False,
        table=table,
        table_caption=f"Highest-scoring captured listings (capture: {cap.files_with_hashes(evidence)})",
    )
