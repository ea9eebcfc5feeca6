"""Base class of the malinews item pipelines (Scrapy conventions: `from_crawler`)."""

from __future__ import annotations

from typing import Any


class Stage:
    """An item pipeline with access to the running spider: its site, config and store."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Stage:
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"malinews/{key}", n)
