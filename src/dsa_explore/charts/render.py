r"""An Altair renderer that draws in JupyterLab on opening and is safe with untrusted text in HTML.

It draws whether the notebook is trusted or not, with no kernel and no network.

In notebooks a chart is emitted as a **Vega spec** (``application/vnd.vega.v5+json``, compiled
from Altair's Vega-Lite 6 by ``vl_convert.vegalite_to_vega``), drawn by JupyterLab's built-in
``@jupyterlab/vega5-extension`` from JupyterLab's own static files: that renderer is marked safe,
so untrusted notebooks draw too, and it needs neither a kernel nor a CDN. A 1x1 PNG placeholder
rides along: JupyterLab's renderer otherwise writes a screenshot of every chart (~60 KB each)
into the output after drawing it, which marks the notebook modified and bloats it on save.
See ``docs/jupyterlab.md`` for the measurements.

For exported briefings :func:`chart_html` gives the HTML snippet, drawn by the inlined bundle.
Altair's default HTML output embeds the chart's JSON (data included) verbatim inside a
``<script>`` element, so a listing title such as ``</script><script>alert(1)</script>`` ends
the script and runs. This renderer escapes ``<``, ``>`` and ``&`` inside the JSON as ``\u003c``
etc. (still valid JSON and JavaScript), uses a content-hashed element id (stable outputs for
nbval), and uses the global ``vegaEmbed`` the page carries (offline briefings); it never loads
libraries from a CDN, and says so in place of the chart when they are missing.
"""

from __future__ import annotations

import json
import re

from dsa_explore.core.hashing import short_id

RENDERER_NAME = "dsa_explore"

#: The mimetype JupyterLab's built-in Vega renderer draws (also in untrusted notebooks).
VEGA_MIME = "application/vnd.vega.v5+json"
#: Vega schema the JupyterLab renderer (Vega 5) expects; vl-convert compiles to the same grammar.
VEGA5_SCHEMA = "https://vega.github.io/schema/vega/v5.json"
#: Embed options passed through output metadata: SVG (inspectable, ARIA labels), no editor links.
LAB_EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

#: SVG rather than canvas: marks carry ARIA labels, print sharply, and can be inspected by tests.
EMBED_OPTIONS = {
    "mode": "vega-lite",
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

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
  // Never fetched from a CDN: the page that shows this output must carry the libraries itself.
  el.textContent = "{missing}";
}})({spec}, {opts});
</script>"""


#: Shown instead of a chart when a page lacks the inlined libraries (nothing is fetched from the internet).
MISSING_LIBRARIES = (
    "This chart needs the Vega libraries inlined in the page; they are missing here. "
    "Export the page with `make briefing` (or open the notebook in JupyterLab)."
)


def safe_json(obj) -> str:
    """Return JSON safe to place inside an HTML ``<script>`` element (no raw ``<``, ``>``, ``&``)."""
    text = json.dumps(obj, sort_keys=False, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


#: Marks a binding rewritten for JupyterLab, with the input it had (restored for exported HTML).
ORIGINAL_INPUT = "dsa_original_input"
#: Lumino (JupyterLab) ignores its keyboard shortcuts for events from inside an element with this attribute.
SUPPRESS_SHORTCUTS = "data-lm-suppress-shortcuts"


def keyboard_bindings(vega: dict) -> dict:
    """Rewrite a Vega spec's slider bindings into ones a keyboard can operate inside JupyterLab.

    In a notebook JupyterLab takes arrow keys for its own shortcuts (select the next cell), so
    Altair's range sliders cannot be moved from the keyboard there. A slider becomes a number box
    (type a value or press arrow up/down; it carries ``data-lm-suppress-shortcuts`` so JupyterLab
    leaves its keys alone) feeding a clamped numeric signal of the original name. Menus stay menus:
    Alt+Down opens them, arrows and Enter choose. :func:`restore_bindings` undoes it for export.
    """
    signals = vega.get("signals", [])
    out = []
    for signal in signals:
        bind = signal.get("bind")
        kind = bind.get("input") if isinstance(bind, dict) else None
        if kind == "range":
            name = signal["name"]
            lo, hi = bind.get("min", 0), bind.get("max", 100)
            box = {
                **{k: v for k, v in bind.items() if k != "input"},
                "input": "number",
                "min": lo,
                "max": hi,
                "step": bind.get("step", 1),
                SUPPRESS_SHORTCUTS: "true",
                ORIGINAL_INPUT: "range",
                "name": bind.get("name", name),
            }
            out.append(
                {
                    **{k: v for k, v in signal.items() if k not in ("bind", "name")},
                    "name": f"{name}_typed",
                    "bind": box,
                }
            )
            out.append(
                {
                    "name": name,
                    "value": signal.get("value"),
                    "dsa_typed": True,
                    "update": f"clamp(toNumber({name}_typed), {lo}, {hi})",
                }
            )
        else:
            out.append(signal)
    if signals:
        vega["signals"] = out
    return vega


def restore_bindings(vega: dict) -> dict:
    """Undo :func:`keyboard_bindings` (exported pages have no JupyterLab shortcuts to avoid)."""
    if "signals" not in vega:
        return vega
    out = []
    typed = {
        s["name"]: s
        for s in vega["signals"]
        if isinstance(s.get("bind"), dict) and s["bind"].get(ORIGINAL_INPUT) == "range"
    }
    for signal in vega["signals"]:
        bind = signal.get("bind")
        if signal.get("dsa_typed"):
            continue
        if isinstance(bind, dict) and bind.get(ORIGINAL_INPUT):
            restored = {k: v for k, v in bind.items() if k not in (ORIGINAL_INPUT, SUPPRESS_SHORTCUTS)}
            restored["input"] = bind[ORIGINAL_INPUT]
            name = signal["name"][: -len("_typed")] if signal["name"] in typed else signal["name"]
            signal = {**signal, "name": name, "bind": restored}
        out.append(signal)
    return {**vega, "signals": out}


_TIP_KEY = re.compile(r'([{,]\s*)"([A-Za-z0-9_]+)":')
_TIP_RAW_FORMAT = re.compile(r'format\(datum\["([^"\]]+)"\], ""\)')


def _tooltip_signal(signal: str, synthetic: bool) -> str:
    from dsa_explore.core.formatting import vega_number

    signal = _TIP_KEY.sub(lambda m: m.group(1) + '"' + m.group(2).replace("_", " ") + '":', signal)
    signal = _TIP_RAW_FORMAT.sub(lambda m: vega_number(f'datum["{m.group(1)}"]', m.group(1)), signal)
    if synthetic and signal.startswith("{") and '"data": "SYNTHETIC DATA"' not in signal:
        signal = (
            '{"data": "SYNTHETIC DATA", ' + signal[1:] if signal != "{}" else '{"data": "SYNTHETIC DATA"}'
        )
    return signal


def readable_tooltips(vega, synthetic: bool):
    """Give every tooltip readable keys (no underscores), the one number format, a SYNTHETIC row if due."""
    if isinstance(vega, dict):
        tip = vega.get("tooltip")
        if isinstance(tip, dict) and isinstance(tip.get("signal"), str):
            tip["signal"] = _tooltip_signal(tip["signal"], synthetic)
        for value in vega.values():
            readable_tooltips(value, synthetic)
    elif isinstance(vega, list):
        for value in vega:
            readable_tooltips(value, synthetic)
    return vega


def vega_spec(spec: dict) -> dict:
    """Compile a Vega-Lite ``spec`` (Altair's ``to_dict()``) to the Vega spec JupyterLab draws."""
    import vl_convert as vlc

    vega = keyboard_bindings(vlc.vegalite_to_vega(spec))
    readable_tooltips(
        vega, synthetic="SYNTHETIC" in json.dumps(spec.get("title", "")) or "SYNTHETIC" in _find_title(spec)
    )
    vega["$schema"] = VEGA5_SCHEMA
    aria = _aria(spec)
    if aria and not vega.get("description"):
        vega["description"] = aria
    return vega


#: A transparent 1x1 PNG. JupyterLab's Vega renderer adds its own screenshot to an output that has no
#: ``image/png`` (``RenderedVega.renderModel``), changing the notebook on every opening and save.
PNG_PLACEHOLDER = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)


def mimebundle(spec: dict) -> tuple[dict, dict]:
    """Return ``(data, metadata)`` of a notebook output that draws the Vega-Lite ``spec`` in JupyterLab."""
    vega = vega_spec(spec)
    title = _title_text(spec) or _find_title(spec) or "untitled"
    data = {
        VEGA_MIME: vega,
        "image/png": PNG_PLACEHOLDER,
        "text/plain": f"<chart: {title} (drawn by JupyterLab's Vega renderer)>",
    }
    return data, {VEGA_MIME: {"embed_options": LAB_EMBED_OPTIONS}}


def outputs_to_html(nb) -> int:
    """Replace every Vega output of an executed notebook by the HTML that draws it from an inlined bundle.

    Used when exporting briefings (their template inlines the bundle once); returns how many outputs changed.
    """
    changed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if VEGA_MIME in data:
                output["data"] = {
                    "text/html": chart_html(restore_bindings(data[VEGA_MIME]), mode="vega"),
                    "text/plain": data.get("text/plain", "<chart>"),
                }
                output["metadata"] = {}
                changed += 1
    return changed


def _aria(spec: dict) -> str:
    return str(_find(spec, "description") or _title_text(spec) or _find_title(spec) or "")


def chart_html(spec: dict, mode: str = "vega-lite") -> str:
    """Return the HTML snippet that draws a Vega-Lite ``spec`` (or a Vega one with ``mode="vega"``)."""
    import html

    import altair as alt

    spec_json = safe_json(spec)
    div_id = "dsa-chart-" + short_id(spec_json)
    aria = _aria(spec) or "chart"
    return _TEMPLATE.format(
        div_id=div_id,
        aria=html.escape(str(aria), quote=True),
        spec=spec_json,
        opts=safe_json({**EMBED_OPTIONS, "mode": mode}),
        vl=alt.VEGALITE_VERSION,
        missing=MISSING_LIBRARIES,
    )


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


def _renderer(spec: dict, **metadata) -> tuple[dict, dict]:
    return mimebundle(spec)


def enable() -> str:
    """Register (once) and enable the safe renderer; return its name."""
    import altair as alt

    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, _renderer)
    alt.renderers.enable(RENDERER_NAME)
    return RENDERER_NAME


_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def vega_script() -> str:
    r"""Return the one ``<script>`` element a standalone page needs to draw :func:`chart_html` snippets.

    It sets ``VEGA_DEBUG`` to the Vega, Vega-Lite and vega-embed versions Altair expects (the snippet
    checks the Vega-Lite one) and runs vl-convert's JavaScript bundle, which defines the global
    ``vegaEmbed``, inside a function. Every ``</script`` in the bundle (in any letter case) is escaped
    as ``<\/script`` so the page's HTML parser cannot end the element early. Exported briefings (the
    ``dsa_offline`` template) and the browser-check pages (``briefing.browsercheck.chart_page``) inline it
    once.
    """
    import altair as alt
    import vl_convert as vlc

    debug = (
        f'var VEGA_DEBUG = {{"vega_version": "{alt.VEGA_VERSION}", '
        f'"vegalite_version": "{alt.VEGALITE_VERSION}", "vegaembed_version": "{alt.VEGAEMBED_VERSION}"}};'
    )
    # HTML end tags are case-insensitive: "</SCRIPT" would end the element as well.
    bundle = _SCRIPT_END.sub(lambda m: "<\\/" + m.group(1), vlc.javascript_bundle())
    return f'<script type="text/javascript">\n{debug}\n(function(){{\n{bundle}\n}})();\n</script>'
