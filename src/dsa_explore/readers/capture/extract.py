"""Listings from captured pages: schema.org ``Product``/``Offer`` data in, listing-sample rows out.

Structured data is read with ``extruct`` (microdata, RDFa, OpenGraph, in its uniform JSON-LD
shape) and, for JSON-LD, script by script: extruct drops every JSON-LD block of a page when one
of them is broken, so each ``<script type="application/ld+json">`` is parsed on its own and a
broken one is reported on the row (``extraction_problem``) while the others are still read.
RDFa, which extruct returns expanded (one node per subject, full property URIs), is compacted
(:func:`compact_rdfa`) into the same nested shape.

Per page, the Products of the first syntax that has any are used (JSON-LD, then microdata,
RDFa, OpenGraph ``og:type=product``); OpenGraph fills fields the Product leaves empty when the
page has exactly one Product. Every top-level Product becomes a row; a page with several is
flagged (``products_on_page`` > 1 and a note in ``extraction_problem``), since a person must
decide which one is the listing.

What is read (where the page states it): name, brand, GTIN/EAN (check digit verified), model,
MPN, SKU, price and currency (``Offer``, ``AggregateOffer.lowPrice`` or ``priceSpecification``),
availability, seller/shop name and id, breadcrumbs (``BreadcrumbList``), images, description,
manufacturer (GPSR Art. 19(a)), EU responsible person (GPSR Art. 19(b), from
``additionalProperty`` or a labelled line of the page text), CE and age-warning texts from the
page text, and a stated child audience (``audience.suggestedMaxAge`` ≤ 14 or an audience type
naming children). What a person must still code (``category``, ``stratum``,
``selection_mechanism``, ``label_source``, the labels, and ``platform`` unless given) is left
empty and listed per row in ``to_code``; :func:`validate_listings` runs the project's
listing-sample validator, which reports each of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import extruct
import polars as pl
from lxml import etree
from lxml import html as lxml_html

from dsa_explore.core import platforms
from dsa_explore.readers import listings as listing_format
from dsa_explore.readers.capture.pages import Capture, Page

SYNTAXES = ("json-ld", "microdata", "rdfa", "opengraph")
_PARSER = lxml_html.HTMLParser(encoding="utf-8")  # the text is already decoded (Page.text)

#: Evidence and extraction columns added after the listing-sample columns.
EVIDENCE_COLUMNS: dict[str, pl.DataType] = {
    "url": pl.String(),
    "final_url": pl.String(),
    "capture_file": pl.String(),
    "record_offset": pl.Int64(),
    "record_sha256": pl.String(),
    "content_sha256": pl.String(),
    "fetched_at": pl.String(),
    "observed_on": pl.String(),
    "extraction_syntax": pl.String(),
    "products_on_page": pl.Int64(),
    "gtin": pl.String(),
    "ean": pl.String(),
    "model": pl.String(),
    "mpn": pl.String(),
    "sku": pl.String(),
    "product_identifier": pl.String(),
    "availability": pl.String(),
    "seller_name": pl.String(),
    "trader_name": pl.String(),
    "breadcrumbs": pl.String(),
    "product_category": pl.String(),
    "images": pl.String(),
    "description": pl.String(),
    "markings": pl.String(),
    "safety_info": pl.String(),
    "manufacturer_name": pl.String(),
    "manufacturer_address": pl.String(),
    "manufacturer_email": pl.String(),
    "manufacturer_country": pl.String(),
    "eu_rp_name": pl.String(),
    "eu_rp_address": pl.String(),
    "eu_rp_country": pl.String(),
    "to_code": pl.String(),
    "extraction_problem": pl.String(),
}

#: Listing-sample columns (``dsa_explore.readers.listings.LISTING_SCHEMA``), then :data:`EVIDENCE_COLUMNS`.
LISTING_COLUMNS: tuple[str, ...] = (*listing_format.LISTING_SCHEMA, *EVIDENCE_COLUMNS)

#: Listing-sample columns a person codes (never filled from a page).
TO_CODE: tuple[str, ...] = (
    "category",
    "stratum",
    "selection_mechanism",
    "label_source",
    "label_formal_noncompliant",
    "label_counterfeit",
    "label_prohibited",
)

_RP_LABEL = re.compile(r"(?:EU[ -]?)?responsible person|GPSR", re.I)
_RP_LINE = re.compile(r"EU[ -]?responsible person\s*(?:\(GPSR[^)]*\))?\s*[:：]\s*(.+)", re.I)
_WARNING = re.compile(
    r"[^.!\n]*\b(?:warning|caution|achtung|warnhinweis|attention|avertissement)\b[^\n]*", re.I
)
_AGE_WARNING = re.compile(r"[^.!\n]*not suitable for children under[^.!\n]*[.!]?", re.I)
_CE = re.compile(
    r"(?<![A-Za-z0-9])(?:CE[ -]?mark(?:ed|ing)?|CE[ -]?certified|CE[ -]?Kennzeichnung|CE)(?![A-Za-z0-9])"
)
_CHILD_AUDIENCE = re.compile(r"child|kid|infant|toddler|baby|enfant|kinder|niñ", re.I)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


# ----------------------------------------------------------------------------- small value helpers


def _first(value):
    """Return the first element of a list value (or the value itself)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value) -> str | None:
    """Return a schema.org value as text: a string, a number, or an item's ``name``; whitespace collapsed."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value")
        value = _first(value)
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None


def _types(item: dict) -> list[str]:
    t = item.get("@type")
    types = t if isinstance(t, list) else [t]
    return [str(x).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for x in types if x]


def _walk_top(items: Iterable) -> list[dict]:
    """Return the top-level items of JSON-LD data, unpacking lists and ``@graph``."""
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(_walk_top(item))
        elif isinstance(item, dict):
            if "@graph" in item and isinstance(item["@graph"], list):
                out.extend(_walk_top(item["@graph"]))
            else:
                out.append(item)
    return out


def gtin_ok(code: str) -> bool:
    """Return whether ``code`` is a GTIN-8/12/13/14 with a valid check digit (GS1 mod-10)."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _price(value) -> float | None:
    text = _text(value)
    if text is None:
        return None
    cleaned = re.sub(r"[^\d.,]", "", text)  # "EUR 24,99", "€24.99", "1 299,00"
    if re.fullmatch(r"\d{1,3}(\.\d{3})*,\d+", cleaned):  # 1.299,00
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{1,2}", cleaned):  # 12,99
        cleaned = cleaned.replace(",", ".")
    cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


# ----------------------------------------------------------------------------- structured data


def _jsonld(tree) -> tuple[list[dict], list[str]]:
    """Return (top-level JSON-LD items, problems), parsing each script on its own."""
    items, problems = [], []
    for k, script in enumerate(tree.xpath('//script[@type="application/ld+json"]'), start=1):
        text = script.text or ""
        raw = re.sub(r"^\s*(?:<!--|//<!\[CDATA\[)|(?:-->|//\]\]>)\s*$", "", text.strip()).strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except json.JSONDecodeError as exc:
            lead = text[: text.find(raw[:20])].count("\n") if raw[:20] in text else 0
            page_line = (script.sourceline or 1) + lead + exc.lineno - 1
            problems.append(
                f"broken JSON-LD in script {k} (page line {page_line}, column {exc.colno}: {exc.msg}); "
                f"its data was not read"
            )
            continue
        items.extend(_walk_top([data]))
    return items, problems


def structured_data(page: Page) -> tuple[dict[str, list[dict]], list[str], object]:
    """Return ``({syntax: items}, problems, lxml tree)`` of one HTML page (uniform JSON-LD shape)."""
    text = page.text()
    try:
        tree = lxml_html.fromstring(text.encode("utf-8"), parser=_PARSER) if text.strip() else None
    except (ValueError, etree.ParserError) as exc:
        return {s: [] for s in SYNTAXES}, [f"HTML cannot be parsed ({exc})"], None
    if tree is None:
        return {s: [] for s in SYNTAXES}, ["empty page"], None
    out: dict[str, list[dict]] = {}
    out["json-ld"], problems = _jsonld(tree)
    base = page.final_url or page.url
    for syntax in ("microdata", "rdfa", "opengraph"):
        try:
            doc = text if syntax == "rdfa" else tree  # extruct's RDFa extractor needs the text (0.18.0)
            items = extruct.extract(doc, base_url=base, syntaxes=[syntax], uniform=True, errors="strict").get(
                syntax, []
            )
            out[syntax] = compact_rdfa(items) if syntax == "rdfa" else _walk_top(items)
        except Exception as exc:  # noqa: BLE001 - any extractor failure is reported on the row
            out[syntax] = []
            problems.append(f"{syntax} cannot be extracted ({type(exc).__name__}: {exc})")
    return out, problems, tree


def _short(key: str) -> str:
    return key if key.startswith("@") else key.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _compact_node(node: dict, nodes: dict, seen: frozenset) -> dict:
    out: dict = {"@type": [_short(x) for x in node.get("@type", [])]}
    for key, values in node.items():
        if key.startswith("@"):
            continue
        compact = []
        for v in values if isinstance(values, list) else [values]:
            if isinstance(v, dict) and "@value" in v:
                compact.append(v["@value"])
            elif isinstance(v, dict) and "@id" in v:
                ref = v["@id"]
                compact.append(
                    _compact_node(nodes[ref], nodes, seen | {ref})
                    if ref in nodes and ref not in seen
                    else ref
                )
            else:
                compact.append(v)
        out[_short(key)] = compact[0] if len(compact) == 1 else compact
    return out


def compact_rdfa(items: list[dict]) -> list[dict]:
    """Return extruct's expanded RDFa (one node per subject, ``@id`` links) as nested items with short keys.

    Top-level items are the nodes no other node refers to; referenced nodes (an Offer, a Brand) are
    nested where they are referred to, as in JSON-LD.
    """
    nodes = {n["@id"]: n for n in items if isinstance(n, dict) and "@id" in n}
    referenced = {
        v["@id"]
        for n in nodes.values()
        for k, vs in n.items()
        if not k.startswith("@")
        for v in (vs if isinstance(vs, list) else [vs])
        if isinstance(v, dict) and "@id" in v
    }
    return [
        _compact_node(n, nodes, frozenset({i}))
        for i, n in nodes.items()
        if i not in referenced and n.get("@type")
    ]


_PRODUCT_TYPES = {"Product", "ProductGroup", "IndividualProduct", "ProductModel"}


def _is_product(item) -> bool:
    return isinstance(item, dict) and bool(_PRODUCT_TYPES & set(_types(item)))


def _top_products(items: list[dict]) -> list[dict]:
    """Return the Products among top-level items, and a Product that is a page's ``mainEntity``."""
    out = []
    for it in items:
        if _is_product(it):
            out.append(it)
        elif _is_product(_first(it.get("mainEntity"))):
            out.append(_first(it["mainEntity"]))
    return out


def _products(data: dict[str, list[dict]]) -> tuple[str | None, list[dict]]:
    for syntax in ("json-ld", "microdata", "rdfa"):
        found = _top_products(data.get(syntax, []))
        if found:
            return syntax, found
    og = [
        it
        for it in data.get("opengraph", [])
        if str(it.get("@type", "")).lower() in ("product", "og:product")
    ]
    if og:
        return "opengraph", [_og_product(og[0])]
    return None, []


def _og_product(og: dict) -> dict:
    """Return an OpenGraph product as a schema.org-shaped Product."""

    def g(*keys):
        for k in keys:
            if og.get(k):
                return _first(og[k])
        return None

    offer = {
        "price": g("product:price:amount", "og:price:amount"),
        "priceCurrency": g("product:price:currency", "og:price:currency"),
        "availability": g("product:availability", "og:availability"),
    }
    return {
        "@type": "Product",
        "name": g("og:title"),
        "image": g("og:image"),
        "description": g("og:description"),
        "brand": g("product:brand"),
        "sku": g("product:retailer_item_id"),
        "url": g("og:url"),
        "offers": offer,
    }


def _breadcrumbs(data: dict[str, list[dict]]) -> str | None:
    for syntax in ("json-ld", "microdata", "rdfa"):
        for it in data.get(syntax, []):
            if "BreadcrumbList" in _types(it):
                elements = it.get("itemListElement") or []
                elements = elements if isinstance(elements, list) else [elements]
                named = []
                for i, el in enumerate(elements):
                    if not isinstance(el, dict):
                        continue
                    name = _text(el.get("name")) or _text(el.get("item"))
                    pos = el.get("position")
                    try:
                        pos = float(pos)
                    except (TypeError, ValueError):
                        pos = float(i)
                    if name:
                        named.append((pos, name))
                if named:
                    return " > ".join(n for _, n in sorted(named))
    return None


# ----------------------------------------------------------------------------- one product → one row


def _offer(product: dict) -> dict:
    offers = product.get("offers")
    offer = _first(offers) if offers else {}
    return offer if isinstance(offer, dict) else {}


def _seller(offer: dict, product: dict) -> tuple[str | None, str | None]:
    seller = _first(offer.get("seller") or product.get("seller") or offer.get("offeredBy"))
    if isinstance(seller, dict):
        sid = _text(seller.get("identifier")) or _text(seller.get("@id")) or _text(seller.get("url"))
        return _text(seller.get("name")), sid
    return _text(seller), None


def _images(value, base: str) -> str | None:
    values = value if isinstance(value, list) else [value]
    urls = []
    for v in values:
        if isinstance(v, dict):
            v = v.get("contentUrl") or v.get("url")
        v = _text(v)
        if v:
            urls.append(urljoin(base, v))
    return " | ".join(dict.fromkeys(urls)) or None


def _gtin(product: dict, offer: dict) -> tuple[str | None, str | None]:
    """Return (GTIN, problem) from gtin13/gtin/gtin14/gtin12/gtin8/ean on the Product or its Offer."""
    for src in (product, offer):
        for key in ("gtin13", "gtin", "gtin14", "gtin12", "gtin8", "ean", "isbn"):
            code = _text(src.get(key))
            if code:
                code = re.sub(r"[\s-]", "", code)
                return code, None if gtin_ok(
                    code
                ) else f"{key} {code!r} is not a valid GTIN (check digit or length)"
    return None, None


def _org(value) -> dict[str, str | None]:
    value = _first(value)
    if not isinstance(value, dict):
        return {"name": _text(value), "address": None, "email": None, "country": None}
    addr = value.get("address")
    country = None
    if isinstance(addr, dict):
        country = _text(addr.get("addressCountry"))
        parts = [
            _text(addr.get(k)) for k in ("streetAddress", "postalCode", "addressLocality", "addressCountry")
        ]
        addr = ", ".join(p for p in parts if p) or None
    else:
        addr = _text(addr)
    return {
        "name": _text(value.get("name")),
        "address": addr,
        "email": _text(value.get("email")),
        "country": country if country and _COUNTRY.match(country) else None,
    }


def _additional(product: dict) -> list[tuple[str, str]]:
    props = product.get("additionalProperty") or []
    props = props if isinstance(props, list) else [props]
    out = []
    for p in props:
        if isinstance(p, dict):
            name, value = _text(p.get("name")), _text(p.get("value"))
            if name and value:
                out.append((name, value))
    return out


def _split_rp(text: str) -> tuple[str, str | None, str | None]:
    """Split "Name, street, town, CC" into (name, address, country code if the last part is one)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    country = parts[-1] if len(parts) > 1 and _COUNTRY.match(parts[-1]) else None
    address = ", ".join(parts[1:]) or None
    return parts[0], address, country


def _page_texts(tree) -> tuple[str, list[str], bool, str | None]:
    """Return (visible text, warning sentences, CE mark stated, EU responsible person line) of a page."""
    if tree is None:
        return "", [], False, None
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    text = "\n".join(" ".join(t.split()) for t in tree.itertext())
    text = "\n".join(line for line in text.splitlines() if line)
    warnings = [" ".join(m.group(0).split()) for m in _WARNING.finditer(text)]
    warnings += [
        " ".join(m.group(0).split())
        for m in _AGE_WARNING.finditer(text)
        if not any(m.group(0).strip() in w for w in warnings)
    ]
    rp = _RP_LINE.search(text)
    return text, list(dict.fromkeys(warnings)), bool(_CE.search(text)), (rp.group(1).strip() if rp else None)


def _child_audience(product: dict) -> bool | None:
    audience = _first(product.get("audience"))
    if not isinstance(audience, dict):
        return None
    try:
        max_age = float(_text(audience.get("suggestedMaxAge")) or "nan")
    except ValueError:
        max_age = float("nan")
    if max_age == max_age and max_age <= 14:
        return True
    kind = _text(audience.get("audienceType")) or ""
    return True if _CHILD_AUDIENCE.search(kind) else None


def _listing_id(product: dict, offer: dict, page_url: str, index: int, n: int) -> str:
    for value in (product.get("sku"), product.get("productID"), offer.get("sku")):
        text = _text(value)
        if text:
            return text
    path = urlsplit(page_url).path.rstrip("/")
    tail = path.rsplit("/", 1)[-1] or urlsplit(page_url).netloc
    tail = re.sub(r"\.(html?|php|aspx?)$", "", tail)
    return tail if n == 1 else f"{tail}#{index + 1}"


def _row(product: dict, ctx: dict) -> dict:
    offer = _offer(product)
    base = ctx["base"]
    seller_name, seller_id = _seller(offer, product)
    gtin, gtin_problem = _gtin(product, offer)
    model = _text(product.get("model"))
    mpn = _text(product.get("mpn"))
    manufacturer = _org(product.get("manufacturer"))
    rp_name = rp_address = rp_country = None
    for name, value in _additional(product):
        if _RP_LABEL.search(name):
            rp_name, rp_address, rp_country = _split_rp(value)
    if rp_name is None and ctx["rp_line"]:
        rp_name, rp_address, rp_country = _split_rp(ctx["rp_line"])
    markings = (["CE"] if ctx["ce"] else []) + ctx["warnings"]
    price = _price(
        offer.get("price")
        or offer.get("lowPrice")
        or (_first(offer.get("priceSpecification")) or {}).get("price")
    )
    currency = _text(
        offer.get("priceCurrency") or (_first(offer.get("priceSpecification")) or {}).get("priceCurrency")
    )
    availability = _text(offer.get("availability"))
    problems = list(ctx["problems"])
    if gtin_problem:
        problems.append(gtin_problem)
    if ctx["n"] > 1:
        problems.append(f"page has {ctx['n']} Product items: code which one is the listing")
    row = {c: None for c in LISTING_COLUMNS}
    row.update(
        {
            "listing_id": _listing_id(product, offer, base, ctx["index"], ctx["n"]),
            "platform": ctx["platform"],
            "seller_id": seller_id,
            "title": _text(product.get("name")),
            "price": price,
            "currency": currency.upper() if currency else None,
            "brand": _text(product.get("brand")),
            "child_targeted": _child_audience(product),
            "gtin": gtin,
            "ean": gtin if gtin and len(gtin) == 13 else None,
            "model": model,
            "mpn": mpn,
            "sku": _text(product.get("sku")) or _text(offer.get("sku")),
            "product_identifier": mpn or model or gtin,
            "availability": availability.rsplit("/", 1)[-1] if availability else None,
            "seller_name": seller_name,
            "trader_name": seller_name,
            "breadcrumbs": ctx["breadcrumbs"],
            "product_category": _text(product.get("category")),
            "images": _images(product.get("image"), base),
            "description": _text(product.get("description")),
            "markings": "; ".join(markings) or None,
            "safety_info": "; ".join(ctx["warnings"]) or None,
            "manufacturer_name": manufacturer["name"],
            "manufacturer_address": manufacturer["address"],
            "manufacturer_email": manufacturer["email"],
            "manufacturer_country": manufacturer["country"],
            "eu_rp_name": rp_name,
            "eu_rp_address": rp_address,
            "eu_rp_country": rp_country,
            "extraction_syntax": ctx["syntax"],
            "products_on_page": ctx["n"],
            "extraction_problem": "; ".join(problems) or None,
            **ctx["evidence"],
        }
    )
    if ctx["og"] and ctx["n"] == 1:
        for col, value in ctx["og"].items():
            if row.get(col) is None and value is not None:
                row[col] = value
    row["to_code"] = ", ".join(c for c in (*TO_CODE, "platform") if row.get(c) is None)
    return row


def _og_fill(data: dict[str, list[dict]], base: str) -> dict:
    og = [
        it
        for it in data.get("opengraph", [])
        if str(it.get("@type", "")).lower() in ("product", "og:product")
    ]
    if not og:
        return {}
    p = _og_product(og[0])
    return {
        "title": _text(p.get("name")),
        "images": _images(p.get("image"), base),
        "price": _price(p["offers"].get("price")),
        "currency": _text(p["offers"].get("priceCurrency")),
        "brand": _text(p.get("brand")),
    }


def extract_products(page: Page, platform: str | None = None) -> tuple[list[dict], list[str]]:
    """Return (one listing row per top-level Product on ``page``, page-level problems).

    A page with no Product returns no row; its problems (a broken JSON-LD block, an extractor
    failure) are returned so a caller can count the page as read but not a listing.
    """
    data, problems, tree = structured_data(page)
    syntax, products = _products(data)
    if not products:
        return [], problems
    base = page.final_url or page.url
    _, warnings, ce, rp_line = _page_texts(tree)
    fetched = page.fetched_at
    evidence = {
        "url": page.url,
        "final_url": base,
        "capture_file": page.capture_file,
        "record_offset": page.record_offset,
        "record_sha256": page.record_sha256,
        "content_sha256": page.content_sha256,
        "fetched_at": fetched,
        "observed_on": fetched[:10] if fetched and re.match(r"\d{4}-\d\d-\d\d", fetched) else None,
    }
    ctx = {
        "base": base,
        "platform": platform,
        "problems": problems,
        "n": len(products),
        "syntax": syntax,
        "warnings": warnings,
        "ce": ce,
        "rp_line": rp_line,
        "breadcrumbs": _breadcrumbs(data),
        "og": _og_fill(data, base) if syntax != "opengraph" else {},
        "evidence": evidence,
    }
    rows = [_row(p, {**ctx, "index": i}) for i, p in enumerate(products)]
    return rows, problems


def _listing_pages(capture: Capture) -> list[Page]:
    """HTML pages to extract from: 2xx responses and saved files; a DOM snapshot only where no response is."""
    pages = [
        p
        for p in capture.pages
        if p.is_html
        and p.body is not None
        and p.record_type != "dom"
        and (p.status is None or 200 <= p.status < 300)
    ]
    have = {p.url for p in pages}
    pages += [p for p in capture.pages if p.record_type == "dom" and p.url not in have]
    return pages


def extract_listings(capture: Capture, *, platform: str | None = None) -> pl.DataFrame:
    """Return the listing table of a capture: one row per Product found, :data:`LISTING_COLUMNS`.

    Parameters
    ----------
    capture : what :func:`dsa_explore.readers.capture.read_capture` returned.
    platform : the marketplace name to pre-fill (spelled as in ``dsa_explore.platforms``); left
        empty (to code) when not given.

    Returns
    -------
    polars.DataFrame
        Listing-sample columns (pre-filled where the page states a value, empty where a person
        must code it; ``to_code`` names those), then the evidence columns (``url``,
        ``capture_file``, ``record_sha256``, ...). Listing ids repeated across pages (the same
        product captured twice) get a ``~2``, ``~3``... suffix and a note in
        ``extraction_problem``, so the validator sees unique ids and a person sees the repeat.
    """
    if platform is not None:
        platform = platforms.resolve(platform)
    rows: list[dict] = []
    for page in _listing_pages(capture):
        found, _problems = extract_products(page, platform)
        rows.extend(found)
    seen: dict[str, int] = {}
    for r in rows:
        lid = r["listing_id"]
        seen[lid] = seen.get(lid, 0) + 1
        if seen[lid] > 1:
            r["listing_id"] = f"{lid}~{seen[lid]}"
            note = f"listing id {lid!r} also extracted from an earlier page (repeat {seen[lid]})"
            r["extraction_problem"] = (
                f"{r['extraction_problem']}; {note}" if r["extraction_problem"] else note
            )
    schema = {
        c: listing_format.DTYPES[t] for c, t in listing_format.LISTING_SCHEMA.items()
    } | EVIDENCE_COLUMNS
    return pl.DataFrame(rows, schema=schema)


def validate_listings(listings: pl.DataFrame) -> listing_format.ValidationReport:
    """Run the listing-sample validator on an extracted table (against an empty frame table).

    The report lists every value a person must still code (required values empty) and any value
    the page gave that the format refuses (e.g. a currency that is not ISO 4217).
    """
    frame = pl.DataFrame(
        {c: [] for c in listing_format.FRAME_SCHEMA},
        schema={c: pl.String for c in listing_format.FRAME_SCHEMA},
    )
    text = listings.select(pl.all().cast(pl.String))
    return listing_format.validate_sample(text, frame)
