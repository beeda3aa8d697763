"""Charts for the hidden-link graph (``dsa_explore.analysis.links``), plus the JupyterLab explorer.

Every builder takes a small polars frame produced by ``dsa_explore.analysis.links`` (graph summary,
reachability rates, hop distribution, example chains, PageRank ranking, planted-chain recall)
and returns an Altair chart with a title and a description (ARIA label). The shipped graph is
synthetic, so builders default to ``synthetic=True`` and mark titles "[SYNTHETIC DATA]".
:func:`reachability_slider` carries an Altair param bound to a range slider, so it stays
interactive in exported HTML; :func:`explorer` is an ipywidgets view for JupyterLab only.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import _check, bar_chart, forest_plot, theme, titled

CATEGORY_LABELS = {"child_targeted": "child-targeted → adult/prohibited",
                   "legitimate": "legitimate → counterfeit"}

#: One colour per node type (Okabe-Ito), fixed across charts.
NODE_TYPE_COLOURS = {
    "listing": theme.OKABE_ITO[0],
    "seller": theme.OKABE_ITO[7],
    "affiliate": theme.OKABE_ITO[3],
    "external_domain": theme.OKABE_ITO[5],
    "search_suggestion": theme.OKABE_ITO[4],
    "image_hash": theme.OKABE_ITO[2],
}


def _node_type_scale() -> alt.Scale:
    return alt.Scale(domain=list(NODE_TYPE_COLOURS), range=list(NODE_TYPE_COLOURS.values()))


def _with_labels(frame: pl.DataFrame, column: str = "seed_category") -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace(CATEGORY_LABELS).alias("seeds → targets"))


def graph_summary_chart(summary: pl.DataFrame, *, synthetic: bool = True, subtitle: str | None = None) -> alt.Chart:
    """Bar chart of node and edge counts by type (``links.graph_summary`` output)."""
    frame = summary.with_columns(pl.format("{}: {}", pl.col("table").str.strip_suffix("s"), pl.col("type")).alias("kind"))
    return bar_chart(frame, x="kind", y="count", color="table", horizontal=True, title="Link graph: nodes and edges by type",
                     description="Horizontal bars: number of nodes per node type and of edges per edge type "
                                 "in the link graph.", x_title=None, y_title="count", subtitle=subtitle,
                     synthetic=synthetic, tooltip=["table", "type", "count"], width=440)


def reachability_by_k_chart(rates: pl.DataFrame, *, synthetic: bool = True, subtitle: str | None = None) -> alt.LayerChart:
    """Points with 95% Wilson intervals: share of seeds reaching a bad target within k hops, per k."""
    frame = _check(_with_labels(rates), ["k", "rate", "low", "high", "seeds → targets"])
    base = alt.Chart(frame, title=titled("Share of seeds reaching bad content within k links", subtitle, synthetic),
                     description="Reachability rate R_k with 95% Wilson intervals for k = 1 to 4 links, one "
                                 "colour per seed group (child-targeted to adult/prohibited, legitimate to "
                                 "counterfeit).", width=460)
    x = alt.X("k:O", title="max links followed (k)", axis=alt.Axis(labelAngle=0))
    colour = alt.Color("seeds → targets:N")
    offset = alt.XOffset("seeds → targets:N")
    tips = [alt.Tooltip("seeds → targets:N"), alt.Tooltip("k:O"), alt.Tooltip("reached:Q"), alt.Tooltip("seeds:Q"),
            alt.Tooltip("rate:Q", format=".1%"), alt.Tooltip("low:Q", format=".1%"), alt.Tooltip("high:Q", format=".1%")]
    rule = base.mark_rule(strokeWidth=2).encode(x=x, xOffset=offset, color=colour,
                                                y=alt.Y("low:Q", title="share of seeds", axis=alt.Axis(format=".0%")),
                                                y2="high:Q", tooltip=tips)
    point = base.mark_point(filled=True, size=70).encode(x=x, xOffset=offset, color=colour, y="rate:Q", tooltip=tips)
    return alt.layer(rule, point, title=base.title, description=base.description)


def reachability_slider(rates: pl.DataFrame, *, synthetic: bool = True, platform: str | None = None,
                        initial_k: int = 2) -> alt.LayerChart:
    """Bars of R_k per seed group with Wilson intervals; a slider (Altair param) chooses k.

    The frame holds every k (``links.reachability_rate``), so the slider works in exported HTML
    with no kernel: the chart filters ``datum.k == k``.
    """
    frame = _check(_with_labels(rates), ["k", "rate", "low", "high", "seeds → targets"])
    ks = sorted(frame.get_column("k").unique().to_list())
    k = alt.param(name="k", value=min(max(initial_k, ks[0]), ks[-1]),
                  bind=alt.binding_range(min=ks[0], max=ks[-1], step=1, name="max links followed (k): "))
    title = "Seeds that reach bad content within k links" + (f": {platform}" if platform else "")
    base = (alt.Chart(frame, title=titled(title, "drag the slider to change k; bars show 95% Wilson intervals",
                                          synthetic),
                      description="Bar chart of the share of seeds that reach a bad target within k links, per "
                                  "seed group, with 95% Wilson intervals; a slider sets k from 1 to "
                                  f"{ks[-1]}.", width=440)
            .transform_filter(alt.datum.k == k))
    y = alt.Y("seeds → targets:N", title=None)
    tips = [alt.Tooltip("seeds → targets:N"), alt.Tooltip("k:Q"), alt.Tooltip("reached:Q"), alt.Tooltip("seeds:Q"),
            alt.Tooltip("rate:Q", format=".1%"), alt.Tooltip("low:Q", format=".1%"), alt.Tooltip("high:Q", format=".1%")]
    bars = base.mark_bar(opacity=0.8).encode(
        y=y, x=alt.X("rate:Q", title="share of seeds", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("seeds → targets:N", legend=None), tooltip=tips)
    rules = base.mark_rule(color="#333", strokeWidth=1.5).encode(y=y, x="low:Q", x2="high:Q", tooltip=tips)
    text = base.mark_text(align="left", dx=4, dy=-9, fontSize=11).encode(
        y=y, x="high:Q", text=alt.Text("rate:Q", format=".0%"))
    return alt.layer(bars, rules, text, title=base.title, description=base.description).add_params(k)


def hop_distribution_chart(hops: pl.DataFrame, *, synthetic: bool = True, subtitle: str | None = None) -> alt.Chart:
    """Grouped bars: number of seeds by minimum hop count to a bad target, per seed group."""
    frame = _check(_with_labels(hops), ["hops", "hops_order", "seeds", "share", "seeds → targets"])
    order = frame.sort("hops_order").get_column("hops").unique(maintain_order=True).to_list()
    return (alt.Chart(frame, title=titled("Minimum links from seed to bad content", subtitle, synthetic),
                      description="Grouped bar chart: number of seeds by the shortest number of links to a bad "
                                  "target (1 to 4, or not within 4), per seed group.", width=460)
            .mark_bar().encode(
                x=alt.X("hops:N", sort=order, title="minimum links to a bad target", axis=alt.Axis(labelAngle=0)),
                xOffset=alt.XOffset("seeds → targets:N"),
                y=alt.Y("seeds:Q", title="seeds", scale=alt.Scale(type="symlog")),
                color=alt.Color("seeds → targets:N"),
                tooltip=[alt.Tooltip("seeds → targets:N"), alt.Tooltip("hops:N"), alt.Tooltip("seeds:Q"),
                         alt.Tooltip("share:Q", format=".1%")]))


def chain_diagram(chains: pl.DataFrame, *, synthetic: bool = True, subtitle: str | None = None) -> alt.LayerChart:
    """Layered node-link diagram: one row per example chain, nodes left (seed) to right (bad target)."""
    frame = _check(chains, ["chain", "step", "node_id", "node_type"])
    frame = frame.with_columns(
        pl.when(pl.col("bad_kind").is_not_null()).then(pl.format("{} ({})", pl.col("node_type"), pl.col("bad_kind")))
        .otherwise(pl.col("node_type")).str.replace_all("_", " ").alias("label"))
    if "edge_in" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("edge_in"))
    chain_order = frame.sort("chain").get_column("chain").unique(maintain_order=True).to_list()
    base = alt.Chart(frame, title=titled("Example hidden-link chains (one shortest path each)", subtitle, synthetic),
                     description="Node-link diagram: each row is one chain from a seed listing (left) to a bad "
                                 "target (right); circles are nodes coloured by node type, lines are the "
                                 "links followed.", width=460, height=alt.Step(46))
    y = alt.Y("chain:N", sort=chain_order, title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X("step:Q", title="link number along the chain", axis=alt.Axis(tickMinStep=1, format="d"),
              scale=alt.Scale(domain=[-0.3, float(frame.get_column("step").max()) + 0.3]))
    tips = [alt.Tooltip("node_id:N"), alt.Tooltip("node_type:N"), alt.Tooltip("bad_kind:N"),
            alt.Tooltip("edge_in:N", title="reached by edge"), alt.Tooltip("step:Q")]
    line = base.mark_line(color="#888", strokeWidth=1.5).encode(x=x, y=y, detail="chain:N", order="step:Q")
    dots = base.mark_circle(size=220, opacity=1).encode(
        x=x, y=y, color=alt.Color("node_type:N", scale=_node_type_scale(), title="node type"), tooltip=tips)
    text = base.mark_text(dy=16, fontSize=9).encode(x=x, y=y, text="label:N")
    return alt.layer(line, dots, text, title=base.title, description=base.description)


def top_nodes_chart(top: pl.DataFrame, *, synthetic: bool = True, subtitle: str | None = None) -> alt.Chart:
    """Horizontal bars of bad-seed PageRank mass (times uniform) for the top non-bad nodes."""
    frame = _check(top, ["node_id", "node_type", "score", "score_vs_uniform"])
    return (alt.Chart(frame, title=titled("Nodes that lead to bad content (bad-seed PageRank)", subtitle, synthetic),
                      description="Horizontal bar chart: nodes ranked by personalised PageRank mass from the bad "
                                  "targets on reversed edges, as a multiple of the uniform mass, coloured by node "
                                  "type.", width=440)
            .mark_bar().encode(
                y=alt.Y("node_id:N", sort="-x", title=None),
                x=alt.X("score_vs_uniform:Q", title="PageRank mass (× uniform)"),
                color=alt.Color("node_type:N", scale=_node_type_scale(), title="node type"),
                tooltip=[alt.Tooltip("rank:Q"), alt.Tooltip("node_id:N"), alt.Tooltip("node_type:N"),
                         alt.Tooltip("score:Q", format=".5f"), alt.Tooltip("score_vs_uniform:Q", format=".1f")]))


def recall_chart(recall: pl.DataFrame, *, synthetic: bool = True, subtitle: str | None = None) -> alt.LayerChart:
    """Forest plot: recall of planted chains at their true hop count, per planted length."""
    frame = recall.with_columns(pl.format("length {} ({} planted)", pl.col("hops"), pl.col("planted")).alias("planted chain"))
    chart = forest_plot(frame, "recall", "low", "high", "planted chain",
                       title="Planted chains found at their true length",
                       description="Forest plot: share of planted hidden-link chains that the reachability search "
                                   "finds at exactly the planted number of links, per planted length, with 95% "
                                   "Wilson intervals.", x_title="recall", subtitle=subtitle, synthetic=synthetic,
                       width=420)
    return chart.properties(title=chart.layer[0].title, description=chart.layer[0].description)


