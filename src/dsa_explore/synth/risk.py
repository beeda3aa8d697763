"""Seeded synthetic listings with planted risk signals at known rates (SYNTHETIC DATA).

``generate(seed)`` returns two frames: listings in the listing-sample format extended with the
risk fields of :mod:`dsa_explore.analysis.risk`, and a removal history. Sellers get a type
(:data:`SELLER_TYPES`), each type plants risk signals on its listings at the rates in
:data:`PLANTED_RATES`, and the labels (counterfeit, prohibited, lab-unsafe, formal
non-compliance) are then drawn from the planted signals with the probabilities in
:data:`LABEL_RATES`, so some bad listings carry no signal and some flagged ones are fine.
Every listing records its planted signals in ``planted_signals``; clean text and prices are
built so that an indicator fires exactly when its signal was planted (tests check this).

``python -m dsa_explore.synth.risk`` writes ``data/risk/listings-risk-synthetic.csv`` and
``data/risk/removals-risk-synthetic.csv`` and refreshes their provenance records.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import numpy as np
import polars as pl

from dsa_explore.core import paths
from dsa_explore.core.platforms import KNOWN_PLATFORMS

SEED = 20261128
LISTINGS_PER_PLATFORM = 600
SELLERS_PER_PLATFORM = 90
OBSERVED_ON = dt.date(2026, 11, 1)

#: Seller types and their shares of sellers.
SELLER_TYPES: dict[str, float] = {
    "legit_eu": 0.35, "legit_non_eu": 0.25, "new_legit": 0.05, "sloppy_non_eu": 0.15,
    "counterfeiter": 0.12, "pharma": 0.04, "adult_linker": 0.04,
}

#: Probability that a listing of a seller type carries each planted signal (seller-level signals
#: ``trader_traceability_gap`` and ``young_high_velocity_seller`` apply to all the seller's listings).
PLANTED_RATES: dict[str, dict[str, float]] = {
    "legit_eu": {"gpsr_incomplete": 0.03},
    "legit_non_eu": {"gpsr_incomplete": 0.08, "trader_traceability_gap": 0.05},
    "new_legit": {"gpsr_incomplete": 0.05},
    "sloppy_non_eu": {"gpsr_incomplete": 0.7, "toy_markings_missing": 0.6, "trader_traceability_gap": 0.6,
                      "reappearance_of_removed": 0.08},
    "counterfeiter": {"brand_unauthorised": 0.75, "obfuscated_brand_text": 0.35, "price_far_below_reference": 0.5,
                      "gpsr_incomplete": 0.5, "trader_traceability_gap": 0.5, "young_high_velocity_seller": 0.5,
                      "reappearance_of_removed": 0.25},
    "pharma": {"restricted_substance_terms": 0.7, "gpsr_incomplete": 0.5, "trader_traceability_gap": 0.5,
               "young_high_velocity_seller": 0.4, "reappearance_of_removed": 0.15},
    "adult_linker": {"adult_terms_child_listing": 0.6, "trader_traceability_gap": 0.4,
                     "young_high_velocity_seller": 0.3},
}

#: Label probabilities: base rate, and the rate when a listing carries a driving signal.
LABEL_RATES: dict[str, dict] = {
    "label_counterfeit": {"base": 0.005, "bad_seller": 0.25, "signals": {
        "brand_unauthorised": 0.8, "obfuscated_brand_text": 0.9, "price_far_below_reference": 0.6}},
    "label_prohibited": {"base": 0.003, "bad_seller": 0.2, "signals": {
        "restricted_substance_terms": 0.9, "adult_terms_child_listing": 0.85}},
    "label_unsafe_lab": {"base": 0.02, "bad_seller": 0.05, "signals": {
        "toy_markings_missing": 0.45, "gpsr_incomplete": 0.08}},
    "label_formal_noncompliant": {"base": 0.03, "bad_seller": 0.1, "signals": {
        "gpsr_incomplete": 0.95, "toy_markings_missing": 0.95, "trader_traceability_gap": 0.9}},
}
BAD_SELLERS = ("counterfeiter", "pharma", "adult_linker")

#: Base listing-sample columns in file order (the listing-sample format); risk fields follow.
BASE_COLUMNS = ("listing_id", "platform", "seller_id", "seller_country", "category", "subcategory", "title", "price",
                "currency", "brand", "branded", "child_targeted", "stratum", "selection_mechanism", "inclusion_prob",
                "weight", "views", "orders", "label_formal_noncompliant", "label_unsafe_lab", "label_counterfeit",
                "label_prohibited", "label_source", "label_review")

CATEGORIES: dict[str, dict[str, tuple[float, list[str]]]] = {
    "toys": {"plush": (18.0, ["Soft plush bear", "Cuddly plush rabbit", "Plush dinosaur"]),
             "building": (35.0, ["Building blocks set", "Construction bricks kit", "Magnetic tiles set"])},
    "clothing_shoes": {"shoes": (85.0, ["Running shoes", "Leather sneakers", "Trail shoes"]),
                       "bags": (120.0, ["Shoulder bag", "Canvas tote bag", "Travel backpack"])},
    "electronics_chargers": {"audio": (60.0, ["Wireless earbuds", "Bluetooth speaker", "Over-ear headphones"]),
                             "accessories": (15.0, ["Phone case", "USB-C charging cable", "Screen protector"])},
    "medicines_supplements": {"supplements": (25.0, ["Vitamin D3 capsules", "Magnesium tablets", "Herbal tea blend"]),
                              "herbal": (18.0, ["Ginger root capsules", "Chamomile drops", "Green tea extract"])},
    "cosmetics": {"personal_care": (12.0, ["Hand cream", "Lip balm", "Face serum"])},
    "other": {"kitchen": (22.0, ["Kitchen knife set", "Glass storage jars", "Silicone baking mat"]),
              "decor": (30.0, ["Scented candle", "Cotton cushion cover", "Wall clock"])},
}
BRANDS_BY_CATEGORY = {"toys": ["LEGO", "Disney"], "clothing_shoes": ["Nike", "Adidas", "Gucci", "Prada"],
                      "electronics_chargers": ["Samsung", "Dyson"]}
EU_COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "PL", "BE"]
NON_EU_COUNTRIES = ["CN", "CN", "CN", "HK", "TR", "US"]
AGE_WARNINGS = ["Not suitable for children under 36 months.", "Nicht für Kinder unter 36 Monaten geeignet.",
                "Ne convient pas aux enfants de moins de 36 mois."]
RESTRICTED_PHRASES = ["with sildenafil for men", "contains tadalafil", "slimming with sibutramine",
                      "hydroxyhomosildenafil booster", "mit Sibutramin schlank", "heilt Krebs naturally",
                      "Epimedium extract strong", "cura el cáncer"]
ADULT_LINKS = ["xxx videos free", "sex doll shop", "Erotisch chat", "porno live cams"]
ADULT_CHILDLIKE = ["mini sex doll teen", "loli sex doll"]


def _obfuscate(brand: str, how: str) -> str:
    if how == "dashes":
        return "-".join(brand)
    if how == "cyrillic":
        return brand.translate(str.maketrans({"o": "о", "a": "а", "e": "е", "i": "і", "O": "О", "A": "А", "E": "Е"}))
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in brand)
    if how == "zero_width":
        return brand[:2] + "\u200b" + brand[2:]
    if how == "leet":
        return brand.translate(str.maketrans({"o": "0", "O": "0", "i": "1", "I": "1", "e": "3", "E": "3",
                                              "a": "4", "A": "4"}))
    return brand


def generate(seed: int = SEED) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (listings, removals): seeded synthetic listings with planted risk signals, and a removal history."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    removals: list[dict] = []
    used_codes: set[str] = set()

    def code() -> str:
        while True:
            c = "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 6))
            if c not in used_codes:
                used_codes.add(c)
                return c

    def hex_hash() -> str:
        return "".join(rng.choice(list("0123456789abcdef"), 16))

    def ean() -> str:
        return "".join(str(d) for d in rng.integers(0, 10, 13))

    types = list(SELLER_TYPES)
    probs = np.array(list(SELLER_TYPES.values()))
    probs = probs / probs.sum()
    removal_no = 0
    for platform in KNOWN_PLATFORMS:
        pslug = "".join(ch for ch in platform.lower() if ch.isalnum())[:6]
        sellers = []
        for s in range(SELLERS_PER_PLATFORM):
            stype = types[int(rng.choice(len(types), p=probs))]
            rates = PLANTED_RATES[stype]
            eu = stype == "legit_eu" or (stype == "new_legit" and rng.random() < 0.5)
            young_fast = rng.random() < rates.get("young_high_velocity_seller", 0.0)
            if young_fast:
                age, new30 = int(rng.integers(10, 85)), int(rng.integers(160, 600))
            elif stype == "new_legit":
                age, new30 = int(rng.integers(10, 85)), int(rng.integers(5, 100))
            else:
                age, new30 = int(rng.integers(200, 3000)), int(rng.integers(0, 120))
            cats = list(CATEGORIES)
            if stype == "pharma":
                cats = ["medicines_supplements"]
            elif stype == "adult_linker":
                cats = ["toys"]
            elif stype == "counterfeiter":
                cats = ["clothing_shoes", "electronics_chargers", "toys"]
            authorised = []
            if stype in ("legit_eu", "legit_non_eu") and rng.random() < 0.5:
                pool = [b for c in cats for b in BRANDS_BY_CATEGORY.get(c, [])]
                authorised = sorted(set(rng.choice(pool, size=min(2, len(pool)), replace=False).tolist()))
            sellers.append({"seller_id": f"{pslug}-s{s:03d}", "type": stype, "eu": eu,
                            "country": str(rng.choice(EU_COUNTRIES if eu else NON_EU_COUNTRIES)),
                            "trader_gap": rng.random() < rates.get("trader_traceability_gap", 0.0),
                            "young_fast": young_fast, "age": age, "new30": new30, "cats": cats,
                            "authorised": authorised})
        for i in range(LISTINGS_PER_PLATFORM):
            seller = sellers[int(rng.integers(0, len(sellers)))]
            stype = seller["type"]
            rates = PLANTED_RATES[stype]
            category = str(rng.choice(seller["cats"]))
            sub = str(rng.choice(list(CATEGORIES[category])))
            base_price, nouns = CATEGORIES[category][sub]
            noun = str(rng.choice(nouns))
            planted: set[str] = set()
            if seller["trader_gap"]:
                planted.add("trader_traceability_gap")
            if seller["young_fast"]:
                planted.add("young_high_velocity_seller")
            brand = None
            title_brand = None
            brands_here = BRANDS_BY_CATEGORY.get(category, [])
            if seller["authorised"] and category in BRANDS_BY_CATEGORY and rng.random() < 0.6:
                options = [b for b in seller["authorised"] if b in brands_here]
                if options:
                    brand = str(rng.choice(options))
                    title_brand = brand
            if stype == "counterfeiter" and brands_here and rng.random() < rates["brand_unauthorised"]:
                brand = str(rng.choice(brands_here))
                planted.add("brand_unauthorised")
                title_brand = brand
                if rng.random() < rates["obfuscated_brand_text"] / rates["brand_unauthorised"]:
                    how = str(rng.choice(["dashes", "cyrillic", "fullwidth", "zero_width", "leet", "euphemism"]))
                    planted.add("obfuscated_brand_text")
                    if how == "euphemism":
                        title_brand = f"{brand} 1:1"
                    else:
                        title_brand = _obfuscate(brand, how)
                        if rng.random() < 0.5:
                            brand = None  # brand field left empty: the brand is only in the disguised title
            child = category == "toys" or (rng.random() < 0.05 and category == "clothing_shoes")
            if stype == "adult_linker":
                child = True
            price = base_price * float(np.exp(rng.uniform(-0.4, 0.4)))
            if brand and category != "toys":
                price *= 2.0
            if stype == "counterfeiter" and rng.random() < rates["price_far_below_reference"]:
                price *= 0.08
                planted.add("price_far_below_reference")
            title = f"{title_brand + ' ' if title_brand else ''}{noun} model {code()}"
            description = f"{noun}. Good quality, fast delivery."
            linked = None
            markings = None
            if category == "toys":
                markings = "CE"
                description += " " + str(rng.choice(AGE_WARNINGS))
            if "restricted_substance_terms" in rates and rng.random() < rates["restricted_substance_terms"]:
                description += " " + str(rng.choice(RESTRICTED_PHRASES))
                planted.add("restricted_substance_terms")
            if "adult_terms_child_listing" in rates and rng.random() < rates["adult_terms_child_listing"]:
                if rng.random() < 0.7:
                    linked = f"Partner page: {rng.choice(ADULT_LINKS)}"
                else:
                    description += " " + str(rng.choice(ADULT_CHILDLIKE))
                planted.add("adult_terms_child_listing")
            elif rng.random() < 0.3:
                linked = "Store homepage; more colours available"
            manufacturer_eu = seller["eu"]
            gpsr = {"manufacturer_name": f"Maker {seller['seller_id'][-3:]} Ltd",
                    "manufacturer_address": f"{int(rng.integers(1, 200))} Industrial Road",
                    "manufacturer_email": f"info@maker{seller['seller_id'][-3:]}.example",
                    "manufacturer_country": seller["country"],
                    "eu_rp_name": None if manufacturer_eu else "EU Rep Services GmbH",
                    "eu_rp_address": None if manufacturer_eu else "Hauptstrasse 1, Berlin",
                    "eu_rp_country": None if manufacturer_eu else "DE",
                    "product_identifier": f"TYPE-{code()}", "safety_info": "Read the instructions before use."}
            toy_gap = (category == "toys" and child and rng.random() < rates.get("toy_markings_missing", 0.0))
            if toy_gap:
                planted.add("toy_markings_missing")
                which = str(rng.choice(["ce", "warning", "address"]))
                if which == "ce":
                    markings = None
                elif which == "warning":
                    for warning in AGE_WARNINGS:
                        description = description.replace(" " + warning, "")
                else:
                    gpsr["eu_rp_name"] = gpsr["eu_rp_address"] = gpsr["eu_rp_country"] = None
                    gpsr["manufacturer_country"] = "CN"
                    planted.add("gpsr_incomplete")
            if rng.random() < rates.get("gpsr_incomplete", 0.0) or "gpsr_incomplete" in planted:
                planted.add("gpsr_incomplete")
                if not (toy_gap and gpsr["eu_rp_name"] is None and not manufacturer_eu):
                    field = str(rng.choice(["manufacturer_email", "product_identifier", "safety_info",
                                            "manufacturer_address"]))
                    gpsr[field] = None
            trader = {"trader_name": f"Shop {seller['seller_id']}", "trader_address": "Unit 5, Trade Park",
                      "trader_phone": "+00 000 0000", "trader_email": f"{seller['seller_id']}@shop.example",
                      "trader_register_no": f"REG{seller['seller_id'][-3:]}", "trader_self_certified": True}
            if seller["trader_gap"]:
                for field in ("trader_register_no", "trader_phone"):
                    trader[field] = None
                trader["trader_self_certified"] = bool(rng.random() < 0.5)
            listed_days_ago = int(rng.integers(1, max(2, min(seller["age"], 300))))
            listed_on = OBSERVED_ON - dt.timedelta(days=listed_days_ago)
            img, ean_code = hex_hash(), ean()
            if rng.random() < rates.get("reappearance_of_removed", 0.0):
                planted.add("reappearance_of_removed")
                key = str(rng.choice(["title", "image_hash", "ean"]))
                removal_no += 1
                removals.append({
                    "removed_listing_id": f"{pslug}-r{removal_no:05d}", "platform": platform,
                    "seller_id": seller["seller_id"] if rng.random() < 0.6 else f"{pslug}-gone{removal_no:05d}",
                    "title": title if key == "title" else f"{noun} model {code()}",
                    "image_hash": img if key == "image_hash" else hex_hash(),
                    "ean": ean_code if key == "ean" else ean(),
                    "removed_on": listed_on - dt.timedelta(days=int(rng.integers(0, 60))),
                    "removal_reason": "counterfeit" if stype == "counterfeiter" else "non-compliant product"})
            labels = {}
            for label, spec in LABEL_RATES.items():
                p = spec["base"] if stype not in BAD_SELLERS else max(spec["base"], spec["bad_seller"])
                for sig, rate in spec["signals"].items():
                    if sig in planted:
                        p = max(p, rate)
                labels[label] = int(rng.random() < p)
            rows.append({
                "listing_id": f"{pslug}-l{i:04d}", "platform": platform, "seller_id": seller["seller_id"],
                "seller_country": seller["country"], "category": category, "subcategory": sub, "title": title,
                "price": round(price, 2), "currency": "EUR", "brand": brand, "branded": brand is not None,
                "child_targeted": child,
                "stratum": f"{pslug}|{category}|{'eu' if seller['eu'] else 'non_eu'}",
                "selection_mechanism": "random_in_stratum", "inclusion_prob": 0.002, "weight": 500.0,
                "views": int(rng.poisson(200)), "orders": int(rng.poisson(8)),
                **labels, "label_source": "lab", "label_review": None,
                "description": description, "markings": markings, "linked_text": linked,
                "seller_authorised_brands": ";".join(seller["authorised"]) or None,
                "seller_registered_on": OBSERVED_ON - dt.timedelta(days=seller["age"]),
                "seller_new_listings_30d": seller["new30"], "observed_on": OBSERVED_ON, "listed_on": listed_on,
                **gpsr, **trader, "image_hash": img, "ean": ean_code,
                "planted_signals": ";".join(sorted(planted)), "seller_type": stype})
        for _ in range(40):  # removals that did not reappear
            removal_no += 1
            removals.append({"removed_listing_id": f"{pslug}-r{removal_no:05d}", "platform": platform,
                             "seller_id": f"{pslug}-gone{removal_no:05d}", "title": f"Removed item model {code()}",
                             "image_hash": hex_hash(), "ean": ean(),
                             "removed_on": OBSERVED_ON - dt.timedelta(days=int(rng.integers(30, 400))),
                             "removal_reason": "non-compliant product"})
    label_cols = {c: pl.Int64 for c in LABEL_RATES}
    listings = pl.DataFrame(rows, schema_overrides={"brand": pl.String, "markings": pl.String, "linked_text": pl.String,
                                                     "label_review": pl.Int64, "seller_authorised_brands": pl.String,
                                                     **{c: pl.String for c in ("eu_rp_name", "eu_rp_address",
                                                                               "eu_rp_country", "manufacturer_email",
                                                                               "product_identifier", "safety_info",
                                                                               "manufacturer_address",
                                                                               "trader_register_no", "trader_phone")},
                                                     **label_cols}, infer_schema_length=None)
    base = [c for c in BASE_COLUMNS if c in listings.columns]
    listings = listings.select([*base, *[c for c in listings.columns if c not in base]])
    return listings, pl.DataFrame(removals, infer_schema_length=None)




def write(seed: int = SEED) -> None:
    """Write the synthetic listings and removals under ``data/risk/`` with provenance records."""
    from dsa_explore.data import catalog

    listings, removals = generate(seed)
    out = paths.data_dir() / "risk"
    out.mkdir(parents=True, exist_ok=True)
    common = {"format": "csv", "source": f"generated by `dsa_explore.synth.risk` with seed {seed}",
              "source_urls": [], "licence": "CC0 1.0 (synthetic)", "retrieved": "2026-11-28",
              "version": "2026-11-28", "synthetic": True}
    rates = json.dumps(PLANTED_RATES, sort_keys=True)
    specs = [
        (listings, "listings-risk-synthetic.csv", "risk_listings_synthetic",
         "Synthetic listings with planted risk signals [SYNTHETIC]",
         f"{listings.height} synthetic listings ({LISTINGS_PER_PLATFORM} per platform, {SELLERS_PER_PLATFORM} "
         "sellers per platform) in the listing-sample format extended with the risk fields of dsa_explore.analysis.risk. "
         f"Seller types {json.dumps(SELLER_TYPES, sort_keys=True)} plant signals at rates {rates}; "
         "`planted_signals` lists them per listing; labels are drawn from the planted signals "
         "(dsa_explore.synth.risk.LABEL_RATES). SYNTHETIC: not observations of any platform."),
        (removals, "removals-risk-synthetic.csv", "risk_removals_synthetic",
         "Synthetic removal history for the reappearance indicator [SYNTHETIC]",
         "Listings removed before the observation date (title, image hash, EAN, removal date); some share a "
         "key with a synthetic listing that reappeared. SYNTHETIC."),
    ]
    from dsa_explore.readers.risk import RISK_FIELDS

    listing_columns = {c: "listing-sample format (docs/listing-sample-format.md)" for c in BASE_COLUMNS}
    listing_columns.update({k: v[1] for k, v in RISK_FIELDS.items()})
    listing_columns.update({"planted_signals": "';'-separated indicator keys planted on this listing (synthetic truth)",
                            "seller_type": "synthetic seller type that planted the signals (risk_synth.SELLER_TYPES)"})
    removal_columns = {"removed_listing_id": "id of the removed listing", "platform": "platform",
                       "seller_id": "seller of the removed listing", "title": "title at removal",
                       "image_hash": "perceptual hash (hex) of the main image", "ean": "EAN-13 / GTIN",
                       "removed_on": "date of removal", "removal_reason": "reason recorded for the removal"}
    columns = {"risk_listings_synthetic": listing_columns, "risk_removals_synthetic": removal_columns}
    for frame, fname, name, title, desc in specs:
        path = out / fname
        frame.write_csv(path, date_format="%Y-%m-%d")
        schema = {}
        for col, dtype in frame.schema.items():
            schema[col] = ("Boolean" if dtype == pl.Boolean else "Int64" if dtype.is_integer() else
                           "Float64" if dtype.is_float() else "Date" if dtype == pl.Date else "String")
        meta_path = path.with_name(fname + ".meta.json")
        meta = {"name": name, "title": title, "description": desc, **common, "schema": schema,
                "columns": {c: columns[name].get(c, "") for c in frame.columns}}
        meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        catalog.refresh(path)


if __name__ == "__main__":
    write(int(sys.argv[1]) if len(sys.argv) > 1 else SEED)
