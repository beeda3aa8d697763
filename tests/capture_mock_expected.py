"""What the MADE-UP mock marketplace plants, written by hand from the pages in data/mock-marketplace/site/.

Used by the capture tests (the shipped capture and a fresh Chromium capture must both give these).
Each value was typed from the page's JSON-LD / microdata / text, not produced by the extractor.
"""

M = "http://www.mockmarket.test"

#: Every listing field the extractor must fill, per listing id; any column not named must be empty.
LISTINGS = {
    "ME-1001": {"url": f"{M}/listing/usb-charger-65w.html", "title": "VoltEdge 65 W USB-C charger", "price": 24.99,
                "currency": "EUR", "brand": "VoltEdge", "seller_id": "S-1001", "seller_name": "Volt Store EU",
                "trader_name": "Volt Store EU", "gtin": "4260123450014", "ean": "4260123450014", "model": "VE-65C",
                "mpn": "VE65C-EU", "sku": "ME-1001", "product_identifier": "VE65C-EU", "availability": "InStock",
                "breadcrumbs": "Home > Electronics > Chargers", "product_category": "Electronics > Chargers",
                "images": f"{M}/img/ve65c-front.jpg | {M}/img/ve65c-side.jpg",
                "description": "Compact 65 W GaN charger with one USB-C port.",
                "markings": "CE; Warning: do not cover the charger while in use.",
                "safety_info": "Warning: do not cover the charger while in use.",
                "manufacturer_name": "VoltEdge Technik GmbH", "manufacturer_address": "Musterweg 5, 70173, Stuttgart, DE",
                "manufacturer_email": "safety@voltedge.example", "manufacturer_country": "DE",
                "extraction_syntax": "json-ld"},
    "ME-2002": {"url": f"{M}/listing/herbal-potency-max.html", "title": "HerbaMax natural potency capsules",
                "price": 9.9, "currency": "EUR", "brand": "HerbaWorld", "seller_id": "S-2002",
                "seller_name": "HerbaWorld Official", "trader_name": "HerbaWorld Official", "sku": "ME-2002",
                "availability": "InStock",
                "description": "100% herbal. Each capsule contains sildenafil 100 mg for fast results.",
                "extraction_syntax": "json-ld"},
    "ME-3003": {"url": f"{M}/listing/nike-air-replica-aaa.html", "title": "N1ke Air runner 1:1 AAA replica",
                "price": 19.0, "currency": "EUR", "brand": "Nike", "seller_id": "S-3003",
                "seller_name": "Top Replica Store", "trader_name": "Top Replica Store", "gtin": "4260123450015",
                "ean": "4260123450015", "sku": "ME-3003", "product_identifier": "4260123450015",
                "availability": "LimitedAvailability", "images": f"{M}/img/runner.jpg",
                "description": "Top quality 1:1 copy, AAA grade.", "extraction_syntax": "json-ld",
                "extraction_problem": "gtin13 '4260123450015' is not a valid GTIN (check digit or length)"},
    "ME-4004": {"url": f"{M}/listing/plush-bunny-toy.html", "title": "Soft plush bunny for toddlers", "price": 12.5,
                "currency": "EUR", "brand": "CuddleMock", "seller_id": "S-4004", "seller_name": "ToyTown",
                "trader_name": "ToyTown", "child_targeted": True, "gtin": "4260123450021", "ean": "4260123450021",
                "model": "Bunny-30", "sku": "ME-4004", "product_identifier": "Bunny-30", "availability": "InStock",
                "images": f"{M}/img/bunny.jpg", "description": "A 30 cm soft plush bunny.",
                "markings": "CE; Warning: Not suitable for children under 36 months. Small parts.",
                "safety_info": "Warning: Not suitable for children under 36 months. Small parts.",
                "manufacturer_name": "Shenzhen Mock Toy Factory", "manufacturer_address": "Shenzhen, CN",
                "manufacturer_country": "CN", "eu_rp_name": "Mock Toys GmbH",
                "eu_rp_address": "Musterstraße 1, 10115 Berlin, DE", "eu_rp_country": "DE",
                "extraction_syntax": "json-ld"},
    "ME-5005": {"url": f"{M}/listing/sports-socks-3pack.html", "title": "StrideMock sports socks, 3 pairs",
                "price": 7.99, "currency": "EUR", "brand": "StrideMock", "seller_id": "S-5005",
                "seller_name": "SockShop", "trader_name": "SockShop", "mpn": "SM-SOCK-3", "sku": "ME-5005",
                "product_identifier": "SM-SOCK-3", "availability": "InStock", "images": f"{M}/img/socks.jpg",
                "extraction_syntax": "microdata"},
    "ME-6006": {"url": f"{M}/listing/adult-only-18plus.html", "title": "Adult-only novelty item (18+)", "price": 29.0,
                "currency": "EUR", "seller_id": "S-6006", "seller_name": "Night Shop", "trader_name": "Night Shop",
                "sku": "ME-6006", "availability": "InStock", "product_category": "Adult",
                "description": "For adults only. Age verification required.", "extraction_syntax": "json-ld"},
    "ME-7007": {"url": f"{M}/listing/led-desk-lamp.html", "title": "LumaMock LED desk lamp", "price": 34.0,
                "currency": "EUR", "brand": "LumaMock", "seller_id": "S-1001", "seller_name": "Volt Store EU",
                "trader_name": "Volt Store EU", "gtin": "4260123450038", "ean": "4260123450038", "model": "LM-DL1",
                "sku": "ME-7007", "product_identifier": "LM-DL1", "availability": "OutOfStock", "markings": "CE",
                "extraction_syntax": "json-ld"},
}

#: Extracted columns checked against LISTINGS (a listed column missing from a listing must be empty).
CHECKED = ("url", "title", "price", "currency", "brand", "seller_id", "seller_name", "trader_name", "child_targeted",
           "gtin", "ean", "model", "mpn", "sku", "product_identifier", "availability", "breadcrumbs",
           "product_category", "images", "description", "markings", "safety_info", "manufacturer_name",
           "manufacturer_address", "manufacturer_email", "manufacturer_country", "eu_rp_name", "eu_rp_address",
           "eu_rp_country", "extraction_syntax", "extraction_problem")

#: The planted chains: (source, target, hops, path, edge kinds along the path).
CHAINS = [
    (f"{M}/listing/sports-socks-3pack.html", f"{M}/listing/nike-air-replica-aaa.html", 2,
     [f"{M}/listing/sports-socks-3pack.html", "http://shrt.test/k7", f"{M}/listing/nike-air-replica-aaa.html"],
     ["link", "redirect"]),
    (f"{M}/listing/plush-bunny-toy.html", f"{M}/listing/adult-only-18plus.html", 3,
     [f"{M}/listing/plush-bunny-toy.html", f"{M}/collections/similar-42.html", f"{M}/promo/summer.html",
      f"{M}/listing/adult-only-18plus.html"], ["link", "script", "meta_refresh"]),
    (f"{M}/listing/usb-charger-65w.html", f"{M}/listing/herbal-potency-max.html", 3,
     [f"{M}/listing/usb-charger-65w.html", f"{M}/out/partner?id=55", f"{M}/deal/55",
      f"{M}/listing/herbal-potency-max.html"], ["link", "redirect", "redirect"]),
]

BAD_TARGETS = r"herbal-potency-max|nike-air-replica-aaa|adult-only-18plus"

#: Pages off the planted chains that still reach a bad target within 3 hops: the home page links to the
#: socks (home > socks > shrt.test/k7 > replica, 3 hops). Every other page needs 4 or more.
ALSO_WITHIN_3 = {f"{M}/"}

#: Every page of the site a capture at depth 3 from the home page loads (requested URLs).
PAGES = {f"{M}/", f"{M}/about.html", f"{M}/collections/chargers.html", f"{M}/collections/similar-42.html",
         f"{M}/listing/usb-charger-65w.html", f"{M}/listing/plush-bunny-toy.html",
         f"{M}/listing/sports-socks-3pack.html", f"{M}/listing/led-desk-lamp.html", f"{M}/out/partner?id=55",
         "http://shrt.test/k7", f"{M}/promo/summer.html"}
