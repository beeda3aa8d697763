"""Layer 7, briefing: the model (facts, sources, sentences, sections), one module per section, the registry, HTML export."""
