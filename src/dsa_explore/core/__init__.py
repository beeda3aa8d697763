"""Layer 0, the shared core: paths, the platform registry, reference tables, errors, formatters, hashing."""
