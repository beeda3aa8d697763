"""Layer 7, briefing: the model (facts, sources, sentences, sections), the sections, registry and export."""
