"""Briefing sections built from the analyst's own captures instead of synthetic data.

``make briefing CAPTURE=DIR`` (``dsa-explore briefing --capture DIR``) sets the environment
variable :data:`CAPTURE_ENV` for the executed briefing notebook; the listing, risk and
hidden-link sections then rest on the capture files (named with their sha256 in every
footnote and in a table under the section), and are not marked SYNTHETIC. Every number is a
fact computed by :mod:`dsa_explore.analysis.capture_evidence`.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from dsa_explore.analysis import capture_evidence as ce
from dsa_explore.report import Fact, Section, Source

#: Environment variable naming the capture paths of a briefing (several joined by ``os.pathsep``).
CAPTURE_ENV = "DSA_EXPLORE_CAPTURE"

#: Longest hidden-link chain the capture section looks for (links).
MAX_HOPS = 3


def capture_paths(value: str | None = None) -> list[Path]:
    """Return the capture paths named by ``value`` (default: the :data:`CAPTURE_ENV` variable); [] when unset."""
    value = os.environ.get(CAPTURE_ENV, "") if value is None else value
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def _source(evidence: ce.CaptureEvidence, what: str) -> Source:
    files = "; ".join(f"{r['file']} (sha256 {r['sha256']})" for r in evidence.sources.iter_rows(named=True))
    return Source(label=f"{what}, computed by dsa-explore from the analyst's capture: {files}")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _share(key: str, label: str, k: int, n: int, low: float, high: float, src: Source) -> Fact:
    return Fact(key, label, k / n if n else None, f"{k} of {n} ({_pct(k / n)}; 95% CI {_pct(low)}–{_pct(high)})",
                src, uncertainty=f"95% Wilson interval {_pct(low)}–{_pct(high)}")


def _sources_table(evidence: ce.CaptureEvidence) -> pl.DataFrame:
    return evidence.sources.select(pl.col("file").alias("capture file"), "sha256", "bytes")


def _evidence_caveat(evidence: ce.CaptureEvidence) -> str:
    return (f"Rests on the capture(s) {evidence.names}, not on synthetic data: "
            f"{evidence.capture.summary()}.")


def listings_section(evidence: ce.CaptureEvidence) -> Section:
    """Return the listing section from captured pages: listings extracted, formal information gaps, what to code."""
    src = _source(evidence, "listings extracted from captured pages (schema.org data)")
    ls = evidence.listings
    pages = len(evidence.capture.pages)
    facts = [Fact("listings", "listings extracted", ls.height, f"{ls.height} listing(s)", src),
             Fact("pages", "pages captured", pages, f"{pages} captured page(s)", src)]
    sentences = ["From the analyst's own capture, {listings} were extracted from {pages}."]
    gaps = {r["gap"]: r for r in ce.information_gaps(ls).iter_rows(named=True)}
    rp, maker = gaps.get("no EU responsible person stated"), gaps.get("no manufacturer stated")
    if rp and maker:
        facts.append(_share("no_rp", "listings stating no EU responsible person", rp["k"], rp["n"], rp["low"],
                            rp["high"], src))
        facts.append(_share("no_maker", "listings stating no manufacturer", maker["k"], maker["n"], maker["low"],
                            maker["high"], src))
        sentences[0] = ("From the analyst's own capture, {listings} were extracted from {pages}: {no_rp} state no "
                        "EU responsible person (GPSR Art. 19(b)) and {no_maker} no manufacturer (Art. 19(a)).")
    ce_gap = gaps.get("child-targeted, no CE marking shown")
    if ce_gap:
        facts.append(_share("no_ce", "child-targeted listings showing no CE marking", ce_gap["k"], ce_gap["n"],
                            ce_gap["low"], ce_gap["high"], src))
        sentences.append("Of the listings that target children, {no_ce} show no CE marking.")
    work = ce.coding_worklist(evidence.report)
    empty = work.filter(pl.col("problem") == "required value is empty")
    if empty.height:
        cols = ", ".join(sorted(empty["column"].to_list()))
        facts.append(Fact("to_code", "required values still to code", int(empty["listings"].sum()),
                          f"{int(empty['listings'].sum())} value(s) ({cols})", src))
        sentences.append("A design-based prevalence estimate needs a person's coding first: {to_code} are still "
                         "empty.")
    caveats = [_evidence_caveat(evidence),
               "The captured listings are the analyst's own selection: each share describes that selection (like a "
               "purposive test purchase), not the platform.",
               "Only what a page states in its text or schema.org data is read; information shown only in images "
               "counts as not stated."]
    return Section(key="listing_samples", title="Listing samples: what do the captured listings state?",
                   sentences=sentences, facts=facts, caveats=caveats, synthetic=False,
                   table=_sources_table(evidence), table_caption="Captures this section rests on")


def risk_section(evidence: ce.CaptureEvidence) -> Section:
    """Return the risk section from captured listings: the capture-computable indicators and partial scores."""
    from dsa_explore.analysis import capture as captured

    src = _source(evidence, "risk indicators on captured listings")
    ls = evidence.listings
    caveats = [_evidence_caveat(evidence),
               "A partial score: " + "; ".join(f"{k.replace('_', ' ')} {why}" for k, why in
                                             captured.NOT_FROM_CAPTURE.items()) + "."]
    if ls.height == 0:
        return Section(key="risk", title="Risk indicators on captured listings",
                       sentences=["The capture holds no listing to score."], caveats=caveats, synthetic=False,
                       table=_sources_table(evidence), table_caption="Captures this section rests on")
    ranking = ce.risk_ranking(ls)
    strong = ("restricted_substance_terms", "obfuscated_brand_text", "brand_unauthorised", "adult_terms_child_listing")
    scored = captured.risk_indicators(ls)
    flagged = int(scored.select(pl.any_horizontal(*strong).sum()).item())
    top = ranking.row(0, named=True)
    facts = [Fact("scored", "captured listings scored", ls.height, f"{ls.height}", src),
             Fact("strong", "listings with a strong risk signal", flagged, f"{flagged}", src),
             Fact("top", "highest partial score", top["risk_score_capture"],
                  f"{top['risk_score_capture']:g} points ({top['title']}: {top['reasons']})", src)]
    sentences = ["Of {scored} captured listings, {strong} carry a strong risk signal (a restricted substance, an "
                 "unauthorised or obfuscated brand, adult terms near children).",
                 "The highest partial score is {top}."]
    table = ranking.head(8).select(pl.col("title").alias("listing title"),
                                   pl.col("risk_score_capture").alias("score"), "reasons")
    return Section(key="risk", title="Risk indicators on captured listings", sentences=sentences, facts=facts,
                   caveats=caveats, synthetic=False, table=table,
                   table_caption=f"Highest-scoring captured listings (capture: {evidence.names})")


def links_section(evidence: ce.CaptureEvidence) -> Section:
    """Return the hidden-link section from a capture's typed edges: chains from listings to flagged pages."""
    src = _source(evidence, "typed edges between captured pages")
    kinds = dict(ce.edge_kinds(evidence.edges).rows())
    hidden_edges = sum(kinds.get(k, 0) for k in ce.HIDDEN_KINDS)
    chains = ce.hidden_link_chains(evidence, max_hops=MAX_HOPS)
    flags = ce.page_flags(evidence)
    seeds = len({u for u in evidence.listings["final_url"].fill_null(evidence.listings["url"]).drop_nulls()}
                - set(flags["url"]))
    facts = [Fact("edges", "edges captured", evidence.edges.height,
                  f"{evidence.edges.height} edges ({hidden_edges} of them redirects, meta refreshes or script "
                  "navigations)", src),
             Fact("flagged", "pages showing bad content", flags.height, f"{flags.height}", src),
             Fact("reach", f"listings reaching a flagged page within {MAX_HOPS} links", chains.height,
                  f"{chains.height} of {seeds}", src),
             Fact("hidden", "chains passing through hidden navigation", int(chains["hidden"].sum()),
                  f"{int(chains['hidden'].sum())}", src)]
    sentences = ["In the captured link graph, {reach} captured listings reach a page with adult content, a "
                 f"restricted substance or a counterfeit signal within {MAX_HOPS} links; {{hidden}} of these chains "
                 "pass through a redirect, meta refresh or script navigation.",
                 "The capture holds {edges}; {flagged} captured pages show bad content."]
    child = chains.filter(pl.col("child_targeted"))
    if child.height:
        c = child.row(0, named=True)
        facts.append(Fact("child_chain", "a chain from a child-targeted listing", c["hops"],
                          f"{c['source_url']} reaches {c['flag'].replace('_', ' ')} content in {c['hops']} links "
                          f"({c['kinds']})", src))
        sentences.append("From a child-targeted listing: {child_chain}.")
    table = chains.select("source_url", "target_url", "flag", "hops", "kinds")
    caveats = [_evidence_caveat(evidence),
               "A chain is only as complete as the capture: links the crawl did not follow, and redirects computed "
               "by scripts at run time, are not seen.",
               "Pages are flagged from their own text and structured data (adult-content and restricted-substance "
               "lexicons, a stated adult audience, counterfeit signals of the risk indicators)."]
    return Section(key="links", title="Hidden links in the captured pages", sentences=sentences, facts=facts,
                   caveats=caveats, synthetic=False, table=table,
                   table_caption=f"Shortest chains from captured listings to flagged pages (capture: {evidence.names})")


#: Section key of the briefing -> builder from capture evidence.
CAPTURE_SECTIONS = {"listings": listings_section, "risk": risk_section, "links": links_section}
