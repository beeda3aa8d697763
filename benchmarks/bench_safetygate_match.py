"""Precision and recall of the Safety Gate matcher on the shipped labelled pairs, against exact matching only.

Run: ``.venv/bin/python benchmarks/bench_safetygate_match.py``. Prints the confusion counts, precision and
recall with the default thresholds (docs/safety-gate.md), the same for the baseline (barcode and
marketplace identifier only, measured in the same run) and their ratio, a sweep over the two product-word
thresholds, and the matching speed (listing × alert comparisons per second).
The pairs' listings are constructed (SYNTHETIC): the numbers describe the rules on the listed cases.
"""

from __future__ import annotations

import argparse
import time

from dsa_explore.analysis import safetygate_match as m
from dsa_explore.data import catalog
from dsa_explore.readers import safetygate as sg


def _line(name: str, r: dict) -> str:
    return (
        f"{name:<28} {r['pairs']:>5} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {r['tn']:>4} "
        f"{r['precision']:>9.3f} {r['recall']:>7.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="evaluations timed for the speed line")
    args = parser.parse_args()
    alerts = sg.read_reports(
        [catalog.path("safetygate_report_10000323"), catalog.path("safetygate_report_10000324")]
    ).alerts
    pairs = catalog.load("safetygate_match_pairs")
    print(
        f"labelled pairs: {pairs.height} ({int(pairs['label'].sum())} matches) "
        f"on {alerts.height} real alerts "
        "[SYNTHETIC listings]"
    )
    print(
        f"{'thresholds':<28} {'pairs':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} "
        f"{'precision':>9} {'recall':>7}"
    )
    default = m.evaluate(pairs, alerts)
    base = m.evaluate(pairs, alerts, m.exact_only())
    print(_line("default (documented)", default))
    print(_line("baseline: exact only", base))
    print(
        f"recall ratio default / baseline: {default['recall'] / base['recall']:.2f}; "
        f"precision ratio: {default['precision'] / base['precision']:.2f}"
    )
    print("sweep (product_min with brand / without brand):")
    for with_brand in (0.0, 40.0, 60.0):
        for without in (50.0, 60.0, 70.0, 80.0):
            th = m.Thresholds(product_min=with_brand, product_min_without_brand=without)
            print(_line(f"  {with_brand:>4.0f} / {without:>4.0f}", m.evaluate(pairs, alerts, th)))
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        m.evaluate(pairs, alerts)
    dt = (time.perf_counter() - t0) / args.repeat
    print(f"speed: {pairs.height / dt:,.0f} pair comparisons per second ({dt * 1000:.1f} ms per evaluation)")


if __name__ == "__main__":
    main()
