"""Spiders: they fetch and hand over raw items; cleaning and dedup happen in the pipelines."""
