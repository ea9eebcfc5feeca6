"""Malijet.com: custom PHP site (Bootstrap cards), not WordPress.

Feeds: "/rss" (reported reachable) and the 2018 "feed/index.rss". Article pages name the
source newspaper in the first `h5` of `div.bas_articles` and the date in the second
("Date : 15 décembre 2025"), whose month name may be Latin-1 bytes inside a UTF-8 page.
Copied bodies can open with the name of malijet's image file ("malijet 65a1b2c3d4e5f"),
glued to the first sentence.
"""

import re

from malinews.sites.profile import SiteProfile

IMAGE_NAME = re.compile(r"^malijet [0-9a-f]{13}(?:\.(?:jpe?g|png|gif|webp))?\s*", re.IGNORECASE)

PROFILE = SiteProfile(
    name="malijet",
    start_urls=("https://malijet.com/",),
    feeds=("/rss", "/feed/index.rss"),
    article_url=r"^/[a-z_/-]+/\d{4,7}-[^/]+\.html$",
    listing_links="#v_container .card-header a, #v_container h5.card-title a",
    next_page="ul.pagination a[rel=next], ul.pagination li.next a",
    title="h1.page_title, .card-header h1",
    body="div#article_body, div#card_img_jt",
    date="div.bas_articles h5 + h5, span.story_date, #card_img_jt > h5 + h5",
    author="span.story_author",
    source="div.bas_articles h5:first-child, span.story_source, #card_img_jt > h5:first-child",
    # 2024 layout: the card body opens with the newspaper and the date as two `h5`
    drop=(".image_caption", "#card_img_jt > h5"),
    boilerplate=("NB: Le titre est de la rédaction",),
    residue=IMAGE_NAME,
    builtin=True,
)
