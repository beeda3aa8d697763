"""Read the Commission's harmonised DSA transparency-report CSV templates into one tidy frame.

Commission Implementing Regulation (EU) 2024/2835 fixes the templates very large platforms
publish every half-year. The published files do not follow them strictly (decimal commas,
``129.7M``, ranges, ``97.27%``, impossible dates, BOMs, ragged rows...). :func:`read_report`
reads the parts of one report (any file names: each part is recognised by its header and its
Section/Indicator texts) and returns one row per reported value with

``platform, period_start, period_end, section, indicator, indicator_text, scope, value,
value_low, value_high, value_raw, unit, how, flag, source_file, line``

* ``value`` is a float, null when the cell is blank or holds no number; ``value_raw`` is the
  text as published; ``how`` says which reading rules were applied (``decimal comma``,
  ``millions suffix``, ``range midpoint``, ``percent -> share``...); ``flag`` is null for a clean
  value and otherwise the reason the value needs care (a range, a bound, a non-value, an
  unreadable cell).
* ``indicator`` is a normalised id (``moderators_internal``, ``moderators_external``,
  ``moderators_linguistic``, ``amar``, ``measures_automated``, ``notices_received``...), and
  ``indicator_text`` keeps the template's text.
* ``scope`` is ``TOTAL``, an upper-case ISO 3166 member-state code (Greece is always ``GR``:
  the EU protocol code ``EL`` is mapped to ``GR`` and the mapping noted in ``how``), a
  lower-case ISO 639-1 language code (``iw`` -> ``he``), a category code (section 4), or
  the published text (``Agnostic``, ``Own-initiative``, ``NAM Total``).

A value that cannot be read is an error: with ``errors="raise"`` (default) a
:class:`TransparencyParseError` lists every such value with file, line and raw text; with
``errors="flag"`` the row is kept with a null value and the reason in ``flag``. Nothing is
dropped: :func:`parse_report` returns the frame with a :class:`ReadLog` that accounts for
every record (values read = parsed + flagged; skipped lines such as empty padding rows and
footnotes are listed with their reason).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from dsa_explore.core.errors import InputFileError
from dsa_explore.core.reference import COUNTRY_ALIASES, EU_LANGUAGES, MEMBER_STATES, REPORTING_PERIODS

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
    "number of actions taken on the basis of the law (trusted flagger notices)": "actions_law_trusted_flaggers",
    "number of actions taken on the basis of the terms and conditions of the service": "actions_tc",
    "number of actions taken on the basis of the terms and conditions of the service (trusted flagger notices)":
        "actions_tc_trusted_flaggers",
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
}

#: Unit of each indicator id (what ``value`` counts).
UNITS: dict[str, str] = {
    "amar": "recipients",
    "moderators_internal": "moderators (as reported, usually FTE)",
    "moderators_external": "moderators (as reported, usually FTE)",
    "moderators_linguistic": "moderators (as reported, usually FTE)",
    "moderators_external_headcount": "persons (headcount)",
    "accuracy": "share", "precision": "share", "recall": "share",
    "measures_automated": "measures", "measures_not_automated": "measures",
    "notices_automated": "notices", "notices_not_automated": "notices",
    "notices_received": "notices", "notices_trusted_flaggers": "notices",
    "notice_items": "items", "notice_items_trusted_flaggers": "items",
    "median_hours_to_action": "hours", "median_hours_to_action_trusted_flaggers": "hours",
    "actions_law": "actions", "actions_law_trusted_flaggers": "actions",
    "actions_tc": "actions", "actions_tc_trusted_flaggers": "actions",
}
SHARE_INDICATORS = {"accuracy", "precision", "recall"}

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
_PLACEHOLDERS = {"[...]", "[…]", "...", "…", "text", "free text", "yyyy-mm-dd", "yyyy-mm-dd/yyyy-mm-dd",
                 'text to detail the "other" keyword.'}


class TransparencyParseError(InputFileError):
    """Values of a transparency report could not be read; ``problems`` lists each with file, line and raw text."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        lines = [f"  {p.file}, line {p.line}, {p.column}: {p.raw!r}: {p.reason}" for p in self.problems]
        super().__init__(f"{len(self.problems)} value(s) could not be read (expected a number, a share, a range "
                         f"or a blank; pass errors='flag' to keep them as null with the reason):\n" + "\n".join(lines))


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
        return (f"{len(self.files)} file(s), {self.records_read} records, {self.values_read} values read = "
                f"{self.values_parsed} parsed + {self.values_flagged} flagged; "
                f"{len(self.skipped_lines)} non-data line(s) skipped; {len(self.problems)} unreadable value(s)")


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
_BOUND = re.compile(rf"^(>=|<=|≥|≤|>|<|more than|less than|over|above|under|largely above|at least)\s*"
                    rf"({_NUM})\s*(m|mn|mio|million|millions)?$", re.IGNORECASE)
_MILLIONS = re.compile(rf"^({_NUM})\s*(m|mn|mio|million|millions)$", re.IGNORECASE)
_PERCENT = re.compile(rf"^({_NUM})\s*%$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def parse_number(text: str) -> tuple[float, list[str]]:
    """Read a plain number written with any thousands/decimal convention; return (value, rules applied).

    Rules: spaces (also no-break and thin spaces) inside a number are thousands separators or
    stray; with both ``,`` and ``.`` the last one is the decimal mark; several of the same mark
    are thousands separators (groups of three digits); a single ``,`` followed by exactly three
    digits is a thousands separator, otherwise a decimal comma; a single ``.`` is a decimal point.
    Raises ``ValueError`` when the text is not a number.
    """
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
    commas, dots = s.count(","), s.count(".")

    def groups_ok(parts: list[str]) -> bool:
        return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])

    if commas and dots:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        thou = "." if dec == "," else ","
        int_part, frac = s.rsplit(dec, 1)
        if int_part.count(dec) or not groups_ok(int_part.split(thou)):
            raise ValueError("mixed separators in an unreadable order")
        s = int_part.replace(thou, "") + "." + frac
        how.append("comma thousands" if thou == "," else "dot thousands, decimal comma")
    elif commas > 1 or dots > 1:
        sep = "," if commas > 1 else "."
        parts = s.split(sep)
        if not groups_ok(parts):
            raise ValueError(f"'{sep}' used as thousands separator with groups that are not three digits")
        s = "".join(parts)
        how.append("comma thousands" if sep == "," else "dot thousands")
    elif commas == 1:
        int_part, frac = s.split(",")
        if len(frac) == 3 and 1 <= len(int_part) <= 3 and int_part != "0":
            s = int_part + frac
            how.append("comma thousands")
        else:
            s = int_part + "." + frac
            how.append("decimal comma")
    elif dots == 1:
        int_part, frac = s.split(".")
        if frac and set(frac) == {"0"}:
            how.append("float notation")
    value = float(s)
    return value, how


def read_value(raw: str | None, *, share: bool = False) -> Reading:
    """Read one published value; ``share=True`` when the template asks for a share in [0, 1]."""
    if raw is None:
        return Reading(None, how="blank")
    text = raw.replace("\ufeff", "").strip().strip('"').strip()
    if text == "":
        return Reading(None, how="blank")
    low = text.lower()
    if low in _NON_VALUES:
        return Reading(None, how="not-applicable marker", flag=f"not applicable ({text!r})")
    if low in _PLACEHOLDERS:
        return Reading(None, how="template placeholder", flag=f"template placeholder ({text!r})")
    if "http" in low or low.startswith(("see ", "refer", "please see", "available", "not in template")):
        return Reading(None, how="pointer text", flag="pointer to another document instead of a number")
    try:
        if m := _MILLIONS.match(text):
            v, how = parse_number(m.group(1))
            how = [h for h in how if h != "float notation"]
            digits = len(re.split(r"[.,]", m.group(1).strip())[-1]) if re.search(r"[.,]", m.group(1)) else 0
            half = 0.5 * 10 ** (6 - digits)
            return Reading(round(v * 1e6, 6), how="; ".join(
                [*how, f"millions suffix x1,000,000; published rounded to {10 ** -digits:g} M (true value "
                       f"within +/-{half:,.0f})"]))
        if m := _PERCENT.match(text):
            v, how = parse_number(m.group(1))
            return Reading(v / 100, how="; ".join([*how, "percent -> share"]))
        if m := _RANGE.match(text):
            a, how_a = parse_number(m.group(1))
            b, how_b = parse_number(m.group(2))
            scale = 1e6 if m.group(3) else 1.0
            lo, hi = sorted((round(a * scale, 6), round(b * scale, 6)))
            how = sorted(set(how_a + how_b)) + (["millions suffix x1,000,000"] if m.group(3) else [])
            return Reading((lo + hi) / 2, lo, hi, how="; ".join([*how, "range: value = midpoint"]),
                           flag=f"range {text!r}: low and high kept, value is the midpoint")
        if m := _BOUND.match(text):
            v, how = parse_number(m.group(2))
            v = round(v * (1e6 if m.group(3) else 1.0), 6)
            op = m.group(1).lower()
            if op in {"<", "<=", "≤", "less than", "under"}:
                return Reading(None, None, v, how="; ".join([*how, "upper bound only"]),
                               flag=f"bound {text!r}: only an upper bound is known, value left null")
            return Reading(None, v, None, how="; ".join([*how, "lower bound only"]),
                           flag=f"bound {text!r}: only a lower bound is known, value left null")
        v, how = parse_number(text)
    except ValueError as exc:
        return Reading(None, how="unreadable", flag=f"unreadable value: {exc}", error=str(exc))
    if share and v is not None and 1 < v <= 100:
        return Reading(v / 100, how="; ".join([*how, "percent without % sign -> share"]),
                       flag=f"share written as a percentage ({text!r}), divided by 100")
    if share and v is not None and v > 100:
        return Reading(None, how="unreadable", flag=f"share out of range ({text!r})", error="share above 100%")
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
    for pattern, order in ((r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", "ymd"), (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", "dmy")):
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
    t = (text or "").replace("\ufeff", "").replace("’", "'").replace("\u00a0", " ")
    return " ".join(t.lower().split())


def indicator_id(text: str | None) -> tuple[str, str]:
    """Return (indicator id, how) for a template indicator text; unknown texts get a slug id."""
    key = norm_text(text)
    if key in INDICATORS:
        return INDICATORS[key], ""
    slug = re.sub(r"[^a-z0-9]+", "_", key).strip("_")[:60] or "unknown"
    return slug, "indicator text not in the template list: id is a slug of the text"


def scope_for(raw: str | None, section: int | None, country_file: bool = False) -> tuple[str, str, str | None]:
    """Normalise a scope cell; return (scope, how, flag).

    ``country_file`` says that this file's language section uses member-state codes (decided per
    file by :func:`_country_coded`).
    """
    text = (raw or "").replace("\ufeff", "").strip()
    low = text.lower()
    if low in _TOTALS:
        return "TOTAL", "" if text == "TOTAL" else f"scope {text!r} -> TOTAL", None
    if low in _PLACEHOLDERS:
        return text, "", "template placeholder row"
    if re.fullmatch(r"[A-Za-z]{2}", text):
        up, lo = text.upper(), text.lower()
        if section == 10:
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
    """True when a language section's two-letter scopes are member-state codes (e.g. BE, IE, SE)."""
    codes = [s.strip() for s in scopes if re.fullmatch(r"[A-Za-z]{2}", s.strip())]
    upper = [c for c in codes if c.isupper()]
    if not upper:
        return False
    only_country = {c for c in upper if c in MEMBER_STATES and c.lower() not in EU_LANGUAGES}
    only_language = {c for c in upper if c.lower() in EU_LANGUAGES and c not in MEMBER_STATES and c != "EL"}
    return bool(only_country) and not only_language


def section_for(text: str | None) -> int | None:
    key = norm_text(text)
    for needle, number in _SECTION_TEXTS:
        if needle in key:
            return number
    return None


# --------------------------------------------------------------------------------------------
# files


def _decode(data: bytes, name: str, notes: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append(f"{name}: UTF-8 byte-order mark removed")
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        notes.append(f"{name}: not valid UTF-8, decoded as Windows-1252")
        return data.decode("cp1252", errors="replace")


def _records(text: str) -> list[tuple[int, list[str]]]:
    """Return (first line number, cells) for every CSV record (multi-line quoted cells kept whole)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out, prev = [], 0
    for row in reader:
        out.append((prev + 1, row))
        prev = reader.line_num
    return out


def _header_key(cells: list[str]) -> list[str]:
    return [norm_text(c) for c in cells]


def _part_of(header: list[str]) -> str | None:
    h = [c for c in header if c]
    if {"section", "indicator", "scope", "value"} <= set(h):
        return "long"
    if "category of illegal content" in h and "number of notices received" in h:
        return "4"
    if "category of illegal content" in h:
        return "wide-other"
    if {"indicator", "value"} <= set(h) and "reporting period" not in h:
        return "1"
    if {"indicator", "value", "reporting period"} <= set(h):
        return "11"
    return None


@dataclass
class _Row:
    platform: str | None
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


def _source_list(source: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(source, (str, Path)):
        p = Path(source)
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in (".csv", ".txt"))
            if not files:
                raise FileNotFoundError(f"{p}: folder holds no .csv files (expected the CSV parts of one report)")
            return files
        return [p]
    return [Path(s) for s in source]


def parse_report(source: str | Path | Sequence[str | Path], *, errors: str = "raise",
                 platform: str | None = None) -> tuple[pl.DataFrame, ReadLog]:
    """Read the CSV parts of one report; return (tidy frame, :class:`ReadLog`). See :func:`read_report`."""
    if errors not in ("raise", "flag"):
        raise ValueError(f"errors must be 'raise' or 'flag', not {errors!r}")
    files = _source_list(source)
    rl = ReadLog(files=[str(f) for f in files])
    rows: list[_Row] = []
    ident: dict[str, str] = {}
    services: Counter[str] = Counter()

    for path in files:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file (expected a CSV part of a transparency report)")
        name = path.name
        text = _decode(path.read_bytes(), name, rl.notes)
        records = _records(text)
        if not records:
            rl.files_not_read[name] = "empty file"
            continue
        # the header is the first non-empty record
        hi = next((i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)), None)
        if hi is None:
            rl.files_not_read[name] = "no header"
            continue
        header_line, header_cells = records[hi]
        header = _header_key(header_cells)
        part = _part_of(header)
        if part in (None, "11", "wide-other"):
            reason = {None: "header not recognised as a transparency-report part",
                      "11": "qualitative part (free text): not read",
                      "wide-other": "wide part other than 4 (notices): not read"}[part]
            rl.files_not_read[name] = f"{reason}; header: {', '.join(c for c in header_cells if c)[:200]}"
            continue
        col = {h: i for i, h in reversed(list(enumerate(header))) if h}
        width = max(i for i, h in enumerate(header) if h) + 1  # named columns (extra empty header cells ignored)
        data = records[hi + 1:]

        def cell(cells: list[str], key: str, col: dict[str, int] = col) -> str:
            i = col.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        def ragged(line: int, cells: list[str], width: int = width, header: list[str] = header) -> list[str]:
            notes = []
            if len(cells) < width:
                notes.append(f"ragged row: {len(cells)} cells, header has {width}")
            extra = [c for i, c in enumerate(cells) if (i >= width or not header[i]) and c.strip()]
            if extra:
                notes.append(f"ragged row: extra non-empty cell(s) ignored: {extra!r}"[:200])
            return notes

        def keep_record(line: int, cells: list[str], name: str = name) -> bool:
            nonempty = [c for c in cells if c.strip()]
            if not nonempty:
                rl.skipped_lines.append((name, line, "empty padding row"))
                return False
            if len(nonempty) == 1 and cells and cells[0].strip():
                rl.skipped_lines.append((name, line, f"footnote or comment line: {cells[0].strip()[:80]!r}"))
                return False
            return True

        if part == "1":
            rl.parts[name] = "1 report identification"
            for line, cells in data:
                if not keep_record(line, cells):
                    continue
                rl.records_read += 1
                ind_text = cell(cells, "indicator")
                ind, how = indicator_id(ind_text)
                raw = cell(cells, "value").strip()
                if svc := cell(cells, "service").strip():
                    services[svc] += 1
                ident[ind] = raw
                is_date = ind in ("publication_date", "previous_publication_date", "period_start", "period_end")
                d = parse_date(raw) if is_date else None
                flags = ragged(line, cells)
                hows = [how] if how else []
                if is_date:
                    if d is None and raw:
                        flags.append(f"not a valid date ({raw!r})")
                    elif d is not None and raw != d.isoformat():
                        hows.append(f"date {raw!r} read as {d.isoformat()}")
                rows.append(_Row(None, None, 1, ind, ind_text.strip(), "TOTAL",
                                 Reading(None, how="date" if is_date else "text"), raw,
                                 "date" if is_date else "text", hows, flags, name, line))
            continue

        if part == "4":
            rl.parts[name] = "4 notices"
            value_cols = [(i, h) for i, h in enumerate(header)
                          if h and not h.startswith("contextual information") and h in INDICATORS]
            unknown = [h for i, h in enumerate(header) if h and i >= col.get("category of illegal content", 0) + 2
                       and not h.startswith("contextual information") and h not in INDICATORS]
            if unknown:
                rl.notes.append(f"{name}: column(s) not read (unknown indicator texts): {unknown}")
            for line, cells in data:
                if not keep_record(line, cells):
                    continue
                rl.records_read += 1
                if svc := cell(cells, "service").strip():
                    services[svc] += 1
                category = cell(cells, "category of illegal content").strip()
                scope, s_how, s_flag = scope_for(category, 4)
                base_flags = ragged(line, cells)
                if s_flag:
                    base_flags.append(s_flag)
                for i, h in value_cols:
                    raw = cells[i] if i < len(cells) else ""
                    ind = INDICATORS[h]
                    reading = read_value(raw)
                    rows.append(_Row(None, cell(cells, "reporting period"), 4, ind, header_cells[i].strip(), scope,
                                     reading, raw.strip(), UNITS.get(ind), [s_how] if s_how else [],
                                     list(base_flags), name, line))
            continue

        # long format (sections 8, 9, 10, 7, ...)
        kept = [(line, cells) for line, cells in data if keep_record(line, cells)]
        sections = Counter(section_for(cell(c, "section")) for _, c in kept)
        main_section = sections.most_common(1)[0][0] if sections else None
        rl.parts[name] = f"{main_section} long format" if main_section else "long format (section not recognised)"
        country_file = _country_coded(cell(c, "scope") for _, c in kept
                                      if section_for(cell(c, "section")) in (8, 9))
        if country_file:
            rl.notes.append(f"{name}: upper-case two-letter scopes in a language section read as member-state codes")
        for line, cells in kept:
            rl.records_read += 1
            if svc := cell(cells, "service").strip():
                services[svc] += 1
            sec = section_for(cell(cells, "section")) or main_section
            ind_text = cell(cells, "indicator")
            ind, i_how = indicator_id(ind_text)
            scope, s_how, s_flag = scope_for(cell(cells, "scope"), sec, country_file)
            raw = cell(cells, "value")
            reading = read_value(raw, share=ind in SHARE_INDICATORS)
            flags = ragged(line, cells)
            if s_flag:
                flags.append(s_flag)
            rows.append(_Row(None, cell(cells, "reporting period"), sec, ind, " ".join(ind_text.split()), scope,
                             reading, raw.strip(), UNITS.get(ind), [h for h in (i_how, s_how) if h], flags,
                             name, line))

    # ---- report-level: platform and period
    if platform is None:
        provider = ident.get("provider_name")
        provider = provider if provider and norm_text(provider) not in _PLACEHOLDERS else None
        platform = services.most_common(1)[0][0] if services else provider
        if platform:
            try:
                from dsa_explore.core.platforms import resolve

                platform = resolve(platform)
            except ValueError:
                pass
            rl.notes.append(f"platform {platform!r} taken from the Service column")
    start = parse_date(ident.get("period_start"))
    end = parse_date(ident.get("period_end"))
    if start and end:
        rl.notes.append(f"period {start}/{end} taken from the report identification part")
        period_source = "report identification"
    else:
        periods = Counter(parse_period(r.period_text) for r in rows if r.period_text)
        valid = [(p, n) for p, n in periods.most_common() if p[0] and p[1]]
        if valid:
            (start, end), n = valid[0]
            rl.notes.append(f"period {start}/{end} taken from the period column (majority: {n} of "
                            f"{sum(periods.values())} rows)")
            period_source = "majority of the period column"
        else:
            period_source = None
            rl.notes.append("no reporting period found (no report identification part, no valid period column)")

    problems: list[Problem] = []
    out = []
    for r in rows:
        how, flags = list(r.how), list(r.flag)
        if r.period_text is not None and period_source:
            ps, pe = parse_period(r.period_text)
            if (ps, pe) != (start, end):
                how.append(f"period column {r.period_text.strip()!r} "
                           f"{'is not a valid date range' if not (ps and pe) else 'differs'}; "
                           f"report period used ({period_source})")
        reading = r.reading
        if reading.error:
            problems.append(Problem(r.file, r.line, f"{r.indicator} [{r.scope}]", r.value_raw, reading.error))
        how.insert(0, reading.how)
        if reading.flag:
            flags.insert(0, reading.flag)
        out.append({
            "platform": platform, "period_start": start, "period_end": end, "section": r.section,
            "indicator": r.indicator, "indicator_text": r.indicator_text, "scope": r.scope,
            "value": reading.value, "value_low": reading.low, "value_high": reading.high,
            "value_raw": r.value_raw, "unit": r.unit, "how": "; ".join(h for h in how if h),
            "flag": "; ".join(flags) if flags else None, "source_file": r.file, "line": r.line,
        })
    rl.problems = problems
    if problems and errors == "raise":
        raise TransparencyParseError(problems)
    frame = pl.DataFrame(out, schema=SCHEMA, orient="row") if out else pl.DataFrame(schema=SCHEMA)
    rl.values_read = frame.height
    rl.values_flagged = frame.filter(pl.col("flag").is_not_null()).height
    rl.values_parsed = rl.values_read - rl.values_flagged
    log.info("read_report: %s", rl.summary())
    return frame, rl


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
DATASET_FILE = "transparency/marketplace_reports.csv"
#: columns of the shipped dataset: the tidy frame plus the URL of the published file.
DATASET_SCHEMA: dict[str, pl.DataType] = {**SCHEMA, "source_url": pl.String()}
PERIODS = tuple(f"{start}/{end}" for start, end in REPORTING_PERIODS.values())
MARKETPLACES = ("AliExpress", "Amazon Store", "Temu", "SHEIN", "Zalando", "Booking.com", "Apple App Store",
                "Google Shopping", "Google Play")
#: real raw reports shipped under data/transparency/raw/<slug>/<period>/ and the archive they mirror.
RAW_REPORTS = {
    ("Amazon Store", "2025-07-01/2025-12-31"): ("transparency/raw/amazon-store/2025-H2",
        "https://github.com/krMaynard/dsa-transparency-data/blob/91abc2ff32c4db04e778a636bb1794c3ec368b3d/amazon/"),
    ("Temu", "2025-07-01/2025-12-31"): ("transparency/raw/temu/2025-H2",
        "https://github.com/krMaynard/dsa-transparency-data/blob/91abc2ff32c4db04e778a636bb1794c3ec368b3d/temu/"),
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
    "accuracy of the automated means - accuracy": "accuracy", "accuracy": "accuracy",
    "accuracy of the automated means - precision": "precision", "precision": "precision",
    "accuracy of the automated means - recall": "recall", "recall": "recall",
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
    (re.compile(r"^internal moderators \(FTE\) scope=(\S+)$"), 9, lambda m: ("moderators_internal", m.group(1))),
    (re.compile(r"^external moderators \(FTE\) scope=(\S+)$"), 9, lambda m: ("moderators_external", m.group(1))),
    (re.compile(r"^moderators with >=B2 linguistic expertise scope=(\S+)$"), 9,
     lambda m: ("moderators_linguistic", m.group(1))),
    (re.compile(r"^external moderators headcount"), 9, lambda m: ("moderators_external_headcount", "TOTAL")),
    (re.compile(r"^Automated means: (.+?) scope=(.+?)(?: \(raw CSV\))?$"), 8,
     lambda m: (_AUTOMATED.get(m.group(1).strip().lower()), m.group(2))),
    (re.compile(r"^Art\.16 (.+?) \[(.+?)\]( surface=\S+)?$"), 4,
     lambda m: (_ART16.get(m.group(1)), m.group(2) + (m.group(3) or ""))),
]
_PUBLISHED = re.compile(r"""published (?:as )?(?:'([^']+)'|"([^"]+)"|([0-9][0-9.,]*%))""")


def figures_to_tidy(figures: pl.DataFrame, file_label: str = "transparency/raw/published_figures.csv"
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
        mapped = None
        for pattern, section, fn in _FIGURE_PATTERNS:
            if m := pattern.match(metric):
                ind, scope_raw = fn(m)
                if ind:
                    mapped = (section, ind, scope_raw)
                break
        if mapped is None:
            skipped.append({"line": line, "platform": r["platform"], "metric": metric,
                            "reason": "section 3, 5, 6 or 7 figure: not part of this dataset"})
            continue
        section, ind, scope_raw = mapped
        if section == 4:
            scope, s_how, s_flag = scope_raw, "", None
        else:
            scope, s_how, s_flag = scope_for("Total number" if scope_raw.lower() == "total" else scope_raw, section)
            if scope.lower() == "agnostic":
                scope = "Agnostic"
        share = ind in SHARE_INDICATORS
        value_text = (r["value"] or "").strip()
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
        if s_flag:
            flags.append(s_flag)
        ps, pe = parse_period(r["period"])
        unit = UNITS.get(ind)
        if section == 9 and "FTE" in unit_note:
            unit = "moderators (FTE)"
        out.append({
            "platform": r["platform"], "period_start": ps, "period_end": pe, "section": section,
            "indicator": ind, "indicator_text": metric, "scope": scope,
            "value": reading.value, "value_low": reading.low, "value_high": reading.high,
            "value_raw": raw, "unit": unit,
            "how": "; ".join(h for h in [reading.how, *how, s_how, f"compiled figure (unit note: {unit_note})"] if h),
            "flag": "; ".join([*([reading.flag] if reading.flag else []), *flags]) or None,
            "source_file": file_label, "line": line, "source_url": r["source_url"],
        })
    return (pl.DataFrame(out, schema=DATASET_SCHEMA, orient="row"),
            pl.DataFrame(skipped, schema={"line": pl.Int64, "platform": pl.String, "metric": pl.String,
                                          "reason": pl.String}))


def build_dataset(write: bool = False) -> tuple[pl.DataFrame, dict]:
    """Build the tidy marketplace dataset from the shipped raw reports and published figures.

    Raw reports (Amazon Store and Temu, H2 2025) are read with :func:`parse_report` and replace
    the compiled figures of the same platform, period and sections. Returns (frame, accounting);
    ``write=True`` writes ``data/transparency/marketplace_reports.csv`` (then run
    ``python -m dsa_explore.data.catalog refresh`` on it).
    """
    from dsa_explore.core import paths
    from dsa_explore.data import catalog

    figures = catalog.load(FIGURES)
    figures = figures.filter(pl.col("platform").is_in(list(MARKETPLACES)) & pl.col("period").is_in(list(PERIODS)))
    tidy, not_mapped = figures_to_tidy(figures)
    parts, accounting = [], {"figures": figures.height, "figures_not_mapped": not_mapped.height,
                             "figures_superseded_by_raw": 0, "raw": {}}
    for (platform, period), (folder, url_base) in RAW_REPORTS.items():
        files = sorted((paths.data_dir() / folder).glob("*.csv"))
        for f in files:  # checksums of the raw files
            rel = f.relative_to(paths.data_dir()).as_posix()
            ds = next(d for d in catalog.all_datasets().values() if d.relpath == rel)
            catalog.verify_checksum(ds)
        frame, rl = parse_report(files, errors="raise")
        if frame["platform"][0] != platform:
            raise ValueError(f"{folder}: Service column says {frame['platform'][0]!r}, expected {platform!r}")
        sections = frame["section"].unique().to_list()
        ps, pe = parse_period(period)
        superseded = ((pl.col("platform") == platform) & (pl.col("period_start") == ps)
                      & pl.col("section").is_in(sections))
        accounting["figures_superseded_by_raw"] += tidy.filter(superseded).height
        tidy = tidy.filter(~superseded)
        frame = frame.with_columns(
            pl.lit(folder + "/").add(pl.col("source_file")).alias("source_file"),
            pl.lit(url_base).add(pl.col("source_file")).alias("source_url"),
        )
        accounting["raw"][f"{platform} {period}"] = rl.summary()
        parts.append(frame.select(list(DATASET_SCHEMA)))
    full = pl.concat([tidy, *parts]).sort("platform", "period_start", "section", "indicator", "scope", "source_file",
                                           "line")
    accounting["rows"] = full.height
    if write:
        target = paths.data_dir() / DATASET_FILE
        full.write_csv(target, null_value="")
    return full, accounting


def load_dataset() -> pl.DataFrame:
    """Load the shipped tidy dataset (checksum and schema checked by the catalog)."""
    from dsa_explore.data import catalog

    return catalog.load(DATASET)


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import json
    import sys

    if sys.argv[1:] == ["build"]:
        _, acc = build_dataset(write=True)
        print(json.dumps(acc, indent=2))
    else:
        print("usage: python -m dsa_explore.readers.transparency build")
