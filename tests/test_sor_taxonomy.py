"""The TDB vocabulary: platform renames, the official v1→v2 mapping and territorial aliases.

These mappings decide every time series of the statements-of-reasons notebook; the expected values
below come from the Transparency Database documentation (app/Models/Statement.php and the API v2
changelog of digital-services-act/transparency-database), not from the code.
"""

import polars as pl
import pytest

from dsa_explore.sor import taxonomy as t


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("Amazon", "Amazon Store"),
        ("Amazon Store", "Amazon Store"),
        ("Vinted UAB", "Vinted"),
        ('SIA "JOOM"', "Joom"),
        ("SIA &quot;JOOM&quot;", "Joom"),
        ("OTTO Market", "OTTO"),
        ("Trendyol B.V.", "Trendyol"),
        ("willhaben internet service GmbH &amp; Co KG", "willhaben"),
        ("Temu", "Temu"),
        ("Shein", "SHEIN"),
    ],
)
def test_canonical_platform_on_strings_and_expressions(raw, canonical):
    assert t.canonical_platform(raw) == canonical
    out = pl.DataFrame({"p": [raw]}).select(t.canonical_platform(pl.col("p")))
    assert out.columns == ["p"] and out.item() == canonical


def test_category_v1_to_v2():
    cases = {
        "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        # dropped in v2: kept as their own value
        "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT": (
            "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"
        ),
        "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR": "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE": "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    }
    for v1, v2 in cases.items():
        assert t.category_v2(v1) == v2
    frame = pl.DataFrame({"c": list(cases)}).select(t.category_v2(pl.col("c")))
    assert frame["c"].to_list() == list(cases.values())
    assert t.category_status("STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT") == "v1_only"
    assert t.category_status("STATEMENT_CATEGORY_CONSUMER_INFORMATION") == "v2_only"


def test_enum_sizes_match_the_official_lists():
    assert len(t.CATEGORIES_V2) == 16
    assert len(t.CATEGORIES) == 20
    assert len(t.KEYWORDS_V1) == 56
    assert len(t.KEYWORDS_V2) == 69
    assert len(t.EEA_COUNTRIES) == 30 and "GR" in t.EU_COUNTRIES and "EL" not in t.EEA_COUNTRIES


def test_keyword_v1_to_v2_on_lists():
    frame = pl.DataFrame(
        {
            "k": [
                ["KEYWORD_INSUFFICIENT_INFORMATION_TRADERS", "KEYWORD_DANGEROUS_TOYS"],
                ["KEYWORD_DISINFORMATION"],
                ["KEYWORD_ONLINE_BULLYING_INTIMIDATION"],
            ]
        }
    )
    out = frame.select(pl.col("k").list.eval(t.keyword_v2(pl.element())))["k"].to_list()
    assert out == [
        ["KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS", "KEYWORD_DANGEROUS_TOYS"],
        ["KEYWORD_MISINFORMATION_DISINFORMATION"],
        ["KEYWORD_CYBER_BULLYING_INTIMIDATION"],
    ]
    assert t.keyword_v2("KEYWORD_MISINFORMATION") == "KEYWORD_MISINFORMATION_DISINFORMATION"


def test_territorial_alias():
    eu = [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
    assert t.territorial_alias(eu) == "EU"
    assert t.territorial_alias(eu + ["IS", "LI", "NO"]) == "EEA"
    assert t.territorial_alias(eu + ["LI", "NO"]) == "EEA_no_IS"
    assert t.territorial_alias(["FR", "AT", "FR"]) == "AT_FR"
    assert t.territorial_alias([]) is None
    frame = pl.DataFrame({"s": [list(reversed(eu)), ["DE"], []]}).select(t.territorial_alias(pl.col("s")))
    assert frame["s"].to_list() == ["EU", "DE", None]


def test_mapping_data_carries_sources():
    for table in (t.platform_renames_table(), t.category_mapping_table(), t.keyword_mapping_table()):
        assert table.height > 0
        assert table["source"].str.len_chars().min() > 10
