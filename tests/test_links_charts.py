"""Tests of the hidden-link charts and the briefing section.

Why these exist: the briefing renders the links section for every known platform offline, so the
key chart must carry its slider as an Altair param (it is the only interactivity that survives
HTML export), every chart must be marked synthetic and described, and each section's sentences
may only cite facts it defines. Charts are checked through ``to_dict()``, not pixels.
"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from dsa_explore.analysis import links
from dsa_explore.briefing.sections import links as links_section
from dsa_explore.charts import links as link_charts
from dsa_explore.core import platforms
from dsa_explore.explore import links as links_explorer


@pytest.fixture(scope="module")
def ali():
    nodes, edges, chains = links.load_graph("AliExpress")
    seeds = links.seed_reach(nodes, edges)
    return nodes, edges, chains, seeds


def _all_charts(ali):
    nodes, edges, chains, seeds = ali
    return {
        "summary": link_charts.graph_summary_chart(links.graph_summary(nodes, edges)),
        "by_k": link_charts.reachability_by_k_chart(links.reachability_rate(seeds)),
        "slider": link_charts.reachability_slider(links.reachability_rate(seeds)),
        "hops": link_charts.hop_distribution_chart(links.hop_distribution(seeds)),
        "chains": link_charts.chain_diagram(
            links.chains_with_edge_types(links.example_chains(seeds, nodes), edges)
        ),
        "top": link_charts.top_nodes_chart(links.top_leading_nodes(nodes, edges)),
        "recall": link_charts.recall_chart(links.recall_by_hops(links.planted_recall(chains, nodes, edges))),
    }


def _title(spec):
    t = spec.get("title")
    return t.get("text") if isinstance(t, dict) else t


def test_every_chart_is_titled_synthetic_and_described(ali):
    for name, chart in _all_charts(ali).items():
        spec = chart.to_dict()
        assert "[SYNTHETIC DATA]" in _title(spec), name
        assert len(spec.get("description", "")) > 40, name


def test_slider_is_a_bound_range_param_filtering_k(ali):
    spec = _all_charts(ali)["slider"].to_dict()
    params = spec["params"]
    assert [p["name"] for p in params] == ["k"]
    assert params[0]["bind"]["input"] == "range"
    assert (params[0]["bind"]["min"], params[0]["bind"]["max"], params[0]["bind"]["step"]) == (1, 4, 1)
    text = json.dumps(spec)
    assert "(datum.k === k)" in text
    data = next(iter(spec["datasets"].values()))
    assert sorted({row["k"] for row in data}) == [1, 2, 3, 4]


def test_chain_diagram_draws_one_row_per_chain_from_seed_to_bad_target(ali):
    nodes, edges, chains, seeds = ali
    ex = links.chains_with_edge_types(
        links.example_chains(seeds, nodes, per_hops=1, seeds=chains["seed"]), edges
    )
    # one chain per seed group and length 1-4, each from a planted seed
    assert sorted(ex.group_by("chain").agg(pl.col("step").max())["step"].to_list()) == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    assert set(ex.filter(pl.col("step") == 0)["node_id"]) <= set(chains["seed"])
    last = ex.sort("step").group_by("chain").last()
    assert last["bad_kind"].null_count() == 0
    # every step after the seed was reached through a real edge
    assert ex.filter(pl.col("step") > 0)["edge_in"].null_count() == 0


@pytest.mark.parametrize("platform", platforms.KNOWN_PLATFORMS)
def test_briefing_section_for_every_platform(platform):
    from dsa_explore.briefing.model import Section

    sec = links_section.section(platform)
    assert isinstance(sec, Section)
    assert sec.synthetic is True
    keys = {f.key for f in sec.facts}
    for sentence in sec.sentences:
        for key in re.findall(r"\{([a-zA-Z0-9_]+)\}", sentence):
            assert key in keys, (platform, key)
    for f in sec.facts:
        assert f.source.synthetic and f.source.dataset in (links.EDGES_DATASET, links.CHAINS_DATASET)
    spec = sec.chart.to_dict()
    assert len(json.dumps(spec)) < 300_000
    assert platform in json.dumps(spec["title"])
    assert any("SYNTHETIC" in c for c in sec.caveats)


def test_briefing_sections_differ_between_platforms():
    a = links_section.section("AliExpress")
    z = links_section.section("zalando")  # slug accepted
    assert a.fact("child_r4").text != z.fact("child_r4").text
    expected = links.reachability_rate(links.seed_reach(*links.load_graph("Zalando")[:2]))
    row = expected.filter((pl.col("seed_category") == "child_targeted") & (pl.col("k") == 4)).row(
        0, named=True
    )
    assert z.fact("child_r4").value == row["rate"]


def test_unknown_platform_is_refused():
    with pytest.raises(ValueError, match="unknown platform"):
        links_section.section("Nowhere Market")


def test_explorer_builds_widgets(ali):
    box = links_explorer.explorer(ali[3])
    assert len(box.children) == 3  # SYNTHETIC banner, controls, output
    assert "SYNTHETIC DATA" in box.children[0].value
    assert "needs a running kernel" in repr(box) and "SYNTHETIC" in repr(box)


def test_explorer_says_synthetic_only_for_the_synthetic_graph(ali):
    # Issue 18 item 8: the explorer's rows carry the marker of the seed table they come from.
    marked = links.explore_seeds(ali[3], "child_targeted", 4)
    assert marked.columns[0] == "data" and set(marked["data"]) == {"SYNTHETIC"}
    plain_seeds = ali[3].drop("data")
    assert "data" not in links.explore_seeds(plain_seeds, "child_targeted", 4).columns
    box = links_explorer.explorer(plain_seeds)
    assert len(box.children) == 2 and "SYNTHETIC" not in repr(box)  # no banner, no marker
