"""Seeded generators of SYNTHETIC data, clearly labelled as synthetic.

:func:`listing_sample` builds a synthetic listing sample in the format of
``dsa_explore.readers.listings`` (a few thousand listings on five marketplaces, seven product
categories, sellers with several listings and correlated labels, stratified and
risk-targeted selection with unequal weights, a small search-top-k test purchase like the
published ones, exposure counts, desk and lab labels, a re-review sub-sample) and its frame
table. Label rates are loosely set from published test purchases; :data:`PARAMETERS` lists
each rate and its source, and the provenance records repeat them.

Nothing here is real: the numbers demonstrate the estimators. Regenerate the shipped files
with ``make data`` (``dsa-explore data build listing_sample_synthetic``; deterministic for a given seed).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl

from dsa_explore.data.builds import Build

SEED = 20261128

PLATFORM_CODES = {"AliExpress": "AE", "Temu": "TM", "Amazon Store": "AZ", "SHEIN": "SH", "Zalando": "ZL"}

#: Categories sampled on each platform (Zalando sells clothing, shoes and cosmetics only).
PLATFORM_CATEGORIES = {
    "AliExpress": [
        "toys",
        "childcare",
        "cosmetics",
        "clothing_shoes",
        "medicines_supplements",
        "electronics_chargers",
        "adult",
    ],
    "Temu": [
        "toys",
        "childcare",
        "cosmetics",
        "clothing_shoes",
        "medicines_supplements",
        "electronics_chargers",
        "adult",
    ],
    "Amazon Store": [
        "toys",
        "childcare",
        "cosmetics",
        "clothing_shoes",
        "medicines_supplements",
        "electronics_chargers",
        "adult",
    ],
    "SHEIN": ["toys", "childcare", "cosmetics", "clothing_shoes", "electronics_chargers", "adult"],
    "Zalando": ["clothing_shoes", "cosmetics"],
}

#: Categories where unbranded listings are selected risk-targeted (probability ∝ a risk score).
RISK_CATEGORIES = ("toys", "childcare", "electronics_chargers", "cosmetics")

#: Every rate used, with where it loosely comes from. "assumption" means no published figure.
PARAMETERS: dict[str, dict] = {
    "formal_noncompliant_unbranded": {
        "value": {"AliExpress": 0.70, "Temu": 0.85, "Amazon Store": 0.40, "SHEIN": 0.80, "Zalando": 0.15},
        "source": "TIE Temu test (0/19 compliant, 18/19 without EU address) "
        "https://www.toyindustries.eu/95-of-toys-bought-from-new-online-platform-break-eu-safety-rules/ ; "
        "GPSR sweep 2025 (48% of childcare listings non-compliant, 35% on VLOPs) "
        "https://fitupdates.top/en/online-childcare-products-lack-essential-safety-information-"
        "in-nearly-half-of-cases-eu-investigation-uncovers ; "
        "lowered because those were purposive samples",
    },
    "formal_noncompliant_branded_factor": {
        "value": 0.2,
        "source": "assumption: branded listings carry formal information far more often",
    },
    "formal_category_factor": {
        "value": {
            "toys": 1.0,
            "childcare": 0.85,
            "cosmetics": 0.9,
            "clothing_shoes": 0.5,
            "medicines_supplements": 0.9,
            "electronics_chargers": 1.0,
            "adult": 0.6,
        },
        "source": "Euroconsumers 2024 (9/13 Temu cosmetics without ingredient list) "
        "https://www.euroconsumers.org/euroconsumers-temu-safety-tests-underpin-importance-of-"
        "major-new-dsa-complaint/ ; "
        "ICRT 2025 (52/54 chargers failed) "
        "https://www.belganewsagency.eu/70-per-cent-of-shein-and-temu-products-violate-safety-"
        "standards-investigation-finds ; "
        "other factors are assumptions",
    },
    "unsafe_lab_unbranded_toys": {
        "value": {"AliExpress": 0.45, "Temu": 0.50, "Amazon Store": 0.25, "SHEIN": 0.55, "Zalando": 0.05},
        "source": "TIE 2024 purposive toy purchases (AliExpress 10/14, Amazon 10/25, Temu 19/25, "
        "Shein 10/10) "
        "https://www.wdenis.eu/news/eu-study-reveals-80%25-of-toys-sold-by-third-party-sellers-"
        "online-are-dangerous , "
        "scaled by about 0.6 for a random rather than risk-picked sample",
    },
    "unsafe_lab_category_factor": {
        "value": {"toys": 1.0, "childcare": 0.8, "cosmetics": 0.5, "electronics_chargers": 1.2},
        "source": "assumption, ordered after ICRT 2025 (toys 26/27 and 27/27, chargers 52/54)",
    },
    "unsafe_lab_branded_factor": {"value": 0.1, "source": "assumption"},
    "counterfeit_branded_clothing": {
        "value": {"AliExpress": 0.20, "Temu": 0.15, "Amazon Store": 0.03, "SHEIN": 0.08, "Zalando": 0.005},
        "source": "assumption (no published random-sample rate); the Commission's AliExpress findings name "
        "counterfeit clothing",
    },
    "prohibited_medicines": {
        "value": {"AliExpress": 0.25, "Temu": 0.20, "Amazon Store": 0.08, "SHEIN": 0.10, "Zalando": 0.0},
        "source": "loosely after the EU coordinated control plan on online food (2017): 779 "
        "non-compliant offers of unauthorised novel foods and supplements with disease claims; rates are "
        "assumptions",
    },
    "prohibited_adult": {"value": 0.04, "source": "assumption"},
    "non_eu_seller_log_odds": {"value": 0.8, "source": "assumption (TIE 2025: non-EU sellers)"},
    "risk_score_log_odds_per_log_unit": {"value": 0.9, "source": "assumption: risk-targeted selection works"},
    "seller_random_effect_sd": {"value": 1.0, "source": "assumption: labels cluster within sellers"},
    "lab_subsample_fraction": {
        "value": 0.25,
        "source": "design choice: a random quarter of sampled listings "
        "in risk categories is bought and lab-tested",
    },
    "review_subsample_fraction": {"value": 0.10, "source": "design choice"},
    "desk_review_agreement": {"value": 0.92, "source": "assumption"},
    "exposure_multiplier_positive": {
        "value": {"AliExpress": 1.5, "Temu": 1.8, "Amazon Store": 0.9, "SHEIN": 1.3, "Zalando": 1.0},
        "source": "assumption: cheap non-compliant listings draw more views on some platforms",
    },
    "sample_per_stratum": {
        "value": {"branded": 40, "unbranded": 60, "search_top_k": 20},
        "source": "design choice",
    },
}

_FRAME_BASE = {
    "toys": 400_000,
    "childcare": 150_000,
    "cosmetics": 300_000,
    "clothing_shoes": 1_200_000,
    "medicines_supplements": 80_000,
    "electronics_chargers": 500_000,
    "adult": 60_000,
}
_PLATFORM_SCALE = {"AliExpress": 1.0, "Temu": 0.8, "Amazon Store": 1.3, "SHEIN": 0.5, "Zalando": 0.4}
_UNBRANDED_SHARE = {"AliExpress": 0.7, "Temu": 0.85, "Amazon Store": 0.35, "SHEIN": 0.6, "Zalando": 0.05}
_COUNTRIES = {
    "AliExpress": (["CN", "HK", "ES", "FR", "DE"], [0.82, 0.06, 0.05, 0.04, 0.03]),
    "Temu": (["CN", "HK", "DE"], [0.92, 0.05, 0.03]),
    "Amazon Store": (["DE", "FR", "IT", "ES", "CN", "GB"], [0.28, 0.15, 0.1, 0.1, 0.32, 0.05]),
    "SHEIN": (["CN", "HK", "FR"], [0.9, 0.05, 0.05]),
    "Zalando": (["DE", "FR", "NL", "IT"], [0.5, 0.2, 0.15, 0.15]),
}
_EU = {"DE", "FR", "IT", "ES", "NL"}
_SUBCATEGORIES = {
    "toys": ["plush toy", "slime", "magnetic set", "baby rattle", "electric toy", "doll"],
    "childcare": ["baby carrier", "teether", "high chair", "bath seat", "baby monitor"],
    "cosmetics": ["lipstick", "skin cream", "hair dye", "nail polish", "eye shadow"],
    "clothing_shoes": ["sneakers", "hoodie", "children's jacket", "handbag", "jeans"],
    "medicines_supplements": [
        "weight-loss capsules",
        "vitamin gummies",
        "herbal supplement",
        "pain relief gel",
    ],
    "electronics_chargers": ["USB charger", "power bank", "phone cable", "LED lamp", "hair dryer"],
    "adult": ["adult toy", "lingerie", "adult game"],
}
_PRICE_MEDIAN = {
    "toys": 9,
    "childcare": 18,
    "cosmetics": 7,
    "clothing_shoes": 25,
    "medicines_supplements": 14,
    "electronics_chargers": 11,
    "adult": 16,
}
#: Fictional brand names (no real brand is implied to be counterfeited).
_BRANDS = ["Brandolo", "Kidora", "Lumina", "Nordvik", "Velora", "Aurex", "Pixelle", "Marenne"]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _sig(x: float, digits: int = 10) -> float:
    return float(f"{x:.{digits}g}")


def listing_sample(seed: int = SEED) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``(sample, frame)``: a SYNTHETIC listing sample and its frame table, the same for a ``seed``."""
    rng = np.random.default_rng(seed)
    P = {k: v["value"] for k, v in PARAMETERS.items()}
    rows: list[dict] = []
    frame_rows: list[dict] = []
    counter = 0
    for platform, categories in PLATFORM_CATEGORIES.items():
        code = PLATFORM_CODES[platform]
        countries, country_p = _COUNTRIES[platform]
        for category in categories:
            n_cat = int(_FRAME_BASE[category] * _PLATFORM_SCALE[platform])
            unbranded_share = _UNBRANDED_SHARE[platform]
            tiers = [
                ("branded", round(n_cat * (1 - unbranded_share))),
                ("unbranded", round(n_cat * unbranded_share)),
            ]
            for tier, frame_size in tiers:
                if frame_size < 100:
                    continue
                stratum = f"{code}|{category}|{tier}"
                frame_rows.append(
                    {
                        "stratum": stratum,
                        "platform": platform,
                        "frame_size": frame_size,
                        "description": f"{platform} {category.replace('_', ' ')} listings, {tier} "
                        f"(synthetic frame count)",
                    }
                )
                n_h = P["sample_per_stratum"][tier]
                risk_targeted = tier == "unbranded" and category in RISK_CATEGORIES
                # risk score of each sampled listing; risk-targeted selection draws ∝ score, so the
                # sampled scores are size-biased: lognormal(σ², σ) instead of lognormal(0, σ)
                sigma = 0.8
                if risk_targeted:
                    score = rng.lognormal(sigma**2, sigma, n_h)
                    mean_score = math.exp(sigma**2 / 2)
                    incl = np.minimum(n_h * score / (frame_size * mean_score), 1.0)
                    mechanism = "risk_targeted"
                else:
                    score = rng.lognormal(0.0, sigma, n_h)
                    incl = np.full(n_h, n_h / frame_size)
                    mechanism = "random_in_stratum"
                rows.extend(
                    _listings(
                        rng,
                        P,
                        platform,
                        code,
                        category,
                        tier,
                        stratum,
                        mechanism,
                        score,
                        incl,
                        countries,
                        country_p,
                        counter,
                    )
                )
                counter += n_h
        # a TIE-like test purchase: the top search results for unbranded toys, no known probabilities
        if "toys" in categories:
            n_k = P["sample_per_stratum"]["search_top_k"]
            score = rng.lognormal(2 * sigma**2, sigma, n_k)
            rows.extend(
                _listings(
                    rng,
                    P,
                    platform,
                    code,
                    "toys",
                    "unbranded",
                    f"{code}|toys|unbranded",
                    "search_top_k",
                    score,
                    np.full(n_k, np.nan),
                    countries,
                    country_p,
                    counter,
                    lab_all=True,
                )
            )
            counter += n_k
    from dsa_explore.data.catalog import DTYPES
    from dsa_explore.readers.listings import FRAME_SCHEMA, LISTING_SCHEMA

    sample = pl.DataFrame(rows, schema={c: DTYPES[t] for c, t in LISTING_SCHEMA.items()}, orient="row")
    frame = pl.DataFrame(frame_rows, schema={c: DTYPES[t] for c, t in FRAME_SCHEMA.items()})
    return sample, frame


def _listings(
    rng,
    P,
    platform,
    code,
    category,
    tier,
    stratum,
    mechanism,
    score,
    incl,
    countries,
    country_p,
    start,
    lab_all=False,
) -> list[dict]:
    n = score.size
    branded = tier == "branded"
    # sellers: a pool a third the size of the sample, listings spread Zipf-like over it
    pool = max(4, n // 3)
    seller_p = 1 / np.arange(1, pool + 1) ** 0.8
    seller_idx = rng.choice(pool, size=n, p=seller_p / seller_p.sum())
    seller_effect = rng.normal(0, P["seller_random_effect_sd"], pool)
    seller_country = rng.choice(countries, size=pool, p=country_p)
    sellers = np.array(
        [
            f"{code}-{category[:4].upper()}-{tier[0].upper()}{mechanism[0].upper()}-{s:03d}"
            for s in range(pool)
        ]
    )
    eff = seller_effect[seller_idx]
    non_eu = np.array([c not in _EU for c in seller_country[seller_idx]], dtype=float)
    risk = P["risk_score_log_odds_per_log_unit"] * np.log(score)

    def draw(base: float) -> np.ndarray:
        if base <= 0:
            return np.zeros(n, dtype=np.int64)
        x = _logit(base) + risk + eff + P["non_eu_seller_log_odds"] * (non_eu - 0.5)
        return (rng.uniform(size=n) < _expit(x)).astype(np.int64)

    formal_base = P["formal_noncompliant_unbranded"][platform] * P["formal_category_factor"][category]
    if branded:
        formal_base *= P["formal_noncompliant_branded_factor"]
    formal = draw(formal_base)
    lab_tested = (
        np.ones(n, bool)
        if lab_all
        else (
            (rng.uniform(size=n) < P["lab_subsample_fraction"])
            if category in RISK_CATEGORIES
            else np.zeros(n, bool)
        )
    )
    unsafe = np.full(n, -1, dtype=np.int64)
    if category in P["unsafe_lab_category_factor"]:
        u_base = P["unsafe_lab_unbranded_toys"][platform] * P["unsafe_lab_category_factor"][category]
        if branded:
            u_base *= P["unsafe_lab_branded_factor"]
        x = _logit(min(u_base, 0.95)) + risk + eff + 0.8 * (formal - 0.5)
        drawn = (rng.uniform(size=n) < _expit(x)).astype(np.int64)
        unsafe = np.where(lab_tested, drawn, -1)
    counterfeit = (
        draw(P["counterfeit_branded_clothing"][platform])
        if (branded and category == "clothing_shoes")
        else np.zeros(n, dtype=np.int64)
    )
    if category == "medicines_supplements":
        prohibited = draw(P["prohibited_medicines"][platform])
    elif category == "adult":
        prohibited = draw(P["prohibited_adult"])
    else:
        prohibited = np.zeros(n, dtype=np.int64)
    reviewed = rng.uniform(size=n) < P["review_subsample_fraction"]
    agree = rng.uniform(size=n) < P["desk_review_agreement"]
    review = np.where(reviewed, np.where(agree, formal, 1 - formal), -1)
    mult = np.where(formal == 1, P["exposure_multiplier_positive"][platform], 1.0)
    views = np.round(rng.lognormal(math.log(300), 0.9, n) * mult).astype(np.int64)
    orders = rng.poisson(views * 0.02)
    price = np.round(_PRICE_MEDIAN[category] * (0.5 if not branded else 1.6) * rng.lognormal(0, 0.5, n), 2)
    subcats = _SUBCATEGORIES[category]
    out = []
    for i in range(n):
        brand = _BRANDS[int(rng.integers(len(_BRANDS)))] if branded else None
        sub = subcats[int(rng.integers(len(subcats)))]
        child = category in ("toys", "childcare") or (
            category == "clothing_shoes" and sub == "children's jacket"
        )
        p_i = incl[i]
        out.append(
            (
                f"SYN-{code}-{start + i + 1:06d}",
                platform,
                str(sellers[seller_idx[i]]),
                str(seller_country[seller_idx[i]]),
                category,
                sub,
                f"{brand or 'Unbranded'} {sub} (synthetic listing)",
                float(price[i]),
                "EUR",
                brand,
                branded,
                child,
                stratum,
                mechanism,
                None if np.isnan(p_i) else _sig(p_i),
                None if np.isnan(p_i) else 1 / _sig(p_i),
                int(views[i]),
                int(orders[i]),
                int(formal[i]),
                None if unsafe[i] < 0 else int(unsafe[i]),
                int(counterfeit[i]),
                int(prohibited[i]),
                "lab" if lab_tested[i] else "desk",
                None if review[i] < 0 else int(review[i]),
            )
        )
    return out


def provenance_fields(kind: str, seed: int) -> dict:
    """Return the hand-written fields of the provenance record of a synthetic listing file."""
    from dsa_explore.data import provenance

    base = {
        "source": f"generated by `dsa_explore.synth.listings` with seed {seed}",
        "source_urls": sorted(
            {u for v in PARAMETERS.values() for u in v["source"].split() if u.startswith("https://")}
        ),
        "version": "2026-11-28",
        "synthetic": True,
        "parameters": PARAMETERS,
    }
    if kind == "sample":
        return provenance.record(
            "listing_sample_synthetic",
            "SYNTHETIC listing sample (five marketplaces, seven categories)",
            "Synthetic demonstration data in the listing-sample format of dsa_explore.readers.listings: "
            "stratified (platform x category x branded/unbranded) and risk-targeted selection "
            "with design weights, a search-top-k test purchase per platform, sellers with "
            "several listings, exposure counts, desk and lab labels. Label rates loosely set "
            "from published test purchases (see parameters). NOT REAL DATA.",
            **base,
        )
    return provenance.record(
        "listing_frame_synthetic",
        "SYNTHETIC frame table of the synthetic listing sample (frame size per stratum)",
        "Synthetic frame counts N_h per stratum for listing-sample-synthetic.csv. NOT REAL DATA.",
        **base,
    )


def write_listing_sample(folder: Path | str | None = None, seed: int = SEED) -> list[Path]:
    """Write the synthetic sample, its frame table and their provenance records into ``folder``."""
    from dsa_explore.core import paths
    from dsa_explore.data import provenance
    from dsa_explore.readers.listings import FRAME_SCHEMA, LISTING_SCHEMA

    folder = Path(folder) if folder else paths.data_dir() / "listings"
    folder.mkdir(parents=True, exist_ok=True)
    sample, frame = listing_sample(seed)
    out = []
    for kind, table, name, schema in (
        ("sample", sample, "listing-sample-synthetic.csv", LISTING_SCHEMA),
        ("frame", frame, "listing-frame-synthetic.csv", FRAME_SCHEMA),
    ):
        path = folder / name
        table.write_csv(path)
        fields = {**provenance_fields(kind, seed), "schema": dict(schema)}
        provenance.write(path, fields, built_by="dsa_explore.synth.listings.write_listing_sample")
        out.append(path)
    return out


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`).
BUILD = Build(
    name="listing_sample_synthetic",
    outputs=("listings/listing-sample-synthetic.csv", "listings/listing-frame-synthetic.csv"),
    inputs=(),
    function=lambda root: write_listing_sample(Path(root) / "listings"),
    description=f"SYNTHETIC listing sample and its frame table (seed {SEED})",
)
