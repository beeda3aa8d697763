"""Briefing section: hidden links from child-targeted listings (SYNTHETIC graph)."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import capture_evidence as ce
from dsa_explore.analysis.links import (
    load_graph,
    planted_recall,
    reachability_rate,
    seed_reach,
    top_leading_nodes,
)
from dsa_explore.briefing import capture as cap
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts import captures as capture_charts
from dsa_explore.charts import links as link_charts
from dsa_explore.core import formatting
from dsa_explore.core import platforms as plat
from dsa_explore.readers.links import CHAINS_DATASET, EDGES_DATASET

#: The key of this section in the briefing (``Briefing.show("links")``, HTML anchor).
KEY = "links"


def section(platform: str) -> Section:
    """Return the hidden-links :class:`~dsa_explore.briefing.model.Section` for ``platform`` (SYNTHETIC)."""
    platform = plat.resolve(platform)
    nodes, edges, chains = load_graph(platform)
    caveats = [
        "The link graph is SYNTHETIC: it demonstrates the method and says nothing about the platform. "
        "Real figures need crawled redirect chains and platform-side referrer and affiliate data "
        "(DSA Art. 40 access).",
        "Reachability counts directed links a buyer could follow; it does not say how many buyers "
        "follow them.",
    ]
    if nodes.height == 0:
        return Section(
            key="links",
            title="Hidden links",
            sentences=[f"No link-graph data for {platform}."],
            caveats=caveats,
            synthetic=True,
        )
    seeds = seed_reach(nodes, edges, max_hops=4)
    rates = reachability_rate(seeds)
    rec = planted_recall(chains, nodes, edges)
    top = top_leading_nodes(nodes, edges, n=5)
    src_edges = Source.from_dataset(EDGES_DATASET, note=f"{platform} subgraph, k-hop reachability")
    src_chains = Source.from_dataset(CHAINS_DATASET, note=f"{platform} planted chains")
    child4 = rates.filter((pl.col("seed_category") == "child_targeted") & (pl.col("k") == 4)).row(
        0, named=True
    )
    legit4 = rates.filter((pl.col("seed_category") == "legitimate") & (pl.col("k") == 4)).row(0, named=True)
    found = int(rec.get_column("found").sum())
    facts = [
        Fact(
            "child_r4",
            "child-targeted seeds reaching adult/prohibited items within 4 hops",
            child4["rate"],
            formatting.pct(child4["rate"]),
            src_edges,
            f"{child4['reached']} of {child4['seeds']} seeds; 95% Wilson interval "
            f"{formatting.pct(child4['low'])}–{formatting.pct(child4['high'])}",
        ),
        Fact(
            "legit_r4",
            "legitimate seeds reaching counterfeits within 4 hops",
            legit4["rate"],
            formatting.pct(legit4["rate"]),
            src_edges,
            f"{legit4['reached']} of {legit4['seeds']} seeds; 95% Wilson interval "
            f"{formatting.pct(legit4['low'])}–{formatting.pct(legit4['high'])}",
        ),
        Fact(
            "recall",
            "planted chains found at their true hop count",
            found / rec.height if rec.height else None,
            f"{found} of {rec.height}",
            src_chains,
        ),
    ]
    sentences = [
        Sentence(
            "In the synthetic link graph, {child_r4} of child-targeted listings reach adult or prohibited "
            "items within 4 links, and {legit_r4} of legitimate listings reach counterfeits.",
            summary=True,
        ),
        "The reachability search found {recall} planted hidden-link chains at their planted length.",
    ]
    if top.height:
        t = top.row(0, named=True)
        facts.append(
            Fact(
                "top_node",
                "node with the most bad-seed PageRank mass",
                t["node_id"],
                f"{t['node_type'].replace('_', ' ')} {t['node_id']}",
                src_edges,
                f"{t['score_vs_uniform']:.1f}× the uniform mass",
            )
        )
        sentences.append("The node leading most strongly to bad content is {top_node}.")

    chart = link_charts.reachability_slider(rates, synthetic=True, platform=platform)
    return Section(
        key="links",
        title="Hidden links",
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption="Share of seeds that reach a bad target within k links (drag the slider), with 95% "
        "Wilson intervals. SYNTHETIC DATA.",
        caveats=caveats,
        synthetic=True,
    )


def section_from_capture(evidence: ce.CaptureEvidence) -> Section:
    """Return the hidden-link section from a capture's typed edges: chains from listings to flagged pages."""
    src = cap.source(evidence, "typed edges between captured pages")
    kinds = dict(ce.edge_kinds(evidence.edges).select("kind", "edges").rows())
    hidden_edges = sum(kinds.get(k, 0) for k in ce.HIDDEN_KINDS)
    chains = ce.hidden_link_chains(evidence, max_hops=cap.MAX_HOPS)
    flags = ce.page_flags(evidence)
    seeds = len(
        {u for u in evidence.listings["final_url"].fill_null(evidence.listings["url"]).drop_nulls()}
        - set(flags["url"])
    )
    facts = [
        Fact(
            "edges",
            "edges captured",
            evidence.edges.height,
            f"{evidence.edges.height} edges ({hidden_edges} of them redirects, meta refreshes or script "
            "navigations)",
            src,
        ),
        Fact("flagged", "pages showing bad content", flags.height, f"{flags.height}", src),
        Fact(
            "reach",
            f"listings reaching a flagged page within {cap.MAX_HOPS} links",
            chains.height,
            f"{chains.height} of {seeds}",
            src,
        ),
        Fact(
            "hidden",
            "chains passing through hidden navigation",
            int(chains["hidden"].sum()),
            f"{int(chains['hidden'].sum())}",
            src,
        ),
    ]
    sentences = [
        Sentence(
            "In the captured link graph, {reach} captured listings reach a page with adult content, a "
            f"restricted substance or a counterfeit signal within {cap.MAX_HOPS} links; {{hidden}} of "
            "these chains pass through a redirect, meta refresh or script navigation.",
            summary=True,
        ),
        "The capture holds {edges}; {flagged} captured pages show bad content.",
    ]
    child = chains.filter(pl.col("child_targeted"))
    if child.height:
        c = child.row(0, named=True)
        facts.append(
            Fact(
                "child_chain",
                "a chain from a child-targeted listing",
                c["hops"],
                f"{c['source_url']} reaches {c['flag'].replace('_', ' ')} content in {c['hops']} links "
                f"({c['kinds']})",
                src,
            )
        )
        sentences.append("From a child-targeted listing: {child_chain}.")
    table = chains.select("source_url", "target_url", "flag", "hops", "kinds")
    chart = capture_charts.chain_diagram(ce.chain_steps(evidence, chains)) if chains.height else None
    caveats = [
        cap.evidence_caveat(evidence),
        "A chain is only as complete as the capture: links the crawl did not follow, and redirects computed "
        "by scripts at run time, are not seen.",
        "Pages are flagged from their own text and structured data (adult-content and restricted-substance "
        "lexicons, a stated adult audience, counterfeit signals of the risk indicators).",
    ]
    return Section(
        key="links",
        title="Hidden links in the captured pages",
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption="Each row is one shortest chain from a captured listing (left) to a flagged "
        "page (right); the labels on the lines name the kind of edge followed (captured evidence, not "
        "synthetic).",
        caveats=caveats,
        synthetic=False,
        table=table,
        table_caption="Shortest chains from captured listings to flagged pages (capture: "
        f"{cap.files_with_hashes(evidence)})",
    )
