"""The floor of the engine: a bare Scrapy spider that follows listings and reads title and body
with the profile's CSS selectors, nothing else (no feeds, store, pipelines or extraction layers).

Run as `python -m bench.bare CONFIG OUTPUT`: crawls the config's sites with the same settings as
`malinews crawl` (one crawler per site, same concurrency, robots.txt obeyed), prints JSON stats.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response

from malinews.scrapers.config import load_config
from malinews.scrapers.settings import crawl_settings
from malinews.sites.profile import SiteProfile


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, site: SiteProfile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.site.start_urls:
            yield scrapy.Request(url, callback=self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        for link in response.css(self.site.listing_links):
            yield response.follow(link.attrib["href"], callback=self.parse_article)
        following = response.css(self.site.next_page)
        if following:
            yield response.follow(following[0].attrib["href"], callback=self.parse_listing)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        body = response.css(self.site.body)[:1]
        yield {
            "url": response.url,
            "title": response.css(self.site.title)[:1].xpath("string()").get(),
            "paragraphs": body.css("p").xpath("string()").getall(),
        }


def main(config_path: str, output_dir: str) -> None:
    config = load_config(config_path, output_dir)
    settings = crawl_settings(config, ITEM_PIPELINES={}, LOG_LEVEL="ERROR")
    process = AsyncCrawlerProcess(settings)
    crawlers = []
    for site in config.sites:
        crawler = process.create_crawler(BareSpider)
        process.crawl(crawler, site=site)
        crawlers.append(crawler)
    process.start()
    keys = ("downloader/response_count", "item_scraped_count")
    stats = [{k: c.stats.get_value(k, 0) for k in keys} for c in crawlers]
    print(json.dumps(stats))


if __name__ == "__main__":
    main(*sys.argv[1:3])
