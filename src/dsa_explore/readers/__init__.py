"""Layer 2, readers of real formats: transparency reports, listing samples, Safety Gate XML, captures."""
