"""The risk-extended listing format: the listing-sample fields risk indicators read, the risk fields they add.

Kept in the readers layer so that both the synthetic generator (:mod:`dsa_explore.synth.risk`) and the
indicators (:mod:`dsa_explore.analysis.risk`) use one definition.
"""

from __future__ import annotations

import polars as pl

#: Base listing-sample columns the indicators read (owned by the listing-sample schema).
BASE_FIELDS: dict[str, pl.DataType] = {
    "listing_id": pl.String(),
    "platform": pl.String(),
    "seller_id": pl.String(),
    "seller_country": pl.String(),
    "category": pl.String(),
    "subcategory": pl.String(),
    "title": pl.String(),
    "price": pl.Float64(),
    "currency": pl.String(),
    "brand": pl.String(),
    "branded": pl.Boolean(),
    "child_targeted": pl.Boolean(),
}


#: Risk extension fields, their types and meaning (null = not shown on the listing).
RISK_FIELDS: dict[str, tuple[pl.DataType, str]] = {
    "description": (pl.String(), "listing description text"),
    "markings": (pl.String(), "markings declared or read (OCR) from product images, e.g. 'CE', warnings"),
    "linked_text": (
        pl.String(),
        "titles/text of pages the listing links to (off-platform or other listings)",
    ),
    "seller_authorised_brands": (pl.String(), "';'-separated brands the seller has proven authorisation for"),
    "seller_registered_on": (pl.Date(), "date the seller account was opened"),
    "seller_new_listings_30d": (pl.Int64(), "listings the seller created in the 30 days before observed_on"),
    "observed_on": (pl.Date(), "date the listing was observed (crawl date)"),
    "listed_on": (pl.Date(), "date the listing was first published"),
    "manufacturer_name": (pl.String(), "GPSR Art. 19(a): manufacturer name"),
    "manufacturer_address": (pl.String(), "GPSR Art. 19(a): manufacturer postal address"),
    "manufacturer_email": (pl.String(), "GPSR Art. 19(a): manufacturer electronic address"),
    "manufacturer_country": (pl.String(), "ISO 3166 alpha-2 country of the manufacturer"),
    "eu_rp_name": (pl.String(), "GPSR Art. 19(b): EU responsible person name"),
    "eu_rp_address": (pl.String(), "GPSR Art. 19(b): EU responsible person address"),
    "eu_rp_country": (pl.String(), "ISO alpha-2 country of the EU responsible person"),
    "product_identifier": (pl.String(), "GPSR Art. 19(c): type, batch or serial number"),
    "safety_info": (pl.String(), "GPSR Art. 19(d): warnings / safety information text"),
    "trader_name": (pl.String(), "DSA Art. 30(1)(a): trader name shown"),
    "trader_address": (pl.String(), "DSA Art. 30(1)(a): trader address"),
    "trader_phone": (pl.String(), "DSA Art. 30(1)(a): trader telephone"),
    "trader_email": (pl.String(), "DSA Art. 30(1)(a): trader email"),
    "trader_register_no": (pl.String(), "DSA Art. 30(1)(d): trade-register number"),
    "trader_self_certified": (pl.Boolean(), "DSA Art. 30(1)(e): self-certification given"),
    "image_hash": (pl.String(), "perceptual hash (hex) of the main image"),
    "ean": (pl.String(), "EAN-13 / GTIN of the product"),
}

#: Optional fields: added as empty when absent (filled by other modules before scoring).
OPTIONAL_FIELDS: dict[str, tuple[pl.DataType, str]] = {
    "safety_gate_alerts": (
        pl.String(),
        "Safety Gate alerts the listing matches, 'case number <alert URL>' joined by '; ' "
        "(filled by dsa_explore.analysis.safetygate_match.annotate_listings)",
    ),
}
