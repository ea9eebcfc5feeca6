"""A synthetic mirror of Malian news sites, in the page templates of the built-in profiles.

Each template is cut out of a bundled sample page (scrapers/demo_sites/<profile>/): the article
page keeps its whole chrome (head metadata, menus, sidebar, sharing and related-post blocks, the
site's own boilerplate lines in the body) and gets a generated title, body, URL and date; the
home page keeps its chrome and gets generated listing entries and a "next page" link.
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from functools import cache
from pathlib import Path

import lxml.html
from lxml import etree

from bench.textgen import Article, Writer
from malinews.extraction.extract import extract_article
from malinews.pipelines.boilerplate import boilerplate_item
from malinews.pipelines.clean import clean_item, normalize_text
from malinews.scheduler.demo import DEMO_SITES_DIR, SiteServer, site_origin
from malinews.sites import BUILTIN
from malinews.sites.profile import SiteProfile

TEMPLATES = ("bamada", "maliweb", "maliactu")
PER_LISTING = 20  # entries per listing page
FEED_ENTRIES = 20  # entries in a site's feed, newest first
ARTICLE_PATHS = {"maliweb": "/politique/{slug}-{number}.html"}  # else "/{slug}"
BODY, URL, TITLE, ISO = "<p>@@BODY@@</p>", "@@URL@@", "@@TITLE@@", "@@ISO@@"
ITEMS, NEXT = "<p>@@ITEMS@@</p>", "<p>@@NEXT@@</p>"
CHROME_REASONS = ("phrase", "site-phrase", "residue")


@dataclass(frozen=True)
class Template:
    """Page skeletons of one built-in profile, with @@markers@@ to fill in."""

    name: str
    origin: str
    article: str
    listing: str
    item: str
    next_link: str
    signature: str  # "{}" for the author's name, in the site's own style

    @property
    def profile(self) -> SiteProfile:
        return BUILTIN[self.name]


def _demo_article(name: str) -> tuple[str, str]:
    """The first bundled article page of a site that the profile's selectors read: (html, url)."""
    for file in sorted((DEMO_SITES_DIR / name).rglob("*.htm*")):
        page = file.read_text(encoding="utf-8")
        canonical = lxml.html.fromstring(page).xpath("//link[@rel='canonical']/@href")
        if not canonical:
            continue
        extraction = extract_article(page, canonical[0], BUILTIN[name])
        if extraction.article and extraction.article.extraction == "profile":
            return page, canonical[0]
    raise FileNotFoundError(f"no sample article page for {name} in {DEMO_SITES_DIR}")


def _marker(tag: str, text: str) -> lxml.html.HtmlElement:
    element = lxml.html.Element(tag)
    element.text = text
    return element


def _serialize(root: lxml.html.HtmlElement) -> str:
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")


def _signature_style(removed: list[dict]) -> str:
    line = next((r["line"] for r in removed if r["reason"] == "signature"), "")
    if line.startswith("PAR "):
        return "PAR {upper}"
    return "Par {name}" if line.startswith("Par ") else "{name}"


def _article_skeleton(name: str) -> tuple[str, str]:
    """The sample article page with markers for title, body, URL and date; the signature style.

    Body children that the pipelines remove as site furniture stay (realistic boilerplate);
    the article's own paragraphs, signature and source line give way to the body marker.
    """
    page, url = _demo_article(name)
    profile = BUILTIN[name]
    item = extract_article(page, url, profile).article
    assert item is not None, f"{url}: the sample page is an article"
    published = next((raw for source, raw in item.date_candidates if source == "meta"), None)
    item = boilerplate_item(clean_item(item), profile=profile, learned=())
    chrome = {r["line"] for r in item.removed if r["reason"] in CHROME_REASONS}
    root = lxml.html.fromstring(page)
    container = root.cssselect(profile.body)[0]
    furniture = {e for css in profile.drop for e in container.cssselect(css)}  # kept alive
    placed = False
    for child in list(container.iterchildren(etree.Element)):
        if child in furniture or normalize_text(child.text_content()) in chrome:
            continue
        if not placed:
            child.addprevious(_marker("p", "@@BODY@@"))
            placed = True
        child.drop_tree()
    text = _serialize(root).replace(url, URL).replace(item.title, TITLE)
    if published:
        text = text.replace(published, ISO)
    return text, _signature_style(item.removed)


def _listing_skeleton(name: str) -> tuple[str, str, str]:
    """The sample home page with markers for entries and pagination: (page, entry, next link)."""
    profile = BUILTIN[name]
    root = lxml.html.fromstring((DEMO_SITES_DIR / name / "index.html").read_bytes())
    links = root.cssselect(profile.listing_links)
    common = set(links[0].iterancestors()).intersection(*(a.iterancestors() for a in links[1:]))
    parent = max(common, key=lambda e: sum(1 for _ in e.iterancestors()))
    entries = [c for c in parent.iterchildren(etree.Element) if c.cssselect(profile.listing_links)]
    link = entries[0].cssselect(profile.listing_links)[0]
    entry = lxml.html.tostring(entries[0], encoding="unicode", with_tail=False)
    entry = entry.replace(html.escape(link.get("href")), URL).replace(link.get("href"), URL)
    entry = entry.replace(html.escape(link.text_content(), quote=False), TITLE)
    entries[0].addprevious(_marker("p", "@@ITEMS@@"))
    for old in entries:
        old.drop_tree()
    following = root.cssselect(profile.next_page)
    next_link = '<a class="next page-numbers" rel="next" href="@@URL@@">Page suivante</a>'
    if following:
        following[0].addprevious(_marker("p", "@@NEXT@@"))
        following[0].drop_tree()
    else:
        parent.append(_marker("p", "@@NEXT@@"))
    return _serialize(root), entry, next_link


@cache
def load_template(name: str) -> Template:
    """The skeletons of one built-in profile, cut from its bundled sample pages."""
    article, signature = _article_skeleton(name)
    listing, item, next_link = _listing_skeleton(name)
    return Template(name, site_origin(name), article, listing, item, next_link, signature)


# -- pages ------------------------------------------------------------------------------------


def article_path(template: str, article: Article) -> str:
    pattern = ARTICLE_PATHS.get(template, "/{slug}")
    return pattern.format(slug=article.slug, number=article.number)


def _paragraphs(template: Template, article: Article) -> list[str]:
    signature = template.signature.format(name=article.author, upper=article.author.upper())
    lines = [*article.paragraphs, signature]
    if article.source:
        lines.append(f"Source : {article.source}")
    return lines


def article_page(template: Template, article: Article) -> str:
    body = "\n".join(
        f"<p>{html.escape(line, quote=False)}</p>" for line in _paragraphs(template, article)
    )
    return (
        template.article.replace(BODY, body)
        .replace(URL, template.origin + article_path(template.name, article))
        .replace(TITLE, html.escape(article.title, quote=False))
        .replace(ISO, article.published.isoformat())
    )


def listing_page(template: Template, articles: list[Article], next_url: str | None) -> str:
    entries = "\n".join(
        template.item.replace(URL, template.origin + article_path(template.name, a)).replace(
            TITLE, html.escape(a.title, quote=False)
        )
        for a in articles
    )
    following = template.next_link.replace(URL, next_url) if next_url else ""
    return template.listing.replace(ITEMS, entries).replace(NEXT, following)


def feed(template: Template, articles: list[Article]) -> str:
    items = "".join(
        f"<item><title>{html.escape(a.title)}</title>"
        f"<link>{template.origin}{article_path(template.name, a)}</link>"
        f"<pubDate>{format_datetime(a.published)}</pubDate>"
        f"<dc:creator><![CDATA[{a.author}]]></dc:creator>"
        f"<description>{html.escape(a.paragraphs[0][:200])} [&#8230;]</description></item>\n"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{template.name}</title><link>{template.origin}</link>\n{items}</channel></rss>"
    )


# -- the mirror -------------------------------------------------------------------------------


@dataclass
class MirrorSite:
    """One generated site: its folder, template and articles (newest first)."""

    name: str
    template: Template
    root: Path
    articles: list[Article] = field(default_factory=list)

    @property
    def listing_pages(self) -> int:
        return max(1, -(-len(self.articles) // PER_LISTING))

    def profile(self) -> SiteProfile:
        return self.template.profile.replace(name=self.name)

    def pages(self) -> Iterator[tuple[str, Path]]:
        """(URL with the site's real origin, file) of each article page."""
        for article in self.articles:
            path = article_path(self.template.name, article)
            yield self.template.origin + path, self.file(path)

    def file(self, path: str) -> Path:
        relative = path.strip("/")
        return (
            self.root / relative
            if relative.endswith(".html")
            else self.root / relative / "index.html"
        )

    def write(self) -> None:
        for article in self.articles:
            page = self.file(article_path(self.template.name, article))
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(article_page(self.template, article), encoding="utf-8")
        for number in range(1, self.listing_pages + 1):
            chunk = self.articles[(number - 1) * PER_LISTING : number * PER_LISTING]
            following = f"{self.template.origin}/page/{number + 1}/"
            last = number == self.listing_pages
            page = self.file("/" if number == 1 else f"/page/{number}/")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(listing_page(self.template, chunk, None if last else following))
        feed_file = self.file(self.template.profile.feeds[0]).with_name("index.xml")
        feed_file.parent.mkdir(parents=True, exist_ok=True)
        feed_file.write_text(feed(self.template, self.articles[:FEED_ENTRIES]), encoding="utf-8")
        (self.root / "robots.txt").write_text("User-agent: *\nDisallow: /wp-admin/\n")


@dataclass
class Mirror:
    root: Path
    sites: list[MirrorSite]

    @property
    def articles(self) -> int:
        return sum(len(site.articles) for site in self.sites)

    @property
    def copies(self) -> int:
        return sum(1 for site in self.sites for a in site.articles if a.copy_of)


def build_mirror(
    root: Path, sites: int, articles: int, *, copy_rate: float = 0.2, seed: int = 7
) -> Mirror:
    """Write `sites` sites (templates in turn) sharing `articles` articles on disk under `root`.

    From the second site on, about `copy_rate` of a site's articles are republished copies of
    articles of earlier sites (retitled, cut or extended, other boilerplate).
    """
    writer, rng = Writer(seed), random.Random(seed)
    mirror = Mirror(root, [])
    originals: list[Article] = []
    for index in range(sites):
        template = load_template(TEMPLATES[index % len(TEMPLATES)])
        name = template.name if index < len(TEMPLATES) else f"{template.name}-{index + 1}"
        site = MirrorSite(name, template, root / name)
        for _ in range(articles // sites + (index < articles % sites)):
            if originals and index > 0 and rng.random() < copy_rate:
                site.articles.append(writer.copy(rng.choice(originals)))
            else:
                site.articles.append(writer.article())
        originals += [a for a in site.articles if not a.copy_of]
        site.articles.sort(key=lambda a: a.published, reverse=True)
        site.write()
        mirror.sites.append(site)
    return mirror


@contextmanager
def serve(mirror: Mirror) -> Iterator[dict[str, SiteServer]]:
    """Serve every site of the mirror on 127.0.0.1 (its real origin rewritten)."""
    with ExitStack() as stack:
        yield {
            site.name: stack.enter_context(SiteServer(site.root, site.template.origin))
            for site in mirror.sites
        }


BENCH_CRAWL = """
[crawl]
download_delay = 0        # bench only: no politeness delay, local servers
autothrottle = false
obey_robots = true
concurrent_per_host = 8
max_pages = {max_pages}
"""


def crawl_config_text(mirror: Mirror, servers: dict[str, SiteServer], rules: str = "") -> str:
    """A malinews.toml crawling the served mirror (bench-only [crawl] settings)."""
    most = max(len(site.articles) for site in mirror.sites)
    parts = [BENCH_CRAWL.format(max_pages=2 * most + 100)]
    for site in mirror.sites:
        parts.append(
            f'[[sites]]\nname = "{site.name}"\nprofile = "{site.template.name}"\n'
            f'start_urls = ["{servers[site.name].url}/"]\nmax_pages = {site.listing_pages + 1}\n'
        )
    return "\n".join(parts) + rules
