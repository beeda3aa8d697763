"""Layer 3, seeded generators of SYNTHETIC data (every output says so)."""
