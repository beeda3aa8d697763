"""SYNTHETIC statements of reasons with realistic free text, for the statement-text analysis.

Why: the only real statement texts this project ships are the 3 real rows of the 2025-07-01 dump
excerpt (Wallapop, Kleinanzeigen, Hotel Hideaway); the benchmark generator (:mod:`dsa_explore.synth.sor`)
draws its texts word by word and says nothing. This generator writes marketplace statements
(AliExpress, Temu, Amazon Store, plus a few others) whose texts range from pure boilerplate ("This
content violates our policies.") to specific statements naming the item, its identifier, the rule
or law, the facts found and the redress options, the way the real rows and the DSA Art. 17(3)
checklist describe them. The mix per platform is an ASSUMPTION (:data:`SPECIFIC_SHARE`), not a
measurement: every table, chart and file built from it says SYNTHETIC.

:func:`statement_rows` returns rows of the full 38-column layout (dict per row); :func:`write_dump`
writes them as a daily dump in the Commission's exact layout (``sor-synthetic-<date>-full.zip``:
the slug ``synthetic`` marks every file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dsa_explore.data.builds import Build

#: Seed of the shipped SYNTHETIC dump and of the synthetic part of the labelled set.
SEED = 20261202

#: Share of a platform's statements drawn from its specific profiles (the rest are boilerplate) -- ASSUMPTION.
SPECIFIC_SHARE = {"AliExpress": 0.25, "Temu": 0.45, "Amazon Store": 0.6, "Zalando": 0.5, "Vinted": 0.3}
PLATFORM_ROWS = {"AliExpress": 120, "Temu": 80, "Amazon Store": 70, "Zalando": 15, "Vinted": 15}

PRODUCTS = {
    "toys": [
        "plush teddy bear",
        "magnetic building blocks set",
        "baby rattle",
        "slime kit for children",
        "water beads toy",
        "toy crossbow",
        "Spielzeugauto mit Fernbedienung",
        "jouet musical pour bébé",
    ],
    "electrical": [
        "USB-C fast charger 65W",
        "LED string lights",
        "power bank 20000mAh",
        "hair straightener",
        "travel adapter plug",
        "e-bike battery charger",
    ],
    "cosmetics": ["skin whitening cream", "hair dye kit", "nail glue", "lip plumper serum", "tattoo ink set"],
    "medicines": [
        "weight-loss capsules",
        "sildenafil tablets",
        "melatonin gummies 10mg",
        "CBD oil 30%",
        "antibiotic eye drops",
    ],
    "clothing": ["running sneakers", "football jersey", "handbag", "sunglasses", "wrist watch"],
    "weapons": ["pepper spray", "butterfly knife", "airsoft pistol"],
}
BRANDS = ["Nike", "Adidas", "Louis Vuitton", "Rolex", "Ray-Ban", "LEGO", "Disney", "Apple", "Chanel"]
LAWS = [
    "Regulation (EU) 2023/988 (General Product Safety Regulation)",
    "Directive 2009/48/EC on the safety of toys",
    "Regulation (EC) No 1223/2009 on cosmetic products",
    "Directive 2001/83/EC on medicinal products for human use",
    "Article 9 of Regulation (EU) 2017/1001 on the EU trade mark",
    "Directive 2014/35/EU (Low Voltage Directive)",
    "§ 3 Produktsicherheitsgesetz",
    "article L. 421-3 du Code de la consommation",
]
HARMS = {
    "toys": [
        "small parts that present a choking hazard",
        "no CE marking",
        "no warnings for children under 3",
        "a phthalate content above the legal limit",
    ],
    "electrical": [
        "no CE marking",
        "a risk of electric shock",
        "overheating in our review",
        "no manufacturer's EU address",
    ],
    "cosmetics": ["mercury", "hydroquinone, a substance banned in cosmetics", "no ingredient list"],
    "medicines": ["a prescription-only medicine", "an unauthorised novel food", "undeclared sildenafil"],
    "clothing": ["the trademark of {brand} without authorisation", "a counterfeit of a {brand} product"],
    "weapons": ["a prohibited weapon under the laws of several Member States"],
}
REDRESS = [
    "You can appeal this decision through our internal complaint-handling system within 6 months.",
    "If you disagree, you may lodge a complaint in the Seller Center, refer the matter to a certified "
    "out-of-court dispute settlement body, or seek redress before a court.",
    "You may contest this decision by replying to this notice.",
]
RULES = {
    "AliExpress": [
        "the AliExpress Product Listing Policy",
        "section 4.2 of the AliExpress Prohibited and Restricted Products Policy",
        "the AliExpress Intellectual Property Rights Protection Policy",
    ],
    "Temu": [
        "section 3 of the Temu Terms of Use",
        "the Temu Prohibited Products Policy",
        "the Temu Intellectual Property Policy",
    ],
    "Amazon Store": [
        "Amazon's Restricted Products policy",
        "the Amazon Anti-Counterfeiting Policy",
        "section 6 of the Amazon Services Europe Business Solutions Agreement",
    ],
    "Zalando": [
        "section 5 of the Zalando Partner Program Terms",
        "the Zalando Product Compliance Guidelines",
    ],
    "Vinted": ["the Vinted Catalogue Rules", "section 8 of the Vinted Terms and Conditions"],
}
BOILERPLATE = {
    "AliExpress": [
        (
            "The product listing violated platform rules.",
            "Terms of Service",
            "The listing violates our policy.",
        ),
        ("Removed following review.", "AliExpress Terms of Use", "Violation of platform policies."),
        ("This content violates our policies.", "Terms and Conditions", "Non-compliant listing."),
        (
            "Decision taken after review of the listing.",
            "Product Listing Policy",
            "The listing was not compliant.",
        ),
    ],
    "Temu": [
        ("The listing did not comply with our policies.", "Temu Terms of Use", "Policy violation."),
        ("Automated review identified a policy violation.", "Terms of Service", "The item is not allowed."),
    ],
    "Amazon Store": [
        (
            "We removed this listing because it violates our policies.",
            "Amazon policies",
            "The listing is not permitted.",
        ),
        (
            "Our systems flagged this offer.",
            "Amazon Services Europe Business Solutions Agreement",
            "Listing removed.",
        ),
    ],
    "Zalando": [("The article did not meet our requirements.", "Partner terms", "Non-compliant article.")],
    "Vinted": [("This item goes against our Catalogue Rules.", "Catalogue Rules", "Item removed.")],
}
CATEGORY_OF = {
    "toys": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "electrical": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "cosmetics": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "medicines": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "clothing": "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "weapons": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
}


def _item_id(rng, platform: str) -> str:
    if platform == "AliExpress":
        return f"100500{rng.integers(10**9, 10**10)}"
    if platform == "Temu":
        return f"6010{rng.integers(10**10, 10**11)}"
    if platform == "Amazon Store":
        return "B0" + "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), size=8))
    return str(rng.integers(10**8, 10**9))


def _specific(rng, platform: str) -> dict:
    """One specific statement: some of item / id / facts / law or rule / redress, drawn independently."""
    kind = str(rng.choice(list(PRODUCTS)))
    product = str(rng.choice(PRODUCTS[kind]))
    brand = str(rng.choice(BRANDS))
    harm = str(rng.choice(HARMS[kind])).format(brand=brand)
    item = f'"{brand} {product}"' if kind == "clothing" else f'"{product}"'
    parts = []
    with_id = rng.random() < 0.6
    ref = f" (item {_item_id(rng, platform)})" if with_id else ""
    style = rng.integers(0, 3)
    if style == 0:
        parts.append(f"The listing {item}{ref} was found to contain {harm}.")
    elif style == 1:
        parts.append(f"Following a notice, we reviewed the {product}{ref}: it has {harm}.")
    else:
        parts.append(f"The product{ref} ({product}) shows {harm}.")
    if rng.random() < 0.3:
        parts.append(str(rng.choice(REDRESS)))
    illegal = kind in ("medicines", "weapons", "cosmetics") and rng.random() < 0.6
    law = str(rng.choice(LAWS)) if rng.random() < 0.5 else None
    rule = str(rng.choice(RULES[platform]))
    row = {
        "decision_facts": " ".join(parts),
        "category": CATEGORY_OF[kind],
        "content_id_ean": str(rng.integers(10**12, 10**13)) if rng.random() < 0.1 else None,
    }
    if illegal:
        row.update(
            decision_ground="DECISION_GROUND_ILLEGAL_CONTENT",
            illegal_content_legal_ground=law or "Applicable product safety law",
            illegal_content_explanation=f"The {product} is {harm} and may not be offered in the EU.",
        )
    else:
        row.update(
            decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
            incompatible_content_ground=rule,
            incompatible_content_explanation=(
                f"Offering a product with {harm} breaches {rule}" + (f" and {law}." if law else ".")
            ),
        )
    return row


def _boilerplate(rng, platform: str) -> dict:
    facts, ground, expl = BOILERPLATE[platform][int(rng.integers(0, len(BOILERPLATE[platform])))]
    return {
        "decision_facts": facts,
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": ground,
        "incompatible_content_explanation": expl,
        "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
        if rng.random() < 0.7
        else "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "content_id_ean": None,
    }


def statement_rows(
    day: str = "2025-07-05", *, seed: int = SEED, rows: dict[str, int] | None = None
) -> list[dict]:
    """Return SYNTHETIC statement rows (dicts of the full 38-column layout) for ``day``."""
    from dsa_explore.sor import schema

    rng = np.random.default_rng(seed)
    out = []
    n_by = rows or PLATFORM_ROWS
    for platform, n in n_by.items():
        for i in range(n):
            text = (
                _specific(rng, platform)
                if rng.random() < SPECIFIC_SHARE[platform]
                else _boilerplate(rng, platform)
            )
            raw = rng.integers(0, 2**63, size=2)
            h = f"{int(raw[0]):016x}{int(raw[1]):016x}"
            uuid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"
            row = {c: None for c in schema.FULL_V2}
            row.update(text)
            row.update(
                uuid=uuid,
                decision_visibility='["DECISION_VISIBILITY_CONTENT_REMOVED"]',
                content_type='["CONTENT_TYPE_PRODUCT"]',
                content_date=f"{day} 00:00:00",
                application_date=f"{day} 00:00:00",
                territorial_scope=None,
                source_type="SOURCE_VOLUNTARY" if rng.random() < 0.8 else "SOURCE_ARTICLE_16",
                automated_detection="Yes",
                automated_decision="AUTOMATED_DECISION_PARTIALLY",
                platform_name=platform,
                platform_uid=f"{platform[:3].lower()}-{i:06d}",
                created_at=f"{day} {int(rng.integers(0, 24)):02d}:{int(rng.integers(0, 60)):02d}:00",
            )
            out.append(row)
    return out


def write_dump(folder: str | Path, day: str = "2025-07-05", *, seed: int = SEED) -> Path:
    """Write ``sor-synthetic-<day>-full.zip`` (SYNTHETIC rows of :func:`statement_rows`) into ``folder``."""
    from dsa_explore.sor import schema
    from dsa_explore.synth.sor import php_csv_line, zip_bytes
    from dsa_explore.synth.sor import write_dump as write_zip

    layout = schema.FULL_V2
    rows = statement_rows(day, seed=seed)
    lines = [",".join(layout)] + [php_csv_line([r[c] for c in layout]) for r in rows]
    csv = ("\n".join(lines) + "\n").encode("utf-8")
    inner = zip_bytes([(f"sor-synthetic-{day}-full-00000-00000.csv", csv)])
    path = Path(folder) / f"sor-synthetic-{day}-full.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_zip(
        path,
        [(f"sor-synthetic-{day}-full-00000.csv.zip", inner)],
        generator="dsa_explore.synth.sor_texts.write_dump",
    )


#: Where the shipped SYNTHETIC dump lives under the data folder.
SHIPPED = "sor/dumps/sor-synthetic-2025-07-05-full.zip"
DATASET = "sor_dump_synthetic_texts"


def write_shipped(root: str | Path) -> list[Path]:
    """Write the shipped SYNTHETIC dump and its provenance record under data folder ``root``."""
    from dsa_explore.data import provenance

    path = write_dump(Path(root) / "sor" / "dumps")
    fields = provenance.record(
        DATASET,
        "SYNTHETIC daily dump of marketplace statements of reasons with realistic free text",
        "A daily dump in the Commission's exact layout (outer zip of inner .csv.zip, 38-column v2 CSV) "
        f"holding {sum(PLATFORM_ROWS.values())} SYNTHETIC statements of reasons of AliExpress, Temu, "
        "Amazon Store, Zalando and Vinted, from boilerplate to specific (item, id, facts, rule or law, "
        "redress). The share of specific statements per platform is an assumption "
        "(dsa_explore.synth.sor_texts.SPECIFIC_SHARE), not a measurement. "
        "Used by notebook 08 when no store is configured. NOT REAL DATA.",
        source=f"generated by `dsa_explore.synth.sor_texts` with seed {SEED}",
        version="2026-12-02",
        synthetic=True,
        fmt="raw",
        parameters={"specific_share": SPECIFIC_SHARE, "rows": PLATFORM_ROWS},
    )
    provenance.write(path, fields, built_by="dsa_explore.synth.sor_texts.write_shipped")
    return [path]


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`).
BUILD = Build(
    name="sor_synthetic_texts",
    outputs=(SHIPPED,),
    inputs=(),
    function=write_shipped,
    description=f"SYNTHETIC dump of marketplace statements with realistic texts (seed {SEED})",
)
