"""Seeded SYNTHETIC hidden-link graph with planted chains (shipped as ``data/links/*-synthetic.csv``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from dsa_explore.core import paths
from dsa_explore.data import provenance
from dsa_explore.data.builds import Build
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


_PREFIX = {
    "listing": "L",
    "seller": "S",
    "affiliate": "A",
    "external_domain": "D",
    "search_suggestion": "Q",
    "image_hash": "I",
}


class _Graph:
    """One platform's part of the synthetic graph being built: new nodes get numbered ids per type."""

    def __init__(
        self, rng: np.random.Generator, platform: str, nodes: list[tuple], edges: list[tuple]
    ) -> None:
        from dsa_explore.core.platforms import slug

        self.rng, self.platform, self.nodes, self.edges = rng, platform, nodes, edges
        self.slug = slug(platform)
        self.counter: dict[str, int] = {}

    def new(self, kind: str, seed_category: str | None = None, bad_kind: str | None = None) -> str:
        prefix = _PREFIX[kind]
        self.counter[prefix] = self.counter.get(prefix, 0) + 1
        node_id = f"{self.slug}:{prefix}{self.counter[prefix]:04d}"
        self.nodes.append((node_id, kind, self.platform, seed_category, bad_kind))
        return node_id

    def edge(self, src: str, dst: str, etype: str) -> None:
        self.edges.append((src, dst, etype, self.platform))

    def pick(self, items: list[str]) -> str:
        return items[int(self.rng.integers(len(items)))]


def _chain_path(
    g: _Graph,
    hops: int,
    counterfeit: bool,
    seed_node: str,
    bad: str,
    affiliates: list[str],
    last_domains: list[str],
) -> list[str]:
    path = [seed_node]
    if hops >= 2:
        mid = g.new("listing")  # innocuous / generic listing
        path.append(mid)
        if counterfeit:
            g.edge(g.pick(affiliates), mid, "affiliate_promotes")
    if hops == 4:
        path.append(g.new("external_domain"))
    if hops >= 3:
        path.append(g.pick(last_domains))
    path.append(bad)
    if hops == 1 and counterfeit:
        g.edge(g.pick(affiliates), bad, "affiliate_promotes")
    for a, b in zip(path[:-1], path[1:], strict=True):
        ta = "external_domain" if ":D" in a else "listing"
        tb = "external_domain" if ":D" in b else "listing"
        etype = (
            "recommended_with"
            if (ta, tb) == ("listing", "listing") and a == seed_node
            else "links_to"
            if ta == "listing"
            else "redirects_to"
        )
        g.edge(a, b, etype)
    return path


def _plant_chains(
    g: _Graph,
    n_cchain: int,
    n_fchain: int,
    affiliates: list[str],
    last_domains: list[str],
    chains: list[tuple],
) -> tuple[list[str], list[str]]:
    """Plant the chains of 1-4 hops; return (bad nodes, chain listings)."""
    bad_nodes: list[str] = []
    chain_nodes: list[str] = []
    for i in range(n_cchain + n_fchain):
        counterfeit = i >= n_cchain
        hops = int(1 + (i % 4))
        if counterfeit:
            scenario, kind = "counterfeit_affiliate", "counterfeit"
            s = g.new("listing", seed_category="legitimate")
        else:
            kind = "adult" if g.rng.random() < 0.6 else "prohibited"
            scenario = f"child_to_{kind}"
            s = g.new("listing", seed_category="child_targeted")
        bad = g.new("listing", bad_kind=kind)
        bad_nodes.append(bad)
        path = _chain_path(g, hops, counterfeit, s, bad, affiliates, last_domains)
        chain_nodes.extend(x for x in path if ":D" not in x)
        chains.append((f"{g.slug}-c{i + 1:03d}", g.platform, scenario, s, bad, hops, " > ".join(path)))
    return bad_nodes, chain_nodes


def _recommendations(g: _Graph, sources: list[str], chain_ok: list[str]) -> None:
    """Background recommendations from background/unplanted seeds to any non-bad listing."""
    for _ in range(int(len(sources) * 1.6)):
        a = g.pick(sources)
        # 3% of recommendations land on a chain listing (an unplanted route into a chain)
        pool = chain_ok if g.rng.random() < 0.03 else sources
        g.edge(a, g.pick(pool), "recommended_with")


def _links_out(
    g: _Graph, background: list[str], bad_nodes: list[str], bg_domains: list[str], n_direct: int
) -> None:
    """Link a few listings straight to bad nodes, and others to domains that redirect among themselves."""
    rng = g.rng
    for _ in range(n_direct):
        g.edge(g.pick(background), g.pick(bad_nodes), "links_to")
    for _ in range(len(background) // 6):
        g.edge(g.pick(background), g.pick(bg_domains), "links_to")
    for _ in range(len(bg_domains)):
        a, b = rng.choice(len(bg_domains), size=2, replace=False)
        g.edge(bg_domains[int(a)], bg_domains[int(b)], "redirects_to")


def _shared_and_suggested(
    g: _Graph,
    sources: list[str],
    images: list[str],
    suggestions: list[str],
    bad_nodes: list[str],
    affiliates: list[str],
    background: list[str],
    n_direct: int,
) -> None:
    """Shared images, search suggestions (rarely to bad items: NRC 2024) and affiliates promoting listings."""
    rng = g.rng
    for img in images:
        members = rng.choice(len(sources), size=int(rng.integers(2, 5)), replace=False)
        for m in members:
            g.edge(sources[int(m)], img, "shares_image")
            g.edge(img, sources[int(m)], "shares_image")
    for q in suggestions:
        for m in rng.choice(len(sources), size=3, replace=False):
            g.edge(q, sources[int(m)], "suggested_for")
    for _ in range(max(1, n_direct // 3)):
        g.edge(g.pick(suggestions), g.pick(bad_nodes), "suggested_for")
    for a in affiliates:
        for m in rng.choice(len(background), size=4, replace=False):
            g.edge(a, background[int(m)], "affiliate_promotes")


def _platform_graph(g: _Graph, sizes: tuple[int, int, int, int, int, int], chains: list[tuple]) -> None:
    """Add one platform's nodes, planted chains and background edges."""
    n_bg, n_child, n_legit, n_cchain, n_fchain, n_direct = sizes
    sellers = [g.new("seller") for _ in range(max(20, n_bg // 8))]
    background = [g.new("listing") for _ in range(n_bg)]
    child_bg = [g.new("listing", seed_category="child_targeted") for _ in range(n_child - n_cchain)]
    legit_bg = [g.new("listing", seed_category="legitimate") for _ in range(n_legit - n_fchain)]
    bg_domains = [g.new("external_domain") for _ in range(12)]
    suggestions = [g.new("search_suggestion") for _ in range(30)]
    images = [g.new("image_hash") for _ in range(40)]
    affiliates = [g.new("affiliate") for _ in range(max(3, n_fchain // 3))]
    # shared last-hop domains (distance 1 from a bad node in every chain that uses them)
    last_domains = [g.new("external_domain") for _ in range(max(2, (n_cchain + n_fchain) // 6))]
    bad_nodes, chain_nodes = _plant_chains(g, n_cchain, n_fchain, affiliates, last_domains, chains)
    for listing in (
        background + child_bg + legit_bg + chain_nodes
    ):  # every listing is sold by a seller (sinks)
        g.edge(listing, g.pick(sellers), "sold_by")
    sources = background + child_bg + legit_bg
    bad_set = set(bad_nodes)
    _recommendations(g, sources, [c for c in chain_nodes if c not in bad_set])
    _links_out(g, background, bad_nodes, bg_domains, n_direct)
    _shared_and_suggested(g, sources, images, suggestions, bad_nodes, affiliates, background, n_direct)


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
    rng = np.random.default_rng(seed)
    nodes: list[tuple] = []
    edges: list[tuple] = []
    chains: list[tuple] = []
    for platform, sizes in SYNTH_PLATFORMS.items():
        _platform_graph(_Graph(rng, platform, nodes, edges), sizes, chains)

    node_frame = pl.DataFrame(nodes, schema=NODE_COLUMNS, orient="row")
    edge_frame = pl.DataFrame(edges, schema=EDGE_COLUMNS, orient="row").unique(maintain_order=True)
    chain_frame = pl.DataFrame(
        chains,
        schema={
            "chain_id": pl.String,
            "platform": pl.String,
            "scenario": pl.String,
            "seed": pl.String,
            "target": pl.String,
            "hops": pl.Int64,
            "path": pl.String,
        },
        orient="row",
    )
    return node_frame, edge_frame, chain_frame


_META = {
    NODES_DATASET: (
        "nodes-synthetic.csv",
        "Hidden-link graph nodes (synthetic)",
        "Nodes of a synthetic typed link graph per platform: listings (some child-targeted or "
        "legitimate seeds, some adult/prohibited/counterfeit targets), sellers, affiliates, "
        "off-platform domains, search suggestions, image hashes. Invented data for method "
        "demonstration; says nothing about any real platform.",
    ),
    EDGES_DATASET: (
        "edges-synthetic.csv",
        "Hidden-link graph edges (synthetic)",
        "Directed typed edges of the synthetic link graph (links_to, redirects_to, "
        "affiliate_promotes, recommended_with, suggested_for, shares_image, sold_by), with "
        "planted hidden-link chains of 1-4 hops and background noise. Invented data.",
    ),
    CHAINS_DATASET: (
        "planted-chains-synthetic.csv",
        "Planted hidden-link chains: truth table (synthetic)",
        "One row per planted chain of the synthetic link graph: scenario, seed, bad target, "
        "planted hop count (the seed's true shortest distance to its scenario's targets) "
        "and the planted path. Invented data.",
    ),
}


def write_synthetic(
    out_dir: str | Path | None = None, seed: int = SYNTHETIC_SEED, version: str = "2026-11-28"
) -> list[Path]:
    """Write the synthetic graph CSVs and their provenance records to ``data/links/``; return the paths."""
    out = Path(out_dir) if out_dir else paths.data_dir() / "links"
    out.mkdir(parents=True, exist_ok=True)
    frames = dict(zip((NODES_DATASET, EDGES_DATASET, CHAINS_DATASET), synthetic_graph(seed), strict=True))
    written = []
    for name, frame in frames.items():
        fname, title, description = _META[name]
        f = out / fname
        frame.write_csv(f)
        schema = {c: "Int64" if dt == pl.Int64 else "String" for c, dt in frame.schema.items()}
        fields = provenance.record(
            name,
            title,
            description,
            synthetic=True,
            version=version,
            schema=schema,
            source=f"generated by `dsa_explore.synth.links` with seed {seed}",
        )
        provenance.write(f, fields, built_by="dsa_explore.synth.links.write_synthetic")
        written.append(f)
    return written


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`).
BUILD = Build(
    name="links_synthetic",
    outputs=("links/nodes-synthetic.csv", "links/edges-synthetic.csv", "links/planted-chains-synthetic.csv"),
    inputs=(),
    function=lambda root: write_synthetic(Path(root) / "links"),
    description=f"SYNTHETIC hidden-link graph with planted chains (seed {SYNTHETIC_SEED})",
)
