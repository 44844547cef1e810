"""A pipeline that fails on one page, as a pipeline meeting a bug or a lost database would: used by
tests/test_recrawl.py through ``-s ITEM_PIPELINES=...`` in a real crawl."""

from __future__ import annotations

from typing import Any

POISON = "/HC/6181/"  # the seed article's address


class PoisonPipeline:
    def process_item(self, item: Any) -> Any:
        url = item.get("url", "") if isinstance(item, dict) else getattr(item, "url", "")
        if POISON in url:
            raise RuntimeError(f"poisoned by the test: {url}")
        return item
