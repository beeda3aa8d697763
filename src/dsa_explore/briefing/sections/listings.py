"""Briefing section: listing-sample prevalence (synthetic sample) beside published test purchases."""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.analysis import capture_evidence as ce
from dsa_explore.analysis import listings
from dsa_explore.analysis.listings import prevalence_table, probability_rows, published_test_purchases
from dsa_explore.briefing import capture as cap
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts.listings import published_beside_ours
from dsa_explore.core import formatting, platforms
from dsa_explore.readers.listings import load_synthetic

#: The key of this section in the briefing (``Briefing.show("listings")``, HTML anchor).
KEY = "listings"


def section(platform: str) -> Section:
    """Return the listing-sample section of the briefing for ``platform``.

    Headline: the (synthetic) sample's listing-level prevalence of formal non-compliance and
    of lab-confirmed unsafe products with Korn–Graubard intervals and the design behind them,
    then each published test purchase for the platform with its Wilson interval and URL.
    The chart is the forest plot of the platform's categories beside the published studies.
    """
    platform = platforms.resolve(platform)
    sample, _frame = load_synthetic()
    synth_source = Source.from_dataset("listing_sample_synthetic")
    pub = published_test_purchases()
    pub_source_name = "published_test_purchases"
    facts: list[Fact] = []
    sentences: list[str] = []
    mine = sample.filter(pl.col("platform") == platform)
    has_sample = probability_rows(mine).height > 0
    if has_sample:
        formal = prevalence_table(mine, "label_formal_noncompliant", ["platform"]).row(0, named=True)
        facts.append(
            Fact(
                "formal_prev",
                "formal non-compliance, listing-level (synthetic)",
                formal["estimate"],
                f"{formatting.pct(formal['estimate'])} "
                f"(95% CI {formatting.pct(formal['low'])}–{formatting.pct(formal['high'])})",
                synth_source,
                uncertainty=(
                    "95% Korn–Graubard interval "
                    f"{formatting.pct(formal['low'])}–{formatting.pct(formal['high'])}"
                ),
            )
        )
        facts.append(
            Fact(
                "formal_design",
                "design of the estimate",
                formal["n"],
                f"{formal['n']} probability-sampled listings (effective n {formal['n_eff']:.0f})",
                synth_source,
            )
        )
        sentences.append(
            Sentence(
                "In the synthetic demonstration sample, formal non-compliance (missing CE mark, EU "
                "address or warnings) is estimated at {formal_prev} of listings, from {formal_design} "
                "stratified by category with risk-targeted oversampling and design weights.",
                summary=True,
            )
        )
        lab = prevalence_table(mine, "label_unsafe_lab", ["platform"])
        if lab.height and lab["n"][0] > 0:
            r = lab.row(0, named=True)
            facts.append(
                Fact(
                    "unsafe_prev",
                    "lab-confirmed unsafe (synthetic)",
                    r["estimate"],
                    f"{formatting.pct(r['estimate'])} "
                    f"(95% CI {formatting.pct(r['low'])}–{formatting.pct(r['high'])}, {r['n']} lab-tested)",
                    synth_source,
                    uncertainty=(
                        f"95% Korn–Graubard interval {formatting.pct(r['low'])}–{formatting.pct(r['high'])}"
                    ),
                )
            )
            sentences.append(
                "Among listings bought and lab-tested, the synthetic estimate of unsafe products is "
                "{unsafe_prev}."
            )
    else:
        sentences.append(f"No listing sample for {platform} in the synthetic demonstration data.")
    rows = pub.filter((pl.col("platform") == platform) & pl.col("counts_published")).sort("year", "study")
    for i, r in enumerate(rows.iter_rows(named=True)):
        key = f"pub_{i}"
        year = "undated" if r["year"] is None else str(r["year"])
        src = Source(
            label=f"{r['study']} ({year}), as recorded in shipped dataset `{pub_source_name}`",
            url=r["source_url"],
        )
        study = (
            r["study"]
            if year in r["study"]
            else f"{r['study']} ({year})"
            if r["year"] is None
            else f"{r['study']} {year}"
        )
        facts.append(
            Fact(
                key,
                f"{study}: {r['outcome_definition']}",
                r["estimate"],
                f"{study}: {r['positives']}/{r['n']} {r['product_group']}: "
                f"{r['outcome_definition']} ({formatting.pct(r['estimate'])}, "
                f"95% CI {formatting.pct(r['low'])}–{formatting.pct(r['high'])}; "
                f"{r['selection_mechanism'].replace('_', ' ')} selection)",
                src,
                uncertainty=f"95% Wilson interval {formatting.pct(r['low'])}–{formatting.pct(r['high'])}",
            )
        )
    if rows.height:
        sentences.append(
            "Published test purchases for this platform: "
            + "; ".join("{" + f"pub_{i}" + "}" for i in range(rows.height))
            + "."
        )
    else:
        sentences.append(
            f"No published platform-specific test purchases for {platform} in the shipped dataset."
        )
    chart = None
    if has_sample or rows.height:
        chart = briefing_forest(sample, pub, platform)
    caveats = [
        "The sample estimates come from SYNTHETIC data generated by dsa_explore.synth.listings to "
        "demonstrate the estimators; replace data/listings/listing-sample-synthetic.csv with a real "
        "sample of the same format.",
        "Published test purchases are purposive or search-top-k samples of risky products (e.g. "
        "unbranded toys from the first search pages): they estimate the share within that selection, "
        "not platform-wide prevalence.",
        "Formal non-compliance (desk review) and lab-confirmed unsafe are different outcomes and are "
        "not comparable.",
    ]
    return Section(
        key="listing_samples",
        title="Listing samples: how common are non-compliant and unsafe listings?",
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption=(
            "Forest plot: estimate and 95% interval per category (synthetic sample, design-weighted) "
            "and published test purchases (Wilson intervals)."
        ),
        caveats=caveats,
        synthetic=has_sample,
    )


def briefing_forest(sample: pl.DataFrame, published: pl.DataFrame, platform: str) -> alt.LayerChart:
    """Return the briefing chart: the platform's category estimates (synthetic) above its test purchases."""
    ours = listings.forest_table(sample, "label_formal_noncompliant", platform=platform)
    ours = ours.with_columns(pl.format("{} (formal non-compliance)", "category_title").alias("row_label"))
    unsafe = listings.prevalence_table(
        sample.filter(pl.col("platform") == platform), "label_unsafe_lab", ["platform"]
    )
    if unsafe.height:
        unsafe = unsafe.with_columns(pl.lit("lab-tested listings (unsafe)").alias("row_label"))
        ours = pl.concat([ours.select(unsafe.columns), unsafe], how="vertical_relaxed")
    pub = published.filter(pl.col("platform") == platform)
    synthetic = ours.height > 0
    return published_beside_ours(
        ours,
        pub,
        title=f"{platform}: listing prevalence by category and published test purchases",
        subtitle="Sample rows are SYNTHETIC demonstration data (design-weighted, Korn–Graubard 95% "
        "intervals); published rows are purposive test purchases (Wilson 95% intervals).",
        description=(
            f"Forest plot for {platform}: estimated share of formally non-compliant listings per product "
            f"category in the synthetic sample, and the share of failing products in published test "
            f"purchases, each with a 95% interval."
        ),
        synthetic=synthetic,
        source=listings.source_text(sample),
    )


def section_from_capture(evidence: ce.CaptureEvidence) -> Section:
    """Return the listing section from captured pages: listings extracted, information gaps, what to code."""
    src = cap.source(evidence, "listings extracted from captured pages (schema.org data)")
    ls = evidence.listings
    pages = len(evidence.capture.pages)
    facts = [
        Fact("listings", "listings extracted", ls.height, f"{ls.height} listing(s)", src),
        Fact("pages", "pages captured", pages, f"{pages} captured page(s)", src),
    ]
    sentences = [
        Sentence("From the analyst's own capture, {listings} were extracted from {pages}.", summary=True)
    ]
    gaps = {r["gap"]: r for r in ce.information_gaps(ls).iter_rows(named=True)}
    rp, maker = gaps.get("no EU responsible person stated"), gaps.get("no manufacturer stated")
    if rp and maker:
        facts.append(
            cap.share(
                "no_rp",
                "listings stating no EU responsible person",
                rp["k"],
                rp["n"],
                rp["low"],
                rp["high"],
                src,
            )
        )
        facts.append(
            cap.share(
                "no_maker",
                "listings stating no manufacturer",
                maker["k"],
                maker["n"],
                maker["low"],
                maker["high"],
                src,
            )
        )
        sentences[0] = Sentence(
            "From the analyst's own capture, {listings} were extracted from {pages}: {no_rp} "
            "state no EU responsible person (GPSR Art. 19(b)) and {no_maker} no manufacturer "
            "(Art. 19(a)).",
            summary=True,
        )
    ce_gap = gaps.get("child-targeted, no CE marking shown")
    if ce_gap:
        facts.append(
            cap.share(
                "no_ce",
                "child-targeted listings showing no CE marking",
                ce_gap["k"],
                ce_gap["n"],
                ce_gap["low"],
                ce_gap["high"],
                src,
            )
        )
        sentences.append("Of the listings that target children, {no_ce} show no CE marking.")
    work = ce.coding_worklist(evidence.report)
    empty = work.filter(pl.col("problem") == "required value is empty")
    if empty.height:
        cols = ", ".join(sorted(empty["column"].to_list()))
        facts.append(
            Fact(
                "to_code",
                "required values still to code",
                int(empty["listings"].sum()),
                f"{int(empty['listings'].sum())} value(s) ({cols})",
                src,
            )
        )
        sentences.append(
            "A design-based prevalence estimate needs a person's coding first: {to_code} are still empty."
        )
    caveats = [
        cap.evidence_caveat(evidence),
        "The captured listings are the analyst's own selection: each share describes that selection (like a "
        "purposive test purchase), not the platform.",
        "Only what a page states in its text or schema.org data is read; information shown only in images "
        "counts as not stated.",
    ]
    return Section(
        key="listing_samples",
        title="Listing samples: what do the captured listings state?",
        sentences=sentences,
        facts=facts,
        caveats=caveats,
        synthetic=False,
        table=cap.sources_table(evidence),
        table_caption="Captures this section rests on",
    )
