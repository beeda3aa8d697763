"""Tests of dsa_explore.analysis.links: reachability, validation, PageRank ranking, rates.

Why these exist: ``links.reachability`` is an interface other tools call, and it is computed by a
vectorised multi-source search over reversed edges whose result is easy to get subtly wrong
(off-by-one hops, paths that skip an edge, seeds lost on cycles or self-loops). It is checked
against a plain-Python breadth-first search from each seed on random small graphs
(hypothesis). The validator must account for every row. ``bad_rank`` is checked against a
hand-solved two-node case and a direct linear solve of the PageRank equations.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsa_explore.analysis import links
from dsa_explore.data import catalog
from dsa_explore.readers import links as link_files

# ---------------------------------------------------------------------------------------------
# brute-force reference: BFS forward from each seed separately
# ---------------------------------------------------------------------------------------------


def brute_distance(edge_list, seed, targets, max_hops):
    """Shortest number of directed edges from ``seed`` to any target, or None beyond max_hops."""
    adj = {}
    for s, d in edge_list:
        adj.setdefault(s, []).append(d)
    seen = {seed: 0}
    queue = deque([seed])
    while queue:
        u = queue.popleft()
        if u in targets:
            return seen[u]
        if seen[u] == max_hops:
            continue
        for v in adj.get(u, []):
            if v not in seen:
                seen[v] = seen[u] + 1
                queue.append(v)
    return None


NODE_IDS = [f"n{i}" for i in range(8)]
node = st.sampled_from(NODE_IDS)
graphs = st.lists(st.tuples(node, node), max_size=30)  # includes self-loops, duplicates and cycles


@settings(max_examples=300, deadline=None)
@given(
    edge_list=graphs,
    seeds=st.lists(st.sampled_from(NODE_IDS + ["x_absent"]), max_size=10),
    targets=st.lists(st.sampled_from(NODE_IDS + ["y_absent"]), max_size=4),
    max_hops=st.integers(0, 6),
)
def test_reachability_matches_brute_force_bfs(edge_list, seeds, targets, max_hops):
    edges = pl.DataFrame(edge_list or None, schema={"src": pl.String, "dst": pl.String}, orient="row")
    result = links.reachability(edges, seeds, targets, max_hops)
    assert result.schema == pl.Schema({"seed": pl.String, "distance": pl.Int64, "path": pl.List(pl.String)})

    target_set = set(targets)
    expected = {}
    for s in dict.fromkeys(seeds):
        d = brute_distance(edge_list, s, target_set, max_hops)
        if d is not None:
            expected[s] = d
    got = dict(zip(result["seed"].to_list(), result["distance"].to_list(), strict=True))
    assert got == expected
    # one row per distinct seed, in the order given
    assert result["seed"].to_list() == [s for s in dict.fromkeys(seeds) if s in expected]

    edge_set = set(edge_list)
    for seed, dist, path in result.iter_rows():
        assert path[0] == seed
        assert path[-1] in target_set
        assert len(path) == dist + 1
        for a, b in zip(path[:-1], path[1:], strict=True):
            assert (a, b) in edge_set, f"path {path} uses ({a}, {b}), which is not an edge"


@settings(max_examples=100, deadline=None)
@given(edge_list=graphs, targets=st.lists(node, min_size=1, max_size=4))
def test_seeds_that_are_targets_have_distance_zero_and_a_one_node_path(edge_list, targets):
    edges = pl.DataFrame(edge_list or None, schema={"src": pl.String, "dst": pl.String}, orient="row")
    result = links.reachability(edges, targets, targets, 3)
    assert sorted(result["seed"].to_list()) == sorted(set(targets))
    assert result["distance"].to_list() == [0] * result.height
    assert result["path"].to_list() == [[s] for s in result["seed"].to_list()]


def test_hand_built_chain_with_cycle_and_self_loop():
    edges = pl.DataFrame(
        {
            "src": ["a", "b", "b", "c", "c", "d", "e"],
            "dst": ["b", "b", "c", "a", "d", "e", "a"],
            "other": [1, 2, 3, 4, 5, 6, 7],
        }
    )
    got = links.reachability(edges, ["a", "c", "e", "z"], ["e"], 4)
    assert got.rows() == [("a", 4, ["a", "b", "c", "d", "e"]), ("c", 2, ["c", "d", "e"]), ("e", 0, ["e"])]
    # max_hops cuts a's 4-hop route
    assert links.reachability(edges, ["a"], ["e"], 3).height == 0


def test_ties_take_the_smallest_node_id_at_each_step():
    edges = pl.DataFrame({"src": ["s", "s", "m2", "m1"], "dst": ["m2", "m1", "t", "t"]})
    assert links.reachability(edges, ["s"], ["t"], 2)["path"].to_list() == [["s", "m1", "t"]]


def test_isolated_seed_that_is_a_target_and_empty_inputs():
    empty = pl.DataFrame(schema={"src": pl.String, "dst": pl.String})
    assert links.reachability(empty, ["a", "b"], ["a"], 2).rows() == [("a", 0, ["a"])]
    assert links.reachability(empty, [], ["a"], 2).height == 0
    assert links.reachability(empty, ["a"], [], 2).height == 0


def test_lazyframe_and_categorical_ids_are_accepted():
    edges = pl.DataFrame({"src": ["a", "b"], "dst": ["b", "c"]}).with_columns(
        pl.col("src").cast(pl.Categorical)
    )
    assert links.reachability(edges.lazy(), ["a"], ["c"], 2).rows() == [("a", 2, ["a", "b", "c"])]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"seeds": "a"}, TypeError, "not a single string"),
        ({"seeds": ["a", 3]}, TypeError, r"seeds\[1\] is 3"),
        ({"targets": [None]}, TypeError, r"targets\[0\] is None"),
        ({"max_hops": -1}, ValueError, "max_hops must be >= 0"),
        ({"max_hops": 2.5}, TypeError, "non-negative integer"),
        ({"max_hops": True}, TypeError, "non-negative integer"),
    ],
)
def test_bad_arguments_give_clear_errors(kwargs, error, match):
    args = {
        "edges": pl.DataFrame({"src": ["a"], "dst": ["b"]}),
        "seeds": ["a"],
        "targets": ["b"],
        "max_hops": 1,
    }
    args.update(kwargs)
    with pytest.raises(error, match=match):
        links.reachability(**args)


def test_malformed_edge_tables_give_clear_errors():
    with pytest.raises(links.GraphError, match=r"missing required column\(s\) \['dst'\]"):
        links.reachability(pl.DataFrame({"src": ["a"], "to": ["b"]}), ["a"], ["b"], 1)
    with pytest.raises(links.GraphError, match=r"row 2: src='b', dst=None"):
        links.reachability(pl.DataFrame({"src": ["a", "b"], "dst": ["b", None]}), ["a"], ["b"], 1)
    with pytest.raises(links.GraphError, match="must hold strings.*Int64"):
        links.reachability(pl.DataFrame({"src": [1], "dst": [2]}), ["1"], ["2"], 1)


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------

NODES = pl.DataFrame(
    {
        "node_id": ["L1", "L2", "S1", "D1", "L1", None, "X1"],
        "node_type": ["listing", "listing", "seller", "external_domain", "listing", "listing", "warehouse"],
    }
)
EDGES = pl.DataFrame(
    {
        "src": ["L1", "L1", "L2", "S1", "L1", "L9", "L2", None],
        "dst": ["L2", "S1", "D1", "L1", "D1", "L1", "L7", "L1"],
        "edge_type": [
            "recommended_with",
            "sold_by",
            "links_to",
            "sold_by",
            "teleports_to",
            "links_to",
            "links_to",
            "links_to",
        ],
    }
)


def test_validator_reports_every_rejected_row_with_its_reason():
    rep = links.validate(NODES, EDGES)
    assert rep.rejected_nodes.select("row", "reason").rows() == [
        (5, "duplicate node_id (an earlier row has the same id)"),
        (6, "missing node_id"),
        (
            7,
            "unknown node_type 'warehouse' (expected one of listing, seller, affiliate, external_domain, "
            "search_suggestion, image_hash)",
        ),
    ]
    assert rep.rejected_edges.select("row", "reason").rows() == [
        (4, "edge_type 'sold_by' cannot join a seller to a listing"),
        (
            5,
            "unknown edge_type 'teleports_to' (expected one of links_to, redirects_to, affiliate_promotes, "
            "recommended_with, suggested_for, shares_image, sold_by)",
        ),
        (6, "src 'L9' is not a known node"),
        (7, "dst 'L7' is not a known node"),
        (8, "missing src"),
    ]
    assert rep.nodes["node_id"].to_list() == ["L1", "L2", "S1", "D1"]
    assert rep.edges.select("src", "dst").rows() == [("L1", "L2"), ("L1", "S1"), ("L2", "D1")]
    summary = rep.summary()
    assert summary.rows() == [("nodes", 7, 4, 3), ("edges", 8, 3, 5)]
    assert not rep.ok
    assert rep.reasons().filter(pl.col("table") == "edges")["rows"].sum() == 5


def test_validator_strict_raises_with_rows_and_values():
    with pytest.raises(links.GraphError) as exc:
        links.validate(NODES, EDGES, strict=True)
    text = str(exc.value)
    assert "edge table: 5 of 8 row(s) rejected" in text
    assert "row 6: src='L9', dst='L1', edge_type='links_to': src 'L9' is not a known node" in text
    assert "row 7: node_id='X1', node_type='warehouse'" in text


def test_validator_missing_columns_raise():
    with pytest.raises(links.GraphError, match=r"node table: missing required column\(s\) \['node_type'\]"):
        links.validate(NODES.drop("node_type"), EDGES)
    with pytest.raises(links.GraphError, match=r"edge table: missing required column\(s\) \['edge_type'\]"):
        links.validate(NODES, EDGES.drop("edge_type"))


def test_clean_graph_passes_strict():
    rep = links.validate(NODES.head(4), EDGES.head(3), strict=True)
    assert rep.ok and rep.message() == "no rows rejected"


def test_read_graph_csv_names_the_file_and_row(tmp_path):
    from dsa_explore.core import paths

    fixtures = paths.PROJECT_ROOT / "tests" / "fixtures" / "links"
    rep = link_files.read_graph_csv(
        fixtures / "nodes-malformed.csv", fixtures / "edges-malformed.csv", strict=False
    )
    assert rep.summary().rows() == [("nodes", 4, 3, 1), ("edges", 5, 2, 3)]
    with pytest.raises(links.GraphError, match=r"edges-malformed\.csv: 3 of 5 row\(s\) rejected"):
        link_files.read_graph_csv(fixtures / "nodes-malformed.csv", fixtures / "edges-malformed.csv")
    with pytest.raises(links.GraphError, match="file not found"):
        link_files.read_graph_csv(tmp_path / "none.csv", fixtures / "edges-malformed.csv")


# ---------------------------------------------------------------------------------------------
# bad-seed personalised PageRank
# ---------------------------------------------------------------------------------------------


def reference_ppr(edge_list, bad, alpha):
    """Solve x = alpha (P^T x + (d . x) p) + (1 - alpha) p directly (dense linear system)."""
    pairs = sorted(set(edge_list))
    nodes = sorted({v for e in pairs for v in e} | set(bad))
    idx = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    M = np.zeros((n, n))  # M[x, u] = probability to step u -> x on the reversed graph
    outdeg = np.zeros(n)
    for _s, d in pairs:
        outdeg[idx[d]] += 1
    for s, d in pairs:
        M[idx[s], idx[d]] += 1 / outdeg[idx[d]]
    p = np.zeros(n)
    for b in set(bad):
        p[idx[b]] = 1 / len(set(bad))
    dangling = (outdeg == 0).astype(float)
    A = np.eye(n) - alpha * M - alpha * np.outer(p, dangling)
    x = np.linalg.solve(A, (1 - alpha) * p)
    return dict(zip(nodes, x, strict=True))


def test_bad_rank_two_node_case_solved_by_hand():
    # a -> b, b bad. Reversed: b -> a; a is dangling. x_b = 1/(1+alpha), x_a = alpha/(1+alpha).
    alpha = 0.85
    got = dict(links.bad_rank(pl.DataFrame({"src": ["a"], "dst": ["b"]}), ["b"], alpha=alpha).rows())
    assert got["b"] == pytest.approx(1 / (1 + alpha), abs=1e-9)
    assert got["a"] == pytest.approx(alpha / (1 + alpha), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    edge_list=st.lists(st.tuples(node, node), min_size=1, max_size=30),
    bad=st.lists(node, min_size=1, max_size=3),
    alpha=st.sampled_from([0.5, 0.85, 0.95]),
)
def test_bad_rank_matches_direct_linear_solve(edge_list, bad, alpha):
    edges = pl.DataFrame(edge_list, schema={"src": pl.String, "dst": pl.String}, orient="row")
    got = links.bad_rank(edges, bad, alpha=alpha, tol=1e-13, max_iter=2000)
    ref = reference_ppr(edge_list, bad, alpha)
    assert set(got["node_id"].to_list()) == set(ref)
    for v, score in got.iter_rows():
        assert score == pytest.approx(ref[v], abs=1e-8)
    assert got["score"].sum() == pytest.approx(1.0, abs=1e-9)
    assert got["score"].to_list() == sorted(got["score"].to_list(), reverse=True)


def test_bad_rank_argument_errors_and_non_convergence():
    edges = pl.DataFrame({"src": ["a", "b", "c"], "dst": ["b", "c", "a"]})
    with pytest.raises(ValueError, match="at least one node"):
        links.bad_rank(edges, [])
    with pytest.raises(ValueError, match="alpha must be in"):
        links.bad_rank(edges, ["a"], alpha=1.0)
    with pytest.raises(RuntimeError, match="did not converge in 2 iterations"):
        links.bad_rank(edges, ["a"], max_iter=2)


def test_top_leading_nodes_ranks_the_node_that_points_at_many_bad_nodes_first():
    nodes = pl.DataFrame(
        {
            "node_id": ["hub", "x", "b1", "b2", "b3", "y"],
            "node_type": ["external_domain", "listing", "listing", "listing", "listing", "listing"],
            "bad_kind": [None, None, "adult", "adult", "counterfeit", None],
        }
    )
    edges = pl.DataFrame({"src": ["hub", "hub", "hub", "x", "y"], "dst": ["b1", "b2", "b3", "b1", "x"]})
    top = links.top_leading_nodes(nodes, edges, n=3)
    assert top["node_id"].to_list() == ["hub", "x", "y"]
    assert top["rank"].to_list() == [1, 2, 3]
    assert "b1" not in top["node_id"].to_list()


# ---------------------------------------------------------------------------------------------
# seed tables, rates, hop distribution, recall
# ---------------------------------------------------------------------------------------------

SEED_TABLE = pl.DataFrame(
    {
        "seed": ["a", "b", "c", "d", "e"],
        "seed_category": ["child_targeted"] * 4 + ["legitimate"],
        "distance": [1, 2, None, 4, 3],
        "path": [["a", "t"], ["b", "m", "t"], None, ["d", "1", "2", "3", "t"], ["e", "1", "2", "t"]],
        "target_kind": ["adult", "prohibited", None, "adult", "counterfeit"],
    },
    schema_overrides={"distance": pl.Int64},
)


def test_reachability_rate_counts_and_wilson_interval_match_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    rates = links.reachability_rate(SEED_TABLE)
    child = rates.filter(pl.col("seed_category") == "child_targeted")
    assert child.select("k", "reached", "seeds").rows() == [(1, 1, 4), (2, 2, 4), (3, 2, 4), (4, 3, 4)]
    for _, _k, reached, n, rate, low, high in child.iter_rows():
        ref_low, ref_high = proportion_confint(reached, n, alpha=0.05, method="wilson")
        assert rate == reached / n
        assert (low, high) == (pytest.approx(ref_low, abs=1e-9), pytest.approx(ref_high, abs=1e-9))
    overall = links.reachability_rate(SEED_TABLE, ks=[3], by=None)
    assert overall.select("k", "reached", "seeds").rows() == [(3, 3, 5)]


def test_hop_distribution_counts_every_seed_once():
    hops = links.hop_distribution(SEED_TABLE, max_hops=4)
    assert hops.select("seed_category", "hops", "seeds").rows() == [
        ("child_targeted", "1", 1),
        ("child_targeted", "2", 1),
        ("child_targeted", "4", 1),
        ("child_targeted", "not within 4", 1),
        ("legitimate", "3", 1),
    ]
    assert hops.filter(pl.col("seed_category") == "child_targeted")["share"].to_list() == [0.25] * 4


def test_seed_reach_uses_each_categorys_own_targets():
    nodes = pl.DataFrame(
        {
            "node_id": ["c", "l", "adult", "fake"],
            "node_type": ["listing"] * 4,
            "seed_category": ["child_targeted", "legitimate", None, None],
            "bad_kind": [None, None, "adult", "counterfeit"],
        }
    )
    edges = pl.DataFrame({"src": ["c", "l", "c"], "dst": ["fake", "adult", "l"]})
    got = links.seed_reach(nodes, edges, max_hops=3)
    # c reaches adult via l in 2 (fake does not count for child seeds); l's only target kind is counterfeit
    assert got.select("seed", "seed_category", "distance", "target_kind").rows() == [
        ("c", "child_targeted", 2, "adult"),
        ("l", "legitimate", None, None),
    ]


def test_planted_recall_marks_wrong_length_as_not_found():
    nodes = pl.DataFrame(
        {
            "node_id": ["c1", "c2", "m", "bad"],
            "node_type": ["listing"] * 4,
            "seed_category": ["child_targeted", "child_targeted", None, None],
            "bad_kind": [None, None, None, "adult"],
        }
    )
    edges = pl.DataFrame({"src": ["c1", "m", "c2"], "dst": ["m", "bad", "bad"]})
    chains = pl.DataFrame(
        {
            "chain_id": ["x1", "x2"],
            "platform": ["P", "P"],
            "scenario": ["child_to_adult"] * 2,
            "seed": ["c1", "c2"],
            "hops": [2, 3],
        }
    )
    rec = links.planted_recall(chains, nodes, edges)
    assert rec.select("chain_id", "found_distance", "found").rows() == [("x1", 2, True), ("x2", 1, False)]
    by = links.recall_by_hops(rec)
    assert by.select("hops", "planted", "found", "recall").rows() == [(2, 1, 1, 1.0), (3, 1, 0, 0.0)]


def test_explore_seeds_callback_filters_by_category_and_k():
    got = links.explore_seeds(SEED_TABLE, "child_targeted", 2)
    assert got.rows() == [("a", 1, 1, "adult", "a → t"), ("b", 2, 1, "prohibited", "b → m → t")]
    assert links.explore_seeds(SEED_TABLE, "legitimate", 2).height == 0


def test_explore_seeds_shows_the_longer_chains_when_k_grows():
    """Issue 18: with the first 20 rows by distance, k = 2, 3 and 4 looked the same."""
    table = pl.DataFrame(
        {
            "seed": [f"s{i:02d}" for i in range(30)] + ["long3", "long4"],
            "seed_category": ["child_targeted"] * 32,
            "distance": [1] * 30 + [3, 4],
            "target_kind": ["adult"] * 32,
            "path": [["x", "t"]] * 30 + [["long3", "a", "b", "t"], ["long4", "a", "b", "c", "t"]],
        }
    )
    by_k = {k: links.explore_seeds(table, "child_targeted", k, limit=20) for k in (2, 3, 4)}
    assert set(by_k[2]["distance"]) == {1}
    assert 3 in set(by_k[3]["distance"]) and 4 in set(by_k[4]["distance"])
    assert (
        by_k[4].filter(pl.col("distance") == 1)["reaching_at_distance"].to_list()[0] == 30
    )  # 30 typed above
    assert by_k[4].height <= 20


def test_tables_from_the_synthetic_graph_say_synthetic_on_every_row():
    # Issue 18 item 8: notebook 04's rate and chain tables showed real platform names with no marker.
    nodes, edges, _ = links.load_graph("AliExpress")
    seeds = links.seed_reach(nodes, edges, max_hops=4)
    for table in (
        links.reachability_rate(seeds),
        links.chain_table(seeds, nodes),
        links.reachability_rate(seeds, ks=[4], by=None),
    ):
        assert table.columns[0] == "data"
        assert set(table["data"].to_list()) == {"SYNTHETIC"}
    # The rates are those of the unmarked table: the marker adds a column, not rows.
    unmarked = links.reachability_rate(seeds.drop("data"))
    assert links.reachability_rate(seeds).drop("data").equals(unmarked)


def test_recall_by_hops_of_the_synthetic_graph_says_synthetic_and_real_input_does_not():
    # Issue 18 item 8: notebook 04's recall-by-hops table showed synthetic results with no marker.
    nodes, edges, chains = links.load_graph()
    by_hops = links.recall_by_hops(links.planted_recall(chains, nodes, edges, max_hops=4))
    assert by_hops.columns[0] == "data" and set(by_hops["data"]) == {"SYNTHETIC"}
    # The planted total is the truth file's row count (data/links/planted-chains-synthetic.csv).
    with catalog.path("links_planted_chains_synthetic").open(encoding="utf-8") as f:
        assert by_hops["planted"].sum() == sum(1 for _ in f) - 1
    # Nodes without the marker (an analyst's own graph) give the same numbers and no marker.
    plain = links.recall_by_hops(links.planted_recall(chains, nodes.drop("data"), edges, max_hops=4))
    assert "data" not in plain.columns
    assert by_hops.drop("data").equals(plain)
