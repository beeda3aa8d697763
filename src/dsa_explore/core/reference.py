"""Reference tables every layer may use: member states, EU languages, reporting periods, schema breaks.

One definition each, so that readers, analyses and charts agree (charts import this module
instead of copying the dates of the Transparency Database's schema breaks).
"""

from __future__ import annotations

from datetime import date

#: The 27 member states (ISO 3166-1 alpha-2; Greece as GR).
MEMBER_STATES = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)
#: The 24 official EU languages (ISO 639-1).
EU_LANGUAGES = (
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
)
#: Country-code aliases (EU protocol order uses EL for Greece, UK for the United Kingdom).
COUNTRY_ALIASES = {"EL": "GR", "UK": "GB"}

#: Transparency-report periods in reading order: reader-facing label -> (first day, last day).
REPORTING_PERIODS: dict[str, tuple[date, date]] = {
    "H2 2025": (date(2025, 7, 1), date(2025, 12, 31)),
    "H1 2026": (date(2026, 1, 1), date(2026, 6, 30)),
}
#: The period labels in reading order.
PERIOD_LABELS: tuple[str, ...] = tuple(REPORTING_PERIODS)
#: Languages shown in the language-gap chart (largest marketplaces' languages first).
GAP_LANGUAGES = ("es", "fr", "de", "it", "pl", "nl", "pt", "ro", "cs", "el", "hu", "sv")

#: Schema breaks of the Transparency Database that make time series jump: (date, short label, what happened).
BREAKS: tuple[tuple[date, str, str], ...] = (
    (
        date(2024, 2, 21),
        "Amazon → Amazon Store",
        "Amazon's SoRs published as 'Amazon Store' from 2024-02-21 "
        "(alternating with 'Amazon' until 2024-04-28)",
    ),
    (
        date(2024, 6, 28),
        "Google Shopping scope",
        "Google Shopping stops reporting 'not eligible for personalised ads' notifications",
    ),
    (
        date(2025, 5, 30),
        "Google Shopping scope",
        "Google Shopping stops reporting 'additional grounds' notifications",
    ),
    (
        date(2025, 7, 1),
        "v2 taxonomy",
        "categories and keywords switch to the v2 taxonomy (Implementing Regulation (EU) 2024/2835)",
    ),
)
