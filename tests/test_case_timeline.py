"""The case timeline cites the Commission itself (issue 18, problem 9): no secondary sites, and each event
its own announcement (the March 2024 opening once linked to the June 2025 press release)."""

from __future__ import annotations

import csv
from urllib.parse import urlparse

from dsa_explore.core import paths

TIMELINE = paths.data_dir() / "case" / "aliexpress-case-timeline.csv"


def _rows():
    with TIMELINE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_event_cites_a_commission_page():
    for row in _rows():
        host = urlparse(row["source_url"]).hostname or ""
        assert host == "ec.europa.eu" or host.endswith(".ec.europa.eu"), (row["event"], row["source_url"])


def test_each_announcement_is_cited_for_its_own_date():
    urls = {row["event"]: row["source_url"] for row in _rows()}
    assert urls["Designated a very large online platform"].endswith("/ip_23_2413")  # 25 April 2023
    assert urls["Formal proceedings opened"].endswith("/ip_24_1485")  # 14 March 2024
    assert urls["Formal proceedings opened"] != urls["Commitments made binding"]
