"""Layer 1, data: checked loading of shipped datasets, the provenance writer, the build registry."""
