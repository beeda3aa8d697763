"""One house style for every chart: registered once, colour-blind-safe palettes.

``enable()`` registers and enables the ``dsa_explore`` Altair theme; chart builders
return unconfigured charts and the theme styles them. Palettes are named here, one comment
per colour, and nowhere else.
"""

from __future__ import annotations

THEME_NAME = "dsa_explore"

#: Okabe & Ito (2008) "Color Universal Design" palette: distinguishable with the common
#: colour-vision deficiencies. Order matters: categorical scales take colours in this order.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow (use on dark marks only)
    "#000000",  # black
]

#: Fixed colours per platform so a platform looks the same in every chart.
PLATFORM_COLOURS = {
    "AliExpress": "#D55E00",  # vermillion: the case's subject
    "Amazon Store": "#0072B2",  # blue
    "Temu": "#E69F00",  # orange
    "SHEIN": "#CC79A7",  # reddish purple
    "Zalando": "#009E73",  # bluish green
    "Booking.com": "#56B4E9",  # sky blue
    "Apple App Store": "#000000",  # black
    "Google Shopping": "#999999",  # grey
    "Google Play": "#666666",  # dark grey
}

#: Further distinct colours for platforms without a fixed one (Paul Tol's "muted" set plus two), in
#: the order they are handed out; none repeats a fixed platform colour. A chart that would show more
#: platforms than :func:`platform_palette` has colours gets an error, not two platforms in one colour.
SPARE_COLOURS = [
    "#332288",  # indigo
    "#44AA99",  # teal
    "#999933",  # olive
    "#882255",  # wine
    "#88CCEE",  # cyan
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#AA4499",  # purple
    "#117733",  # green
    "#8C564B",  # brown
    "#F0E442",  # yellow
]


def platform_palette(names) -> list[str]:
    """Return one distinct colour per platform name: its fixed colour, else the next unused spare colour.

    Raises ``ValueError`` when there are more names than distinct colours (group the rest first).
    """
    names = list(names)
    used = {PLATFORM_COLOURS[n] for n in names if n in PLATFORM_COLOURS}
    spare = [c for c in SPARE_COLOURS if c not in used]
    colours = []
    for name in names:
        if name in PLATFORM_COLOURS:
            colours.append(PLATFORM_COLOURS[name])
        elif spare:
            colours.append(spare.pop(0))
        else:
            raise ValueError(
                f"{len(names)} platforms but only {len(PLATFORM_COLOURS) + len(SPARE_COLOURS)} "
                "distinct colours: show fewer platforms or group the rest"
            )
    return colours


#: Sequential scheme for magnitudes (perceptually uniform, colour-blind-safe).
SEQUENTIAL_SCHEME = "viridis"
#: Diverging scheme for signed differences.
DIVERGING_SCHEME = "blueorange"
#: Colour for "no value / no moderator / missing" cells, distinct from any scheme colour.
MISSING_COLOUR = "#bdbdbd"
#: Colour that marks synthetic data in titles and badges.
SYNTHETIC_COLOUR = "#7a0177"

#: Width that fits an A4 page in portrait at 96 dpi with margins (pixels).
A4_WIDTH = 620

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def theme_config() -> dict:
    """Return the Vega-Lite config of the house theme."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "range": {
                "category": OKABE_ITO,
                "ordinal": {"scheme": SEQUENTIAL_SCHEME},
                "ramp": {"scheme": SEQUENTIAL_SCHEME},
            },
            "title": {
                "anchor": "start",
                "fontSize": 15,
                "fontWeight": 600,
                "subtitleFontSize": 12,
                "subtitleColor": "#444",
            },
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            # End labels stay inside their axis and overlapping labels are thinned, so labels of
            # neighbouring axes or concatenated panels never run together ("90%100%").
            "axisQuantitative": {"labelFlush": True, "labelOverlap": "greedy", "labelSeparation": 6},
            "axisTemporal": {"labelFlush": True, "labelOverlap": "greedy", "labelSeparation": 6},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "right"},
            "mark": {"color": OKABE_ITO[0]},
        }
    }


def enable() -> str:
    """Register (once) and enable the house theme; return its name."""
    import altair as alt

    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme_config)
    alt.theme.enable(THEME_NAME)
    return THEME_NAME


def synthetic_title(title: str, synthetic: bool) -> str:
    """Return ``title`` with a SYNTHETIC DATA marker when the chart shows synthetic data."""
    return f"{title} [SYNTHETIC DATA]" if synthetic else title
