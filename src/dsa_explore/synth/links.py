"""Seeded SYNTHETIC hidden-link graph with planted chains (shipped as ``data/links/*-synthetic.csv``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from dsa_explore.core import paths
from dsa_explore.readers.links import CHAINS_DATASET, EDGE_COLUMNS, EDGES_DATASET, NODE_COLUMNS, NODES_DATASET

SYNTHETIC_SEED = 20261128


#: Per-platform generator settings: (background listings, child seeds, legitimate seeds,
#: planted child chains, planted counterfeit chains, background links straight to bad nodes).
SYNTH_PLATFORMS: dict[str, tuple[int, int, int, int, int, int]] = {
    "AliExpress": (420, 90, 60, 24, 16, 10),
    "Temu": (380, 80, 60, 16, 12, 8),
    "Amazon Store": (400, 70, 80, 6, 8, 3),
    "SHEIN": (360, 80, 50, 10, 10, 5),
    "Zalando": (340, 50, 80, 3, 5, 1),
}


def synthetic_graph(seed: int = SYNTHETIC_SEED) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Generate the synthetic link graph: ``(nodes, edges, chains)``. SYNTHETIC DATA.

    Per platform: background listings with ``recommended_with`` links, sellers (``sold_by``),
    shared image hashes, search suggestions and off-platform domains; a few background links go
    straight to bad nodes (unplanted reachability). Planted chains of 1-4 hops start at a seed:

    * ``child_to_adult`` / ``child_to_prohibited``: child-targeted listing -> innocuous listing ->
      off-platform domain(s) -> adult or prohibited item;
    * ``counterfeit_affiliate``: legitimate listing -> generic listing (promoted by an affiliate)
      -> off-platform domain(s) -> counterfeit listing.

    A chain of h hops uses the first h-1 intermediates of that pattern. Chain nodes have no
    outgoing edges other than their chain edge and ``sold_by`` (sellers are sinks), and shared
    nodes (domains, affiliates) sit at the same distance from a bad node in every chain that uses
    them, so each planted seed's shortest distance to its targets is exactly the planted hop count.
    """
    from dsa_explore.core.platforms import slug

    rng = np.random.default_rng(seed)
    nodes: list[tuple] = []
    edges: list[tuple] = []
    chains: list[tuple] = []

    for platform, (n_bg, n_child, n_legit, n_cchain, n_fchain, n_direct) in SYNTH_PLATFORMS.items():
        p = slug(platform)
        counter: dict[str, int] = {}

        def new(kind: str, seed_category: str | None = None, bad_kind: str | None = None,
                _p=p, _platform=platform, _counter=counter) -> str:
            prefix = {"listing": "L", "seller": "S", "affiliate": "A", "external_domain": "D",
                      "search_suggestion": "Q", "image_hash": "I"}[kind]
            _counter[prefix] = _counter.get(prefix, 0) + 1
            node_id = f"{_p}:{prefix}{_counter[prefix]:04d}"
            nodes.append((node_id, kind, _platform, seed_category, bad_kind))
            return node_id

        def edge(src: str, dst: str, etype: str, _platform=platform) -> None:
            edges.append((src, dst, etype, _platform))

        sellers = [new("seller") for _ in range(max(20, n_bg // 8))]
        background = [new("listing") for _ in range(n_bg)]
        child_bg = [new("listing", seed_category="child_targeted") for _ in range(n_child - n_cchain)]
        legit_bg = [new("listing", seed_category="legitimate") for _ in range(n_legit - n_fchain)]
        bg_domains = [new("external_domain") for _ in range(12)]
        suggestions = [new("search_suggestion") for _ in range(30)]
        images = [new("image_hash") for _ in range(40)]
        affiliates = [new("affiliate") for _ in range(max(3, n_fchain // 3))]
        # shared last-hop domains (distance 1 from a bad node in every chain that uses them)
        last_domains = [new("external_domain") for _ in range(max(2, (n_cchain + n_fchain) // 6))]

        bad_nodes: list[str] = []
        chain_nodes: list[str] = []
        for i in range(n_cchain + n_fchain):
            counterfeit = i >= n_cchain
            hops = int(1 + (i % 4))
            if counterfeit:
                scenario = "counterfeit_affiliate"
                kind = "counterfeit"
                s = new("listing", seed_category="legitimate")
            else:
                kind = "adult" if rng.random() < 0.6 else "prohibited"
                scenario = f"child_to_{kind}"
                s = new("listing", seed_category="child_targeted")
            bad = new("listing", bad_kind=kind)
            bad_nodes.append(bad)
            path = [s]
            if hops >= 2:
                mid = new("listing")  # innocuous / generic listing
                path.append(mid)
                if counterfeit:
                    edge(affiliates[int(rng.integers(len(affiliates)))], mid, "affiliate_promotes")
            if hops == 4:
                path.append(new("external_domain"))
            if hops >= 3:
                path.append(last_domains[int(rng.integers(len(last_domains)))])
            path.append(bad)
            if hops == 1 and counterfeit:
                edge(affiliates[int(rng.integers(len(affiliates)))], bad, "affiliate_promotes")
            for a, b in zip(path[:-1], path[1:], strict=True):
                ta = "external_domain" if ":D" in a else "listing"
                tb = "external_domain" if ":D" in b else "listing"
                etype = ("recommended_with" if (ta, tb) == ("listing", "listing") and a == s
                         else "links_to" if ta == "listing" else "redirects_to")
                edge(a, b, etype)
            chain_nodes.extend(x for x in path if ":D" not in x)
            chains.append((f"{p}-c{i + 1:03d}", platform, scenario, s, bad, hops, " > ".join(path)))

        # every listing is sold by a seller (sellers are sinks)
        all_listings = background + child_bg + legit_bg + chain_nodes
        for listing in all_listings:
            edge(listing, sellers[int(rng.integers(len(sellers)))], "sold_by")
        # background recommendations: from background/unplanted seeds to any non-bad listing
        sources = background + child_bg + legit_bg
        bad_set = set(bad_nodes)
        chain_ok = [c for c in chain_nodes if c not in bad_set]
        for _ in range(int(len(sources) * 1.6)):
            a = sources[int(rng.integers(len(sources)))]
            # 3% of recommendations land on a chain listing (an unplanted route into a chain)
            pool = chain_ok if rng.random() < 0.03 else sources
            edge(a, pool[int(rng.integers(len(pool)))], "recommended_with")
        # a few background listings link straight to bad nodes (unplanted reachability)
        for _ in range(n_direct):
            edge(background[int(rng.integers(len(background)))], bad_nodes[int(rng.integers(len(bad_nodes)))],
                 "links_to")
        # background listings link out to background domains, which redirect among themselves
        for _ in range(len(background) // 6):
            edge(background[int(rng.integers(len(background)))], bg_domains[int(rng.integers(len(bg_domains)))],
                 "links_to")
        for _ in range(len(bg_domains)):
            a, b = rng.choice(len(bg_domains), size=2, replace=False)
            edge(bg_domains[int(a)], bg_domains[int(b)], "redirects_to")
        # shared images among background listings (listing -> hash -> listing)
        for img in images:
            members = rng.choice(len(sources), size=int(rng.integers(2, 5)), replace=False)
            for m in members:
                edge(sources[int(m)], img, "shares_image")
                edge(img, sources[int(m)], "shares_image")
        # search suggestions point at listings (including, rarely, adult items: NRC 2024)
        for q in suggestions:
            for m in rng.choice(len(sources), size=3, replace=False):
                edge(q, sources[int(m)], "suggested_for")
        for _ in range(max(1, n_direct // 3)):
            edge(suggestions[int(rng.integers(len(suggestions)))], bad_nodes[int(rng.integers(len(bad_nodes)))],
                 "suggested_for")
        # affiliates also promote ordinary listings
        for a in affiliates:
            for m in rng.choice(len(background), size=4, replace=False):
                edge(a, background[int(m)], "affiliate_promotes")

    node_frame = pl.DataFrame(nodes, schema=NODE_COLUMNS, orient="row")
    edge_frame = pl.DataFrame(edges, schema=EDGE_COLUMNS, orient="row").unique(maintain_order=True)
    chain_frame = pl.DataFrame(chains, schema={"chain_id": pl.String, "platform": pl.String, "scenario": pl.String,
                                               "seed": pl.String, "target": pl.String, "hops": pl.Int64,
                                               "path": pl.String}, orient="row")
    return node_frame, edge_frame, chain_frame


_META = {
    NODES_DATASET: ("nodes-synthetic.csv", "Hidden-link graph nodes (synthetic)",
                    "Nodes of a synthetic typed link graph per platform: listings (some child-targeted or "
                    "legitimate seeds, some adult/prohibited/counterfeit targets), sellers, affiliates, "
                    "off-platform domains, search suggestions, image hashes. Invented data for method "
                    "demonstration; says nothing about any real platform."),
    EDGES_DATASET: ("edges-synthetic.csv", "Hidden-link graph edges (synthetic)",
                    "Directed typed edges of the synthetic link graph (links_to, redirects_to, "
                    "affiliate_promotes, recommended_with, suggested_for, shares_image, sold_by), with "
                    "planted hidden-link chains of 1-4 hops and background noise. Invented data."),
    CHAINS_DATASET: ("planted-chains-synthetic.csv", "Planted hidden-link chains: truth table (synthetic)",
                     "One row per planted chain of the synthetic link graph: scenario, seed, bad target, "
                     "planted hop count (the seed's true shortest distance to its scenario's targets) "
                     "and the planted path. Invented data."),
}


def write_synthetic(out_dir: str | Path | None = None, seed: int = SYNTHETIC_SEED, version: str = "2026-11-28") -> list[Path]:
    """Write the synthetic graph CSVs and their provenance records to ``data/links/``; return the paths."""
    from dsa_explore.data import catalog

    out = Path(out_dir) if out_dir else paths.data_dir() / "links"
    out.mkdir(parents=True, exist_ok=True)
    frames = dict(zip((NODES_DATASET, EDGES_DATASET, CHAINS_DATASET), synthetic_graph(seed), strict=True))
    written = []
    for name, frame in frames.items():
        fname, title, description = _META[name]
        f = out / fname
        frame.write_csv(f)
        schema = {c: "Int64" if dt == pl.Int64 else "String" for c, dt in frame.schema.items()}
        meta = {"name": name, "title": title, "description": description, "format": "csv",
                "source": f"generated by `dsa_explore.synth.links` with seed {seed}", "source_urls": [],
                "licence": "CC0-1.0", "retrieved": version, "version": version, "synthetic": True,
                "schema": schema}
        (out / (fname + catalog.META_SUFFIX)).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        catalog.refresh(f)
        written.append(f)
    return written
