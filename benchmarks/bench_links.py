"""Benchmark dsa_explore.analysis.links on a seeded synthetic graph with 1 million directed edges.

Measures, in one run on the same graph:

* ``reachability`` (k = 4) from 1,000 seeds to 1,000 targets (polars joins, one per hop);
* a baseline: the same multi-source BFS from the targets over reversed edges in plain Python
  (dict-of-lists adjacency, ``collections.deque``), timed including building the adjacency;
* ``bad_rank`` (personalised PageRank, power iteration to convergence with numpy);
* a baseline: plain-Python power iteration (loop over the edge list), timed for 3 iterations and
  reported per iteration.

Prints wall time, edges/s, the peak resident set size of the process so far (``ru_maxrss``,
which includes memory allocated by polars' Rust engine, unlike ``tracemalloc``) and the
speed-up ratio. Results of the polars and the Python BFS are compared for equality.

Run: ``.venv/bin/python benchmarks/bench_links.py [--edges 1000000] [--nodes 200000]``
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import deque

import numpy as np
import polars as pl

from dsa_explore.analysis import links


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_graph(n_nodes: int, n_edges: int, seed: int) -> pl.DataFrame:
    """Seeded random directed graph: uniform sources (every node links out), destinations a mix of
    uniform (70%) and heavy-tailed popular nodes (30%, Zipf)."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_nodes, size=n_edges)
    popular = rng.permutation(n_nodes)[np.minimum(rng.zipf(1.6, size=n_edges) - 1, n_nodes - 1)]
    dst = np.where(rng.random(n_edges) < 0.7, rng.integers(0, n_nodes, size=n_edges), popular)
    ids = pl.Series([f"n{i:07d}" for i in range(n_nodes)])
    return pl.DataFrame({"src": ids.gather(src), "dst": ids.gather(dst)})


def python_bfs(
    src: list[str], dst: list[str], seeds: list[str], targets: list[str], k: int
) -> dict[str, int]:
    """Baseline: multi-source BFS from targets on reversed edges, plain Python."""
    rev: dict[str, list[str]] = {}
    for s, d in zip(src, dst, strict=True):
        rev.setdefault(d, []).append(s)
    dist = {t: 0 for t in targets}
    queue = deque(targets)
    while queue:
        u = queue.popleft()
        du = dist[u]
        if du == k:
            continue
        for v in rev.get(u, ()):
            if v not in dist:
                dist[v] = du + 1
                queue.append(v)
    return {s: dist[s] for s in seeds if s in dist}


def python_ppr_iterations(
    src: list[str], dst: list[str], bad: list[str], iterations: int, alpha: float = 0.85
) -> float:
    """Baseline: plain-Python PPR power iterations on reversed edges; return seconds per iteration."""
    pairs = list(set(zip(src, dst, strict=True)))
    nodes = sorted({x for pair in pairs for x in pair})
    outdeg: dict[str, int] = {}
    for _s, d in pairs:
        outdeg[d] = outdeg.get(d, 0) + 1  # reversed edge d -> s
    p = dict.fromkeys(nodes, 0.0)
    for b in bad:
        p[b] = 1 / len(bad)
    x = dict(p)
    t0 = time.perf_counter()
    for _ in range(iterations):
        new = dict.fromkeys(nodes, 0.0)
        for s, d in pairs:
            new[s] += x[d] / outdeg[d]
        dangle = sum(x[v] for v in nodes if v not in outdeg)
        x = {v: alpha * (new[v] + dangle * p[v]) + (1 - alpha) * p[v] for v in nodes}
    return (time.perf_counter() - t0) / iterations


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("--targets", type=int, default=1000)
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args()

    t0 = time.perf_counter()
    edges = make_graph(args.nodes, args.edges, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    picks = rng.choice(args.nodes, size=args.seeds + args.targets, replace=False)
    seeds = [f"n{i:07d}" for i in picks[: args.seeds]]
    targets = [f"n{i:07d}" for i in picks[args.seeds :]]
    print(
        f"graph: {args.nodes:,} nodes, {edges.height:,} edges (seed {args.seed}), generated in "
        f"{time.perf_counter() - t0:.2f} s; peak RSS {peak_rss_mb():.0f} MiB"
    )
    print(f"{'step':<34}{'seconds':>9}{'edges/s':>14}{'peak RSS MiB':>14}")

    def row(name: str, seconds: float) -> None:
        print(f"{name:<34}{seconds:>9.3f}{edges.height / seconds:>14,.0f}{peak_rss_mb():>14.0f}")

    links.reachability(edges.head(1000), seeds[:5], targets[:5], 2)  # warm-up (thread pool, imports)
    t0 = time.perf_counter()
    reach = links.reachability(edges, seeds, targets, args.k)
    t_reach = time.perf_counter() - t0
    row(f"reachability k={args.k} (polars)", t_reach)

    t0 = time.perf_counter()
    info: dict = {}
    ranked = links.bad_rank(edges, targets, info=info)
    t_ppr = time.perf_counter() - t0
    row("bad_rank PPR (numpy)", t_ppr)

    src, dst = edges.get_column("src").to_list(), edges.get_column("dst").to_list()
    t0 = time.perf_counter()
    base = python_bfs(src, dst, seeds, targets, args.k)
    t_base = time.perf_counter() - t0
    row(f"baseline BFS k={args.k} (plain Python)", t_base)

    same = (
        dict(zip(reach.get_column("seed").to_list(), reach.get_column("distance").to_list(), strict=True))
        == base
    )
    print(
        f"seeds reaching a target within {args.k}: {reach.height:,} of {len(seeds):,}; "
        f"distances equal to baseline: {same}"
    )
    print(f"reachability speed-up over plain Python: {t_base / t_reach:.1f}x")

    iters = 3
    per_iter = python_ppr_iterations(src, dst, targets, iters)
    print(
        f"{'baseline PPR (plain Python)':<34}{per_iter:>9.3f}{edges.height / per_iter:>14,.0f}"
        f"{peak_rss_mb():>14.0f}   (per iteration, {iters} timed)"
    )
    ppr_iter = t_ppr / info["iterations"]
    print(
        f"bad_rank: {info['iterations']} iterations to convergence, {ppr_iter:.4f} s per iteration "
        f"(including setup); speed-up per iteration over plain Python: {per_iter / ppr_iter:.0f}x; "
        f"top node {ranked.row(0)[0]}"
    )


if __name__ == "__main__":
    main()
