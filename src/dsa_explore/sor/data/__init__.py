"""Shipped mapping tables of the Transparency Database vocabulary (see dsa_explore.sor.taxonomy)."""
