"""Listing extraction: schema.org data on real samples and the mock marketplace, into the sample format.

Expected values: extruct's own expected output (product.json), the fixture README, and the hand-written
table tests/capture_mock_expected.py (typed from the mock pages).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.analysis import capture as captured
from dsa_explore.core import paths
from dsa_explore.readers import capture
from dsa_explore.readers import listings as listing_format
from dsa_explore.readers.capture.extract import gtin_ok
from tests import capture_mock_expected as expected

FIX = Path(__file__).parent / "fixtures" / "capture"
FAULTS = FIX / "faults"
SHIPPED_HAR = paths.data_dir() / "captures" / "mock-marketplace.har"


def _rows(path) -> list[dict]:
    return capture.extract_listings(capture.read_capture(path)).to_dicts()


def test_extruct_product_sample_matches_extructs_expected_output():
    [row] = _rows(FIX / "product.html")
    props = json.loads((FIX / "product.json").read_text())[0]["properties"]  # upstream expected output
    offer = props["offers"]["properties"]
    assert row["title"] == props["name"] == "Executive Anvil"
    assert row["brand"] == props["brand"] == "ACME"
    assert row["mpn"] == props["mpn"] == row["product_identifier"]
    assert row["description"] == props["description"]
    assert row["price"] == float(offer["price"]) == 119.99  # not the visible "Regular price: $179.99"
    assert row["currency"] == offer["priceCurrency"] == "USD"
    assert row["seller_name"] == offer["seller"]["properties"]["name"] == "Executive Objects"
    assert row["availability"] == "InStock"  # from "  http://schema.org/InStock" (leading spaces)
    assert row["images"] == "file:///anvil_executive.jpg"  # resolved against the saved page's file URL
    assert row["extraction_syntax"] == "microdata" and row["products_on_page"] == 1
    # the sample has no GTIN, seller id, breadcrumbs (fixture README): they stay empty
    assert row["gtin"] is None and row["seller_id"] is None and row["breadcrumbs"] is None
    assert row["listing_id"] == "product"  # no sku: the URL's last path segment


def test_itemref_sample_gives_two_products_each_flagged():
    rows = _rows(FIX / "product-ref.html")
    assert [r["listing_id"] for r in rows] == ["product-ref#1", "product-ref#2"]
    assert all(
        r["products_on_page"] == 2 and "page has 2 Product items" in r["extraction_problem"] for r in rows
    )
    assert rows[0]["images"] == "file:///anvil_executive.jpg | file:///img-2.jpg"


def test_broken_jsonld_block_is_reported_and_the_other_block_still_read():
    [row] = _rows(FAULTS / "broken-jsonld.html")
    assert row["listing_id"] == "BJ-1" and row["title"] == "Kettle 1.7 l" and row["price"] == 19.99
    assert row["currency"] == "EUR"  # "eur" on the page
    assert row["url"] == "https://shop.example/item/broken-jsonld"
    assert row["extraction_problem"].startswith("broken JSON-LD in script 1 (page line 5, column 84: ")


def test_several_products_on_a_page_give_one_flagged_row_each():
    rows = _rows(FAULTS / "several-products.html")
    assert [(r["listing_id"], r["title"], r["price"]) for r in rows] == [
        ("SP-1", "Desk lamp A", 10.0),
        ("SP-2", "Desk lamp B", 12.5),
        ("search#3", "Desk lamp C (no sku)", None),
    ]
    assert rows[2]["gtin"] == "4006381333931" and rows[2]["ean"] == "4006381333931"
    assert all("page has 3 Product items" in r["extraction_problem"] for r in rows)


def test_page_charset_declared_in_a_meta_tag_is_honoured():
    [row] = _rows(FAULTS / "windows-1252.html")
    assert row["title"] == "Caf\u00e9 cr\u00e8me 250 g" and row["url"] == "https://shop.example/k"


def test_product_as_main_entity_of_a_page_and_prices_with_symbols(tmp_path):
    page = tmp_path / "item.html"
    page.write_text(
        '<html><head><link rel="canonical" href="https://shop.example/item/9">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "ItemPage", '
        '"mainEntity": {"@type": "Product", "name": "Mug", "offers": {"@type": "Offer", '
        '"price": "EUR 1.299,00", "priceCurrency": "EUR"}}}</script></head></html>',
        encoding="utf-8",
    )
    [row] = _rows(page)
    assert (row["listing_id"], row["title"], row["price"]) == ("9", "Mug", 1299.0)


def test_opengraph_only_product_page(tmp_path):
    page = tmp_path / "og.html"
    page.write_text(
        '<html prefix="og: http://ogp.me/ns# product: http://ogp.me/ns/product#"><head>'
        '<meta property="og:type" content="product"><meta property="og:title" content="Lamp OG">'
        '<meta property="og:url" content="https://shop.example/p/og-1">'
        '<meta property="og:image" content="https://shop.example/i/1.jpg">'
        '<meta property="product:price:amount" content="15.50">'
        '<meta property="product:price:currency" content="EUR">'
        '<meta property="product:retailer_item_id" content="OG-1"></head><body></body></html>',
        encoding="utf-8",
    )
    [row] = _rows(page)
    assert (row["listing_id"], row["title"], row["price"], row["currency"], row["images"], row["url"]) == (
        "OG-1",
        "Lamp OG",
        15.5,
        "EUR",
        "https://shop.example/i/1.jpg",
        "https://shop.example/p/og-1",
    )
    assert row["extraction_syntax"] == "opengraph"


def test_rdfa_product_page(tmp_path):
    page = tmp_path / "rdfa.html"
    page.write_text(
        '<html><head><link rel="canonical" href="https://shop.example/r/1"></head>'
        '<body vocab="https://schema.org/"><div typeof="Product"><span property="name">Lamp R</span>'
        '<span property="sku">R-1</span><span property="brand" typeof="Brand"><span property="name">'
        'Lumo</span></span><div property="offers" typeof="Offer"><span property="price" content="12.00">'
        '12</span><meta property="priceCurrency" content="EUR"><div property="seller" '
        'typeof="Organization"><span property="name">RShop</span></div></div></div></body></html>',
        encoding="utf-8",
    )
    [row] = _rows(page)
    assert (
        row["listing_id"],
        row["title"],
        row["brand"],
        row["price"],
        row["currency"],
        row["seller_name"],
    ) == ("R-1", "Lamp R", "Lumo", 12.0, "EUR", "RShop")
    assert row["extraction_syntax"] == "rdfa"


def test_gtin_check_digit():
    assert gtin_ok("4006381333931") and not gtin_ok("4006381333932")
    assert gtin_ok("96385074") and not gtin_ok("1234") and not gtin_ok("40063813339a1")


@pytest.fixture(scope="module")
def mock_listings() -> pl.DataFrame:
    return capture.extract_listings(capture.read_capture(SHIPPED_HAR))


def check_mock_listings(table: pl.DataFrame) -> None:
    """Every planted listing, every checked field, exactly as written in capture_mock_expected."""
    got = {r["listing_id"]: r for r in table.to_dicts()}
    assert set(got) == set(expected.LISTINGS)
    for lid, want in expected.LISTINGS.items():
        for col in expected.CHECKED:
            assert got[lid][col] == want.get(col), f"{lid}.{col}: {got[lid][col]!r} != {want.get(col)!r}"


def test_mock_marketplace_listings_extracted_exactly(mock_listings):
    check_mock_listings(mock_listings)
    assert all(c in mock_listings.columns for c in ("url", "capture_file", "record_sha256"))
    assert mock_listings.columns == list(capture.LISTING_COLUMNS)


def test_extracted_listings_validate_with_only_the_coding_left(mock_listings):
    report = capture.extract.validate_listings(mock_listings)
    assert report.rows_read == 7 and report.rows_with_problems == 7
    problems = report.problems
    assert set(problems["problem"]) == {"required value is empty"}
    # per row: platform, category, stratum, selection_mechanism, label_source: 5 x 7
    assert problems.height == 35
    assert set(problems["column"]) == {
        "platform",
        "category",
        "stratum",
        "selection_mechanism",
        "label_source",
    }
    with_platform = capture.extract_listings(capture.read_capture(SHIPPED_HAR), platform="aliexpress")
    assert set(with_platform["platform"]) == {"AliExpress"}
    assert "platform" not in capture.extract.validate_listings(with_platform).problems["column"].to_list()
    assert set(with_platform["to_code"]) == {
        "category, stratum, selection_mechanism, label_source, "
        "label_formal_noncompliant, label_counterfeit, label_prohibited"
    }


def test_coded_capture_listings_pass_the_validator(mock_listings):
    coded = mock_listings.with_columns(
        pl.lit("AliExpress").alias("platform"),
        pl.lit("other").alias("category"),
        pl.lit("capture").alias("stratum"),
        pl.lit("purposive").alias("selection_mechanism"),
        pl.lit("desk").alias("label_source"),
    )
    frame = pl.DataFrame(
        {
            "stratum": ["capture"],
            "platform": ["AliExpress"],
            "frame_size": ["7"],
            "description": ["mock capture"],
        }
    )
    report = listing_format.validate_sample(coded.select(pl.all().cast(pl.String)), frame)
    assert report.ok, report.problems
    assert "record_sha256" in report.extra_columns


def test_risk_indicators_on_captured_listings(mock_listings):
    scored = {r["listing_id"]: r for r in captured.risk_indicators(mock_listings).to_dicts()}
    assert [k for k, r in scored.items() if r["restricted_substance_terms"]] == ["ME-2002"]  # sildenafil
    assert scored["ME-3003"]["obfuscated_brand_text"] and scored["ME-3003"]["brand_unauthorised"]
    assert not any(r["obfuscated_brand_text"] for k, r in scored.items() if k != "ME-3003")
    # GPSR Art. 19: the charger states (a) manufacturer with EU address and email, (c) mpn, (d) a warning
    assert scored["ME-1001"]["gpsr_completeness"] == 1.0 and not scored["ME-1001"]["gpsr_incomplete"]
    # the bunny: manufacturer without email (a missing), EU responsible person (b), model (c), warning (d)
    assert scored["ME-4004"]["gpsr_completeness"] == 0.75
    assert "price_far_below_reference" in scored["ME-1001"]["not_computed"]
    assert scored["ME-2002"]["risk_score_capture"] > scored["ME-1001"]["risk_score_capture"]
