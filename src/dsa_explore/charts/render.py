"""An Altair renderer that is safe with untrusted text and works offline.

Altair's default HTML output embeds the chart's JSON (data included) verbatim inside a
``<script>`` element, so a listing title such as ``</script><script>alert(1)</script>`` ends
the script and runs. This renderer escapes ``<``, ``>`` and ``&`` inside the JSON as ``\\u003c``
etc. (still valid JSON and JavaScript), uses a content-hashed element id (stable outputs for
nbval), and uses the global ``vegaEmbed`` when a page already has it (offline briefings,
``make lab``) before falling back to loading the libraries.
"""

from __future__ import annotations

import json

from dsa_explore.core.hashing import short_id

RENDERER_NAME = "dsa_explore"

#: SVG rather than canvas: marks carry ARIA labels, print sharply, and can be inspected by tests.
EMBED_OPTIONS = {"mode": "vega-lite", "renderer": "svg",
                 "actions": {"export": True, "source": False, "compiled": False, "editor": False}}

_TEMPLATE = """<div id="{div_id}" class="dsa-chart" role="figure" aria-label="{aria}"></div>
<script type="text/javascript">
(function(spec, embedOpt) {{
  var el = document.getElementById("{div_id}");
  var VD = (typeof VEGA_DEBUG == "undefined") ? {{}} : VEGA_DEBUG;
  function show(vegaEmbed) {{
    vegaEmbed(el, spec, embedOpt).catch(function(err) {{
      el.textContent = "Chart error: " + err.message; console.error(err);
    }});
  }}
  if (typeof vegaEmbed === "function" && VD.vegalite_version === "{vl}") {{ show(vegaEmbed); return; }}
  var paths = ["https://cdn.jsdelivr.net/npm/vega@{vg}", "https://cdn.jsdelivr.net/npm/vega-lite@{vl}",
               "https://cdn.jsdelivr.net/npm/vega-embed@{ve}"];
  function load(i) {{
    if (i === paths.length) {{ show(window.vegaEmbed); return; }}
    var s = document.createElement("script"); s.src = paths[i];
    s.onload = function() {{ load(i + 1); }};
    s.onerror = function() {{ el.textContent = "Chart libraries could not be loaded (offline?): start JupyterLab with `make lab`."; }};
    document.head.appendChild(s);
  }}
  load(0);
}})({spec}, {opts});
</script>"""


def safe_json(obj) -> str:
    """Return JSON safe to place inside an HTML ``<script>`` element (no raw ``<``, ``>``, ``&``)."""
    text = json.dumps(obj, sort_keys=False, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def chart_html(spec: dict) -> str:
    """Return the HTML snippet that draws a Vega-Lite ``spec``."""
    import html

    import altair as alt

    spec_json = safe_json(spec)
    div_id = "dsa-chart-" + short_id(spec_json)
    aria = _find(spec, "description") or _title_text(spec) or _find_title(spec) or "chart"
    return _TEMPLATE.format(div_id=div_id, aria=html.escape(str(aria), quote=True), spec=spec_json,
                            opts=safe_json(EMBED_OPTIONS), vg=alt.VEGA_VERSION, vl=alt.VEGALITE_VERSION,
                            ve=alt.VEGAEMBED_VERSION)


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or "")


def _parts(spec: dict):
    for key in ("layer", "hconcat", "vconcat", "concat"):
        yield from spec.get(key, []) or []
    if isinstance(spec.get("spec"), dict):
        yield spec["spec"]


def _find(spec: dict, key: str) -> str:
    """Return the first ``key`` (e.g. description) of a spec or, failing that, of its layers/concats."""
    if spec.get(key):
        return str(spec[key])
    for part in _parts(spec):
        found = _find(part, key)
        if found:
            return found
    return ""


def _find_title(spec: dict) -> str:
    for part in _parts(spec):
        found = _title_text(part) or _find_title(part)
        if found:
            return found
    return ""


def _renderer(spec: dict, **metadata) -> dict:
    return {"text/html": chart_html(spec), "text/plain": f"<chart: {_title_text(spec) or 'untitled'}>"}


def enable() -> str:
    """Register (once) and enable the safe renderer; return its name."""
    import altair as alt

    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, _renderer)
    alt.renderers.enable(RENDERER_NAME)
    return RENDERER_NAME
