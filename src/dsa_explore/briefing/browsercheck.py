"""Open an exported briefing in real headless Chromium with no network and report what happened.

Used by the browser tests (``tests/test_*browser*.py``); from Python: ``inspect("reports/briefing.html")``.
Chromium comes from Debian (``apt-get install chromium``) and is driven by Playwright with
``executable_path`` (no browser download). Every host is made unresolvable
(``--host-resolver-rules="MAP * ~NOTFOUND"``), and every request that is not ``file:``, ``data:``,
``blob:`` or ``about:`` is recorded, so a page that tries to fetch anything is caught even if the
request would fail anyway.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

CHROMIUM_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

#: A JavaScript function ``dsaMarks(svg)``: the data marks of one Vega SVG view (not axes, legends,
#: titles, brushes, text), how many have a visible size, the mark groups with none, and visible axis
#: labels drawn over each other ("90%100%").
MARKS_FUNCTION_JS = r"""
function dsaMarks(svg) {
  const r = {visible: 0, marks: 0, emptyMarks: [], overlaps: []};
  svg.querySelectorAll('g.role-mark').forEach(g => {
    if (g.closest('.role-axis, .role-legend, .role-title')) return;
    const cls = g.getAttribute('class') || '';
    if (/mark-group|mark-text/.test(cls) || /_brush(_bg)?\b|_voronoi\b/.test(cls)) return;
    const items = [...g.children];
    if (!items.length) return;
    const line = /mark-(rule|line)/.test(cls);
    let seen = 0;
    items.forEach(it => {
      let b; try { b = it.getBBox(); } catch (e) { return; }
      const ok = line ? (b.width > 0.5 || b.height > 0.5) : (b.width > 0.5 && b.height > 0.5);
      if (ok && it.getAttribute('opacity') !== '0') seen += 1;
    });
    r.marks += items.length; r.visible += seen;
    if (seen === 0) r.emptyMarks.push(cls.replace(/\s+/g, ' '));
  });
  // Rotated labels are left out: their screen boxes are axis-aligned and overlap although the text does not.
  const labels = [...svg.querySelectorAll('.role-axis-label text')].filter(
    t => t.getAttribute('opacity') !== '0' && t.textContent.trim()
      && !/rotate\(/.test(t.getAttribute('transform') || ''))
    .map(t => [t.textContent, t.getBoundingClientRect()]);
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    const [ta, a] = labels[i], [tb, b] = labels[j];
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 1) r.overlaps.push(ta + ' | ' + tb);
  }
  return r;
}
"""

#: Per rendered view of a page, what :data:`MARKS_FUNCTION_JS` measures.
CHART_MARKS_JS = (
    "() => {"
    + MARKS_FUNCTION_JS
    + "return [...document.querySelectorAll('.vega-embed svg.marks')].map(dsaMarks); }"
)


VIEW_SELECTOR = ".vega-embed svg.marks, .vega-embed canvas.marks"
CHART_SELECTOR = ".dsa-chart"


def chart_page(charts, path: str | Path) -> Path:
    """Write an HTML page holding ``charts`` exactly as notebook outputs draw them offline; return its path.

    The page has the inlined Vega bundle (as ``make lab`` provides) followed by each chart's output
    from the safe renderer, so a test can open it with :func:`inspect`.
    """
    from dsa_explore.charts import render

    body = "\n".join(render.chart_html(c if isinstance(c, dict) else c.to_dict()) for c in charts)
    path = Path(path)
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'>{render.vega_script()}</head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def find_chromium() -> str | None:
    """Return the path of a Chromium executable (``DSA_EXPLORE_CHROMIUM`` overrides), or None."""
    env = os.environ.get("DSA_EXPLORE_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What happened when a page was opened."""

    charts: int = 0  # chart containers in the page
    views: int = 0  # rendered Vega views (canvas or svg marks)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # network requests attempted (not file/data/blob/about)
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt calls: injected script ran
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every chart rendered and no error, network request or dialog was recorded."""
        return (
            self.views == self.charts
            and not self.console_errors
            and not self.page_errors
            and not self.requests
            and not self.dialogs
        )


def inspect(
    html_path: str | Path,
    *,
    interact: Callable | None = None,
    timeout_ms: int = 30000,
    expected_views: int | None = None,
) -> PageReport:
    """Open ``html_path`` in headless Chromium with no network and return a :class:`PageReport`.

    ``interact(page, report)`` may drive the page after the charts rendered (and store its
    findings in ``report.extra``).
    """
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError(
            "no Chromium found: install it with `apt-get install -y chromium` "
            "or set DSA_EXPLORE_CHROMIUM to its path"
        )
    url = Path(html_path).resolve().as_uri()
    report = PageReport()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})

            def on_console(msg):
                if msg.type == "error":
                    report.console_errors.append(msg.text)

            def on_request(req):
                if not req.url.startswith(("file:", "data:", "blob:", "about:")):
                    report.requests.append(req.url)

            def on_dialog(dialog):
                report.dialogs.append(f"{dialog.type}: {dialog.message}")
                dialog.dismiss()

            page.on("console", on_console)
            page.on("pageerror", lambda exc: report.page_errors.append(str(exc)))
            page.on("request", on_request)
            page.on("dialog", on_dialog)
            page.goto(url, wait_until="load")
            report.charts = page.locator(CHART_SELECTOR).count()
            target = report.charts if expected_views is None else expected_views
            try:
                page.wait_for_function(
                    "([sel, n]) => document.querySelectorAll(sel).length >= n",
                    arg=[VIEW_SELECTOR, target],
                    timeout=timeout_ms,
                )
            except Exception:  # noqa: BLE001 - the count below tells what rendered
                pass
            page.wait_for_timeout(300)
            report.views = page.locator(VIEW_SELECTOR).count()
            if interact is not None:
                interact(page, report)
        finally:
            browser.close()
    return report
