"""The briefing as a decision-maker gets it: per-platform builds checked in real headless Chromium.

Two platforms are built through the same code as `make briefing`; each must render every chart
with no network, log no errors, keep a clean heading outline, print within an A4 width, and let
a reader drive a selection that changes what a linked chart shows, with no kernel.
"""

from __future__ import annotations

import re

from dsa_explore.briefing import browsercheck
from tests.conftest import require_chromium

A4_CONTENT_WIDTH_PX = 17 / 2.54 * 96  # 17 cm of printable width at 96 dpi


def test_both_platform_briefings_differ_and_name_their_platform(built_briefings):
    ali = built_briefings["AliExpress"].read_text()
    temu = built_briefings["Temu"].read_text()
    assert "<h1>DSA compliance briefing: AliExpress</h1>" in ali
    assert "<h1>DSA compliance briefing: Temu</h1>" in temu
    assert built_briefings["Temu"].name == "briefing-temu.html"


def test_headings_form_a_clean_outline(built_briefings):
    for platform, path in built_briefings.items():
        body = path.read_text().split("<main>", 1)[
            1
        ]  # the inlined JavaScript holds '<h2>' strings of its own
        levels = [int(m) for m in re.findall(r"<h([1-6])[ >]", body)]
        assert levels.count(1) == 1 and levels[0] == 1, platform
        for prev, cur in zip(levels, levels[1:], strict=False):
            assert cur <= prev + 1, f"{platform}: heading level jumps from h{prev} to h{cur}"
        assert {"Summary", "Caveats and method notes", "Sources"} <= set(
            re.findall(r"<h2[^>]*>([^<]+)", path.read_text())
        ), platform


def test_every_chart_has_a_title_and_a_text_description(built_briefings):
    html = built_briefings["AliExpress"].read_text()
    divs = re.findall(r'<div[^>]*class="dsa-chart"[^>]*>', html)
    labels = [re.search(r'aria-label="([^"]*)"', d) for d in divs]
    assert divs and all(m and len(m.group(1)) > 10 for m in labels), divs
    assert all('role="figure"' in d for d in divs)


def _interact_with_a_selection(page, report):
    """Change the first select-bound param and record which charts changed."""
    before = page.eval_on_selector_all(".vega-embed svg.marks", "els => els.map(e => e.outerHTML)")
    selects = page.locator(".vega-bindings select")
    report.extra["selects"] = selects.count()
    if selects.count() == 0:
        return
    select = selects.first
    options = select.locator("option").all_inner_texts()
    current = select.input_value()
    other = next(o for o in options if o != current)
    select.select_option(label=other)
    page.wait_for_timeout(800)
    after = page.eval_on_selector_all(".vega-embed svg.marks", "els => els.map(e => e.outerHTML)")
    report.extra["changed"] = sum(1 for a, b in zip(before, after, strict=True) if a != b)


def test_a_selection_driven_in_the_browser_changes_a_linked_chart(built_briefings):
    require_chromium()
    report = browsercheck.inspect(built_briefings["AliExpress"], interact=_interact_with_a_selection)
    assert report.extra["selects"] >= 1, "the briefing has no select-bound selection to drive"
    assert report.extra["changed"] >= 1, "changing the selection changed no chart"
    assert report.console_errors == [] and report.page_errors == []


def _print_widths(page, report):
    page.emulate_media(media="print")
    page.set_viewport_size({"width": int(A4_CONTENT_WIDTH_PX), "height": 1200})
    page.wait_for_timeout(300)
    report.extra["widths"] = page.eval_on_selector_all(
        ".vega-embed svg.marks", "els => els.map(e => e.getBoundingClientRect().width)"
    )


def test_charts_fit_an_a4_page_when_printed(built_briefings):
    require_chromium()
    report = browsercheck.inspect(built_briefings["AliExpress"], interact=_print_widths)
    assert report.extra["widths"], "no chart measured"
    too_wide = [w for w in report.extra["widths"] if w > A4_CONTENT_WIDTH_PX + 1]
    assert not too_wide, f"charts wider than A4's printable width: {too_wide}"


def test_summary_carries_the_headline_of_every_theme(built_briefings):
    html = built_briefings["AliExpress"].read_text()
    summary = html[
        html.index('aria-label="Summary"') : html.index("</section>", html.index('aria-label="Summary"'))
    ]
    text = re.sub(r"<[^>]+>", "", summary)
    for needle in (
        "moderators per million users",
        "no moderator with that language",
        # resources and language gaps
        "95% CI",
        "probability-sampled listings",  # prevalence, interval and design
        "statements of reasons",
        "fully automated",
        "mean time from content date to decision",
        # SoR
        "average precision",
        "within 4 links",  # risk and hidden links
        "billion RMB",
    ):  # the penalty range
        assert needle in text, f"summary lacks {needle!r}"
    assert text.count("SYNTHETIC DATA") >= 3  # listings, risk and links are marked synthetic


def test_every_number_in_the_text_has_a_footnote_to_a_listed_source(built_briefings):
    for platform, path in built_briefings.items():
        html = path.read_text()
        body = html.split("<main>", 1)[1]
        facts = re.findall(r"<strong(?: title=\"[^\"]*\")?>([^<]*)</strong>(<sup>)?", body)
        numbers = [(value, sup) for value, sup in facts if re.search(r"\d", value)]
        assert numbers, platform
        missing = [value for value, sup in numbers if not sup]
        assert not missing, f"{platform}: numbers without a footnote: {missing[:5]}"
        cited = {int(n) for n in re.findall(r'<a href="#src-(\d+)">', body)}
        listed = {int(n) for n in re.findall(r'<li id="src-(\d+)">', body)}
        assert cited and cited <= listed, (
            f"{platform}: footnotes without a source entry: {sorted(cited - listed)}"
        )


def _measure_marks(page, report):
    report.extra["marks"] = page.evaluate(browsercheck.CHART_MARKS_JS)


def test_no_chart_in_the_briefing_is_empty_or_has_colliding_labels(built_briefings):
    """Issue 18: an SVG is not a chart; every view must show marks of non-zero size, labels apart."""
    require_chromium()
    report = browsercheck.inspect(built_briefings["AliExpress"], interact=_measure_marks)
    marks = report.extra["marks"]
    assert len(marks) == report.charts > 0
    empty = [
        (i, m["emptyMarks"] or "no mark") for i, m in enumerate(marks) if m["visible"] == 0 or m["emptyMarks"]
    ]
    assert not empty, f"charts with no visible mark (chart index, empty mark groups): {empty}"
    overlapping = [(i, m["overlaps"][:3]) for i, m in enumerate(marks) if m["overlaps"]]
    assert not overlapping, f"axis labels drawn over each other: {overlapping}"
