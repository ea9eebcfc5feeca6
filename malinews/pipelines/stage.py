"""Base class of the malinews item pipelines (Scrapy conventions: `from_crawler`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from malinews.core.db import db_errors

OUTPUT_ERROR = "malinews/output_error"  # stats key: why the crawl had to stop writing


def drop_item(reason: str) -> NoReturn:
    """Drop the item being processed. Scrapy's exception is imported here, not at module level:
    `malinews extract` runs the stages without Scrapy and should not pay for importing it."""
    from scrapy.exceptions import DropItem

    raise DropItem(reason)


class OutputError(Exception):
    """The output folder or the state store cannot be written (disk full, read-only...)."""


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

    @property
    def output_failed(self) -> bool:
        return self.crawler.stats.get_value(OUTPUT_ERROR) is not None

    @contextmanager
    def writing(self, path: Path | str, *, item: bool = True) -> Iterator[None]:
        """Writes to the store or to the output file `path`. A failed write (disk full,
        read-only) is recorded once and stops the crawl, rather than failing every later item;
        the item being written is dropped (`item=False` outside `process_item`)."""
        if item and self.output_failed:
            drop_item("output not writable")
        try:
            yield
        except db_errors(OSError) as exc:
            where = self.spider.store.path if isinstance(exc, db_errors()) else path
            stop_on_write_error(self.crawler, where, exc)
            if item:
                drop_item("output not writable")


def stop_on_write_error(crawler: Any, where: Path | str, exc: Exception) -> None:
    """Record why the crawl cannot write (`where`: the file) and stop it."""
    crawler.stats.set_value(OUTPUT_ERROR, f"{where}: cannot write: {exc}")
    import asyncio  # only a crawl gets here; `malinews extract` need not import it

    asyncio.ensure_future(crawler.engine.close_spider_async(reason="output_failed"))
