"""Charts of captured evidence: the hidden-link chains found in a capture (frames in, Altair charts out)."""

from __future__ import annotations

import altair as alt
import polars as pl

from dsa_explore.charts import _check, titled

#: The source line every chart of this module carries (``titled(..., source=...)``).
SOURCE = (
    "Source: the analyst's own captures of marketplace pages (WARC/WACZ, HAR, saved HTML), "
    "as read by dsa_explore.readers"
)


def _titled(*args, **kwargs):
    """``titled`` with this module's source line."""
    return titled(*args, **{"source": SOURCE, **kwargs})


#: Colour of each page role along a chain (seed listings blue, flagged targets red/purple/orange).
ROLE_COLOURS: dict[str, str] = {
    "captured listing": "#0072B2",
    "page": "#999999",
    "other site": "#E69F00",
    "flagged: adult": "#CC0000",
    "flagged: restricted substance": "#7A0177",
    "flagged: counterfeit signal": "#D55E00",
}


def chain_diagram(
    steps: pl.DataFrame, *, subtitle: str | None = None, synthetic: bool = False, source: str | None = None
) -> alt.LayerChart:
    """Return a node-link diagram of captured chains: a row per chain, seed listing left, flagged page right.

    ``steps`` is :func:`dsa_explore.analysis.capture_evidence.chain_steps` output; each line segment
    is labelled with the kind of edge (link, redirect, meta_refresh, script) that reached the next page.
    ``synthetic`` (the mock marketplace's capture, ``CaptureEvidence.synthetic``) gives a [SYNTHETIC DATA]
    title; ``source`` (the caller's capture files, ``CaptureEvidence.source_text()``) replaces the
    generic source line.
    """
    frame = _check(steps, ["chain", "step", "url", "page", "role", "edge_in"]).drop("data", strict=False)
    order = frame.get_column("chain").unique(maintain_order=True).to_list()
    base = alt.Chart(
        frame,
        title=_titled(
            "Hidden-link chains in the captured pages",
            subtitle,
            synthetic,
            **({"source": source} if source else {}),
        ),
        description="Node-link diagram: each row is one chain from a captured listing (left) to a "
        "page flagged for adult content, a restricted substance or a counterfeit signal "
        "(right); circles are pages coloured by role, labels under the lines name the "
        "kind of edge followed.",
        width=560,
        height=alt.Step(60),
    )
    y = alt.Y("chain:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    x = alt.X(
        "step:Q",
        title="link number along the chain",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domain=[-0.3, float(frame.get_column("step").max() or 0) + 0.3]),
    )
    tips = [
        alt.Tooltip("url:N", title="page"),
        alt.Tooltip("role:N"),
        alt.Tooltip("edge_in:N", title="reached by"),
        alt.Tooltip("step:Q"),
    ]
    roles = [r for r in ROLE_COLOURS if r in set(frame.get_column("role").to_list())]
    line = base.mark_line(color="#888", strokeWidth=1.5).encode(x=x, y=y, detail="chain:N", order="step:Q")
    dots = base.mark_circle(size=240, opacity=1).encode(
        x=x,
        y=y,
        tooltip=tips,
        color=alt.Color(
            "role:N",
            title="page role",
            legend=alt.Legend(labelLimit=260),
            scale=alt.Scale(domain=roles, range=[ROLE_COLOURS[r] for r in roles]),
        ),
    )
    pages = base.mark_text(dy=18, fontSize=9).encode(x=x, y=y, text="page:N")
    edges = (
        base.transform_filter("datum.edge_in != null")
        .transform_calculate(mid="datum.step - 0.5")
        .mark_text(dy=-10, fontSize=9, fontStyle="italic", color="#444")
        .encode(x=alt.X("mid:Q"), y=y, text="edge_in:N")
    )
    return alt.layer(line, dots, pages, edges, title=base.title, description=base.description)
