"""EU Safety Gate (formerly RAPEX) XML: the weekly-report list and weekly reports into one tidy alert table.

The Commission publishes the alerts notified by market-surveillance authorities in a weekly
report (https://ec.europa.eu/safety-gate-alerts). :func:`read_list` reads the list of weekly
reports; :func:`read_reports` reads weekly-report detail files into a :class:`Reading`:

- ``alerts``: one row per alert (columns in :data:`ALERT_SCHEMA`); list columns for model
  numbers, barcodes, risk types, recall URLs and pictures; ``measures`` as a list of
  ``{kind, operator, measure, date, date_text}`` structs and ``online_traders`` as a list of
  ``{marketplace, marketplace_raw, identifier_type, identifier, website, raw}`` structs;
- ``notes``: one row per value the reader had to interpret (``xsi:nil``, empty values, the
  words ``None``/``Unknown``, concatenated URLs, ``Unknown`` dates, ``wwww.`` typos,
  whitespace), with file, alert, field, kind and raw value, so nothing is interpreted silently.
  :meth:`Reading.accounting` counts them.

Anything the reader cannot interpret (XML that is not well-formed, a missing case number, a
date that is neither dd/mm/yyyy nor ``Unknown``, a measures text off the portal's label
grammar, an online trader that is not ``Name(identifier) /``) raises :class:`SafetyGateError`
naming file, alert, field, raw value and what was expected.

XML is parsed with ``defusedxml`` (no entity expansion, no external entities).

Reuse: the alerts are the European Commission's; keep :data:`ACKNOWLEDGEMENT` and
:data:`ATTRIBUTION` with every table or figure drawn from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import polars as pl
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from dsa_explore.core.errors import InputFileError
from dsa_explore.data.builds import Build

#: The acknowledgement the Safety Gate disclaimer ("REUSE OF ALERTS") asks for, verbatim.
ACKNOWLEDGEMENT = (
    "Alerts from the Rapid Alert System for dangerous non-food products, published free of charge "
    "on the Safety Gate website (https://ec.europa.eu/safety-gate-alerts) © European Union, 2005 – 2026"
)
#: The attribution line carried with every copy, extract or derived table.
ATTRIBUTION = "© European Union, Safety Gate, CC BY 4.0"
PORTAL_URL = "https://ec.europa.eu/safety-gate-alerts"
LIST_URL = "https://ec.europa.eu/safety-gate-alerts/api/download/weeklyReport/list/xml/en"

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
REMOVAL_BY_MARKETPLACE = "Removal of this product listing by the online marketplace"

#: Fields whose literal words ``None`` / ``Unknown`` mean "not stated" (the portal writes them by hand).
WORDS_AS_MISSING = frozenset(
    {
        "brand",
        "name",
        "type_numberOfModel",
        "batchNumber",
        "barcode",
        "countryOfOrigin",
        "companyRecallCode",
        "productionDates",
        "onlineTrader",
    }
)
MISSING_WORDS = frozenset({"none", "unknown", "n/a", "not known"})

#: Known marketplaces: name as the portal writes it (case-folded) or website host fragment -> one name.
MARKETPLACES: dict[str, str] = {
    "aliexpress": "AliExpress",
    "temu": "Temu",
    "shein": "SHEIN",
    "amazon": "Amazon",
    "wish": "Wish",
    "ebay": "eBay",
    "allegro": "Allegro",
    "cdiscount": "Cdiscount",
    "fruugo": "Fruugo",
    "etsy": "Etsy",
    "joom": "Joom",
    "vinted": "Vinted",
    "zalando": "Zalando",
    "bol.com": "bol.com",
    "bol": "bol.com",
    "tiktok": "TikTok Shop",
    "tiktok shop": "TikTok Shop",
    "lazada": "Lazada",
    "banggood": "Banggood",
    "emag": "eMAG",
    "kaufland": "Kaufland",
    "otto": "OTTO",
    "facebook": "Facebook Marketplace",
    "facebook marketplace": "Facebook Marketplace",
    "marktplaats": "Marktplaats",
    "rakuten": "Rakuten",
}
#: What the portal's ``Other(...)`` stands for: a website that is not a listed marketplace.
OTHER_WEBSITE = "other website"

ALERT_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "report_id": pl.String(),
    "report_year": pl.Int64(),
    "report_week": pl.Int64(),
    "report_date": pl.Date(),
    "order": pl.Int64(),
    "case_number": pl.String(),
    "alert_url": pl.String(),
    "category": pl.String(),
    "product": pl.String(),
    "brand": pl.String(),
    "name": pl.String(),
    "models": pl.List(pl.String()),
    "batch": pl.String(),
    "barcodes": pl.List(pl.String()),
    "risk_types": pl.List(pl.String()),
    "danger": pl.String(),
    "measures": pl.List(
        pl.Struct(
            {
                "kind": pl.String(),
                "operator": pl.String(),
                "measure": pl.String(),
                "date": pl.Date(),
                "date_text": pl.String(),
            }
        )
    ),
    "recall_urls": pl.List(pl.String()),
    "description": pl.String(),
    "notifying_country": pl.String(),
    "country_of_origin": pl.String(),
    "type": pl.String(),
    "level": pl.String(),
    "pictures": pl.List(pl.String()),
    "online_traders": pl.List(
        pl.Struct(
            {
                "marketplace": pl.String(),
                "marketplace_raw": pl.String(),
                "identifier_type": pl.String(),
                "identifier": pl.String(),
                "website": pl.String(),
                "raw": pl.String(),
            }
        )
    ),
    "online_marketplaces": pl.List(pl.String()),
    "company_recall_code": pl.String(),
    "production_dates": pl.String(),
    "production_from": pl.Date(),
    "production_to": pl.Date(),
}
NOTE_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "case_number": pl.String(),
    "field": pl.String(),
    "kind": pl.String(),
    "raw": pl.String(),
    "action": pl.String(),
}
LIST_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.String(),
    "reference": pl.String(),
    "language": pl.String(),
    "publication_date": pl.Date(),
    "year": pl.Int64(),
    "week": pl.Int64(),
    "url": pl.String(),
}

#: What each note kind means and what the reader did (documented in docs/safety-gate.md too).
NOTE_KINDS: dict[str, str] = {
    "nil": 'element marked xsi:nil="true": read as missing',
    "empty": "empty element or empty CDATA: read as missing",
    "absent": "element not present in the alert: read as missing",
    "missing_word": "the word None/Unknown/n/a in an identity field: read as missing",
    "whitespace": "leading/trailing whitespace removed, runs of spaces/tabs/newlines collapsed to one space",
    "concatenated_urls": "several URLs run together with no separator: split at each http(s)://",
    "unknown_date": "measure date 'Unknown': date null, date_text kept",
    "website_typo": "website host starting 'wwww.': read as 'www.' (raw kept in online_traders.raw)",
    "unparsed_production_dates": "productionDates not a 'dd.mm.yyyy - dd.mm.yyyy' range: text kept, "
    "from/to null",
    "unexpected_field": "element the reader does not know: value kept only in the notes",
}

_REQUIRED = ("caseNumber", "reference", "category")
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_PROD_RANGE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})\s*-\s*(\d{2})\.(\d{2})\.(\d{4})$")
_MEASURE = re.compile(
    r"Type of economic operator "
    r"(?P<label>to whom the measure\(s\) were ordered|taking notified measure\(s\)):\s*"
    r"(?P<operator>.*?)\s*Category of measure\(s\):\s*(?P<measure>.*?)\s*"
    r"Date of entry into force:\s*(?P<date>\d{2}/\d{2}/\d{4}|Unknown)",
    re.S,
)
_TRADER = re.compile(r"\s*(?P<name>[^()/]+?)\s*(?:\((?P<inner>[^()]*)\))?\s*(?:/|$)")
_URL_START = re.compile(r"(?=https?://)", re.I)
_WS = re.compile(r"\s+")
_ID_PREFIX = re.compile(r"^(?P<type>[A-Za-z][A-Za-z .#-]{0,30}?)\s*:\s*(?P<value>\S.*)$")
#: The 23 child elements of an alert, in the portal's order (notes follow this order: reproducible output).
_FIELD_ORDER = (
    "order",
    "caseNumber",
    "reference",
    "category",
    "product",
    "brand",
    "name",
    "type_numberOfModel",
    "batchNumber",
    "barcode",
    "riskType",
    "danger",
    "measures",
    "URLrecall",
    "description",
    "notifyingCountry",
    "countryOfOrigin",
    "type",
    "level",
    "pictures",
    "onlineTrader",
    "companyRecallCode",
    "productionDates",
)
_KNOWN_FIELDS = frozenset(_FIELD_ORDER)


class SafetyGateError(InputFileError):
    """A Safety Gate file cannot be read: names file, alert, field, raw value and what was expected."""

    def __init__(
        self, file: str | Path, alert: str | None, field: str | None, raw: str | None, expected: str
    ):
        where = str(file) + (f", alert {alert}" if alert else "") + (f", field {field!r}" if field else "")
        shown = "" if raw is None else f": got {raw[:200]!r}"
        super().__init__(f"{where}{shown}; expected {expected}", file=file, value=raw, expected=expected)
        self.alert, self.field, self.raw = alert, field, raw


@dataclass(frozen=True)
class Reading:
    """Alerts read from one or more weekly reports, with the notes on every interpreted value."""

    alerts: pl.DataFrame
    notes: pl.DataFrame
    files: tuple[str, ...]

    def accounting(self) -> pl.DataFrame:
        """Return the count of notes per kind and field (what was interpreted, and how often)."""
        return (
            self.notes.group_by("kind", "field")
            .agg(pl.len().alias("values"), pl.col("case_number").n_unique().alias("alerts"))
            .with_columns(pl.col("kind").replace_strict(NOTE_KINDS, default="").alias("action"))
            .sort("kind", "field")
        )


class _Notes:
    """Collects notes for one file."""

    def __init__(self, file: str):
        self.file = file
        self.rows: list[dict] = []

    def add(self, case: str | None, field: str, kind: str, raw: str | None) -> None:
        self.rows.append(
            {
                "file": self.file,
                "case_number": case,
                "field": field,
                "kind": kind,
                "raw": raw,
                "action": NOTE_KINDS[kind],
            }
        )


# ----------------------------------------------------------------------------- small parsers


def parse_date(text: str, *, file: str, alert: str | None, field: str) -> date:
    """Return the date of a dd/mm/yyyy text; raise :class:`SafetyGateError` otherwise."""
    m = _DATE.match(text)
    if not m:
        raise SafetyGateError(file, alert, field, text, "a date dd/mm/yyyy")
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        raise SafetyGateError(file, alert, field, text, "a calendar date dd/mm/yyyy") from None


def split_urls(text: str) -> list[str]:
    """Return the URLs of a field that runs several together (``https://a...https://b...``) or spaces them."""
    parts = []
    for chunk in text.split():
        parts += [p for p in _URL_START.split(chunk) if p]
    return parts


def split_models(text: str) -> list[str]:
    """Return model numbers split at commas and at slashes with spaces around them (``Q30 / T20``)."""
    return [p.strip() for p in re.split(r",|\s+/\s+", text) if p.strip()]


def split_barcodes(text: str) -> list[str]:
    """Return barcodes split at commas, semicolons, slashes and whitespace."""
    return [p for p in re.split(r"[,;/\s]+", text) if p]


def split_risk_types(text: str) -> list[str]:
    """Return risk types split at commas only (``Health risk / other`` is one type)."""
    return [p.strip() for p in text.split(",") if p.strip()]


def parse_measures(text: str, *, file: str, alert: str, notes: _Notes | None = None) -> list[dict]:
    """Return the measures of a ``measures`` text as {kind, operator, measure, date, date_text} rows.

    The portal runs label/value pairs together ("...: DistributorCategory of measure(s): ...").
    ``kind`` is ``compulsory`` (operator "to whom the measure(s) were ordered") or ``voluntary``
    (operator "taking notified measure(s)"). The whole text must be consumed by the grammar.
    """
    out, pos = [], 0
    for m in _MEASURE.finditer(text):
        if text[pos : m.start()].strip():
            break
        date_text = m.group("date")
        if date_text == "Unknown":
            when = None
            if notes is not None:
                notes.add(alert, "measures", "unknown_date", m.group(0))
        else:
            when = parse_date(date_text, file=file, alert=alert, field="measures")
        kind = "compulsory" if m.group("label").startswith("to whom") else "voluntary"
        out.append(
            {
                "kind": kind,
                "operator": m.group("operator").strip(),
                "measure": m.group("measure").strip(),
                "date": when,
                "date_text": date_text,
            }
        )
        pos = m.end()
    if not out or text[pos:].strip():
        raise SafetyGateError(
            file,
            alert,
            "measures",
            text[pos:] or text,
            "'Type of economic operator ...: X' + 'Category of measure(s): Y' + "
            "'Date of entry into force: dd/mm/yyyy|Unknown', repeated",
        )
    return out


def marketplace_name(raw_name: str, website: str | None) -> str:
    """Return the normalised marketplace of a trader entry (``Other(www.x)`` -> a marketplace or website)."""
    key = raw_name.strip().casefold()
    if key in MARKETPLACES:
        return MARKETPLACES[key]
    if key == "other" and website:
        host = website.removeprefix("www.")
        for fragment, name in MARKETPLACES.items():
            if len(fragment) > 3 and re.search(rf"(^|\.){re.escape(fragment)}\.", host + "."):
                return name
        return OTHER_WEBSITE
    if key == "other":
        return OTHER_WEBSITE
    return raw_name.strip()


def _website(inner: str, *, notes: _Notes | None, alert: str | None) -> str:
    """Return a website host, lower-cased, ``wwww.`` read as ``www.`` (noted)."""
    host = re.sub(r"^https?://", "", inner.strip(), flags=re.I).split("/")[0].lower()
    if host.startswith("wwww."):
        if notes is not None:
            notes.add(alert, "onlineTrader", "website_typo", inner)
        host = "www." + host[5:]
    return host


def parse_online_traders(
    text: str, *, file: str, alert: str | None, notes: _Notes | None = None
) -> list[dict]:
    """Return the entries of an ``onlineTrader`` text (``Name(identifier) / `` repeated) as trader rows.

    ``Amazon(ASIN: B0FCXZZ57X)`` gives identifier_type ``ASIN`` and identifier ``B0FCXZZ57X``;
    ``Other(www.x.y)`` gives a website. Raises :class:`SafetyGateError` when the text does not
    follow the pattern.
    """
    out, pos = [], 0
    body = text.strip()
    while pos < len(body):
        m = _TRADER.match(body, pos)
        if not m or m.end() == pos:
            raise SafetyGateError(
                file, alert, "onlineTrader", body[pos:], "'Marketplace(identifier) / ' repeated"
            )
        pos = m.end()
        name, inner = m.group("name").strip(), (m.group("inner") or "").strip()
        id_type = ident = website = None
        idm = _ID_PREFIX.match(inner)
        if idm and not re.match(r"^https?$", idm.group("type"), re.I):
            id_type, ident = idm.group("type").strip(), idm.group("value").strip()
        elif inner and ("." in inner and " " not in inner):
            website = _website(inner, notes=notes, alert=alert)
        elif inner:
            ident = inner
        out.append(
            {
                "marketplace": marketplace_name(name, website),
                "marketplace_raw": name,
                "identifier_type": id_type,
                "identifier": ident,
                "website": website,
                "raw": m.group(0).strip().rstrip("/").strip(),
            }
        )
    return out


# ----------------------------------------------------------------------------- XML


def _parse_xml(path: Path) -> Element:
    try:
        return SafeET.parse(path).getroot()
    except ParseError as e:
        line, col = getattr(e, "position", (None, None))
        raise SafetyGateError(
            path, None, None, None, f"well-formed XML (parser: {e}; line {line}, column {col})"
        ) from None
    except DefusedXmlException as e:
        raise SafetyGateError(
            path, None, None, type(e).__name__, "XML without DTD entities or external references"
        ) from None


def _text(el: Element | None, field: str, case: str | None, notes: _Notes) -> str | None:
    """Return the cleaned text of ``el`` (None when nil, empty or absent; each case noted)."""
    if el is None:
        notes.add(case, field, "absent", None)
        return None
    if el.get(XSI_NIL) == "true":
        notes.add(case, field, "nil", None)
        return None
    raw = el.text or ""
    clean = _WS.sub(" ", raw).strip()
    if not clean:
        notes.add(case, field, "empty", raw or None)
        return None
    if clean != raw and not (
        field == "onlineTrader" and raw.rstrip() == clean
    ):  # "... / " ends every trader list
        notes.add(case, field, "whitespace", raw)
    if field in WORDS_AS_MISSING and clean.casefold() in MISSING_WORDS:
        notes.add(case, field, "missing_word", raw)
        return None
    return clean


def read_list(path: str | Path) -> pl.DataFrame:
    """Return the weekly-report list, one row per report (columns :data:`LIST_SCHEMA`), in list order."""
    path = Path(path)
    root = _parse_xml(path)
    rows = []
    for i, rep in enumerate(root.findall("weeklyReport"), start=1):
        get = {c.tag: (c.text or "").strip() for c in rep}
        ref = get.get("reference") or f"weeklyReport #{i}"
        url = get.get("URL", "")
        m = re.search(r"/xml/(\d+)", url)
        if not m:
            raise SafetyGateError(path, ref, "URL", url, "a detail URL containing /xml/<report id>")
        for field in ("year", "week"):
            if not get.get(field, "").isdigit():
                raise SafetyGateError(path, ref, field, get.get(field), "a whole number")
        rows.append(
            {
                "report_id": m.group(1),
                "reference": ref,
                "language": get.get("report_language") or None,
                "publication_date": parse_date(
                    get.get("publicationDate", ""), file=str(path), alert=ref, field="publicationDate"
                ),
                "year": int(get["year"]),
                "week": int(get["week"]),
                "url": url,
            }
        )
    if root.tag != "Safety-Gate":
        raise SafetyGateError(path, None, None, root.tag, "root element <Safety-Gate>")
    return pl.DataFrame(rows, schema=LIST_SCHEMA)


def _report_header(root: Element, path: Path, notes: _Notes) -> dict:
    if root.tag != "Safety-Gate":
        raise SafetyGateError(path, None, None, root.tag, "root element <Safety-Gate>")
    head = {}
    for field in ("report_year", "report_week"):
        raw = _text(root.find(field), field, None, notes)
        if raw is None or not raw.isdigit():
            raise SafetyGateError(path, None, field, raw, "a whole number")
        head[field] = int(raw)
    raw = _text(root.find("report_date"), "report_date", None, notes)
    head["report_date"] = parse_date(raw or "", file=str(path), alert=None, field="report_date")
    _text(root.find("report_addendum"), "report_addendum", None, notes)
    m = re.search(r"(\d{6,})", path.stem)
    head["report_id"] = m.group(1) if m else None
    return head


def _production_range(text: str | None, case: str | None, notes: _Notes) -> tuple[date | None, date | None]:
    """Return (from, to) of a 'dd.mm.yyyy - dd.mm.yyyy' text; (None, None) noted when it is not one."""
    if not text:
        return None, None
    pm = _PROD_RANGE.match(text)
    if pm:
        g = [int(x) for x in pm.groups()]
        try:
            return date(g[2], g[1], g[0]), date(g[5], g[4], g[3])
        except ValueError:
            pass
    notes.add(case, "productionDates", "unparsed_production_dates", text)
    return None, None


def _check_required(n: Element, path: Path, who: str, case: str | None, notes: _Notes) -> None:
    """Raise when a required element is missing or empty; note elements the reader does not know."""
    for field in _REQUIRED:
        el = n.find(field)
        if el is None or el.get(XSI_NIL) == "true" or not (el.text or "").strip():
            raise SafetyGateError(path, who, field, None if el is None else el.text, f"a non-empty <{field}>")
    for child in n:
        if child.tag not in _KNOWN_FIELDS:
            notes.add(case, child.tag, "unexpected_field", child.text)


def _alert(n: Element, index: int, path: Path, head: dict, notes: _Notes) -> dict:
    file = str(path)
    case = (n.findtext("caseNumber") or "").strip() or None
    who = case or f"#{index} (order {(n.findtext('order') or '?').strip()})"
    _check_required(n, path, who, case, notes)
    t = {f: _text(n.find(f), f, case, notes) for f in _FIELD_ORDER if f != "pictures"}
    order = t["order"]
    if order is not None and not order.isdigit():
        raise SafetyGateError(path, who, "order", order, "a whole number")
    raw_urls = t["URLrecall"]
    recall = split_urls(raw_urls) if raw_urls else []
    if len(recall) > 1 and len(_URL_START.findall(raw_urls)) > len(raw_urls.split()):
        notes.add(case, "URLrecall", "concatenated_urls", raw_urls)
    pics_el = n.find("pictures")
    pictures = (
        [] if pics_el is None else [p for p in (_text(el, "picture", case, notes) for el in pics_el) if p]
    )
    traders = (
        parse_online_traders(t["onlineTrader"], file=file, alert=who, notes=notes)
        if t["onlineTrader"]
        else []
    )
    prod_from, prod_to = _production_range(t["productionDates"], case, notes)
    return {
        "source_file": path.name,
        "report_id": head["report_id"],
        "report_year": head["report_year"],
        "report_week": head["report_week"],
        "report_date": head["report_date"],
        "order": int(order) if order else None,
        "case_number": case,
        "alert_url": t["reference"],
        "category": t["category"],
        "product": t["product"],
        "brand": t["brand"],
        "name": t["name"],
        "models": split_models(t["type_numberOfModel"]) if t["type_numberOfModel"] else [],
        "batch": t["batchNumber"],
        "barcodes": split_barcodes(t["barcode"]) if t["barcode"] else [],
        "risk_types": split_risk_types(t["riskType"]) if t["riskType"] else [],
        "danger": t["danger"],
        "measures": parse_measures(t["measures"], file=file, alert=who, notes=notes) if t["measures"] else [],
        "recall_urls": recall,
        "description": t["description"],
        "notifying_country": t["notifyingCountry"],
        "country_of_origin": t["countryOfOrigin"],
        "type": t["type"],
        "level": t["level"],
        "pictures": pictures,
        "online_traders": traders,
        "online_marketplaces": sorted({tr["marketplace"] for tr in traders}),
        "company_recall_code": t["companyRecallCode"],
        "production_dates": t["productionDates"],
        "production_from": prod_from,
        "production_to": prod_to,
    }


def read_report(path: str | Path) -> Reading:
    """Return the alerts of one weekly-report detail XML file (see the module docstring)."""
    path = Path(path)
    notes = _Notes(path.name)
    root = _parse_xml(path)
    head = _report_header(root, path, notes)
    rows = [_alert(n, i, path, head, notes) for i, n in enumerate(root.findall("notifications"), start=1)]
    seen: dict[str, int] = {}
    for r in rows:
        if r["case_number"] in seen:
            raise SafetyGateError(
                path, r["case_number"], "caseNumber", r["case_number"], "each case number once per report"
            )
        seen[r["case_number"]] = 1
    return Reading(
        pl.DataFrame(rows, schema=ALERT_SCHEMA), pl.DataFrame(notes.rows, schema=NOTE_SCHEMA), (path.name,)
    )


def report_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Return the weekly-report XML files named by ``inputs`` (files, or folders searched for ``*.xml``).

    A folder's weekly-report *list* (root holding ``<weeklyReport>``) is skipped by :func:`read_reports`.
    """
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out += sorted(q for q in p.glob("*.xml") if q.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise SafetyGateError(p, None, None, None, "an existing XML file or folder")
    return out


def is_list_file(path: Path) -> bool:
    """Return True when ``path`` is a weekly-report list (its root holds ``<weeklyReport>`` elements)."""
    root = _parse_xml(path)
    return root.find("weeklyReport") is not None


def read_reports(inputs: Iterable[str | Path], *, skip_lists: bool = True) -> Reading:
    """Return the alerts of every weekly report in ``inputs`` (files or folders), concatenated.

    A case number that appears in two reports (an alert republished) is kept once per report;
    the ``source_file`` column says where each row came from.
    """
    files = report_files(inputs)
    readings = [read_report(p) for p in files if not (skip_lists and is_list_file(p))]
    if not readings:
        raise SafetyGateError(
            ", ".join(map(str, files)) or "(no files)",
            None,
            None,
            None,
            "at least one weekly-report detail XML file",
        )
    return Reading(
        pl.concat([r.alerts for r in readings]),
        pl.concat([r.notes for r in readings]),
        tuple(f for r in readings for f in r.files),
    )


# ----------------------------------------------------------------------------- Parquet with provenance

PROVENANCE_KEY = "dsa_explore_provenance"
SHIPPED_REPORTS = ("safetygate_report_10000323", "safetygate_report_10000324")


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_table(
    inputs: Iterable[str | Path],
    out: str | Path,
    *,
    name: str = "safetygate_alerts",
    built: str | None = None,
    lineage: Sequence[str] | None = None,
) -> dict:
    """Read every weekly report in ``inputs`` and write the alert table to Parquet ``out`` with provenance.

    Writes ``out`` (the alert table; the provenance also in the Parquet key-value metadata under
    :data:`PROVENANCE_KEY`), its record ``<out>.meta.json`` (inputs with sha256, acknowledgement,
    licence, the accounting of the notes, schema) and ``<out stem>-notes.csv`` (every interpreted
    value) with its record. Nothing is written when a file cannot be read: :class:`SafetyGateError`
    names file, alert and field. ``built`` is the version date (default today); ``lineage`` the
    ``inputs`` of the records (default: the file names). Returns the table's record.
    """
    import json
    from datetime import date as _date

    from dsa_explore.data import provenance

    reading = read_reports(inputs)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    files = [p for p in report_files(inputs) if p.name in reading.files]
    version = built or _date.today().isoformat()
    input_files = [{"file": p.name, "sha256": _sha256(p), "size": p.stat().st_size} for p in files]
    accounting = [
        dict(zip(("kind", "field", "values"), r, strict=True))
        for r in reading.accounting().select("kind", "field", "values").iter_rows()
    ]
    common = {
        "source": f"Safety Gate weekly reports, {PORTAL_URL}",
        "source_urls": [PORTAL_URL],
        "version": version,
        "synthetic": False,
        "licence": f"{ATTRIBUTION}; reuse per the Commission's reuse rules; do not alter "
        "the meaning of the alerts",
        "acknowledgement": ACKNOWLEDGEMENT,
        "input_files": input_files,
    }
    notes_path = out.with_name(out.stem + "-notes.csv")
    fields = provenance.record(
        name,
        "EU Safety Gate alerts, one row per alert (read from weekly-report XML)",
        f"{reading.alerts.height} alerts from {len(files)} weekly report(s), read by "
        "dsa_explore.readers.safetygate; list columns: models, barcodes, risk_types, recall_urls, pictures, "
        "online_marketplaces; measures and online_traders as lists of structs. Every value the reader "
        f"interpreted is in {notes_path.name}, counted "
        "in 'accounting'.",
        fmt="parquet",
        accounting=accounting,
        schema={c: str(t) for c, t in reading.alerts.schema.items()},
        **common,
    )
    embedded = {k: v for k, v in fields.items() if k not in ("retrieved", "version")}
    reading.alerts.write_parquet(out, metadata={PROVENANCE_KEY: json.dumps(embedded, ensure_ascii=False)})
    reading.notes.write_csv(notes_path)
    lineage = list(lineage) if lineage is not None else [p.name for p in files]
    here = "dsa_explore.readers.safetygate.build_table"
    provenance.write(
        notes_path,
        provenance.record(
            name + "_notes",
            "Values the Safety Gate reader interpreted (xsi:nil, empty, Unknown dates, typos, ...)",
            f"One row per interpreted value of {out.name}: file, case number, field, kind, raw value, action "
            "(kinds in docs/safety-gate.md).",
            fmt="csv",
            schema={c: "String" for c in NOTE_SCHEMA},
            **common,
        ),
        built_by=here,
        inputs=lineage,
    )
    return provenance.write(out, fields, built_by=here, inputs=lineage)


def build_shipped(root: str | Path) -> list[Path]:
    """Build ``safetygate/alerts.parquet`` (and its notes) under ``root`` from the shipped weekly reports."""
    from dsa_explore.data import catalog

    out = Path(root) / "safetygate" / "alerts.parquet"
    versions = sorted(catalog.get(n).version for n in SHIPPED_REPORTS)
    build_table(
        [catalog.path(n) for n in SHIPPED_REPORTS], out, built=versions[-1], lineage=list(SHIPPED_REPORTS)
    )
    return [out, out.with_name("alerts-notes.csv")]


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`).
BUILD = Build(
    name="safetygate_alerts",
    outputs=("safetygate/alerts.parquet", "safetygate/alerts-notes.csv"),
    inputs=SHIPPED_REPORTS,
    function=build_shipped,
    description="the Safety Gate alert table (and the reader's notes) from the two shipped weekly reports",
)


def load_table(path: str | Path) -> pl.DataFrame:
    """Return an alert table written by :func:`build_table`, checking its columns and types."""
    path = Path(path)
    if not path.is_file():
        raise SafetyGateError(
            path, None, None, None, "an alert table written by `dsa-explore safetygate build`"
        )
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several error types for a file that is not Parquet
        raise SafetyGateError(path, None, None, type(exc).__name__, "a Parquet file") from None
    for col, dtype in ALERT_SCHEMA.items():
        if col not in frame.columns or frame.schema[col] != dtype:
            raise SafetyGateError(
                path, None, col, str(frame.schema.get(col)), f"column {col!r} of type {dtype}"
            )
    return frame.select(list(ALERT_SCHEMA))


def shipped_reading() -> Reading:
    """Return the shipped real weekly reports (``data/safetygate/``, checksums verified), read."""
    from dsa_explore.data import catalog

    return read_reports([catalog.path(name) for name in SHIPPED_REPORTS])
