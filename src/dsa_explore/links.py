"""Hidden-link graph: typed node and edge tables, k-hop reachability, chains, ranking.

A *hidden link* is a chain of links that leads a buyer from a child-targeted or legitimate
listing to adult, prohibited or counterfeit goods (methodology §3). The graph is held in two
polars tables:

* **nodes** ``node_id, node_type, platform, seed_category, bad_kind`` where ``node_type`` is one
  of :data:`NODE_TYPES`; ``seed_category`` names listings used as seeds (``child_targeted``,
  ``legitimate``) and ``bad_kind`` marks bad targets (``adult``, ``prohibited``, ``counterfeit``).
  Only ``node_id`` and ``node_type`` are required.
* **edges** ``src, dst, edge_type, platform``; ``edge_type`` one of :data:`EDGE_TYPES`, each with
  the node types it may join (:data:`EDGE_SIGNATURES`). Edges are directed, in the direction a
  buyer can follow them (listing ``links_to`` domain, domain ``redirects_to`` listing, affiliate
  ``affiliate_promotes`` listing, search suggestion ``suggested_for`` listing, listing
  ``shares_image`` image hash and image hash ``shares_image`` listing, listing ``sold_by`` seller).

Metrics (S = seeds, B = bad targets):

* :func:`reachability` - for every seed, the shortest number of edges to any target within
  ``max_hops`` and one witness path. Computed as one multi-source breadth-first search from B
  over reversed edges: level h is a polars join of the level h-1 frontier with the edge table,
  so the work is one join per hop, never a Python loop over nodes. Each node keeps the
  smallest (by node id) successor one level closer to B, so witness paths are deterministic.
* :func:`reachability_rate` - R_k = |{s in S: d(s, B) <= k}| / |S| for k = 1..K, with a Wilson
  score interval (``dsa_explore.stats.wilson_interval``) for when S is a sample of seeds.
* :func:`hop_distribution` - distribution of d_min(s) by seed category.
* :func:`bad_rank` - personalised PageRank from B on reversed edges ("BadRank", the inverse of
  TrustRank, Gyöngyi et al. 2004): the stationary distribution of a walk that starts in B,
  follows edges backwards with probability ``alpha`` and jumps back to a uniform B node
  otherwise. Nodes with high mass lead to many bad nodes by short, uncrowded routes.
  Computed by power iteration with numpy ``bincount`` (a sparse matrix-vector product).

:func:`validate` accounts for every row: rows read = rows kept + rows rejected, each rejected
row with its reason (unknown type, unknown endpoint, missing field, duplicate id, edge type
that does not fit its endpoints' node types). :func:`synthetic_graph` generates the seeded
synthetic graph shipped as ``data/links/*-synthetic.csv`` with planted hidden-link chains.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from dsa_explore import paths

if TYPE_CHECKING:
    from dsa_explore.report import Section

NODE_TYPES: tuple[str, ...] = ("listing", "seller", "affiliate", "external_domain", "search_suggestion",
                               "image_hash")
EDGE_TYPES: tuple[str, ...] = ("links_to", "redirects_to", "affiliate_promotes", "recommended_with",
                               "suggested_for", "shares_image", "sold_by")

#: Node types each edge type may join: edge_type -> set of allowed (src_type, dst_type).
EDGE_SIGNATURES: dict[str, frozenset[tuple[str, str]]] = {
    "links_to": frozenset({(s, d) for s in ("listing", "affiliate", "external_domain")
                           for d in ("listing", "external_domain")}),
    "redirects_to": frozenset({("external_domain", "external_domain"), ("external_domain", "listing")}),
    "affiliate_promotes": frozenset({("affiliate", "listing"), ("affiliate", "external_domain")}),
    "recommended_with": frozenset({("listing", "listing")}),
    "suggested_for": frozenset({("search_suggestion", "listing"), ("search_suggestion", "search_suggestion")}),
    "shares_image": frozenset({("listing", "image_hash"), ("image_hash", "listing")}),
    "sold_by": frozenset({("listing", "seller")}),
}

SEED_CATEGORIES: tuple[str, ...] = ("child_targeted", "legitimate")
BAD_KINDS: tuple[str, ...] = ("adult", "prohibited", "counterfeit")
#: Which bad kinds count as targets for which seed category (methodology §6.6).
SCENARIO_TARGETS: dict[str, tuple[str, ...]] = {
    "child_targeted": ("adult", "prohibited"),
    "legitimate": ("counterfeit",),
}

NODE_COLUMNS: dict[str, pl.DataType] = {"node_id": pl.String(), "node_type": pl.String(),
                                        "platform": pl.String(), "seed_category": pl.String(),
                                        "bad_kind": pl.String()}
EDGE_COLUMNS: dict[str, pl.DataType] = {"src": pl.String(), "dst": pl.String(), "edge_type": pl.String(),
                                        "platform": pl.String()}
REQUIRED_NODE_COLUMNS = ("node_id", "node_type")
REQUIRED_EDGE_COLUMNS = ("src", "dst", "edge_type")

SYNTHETIC_SEED = 20261128
NODES_DATASET = "links_nodes_synthetic"
EDGES_DATASET = "links_edges_synthetic"
CHAINS_DATASET = "links_planted_chains_synthetic"

REACH_SCHEMA = {"seed": pl.String(), "distance": pl.Int64(), "path": pl.List(pl.String())}


class GraphError(ValueError):
    """A node or edge table is malformed; the message names the file/table, rows, values and expectation."""


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


@dataclass
class ValidationReport:
    """What :func:`validate` kept and rejected. ``*_read == *_kept + len(rejected_*)``."""

    nodes: pl.DataFrame
    edges: pl.DataFrame
    rejected_nodes: pl.DataFrame  # row, node_id, node_type, reason
    rejected_edges: pl.DataFrame  # row, src, dst, edge_type, reason
    nodes_read: int = 0
    edges_read: int = 0
    source: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.rejected_nodes.height == 0 and self.rejected_edges.height == 0

    def summary(self) -> pl.DataFrame:
        """Return one row per table: read, kept, rejected (read = kept + rejected)."""
        return pl.DataFrame({
            "table": ["nodes", "edges"],
            "read": [self.nodes_read, self.edges_read],
            "kept": [self.nodes.height, self.edges.height],
            "rejected": [self.rejected_nodes.height, self.rejected_edges.height],
        })

    def reasons(self) -> pl.DataFrame:
        """Return the count of rejected rows per table and reason."""
        parts = [self.rejected_nodes.select(pl.lit("nodes").alias("table"), "reason"),
                 self.rejected_edges.select(pl.lit("edges").alias("table"), "reason")]
        return (pl.concat(parts).group_by("table", "reason").agg(pl.len().alias("rows"))
                .sort("table", "rows", "reason", descending=[False, True, False]))

    def message(self, limit: int = 5) -> str:
        """Return a readable account of the rejected rows (first ``limit`` per table)."""
        lines = []
        for table, frame, cols in (("nodes", self.rejected_nodes, ("node_id", "node_type")),
                                   ("edges", self.rejected_edges, ("src", "dst", "edge_type"))):
            if frame.height == 0:
                continue
            where = self.source.get(table, f"{table[:-1]} table")
            lines.append(f"{where}: {frame.height} of {self.nodes_read if table == 'nodes' else self.edges_read}"
                         f" row(s) rejected")
            for rec in frame.head(limit).iter_rows(named=True):
                vals = ", ".join(f"{c}={rec[c]!r}" for c in cols)
                lines.append(f"  row {rec['row']}: {vals}: {rec['reason']}")
            if frame.height > limit:
                lines.append(f"  ... and {frame.height - limit} more")
        return "\n".join(lines) if lines else "no rows rejected"


def _require_columns(frame: pl.DataFrame, required: Sequence[str], what: str) -> None:
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"{what} must be a polars DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise GraphError(f"{what}: missing required column(s) {missing}; expected at least {list(required)}, "
                         f"the table has {frame.columns}")


def _as_string_columns(frame: pl.DataFrame, columns: Sequence[str], what: str) -> pl.DataFrame:
    for c in columns:
        if c not in frame.columns:
            continue
        dtype = frame.schema[c]
        if dtype == pl.String:
            continue
        if isinstance(dtype, pl.Categorical | pl.Enum) or dtype == pl.Null:
            frame = frame.with_columns(pl.col(c).cast(pl.String))
        else:
            raise GraphError(f"{what}: column {c!r} must hold strings (node ids / type names), found {dtype}")
    return frame


def validate(nodes: pl.DataFrame, edges: pl.DataFrame, *, strict: bool = False,
             source: dict[str, str] | None = None) -> ValidationReport:
    """Check a node and an edge table; return what was kept and what was rejected, with reasons.

    Missing required columns raise :class:`GraphError`. Row problems are reported, never silently
    dropped: a node is rejected for a missing ``node_id``/``node_type``, an unknown node type or a
    duplicate id (every copy after the first); an edge for a missing ``src``/``dst``/``edge_type``,
    an unknown edge type, an endpoint that is not a (kept) node, or node types its edge type does
    not allow (:data:`EDGE_SIGNATURES`). ``row`` is the 1-based data row (CSV line = row + 1).
    With ``strict=True`` any rejected row raises :class:`GraphError` with the account.
    """
    source = dict(source or {})
    _require_columns(nodes, REQUIRED_NODE_COLUMNS, source.get("nodes", "node table"))
    _require_columns(edges, REQUIRED_EDGE_COLUMNS, source.get("edges", "edge table"))
    nodes = _as_string_columns(nodes, [c for c in NODE_COLUMNS if c in nodes.columns], source.get("nodes", "node table"))
    edges = _as_string_columns(edges, [c for c in EDGE_COLUMNS if c in edges.columns], source.get("edges", "edge table"))

    n = nodes.with_row_index("row", offset=1)
    node_reason = (
        pl.when(pl.col("node_id").is_null() | (pl.col("node_id").str.strip_chars() == ""))
        .then(pl.lit("missing node_id"))
        .when(pl.col("node_type").is_null() | (pl.col("node_type").str.strip_chars() == ""))
        .then(pl.lit("missing node_type"))
        .when(~pl.col("node_type").is_in(NODE_TYPES))
        .then(pl.format("unknown node_type '{}' (expected one of {})", pl.col("node_type"),
                        pl.lit(", ".join(NODE_TYPES))))
        .when(pl.col("node_id").is_first_distinct().not_())
        .then(pl.lit("duplicate node_id (an earlier row has the same id)"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    n = n.with_columns(node_reason.alias("reason"))
    kept_nodes = n.filter(pl.col("reason").is_null()).drop("row", "reason")
    rejected_nodes = n.filter(pl.col("reason").is_not_null()).select("row", "node_id", "node_type", "reason")

    types = kept_nodes.select("node_id", "node_type")
    sig = pl.DataFrame([(et, s, d) for et, pairs in EDGE_SIGNATURES.items() for s, d in sorted(pairs)],
                       schema=["edge_type", "src_type", "dst_type"], orient="row").with_columns(
        pl.lit(True).alias("_fits"))
    e = (edges.with_row_index("row", offset=1)
         .join(types.rename({"node_id": "src", "node_type": "src_type"}), on="src", how="left")
         .join(types.rename({"node_id": "dst", "node_type": "dst_type"}), on="dst", how="left")
         .join(sig, on=["edge_type", "src_type", "dst_type"], how="left")
         .sort("row"))
    edge_reason = (
        pl.when(pl.col("src").is_null() | (pl.col("src").str.strip_chars() == "")).then(pl.lit("missing src"))
        .when(pl.col("dst").is_null() | (pl.col("dst").str.strip_chars() == "")).then(pl.lit("missing dst"))
        .when(pl.col("edge_type").is_null() | (pl.col("edge_type").str.strip_chars() == ""))
        .then(pl.lit("missing edge_type"))
        .when(~pl.col("edge_type").is_in(EDGE_TYPES))
        .then(pl.format("unknown edge_type '{}' (expected one of {})", pl.col("edge_type"),
                        pl.lit(", ".join(EDGE_TYPES))))
        .when(pl.col("src_type").is_null()).then(pl.format("src '{}' is not a known node", pl.col("src")))
        .when(pl.col("dst_type").is_null()).then(pl.format("dst '{}' is not a known node", pl.col("dst")))
        .when(pl.col("_fits").is_null())
        .then(pl.format("edge_type '{}' cannot join a {} to a {}", pl.col("edge_type"), pl.col("src_type"),
                        pl.col("dst_type")))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    e = e.with_columns(edge_reason.alias("reason"))
    kept_edges = e.filter(pl.col("reason").is_null()).drop("row", "reason", "src_type", "dst_type", "_fits")
    rejected_edges = e.filter(pl.col("reason").is_not_null()).select("row", "src", "dst", "edge_type", "reason")
    report = ValidationReport(nodes=kept_nodes, edges=kept_edges, rejected_nodes=rejected_nodes,
                              rejected_edges=rejected_edges, nodes_read=nodes.height, edges_read=edges.height,
                              source=source)
    assert report.nodes_read == report.nodes.height + report.rejected_nodes.height
    assert report.edges_read == report.edges.height + report.rejected_edges.height
    if strict and not report.ok:
        raise GraphError(report.message())
    return report


def read_graph_csv(nodes_file: str | Path, edges_file: str | Path, *, strict: bool = True) -> ValidationReport:
    """Read a node CSV and an edge CSV (all columns as text) and :func:`validate` them.

    Errors and the report name the file; ``row`` N is CSV line N + 1.
    """
    frames = {}
    for what, f, required in (("nodes", nodes_file, REQUIRED_NODE_COLUMNS), ("edges", edges_file, REQUIRED_EDGE_COLUMNS)):
        f = Path(f)
        if not f.exists():
            raise GraphError(f"{f}: file not found (expected the {what} table as CSV)")
        frame = pl.read_csv(f, infer_schema=False, null_values=[""], encoding="utf8")
        _require_columns(frame, required, str(f))
        frames[what] = frame
    return validate(frames["nodes"], frames["edges"], strict=strict,
                    source={"nodes": str(nodes_file), "edges": str(edges_file)})


# --------------------------------------------------------------------------------------------
# reachability
# --------------------------------------------------------------------------------------------


def _id_list(values: Any, what: str) -> list[str]:
    if isinstance(values, str | bytes):
        raise TypeError(f"{what} must be a sequence of node ids, not a single string {values!r} "
                        f"(wrap it in a list: [{values!r}])")
    if isinstance(values, pl.Series):
        values = values.to_list()
    try:
        out = list(values)
    except TypeError:
        raise TypeError(f"{what} must be a sequence of node ids, got {type(values).__name__}") from None
    bad = [(i, v) for i, v in enumerate(out) if not isinstance(v, str)]
    if bad:
        i, v = bad[0]
        raise TypeError(f"{what}[{i}] is {v!r} ({type(v).__name__}); node ids must be strings "
                        f"({len(bad)} non-string value(s))")
    return out


def _edge_frame(edges: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    if isinstance(edges, pl.LazyFrame):
        edges = edges.collect()
    _require_columns(edges, ("src", "dst"), "edges")
    edges = _as_string_columns(edges.select("src", "dst"), ("src", "dst"), "edges")
    nulls = edges.with_row_index("row", offset=1).filter(pl.col("src").is_null() | pl.col("dst").is_null())
    if nulls.height:
        ex = "; ".join(f"row {r}: src={s!r}, dst={d!r}" for r, s, d in nulls.head(5).iter_rows())
        raise GraphError(f"edges: {nulls.height} row(s) have a missing src or dst ({ex}); "
                         f"every edge needs both endpoints (run links.validate to get a report)")
    return edges


@dataclass
class _Encoded:
    vocab: pl.Series  # code -> node id (sorted, so code order = id order)
    src: np.ndarray  # uint32 codes
    dst: np.ndarray


def _encode(edges: pl.DataFrame, extra: Sequence[str] = (), dedupe: bool = False) -> _Encoded:
    """Map node ids to dense uint32 codes (sorted ids); optionally deduplicate the edges."""
    ids = pl.concat([edges.get_column("src"), edges.get_column("dst"),
                     pl.Series("x", list(extra), dtype=pl.String)]).unique().sort()
    enum = pl.Enum(ids)
    coded = edges.select(pl.col("src").cast(enum).to_physical(), pl.col("dst").cast(enum).to_physical())
    src = coded.get_column("src").to_numpy()
    dst = coded.get_column("dst").to_numpy()
    if dedupe:
        key = np.unique((src.astype(np.uint64) << np.uint64(32)) | dst.astype(np.uint64))
        src = (key >> np.uint64(32)).astype(np.uint32)
        dst = (key & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return _Encoded(vocab=ids.rename("node_id"), src=src, dst=dst)


def _codes(vocab: pl.Series, values: Sequence[str]) -> np.ndarray:
    if not values:
        return np.zeros(0, dtype=np.uint32)
    return pl.Series(values, dtype=pl.String).cast(pl.Enum(vocab)).to_physical().to_numpy()


def _bfs_to_targets(enc: _Encoded, target_codes: np.ndarray, max_hops: int) -> tuple[np.ndarray, np.ndarray]:
    """Multi-source BFS from the targets over reversed edges, one polars join per hop.

    Returns ``dist`` (int64, -1 = not within max_hops) and ``nxt`` (the successor one hop closer
    to a target; the smallest node code among ties; -1 for targets and unreached nodes).
    """
    n = len(enc.vocab)
    dist = np.full(n, -1, dtype=np.int64)
    nxt = np.full(n, -1, dtype=np.int64)
    frontier = np.unique(target_codes)
    dist[frontier] = 0
    e = pl.DataFrame({"s": enc.src, "d": enc.dst})
    for hop in range(1, max_hops + 1):
        if frontier.size == 0:
            break
        step = (pl.DataFrame({"d": frontier.astype(np.uint32)})
                .join(e, on="d", how="inner")
                .group_by("s").agg(pl.col("d").min()))
        s = step.get_column("s").to_numpy().astype(np.int64)
        d = step.get_column("d").to_numpy().astype(np.int64)
        new = dist[s] < 0
        s, d = s[new], d[new]
        dist[s] = hop
        nxt[s] = d
        frontier = s
    return dist, nxt


def reachability(edges: pl.DataFrame, seeds: Sequence[str], targets: Sequence[str], max_hops: int) -> pl.DataFrame:
    """Return, for each seed that reaches a target within ``max_hops`` directed edges, the
    shortest distance and one shortest path.

    ``edges`` has string columns ``src`` and ``dst`` (other columns are ignored; duplicate edges
    and self-loops are harmless). ``seeds`` and ``targets`` are sequences of node ids; ids that
    are not in the edge table are allowed (a seed that is itself a target has distance 0).
    Result columns: ``seed`` (String), ``distance`` (Int64, number of edges; 0 when the seed is a
    target), ``path`` (List[String], node ids from the seed to a target, ``[seed]`` at distance 0).
    One row per distinct seed that reaches a target, in the order the seeds were given. Among
    equally short paths the one taking the smallest node id at every step is returned.
    """
    if isinstance(max_hops, bool) or not isinstance(max_hops, int | np.integer):
        raise TypeError(f"max_hops must be a non-negative integer, got {max_hops!r}")
    if max_hops < 0:
        raise ValueError(f"max_hops must be >= 0, got {max_hops}")
    seed_list = list(dict.fromkeys(_id_list(seeds, "seeds")))
    target_list = list(dict.fromkeys(_id_list(targets, "targets")))
    e = _edge_frame(edges)
    if not seed_list or not target_list:
        return pl.DataFrame(schema=REACH_SCHEMA)
    enc = _encode(e, extra=seed_list + target_list)
    dist, nxt = _bfs_to_targets(enc, _codes(enc.vocab, target_list), int(max_hops))
    seed_codes = _codes(enc.vocab, seed_list).astype(np.int64)
    sd = dist[seed_codes]
    keep = sd >= 0
    seed_codes, sd = seed_codes[keep], sd[keep]
    if seed_codes.size == 0:
        return pl.DataFrame(schema=REACH_SCHEMA)
    # Follow the successor pointers, all seeds at once: one gather per hop.
    width = int(sd.max()) + 1
    steps = np.full((seed_codes.size, width), -1, dtype=np.int64)
    cur = seed_codes.copy()
    steps[:, 0] = cur
    for h in range(1, width):
        active = sd >= h
        cur = np.where(active, nxt[np.where(active, cur, 0)], -1)
        steps[:, h] = cur
    flat = steps.ravel()
    on_path = flat >= 0
    long = pl.DataFrame({"r": np.repeat(np.arange(seed_codes.size), width)[on_path],
                         "id": enc.vocab.gather(flat[on_path])})
    path_col = long.group_by("r", maintain_order=True).agg(pl.col("id")).sort("r").get_column("id")
    return pl.DataFrame({
        "seed": enc.vocab.gather(seed_codes),
        "distance": pl.Series(sd, dtype=pl.Int64),
        "path": path_col,
    }, schema=REACH_SCHEMA)


# --------------------------------------------------------------------------------------------
# ranking: personalised PageRank from the bad set on reversed edges
# --------------------------------------------------------------------------------------------


def bad_rank(edges: pl.DataFrame, bad: Sequence[str], *, alpha: float = 0.85, tol: float = 1e-10,
             max_iter: int = 200, info: dict | None = None) -> pl.DataFrame:
    """Return personalised PageRank mass from the bad set ``bad`` on reversed edges, per node.

    The walk runs on the reversed graph G^R (edge b -> x for every original edge x -> b, duplicates
    merged, self-loops kept). With probability ``alpha`` it follows a uniformly chosen reversed
    edge out of the current node; otherwise, and always at a node with no reversed out-edge (no
    original in-edge), it jumps to a uniformly chosen bad node. This is networkx's
    ``pagerank(G.reverse(), alpha, personalization=uniform on bad)`` with dangling mass sent to
    the personalisation vector. Power iteration: ``x <- alpha (x P + (x . dangling) p) + (1 - alpha) p``
    until the L1 change is below ``N * tol`` (``info``, if given, receives ``iterations`` and
    ``l1_change``). Returns ``node_id, score`` (scores sum to 1) sorted by
    score descending then id; raises ``RuntimeError`` if it does not converge in ``max_iter`` steps.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    bad_list = list(dict.fromkeys(_id_list(bad, "bad")))
    if not bad_list:
        raise ValueError("bad must name at least one node to personalise the PageRank on")
    e = _edge_frame(edges)
    enc = _encode(e, extra=bad_list, dedupe=True)
    n = len(enc.vocab)
    # reversed edge u -> x for original x -> u: walk from dst to src
    r_from = enc.dst.astype(np.int64)
    r_to = enc.src.astype(np.int64)
    outdeg = np.bincount(r_from, minlength=n).astype(np.float64)
    dangling = outdeg == 0
    inv = np.zeros(n)
    inv[~dangling] = 1.0 / outdeg[~dangling]
    p = np.zeros(n)
    p[_codes(enc.vocab, bad_list).astype(np.int64)] = 1.0 / len(bad_list)
    x = p.copy()
    for it in range(1, max_iter + 1):
        flow = np.bincount(r_to, weights=(x * inv)[r_from], minlength=n)
        x_new = alpha * (flow + x[dangling].sum() * p) + (1 - alpha) * p
        err = np.abs(x_new - x).sum()
        x = x_new
        if err < n * tol:
            if info is not None:
                info.update(iterations=it, l1_change=float(err))
            break
    else:
        raise RuntimeError(f"bad_rank did not converge in {max_iter} iterations (last L1 change {err:.3g})")
    return (pl.DataFrame({"node_id": enc.vocab, "score": x})
            .sort(["score", "node_id"], descending=[True, False]))


def top_leading_nodes(nodes: pl.DataFrame, edges: pl.DataFrame, *, n: int = 15, alpha: float = 0.85,
                      bad_kinds: Sequence[str] = BAD_KINDS) -> pl.DataFrame:
    """Return the ``n`` non-bad nodes with the most bad-seed PageRank mass, with their types.

    Columns: ``rank, node_id, node_type, score, score_vs_uniform`` (score x number of nodes:
    how many times the mass a node would get if mass were spread evenly).
    """
    bad = nodes.filter(pl.col("bad_kind").is_in(list(bad_kinds))).get_column("node_id").to_list()
    if not bad:
        return pl.DataFrame(schema={"rank": pl.Int64, "node_id": pl.String, "node_type": pl.String,
                                    "score": pl.Float64, "score_vs_uniform": pl.Float64})
    ranked = bad_rank(edges, bad, alpha=alpha)
    n_nodes = ranked.height
    return (ranked.join(nodes.select("node_id", "node_type", "bad_kind"), on="node_id", how="left")
            .filter(pl.col("bad_kind").is_null())
            .head(n)
            .with_row_index("rank", offset=1)
            .select(pl.col("rank").cast(pl.Int64), "node_id", "node_type", "score",
                    (pl.col("score") * n_nodes).alias("score_vs_uniform")))


# --------------------------------------------------------------------------------------------
# seed-level tables, rates, distributions
# --------------------------------------------------------------------------------------------


def seed_reach(nodes: pl.DataFrame, edges: pl.DataFrame, max_hops: int = 4,
               scenarios: dict[str, tuple[str, ...]] = SCENARIO_TARGETS) -> pl.DataFrame:
    """Return one row per seed: ``seed, seed_category, distance`` (null if no target within
    ``max_hops``), ``path``, ``target_kind``. Each seed category has its own target kinds
    (:data:`SCENARIO_TARGETS`: child-targeted seeds -> adult/prohibited, legitimate -> counterfeit).
    """
    parts = []
    for category, kinds in scenarios.items():
        seeds = nodes.filter(pl.col("seed_category") == category).get_column("node_id").sort().to_list()
        targets = nodes.filter(pl.col("bad_kind").is_in(list(kinds))).get_column("node_id").to_list()
        reach = reachability(edges, seeds, targets, max_hops)
        frame = (pl.DataFrame({"seed": seeds}, schema={"seed": pl.String})
                 .join(reach, on="seed", how="left", maintain_order="left")
                 .with_columns(pl.lit(category).alias("seed_category")))
        parts.append(frame)
    out = pl.concat(parts).with_columns(pl.col("path").list.last().alias("_target"))
    kinds = nodes.select(pl.col("node_id").alias("_target"), pl.col("bad_kind").alias("target_kind"))
    return (out.join(kinds, on="_target", how="left", maintain_order="left")
            .select("seed", "seed_category", "distance", "path", "target_kind"))


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Return the Wilson score interval, delegated to ``dsa_explore.stats.wilson_interval``."""
    from dsa_explore.stats import wilson_interval

    low, high = wilson_interval(int(k), int(n), level=level)
    return float(low), float(high)


def reachability_rate(seed_table: pl.DataFrame, ks: Sequence[int] = (1, 2, 3, 4), *, by: str | None = "seed_category",
                      level: float = 0.95) -> pl.DataFrame:
    """Return R_k = share of seeds with distance <= k, per k (and per ``by`` group), with a Wilson
    interval for when the seeds are a sample.

    ``seed_table`` is :func:`seed_reach` output (one row per seed, ``distance`` null when not
    reached). Columns: [by,] ``k, reached, seeds, rate, low, high``.
    """
    groups = [by] if by else []
    counts = []
    for k in ks:
        counts.append(seed_table.group_by(groups or pl.lit(1).alias("_all")).agg(
            pl.lit(int(k)).alias("k"),
            (pl.col("distance") <= k).fill_null(False).sum().cast(pl.Int64).alias("reached"),
            pl.len().cast(pl.Int64).alias("seeds")))
    frame = pl.concat(counts)
    if not groups:
        frame = frame.drop("_all")
    rows = frame.sort([*groups, "k"]).to_dicts()
    for r in rows:
        r["rate"] = r["reached"] / r["seeds"] if r["seeds"] else None
        r["low"], r["high"] = wilson(r["reached"], r["seeds"], level) if r["seeds"] else (None, None)
    return pl.DataFrame(rows, schema={**({by: pl.String} if by else {}), "k": pl.Int64, "reached": pl.Int64,
                                      "seeds": pl.Int64, "rate": pl.Float64, "low": pl.Float64, "high": pl.Float64})


def hop_distribution(seed_table: pl.DataFrame, max_hops: int = 4, by: str = "seed_category") -> pl.DataFrame:
    """Return the distribution of the minimum hop count d_min per ``by`` group.

    Columns: ``by, hops`` (text: "0".."k" or "not within k"), ``hops_order``, ``seeds``, ``share``.
    Every seed is counted once, reached or not.
    """
    label = pl.when(pl.col("distance").is_null()).then(pl.lit(f"not within {max_hops}")).otherwise(
        pl.col("distance").cast(pl.String))
    order = pl.col("distance").fill_null(max_hops + 1)
    return (seed_table.with_columns(label.alias("hops"), order.alias("hops_order"))
            .group_by(by, "hops", "hops_order").agg(pl.len().cast(pl.Int64).alias("seeds"))
            .with_columns((pl.col("seeds") / pl.col("seeds").sum().over(by)).alias("share"))
            .sort(by, "hops_order"))


def graph_summary(nodes: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """Return counts by table and type: ``table, type, count`` (every type listed, zero included)."""
    nt = pl.DataFrame({"type": list(NODE_TYPES)}).join(
        nodes.group_by(pl.col("node_type").alias("type")).agg(pl.len().alias("count")), on="type", how="left")
    et = pl.DataFrame({"type": list(EDGE_TYPES)}).join(
        edges.group_by(pl.col("edge_type").alias("type")).agg(pl.len().alias("count")), on="type", how="left")
    return pl.concat([nt.with_columns(pl.lit("nodes").alias("table")),
                      et.with_columns(pl.lit("edges").alias("table"))]).select(
        "table", "type", pl.col("count").fill_null(0).cast(pl.Int64))


def planted_recall(chains: pl.DataFrame, nodes: pl.DataFrame, edges: pl.DataFrame,
                   max_hops: int = 4) -> pl.DataFrame:
    """Compare the planted-chain truth table with what :func:`seed_reach` finds.

    Returns one row per planted chain: ``chain_id, scenario, hops, found_distance, found`` where
    ``found`` means the seed reaches a target of its scenario at exactly the planted hop count.
    """
    reach = seed_reach(nodes, edges, max_hops=max_hops).select("seed", pl.col("distance").alias("found_distance"))
    return (chains.select("chain_id", "platform", "scenario", "seed", "hops")
            .join(reach, on="seed", how="left", maintain_order="left")
            .with_columns((pl.col("found_distance") == pl.col("hops")).fill_null(False).alias("found")))


def recall_by_hops(recall: pl.DataFrame, level: float = 0.95) -> pl.DataFrame:
    """Return planted-chain recall per planted hop count with Wilson intervals."""
    rows = (recall.group_by("hops").agg(pl.len().cast(pl.Int64).alias("planted"),
                                        pl.col("found").sum().cast(pl.Int64).alias("found"))
            .sort("hops").to_dicts())
    for r in rows:
        r["recall"] = r["found"] / r["planted"]
        r["low"], r["high"] = wilson(r["found"], r["planted"], level)
    return pl.DataFrame(rows, schema={"hops": pl.Int64, "planted": pl.Int64, "found": pl.Int64,
                                      "recall": pl.Float64, "low": pl.Float64, "high": pl.Float64})


def example_chains(seed_table: pl.DataFrame, nodes: pl.DataFrame, per_hops: int = 1,
                   seeds: Sequence[str] | None = None) -> pl.DataFrame:
    """Return example witness paths in long form for drawing: ``chain, hops, step, node_id, node_type,
    bad_kind``; ``per_hops`` chains per (seed category, hop count), smallest seed ids first, drawn
    from ``seeds`` when given (e.g. the planted chains' seeds)."""
    table = seed_table if seeds is None else seed_table.filter(pl.col("seed").is_in(list(seeds)))
    picked = (table.filter(pl.col("distance") > 0).sort("seed_category", "distance", "seed")
              .group_by("seed_category", "distance", maintain_order=True).head(per_hops))
    short = pl.col("seed_category").replace({"child_targeted": "child-targeted", "legitimate": "legitimate"})
    long = (picked.with_columns(pl.format("{} seed {}: {} link(s)", short, pl.col("seed"), pl.col("distance"))
                                .alias("chain"))
            .select("chain", pl.col("distance").alias("hops"), "path")
            .explode("path").rename({"path": "node_id"})
            .with_columns(pl.int_range(pl.len()).over("chain").cast(pl.Int64).alias("step")))
    return (long.join(nodes.select("node_id", "node_type", "bad_kind"), on="node_id", how="left",
                      maintain_order="left"))


def chains_with_edge_types(example: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """Add ``edge_in``: the type of the edge from the previous step to this node (first match by type name)."""
    prev = example.with_columns(pl.col("node_id").shift(1).over("chain").alias("_prev"))
    etypes = (edges.group_by("src", "dst").agg(pl.col("edge_type").min())
              .rename({"src": "_prev", "dst": "node_id", "edge_type": "edge_in"}))
    return prev.join(etypes, on=["_prev", "node_id"], how="left", maintain_order="left").drop("_prev")


def chain_table(seed_table: pl.DataFrame, nodes: pl.DataFrame, n: int = 8) -> pl.DataFrame:
    """Return reached seeds as readable chains, one per seed category and distance (longest first):
    ``seed, seed_category, distance, target_kind, chain``."""
    types = dict(nodes.select("node_id", "node_type").iter_rows())
    reached = (seed_table.filter(pl.col("distance").is_not_null())
               .sort("seed_category", "distance", "seed", descending=[False, True, False])
               .group_by("seed_category", "distance", maintain_order=True).head(1).head(n))
    chains = [" → ".join(f"{v} [{types.get(v, '?')}]" for v in p) for p in reached.get_column("path").to_list()]
    return reached.select("seed", "seed_category", "distance", "target_kind").with_columns(
        pl.Series("chain", chains, dtype=pl.String))


def explore_seeds(seed_table: pl.DataFrame, category: str, k: int, limit: int = 20) -> pl.DataFrame:
    """Widget callback: seeds of ``category`` that reach a bad target within ``k`` hops, shortest first."""
    return (seed_table.filter((pl.col("seed_category") == category) & (pl.col("distance") <= k))
            .sort("distance", "seed").head(limit)
            .select("seed", "distance", "target_kind", pl.col("path").list.join(" → ").alias("path")))


# --------------------------------------------------------------------------------------------
# synthetic graph with planted chains
# --------------------------------------------------------------------------------------------

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
    from dsa_explore.platforms import slug

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
    from dsa_explore import catalog

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
                "source": f"generated by `dsa_explore.links` with seed {seed}", "source_urls": [],
                "licence": "CC0-1.0", "retrieved": version, "version": version, "synthetic": True,
                "schema": schema}
        (out / (fname + catalog.META_SUFFIX)).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        catalog.refresh(f)
        written.append(f)
    return written


def load_graph(platform: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Load the shipped synthetic graph (checked by the catalog and :func:`validate`, strict).

    Returns ``(nodes, edges, chains)``, restricted to ``platform`` when given.
    """
    from dsa_explore import catalog

    nodes = catalog.load(NODES_DATASET)
    edges = catalog.load(EDGES_DATASET)
    chains = catalog.load(CHAINS_DATASET)
    report = validate(nodes, edges, strict=True, source={"nodes": "data/links/nodes-synthetic.csv",
                                                         "edges": "data/links/edges-synthetic.csv"})
    nodes, edges = report.nodes, report.edges
    if platform is not None:
        nodes = nodes.filter(pl.col("platform") == platform)
        edges = edges.filter(pl.col("platform") == platform)
        chains = chains.filter(pl.col("platform") == platform)
    return nodes, edges, chains


# --------------------------------------------------------------------------------------------
# briefing
# --------------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def briefing_section(platform: str) -> Section:
    """Return the hidden-links :class:`dsa_explore.report.Section` for ``platform`` (SYNTHETIC DATA)."""
    from dsa_explore import platforms as plat
    from dsa_explore.report import Fact, Section, Source  # noqa: F811

    platform = plat.resolve(platform)
    nodes, edges, chains = load_graph(platform)
    caveats = [
        "The link graph is SYNTHETIC: it demonstrates the method and says nothing about the platform. "
        "Real figures need crawled redirect chains and platform-side referrer and affiliate data (DSA Art. 40 access).",
        "Reachability counts directed links a buyer could follow; it does not say how many buyers follow them.",
    ]
    if nodes.height == 0:
        return Section(key="links", title="Hidden links", sentences=[f"No link-graph data for {platform}."],
                       caveats=caveats, synthetic=True)
    seeds = seed_reach(nodes, edges, max_hops=4)
    rates = reachability_rate(seeds)
    rec = planted_recall(chains, nodes, edges)
    top = top_leading_nodes(nodes, edges, n=5)
    src_edges = Source.from_dataset(EDGES_DATASET, note=f"{platform} subgraph, k-hop reachability")
    src_chains = Source.from_dataset(CHAINS_DATASET, note=f"{platform} planted chains")
    child4 = rates.filter((pl.col("seed_category") == "child_targeted") & (pl.col("k") == 4)).row(0, named=True)
    legit4 = rates.filter((pl.col("seed_category") == "legitimate") & (pl.col("k") == 4)).row(0, named=True)
    found = int(rec.get_column("found").sum())
    facts = [
        Fact("child_r4", "child-targeted seeds reaching adult/prohibited items within 4 hops", child4["rate"],
             _pct(child4["rate"]), src_edges,
             f"{child4['reached']} of {child4['seeds']} seeds; 95% Wilson interval "
             f"{_pct(child4['low'])}–{_pct(child4['high'])}"),
        Fact("legit_r4", "legitimate seeds reaching counterfeits within 4 hops", legit4["rate"], _pct(legit4["rate"]),
             src_edges, f"{legit4['reached']} of {legit4['seeds']} seeds; 95% Wilson interval "
             f"{_pct(legit4['low'])}–{_pct(legit4['high'])}"),
        Fact("recall", "planted chains found at their true hop count", found / rec.height if rec.height else None,
             f"{found} of {rec.height}", src_chains),
    ]
    sentences = [
        "In the synthetic link graph, {child_r4} of child-targeted listings reach adult or prohibited items "
        "within 4 links, and {legit_r4} of legitimate listings reach counterfeits.",
        "The reachability search found {recall} planted hidden-link chains at their planted length.",
    ]
    if top.height:
        t = top.row(0, named=True)
        facts.append(Fact("top_node", "node with the most bad-seed PageRank mass", t["node_id"],
                          f"{t['node_type'].replace('_', ' ')} {t['node_id']}", src_edges,
                          f"{t['score_vs_uniform']:.1f}× the uniform mass"))
        sentences.append("The node leading most strongly to bad content is {top_node}.")
    from dsa_explore.charts import links as link_charts

    chart = link_charts.reachability_slider(rates, synthetic=True, platform=platform)
    return Section(key="links", title="Hidden links", sentences=sentences, facts=facts, chart=chart,
                   caption="Share of seeds that reach a bad target within k links (drag the slider), with 95% "
                           "Wilson intervals. SYNTHETIC DATA.",
                   caveats=caveats, synthetic=True)


if __name__ == "__main__":  # regenerate the shipped synthetic files
    for written_path in write_synthetic():
        print(written_path)
