"""Tests of the risk indicators (dsa_explore.analysis.risk).

Each indicator fires on hand-built rows that carry
its signal and stays silent on rows that do not, including text disguised with full-width letters,
zero-width characters and Cyrillic/Greek look-alikes; malformed input raises errors that name the
column and the row. They exist because a silent false negative (or positive) in an indicator
would quietly change which listings a reviewer sees.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsa_explore.analysis import risk

OBS = dt.date(2026, 11, 1)


def clean_row(**overrides) -> dict:
    """Return a listing with every risk field filled in so that no indicator fires."""
    row = {
        "listing_id": None,
        "platform": "AliExpress",
        "seller_id": "S1",
        "seller_country": "CN",
        "category": "home",
        "subcategory": "kitchen",
        "title": "Glass storage jar",
        "price": 20.0,
        "currency": "EUR",
        "brand": None,
        "branded": False,
        "child_targeted": False,
        "description": "Glass jar with lid.",
        "markings": None,
        "linked_text": None,
        "seller_authorised_brands": None,
        "seller_registered_on": dt.date(2020, 1, 1),
        "seller_new_listings_30d": 30,
        "observed_on": OBS,
        "listed_on": dt.date(2026, 6, 1),
        "manufacturer_name": "Maker Ltd",
        "manufacturer_address": "1 Road, Shenzhen",
        "manufacturer_email": "info@maker.example",
        "manufacturer_country": "CN",
        "eu_rp_name": "EU Rep GmbH",
        "eu_rp_address": "Hauptstrasse 1, Berlin",
        "eu_rp_country": "DE",
        "product_identifier": "TYPE-1",
        "safety_info": "Hand wash only.",
        "trader_name": "Shop",
        "trader_address": "Unit 5",
        "trader_phone": "+86 1",
        "trader_email": "s@x.example",
        "trader_register_no": "REG1",
        "trader_self_certified": True,
        "image_hash": "abcdef0123456789",
        "ean": "4006381333931",
    }
    row.update(overrides)
    return row


def frame(*rows: dict) -> pl.DataFrame:
    """Return the rows as a listing frame; rows without a listing_id get L1, L2, ... by position."""
    schema = {**risk.BASE_FIELDS, **{k: v[0] for k, v in risk.RISK_FIELDS.items()}}
    rows = [{**r, "listing_id": r["listing_id"] or f"L{i + 1}"} for i, r in enumerate(rows)]
    return pl.DataFrame(rows, schema=schema)


NO_REMOVALS = pl.DataFrame(schema=risk.REMOVAL_FIELDS)


def fired(key: str, *rows: dict, removals: pl.DataFrame = NO_REMOVALS) -> list[bool]:
    """Return whether indicator ``key`` fires on each row (validated input, that indicator only)."""
    indicator = next(i for i in risk.INDICATORS if i.key == key)
    expr = indicator.build(removals) if indicator.needs_removals else indicator.build()
    return risk.validate_listings(frame(*rows)).select(expr)[key].to_list()


def test_clean_row_fires_nothing():
    out = risk.compute_indicators(frame(clean_row()), NO_REMOVALS)
    assert [k for k in risk.INDICATOR_KEYS if out[k][0]] == []


# ----------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ＮＩＫＥ", "nike"),  # full-width letters
        ("Ni\u200bke\u200d", "nike"),  # zero-width space / joiner
        ("Nіkе", "nike"),  # Cyrillic і and е
        ("ΝΙΚΕ", "nike"),  # Greek capitals Ν Ι Κ Ε
        ("Straße", "strasse"),  # full case fold of sharp s
        ("ｓｉｌ\ufeffdenafil", "sildenafil"),  # full-width + BOM
    ],
)
def test_normalise_examples(raw, expected):
    assert risk.normalise(raw) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcNIKE ñ-1:ＡＢｎｉ\u200bіеоΑΟßé\u00adxyz")), max_size=30))
def test_polars_normalisation_equals_python(text):
    out = pl.DataFrame({"t": [text]}).select(risk.normalised(pl.col("t")))["t"][0]
    assert out == risk.normalise(text)


# ----------------------------------------------------------------------------- L1 price


def test_price_far_below_category_reference():
    prices = [10.0, 11.0, 12.0, 10.5, 11.5, 12.5, 1.0, 9.5]
    rows = [clean_row(listing_id=f"P{i}", price=p) for i, p in enumerate(prices)]
    assert fired("price_far_below_reference", *rows) == [False] * 6 + [True, False]


def test_price_rule_needs_a_group_of_five():
    rows = [clean_row(listing_id=f"P{i}", price=p) for i, p in enumerate([10.0, 11.0, 12.0, 1.0])]
    assert fired("price_far_below_reference", *rows) == [False] * 4


def test_price_below_authorised_brand_median():
    base = dict(category="clothing_shoes", subcategory="shoes", brand="Nike", branded=True)
    rows = [
        clean_row(listing_id="A1", price=100.0, seller_id="AUTH", seller_authorised_brands="Nike", **base),
        clean_row(listing_id="A2", price=110.0, seller_id="AUTH", seller_authorised_brands="Nike", **base),
        clean_row(listing_id="B1", price=30.0, **base),  # 30 / 105 = 0.29 < 0.35
        clean_row(listing_id="B2", price=40.0, **base),
    ]  # 0.38: not flagged
    assert fired("price_far_below_reference", *rows) == [False, False, True, False]


# ----------------------------------------------------------------------------- L2 brand


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Nike running shoes", True),
        ("ＮＩＫＥ running shoes", True),
        ("Ni\u200bke running shoes", True),
        ("Nіkе running shoes", True),  # Cyrillic look-alikes
        ("N-i-k-e running shoes", True),
        ("Running shoes, unicorn spike", False),
        ("Allegory of building bricks", False),  # 'lego' inside a word
        ("Plain running shoes", False),
    ],
)
def test_brand_unauthorised_title(title, expected):
    assert fired("brand_unauthorised", clean_row(title=title)) == [expected]


def test_brand_authorised_seller_does_not_fire_even_with_fullwidth_authorisation():
    row = clean_row(title="Nike running shoes", seller_authorised_brands="Adidas; ＮＩＫＥ")
    assert fired("brand_unauthorised", row) == [False]
    assert fired("brand_unauthorised", clean_row(title="Nike shoes", seller_authorised_brands="Adidas")) == [
        True
    ]


def test_brand_field_alone_fires():
    assert fired("brand_unauthorised", clean_row(title="Leather bag", brand="Gucci", branded=True)) == [True]


# ----------------------------------------------------------------------------- L3 obfuscation


@pytest.mark.parametrize(
    "title, expected",
    [
        ("N-i-k-e shoes", True),
        ("N.I.K.E shoes", True),
        ("N1ke shoes", True),
        ("Nіkе shoes", True),  # Cyrillic
        ("ΝΙΚΕ shoes", True),  # Greek capitals
        ("ＮＩＫＥ shoes", True),  # full-width
        ("Ni\u200bke shoes", True),  # zero-width space
        ("Nike shoes", False),  # plain brand: L2's job, not obfuscation
        ("Ray Ban sunglasses", False),  # common spelling listed in the lexicon
        ("Watch 1:1 copy", True),
        ("Bag aaa+ quality", True),
        ("Designer REPLICA bag", True),
        ("Remote car, AAA batteries included", False),
        ("Score 11:12 clock", False),
    ],
)
def test_obfuscated_brand_text(title, expected):
    assert fired("obfuscated_brand_text", clean_row(title=title)) == [expected]


# ----------------------------------------------------------------------------- L4 GPSR


def test_gpsr_completeness_items():
    rows = [
        clean_row(),  # complete, non-EU with RP
        clean_row(manufacturer_email=None),  # (a) missing
        clean_row(eu_rp_name=None, eu_rp_address=None, eu_rp_country=None),  # (b) no RP for non-EU maker
        clean_row(manufacturer_country="DE", eu_rp_name=None, eu_rp_address=None, eu_rp_country=None),
        clean_row(safety_info="   "),  # (d) blank
        clean_row(eu_rp_country="CN"),
    ]  # RP outside the EU
    out = risk.compute_indicators(frame(*rows), NO_REMOVALS)
    assert out["gpsr_incomplete"].to_list() == [False, True, True, False, True, True]
    assert out["gpsr_completeness"].to_list() == [1.0, 0.75, 0.75, 1.0, 0.75, 0.75]


# ----------------------------------------------------------------------------- L5 toys

TOY = dict(
    category="toys",
    subcategory="plush",
    child_targeted=True,
    markings="CE",
    description="Plush bear. Not suitable for children under 36 months.",
)


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, False),
        ({"markings": None}, True),
        ({"markings": "ＣＥ"}, False),  # full-width CE still a CE mark
        ({"markings": "certificate"}, True),  # 'ce' inside a word is not a CE mark
        ({"description": "Plüschbär. Nicht für Kinder unter 36 Monaten geeignet."}, False),
        ({"description": "Plush bear."}, True),
        ({"eu_rp_name": None, "eu_rp_country": None}, True),  # non-EU maker, no EU address
        ({"manufacturer_country": "FR", "eu_rp_name": None, "eu_rp_country": None}, False),
        ({"child_targeted": False, "markings": None}, False),  # not child-targeted
        ({"category": "home", "markings": None}, False),  # not a toy
    ],
)
def test_toy_markings_missing(changes, expected):
    assert fired("toy_markings_missing", clean_row(**{**TOY, **changes})) == [expected]


# ----------------------------------------------------------------------------- L6 substances


@pytest.mark.parametrize(
    "title, description, expected",
    [
        ("Men's energy capsules", "Contains Sildenafil 100mg", True),
        ("Ѕіbutramine slimming", "", True),  # Cyrillic Ѕ and і
        ("ｓｉｌｄｅｎａｆｉｌ", "", True),  # full-width
        ("Power caps", "sil\u200bdenafil inside", True),  # zero-width
        ("Kräutertee", "Heilt Krebs in 10 Tagen", True),
        ("Té", "Cura el cáncer", True),
        ("Vitamin D3 capsules", "1000 IU", False),
        ("Sildenafilosophy book", "", False),  # not a whole word
    ],
)
def test_restricted_substance_terms(title, description, expected):
    assert fired("restricted_substance_terms", clean_row(title=title, description=description)) == [expected]


# ----------------------------------------------------------------------------- L7 adult


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"child_targeted": True, "linked_text": "Partner: XXX videos"}, True),
        ({"child_targeted": True, "description": "Soft toy. Dіldo"}, True),  # Cyrillic і
        ({"child_targeted": True, "description": "Mini puzzle for a child"}, False),
        ({"child_targeted": False, "linked_text": "xxx videos"}, False),
        ({"child_targeted": False, "title": "Mini sex doll"}, True),  # child-like + adult term
        ({"child_targeted": False, "title": "Sex doll"}, False),
    ],
)
def test_adult_terms_child_listing(changes, expected):
    assert fired("adult_terms_child_listing", clean_row(**changes)) == [expected]


# ----------------------------------------------------------------------------- L9 trader


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, False),
        ({"trader_phone": None}, True),
        ({"trader_register_no": " "}, True),
        ({"trader_self_certified": False}, True),
        ({"trader_self_certified": None}, True),
    ],
)
def test_trader_traceability_gap(changes, expected):
    assert fired("trader_traceability_gap", clean_row(**changes)) == [expected]


# ----------------------------------------------------------------------------- L11 seller


@pytest.mark.parametrize(
    "age, new30, expected",
    [
        (30, 300, True),
        (30, 60, False),
        (200, 300, False),
        (89, 150, True),
        (90, 300, False),
    ],
)
def test_young_high_velocity_seller(age, new30, expected):
    row = clean_row(
        seller_registered_on=OBS - dt.timedelta(days=age),
        seller_new_listings_30d=new30,
        listed_on=OBS - dt.timedelta(days=1),
    )
    assert fired("young_high_velocity_seller", row) == [expected]


# ----------------------------------------------------------------------------- L15 reappearance

REMOVALS = pl.DataFrame(
    {
        "removed_listing_id": ["R1", "R2", "R3"],
        "seller_id": ["S9", "S9", "S9"],
        "title": ["Nike shoes model X", "Other", "Other 2"],
        "image_hash": ["1111", "FFEE0011AABBCCDD", None],
        "ean": ["1", "2", "4006381333931"],
        "removed_on": [dt.date(2026, 1, 1)] * 3,
    }
)


@pytest.mark.parametrize(
    "changes, expected",
    [
        (
            {"title": "ＮＩＫＥ shoes model x", "listed_on": dt.date(2026, 2, 1)},
            True,
        ),  # same normalised title
        ({"title": "Nike shoes model X", "listed_on": dt.date(2025, 12, 1)}, False),  # listed before removal
        ({"image_hash": "ffee0011aabbccdd"}, True),
        # same image (case-insensitive)
        ({"ean": "4006381333931"}, True),  # same EAN
        ({"ean": None, "image_hash": None}, False),
        ({"ean": "9999999999999"}, False),
    ],
)
def test_reappearance_of_removed(changes, expected):
    base = {"ean": "123", "image_hash": "0000"}
    assert fired("reappearance_of_removed", clean_row(**{**base, **changes}), removals=REMOVALS) == [expected]


# ----------------------------------------------------------------------------- scores


def test_score_is_weighted_sum_with_reasons():
    row = clean_row(title="N-i-k-e shoes", trader_phone=None)
    out = risk.score_listings(risk.compute_indicators(frame(row), NO_REMOVALS))
    w = risk.load_config()["weights"]
    assert (
        out["risk_score"][0]
        == w["obfuscated_brand_text"] + w["brand_unauthorised"] + w["trader_traceability_gap"]
    )
    assert out["reasons"][0] == (
        "obfuscated brand / euphemism; brand not authorised for seller; DSA Art. 30 trader info gap"
    )


def test_config_override_changes_weights_and_rejects_unknown():
    cfg = risk.load_config({"weights": {"trader_traceability_gap": 10}})
    out = risk.score_listings(
        risk.compute_indicators(frame(clean_row(trader_phone=None)), NO_REMOVALS, cfg), cfg
    )
    assert out["risk_score"][0] == 10
    with pytest.raises(KeyError, match="no_such_indicator"):
        risk.load_config({"weights": {"no_such_indicator": 1}})


def test_seller_scores_rank_and_reasons():
    rows = [
        clean_row(listing_id="a", seller_id="S1", title="N-i-k-e shoes"),
        clean_row(listing_id="b", seller_id="S1", title="Nike shoes"),
        clean_row(listing_id="c", seller_id="S2"),
    ]
    scored = risk.score_listings(risk.compute_indicators(frame(*rows), NO_REMOVALS))
    sellers = risk.seller_scores(scored, threshold=3)
    assert sellers["seller_id"].to_list() == ["S1", "S2"]
    assert sellers["flagged_listings"].to_list() == [2, 0]
    assert sellers["reasons"][0] == "brand not authorised for seller ×2; obfuscated brand / euphemism ×1"


def test_indicator_table_has_definition_fields_source_for_every_indicator():
    table = risk.indicator_table()
    assert table["indicator"].to_list() == list(risk.INDICATOR_KEYS)
    for col in ("definition", "fields", "source"):
        assert table[col].str.len_chars().min() > 10, col


# ----------------------------------------------------------------------------- malformed input


def test_missing_column_is_named():
    with pytest.raises(risk.RiskInputError, match="seller_registered_on"):
        risk.compute_indicators(frame(clean_row()).drop("seller_registered_on"), NO_REMOVALS)


def test_wrong_type_names_column_row_and_value():
    bad = frame(clean_row(), clean_row(listing_id="X2")).with_columns(pl.Series("price", ["12.5", "twelve"]))
    with pytest.raises(risk.RiskInputError, match=r"'price'.*row 1 \(listing_id 'X2'\): 'twelve'"):
        risk.compute_indicators(bad, NO_REMOVALS)


def test_string_columns_of_right_content_are_cast():
    ok = frame(clean_row()).with_columns(
        pl.Series("price", ["12.5"]), pl.Series("observed_on", ["2026-11-01"])
    )
    assert risk.compute_indicators(ok, NO_REMOVALS)["price"].dtype == pl.Float64


def test_required_value_missing_names_row():
    with pytest.raises(risk.RiskInputError, match=r"'listed_on'.*listing_id 'L1'"):
        risk.compute_indicators(frame(clean_row(listed_on=None)), NO_REMOVALS)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"price": 0.0}, "'price' must be > 0"),
        ({"listed_on": dt.date(2027, 1, 1)}, "after 'observed_on'"),
    ],
)
def test_invalid_values(changes, message):
    with pytest.raises(risk.RiskInputError, match=message):
        risk.compute_indicators(frame(clean_row(**changes)), NO_REMOVALS)


def test_mixed_currencies_rejected():
    rows = frame(clean_row(), clean_row(listing_id="L2", currency="USD"))
    with pytest.raises(risk.RiskInputError, match=r"several currencies \['EUR', 'USD'\]"):
        risk.compute_indicators(rows, NO_REMOVALS)


def test_wrong_dtype_is_named():
    bad = frame(clean_row()).with_columns(pl.lit(1).alias("child_targeted"))
    with pytest.raises(risk.RiskInputError, match="'child_targeted' has type Int32, expected Boolean"):
        risk.compute_indicators(bad, NO_REMOVALS)


def test_not_a_frame():
    with pytest.raises(risk.RiskInputError, match="polars DataFrame, got dict"):
        risk.validate_listings({"listing_id": ["a"]})


def test_explorer_summary_text():
    rows = [clean_row(title="N-i-k-e shoes"), clean_row(title="Nike shoes"), clean_row()]
    scored = risk.score_listings(risk.compute_indicators(frame(*rows), NO_REMOVALS)).with_columns(
        label_bad=pl.Series([True, False, False])
    )
    # scores 9, 3, 0: threshold 3 flags two listings, one bad -> precision 50%, recall 100%
    assert risk.explorer_summary(scored, 3, 1) == (
        "score >= 3: 2 listings flagged, precision 50.0%, recall 100.0%\n"
        "top 1 listings reviewed per day: precision 100.0%"
    )


def test_duplicate_listing_ids_rejected():
    rows = pl.concat([frame(clean_row()), frame(clean_row())])
    with pytest.raises(risk.RiskInputError, match="unique"):
        risk.compute_indicators(rows, NO_REMOVALS)


def test_removals_malformed():
    with pytest.raises(risk.RiskInputError, match=r"removals is missing column\(s\) \['removed_on'\]"):
        risk.compute_indicators(frame(clean_row()), REMOVALS.drop("removed_on"))
    bad = REMOVALS.with_columns(pl.Series("removed_on", [dt.date(2026, 1, 1), None, None]))
    with pytest.raises(risk.RiskInputError, match=r"'removed_on' must not be empty.*'R2'"):
        risk.compute_indicators(frame(clean_row()), bad)


# ----------------------------------------------------------------------------- lexicons


def _lexicon_cases():
    cases = []
    for term in risk.lexicon("restricted_substances")["term"].to_list():
        cases.append(("restricted_substance_terms", {"description": f"Now with {term} inside."}))
    for term in risk.lexicon("counterfeit_euphemisms")["term"].to_list():
        cases.append(("obfuscated_brand_text", {"title": f"Bag ({term}) new"}))
    for term in risk.lexicon("adult_terms").filter(pl.col("group") == "adult")["term"].to_list():
        cases.append(
            ("adult_terms_child_listing", {"child_targeted": True, "linked_text": f"See {term} here"})
        )
    for term in risk.lexicon("brands")["term"].to_list():
        cases.append(("brand_unauthorised", {"title": f"{term.upper()} item"}))
    return cases


@pytest.mark.parametrize("key, changes", _lexicon_cases(), ids=lambda v: v if isinstance(v, str) else None)
def test_every_lexicon_term_fires_its_indicator(key, changes):
    assert fired(key, clean_row(**changes)) == [True]


@pytest.mark.parametrize(
    "warning", risk.lexicon("toy_markings").filter(pl.col("group") == "age_warning")["term"].to_list()
)
def test_every_age_warning_counts(warning):
    assert fired("toy_markings_missing", clean_row(**{**TOY, "description": f"Toy. {warning.upper()}!"})) == [
        False
    ]


def test_seller_table_from_synthetic_listings_says_synthetic_on_every_row():
    # Issue 18 item 8: notebook 03's "top risky seller" table showed a real platform's name, no marker.
    top = risk.seller_scores(risk.scored_synthetic(), 3.0).head(10)
    assert top.columns[0] == "data"
    assert top["data"].to_list() == ["SYNTHETIC"] * 10
