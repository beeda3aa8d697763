"""Seeded synthetic listings with planted risk signals at known rates (SYNTHETIC DATA).

``generate(seed)`` returns two frames: listings in the listing-sample format extended with the
risk fields of :mod:`dsa_explore.analysis.risk`, and a removal history. Sellers get a type
(:data:`SELLER_TYPES`), each type plants risk signals on its listings at the rates in
:data:`PLANTED_RATES`, and the labels (counterfeit, prohibited, lab-unsafe, formal
non-compliance) are then drawn from the planted signals with the probabilities in
:data:`LABEL_RATES`, so some bad listings carry no signal and some flagged ones are fine.
Every listing records its planted signals in ``planted_signals``; clean text and prices are
built so that an indicator fires exactly when its signal was planted (tests check this).

``make data`` (``dsa-explore data build risk_synthetic``) writes ``data/risk/listings-risk-synthetic.csv`` and
``data/risk/removals-risk-synthetic.csv`` and refreshes their provenance records.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl

from dsa_explore.core import paths
from dsa_explore.core.platforms import KNOWN_PLATFORMS
from dsa_explore.data.builds import Build

SEED = 20261128
LISTINGS_PER_PLATFORM = 600
SELLERS_PER_PLATFORM = 90
OBSERVED_ON = dt.date(2026, 11, 1)

#: Seller types and their shares of sellers.
SELLER_TYPES: dict[str, float] = {
    "legit_eu": 0.35,
    "legit_non_eu": 0.25,
    "new_legit": 0.05,
    "sloppy_non_eu": 0.15,
    "counterfeiter": 0.12,
    "pharma": 0.04,
    "adult_linker": 0.04,
}

#: Probability that a listing of a seller type carries each planted signal (seller-level signals
#: ``trader_traceability_gap`` and ``young_high_velocity_seller`` apply to all the seller's listings).
PLANTED_RATES: dict[str, dict[str, float]] = {
    "legit_eu": {"gpsr_incomplete": 0.03},
    "legit_non_eu": {"gpsr_incomplete": 0.08, "trader_traceability_gap": 0.05},
    "new_legit": {"gpsr_incomplete": 0.05},
    "sloppy_non_eu": {
        "gpsr_incomplete": 0.7,
        "toy_markings_missing": 0.6,
        "trader_traceability_gap": 0.6,
        "reappearance_of_removed": 0.08,
    },
    "counterfeiter": {
        "brand_unauthorised": 0.75,
        "obfuscated_brand_text": 0.35,
        "price_far_below_reference": 0.5,
        "gpsr_incomplete": 0.5,
        "trader_traceability_gap": 0.5,
        "young_high_velocity_seller": 0.5,
        "reappearance_of_removed": 0.25,
    },
    "pharma": {
        "restricted_substance_terms": 0.7,
        "gpsr_incomplete": 0.5,
        "trader_traceability_gap": 0.5,
        "young_high_velocity_seller": 0.4,
        "reappearance_of_removed": 0.15,
    },
    "adult_linker": {
        "adult_terms_child_listing": 0.6,
        "trader_traceability_gap": 0.4,
        "young_high_velocity_seller": 0.3,
    },
}

#: Label probabilities: base rate, and the rate when a listing carries a driving signal.
LABEL_RATES: dict[str, dict] = {
    "label_counterfeit": {
        "base": 0.005,
        "bad_seller": 0.25,
        "signals": {
            "brand_unauthorised": 0.8,
            "obfuscated_brand_text": 0.9,
            "price_far_below_reference": 0.6,
        },
    },
    "label_prohibited": {
        "base": 0.003,
        "bad_seller": 0.2,
        "signals": {"restricted_substance_terms": 0.9, "adult_terms_child_listing": 0.85},
    },
    "label_unsafe_lab": {
        "base": 0.02,
        "bad_seller": 0.05,
        "signals": {"toy_markings_missing": 0.45, "gpsr_incomplete": 0.08},
    },
    "label_formal_noncompliant": {
        "base": 0.03,
        "bad_seller": 0.1,
        "signals": {"gpsr_incomplete": 0.95, "toy_markings_missing": 0.95, "trader_traceability_gap": 0.9},
    },
}
BAD_SELLERS = ("counterfeiter", "pharma", "adult_linker")

#: Base listing-sample columns in file order (the listing-sample format); risk fields follow.
BASE_COLUMNS = (
    "listing_id",
    "platform",
    "seller_id",
    "seller_country",
    "category",
    "subcategory",
    "title",
    "price",
    "currency",
    "brand",
    "branded",
    "child_targeted",
    "stratum",
    "selection_mechanism",
    "inclusion_prob",
    "weight",
    "views",
    "orders",
    "label_formal_noncompliant",
    "label_unsafe_lab",
    "label_counterfeit",
    "label_prohibited",
    "label_source",
    "label_review",
)

CATEGORIES: dict[str, dict[str, tuple[float, list[str]]]] = {
    "toys": {
        "plush": (18.0, ["Soft plush bear", "Cuddly plush rabbit", "Plush dinosaur"]),
        "building": (35.0, ["Building blocks set", "Construction bricks kit", "Magnetic tiles set"]),
    },
    "clothing_shoes": {
        "shoes": (85.0, ["Running shoes", "Leather sneakers", "Trail shoes"]),
        "bags": (120.0, ["Shoulder bag", "Canvas tote bag", "Travel backpack"]),
    },
    "electronics_chargers": {
        "audio": (60.0, ["Wireless earbuds", "Bluetooth speaker", "Over-ear headphones"]),
        "accessories": (15.0, ["Phone case", "USB-C charging cable", "Screen protector"]),
    },
    "medicines_supplements": {
        "supplements": (25.0, ["Vitamin D3 capsules", "Magnesium tablets", "Herbal tea blend"]),
        "herbal": (18.0, ["Ginger root capsules", "Chamomile drops", "Green tea extract"]),
    },
    "cosmetics": {"personal_care": (12.0, ["Hand cream", "Lip balm", "Face serum"])},
    "other": {
        "kitchen": (22.0, ["Kitchen knife set", "Glass storage jars", "Silicone baking mat"]),
        "decor": (30.0, ["Scented candle", "Cotton cushion cover", "Wall clock"]),
    },
}
BRANDS_BY_CATEGORY = {
    "toys": ["LEGO", "Disney"],
    "clothing_shoes": ["Nike", "Adidas", "Gucci", "Prada"],
    "electronics_chargers": ["Samsung", "Dyson"],
}
EU_COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "PL", "BE"]
NON_EU_COUNTRIES = ["CN", "CN", "CN", "HK", "TR", "US"]
AGE_WARNINGS = [
    "Not suitable for children under 36 months.",
    "Nicht für Kinder unter 36 Monaten geeignet.",
    "Ne convient pas aux enfants de moins de 36 mois.",
]
RESTRICTED_PHRASES = [
    "with sildenafil for men",
    "contains tadalafil",
    "slimming with sibutramine",
    "hydroxyhomosildenafil booster",
    "mit Sibutramin schlank",
    "heilt Krebs naturally",
    "Epimedium extract strong",
    "cura el cáncer",
]
ADULT_LINKS = ["xxx videos free", "sex doll shop", "Erotisch chat", "porno live cams"]
ADULT_CHILDLIKE = ["mini sex doll teen", "loli sex doll"]


def _obfuscate(brand: str, how: str) -> str:
    if how == "dashes":
        return "-".join(brand)
    if how == "cyrillic":
        return brand.translate(
            str.maketrans({"o": "о", "a": "а", "e": "е", "i": "і", "O": "О", "A": "А", "E": "Е"})
        )
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in brand)
    if how == "zero_width":
        return brand[:2] + "\u200b" + brand[2:]
    if how == "leet":
        return brand.translate(
            str.maketrans({"o": "0", "O": "0", "i": "1", "I": "1", "e": "3", "E": "3", "a": "4", "A": "4"})
        )
    return brand


class _State:
    """The generator's random state and running counters (one per :func:`generate` call)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.used_codes: set[str] = set()
        self.removal_no = 0
        self.rows: list[dict] = []
        self.removals: list[dict] = []

    def code(self) -> str:
        while True:
            c = "".join(self.rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 6))
            if c not in self.used_codes:
                self.used_codes.add(c)
                return c

    def hex_hash(self) -> str:
        return "".join(self.rng.choice(list("0123456789abcdef"), 16))

    def ean(self) -> str:
        return "".join(str(d) for d in self.rng.integers(0, 10, 13))


def _seller_age(st: _State, stype: str, young_fast: bool) -> tuple[int, int]:
    rng = st.rng
    if young_fast:
        return int(rng.integers(10, 85)), int(rng.integers(160, 600))
    if stype == "new_legit":
        return int(rng.integers(10, 85)), int(rng.integers(5, 100))
    return int(rng.integers(200, 3000)), int(rng.integers(0, 120))


_SELLER_CATEGORIES = {
    "pharma": ["medicines_supplements"],
    "adult_linker": ["toys"],
    "counterfeiter": ["clothing_shoes", "electronics_chargers", "toys"],
}


def _new_seller(st: _State, pslug: str, s: int, types: list[str], probs: np.ndarray) -> dict:
    rng = st.rng
    stype = types[int(rng.choice(len(types), p=probs))]
    rates = PLANTED_RATES[stype]
    eu = stype == "legit_eu" or (stype == "new_legit" and rng.random() < 0.5)
    young_fast = rng.random() < rates.get("young_high_velocity_seller", 0.0)
    age, new30 = _seller_age(st, stype, young_fast)
    cats = _SELLER_CATEGORIES.get(stype, list(CATEGORIES))
    authorised = []
    if stype in ("legit_eu", "legit_non_eu") and rng.random() < 0.5:
        pool = [b for c in cats for b in BRANDS_BY_CATEGORY.get(c, [])]
        authorised = sorted(set(rng.choice(pool, size=min(2, len(pool)), replace=False).tolist()))
    return {
        "seller_id": f"{pslug}-s{s:03d}",
        "type": stype,
        "eu": eu,
        "country": str(rng.choice(EU_COUNTRIES if eu else NON_EU_COUNTRIES)),
        "trader_gap": rng.random() < rates.get("trader_traceability_gap", 0.0),
        "young_fast": young_fast,
        "age": age,
        "new30": new30,
        "cats": cats,
        "authorised": authorised,
    }


def _counterfeit_brand(
    st: _State, brands_here: list[str], rates: dict, planted: set[str]
) -> tuple[str | None, str]:
    """Plant an unauthorised brand, sometimes disguised in the title; return (brand field, title brand)."""
    rng = st.rng
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
    return brand, title_brand


def _brand(
    st: _State, seller: dict, category: str, rates: dict, planted: set[str]
) -> tuple[str | None, str | None]:
    rng = st.rng
    brand = title_brand = None
    brands_here = BRANDS_BY_CATEGORY.get(category, [])
    if seller["authorised"] and category in BRANDS_BY_CATEGORY and rng.random() < 0.6:
        options = [b for b in seller["authorised"] if b in brands_here]
        if options:
            brand = title_brand = str(rng.choice(options))
    if seller["type"] == "counterfeiter" and brands_here and rng.random() < rates["brand_unauthorised"]:
        brand, title_brand = _counterfeit_brand(st, brands_here, rates, planted)
    return brand, title_brand


def _texts(
    st: _State, category: str, noun: str, rates: dict, planted: set[str]
) -> tuple[str, str | None, str | None]:
    """Return (description, markings, linked text) with the planted text signals."""
    rng = st.rng
    description = f"{noun}. Good quality, fast delivery."
    linked = markings = None
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
    return description, markings, linked


def _gpsr(st: _State, seller: dict) -> dict:
    eu = seller["eu"]
    return {
        "manufacturer_name": f"Maker {seller['seller_id'][-3:]} Ltd",
        "manufacturer_address": f"{int(st.rng.integers(1, 200))} Industrial Road",
        "manufacturer_email": f"info@maker{seller['seller_id'][-3:]}.example",
        "manufacturer_country": seller["country"],
        "eu_rp_name": None if eu else "EU Rep Services GmbH",
        "eu_rp_address": None if eu else "Hauptstrasse 1, Berlin",
        "eu_rp_country": None if eu else "DE",
        "product_identifier": f"TYPE-{st.code()}",
        "safety_info": "Read the instructions before use.",
    }


def _toy_gap(
    st: _State, gpsr: dict, description: str, markings: str | None, planted: set[str]
) -> tuple[str, str | None]:
    """Remove the CE mark, the age warning or the EU address of a toy; return (description, markings)."""
    planted.add("toy_markings_missing")
    which = str(st.rng.choice(["ce", "warning", "address"]))
    if which == "ce":
        markings = None
    elif which == "warning":
        for warning in AGE_WARNINGS:
            description = description.replace(" " + warning, "")
    else:
        gpsr["eu_rp_name"] = gpsr["eu_rp_address"] = gpsr["eu_rp_country"] = None
        gpsr["manufacturer_country"] = "CN"
        planted.add("gpsr_incomplete")
    return description, markings


def _safety_gaps(
    st: _State,
    seller: dict,
    category: str,
    child: bool,
    rates: dict,
    planted: set[str],
    gpsr: dict,
    description: str,
    markings: str | None,
) -> tuple[str, str | None]:
    rng = st.rng
    toy_gap = category == "toys" and child and rng.random() < rates.get("toy_markings_missing", 0.0)
    if toy_gap:
        description, markings = _toy_gap(st, gpsr, description, markings, planted)
    if rng.random() < rates.get("gpsr_incomplete", 0.0) or "gpsr_incomplete" in planted:
        planted.add("gpsr_incomplete")
        if not (toy_gap and gpsr["eu_rp_name"] is None and not seller["eu"]):
            field = str(
                rng.choice(
                    ["manufacturer_email", "product_identifier", "safety_info", "manufacturer_address"]
                )
            )
            gpsr[field] = None
    return description, markings


def _trader(st: _State, seller: dict) -> dict:
    sid = seller["seller_id"]
    trader = {
        "trader_name": f"Shop {sid}",
        "trader_address": "Unit 5, Trade Park",
        "trader_phone": "+00 000 0000",
        "trader_email": f"{sid}@shop.example",
        "trader_register_no": f"REG{sid[-3:]}",
        "trader_self_certified": True,
    }
    if seller["trader_gap"]:
        for field in ("trader_register_no", "trader_phone"):
            trader[field] = None
        trader["trader_self_certified"] = bool(st.rng.random() < 0.5)
    return trader


def _plant_removal(
    st: _State,
    platform: str,
    pslug: str,
    seller: dict,
    noun: str,
    title: str,
    img: str,
    ean_code: str,
    listed_on: dt.date,
) -> None:
    """Record an earlier removal that shares one key (title, image hash or EAN) with this listing."""
    rng = st.rng
    key = str(rng.choice(["title", "image_hash", "ean"]))
    st.removal_no += 1
    st.removals.append(
        {
            "removed_listing_id": f"{pslug}-r{st.removal_no:05d}",
            "platform": platform,
            "seller_id": seller["seller_id"] if rng.random() < 0.6 else f"{pslug}-gone{st.removal_no:05d}",
            "title": title if key == "title" else f"{noun} model {st.code()}",
            "image_hash": img if key == "image_hash" else st.hex_hash(),
            "ean": ean_code if key == "ean" else st.ean(),
            "removed_on": listed_on - dt.timedelta(days=int(rng.integers(0, 60))),
            "removal_reason": "counterfeit" if seller["type"] == "counterfeiter" else "non-compliant product",
        }
    )


def _labels(st: _State, stype: str, planted: set[str]) -> dict[str, int]:
    labels = {}
    for label, spec in LABEL_RATES.items():
        p = spec["base"] if stype not in BAD_SELLERS else max(spec["base"], spec["bad_seller"])
        for sig, rate in spec["signals"].items():
            if sig in planted:
                p = max(p, rate)
        labels[label] = int(st.rng.random() < p)
    return labels


def _price(
    st: _State,
    base_price: float,
    brand: str | None,
    category: str,
    stype: str,
    rates: dict,
    planted: set[str],
) -> float:
    price = base_price * float(np.exp(st.rng.uniform(-0.4, 0.4)))
    if brand and category != "toys":
        price *= 2.0
    if stype == "counterfeiter" and st.rng.random() < rates["price_far_below_reference"]:
        price *= 0.08
        planted.add("price_far_below_reference")
    return price


def _listing(st: _State, platform: str, pslug: str, i: int, sellers: list[dict]) -> dict:
    """Return one synthetic listing (a row of the risk-extended listing format) with its planted signals."""
    rng = st.rng
    seller = sellers[int(rng.integers(0, len(sellers)))]
    stype = seller["type"]
    rates = PLANTED_RATES[stype]
    category = str(rng.choice(seller["cats"]))
    sub = str(rng.choice(list(CATEGORIES[category])))
    base_price, nouns = CATEGORIES[category][sub]
    noun = str(rng.choice(nouns))
    planted = {
        s
        for s, on in (
            ("trader_traceability_gap", seller["trader_gap"]),
            ("young_high_velocity_seller", seller["young_fast"]),
        )
        if on
    }
    brand, title_brand = _brand(st, seller, category, rates, planted)
    child = (
        category == "toys"
        or (rng.random() < 0.05 and category == "clothing_shoes")
        or stype == "adult_linker"
    )
    price = _price(st, base_price, brand, category, stype, rates, planted)
    title = f"{title_brand + ' ' if title_brand else ''}{noun} model {st.code()}"
    description, markings, linked = _texts(st, category, noun, rates, planted)
    gpsr = _gpsr(st, seller)
    description, markings = _safety_gaps(
        st, seller, category, child, rates, planted, gpsr, description, markings
    )
    trader = _trader(st, seller)
    listed_on = OBSERVED_ON - dt.timedelta(days=int(rng.integers(1, max(2, min(seller["age"], 300)))))
    img, ean_code = st.hex_hash(), st.ean()
    if rng.random() < rates.get("reappearance_of_removed", 0.0):
        planted.add("reappearance_of_removed")
        _plant_removal(st, platform, pslug, seller, noun, title, img, ean_code, listed_on)
    labels = _labels(st, stype, planted)
    return {
        "listing_id": f"{pslug}-l{i:04d}",
        "platform": platform,
        "seller_id": seller["seller_id"],
        "seller_country": seller["country"],
        "category": category,
        "subcategory": sub,
        "title": title,
        "price": round(price, 2),
        "currency": "EUR",
        "brand": brand,
        "branded": brand is not None,
        "child_targeted": child,
        "stratum": f"{pslug}|{category}|{'eu' if seller['eu'] else 'non_eu'}",
        "selection_mechanism": "random_in_stratum",
        "inclusion_prob": 0.002,
        "weight": 500.0,
        "views": int(rng.poisson(200)),
        "orders": int(rng.poisson(8)),
        **labels,
        "label_source": "lab",
        "label_review": None,
        "description": description,
        "markings": markings,
        "linked_text": linked,
        "seller_authorised_brands": ";".join(seller["authorised"]) or None,
        "seller_registered_on": OBSERVED_ON - dt.timedelta(days=seller["age"]),
        "seller_new_listings_30d": seller["new30"],
        "observed_on": OBSERVED_ON,
        "listed_on": listed_on,
        **gpsr,
        **trader,
        "image_hash": img,
        "ean": ean_code,
        "planted_signals": ";".join(sorted(planted)),
        "seller_type": stype,
    }


def _background_removals(st: _State, platform: str, pslug: str, n: int = 40) -> None:
    """Record removals that did not reappear (so the reappearance indicator has something to miss)."""
    for _ in range(n):
        st.removal_no += 1
        st.removals.append(
            {
                "removed_listing_id": f"{pslug}-r{st.removal_no:05d}",
                "platform": platform,
                "seller_id": f"{pslug}-gone{st.removal_no:05d}",
                "title": f"Removed item model {st.code()}",
                "image_hash": st.hex_hash(),
                "ean": st.ean(),
                "removed_on": OBSERVED_ON - dt.timedelta(days=int(st.rng.integers(30, 400))),
                "removal_reason": "non-compliant product",
            }
        )


_STRING_COLUMNS = (
    "brand",
    "markings",
    "linked_text",
    "seller_authorised_brands",
    "eu_rp_name",
    "eu_rp_address",
    "eu_rp_country",
    "manufacturer_email",
    "product_identifier",
    "safety_info",
    "manufacturer_address",
    "trader_register_no",
    "trader_phone",
)


def generate(seed: int = SEED) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (listings, removals): seeded synthetic listings with planted risk signals, and removals."""
    st = _State(seed)
    types = list(SELLER_TYPES)
    probs = np.array(list(SELLER_TYPES.values()))
    probs = probs / probs.sum()
    for platform in KNOWN_PLATFORMS:
        pslug = "".join(ch for ch in platform.lower() if ch.isalnum())[:6]
        sellers = [_new_seller(st, pslug, s, types, probs) for s in range(SELLERS_PER_PLATFORM)]
        st.rows += [_listing(st, platform, pslug, i, sellers) for i in range(LISTINGS_PER_PLATFORM)]
        _background_removals(st, platform, pslug)
    overrides = {
        **{c: pl.String for c in _STRING_COLUMNS},
        "label_review": pl.Int64,
        **{c: pl.Int64 for c in LABEL_RATES},
    }
    listings = pl.DataFrame(st.rows, schema_overrides=overrides, infer_schema_length=None)
    base = [c for c in BASE_COLUMNS if c in listings.columns]
    listings = listings.select([*base, *[c for c in listings.columns if c not in base]])
    return listings, pl.DataFrame(st.removals, infer_schema_length=None)


def write(seed: int = SEED, out_dir: str | Path | None = None) -> list[Path]:
    """Write the synthetic listings and removals (default under ``data/risk/``) with provenance records."""
    from dsa_explore.data import provenance

    listings, removals = generate(seed)
    out = Path(out_dir) if out_dir else paths.data_dir() / "risk"
    out.mkdir(parents=True, exist_ok=True)
    common = {
        "source": f"generated by `dsa_explore.synth.risk` with seed {seed}",
        "version": "2026-11-28",
        "synthetic": True,
    }
    rates = json.dumps(PLANTED_RATES, sort_keys=True)
    specs = [
        (
            listings,
            "listings-risk-synthetic.csv",
            "risk_listings_synthetic",
            "Synthetic listings with planted risk signals [SYNTHETIC]",
            f"{listings.height} synthetic listings ({LISTINGS_PER_PLATFORM} per platform, "
            f"{SELLERS_PER_PLATFORM} sellers per platform) in the listing-sample format extended with the "
            "risk fields of dsa_explore.analysis.risk. "
            f"Seller types {json.dumps(SELLER_TYPES, sort_keys=True)} plant signals at rates {rates}; "
            "`planted_signals` lists them per listing; labels are drawn from the planted signals "
            "(dsa_explore.synth.risk.LABEL_RATES). SYNTHETIC: not observations of any platform.",
        ),
        (
            removals,
            "removals-risk-synthetic.csv",
            "risk_removals_synthetic",
            "Synthetic removal history for the reappearance indicator [SYNTHETIC]",
            "Listings removed before the observation date (title, image hash, EAN, removal date); some "
            "share a key with a synthetic listing that reappeared. SYNTHETIC.",
        ),
    ]
    from dsa_explore.readers.risk import RISK_FIELDS

    listing_columns = {c: "listing-sample format (docs/listing-sample-format.md)" for c in BASE_COLUMNS}
    listing_columns.update({k: v[1] for k, v in RISK_FIELDS.items()})
    listing_columns.update(
        {
            "planted_signals": "';'-separated indicator keys planted on this listing (synthetic truth)",
            "seller_type": "synthetic seller type that planted the signals "
            "(dsa_explore.synth.risk.SELLER_TYPES)",
        }
    )
    removal_columns = {
        "removed_listing_id": "id of the removed listing",
        "platform": "platform",
        "seller_id": "seller of the removed listing",
        "title": "title at removal",
        "image_hash": "perceptual hash (hex) of the main image",
        "ean": "EAN-13 / GTIN",
        "removed_on": "date of removal",
        "removal_reason": "reason recorded for the removal",
    }
    columns = {"risk_listings_synthetic": listing_columns, "risk_removals_synthetic": removal_columns}
    written = []
    for frame, fname, name, title, desc in specs:
        path = out / fname
        frame.write_csv(path, date_format="%Y-%m-%d")
        schema = {}
        for col, dtype in frame.schema.items():
            schema[col] = (
                "Boolean"
                if dtype == pl.Boolean
                else "Int64"
                if dtype.is_integer()
                else "Float64"
                if dtype.is_float()
                else "Date"
                if dtype == pl.Date
                else "String"
            )
        fields = provenance.record(
            name,
            title,
            desc,
            **common,
            schema=schema,
            columns={c: columns[name].get(c, "") for c in frame.columns},
        )
        provenance.write(path, fields, built_by="dsa_explore.synth.risk.write")
        written.append(path)
    return written


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`).
BUILD = Build(
    name="risk_synthetic",
    outputs=("risk/listings-risk-synthetic.csv", "risk/removals-risk-synthetic.csv"),
    inputs=(),
    function=lambda root: write(SEED, Path(root) / "risk"),
    description=f"SYNTHETIC listings with planted risk signals and their removal history (seed {SEED})",
)
