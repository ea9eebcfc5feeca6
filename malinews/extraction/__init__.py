"""Page extraction: pure functions of a page's HTML, its URL and the fetch time (no network,
no Scrapy). What an article page says (`extract`), its body candidates (`generic`), the links
a feed, sitemap or listing gives (`discovery`), block pages (`blocks`), decoding (`html`)."""
