"""Match listings against Safety Gate alerts: barcode (exact), marketplace identifier (exact), or fuzzy.

A listing (from a listing sample, captured pages, or statement-of-reasons rows with an EAN) matches
an alert in one of three ways, tried in this order:

1. ``barcode``: a listing barcode equals an alert barcode after keeping digits only and dropping
   leading zeros (so a 12-digit UPC equals the same GTIN written with 13 or 14 digits); codes
   shorter than :data:`MIN_BARCODE_DIGITS` digits are ignored.
2. ``identifier``: the listing's marketplace identifier (ASIN, item id) equals an identifier in the
   alert's ``onlineTrader`` field (case-insensitive, at least :data:`MIN_IDENTIFIER_CHARS` chars),
   and the listing's platform is the marketplace the alert names (when the listing has a platform).
3. ``fuzzy``: brand + model number + product words, all three required (thresholds in
   :class:`Thresholds`, evaluated in ``docs/safety-gate.md`` on
   ``data/safetygate/match-pairs-synthetic.csv``):

   - **model**: an alert model number of at least :data:`MIN_MODEL_CHARS` letters/digits occurs in the
     listing's title or model field, compared with spaces, hyphens and dots removed and token by token
     (``ZDB-06`` matches ``zdb 06`` and ``ZDB06``, but ``T20`` does not match ``T200``);
   - **brand**: ``rapidfuzz.fuzz.token_set_ratio`` of the case-folded brands ≥ ``brand_min``
     (``Speedy`` ~ ``Speedy Electric Bikes``); "Generic", "unbranded" count as no brand; a brand missing
     on either side is not evidence against (the portal often has none), but then the product words must
     reach ``product_min_without_brand``;
   - **product words**: ``rapidfuzz.fuzz.token_set_ratio`` of the alert's product + name and the
     listing's title ≥ ``product_min``.

Every match row carries the alert's case number and URL, the method and the evidence, so a risk
reason can cite the alert.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

MIN_BARCODE_DIGITS = 8
MIN_IDENTIFIER_CHARS = 6
MIN_MODEL_CHARS = 3

MATCH_SCHEMA: dict[str, pl.DataType] = {
    "listing_id": pl.String(),
    "case_number": pl.String(),
    "alert_url": pl.String(),
    "method": pl.String(),
    "evidence": pl.String(),
    "brand_score": pl.Float64(),
    "product_score": pl.Float64(),
}


@dataclass(frozen=True)
class Thresholds:
    """Fuzzy-match thresholds (0-100 rapidfuzz scores); the defaults are evaluated in docs/safety-gate.md."""

    brand_min: float = 85.0
    product_min: float = 40.0
    product_min_without_brand: float = 70.0


def _fold(text: str | None) -> str:
    """Return NFKC, case-folded text (None -> "")."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def norm_barcode(code: str | None) -> str | None:
    """Return a barcode as digits without leading zeros, or None when it has fewer than 8 digits."""
    digits = re.sub(r"\D", "", code or "")
    return digits.lstrip("0") if len(digits) >= MIN_BARCODE_DIGITS else None


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_.·/]+", "", _fold(text))


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", _fold(text)) if t]


def model_in_text(model: str, text: str) -> bool:
    """Return True when ``model`` occurs in ``text`` as one token or as adjacent tokens run together."""
    target = _squash(model)
    if len(re.sub(r"[^0-9a-z]", "", target)) < MIN_MODEL_CHARS:
        return False
    target = re.sub(r"[^0-9a-z]", "", target)
    toks = _tokens(text)
    for i in range(len(toks)):
        joined = ""
        for tok in toks[i : i + 6]:
            joined += tok
            if joined == target:
                return True
            if len(joined) >= len(target):
                break
    return False


#: Listing brands that say "no brand" (Amazon's "Generic", "unbranded"): read as no brand.
NO_BRAND = frozenset({"generic", "unbranded", "no brand", "none", "n/a", "sans marque", "ohne marke"})


def _brand(text: str | None) -> str:
    b = _fold(text).strip()
    return "" if b in NO_BRAND else b


def _alert_keys(alerts: pl.DataFrame) -> list[dict]:
    rows = []
    for a in alerts.select(
        "case_number", "alert_url", "brand", "product", "name", "models", "barcodes", "online_traders"
    ).iter_rows(named=True):
        rows.append(
            {
                **a,
                "barcode_keys": {b for b in map(norm_barcode, a["barcodes"] or []) if b},
                "identifiers": {
                    (_fold(t["identifier"]).strip(), t["marketplace"])
                    for t in a["online_traders"] or []
                    if t["identifier"] and len(t["identifier"].strip()) >= MIN_IDENTIFIER_CHARS
                },
                "words": " ".join(x for x in (a["product"], a["name"]) if x),
            }
        )
    return rows


def _fuzzy(listing: dict, alert: dict, th: Thresholds) -> dict | None:
    text = " ".join(x for x in (listing.get("title"), listing.get("model")) if x)
    models = [m for m in alert["models"] or [] if model_in_text(m, text)]
    if not models:
        return None
    lb, ab = _brand(listing.get("brand")), _brand(alert["brand"])
    brand_score = float(fuzz.token_set_ratio(lb, ab)) if lb and ab else None
    product_score = float(fuzz.token_set_ratio(_fold(alert["words"]), _fold(listing.get("title"))))
    if brand_score is not None:
        ok = brand_score >= th.brand_min and product_score >= th.product_min
    else:
        ok = product_score >= th.product_min_without_brand
    if not ok:
        return None
    return {
        "method": "fuzzy",
        "evidence": f"model {models[0]}; brand {brand_score if brand_score is not None else 'n/a'}"
        f"; product words {product_score:.0f}",
        "brand_score": brand_score,
        "product_score": product_score,
    }


def match_one(listing: dict, alert: dict, th: Thresholds = Thresholds()) -> dict | None:
    """Return the match of one listing with one prepared alert (see :func:`match_listings`), or None."""
    codes = {norm_barcode(c) for c in re.split(r"[,;|]+", listing.get("barcode") or "")} - {None}
    hit = codes & alert["barcode_keys"]
    if hit:
        return {
            "method": "barcode",
            "evidence": f"barcode {sorted(hit)[0]}",
            "brand_score": None,
            "product_score": None,
        }
    ident = _fold(listing.get("identifier")).strip()
    if len(ident) >= MIN_IDENTIFIER_CHARS:
        platform = listing.get("platform")
        for value, marketplace in alert["identifiers"]:
            if value == ident and (not platform or _fold(platform).startswith(_fold(marketplace))):
                return {
                    "method": "identifier",
                    "evidence": f"{marketplace} identifier {listing['identifier']}",
                    "brand_score": None,
                    "product_score": None,
                }
    return _fuzzy(listing, alert, th)


def match_listings(
    listings: pl.DataFrame,
    alerts: pl.DataFrame,
    *,
    id_col: str = "listing_id",
    title: str = "title",
    brand: str | None = "brand",
    barcode: str | None = "ean",
    identifier: str | None = None,
    model: str | None = None,
    platform: str | None = "platform",
    thresholds: Thresholds = Thresholds(),
) -> pl.DataFrame:
    """Return one row per (listing, alert) match: listing, case number, alert URL, method, evidence, scores.

    Parameters
    ----------
    listings
        One row per listing; the column names are given by the keyword arguments (None = not available).
    alerts
        The alert table of ``dsa_explore.readers.safetygate``.
    thresholds
        Fuzzy-match thresholds.
    """
    cols = {
        "listing_id": id_col,
        "title": title,
        "brand": brand,
        "barcode": barcode,
        "identifier": identifier,
        "model": model,
        "platform": platform,
    }
    missing = [c for c in cols.values() if c is not None and c not in listings.columns]
    if missing:
        raise KeyError(
            f"match_listings: listings lack column(s) {missing}; pass None for a field not available"
        )
    keys = _alert_keys(alerts)
    picked = listings.select([pl.col(c).cast(pl.String).alias(k) for k, c in cols.items() if c is not None])
    rows = []
    for item in picked.iter_rows(named=True):
        for alert in keys:
            m = match_one(item, alert, thresholds)
            if m:
                rows.append(
                    {
                        "listing_id": item["listing_id"],
                        "case_number": alert["case_number"],
                        "alert_url": alert["alert_url"],
                        **m,
                    }
                )
    return pl.DataFrame(rows, schema=MATCH_SCHEMA)


def evaluate(pairs: pl.DataFrame, alerts: pl.DataFrame, thresholds: Thresholds = Thresholds()) -> dict:
    """Return precision, recall and the confusion counts of the matcher on labelled ``pairs``.

    ``pairs``: pair_id, case_number, listing_title, listing_brand, listing_barcode, listing_identifier,
    listing_platform, label (True = the listing is the alerted product).
    """
    keys = {a["case_number"]: a for a in _alert_keys(alerts)}
    unknown = sorted(set(pairs["case_number"]) - set(keys))
    if unknown:
        raise KeyError(f"pairs name case numbers not in the alerts: {unknown}")
    predicted = []
    for p in pairs.iter_rows(named=True):
        listing = {
            "title": p["listing_title"],
            "brand": p["listing_brand"],
            "barcode": p["listing_barcode"],
            "identifier": p["listing_identifier"],
            "platform": p["listing_platform"],
        }
        predicted.append(match_one(listing, keys[p["case_number"]], thresholds) is not None)
    labels = pairs["label"].to_list()
    tp = sum(1 for y, q in zip(labels, predicted, strict=True) if y and q)
    fp = sum(1 for y, q in zip(labels, predicted, strict=True) if not y and q)
    fn = sum(1 for y, q in zip(labels, predicted, strict=True) if y and not q)
    tn = len(labels) - tp - fp - fn
    return {
        "pairs": len(labels),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "predicted": predicted,
    }


def exact_only() -> Thresholds:
    """Return thresholds that switch the fuzzy step off (barcode and identifier only: the baseline)."""
    return Thresholds(brand_min=101.0, product_min=101.0, product_min_without_brand=101.0)


def annotate_listings(
    listings: pl.DataFrame, alerts: pl.DataFrame, *, id_col: str = "listing_id", **match_kw
) -> pl.DataFrame:
    """Return ``listings`` with ``safety_gate_alerts``: matched alerts as 'case number <URL>', '; '-joined.

    The column feeds the risk indicator L8 (``risk.safety_gate_match``), whose reason then names
    the case numbers and URLs. ``match_kw`` go to :func:`match_listings`.
    """
    matches = match_listings(listings, alerts, id_col=id_col, **match_kw)
    per = (
        matches.group_by("listing_id", maintain_order=True)
        .agg(
            pl.format("{} <{}> ({})", "case_number", "alert_url", "method")
            .unique(maintain_order=True)
            .str.join("; ")
            .alias("safety_gate_alerts")
        )
        .rename({"listing_id": id_col})
    )
    base = listings.drop("safety_gate_alerts", strict=False)
    return base.join(per.with_columns(pl.col(id_col).cast(base.schema[id_col])), on=id_col, how="left")
