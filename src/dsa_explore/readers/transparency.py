"""Read the Commission's harmonised DSA transparency reports (all sections, CSV or workbook) into one frame.

Commission Implementing Regulation (EU) 2024/2835 fixes the templates very large platforms
publish every half-year. The published files do not follow them strictly (decimal commas,
``129.7M``, ranges, ``97.27%``, impossible dates, BOMs, ragged rows, truncated headers...).
:func:`read_report` reads the parts of one report - CSV files in any encoding the platforms use
(UTF-8 with or without BOM, UTF-16 with or without BOM, Windows-1252) and any delimiter
(sniffed), or the sheets of ``.xlsx``/``.ods`` workbooks (python-calamine) - recognising each
part by its header, and returns one row per reported value with

``platform, period_start, period_end, section, indicator, indicator_text, scope, value,
value_low, value_high, value_raw, unit, how, flag, source_file, line, category, context``

for all sections: 1 report identification, 2 category names, 3 member states' orders (per
category and member state), 4 notices, 5 and 6 own-initiative actions (per category and type of
restriction), 7 complaints, out-of-court disputes and Art. 23 suspensions, 8 automated means, 9
human resources, 10 average monthly active recipients, 11 qualitative information (text).

* ``value`` is a float, null when the cell is blank or holds no number (and for the text of
  sections 1, 2 and 11); ``value_raw`` is the text as published; ``how`` says which reading rules
  were applied (``decimal comma``, ``millions suffix``, ``range midpoint``, ``percent -> share``,
  the report's separator convention...); ``flag`` is null for a clean value and otherwise the
  reason the value needs care (a range, a bound, a non-value, an ambiguous separator, an absurd
  magnitude, a percentage in a count field, a duplicated part, a part that could not be read).
* ``indicator`` is a normalised id (``moderators_internal``, ``amar``, ``notices_received``,
  ``own_initiative_measures``, ``complaints``, ``suspensions_illegal_content``...), and
  ``indicator_text`` keeps the template's text.
* ``scope`` is ``TOTAL``, an upper-case ISO 3166 member-state code (Greece is always ``GR``), a
  lower-case ISO 639-1 language code (``iw`` -> ``he``), the category code (sections 4-6), the
  category label (section 2), the outcome of a complaint (section 7: ``Decisions reversed``,
  ``Median time``...), or the published text (``Agnostic``, ``Own-initiative``, ``NAM Total``).
* ``category`` is the category code of sections 2-6, a keyword qualified by its top-level
  category (``STATEMENT_CATEGORY_X/KEYWORD_OTHER``); ``context`` the value's contextual-information cell.

``129.700`` and ``1,234`` are ambiguous: they are read by the report's own convention (another
number of the same file, else of the report, that shows which mark is the decimal one) and
flagged with both readings otherwise. A value that cannot be read, and a part that cannot be read
(empty, header only, binary, not a template part) or that two files hold, is an error: with
``errors="raise"`` (default) a :class:`TransparencyParseError` lists every one with file, line and
raw text; with ``errors="flag"`` it is a flagged row of the returned frame. Nothing is dropped:
:func:`parse_report` returns the frame with a :class:`ReadLog` that accounts for every record
(values read = parsed + flagged; skipped lines such as empty padding rows and footnotes are listed
with their reason).

:func:`build_dataset` builds the shipped dataset ``transparency_marketplace_reports`` from the raw
report files in ``data/transparency/raw/`` (``make data``, :data:`BUILD`).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import polars as pl

from dsa_explore.core.errors import InputFileError
from dsa_explore.core.reference import COUNTRY_ALIASES, EU_LANGUAGES, MEMBER_STATES, REPORTING_PERIODS
from dsa_explore.data.builds import Build

log = logging.getLogger(__name__)

#: Columns of the tidy frame, with their polars types (also the shipped dataset's schema).
SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "section": pl.Int64(),
    "indicator": pl.String(),
    "indicator_text": pl.String(),
    "scope": pl.String(),
    "value": pl.Float64(),
    "value_low": pl.Float64(),
    "value_high": pl.Float64(),
    "value_raw": pl.String(),
    "unit": pl.String(),
    "how": pl.String(),
    "flag": pl.String(),
    "source_file": pl.String(),
    "line": pl.Int64(),
    "category": pl.String(),
    "context": pl.String(),
}

#: Outdated ISO 639 codes still seen in reports, and their current code.
LANGUAGE_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}

#: Template indicator texts (normalised: lower case, single spaces) -> indicator id.
INDICATORS: dict[str, str] = {
    # section 1: report identification
    "name of the service provider": "provider_name",
    "date of the publication of the report": "publication_date",
    "date of the publication of the latest previous report": "previous_publication_date",
    "starting date of reporting period": "period_start",
    "ending date of reporting period": "period_end",
    # section 4: notices (wide format: one column per indicator)
    "number of notices received": "notices_received",
    "number of notices received from trusted flaggers": "notices_trusted_flaggers",
    "number of specific items of information included in the total number of notices": "notice_items",
    "number of specific items of information included in the total number of notices by trusted flaggers "
    "(trusted flagger notices)": "notice_items_trusted_flaggers",
    "median time to take action": "median_hours_to_action",
    "median time to take action (trusted flagger notices)": "median_hours_to_action_trusted_flaggers",
    "number of actions taken on the basis of the law": "actions_law",
    "number of actions taken on the basis of the law (trusted flagger "
    "notices)": "actions_law_trusted_flaggers",
    "number of actions taken on the basis of the terms and conditions of the service": "actions_tc",
    "number of actions taken on the basis of the terms and conditions of the service (trusted flagger "
    "notices)": "actions_tc_trusted_flaggers",
    # section 8: automated means
    "number of measures solely taken by automated means": "measures_automated",
    "number of measures not taken by automated means": "measures_not_automated",
    "number of notices solely processed by automated means": "notices_automated",
    "number of notices not processed by automated means": "notices_not_automated",
    "accuracy of the automated means - accuracy": "accuracy",
    "accuracy of the automated means - precision": "precision",
    "accuracy of the automated means - recall": "recall",
    # section 9: human resources
    "number of internal moderators employed by the provider": "moderators_internal",
    "number of external moderators contracted by the provider": "moderators_external",
    "number of total moderators with sufficient linguistic expertise": "moderators_linguistic",
    # section 10: AMAR
    "number of average monthly active recipients during the reporting period": "amar",
    # section 3: orders from member-state authorities (wide format)
    "number of orders to act against illegal content received": "orders_act",
    "number of specific items of information included in the total number of orders to act against illegal "
    "content": "orders_act_items",
    "median time to inform the authority of the receipt of the order to act against illegal "
    "content": "orders_act_median_hours_to_inform",
    "median time to give effect to the order to act against illegal "
    "content": "orders_act_median_hours_to_effect",
    "number of orders to provide information": "orders_info",
    "median time to inform the authority of the receipt of the order to provide "
    "information": "orders_info_median_hours_to_inform",
    "median time to give effect to the order to provide information": "orders_info_median_hours_to_effect",
    # sections 5 and 6: own-initiative measures (wide format; restriction types)
    "number of measures taken at the provider's own initiative": "own_initiative_measures",
    "number of measures taken after detection with solely automated "
    "means": "own_initiative_automated_detection",
    "visibility restriction removal": "visibility_removal",
    "visibility restriction disable": "visibility_disable",
    "visibility restriction demoted": "visibility_demoted",
    "visibility restriction age restricted": "visibility_age_restricted",
    "visibility restriction interaction restricted": "visibility_interaction_restricted",
    "visibility restriction labelled": "visibility_labelled",
    "visibility restriction other": "visibility_other",
    "monetary restriction suspension": "monetary_suspension",
    "monetary restriction termination": "monetary_termination",
    "monetary restriction other": "monetary_other",
    "provision of the service suspension": "service_suspension",
    "provision of the service termination": "service_termination",
    "account restriction suspension": "account_suspension",
    "account restriction termination": "account_termination",
    # section 7: complaints, out-of-court disputes, Art. 23 suspensions (long format; scope = outcome)
    "number of complaints submitted to the internal-complaints mechanism": "complaints",
    "number of restrictions newly imposed as a result of an internal "
    "complaint": "complaints_new_restrictions",
    "complaint regarding a decision to remove or disable access to or restrict visibility of "
    "information": "complaints_visibility",
    "complaint regarding a decision to suspend or terminate the provision of the "
    "service": "complaints_service",
    "complaint regarding a decision to suspend or terminate an account": "complaints_account",
    "complaint regarding a decision to restrict the ability to monetise "
    "information": "complaints_monetisation",
    "complaint regarding a decision not to take action on a notice submitted in accordance with article "
    "16": "complaints_notice_not_acted",
    "complaint regarding a decision not to take action on a notice submitted by a trusted flagger in "
    "accordance with article 16": "complaints_notice_not_acted_trusted_flaggers",
    "number of disputes submitted to out-of-court dispute settlement bodies": "out_of_court_disputes",
    "number of suspensions enacted for the provision of manifestly illegal "
    "content": "suspensions_illegal_content",
    "number of suspensions enacted for the provision of manifestly unfounded "
    "notices": "suspensions_unfounded_notices",
    "number of suspensions enacted for the provision of manifestly unfounded "
    "complaints": "suspensions_unfounded_complaints",
    # section 11: qualitative information (free text)
    "summary of the content moderation engaged in at the providers' own initiative": "summary_own_initiative",
    "meaningful and comprehensible information regarding content moderation engaged in at the providers' own "
    "initiative": "information_own_initiative",
    "qualitative description of the automated means": "automated_means_description",
    "qualitative description of indicators of accuracy and possible rate of error of automated "
    "means": "automated_means_accuracy_description",
    "specification of the precise purposes to apply automated means": "automated_means_purposes",
    "safeguards applied to the use of automated means": "automated_means_safeguards",
    "high-level description of the content moderation governance structure": "governance_structure",
    "qualifications of the human resources dedicated to content moderation": "moderators_qualifications",
    "training given to human resources dedicated to content moderation": "moderators_training",
    "support given to human resources dedicated to content moderation": "moderators_support",
    "methodology used to compute the number of human resources dedicated to content "
    "moderation": "moderators_methodology",
}

#: Unit of each indicator id (what ``value`` counts).
UNITS: dict[str, str] = {
    "amar": "recipients",
    "moderators_internal": "moderators (as reported, usually FTE)",
    "moderators_external": "moderators (as reported, usually FTE)",
    "moderators_linguistic": "moderators (as reported, usually FTE)",
    "moderators_external_headcount": "persons (headcount)",
    "accuracy": "share",
    "precision": "share",
    "recall": "share",
    "measures_automated": "measures",
    "measures_not_automated": "measures",
    "notices_automated": "notices",
    "notices_not_automated": "notices",
    "notices_received": "notices",
    "notices_trusted_flaggers": "notices",
    "notice_items": "items",
    "notice_items_trusted_flaggers": "items",
    "median_hours_to_action": "hours",
    "median_hours_to_action_trusted_flaggers": "hours",
    "actions_law": "actions",
    "actions_law_trusted_flaggers": "actions",
    "actions_tc": "actions",
    "actions_tc_trusted_flaggers": "actions",
    "orders_act": "orders",
    "orders_act_items": "items",
    "orders_info": "orders",
    "orders_act_median_hours_to_inform": "hours",
    "orders_act_median_hours_to_effect": "hours",
    "orders_info_median_hours_to_inform": "hours",
    "orders_info_median_hours_to_effect": "hours",
    "complaints_new_restrictions": "restrictions",
    "out_of_court_disputes": "disputes",
    "suspensions_illegal_content": "suspensions",
    "suspensions_unfounded_notices": "suspensions",
    "suspensions_unfounded_complaints": "suspensions",
}
SHARE_INDICATORS = {"accuracy", "precision", "recall"}
#: Scopes of section 7 that change the unit of the indicator (outcome rows of a complaint count).
_SECTION7_SCOPE_UNITS = {"median time": "hours", "percentage of outcomes implemented": "share"}
#: Above this a count is not a count (10^12: more than a hundred times the world's population).
MAX_PLAUSIBLE = 1e12

#: Section texts of the long-format parts -> section number.
_SECTION_TEXTS = [
    ("human resources", 9),
    ("amar", 10),
    ("average monthly active recipients", 10),
    ("automated means", 8),
    ("internal complaints", 7),
    ("out-of-court", 7),
    ("repeated offenders", 7),
]

_NON_VALUES = {"/", "na", "n/a", "n.a.", "-", "–", "—", "not applicable", "none", "nil", "x"}
_TOTALS = {"total", "total number", "totals", "eu total", "all"}
_PLACEHOLDERS = {
    "[...]",
    "[…]",
    "...",
    "…",
    "text",
    "free text",
    "yyyy-mm-dd",
    "yyyy-mm-dd/yyyy-mm-dd",
    'text to detail the "other" keyword.',
}


class TransparencyParseError(InputFileError):
    """Values of a transparency report could not be read.

    ``problems`` lists each with its file, line and raw text.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        lines = [f"  {p.file}, line {p.line}, {p.column}: {p.raw!r}: {p.reason}" for p in self.problems]
        super().__init__(
            f"{len(self.problems)} part(s) or value(s) could not be read (expected a template part "
            f"holding numbers, shares, ranges or blanks; pass errors='flag' to keep them as flagged "
            f"rows with the reason):\n" + "\n".join(lines),
            file=self.problems[0].file if self.problems else None,
            line=self.problems[0].line if self.problems else None,
            value=self.problems[0].raw if self.problems else None,
            expected="a template part holding numbers, shares, ranges or blanks",
        )


@dataclass(frozen=True)
class Problem:
    """One value the parser could not read."""

    file: str
    line: int
    column: str
    raw: str
    reason: str


@dataclass
class ReadLog:
    """Accounting of one :func:`parse_report` call: nothing is dropped without a record here."""

    files: list[str] = field(default_factory=list)
    parts: dict[str, str] = field(default_factory=dict)  # file -> recognised part ("9 human resources", ...)
    files_not_read: dict[str, str] = field(default_factory=dict)  # file -> reason
    records_read: int = 0  # data records (CSV rows after the header) that carry values
    values_read: int = 0  # tidy rows produced
    values_parsed: int = 0  # rows without a flag
    values_flagged: int = 0  # rows kept with a flag (range, bound, non-value, unreadable...)
    skipped_lines: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, reason)
    notes: list[str] = field(default_factory=list)  # report-level decisions (period source, platform...)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """Return the accounting in one line: records, values read = parsed + flagged, lines skipped."""
        return (
            f"{len(self.files)} file(s), {self.records_read} records, {self.values_read} values read = "
            f"{self.values_parsed} parsed + {self.values_flagged} flagged; "
            f"{len(self.skipped_lines)} non-data line(s) skipped; {len(self.problems)} unreadable value(s)"
        )


# --------------------------------------------------------------------------------------------
# values


@dataclass(frozen=True)
class Reading:
    """How one published value was read."""

    value: float | None
    low: float | None = None
    high: float | None = None
    how: str = ""
    flag: str | None = None
    error: str | None = None  # set when the text cannot be read as a value


_NUM = r"[0-9][0-9\s.,'’]*"
_RANGE = re.compile(rf"^({_NUM})\s*(?:-|–|—|to)\s*({_NUM})\s*(m|mn|mio|million|millions)?$", re.IGNORECASE)
_BOUND = re.compile(
    rf"^(>=|<=|≥|≤|>|<|more than|less than|over|above|under|largely above|at least)\s*"
    rf"({_NUM})\s*(m|mn|mio|million|millions)?$",
    re.IGNORECASE,
)
_MILLIONS = re.compile(rf"^({_NUM})\s*(m|mn|mio|million|millions)$", re.IGNORECASE)
_PERCENT = re.compile(rf"^({_NUM})\s*%$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def _groups_ok(parts: list[str]) -> bool:
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def _both_marks(s: str) -> tuple[str, str]:
    dec = "," if s.rfind(",") > s.rfind(".") else "."
    thou = "." if dec == "," else ","
    int_part, frac = s.rsplit(dec, 1)
    if int_part.count(dec) or not _groups_ok(int_part.split(thou)):
        raise ValueError("mixed separators in an unreadable order")
    return int_part.replace(
        thou, ""
    ) + "." + frac, "comma thousands" if thou == "," else "dot thousands, decimal comma"


def _repeated_mark(s: str, sep: str) -> tuple[str, str]:
    parts = s.split(sep)
    if not _groups_ok(parts):
        raise ValueError(f"'{sep}' used as thousands separator with groups that are not three digits")
    return "".join(parts), "comma thousands" if sep == "," else "dot thousands"


def _one_comma(s: str) -> tuple[str, str]:
    int_part, frac = s.split(",")
    if len(frac) == 3 and 1 <= len(int_part) <= 3 and int_part != "0":
        return int_part + frac, "comma thousands"
    return int_part + "." + frac, "decimal comma"


def _strip_number(text: str) -> tuple[str, list[str]]:
    """Remove spaces and apostrophes (thousands marks) from a number; raise ValueError when it is none."""
    how: list[str] = []
    s = text.strip()
    if _SPACES.search(s):
        s = _SPACES.sub("", s)
        how.append("spaces removed")
    if "'" in s or "’" in s:
        s = s.replace("'", "").replace("’", "")
        how.append("apostrophe thousands")
    if not re.fullmatch(r"[0-9][0-9.,]*", s) or s.endswith((",", ".")) and len(s) > 1 and s[-2] in ",.":
        raise ValueError("not a number")
    return s, how


def parse_number(text: str) -> tuple[float, list[str]]:
    """Read a plain number written with any thousands/decimal convention; return (value, rules applied).

    Rules: spaces (also no-break and thin spaces) inside a number are thousands separators or
    stray; with both ``,`` and ``.`` the last one is the decimal mark; several of the same mark
    are thousands separators (groups of three digits); a single ``,`` followed by exactly three
    digits is a thousands separator, otherwise a decimal comma; a single ``.`` is a decimal point.
    (Inside a report, :func:`read_value` with the report's :class:`Convention` decides the
    ambiguous ``1,234`` / ``129.700`` instead.) Raises ``ValueError`` when the text is not a number.
    """
    s, how = _strip_number(text)
    commas, dots = s.count(","), s.count(".")
    rule = None
    if commas and dots:
        s, rule = _both_marks(s)
    elif commas > 1 or dots > 1:
        s, rule = _repeated_mark(s, "," if commas > 1 else ".")
    elif commas == 1:
        s, rule = _one_comma(s)
    elif dots == 1 and set(s.split(".")[1] or "x") == {"0"}:
        rule = "float notation"
    return float(s), [*how, *([rule] if rule else [])]


@dataclass(frozen=True)
class Convention:
    """The thousands/decimal convention a report shows: ``decimal`` is ``'.'``, ``','`` or None (unknown)."""

    decimal: str | None
    evidence: str = ""


_AMBIGUOUS = re.compile(r"^[1-9][0-9]{0,2}([.,])[0-9]{3}$")
_NUMERIC_CELL = re.compile(r"^[0-9][0-9\s.,'’]*\s*(%|m|mn|mio|million|millions)?$", re.IGNORECASE)


def separator_evidence(text: str) -> str | None:
    """Return the decimal mark a numeric cell proves (``'.'``/``','``), or None when it proves neither."""
    s = _SPACES.sub("", text.strip()).replace("'", "").replace("’", "")
    s = re.sub(r"(%|m|mn|mio|million|millions)$", "", s, flags=re.IGNORECASE)
    if not re.fullmatch(r"[0-9][0-9.,]*[0-9]", s) or _AMBIGUOUS.match(s):
        return None
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        return "," if s.rfind(",") > s.rfind(".") else "."
    if commas > 1:
        return "."
    if dots > 1:
        return ","
    if commas == 1:
        return ","
    if dots == 1:
        return "."
    return None


def report_convention(cells: Iterable[tuple[str, int, str]]) -> Convention:
    """Return the convention shown by (file, line, cell) triples.

    One mark only is allowed; the convention names the first cell proving it.
    """
    seen: dict[str, str] = {}
    for file, line, cell in cells:
        text = cell.strip()
        if len(text) > 40 or not _NUMERIC_CELL.match(text):
            continue
        mark = separator_evidence(text)
        if mark and mark not in seen:
            seen[mark] = f"{text!r} in {file} line {line}"
    if len(seen) == 1:
        mark, where = next(iter(seen.items()))
        return Convention(mark, where)
    if len(seen) == 2:
        return Convention(None, f"both conventions used ({seen['.']} and {seen[',']})")
    return Convention(None, "no other number shows the convention")


def _ambiguous(text: str, convention: Convention) -> Reading | None:
    """Read ``129.700``-style text by the report's convention; flagged with both readings when it has none."""
    s = _SPACES.sub("", text)
    m = _AMBIGUOUS.match(s)
    if not m:
        return None
    mark = m.group(1)
    as_decimal, as_thousands = float(s.replace(mark, ".")), float(s.replace(mark, ""))
    if convention.decimal is not None:
        if convention.decimal == mark:
            return Reading(
                as_decimal,
                how=f"'{mark}' read as the decimal mark: the report's convention ({convention.evidence})",
            )
        return Reading(
            as_thousands,
            how=f"'{mark}' read as a thousands separator: the report's convention "
            f"(decimal mark '{convention.decimal}', {convention.evidence})",
        )
    lo, hi = sorted((as_decimal, as_thousands))
    return Reading(
        None,
        lo,
        hi,
        how="ambiguous separator",
        flag=f"ambiguous separator: {text!r} is {as_decimal:g} or {as_thousands:,.0f} and the report "
        f"shows no convention ({convention.evidence}); value left null, both readings in "
        f"value_low/value_high",
    )


def _implausible(value: float, text: str) -> Reading | None:
    if math.isfinite(value) and abs(value) < MAX_PLAUSIBLE:
        return None
    digits = sum(ch.isdigit() for ch in text)
    return Reading(
        None,
        how="absurd magnitude",
        flag=f"absurd magnitude: a {digits}-digit number (no count in a report reaches "
        f"{MAX_PLAUSIBLE:.0e}); value left null",
    )


def read_value(
    raw: str | None, *, share: bool = False, count: bool = False, convention: Convention | None = None
) -> Reading:
    """Read one published value.

    Parameters
    ----------
    raw
        The cell as published.
    share
        The template asks for a share in [0, 1] (percentages are divided by 100).
    count
        The template asks for a count, a median time or another non-share figure: a percentage is
        flagged (value null) instead of being turned into a share.
    convention
        The report's thousands/decimal convention (:func:`report_convention`). When given, an
        ambiguous ``129.700`` / ``1,234`` is read by it, or flagged with both readings when the
        report shows none; when None the stand-alone rules of :func:`parse_number` apply.
    """
    if raw is None:
        return Reading(None, how="blank")
    text = raw.replace("\ufeff", "").strip().strip('"').strip()
    if text == "":
        return Reading(None, how="blank")
    marker = _marker(text)
    if marker is not None:
        return marker
    if count and _PERCENT.match(text):
        return Reading(
            None,
            how="percentage in a count field",
            flag=f"percentage in a count field ({text!r}): the template asks for a number; value left null",
        )
    if convention is not None and (amb := _ambiguous(text, convention)) is not None:
        return amb
    try:
        reading = _read_number_text(text, share)
    except ValueError as exc:
        return Reading(None, how="unreadable", flag=f"unreadable value: {exc}", error=str(exc))
    for v in (reading.value, reading.low, reading.high):
        if v is not None and (bad := _implausible(v, text)) is not None:
            return bad
    return reading


def _marker(text: str) -> Reading | None:
    """Non-values, template placeholders and pointer texts (value null, reason in the flag)."""
    low = text.lower()
    if low in _NON_VALUES:
        return Reading(None, how="not-applicable marker", flag=f"not applicable ({text!r})")
    if low in _PLACEHOLDERS:
        return Reading(None, how="template placeholder", flag=f"template placeholder ({text!r})")
    if "http" in low or low.startswith(("see ", "refer", "please see", "available", "not in template")):
        return Reading(None, how="pointer text", flag="pointer to another document instead of a number")
    return None


def _read_millions(m: re.Match) -> Reading:
    v, how = parse_number(m.group(1))
    how = [h for h in how if h != "float notation"]
    digits = len(re.split(r"[.,]", m.group(1).strip())[-1]) if re.search(r"[.,]", m.group(1)) else 0
    half = 0.5 * 10 ** (6 - digits)
    return Reading(
        round(v * 1e6, 6),
        how="; ".join(
            [
                *how,
                f"millions suffix x1,000,000; published rounded to {10**-digits:g} M (true value "
                f"within +/-{half:,.0f})",
            ]
        ),
    )


def _read_range(m: re.Match, text: str) -> Reading:
    a, how_a = parse_number(m.group(1))
    b, how_b = parse_number(m.group(2))
    scale = 1e6 if m.group(3) else 1.0
    lo, hi = sorted((round(a * scale, 6), round(b * scale, 6)))
    how = sorted(set(how_a + how_b)) + (["millions suffix x1,000,000"] if m.group(3) else [])
    return Reading(
        (lo + hi) / 2,
        lo,
        hi,
        how="; ".join([*how, "range: value = midpoint"]),
        flag=f"range {text!r}: low and high kept, value is the midpoint",
    )


def _read_bound(m: re.Match, text: str) -> Reading:
    v, how = parse_number(m.group(2))
    v = round(v * (1e6 if m.group(3) else 1.0), 6)
    if m.group(1).lower() in {"<", "<=", "≤", "less than", "under"}:
        return Reading(
            None,
            None,
            v,
            how="; ".join([*how, "upper bound only"]),
            flag=f"bound {text!r}: only an upper bound is known, value left null",
        )
    return Reading(
        None,
        v,
        None,
        how="; ".join([*how, "lower bound only"]),
        flag=f"bound {text!r}: only a lower bound is known, value left null",
    )


def _read_number_text(text: str, share: bool) -> Reading:
    """Millions suffix, percent, range, bound or plain number; raises ValueError when none fits."""
    if m := _MILLIONS.match(text):
        return _read_millions(m)
    if m := _PERCENT.match(text):
        v, how = parse_number(m.group(1))
        return Reading(v / 100, how="; ".join([*how, "percent -> share"]))
    if m := _RANGE.match(text):
        return _read_range(m, text)
    if m := _BOUND.match(text):
        return _read_bound(m, text)
    v, how = parse_number(text)
    if share and 1 < v <= 100:
        return Reading(
            v / 100,
            how="; ".join([*how, "percent without % sign -> share"]),
            flag=f"share written as a percentage ({text!r}), divided by 100",
        )
    if share and v > 100:
        return Reading(
            None, how="unreadable", flag=f"share out of range ({text!r})", error="share above 100%"
        )
    return Reading(v, how="; ".join(how) or "plain number")


def _scale(reading: Reading, factor: float, note: str) -> Reading:
    def mul(x: float | None) -> float | None:
        return None if x is None else round(x * factor, 6)

    how = "; ".join(p for p in [reading.how, note] if p)
    return Reading(mul(reading.value), mul(reading.low), mul(reading.high), how, reading.flag, reading.error)


# --------------------------------------------------------------------------------------------
# dates, scopes, indicators


def parse_date(text: str | None) -> date | None:
    """Read ``2025-07-01``, ``2025-07-01 00:00:00``, ``2025/7/1`` or ``01/07/2025``; None if invalid."""
    if not text:
        return None
    s = text.strip().split(" ")[0].split("T")[0]
    for pattern, order in (
        (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", "ymd"),
        (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", "dmy"),
    ):
        if m := re.fullmatch(pattern, s):
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def parse_period(text: str | None) -> tuple[date | None, date | None]:
    """Read a ``YYYY-MM-DD/YYYY-MM-DD`` reporting period; invalid halves are None."""
    if not text or "/" not in text.replace(" ", ""):
        return None, None
    s = text.strip()
    if re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*/\s*\d{4}-\d{1,2}-\d{1,2}\s*", s):
        a, b = s.split("/")
    else:
        parts = re.split(r"\s*(?:/|–| to )\s*(?=\d{4}-)", s)
        if len(parts) != 2:
            return None, None
        a, b = parts
    return parse_date(a), parse_date(b)


def norm_text(text: str | None) -> str:
    """Lower-case, strip, collapse whitespace, unify quotes (for matching template texts)."""
    t = (text or "").replace("\ufeff", "").replace("’", "'").replace("¡¯", "'").replace("\u00a0", " ")
    return " ".join(t.lower().split())


def indicator_id(text: str | None) -> tuple[str, str]:
    """Return (indicator id, how) for a template indicator text; unknown texts get a slug id."""
    key = norm_text(text)
    if key in INDICATORS:
        return INDICATORS[key], ""
    slug = re.sub(r"[^a-z0-9]+", "_", key).strip("_")[:60] or "unknown"
    return slug, "indicator text not in the template list: id is a slug of the text"


def scope_for(
    raw: str | None, section: int | None, country_file: bool = False
) -> tuple[str, str, str | None]:
    """Normalise a scope cell; return (scope, how, flag).

    ``country_file`` says that this file's language section uses member-state codes (decided per
    file by :func:`_country_coded`).
    """
    text = (raw or "").replace("\ufeff", "").strip()
    low = text.lower()
    if low in _TOTALS:
        return "TOTAL", "" if text == "TOTAL" else f"scope {text!r} -> TOTAL", None
    if low in _PLACEHOLDERS or re.search(r"\[.{0,3}\]", text):
        return text, "", "template placeholder row"
    if re.fullmatch(r"[A-Za-z]{2}", text):
        up, lo = text.upper(), text.lower()
        if section in (3, 10):
            up2 = COUNTRY_ALIASES.get(up, up)
            if up2 not in MEMBER_STATES and lo in EU_LANGUAGES:
                return lo, "", "language code where a member state is expected"
            how = [] if text == up2 else [f"{text!r} -> {up2}"]
            return up2, "; ".join(how), None if up2 in MEMBER_STATES else "not an EU member-state code"
        if section in (8, 9):
            if text.isupper() and country_file and COUNTRY_ALIASES.get(up, up) in MEMBER_STATES:
                up2 = COUNTRY_ALIASES.get(up, up)
                return up2, "member-state code where a language is expected", None
            lo2 = LANGUAGE_ALIASES.get(lo, lo)
            how = [] if text == lo2 else [f"{text!r} -> {lo2}"]
            return lo2, "; ".join(how), None
        return text, "", None
    return text, "", None


def _country_coded(scopes: Iterable[str]) -> bool:
    """Return True when a language section's two-letter scopes are member-state codes (e.g. BE, IE, SE)."""
    codes = [s.strip() for s in scopes if re.fullmatch(r"[A-Za-z]{2}", s.strip())]
    upper = [c for c in codes if c.isupper()]
    if not upper:
        return False
    only_country = {c for c in upper if c in MEMBER_STATES and c.lower() not in EU_LANGUAGES}
    only_language = {c for c in upper if c.lower() in EU_LANGUAGES and c not in MEMBER_STATES and c != "EL"}
    return bool(only_country) and not only_language


def section_for(text: str | None) -> int | None:
    """Return the section number a long-format part's section text names, or None."""
    key = norm_text(text)
    for needle, number in _SECTION_TEXTS:
        if needle in key:
            return number
    return None


# --------------------------------------------------------------------------------------------
# files


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 byte-order mark removed"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 (little-endian) with byte-order mark"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 (big-endian) with byte-order mark"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


class NotTextError(ValueError):
    """A part's bytes are not text in any encoding the reader accepts."""


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte of the start is NUL (ASCII text in UTF-16), else None."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.3 * half and even == 0:
        return "utf-16-le"
    if even >= 0.3 * half and odd == 0:
        return "utf-16-be"
    return None


def _check_text(text: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls and controls >= max(3, len(text) // 200):
        raise NotTextError(f"binary content: {controls} control character(s) in {len(text)} characters")
    return text


def _decode_8bit(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not valid UTF-8, decoded as Windows-1252"
    except UnicodeDecodeError as exc:
        raise NotTextError(
            f"binary content: neither UTF-8, UTF-16 nor Windows-1252 (byte {exc.start})"
        ) from None


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode a CSV part: UTF-8 (with or without BOM), UTF-16 (with or without BOM) or Windows-1252.

    Returns (text, note on the encoding or None for plain UTF-8); raises :class:`NotTextError`
    for binary content.
    """
    for bom, encoding, note in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if encoding == "utf-8":
                text, fallback = _decode_8bit(body)
                return _check_text(text), note + (f"; {fallback}" if fallback else "")
            try:
                return _check_text(body.decode(encoding)), note
            except UnicodeDecodeError as exc:
                raise NotTextError(f"{note}, but not decodable: {exc.reason} at byte {exc.start}") from None
    if (encoding := _utf16_without_bom(data)) is not None:
        try:
            return _check_text(data.decode(encoding)), f"UTF-16 ({encoding[-2:]}) without byte-order mark"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise NotTextError("binary content: NUL bytes (not a CSV part)")
    text, note = _decode_8bit(data)
    return _check_text(text), note


def sniff_delimiter(text: str) -> tuple[str, str | None]:
    """Return (delimiter, note) for a CSV text.

    The delimiter is the one that makes the first non-empty line a template header, else csv.Sniffer's.
    """
    first = next((ln for ln in text.splitlines() if ln.strip(" ,;\t|")), "")
    for delim in (",", ";", "\t", "|"):
        cells = next(csv.reader([first], delimiter=delim), [])
        if _part_of(_header_key(cells)) is not None:
            return delim, None if delim == "," else f"delimiter {delim!r} sniffed from the header"
    try:
        delim = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|").delimiter
    except csv.Error:
        delim = ","
    return delim, None if delim == "," else f"delimiter {delim!r} sniffed (header not recognised)"


@contextmanager
def _long_fields():
    """Let the csv module read cells of any length (a 5 MB free-text cell), restoring the limit after."""
    old = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _records(text: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """Return (first line number, cells) for every CSV record (multi-line quoted cells kept whole)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out, prev = [], 0
    for row in reader:
        out.append((prev + 1, row))
        prev = reader.line_num
    return out


def _cell_text(value: object) -> str:
    """Return a workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class _Table:
    """One CSV part, or one sheet of a workbook, as records."""

    name: str
    records: list[tuple[int, list[str]]]


def _workbook_tables(path: Path) -> list[_Table]:
    """Every sheet of an .xlsx/.xls/.ods workbook (python-calamine) as a table named ``file [sheet]``."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    tables = []
    for sheet in book.sheet_names:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        tables.append(
            _Table(
                f"{path.name} [{sheet}]",
                [(i + 1, [_cell_text(v) for v in row]) for i, row in enumerate(rows)],
            )
        )
    return tables


def _header_key(cells: list[str]) -> list[str]:
    return [norm_text(c) for c in cells]


def _category_column(header: list[str]) -> str | None:
    return next(
        (h for h in header if h.startswith(("category of illegal content", "category of incompatibility"))),
        None,
    )


def _wide_section(header: list[str], category: str) -> int | None:
    if "number of notices received" in header:
        return 4
    if "number of orders to act against illegal content received" in header:
        return 3
    if "number of measures taken at the provider's own initiative" in header:
        return 6 if category.startswith("category of incompatibility") else 5
    return None


def _part_of(header: list[str]) -> str | int | None:
    """'long' (sections 7-10), a section number 1-6 or 11, or None when the header is no template part."""
    h = {c for c in header if c}
    if {"section", "indicator", "scope", "value"} <= h:
        return "long"
    if {"category label", "category description"} <= h:
        return 2
    if category := _category_column(header):
        return _wide_section(header, category)
    if {"indicator", "value"} <= h:
        return 11 if "reporting period" in h else 1
    return None


@dataclass
class _Row:
    period_text: str | None
    section: int | None
    indicator: str
    indicator_text: str
    scope: str
    reading: Reading
    value_raw: str
    unit: str | None
    how: list[str]
    flag: list[str]
    file: str
    line: int
    category: str | None = None
    context: str | None = None


@dataclass
class _Part:
    """A recognised table: its header and how to read its cells."""

    name: str
    header_cells: list[str]
    header: list[str]
    convention: Convention
    col: dict[str, int] = field(init=False)
    width: int = field(init=False)

    def __post_init__(self) -> None:
        self.col = {h: i for i, h in reversed(list(enumerate(self.header))) if h}
        named = [i for i, h in enumerate(self.header) if h]
        self.width = max(named) + 1 if named else 0

    def cell(self, cells: list[str], key: str) -> str:
        i = self.col.get(key)
        return cells[i] if i is not None and i < len(cells) else ""

    def short(self, cells: list[str]) -> list[str]:
        """Return the how-note for a row shorter than the header: the missing cells are read as blank.

        Published files trim trailing empty cells.
        """
        if len(cells) >= self.width:
            return []
        return [
            f"ragged row: {len(cells)} cells, header has {self.width}; missing trailing cells read as blank"
        ]

    def ragged(self, cells: list[str]) -> list[str]:
        """Return the flags for a row with non-empty cells beyond the header (they are not read)."""
        notes = []
        extra = [c for i, c in enumerate(cells) if (i >= self.width or not self.header[i]) and c.strip()]
        if extra:
            notes.append(f"ragged row: extra non-empty cell(s) ignored: {extra!r}"[:200])
        return notes


class _CategoryPath:
    """Qualify keyword codes by the top-level category above them (``KEYWORD_OTHER`` recurs under each)."""

    def __init__(self) -> None:
        self.parent: str | None = None

    def path(self, code: str) -> str:
        if code.upper().startswith("STATEMENT_CATEGORY") or code.upper() == "TOTAL":
            self.parent = None if code.upper() == "TOTAL" else code
            return code
        return f"{self.parent}/{code}" if self.parent and code else code


def _source_list(source: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(source, (str, Path)):
        p = Path(source)
        if p.is_dir():
            files = sorted(
                f
                for f in p.iterdir()
                if f.is_file() and f.suffix.lower() in (".csv", ".txt", *_WORKBOOK_SUFFIXES)
            )
            if not files:
                raise FileNotFoundError(
                    f"{p}: folder holds no .csv, .xlsx or .ods files (expected the parts of one report)"
                )
            return files
        return [p]
    return [Path(s) for s in source]


def _unit(indicator: str, section: int | None, scope: str) -> str | None:
    if section in (2, 11):
        return "text"
    if section == 7 and (unit := _SECTION7_SCOPE_UNITS.get(norm_text(scope))):
        return unit
    if section == 7 and indicator.startswith("complaints"):
        return "complaints"
    if section in (5, 6) and indicator in INDICATORS.values():
        return "measures"
    return UNITS.get(indicator)


def _table_cells(table: _Table) -> Iterable[tuple[str, int, str]]:
    for line, cells in table.records[1:]:
        for c in cells:
            yield table.name, line, c


class _ReportReader:
    """State of one :func:`parse_report` call (split by part so that each step stays small)."""

    def __init__(self, files: list[Path], errors: str):
        self.errors = errors
        self.rl = ReadLog(files=[str(f) for f in files])
        self.rows: list[_Row] = []
        self.ident: dict[str, str] = {}
        self.services: Counter[str] = Counter()
        self.part_files: dict[int, str] = {}
        self.duplicates: list[tuple[int, str, str]] = []
        self.part_problems: list[Problem] = []

    # ---- reading files into tables

    def tables(self, path: Path) -> list[_Table]:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file (expected a CSV part of a transparency report)")
        data = path.read_bytes()
        if path.suffix.lower() in _WORKBOOK_SUFFIXES or data.startswith(_WORKBOOK_MAGIC):
            try:
                return _workbook_tables(path)
            except Exception as exc:  # calamine raises its own error types for damaged workbooks
                self.part_problem(path.name, 0, f"workbook could not be read: {type(exc).__name__}: {exc}")
                return []
        try:
            text, note = decode_bytes(data)
        except NotTextError as exc:
            self.part_problem(path.name, 0, str(exc))
            return []
        if note:
            self.rl.notes.append(f"{path.name}: {note}")
        delimiter, d_note = sniff_delimiter(text)
        if d_note:
            self.rl.notes.append(f"{path.name}: {d_note}")
        return [_Table(path.name, _records(text, delimiter))]

    def part_problem(self, name: str, line: int, reason: str) -> None:
        """Record a part that cannot be read: an error (errors='raise') or a flagged row (errors='flag')."""
        self.rl.files_not_read[name] = reason
        self.part_problems.append(Problem(name, line, "part", "", reason))
        self.rows.append(
            _Row(
                None,
                None,
                "part_not_read",
                "",
                "TOTAL",
                Reading(None, how="part not read"),
                "",
                None,
                ["part not read"],
                [f"part not read: {reason}"],
                name,
                line,
            )
        )

    # ---- one table

    def read_table(self, table: _Table, convention: Convention) -> None:
        records = table.records
        hi = next((i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)), None)
        if hi is None:
            self.part_problem(table.name, 0, "empty file" if not records else "no header: only empty rows")
            return
        header_line, header_cells = records[hi]
        header = _header_key(header_cells)
        kind = _part_of(header)
        if kind is None:
            self.part_problem(
                table.name,
                header_line,
                "header not recognised as a transparency-report part; "
                f"header: {', '.join(c for c in header_cells if c)[:200]}",
            )
            return
        part = _Part(table.name, header_cells, header, convention)
        kept = [
            (line, cells) for line, cells in records[hi + 1 :] if self.keep_record(table.name, line, cells)
        ]
        if not kept:
            self.part_problem(table.name, header_line, "header only: no data rows")
            return
        reader = {
            1: self.read_identification,
            2: self.read_categories,
            11: self.read_qualitative,
            "long": self.read_long,
        }.get(kind, self.read_wide)
        number = reader(part, kept, kind)
        if number is not None:
            self.register_part(number, table.name)

    def keep_record(self, name: str, line: int, cells: list[str]) -> bool:
        nonempty = [c for c in cells if c.strip()]
        if not nonempty:
            self.rl.skipped_lines.append((name, line, "empty padding row"))
            return False
        if len(nonempty) == 1 and cells and cells[0].strip():
            self.rl.skipped_lines.append((name, line, f"footnote or comment line: {cells[0].strip()[:80]!r}"))
            return False
        return True

    def register_part(self, number: int, name: str) -> None:
        if number in self.part_files:
            self.duplicates.append((number, self.part_files[number], name))
        else:
            self.part_files[number] = name

    def count_record(self, part: _Part, cells: list[str]) -> None:
        self.rl.records_read += 1
        if svc := part.cell(cells, "service").strip():
            self.services[svc] += 1

    def value_row(
        self,
        part: _Part,
        line: int,
        cells: list[str],
        section: int | None,
        ind: str,
        ind_text: str,
        scope: str,
        raw: str,
        *,
        how: Sequence[str] = (),
        flags: Sequence[str] = (),
        category: str | None = None,
        context: str | None = None,
    ) -> None:
        unit = _unit(ind, section, scope)
        if unit == "text":
            reading = Reading(None, how="free text")
        else:
            share = unit == "share" or ind in SHARE_INDICATORS
            reading = read_value(raw, share=share, count=not share, convention=part.convention)
        self.rows.append(
            _Row(
                part.cell(cells, "reporting period") if "reporting period" in part.col else None,
                section,
                ind,
                " ".join(ind_text.split()),
                scope,
                reading,
                raw.strip(),
                unit,
                [*(h for h in how if h), *part.short(cells)],
                [*part.ragged(cells), *flags],
                part.name,
                line,
                category,
                context or None,
            )
        )

    # ---- parts

    def read_identification(self, part: _Part, kept: list, _kind: object) -> int:
        self.rl.parts[part.name] = "1 report identification"
        for line, cells in kept:
            self.count_record(part, cells)
            ind_text = part.cell(cells, "indicator")
            ind, how = indicator_id(ind_text)
            raw = part.cell(cells, "value").strip()
            self.ident[ind] = raw
            is_date = ind in ("publication_date", "previous_publication_date", "period_start", "period_end")
            d = parse_date(raw) if is_date else None
            flags, hows = part.ragged(cells), [how] if how else []
            hows += part.short(cells)
            if is_date and d is None and raw:
                flags.append(f"not a valid date ({raw!r})")
            elif d is not None and raw != d.isoformat():
                hows.append(f"date {raw!r} read as {d.isoformat()}")
            self.rows.append(
                _Row(
                    None,
                    1,
                    ind,
                    ind_text.strip(),
                    "TOTAL",
                    Reading(None, how="date" if is_date else "text"),
                    raw,
                    "date" if is_date else "text",
                    hows,
                    flags,
                    part.name,
                    line,
                )
            )
        return 1

    def read_categories(self, part: _Part, kept: list, _kind: object) -> int:
        self.rl.parts[part.name] = "2 category names"
        code_col = next(h for h in part.header if h.startswith("category of illegal content"))
        first_line: dict[str, int] = {}
        parents = _CategoryPath()
        for line, cells in kept:
            self.count_record(part, cells)
            code = part.cell(cells, code_col).strip()
            label = part.cell(cells, "category label").strip() or code
            flags = (
                []
                if label not in first_line
                else [f"category {label!r} listed again (first on line {first_line[label]})"]
            )
            first_line.setdefault(label, line)
            context = part.cell(cells, "contextual information").strip()
            for key, ind in (
                ("category label", "category_label"),
                ("category description", "category_description"),
            ):
                self.value_row(
                    part,
                    line,
                    cells,
                    2,
                    ind,
                    part.header_cells[part.col[key]],
                    label,
                    part.cell(cells, key),
                    flags=flags,
                    category=parents.path(code),
                    context=context,
                )
        return 2

    def read_qualitative(self, part: _Part, kept: list, _kind: object) -> int:
        self.rl.parts[part.name] = "11 qualitative information"
        for line, cells in kept:
            self.count_record(part, cells)
            ind_text = part.cell(cells, "indicator")
            ind, how = indicator_id(ind_text)
            self.value_row(
                part, line, cells, 11, ind, ind_text, "TOTAL", part.cell(cells, "value"), how=[how]
            )
        return 11

    def read_wide(self, part: _Part, kept: list, section: int) -> int:
        """Sections 3-6: one row per category (and member state in 3), one column per indicator."""
        self.rl.parts[part.name] = (
            f"{section} "
            + {
                3: "member states' orders",
                4: "notices",
                5: "own-initiative actions (illegal content)",
                6: "own-initiative actions (terms and conditions)",
            }[section]
        )
        category_col = _category_column(part.header)
        other_col = 'description of the sub-category "other"'
        service_at = part.col.get("service", 1)
        meta = {category_col, other_col, "scope", "reporting period"}
        value_cols = [
            (i, h)
            for i, h in enumerate(part.header)
            if h and i > service_at and h not in meta and not h.startswith("contextual information")
        ]
        contexts = {
            h.removeprefix("contextual information on").strip(): i
            for i, h in enumerate(part.header)
            if h.startswith("contextual information on")
        }
        parents = _CategoryPath()
        for line, cells in kept:
            self.count_record(part, cells)
            category = part.cell(cells, category_col).strip()
            path = parents.path(category)
            if section == 3:
                scope, s_how, s_flag = scope_for(part.cell(cells, "scope"), 3)
            else:
                scope, s_how, s_flag = scope_for(category, section)
            other = part.cell(cells, other_col).strip()
            for i, h in value_cols:
                ind, i_how = indicator_id(h)
                ctx = [f"sub-category 'Other' described as: {other}"] if other else []
                if (j := contexts.get(h)) is not None and j < len(cells) and cells[j].strip():
                    ctx.append(cells[j].strip())
                self.value_row(
                    part,
                    line,
                    cells,
                    section,
                    ind,
                    part.header_cells[i],
                    scope,
                    cells[i] if i < len(cells) else "",
                    how=[s_how, i_how],
                    flags=[s_flag] if s_flag else [],
                    category=path,
                    context=" | ".join(ctx),
                )
        return section

    def read_long(self, part: _Part, kept: list, _kind: object) -> int | None:
        """Sections 7-10: one row per indicator and scope."""
        sections = Counter(section_for(part.cell(c, "section")) for _, c in kept)
        main = sections.most_common(1)[0][0]
        self.rl.parts[part.name] = f"{main} long format" if main else "long format (section not recognised)"
        country_file = _country_coded(
            part.cell(c, "scope") for _, c in kept if section_for(part.cell(c, "section")) in (8, 9)
        )
        if country_file:
            self.rl.notes.append(
                f"{part.name}: upper-case two-letter scopes in a language section read as member-state codes"
            )
        for line, cells in kept:
            self.count_record(part, cells)
            sec = section_for(part.cell(cells, "section")) or main
            ind_text = part.cell(cells, "indicator")
            ind, i_how = indicator_id(ind_text)
            scope, s_how, s_flag = scope_for(part.cell(cells, "scope"), sec, country_file)
            self.value_row(
                part,
                line,
                cells,
                sec,
                ind,
                ind_text,
                scope,
                part.cell(cells, "value"),
                how=[i_how, s_how],
                flags=[s_flag] if s_flag else [],
                context=part.cell(cells, "contextual information").strip(),
            )
        self.implicit_millions(part.name)
        return main

    def implicit_millions(self, name: str) -> None:
        """Scale the part's AMAR values x1,000,000 when they are written in millions without a unit.

        Such values look like ``> 45`` or ``2.2 - 2.7``. Applied only when every AMAR number of the part
        is below 1,000 and one has decimals: a very large platform has at least 45 million recipients
        (Art. 33 DSA), so such figures are millions.
        """
        amar = [r for r in self.rows if r.file == name and r.indicator == "amar" and not r.reading.error]
        numbers = [v for r in amar for v in (r.reading.value, r.reading.low, r.reading.high) if v is not None]
        if not numbers or max(numbers) >= 1000 or all(float(v).is_integer() for v in numbers):
            return
        note = (
            "AMAR published in millions without a unit (every AMAR figure of the part below 1,000, with "
            "decimals; a VLOP has at least 45 million recipients): x1,000,000"
        )
        for r in amar:
            r.reading = _scale(r.reading, 1e6, note)
        self.rl.notes.append(f"{name}: {note}")

    # ---- the report

    def platform(self, given: str | None) -> str | None:
        if given is not None:
            return given
        provider = self.ident.get("provider_name")
        provider = provider if provider and norm_text(provider) not in _PLACEHOLDERS else None
        name = self.services.most_common(1)[0][0] if self.services else provider
        if name:
            try:
                from dsa_explore.core.platforms import resolve

                name = resolve(name)
            except ValueError:
                pass
            self.rl.notes.append(f"platform {name!r} taken from the Service column")
        return name

    def period(self) -> tuple[date | None, date | None, str | None]:
        start, end = parse_date(self.ident.get("period_start")), parse_date(self.ident.get("period_end"))
        if start and end:
            self.rl.notes.append(f"period {start}/{end} taken from the report identification part")
            return start, end, "report identification"
        periods = Counter(parse_period(r.period_text) for r in self.rows if r.period_text)
        valid = [(p, n) for p, n in periods.most_common() if p[0] and p[1]]
        if not valid:
            self.rl.notes.append(
                "no reporting period found (no report identification part, no valid period column)"
            )
            return None, None, None
        (start, end), n = valid[0]
        self.rl.notes.append(
            f"period {start}/{end} taken from the period column (majority: {n} of "
            f"{sum(periods.values())} rows)"
        )
        return start, end, "majority of the period column"

    def duplicate_flags(self) -> dict[str, str]:
        """Return file -> flag for every file holding a part another file also holds (and record problems)."""
        flags: dict[str, str] = {}
        for number, first, second in self.duplicates:
            reason = (
                f"duplicated part {number}: {first!r} and {second!r} both hold it (two values for one "
                f"indicator); read one of them"
            )
            self.part_problems.append(Problem(second, 0, f"part {number}", "", reason))
            flags[first] = flags[second] = reason
        return flags

    def finish(self, platform: str | None) -> tuple[pl.DataFrame, ReadLog]:
        platform = self.platform(platform)
        start, end, period_source = self.period()
        dup = self.duplicate_flags()
        problems: list[Problem] = []
        out = [
            self.tidy(r, platform, start, end, period_source, dup.get(r.file), problems) for r in self.rows
        ]
        problems = [*self.part_problems, *problems]
        self.rl.problems = problems
        if problems and self.errors == "raise":
            raise TransparencyParseError(problems)
        frame = pl.DataFrame(out, schema=SCHEMA, orient="row") if out else pl.DataFrame(schema=SCHEMA)
        self.rl.values_read = frame.height
        self.rl.values_flagged = frame.filter(pl.col("flag").is_not_null()).height
        self.rl.values_parsed = self.rl.values_read - self.rl.values_flagged
        log.info("read_report: %s", self.rl.summary())
        return frame, self.rl

    @staticmethod
    def tidy(
        r: _Row,
        platform: str | None,
        start: date | None,
        end: date | None,
        period_source: str | None,
        dup_flag: str | None,
        problems: list[Problem],
    ) -> dict:
        how, flags = list(r.how), list(r.flag)
        if r.period_text is not None and period_source:
            ps, pe = parse_period(r.period_text)
            if (ps, pe) != (start, end):
                how.append(
                    f"period column {r.period_text.strip()!r} "
                    f"{'is not a valid date range' if not (ps and pe) else 'differs'}; "
                    f"report period used ({period_source})"
                )
        reading = r.reading
        if reading.error:
            problems.append(Problem(r.file, r.line, f"{r.indicator} [{r.scope}]", r.value_raw, reading.error))
        how.insert(0, reading.how)
        if reading.flag:
            flags.insert(0, reading.flag)
        if dup_flag:
            flags.append(dup_flag)
        return {
            "platform": platform,
            "period_start": start,
            "period_end": end,
            "section": r.section,
            "indicator": r.indicator,
            "indicator_text": r.indicator_text,
            "scope": r.scope,
            "value": reading.value,
            "value_low": reading.low,
            "value_high": reading.high,
            "value_raw": r.value_raw,
            "unit": r.unit,
            "how": "; ".join(h for h in how if h),
            "flag": "; ".join(flags) if flags else None,
            "source_file": r.file,
            "line": r.line,
            "category": r.category,
            "context": r.context,
        }


def parse_report(
    source: str | Path | Sequence[str | Path], *, errors: str = "raise", platform: str | None = None
) -> tuple[pl.DataFrame, ReadLog]:
    """Read the parts of one report; return (tidy frame, :class:`ReadLog`). See :func:`read_report`.

    Every part that cannot be read (empty, header only, binary, header not recognised, a part
    present in two files) is a :class:`Problem`: ``errors="raise"`` raises them with the
    unreadable values; ``errors="flag"`` returns a flagged ``part_not_read`` row for each part
    (and flags every row of both files of a duplicated part).

    Parameters
    ----------
    source
        A folder holding the parts of one report (``.csv``, ``.txt``, ``.xlsx``, ``.ods``), one file,
        or a list of files.
    errors
        ``"raise"`` or ``"flag"`` (above).
    platform
        The platform's name; by default it is taken from the report's Service column or provider
        name (a note in the log says so).

    Returns
    -------
    tuple of (polars.DataFrame, ReadLog)
        The tidy frame (:data:`SCHEMA`, one row per reported value) and the accounting.

    Raises
    ------
    TransparencyParseError
        With ``errors="raise"``, listing every value or part that cannot be read (file, line, raw text).
    FileNotFoundError
        For a folder without report files.
    ValueError
        For an ``errors`` other than ``"raise"`` or ``"flag"``.
    """
    if errors not in ("raise", "flag"):
        raise ValueError(f"errors must be 'raise' or 'flag', not {errors!r}")
    files = _source_list(source)
    reader = _ReportReader(files, errors)
    with _long_fields():
        tables = [t for f in files for t in reader.tables(f)]
    whole = report_convention(c for t in tables for c in _table_cells(t))
    for table in tables:
        own = report_convention(_table_cells(table))
        reader.read_table(table, own if own.decimal or "both" in own.evidence else whole)
    return reader.finish(platform)


def read_report(source: str | Path | Sequence[str | Path], *, errors: str = "raise") -> pl.DataFrame:
    """Read one harmonised transparency report (a folder or a list of CSV parts) into a tidy frame.

    ``errors="raise"`` (default) raises :class:`TransparencyParseError` listing every value that
    cannot be read (file, line, raw text); ``errors="flag"`` keeps those rows with a null value
    and the reason in ``flag``. The accounting (values read = parsed + flagged, skipped lines)
    is logged; use :func:`parse_report` to get it as a :class:`ReadLog`.
    """
    frame, _ = parse_report(source, errors=errors)
    return frame


# --------------------------------------------------------------------------------------------
# the shipped dataset: marketplace reports H2 2025 and H1 2026

DATASET = "transparency_marketplace_reports"
FIGURES = "transparency_published_figures"
DATASET_FILE = "transparency/marketplace_reports.parquet"
#: Where a row of the shipped dataset came from (column ``origin``).
ORIGIN_RAW = "raw report file"
ORIGIN_FIGURE = "compiled published figure"
#: columns of the shipped dataset: the tidy frame plus the URL of the published file and the row's origin.
DATASET_SCHEMA: dict[str, pl.DataType] = {**SCHEMA, "source_url": pl.String(), "origin": pl.String()}
PERIODS = tuple(f"{start}/{end}" for start, end in REPORTING_PERIODS.values())
MARKETPLACES = (
    "AliExpress",
    "Amazon Store",
    "Temu",
    "SHEIN",
    "Zalando",
    "Booking.com",
    "Apple App Store",
    "Google Shopping",
    "Google Play",
)
#: Raw reports shipped under data/transparency/raw/<slug>/<half>/, original file names kept (provenance
#: record next to each file: the archive krMaynard/dsa-transparency-data at a pinned commit).
RAW_ROOT = "transparency/raw"
RAW_PLATFORMS = {
    "AliExpress": "aliexpress",
    "Amazon Store": "amazon-store",
    "Temu": "temu",
    "Zalando": "zalando",
    "Booking.com": "booking-com",
    "Google Shopping": "google-shopping",
}
RAW_PERIODS = dict(zip(PERIODS, ("2025-H2", "2026-H1"), strict=True))
#: Raw files that are a second file for one part: (slug, half, file) -> (action, reason). The action is
#: "leave out" (listed in the accounting) or an indicator prefix for a table of another surface.
RAW_VARIANTS = {
    ("amazon-store", "2025-H2", "6_own_initiative_TC.csv"): (
        "leave out",
        "first version of table 6; Amazon published 6_own_initiative_TC_version2.csv alongside it "
        "(TOTAL 402,704,488 measures instead of 150,504,153), and the build reads version 2",
    ),
    ("google-shopping", "2025-H2", "7_appeals_and_recidivism_Ads.csv"): (
        "ads_",
        "Google's second table 7, for its Ads surface (7_appeals_and_recidivism_Ads.csv): indicators "
        "prefixed ads_",
    ),
    ("google-shopping", "2026-H1", "7_appeals_and_recidivism_Ads.csv"): (
        "ads_",
        "Google's second table 7, for its Ads surface (7_appeals_and_recidivism_Ads.csv): indicators "
        "prefixed ads_",
    ),
}

_AUTOMATED = {
    "number of measures solely taken by automated means": "measures_automated",
    "measures solely taken by automated means": "measures_automated",
    "number of measures not taken by automated means": "measures_not_automated",
    "measures not taken by automated means": "measures_not_automated",
    "number of notices solely processed by automated means": "notices_automated",
    "notices solely processed by automated means": "notices_automated",
    "number of notices not processed by automated means": "notices_not_automated",
    "notices not processed by automated means": "notices_not_automated",
    "accuracy of the automated means - accuracy": "accuracy",
    "accuracy": "accuracy",
    "accuracy of the automated means - precision": "precision",
    "precision": "precision",
    "accuracy of the automated means - recall": "recall",
    "recall": "recall",
}
_ART16 = {
    "notices received": "notices_received",
    "notices from trusted flaggers": "notices_trusted_flaggers",
    "median time to take action": "median_hours_to_action",
    "actions on basis of law": "actions_law",
    "actions on basis of T&C": "actions_tc",
}
_FIGURE_PATTERNS: list[tuple[re.Pattern, int, object]] = [
    (re.compile(r"^AMAR \(Art\.42\(3\)\) scope=(\S+)$"), 10, lambda m: ("amar", m.group(1))),
    (re.compile(r"^AMAR$"), 10, lambda m: ("amar", "TOTAL")),
    (
        re.compile(r"^internal moderators \(FTE\) scope=(\S+)$"),
        9,
        lambda m: ("moderators_internal", m.group(1)),
    ),
    (
        re.compile(r"^external moderators \(FTE\) scope=(\S+)$"),
        9,
        lambda m: ("moderators_external", m.group(1)),
    ),
    (
        re.compile(r"^moderators with >=B2 linguistic expertise scope=(\S+)$"),
        9,
        lambda m: ("moderators_linguistic", m.group(1)),
    ),
    (re.compile(r"^external moderators headcount"), 9, lambda m: ("moderators_external_headcount", "TOTAL")),
    (
        re.compile(r"^Automated means: (.+?) scope=(.+?)(?: \(raw CSV\))?$"),
        8,
        lambda m: (_AUTOMATED.get(m.group(1).strip().lower()), m.group(2)),
    ),
    (
        re.compile(r"^Art\.16 (.+?) \[(.+?)\]( surface=\S+)?$"),
        4,
        lambda m: (_ART16.get(m.group(1)), m.group(2) + (m.group(3) or "")),
    ),
]
_PUBLISHED = re.compile(r"""published (?:as )?(?:'([^']+)'|"([^"]+)"|([0-9][0-9.,]*%))""")


def _map_figure(metric: str) -> tuple[int, str, str] | None:
    """(section, indicator, scope text) of a published-figures metric, or None for sections 3, 5, 6 and 7."""
    for pattern, section, fn in _FIGURE_PATTERNS:
        if m := pattern.match(metric):
            ind, scope_raw = fn(m)
            return (section, ind, scope_raw) if ind else None
    return None


def _figure_scope(section: int, scope_raw: str) -> tuple[str, str, str | None]:
    if section == 4:
        return scope_raw, "", None
    scope, s_how, s_flag = scope_for("Total number" if scope_raw.lower() == "total" else scope_raw, section)
    return ("Agnostic" if scope.lower() == "agnostic" else scope), s_how, s_flag


def _figure_reading(
    value_text: str, unit_note: str, share: bool
) -> tuple[Reading, str, list[str], list[str]]:
    """Read a compiled figure from the published text its unit note records.

    Returns (reading, raw, how, flags).
    """
    how, flags = [], []
    published = _PUBLISHED.search(unit_note)
    if published:
        raw = next(g for g in published.groups() if g).strip()
        reading = read_value(raw, share=share)
        compiled = read_value(value_text, share=share)
        if reading.value is None or compiled.value is None or abs(reading.value - compiled.value) > 1e-9:
            flags.append(f"published text {raw!r} and compiled value {value_text!r} disagree")
        how.append("read from the published text recorded in the unit note")
    else:
        raw = value_text
        reading = read_value(raw, share=share)
    if unit_note.lower().startswith("million"):
        note = "unit 'million' x1,000,000"
        if "0.1M" in unit_note:
            note += "; published rounded to 0.1 M (true value within +/-50,000)"
        reading = _scale(reading, 1e6, note)
    if "SUSPECT" in unit_note:
        flags.append("suspect value: " + unit_note.split("SUSPECT:", 1)[-1].strip())
    if "INFERRED" in unit_note:
        flags.append("inferred value: " + unit_note)
    return reading, raw, how, flags


def figures_to_tidy(
    figures: pl.DataFrame, file_label: str = "transparency/raw/published_figures.csv"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Map the published-figures table to the tidy shape; return (tidy rows, rows not mapped with reason).

    Each figure is re-read from the text the platform published when the unit column records it
    (``published as '2,97'``, ``published 97.27%``); ``million`` units are scaled to persons;
    ranges and bounds are read as in the raw files; ``SUSPECT``/``INFERRED`` notes become flags.
    """
    out, skipped = [], []
    for i, r in enumerate(figures.iter_rows(named=True)):
        line = i + 2
        metric, unit_note = r["metric"].strip(), (r["unit"] or "").strip()
        mapped = _map_figure(metric)
        if mapped is None:
            skipped.append(
                {
                    "line": line,
                    "platform": r["platform"],
                    "metric": metric,
                    "reason": "section 3, 5, 6 or 7 figure: not mapped (read from raw files where shipped)",
                }
            )
            continue
        section, ind, scope_raw = mapped
        scope, s_how, s_flag = _figure_scope(section, scope_raw)
        reading, raw, how, flags = _figure_reading(
            (r["value"] or "").strip(), unit_note, ind in SHARE_INDICATORS
        )
        ps, pe = parse_period(r["period"])
        unit = "moderators (FTE)" if section == 9 and "FTE" in unit_note else UNITS.get(ind)
        out.append(
            {
                "platform": r["platform"],
                "period_start": ps,
                "period_end": pe,
                "section": section,
                "indicator": ind,
                "indicator_text": metric,
                "scope": scope,
                "value": reading.value,
                "value_low": reading.low,
                "value_high": reading.high,
                "value_raw": raw,
                "unit": unit,
                "how": "; ".join(
                    h for h in [reading.how, *how, s_how, f"compiled figure (unit note: {unit_note})"] if h
                ),
                "flag": "; ".join(
                    [*([reading.flag] if reading.flag else []), *flags, *([s_flag] if s_flag else [])]
                )
                or None,
                "source_file": file_label,
                "line": line,
                "category": None,
                "context": None,
                "source_url": r["source_url"],
                "origin": ORIGIN_FIGURE,
            }
        )
    return (
        pl.DataFrame(out, schema=DATASET_SCHEMA, orient="row"),
        pl.DataFrame(
            skipped,
            schema={"line": pl.Int64, "platform": pl.String, "metric": pl.String, "reason": pl.String},
        ),
    )


def _raw_folders() -> dict[tuple[str, str], str]:
    """(platform, period) -> folder under data/ for every raw report shipped."""
    return {
        (platform, period): f"{RAW_ROOT}/{slug}/{folder}"
        for platform, slug in RAW_PLATFORMS.items()
        for period, folder in RAW_PERIODS.items()
    }


def _raw_file_records(folder: str) -> dict[str, tuple[Path, str, str]]:
    """Return file name -> (path, source URL, dataset name) for one folder's raw files, checksums verified."""
    from dsa_explore.core import paths
    from dsa_explore.data import catalog

    by_path = {d.relpath: d for d in catalog.all_datasets().values()}
    out = {}
    for f in sorted((paths.data_dir() / folder).iterdir()):
        if f.name.endswith(".meta.json") or not f.is_file():
            continue
        rel = f.relative_to(paths.data_dir()).as_posix()
        if rel not in by_path:
            raise FileNotFoundError(
                f"{rel}: raw report file without a provenance record ({f.name}.meta.json)"
            )
        catalog.verify_checksum(by_path[rel])
        out[f.name] = (f, by_path[rel].meta["source"], by_path[rel].name)
    return out


def _tag_raw(
    frame: pl.DataFrame, folder: str, urls: dict[str, str], prefix: str = "", note: str = ""
) -> pl.DataFrame:
    frame = frame.with_columns(
        pl.col("source_file").replace_strict(urls, default=None).alias("source_url"),
        pl.lit(folder + "/").add(pl.col("source_file")).alias("source_file"),
        pl.lit(ORIGIN_RAW).alias("origin"),
    )
    if prefix:
        frame = frame.with_columns(
            pl.lit(prefix).add(pl.col("indicator")).alias("indicator"),
            pl.concat_str([pl.col("how"), pl.lit(note)], separator="; ").alias("how"),
        )
    return frame.select(list(DATASET_SCHEMA))


def read_raw_report(platform: str, period: str) -> tuple[pl.DataFrame, dict]:
    """Read one shipped raw report (every part, errors='raise'); return (rows, accounting).

    Files named in :data:`RAW_VARIANTS` are read as the variant says (a superseded version is
    left out and listed; a second table for another surface gets an indicator prefix).
    """
    folder = _raw_folders()[(platform, period)]
    records = _raw_file_records(folder)
    slug, half = folder.split("/")[-2:]
    variants = {name: v for (s, h, name), v in RAW_VARIANTS.items() if (s, h) == (slug, half)}
    main = [p for name, (p, _, _) in records.items() if name not in variants]
    urls = {name: url for name, (_, url, _) in records.items()}
    frame, rl = parse_report(main, errors="raise")
    if frame["platform"][0] != platform:
        raise ValueError(f"{folder}: Service column says {frame['platform'][0]!r}, expected {platform!r}")
    parts = [_tag_raw(frame, folder, urls)]
    acc = {
        "files": len(records),
        "summary": rl.summary(),
        "left_out": {},
        "inputs": [ds for name, (_, _, ds) in records.items() if variants.get(name, ("",))[0] != "leave out"],
    }
    for name, (action, reason) in variants.items():
        if action == "leave out":
            acc["left_out"][name] = reason
            continue
        extra, extra_rl = parse_report([records[name][0]], errors="raise", platform=platform)
        parts.append(_tag_raw(extra, folder, urls, prefix=action, note=reason))
        acc["summary"] += f"; {name}: {extra_rl.summary()}"
    out = pl.concat(parts)
    ps, pe = parse_period(period)
    out = out.with_columns(pl.lit(ps).alias("period_start"), pl.lit(pe).alias("period_end"))
    return out, acc


def build_dataset(write: bool = False) -> tuple[pl.DataFrame, dict]:
    """Build the tidy marketplace dataset from the shipped raw reports (published figures where none exists).

    Every raw report (:data:`RAW_PLATFORMS` x :data:`RAW_PERIODS`, all parts 1-11) is read with
    :func:`parse_report` (``errors="raise"``); a compiled figure is kept only for a platform and
    period without a raw report. ``origin`` says which each row came from. Returns (frame,
    accounting); ``write=True`` writes ``data/transparency/marketplace_reports.parquet`` (byte-identical
    for the same inputs; then run ``python -m dsa_explore.data.catalog refresh`` on it when the schema
    changes).
    """
    from dsa_explore.core import paths
    from dsa_explore.data import catalog

    figures = catalog.load(FIGURES)
    figures = figures.filter(
        pl.col("platform").is_in(list(MARKETPLACES)) & pl.col("period").is_in(list(PERIODS))
    )
    tidy, not_mapped = figures_to_tidy(figures)
    accounting: dict = {
        "figures": figures.height,
        "figures_not_mapped": not_mapped.height,
        "figures_superseded_by_raw": 0,
        "raw": {},
    }
    parts = []
    for platform, period in _raw_folders():
        frame, acc = read_raw_report(platform, period)
        superseded = (pl.col("platform") == platform) & (pl.col("period_start") == parse_period(period)[0])
        accounting["figures_superseded_by_raw"] += tidy.filter(superseded).height
        tidy = tidy.filter(~superseded)
        accounting["raw"][f"{platform} {period}"] = acc
        parts.append(frame)
    full = pl.concat([tidy, *parts]).sort(
        "platform",
        "period_start",
        "section",
        "source_file",
        "line",
        "indicator",
        "scope",
        nulls_last=True,
        maintain_order=True,
    )
    accounting["rows"] = full.height
    accounting["rows_by_origin"] = dict(full["origin"].value_counts().sort("origin").iter_rows())
    if write:
        write_dataset(paths.data_dir(), full, accounting)
    return full, accounting


DATASET_VERSION = "2026-12-02"


def _description(acc: dict) -> str:
    left_out = sorted(f"{k}: {name}" for k, a in acc["raw"].items() for name in a["left_out"])
    return (
        "One row per reported value of the DSA transparency reports, all sections of the harmonised template "
        "(Implementing Regulation (EU) 2024/2835): 1 report identification, 2 category names, 3 member "
        "states' orders, 4 notices, 5 and 6 own-initiative actions, 7 complaints, out-of-court disputes and "
        "Art. 23 suspensions, 8 automated means, 9 human resources, 10 average monthly active recipients, 11 "
        "qualitative text (kept as text in value_raw). AliExpress, Amazon Store, Temu, Zalando, Booking.com "
        "and Google Shopping, 2025-07-01/2025-12-31 and 2026-01-01/2026-06-30, are read from their raw "
        "report files in data/transparency/raw/ (parse_report, errors='raise'); SHEIN, Apple App Store and "
        "Google Play, which have no raw file here, come from the published-figures table "
        f"(transparency_published_figures). Column origin says which ('{ORIGIN_RAW}' or '{ORIGIN_FIGURE}'). "
        "Built by `dsa-explore data build transparency_marketplace_reports` (byte-identical for the same "
        f"inputs). Accounting: {acc['figures']} published figures selected; {acc['figures_not_mapped']} not "
        f"mapped (sections 3, 5, 6, 7); {acc['figures_superseded_by_raw']} superseded by raw reports; "
        f"{acc['rows']} rows ({acc['rows_by_origin'].get(ORIGIN_RAW, 0)} from raw files, "
        f"{acc['rows_by_origin'].get(ORIGIN_FIGURE, 0)} compiled). Left out and listed: "
        f"{'; '.join(left_out)} (a superseded version of the part). Google Shopping's second table 7, for "
        "its Ads surface, is read with indicators prefixed ads_. value is null when the cell is blank or "
        "holds no number; value_raw is the published text; how names the reading rules; flag is null for "
        "clean values and states the reason otherwise. Sections 3-6: category holds the category code, "
        "keyword codes qualified by their top-level category (STATEMENT_CATEGORY_X/KEYWORD_OTHER); scope is "
        "the member state (3) or the category code (4-6). Section 7: scope is the outcome (TOTAL, Decisions "
        "upheld, Decisions reversed, Median time...). context holds the contextual-information cell of the "
        "value. Figures are self-reported by the platforms and unaudited."
    )


def write_dataset(root: str | Path, full: pl.DataFrame, accounting: dict) -> list[Path]:
    """Write the tidy dataset (parquet) and its provenance record under ``root``; return the path written."""
    from dsa_explore.data import provenance

    target = Path(root) / DATASET_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    full.write_parquet(target, compression="zstd", statistics=False)
    urls = sorted(set(full["source_url"].drop_nulls()))
    inputs = [FIGURES, *sorted({ds for a in accounting["raw"].values() for ds in a["inputs"]})]
    fields = provenance.record(
        DATASET,
        "Harmonised transparency reports of marketplace VLOPs, H2 2025 and H1 2026, tidy (all sections)",
        _description(accounting),
        fmt="parquet",
        version=DATASET_VERSION,
        retrieved=DATASET_VERSION,
        source="generated by `dsa_explore.readers.transparency` (build_dataset) from the platforms' "
        "published transparency reports",
        source_urls=urls,
        synthetic=False,
        licence="public regulatory disclosures (DSA Art. 15/24/42); derived tidy table CC BY 4.0",
    )
    provenance.write(target, fields, built_by="dsa_explore.readers.transparency.build_files", inputs=inputs)
    return [target]


def build_files(root: str | Path) -> list[Path]:
    """Run the ``make data`` build: read every raw report, write the dataset and its record under ``root``."""
    full, accounting = build_dataset()
    return write_dataset(root, full, accounting)


def load_dataset() -> pl.DataFrame:
    """Load the shipped tidy dataset (checksum and schema checked by the catalog)."""
    from dsa_explore.data import catalog

    return catalog.load(DATASET)


BUILD = Build(
    name=DATASET,
    outputs=(DATASET_FILE,),
    inputs=(FIGURES, "transparency/raw/<platform>/<half>/* (128 raw report files, each with its record)"),
    function=build_files,
    description="tidy transparency-report dataset, all sections, from the raw report files of six "
    "marketplaces (compiled published figures for the others)",
)


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import json

    if sys.argv[1:] == ["build"]:
        _, acc = build_dataset(write=True)
        print(json.dumps(acc, indent=2))
    else:
        print("usage: python -m dsa_explore.readers.transparency build")
