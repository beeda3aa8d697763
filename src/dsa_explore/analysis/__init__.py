"""Layer 4, analysis: pure functions, polars frames in, frames out; no charts, no HTML."""
