"""Write the Malian gold set: HTML pages in the real layouts of ten sites, and their annotations.

Run `python -m tests.gold.make_gold` from the repository root. The output is deterministic:
`tests/gold/pages/<name>.html` (bytes in the page's own encoding) and `tests/gold/annotations.json`.

The layouts follow /work/shared/sites.md (Part 2): maliweb and sahelien (tagDiv Newspaper), bamada
(WordPress "apprise"), maliactu (WordPress + Yoast JSON-LD), malijet (custom PHP, Bootstrap cards,
windows-1252), aBamako (classic ASP, iso-8859-1 in a meta tag, `span.FullArticleTexte`), L'Essor
(custom, `/posts/<slug>-<uniqid>`, a single `<h1>`), journaldumali (WordPress, dated URLs),
Studio Tamani (WordPress, audio furniture) and Sahel Tribune (PenciDesign, a header clock).

Each annotation holds what a careful reader would file: the body paragraphs (no title,
furniture, signature or source line), title, author, source newspaper or wire, publication day,
the boilerplate lines of the article area that must not reach the body, and `is_article`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

from tests.gold.stories import STORIES

GOLD_DIR = Path(__file__).resolve().parent

RELATED = (
    "Kayes : la saison des pluies retarde la rentrée scolaire",
    "Sikasso : les producteurs de mangue cherchent des débouchés",
    "Gao : réouverture du marché à bétail",
)


@dataclass
class Spec:
    """One gold article: where it lives, how the page shows it, and what must be extracted."""

    site: str
    story: str
    url: str
    fetched_at: str
    published: str | None  # gold day, YYYY-MM-DD
    meta_iso: str | None = None  # article:published_time / JSON-LD datePublished
    time_iso: str | None = None  # datetime attribute of the visible date element
    date_text: str | None = None  # visible date text
    author: str | None = None  # gold author
    source: str | None = None  # gold source newspaper or wire
    lead: tuple[str, ...] = ()  # furniture lines before the first paragraph
    inner: tuple[str, ...] = ()  # furniture lines after the first paragraph
    tail: tuple[str, ...] = ()  # furniture lines after the last paragraph
    glued: str | None = None  # signature glued after the last sentence
    residue: str | None = None  # image file name glued before the first sentence
    byline: str | None = None  # author name shown in the markup
    source_field: str | None = None  # source shown in the page header (malijet, aBamako)
    title: str | None = None
    mojibake: str | None = None  # "utf8-as-cp1252" or "replacement": broken month names
    encoding: str = "utf-8"
    body_text: tuple[str, ...] | None = None  # override of the story paragraphs
    variant: str = ""  # template option: "wrapped", "dir-auto", "list", "updated", "comments"
    caption: str | None = None  # image caption inside the body container

    @property
    def headline(self) -> str:
        return self.title or STORIES[self.story][0]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return self.body_text or STORIES[self.story][1]


@dataclass
class Rendered:
    """A page's HTML and the template furniture lines of its article area."""

    html: str
    chrome: list[str] = field(default_factory=list)


def esc(text: str) -> str:
    return escape(text, quote=False)


def body_paragraphs(spec: Spec) -> list[str]:
    """The lines of the body container as the page shows them, furniture included."""
    paras = list(spec.paragraphs)
    if spec.glued:
        paras[-1] = f"{paras[-1]} {spec.glued}"
    if spec.residue:
        paras[0] = f"{spec.residue}{paras[0]}"
    return [*spec.lead, paras[0], *spec.inner, *paras[1:], *spec.tail]


def p_tags(lines: list[str]) -> str:
    return "\n".join(f"<p>{esc(line)}</p>" for line in lines)


def body_html(spec: Spec) -> str:
    """The body container's inner HTML: paragraphs, or Facebook-pasted `<div dir="auto">` blocks
    ("dir-auto"), lines opening in lower case as one list ("list"), a captioned figure."""
    lines = body_paragraphs(spec)
    if spec.variant == "dir-auto":
        return "\n".join(f'<div dir="auto">{esc(line)}</div>' for line in lines)
    parts, in_list = [], False
    for line in lines:
        item = spec.variant == "list" and line[:1].islower()
        if item != in_list:
            parts.append("<ul>" if item else "</ul>")
            in_list = item
        parts.append(f"<li>{esc(line)}</li>" if item else f"<p>{esc(line)}</p>")
    html = "\n".join(parts)
    if spec.caption:
        figure = (
            '<figure class="wp-block-image"><img src="/wp-content/uploads/photo.jpg" alt="">'
            f"<figcaption>{esc(spec.caption)}</figcaption></figure>"
        )
        html = html.replace("</p>", f"</p>\n{figure}", 1)
    return html


def head(title: str, extra: str = "", charset: str = '<meta charset="UTF-8">') -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="fr-FR">\n<head>\n{charset}\n'
        f"<title>{esc(title)}</title>\n{extra}\n</head>\n"
    )


def og(spec: Spec, kind: str = "article", *, dated: bool = True) -> str:
    tags = [
        f'<meta property="og:type" content="{kind}" />',
        f'<meta property="og:title" content="{esc(spec.headline)}" />',
        f'<meta property="og:url" content="{spec.url}" />',
        f'<link rel="canonical" href="{spec.url}" />',
    ]
    if spec.meta_iso and dated:
        tags.append(f'<meta property="article:published_time" content="{spec.meta_iso}" />')
    return "\n".join(tags)


def time_tag(spec: Spec, cls: str = "entry-date published") -> str:
    attr = f' datetime="{spec.time_iso}"' if spec.time_iso else ""
    return f'<time class="{cls}"{attr}>{esc(spec.date_text or "")}</time>'


def menu(items: str) -> str:
    return "".join(f'<li><a href="#">{esc(i)}</a></li>' for i in items.split("|"))


# ---------------------------------------------------------------- templates


def tagdiv(spec: Spec, brand: str, clock: str) -> Rendered:
    """maliweb and sahelien: the tagDiv "Newspaper" theme."""
    byline = spec.byline or brand
    related = "".join(
        f'<div class="td_module_wrap td_module_6"><h3 class="entry-title td-module-title">'
        f'<a href="#">{esc(h)}</a></h3></div>'
        for h in RELATED
    )
    html = (
        head(f"{spec.headline} | {brand}", og(spec))
        + '<body class="post-template-default single single-post td-standard-pack">\n'
        '<div class="td-header-wrap"><div class="td-header-top-menu">'
        f'<div class="td_data_time">{esc(clock)}</div>'
        '<div class="td-weather-top-widget">24.2 C Bamako</div></div>'
        '<div class="td-header-menu-wrap"><ul class="sf-menu">'
        f"{menu('Accueil|Politique|Société|Sport|International')}</ul></div></div>\n"
        '<div class="td-main-content-wrap"><div class="td-container"><div class="td-pb-row">'
        '<div class="td-pb-span8 td-main-content"><div class="td-ss-main-content">\n'
        '<article class="post type-post status-publish"><div class="td-post-header">'
        '<ul class="td-category"><li><a class="td-cat" href="#">Politique</a></li></ul>'
        f'<header class="td-post-title"><h1 class="entry-title">{esc(spec.headline)}</h1>'
        '<div class="td-module-meta-info"><div class="td-post-author-name">'
        f'<div class="td-author-by">Par</div> <a href="/author/x/">{esc(byline)}</a>'
        '<div class="td-author-line"> - </div></div>'
        f'<span class="td-post-date">{time_tag(spec, "entry-date updated td-module-date")}</span>'
        '<div class="td-post-comments"><a href="#comments">5</a></div></div></header></div>\n'
        '<div class="td-post-sharing-top"><div class="td-post-sharing">'
        '<span class="td-social-but-text">Partager</span> <a>Facebook</a> <a>Twitter</a></div>'
        "</div>\n"
        '<div class="td-post-content tagdiv-type"><div class="td-post-featured-image">'
        '<img src="/wp-content/uploads/photo.jpg" alt="photo"></div>\n'
        f"{body_html(spec)}\n</div>\n"
        '<footer><div class="td-post-source-tags"><ul class="td-tags td-post-small-box">'
        '<li><span>TAGS</span></li><li><a href="#">Mali</a></li></ul></div></footer></article>\n'
        f'<div class="td_block_wrap td_block_related_posts"><h4 class="td-related-title">'
        f"Articles liés</h4>{related}</div>\n"
        '<div class="comments" id="comments"><h4>Commentaires via Facebook :</h4></div>\n'
        '</div></div><div class="td-pb-span4 td-main-sidebar"><aside class="td_block_widget">'
        "<h4>RADIO FM MALI : ECOUTER LIVE !</h4><ul><li>Chaine 2 ORTM</li><li>Radio Kledu</li>"
        "</ul></aside></div></div></div></div>\n"
        f'<div class="td-footer-wrapper"><p>© {brand} 2025 – Tous droits réservés</p></div>'
        "</body></html>\n"
    )
    return Rendered(html, ["Commentaires via Facebook :", *RELATED])


def maliweb(spec: Spec) -> Rendered:
    return tagdiv(spec, "maliweb.net", "jeu 28 Nov 2024 - 0:36")


def sahelien(spec: Spec) -> Rendered:
    return tagdiv(spec, "Sahelien.com", "vendredi,12 septembre , 2025")


COMMENTS = (
    '<h2 class="comments-title">3 thoughts on this</h2><ol class="comment-list">'
    + "".join(
        '<li class="comment"><article class="comment-body"><footer'
        f' class="comment-meta">{who}</footer>'
        f'<div class="comment-content"><p>{esc(text)}</p></div></article></li>'
        for who, text in (
            (
                "Amadou",
                "Il faut que les autorités pensent aussi aux villages de l’intérieur, car chez "
                "nous à Kita la situation est toujours très difficile depuis plusieurs semaines et "
                "personne ne vient nous voir pour expliquer ce qui se passe vraiment.",
            ),
            (
                "Fanta K.",
                "Merci pour cet article très complet. Je souhaite que le gouvernement "
                "continue dans cette voie et que les prix baissent enfin pour les ménages modestes "
                "de Bamako qui souffrent beaucoup de la cherté de la vie en ce moment.",
            ),
            (
                "Ibrahim",
                "Encore des promesses ! Nous avons entendu les mêmes discours l’année "
                "dernière et rien n’a changé dans nos quartiers, les routes sont toujours dans le "
                "même état et les jeunes n’ont toujours pas de travail.",
            ),
        )
    )
    + "</ol>"
)


def bamada(spec: Spec) -> Rendered:
    """WordPress 4.9, theme "apprise": "Par Bamada.net" then the date, Facebook prompts."""
    posted = (
        f'<span class="posted-on"><a href="{spec.url}" rel="bookmark">{time_tag(spec)}</a></span>'
        if spec.date_text
        else ""
    )
    html = (
        head(f"{spec.headline} – Bamada.net", og(spec))
        + '<body class="post-template-default single single-post single-format-standard">\n'
        '<div id="page" class="site"><header id="masthead" class="site-header">'
        '<div class="site-branding"><p class="site-title"><a href="/">Bamada.net</a></p></div>'
        '<nav id="site-navigation" class="main-navigation">'
        f"<ul>{menu('Home|Politique|Société|Economie|Culture')}</ul></nav></header>\n"
        '<div id="content" class="site-content"><div id="primary" class="content-area">'
        '<main id="main" class="site-main">\n<article class="post type-post status-publish">'
        f'<header class="entry-header"><h1 class="entry-title">{esc(spec.headline)}</h1>'
        '<div class="entry-meta"><span class="byline">Par <span class="author vcard">'
        f'<a class="url fn n" href="/author/bamada/">Bamada.net</a></span></span> {posted}</div>'
        "</header>\n"
        f'<div class="entry-content">\n{body_html(spec)}\n</div>\n'
        '<footer class="entry-footer"><span class="cat-links">Posted in <a href="#">Actualités</a>'
        "</span></footer></article>\n"
        '<nav class="navigation post-navigation"><div class="nav-links"><div class="nav-previous">'
        f'<a href="#">{esc(RELATED[0])}</a></div></div></nav>\n'
        '<div id="comments" class="comments-area">'
        f"{COMMENTS if spec.variant == 'comments' else ''}"
        '<div id="respond" class="comment-respond">'
        '<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3><form>'
        '<p class="comment-notes">Your email address will not be published. Required fields are '
        "marked *</p></form></div></div></main></div>\n"
        '<aside id="secondary" class="widget-area"><section class="widget">'
        "<h2>Ecoutez les radios du Mali sur vos mobiles et tablettes</h2><p>ORTM en direct</p>"
        "</section></aside></div>"
        '<footer class="site-footer"><p>Copyright © Bamada.net</p></footer></div></body></html>\n'
    )
    return Rendered(html, ["Leave a Reply"])


def maliactu(spec: Spec) -> Rendered:
    """WordPress + Yoast JSON-LD graph + AMP link, Trinity audio widget inside the content."""
    graph = [
        {"@type": "WebPage", "@id": spec.url, "url": spec.url, "name": spec.headline},
        {
            "@type": "NewsArticle",
            "headline": spec.headline,
            "mainEntityOfPage": {"@id": spec.url},
            "author": {"@type": "Person", "name": spec.byline or "maliactu"},
            "publisher": {"@type": "Organization", "name": "Mali Actu"},
        },
    ]
    if spec.meta_iso:
        graph[1]["datePublished"] = spec.meta_iso
        graph[1]["dateModified"] = spec.meta_iso
    ld = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    extra = (
        og(spec, dated=False)
        + f'\n<link rel="amphtml" href="{spec.url}amp/" />'
        + f'\n<script type="application/ld+json" class="yoast-schema-graph">{ld}</script>'
    )
    posted = f'<div class="entry-meta"><span class="posted-on">{time_tag(spec)}</span></div>'
    html = (
        head(f"{spec.headline} - Mali Actu", extra)
        + '<body class="post-template-default single single-post">\n'
        '<div class="top-bar"><span>Connect with us</span></div>'
        '<header class="site-header"><nav class="main-navigation">'
        f"<ul>{menu('Brèves|Politique|Société|Sport')}</ul></nav></header>\n"
        '<div id="content"><div class="content-area"><main class="site-main">'
        '<article class="post type-post"><header class="entry-header">'
        '<span class="cat-links"><a href="#">Brèves</a></span>'
        f'<h1 class="entry-title">{esc(spec.headline)}</h1>'
        f"{posted if spec.date_text else ''}</header>\n"
        '<div class="entry-content"><div class="trinity-tts-pb">'
        "<p>Getting your Trinity Audio player ready...</p></div>\n"
        f"{body_html(spec)}\n"
        '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Partager :</h3>'
        "<ul><li>Facebook</li><li>X</li></ul></div></div>\n"
        '</article><div class="related-posts"><h3>Articles similaires</h3>'
        + "".join(f"<article><h4><a>{esc(h)}</a></h4></article>" for h in RELATED[:2])
        + "</div></main></div>"
        '<aside class="sidebar widget-area"><section class="widget"><p>Corner TV – Orange Mali, '
        "contenus exclusifs et divertissement</p><p>CAMON</p></section></aside></div>\n"
        '<footer class="site-footer"><p>Mali Actu - maliactu.net - Informations sur le Mali</p>'
        "</footer></body></html>\n"
    )
    return Rendered(html, ["Getting your Trinity Audio player ready...", "Partager :"])


def malijet(spec: Spec) -> Rendered:
    """Custom PHP, Bootstrap cards, windows-1252 declared in a meta tag, "Date : ..." header."""
    charset = (
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        if spec.encoding != "utf-8"
        else '<meta charset="utf-8">'
    )
    source = f"<h5>{esc(spec.source_field)}</h5>" if spec.source_field else ""
    html = (
        head(
            f"Malijet {spec.headline}",
            '<base href="https://malijet.com/">\n'
            '<link rel="stylesheet" href="themes/css_dacou/compress.php?css,bootstrap">',
            charset,
        )
        + "<body>\n"
        '<nav class="navbar navbar-expand-lg"><ul'
        f' class="navbar-nav">{menu("Accueil|A la une|Politique|Société|Régions")}</ul></nav>\n'
        '<div class="container"><div class="row"><div class="col-md-8"><div id="v_container">'
        '<div class="card"><div class="card-header">'
        f'<h1 class="page_title">{esc(spec.headline)}</h1>'
        f'<div class="bas_articles">{source}<h5>Date : {esc(spec.date_text or "")}</h5></div>'
        '<div class="partage">Partager : <a href="#">Facebook</a> <a href="#">Twitter</a></div>'
        "</div>\n"
        '<div class="card-body" id="card_img_jt"><img class="img-responsive img-rounded" '
        'src="photos/photo.jpg" alt="">\n'
        f'<div id="article_body">\n{body_html(spec)}\n</div></div></div>\n'
        "</div></div>"
        '<div class="col-md-4"><div class="card"><div class="card-header">Les plus lus</div>'
        + "".join(f'<div class="card-body"><a href="#">{esc(h)}</a></div>' for h in RELATED)
        + "</div></div></div></div>\n"
        '<footer class="footer"><p>© 2025 Malijet.com - Tous droits réservés</p></footer>'
        "</body></html>\n"
    )
    return Rendered(html, ["Partager : Facebook Twitter"])


def abamako(spec: Spec) -> Rendered:
    """Classic ASP, iso-8859-1 in a meta tag, entity-encoded text between `<br>`s."""
    text = "<br><br>\n".join(
        esc(line).encode("ascii", "xmlcharrefreplace").decode("ascii")
        for line in body_paragraphs(spec)
    )
    header = f"Publié le {spec.date_text}"
    if spec.source_field:
        header += f" | {spec.source_field}"
    html = (
        head(
            f"{spec.headline} - aBamako.com",
            f'<meta property="og:title" content="{esc(spec.headline)}">\n'
            f'<meta property="og:description" content="{esc(spec.paragraphs[0][:150])}">',
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
        )
        + '<body><table id="header" width="100%"><tr><td><a href="/">aBamako.com</a></td>'
        '<td><a href="/rubriques/depeches.asp">Dépêches</a> | <a href="/titrologie/">Titrologie</a>'
        ' | <a href="/photos/">Photos</a></td></tr></table>\n'
        '<div id="contenu"><div class="FontArticleRubrique">Politique</div>'
        f'<h1 class="FontArticleTitre">{esc(spec.headline)}</h1>'
        f'<div class="FontArticleSource">{esc(header)}</div>\n'
        f'<span class="FullArticleTexte">{text}</span>\n'
        '<div class="partage">Partager cet article : Facebook | Twitter | Email</div>'
        '<div class="autres"><b>Autres articles</b><ul>'
        + "".join(f'<li><a href="#">{esc(h)}</a></li>' for h in RELATED)
        + "</ul></div></div>"
        '<div id="footer">Copyright © 2025 aBamako.com - Tous droits réservés</div></body></html>\n'
    )
    return Rendered(html, ["Partager cet article : Facebook | Twitter | Email"])


def lessor(spec: Spec) -> Rendered:
    """Custom site: generic `og:title` "Lessor", the headline in the single `<h1>`."""
    date = f'<div class="post-date">{esc(spec.date_text)}</div>' if spec.date_text else ""
    lines = body_paragraphs(spec)
    wrap = ",<br>\n" if spec.variant == "wrapped" else ",\n"  # hard line breaks in sentences
    body = "\n".join(f"<p>{esc(line).replace(', ', wrap)}</p>" for line in lines)
    html = (
        head(
            "Lessor",
            '<meta property="og:title" content="Lessor">\n<meta property="og:site_name"'
            ' content="Lessor">',
            '<meta charset="utf-8">',
        )
        + '<body><header class="header"><div class="logo">Lessor</div>'
        '<nav class="main-nav">'
        f"<ul>{menu('Accueil|Politique|Economie|Société|Sport|Culture')}</ul></nav></header>\n"
        '<main><div class="container"><div class="row"><div class="col-lg-8">'
        '<div class="post-details"><span class="post-category">Actualité</span>'
        f"<h1>{esc(spec.headline)}</h1>{date}\n"
        f'<div class="post-content">\n{body}\n</div></div></div>\n'
        '<div class="col-lg-4"><div class="sidebar"><h4>Les plus lus</h4>'
        + "".join(f"<p>{esc(h)}</p>" for h in RELATED)
        + "</div></div></div></div></main>"
        "<footer><p>© Lessor – Quotidien national d’information</p></footer></body></html>\n"
    )
    return Rendered(html, [])


def wordpress(spec: Spec, brand: str, extra_content: str = "") -> Rendered:
    """A stock WordPress theme (journaldumali, Studio Tamani)."""
    updated = '<span class="updated">Mis à jour le 06/11/2025</span> '
    posted = (
        f'<div class="entry-meta">{updated if spec.variant == "updated" else ""}'
        f'<span class="posted-on">{time_tag(spec)}</span></div>'
        if spec.date_text
        else ""
    )
    html = (
        head(f"{spec.headline} - {brand}", og(spec))
        + '<body class="post-template-default single single-post">\n'
        '<header id="masthead" class="site-header"><nav class="main-navigation">'
        f"<ul>{menu('Actualités|Politique|Economie|Société|Culture')}</ul></nav></header>\n"
        '<div id="content" class="site-content"><div id="primary" class="content-area">'
        '<main id="main" class="site-main"><article class="post type-post">'
        f'<header class="entry-header"><h1 class="entry-title">{esc(spec.headline)}</h1>{posted}'
        "</header>\n"
        f'<div class="entry-content">\n{body_html(spec)}\n{extra_content}</div>\n'
        "</article>"
        '<div class="jp-relatedposts"><h3>Articles similaires</h3>'
        + "".join(f"<p>{esc(h)}</p>" for h in RELATED[:2])
        + "</div></main></div>"
        '<aside id="secondary" class="widget-area"><section class="widget"><h2>Derniers'
        " articles</h2>" + "".join(f"<p>{esc(h)}</p>" for h in RELATED) + "</section></aside></div>"
        f'<footer class="site-footer"><p>© 2025 {brand}</p></footer></body></html>\n'
    )
    return Rendered(html, [])


def journaldumali(spec: Spec) -> Rendered:
    return wordpress(spec, "Journal du Mali")


def studiotamani(spec: Spec) -> Rendered:
    audio = '<audio controls src="/wp-content/uploads/journal.mp3"></audio>'
    return wordpress(spec, "Studio Tamani", audio)


def saheltribune(spec: Spec) -> Rendered:
    """PenciDesign: a topbar clock, "by <author> <date>" meta, the menu repeated."""
    ld = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": spec.headline,
        "author": {"@type": "Person", "name": spec.byline or "Sahel Tribune"},
    }
    if spec.meta_iso:
        ld["datePublished"] = spec.meta_iso
    navigation = menu("A la Une|Actu|Exclusif|Politique|Sécurité|Economie")
    html = (
        head(
            f"{spec.headline} - Sahel Tribune",
            og(spec, dated=False)
            + f'\n<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
        )
        + '<body class="post-template-default single single-post penci-body">\n'
        '<div class="penci-top-bar"><div class="container">'
        '<div class="penci-topbar-today-date">vendredi,12 septembre , 2025</div>'
        f'<ul class="penci-topbar-menu">{navigation}</ul></div></div>\n'
        '<header id="header" class="header-header-1"><nav id="navigation"><ul'
        f' class="menu">{navigation}</ul></nav></header>\n'
        '<div class="container container-single"><div id="main"><article class="post type-post">'
        '<div class="header-standard header-classic single-header">'
        f'<h1 class="post-title single-post-title entry-title">{esc(spec.headline)}</h1>'
        '<div class="post-box-meta-single"><span class="author-post byline"><span class="author'
        ' vcard">'
        'by <a class="author-url url fn n"'
        f' href="/author/x/">{esc(spec.byline or "Sahel Tribune")}</a>'
        f"</span></span> <span>{time_tag(spec)}</span> <span>2 minutes read</span></div></div>\n"
        '<div class="post-entry blockquote-style-1"><div class="inner-post-entry entry-content" '
        f'id="penci-post-entry-inner">\n{body_html(spec)}\n</div></div>'
        '<div class="tags-share-box"><span class="penci-social-share">Partager sur Facebook</span>'
        "</div></article>"
        '<div class="post-related"><div class="post-title-box"><h4 class="post-box-title">'
        "Vous aimerez aussi</h4></div>"
        + "".join(f'<div class="item-related"><h3><a>{esc(h)}</a></h3></div>' for h in RELATED)
        + "</div></div></div>\n"
        f'<footer id="footer-section"><ul>{navigation}</ul><p>A propos</p><p>Notre équipe</p>'
        "<p>Comment nous vérifions</p><p>Copyright 2022 - All Right Reserved. Designed and "
        "Developed by PenciDesign</p></footer></body></html>\n"
    )
    return Rendered(html, ["Partager sur Facebook"])


TEMPLATES = {
    "maliweb": maliweb,
    "sahelien": sahelien,
    "bamada": bamada,
    "maliactu": maliactu,
    "malijet": malijet,
    "abamako": abamako,
    "lessor": lessor,
    "journaldumali": journaldumali,
    "studiotamani": studiotamani,
    "saheltribune": saheltribune,
}


# ---------------------------------------------------------------- the gold articles


def opening(story: str, first: str) -> tuple[str, ...]:
    """The story's paragraphs with another first paragraph (a dated or month-naming lead)."""
    return (first, *STORIES[story][1][1:])


def lessor_url(slug: str, day: str, serial: int) -> str:
    """L'Essor URL: the slug and a PHP uniqid whose first 8 hex digits are the Unix time."""
    stamp = int(datetime.fromisoformat(f"{day}T09:30:00+00:00").timestamp())
    return f"https://www.lessor.ml/posts/{slug}-{stamp:08x}{serial:05x}"


SAHEL_TRIBUNE_BYLINE = "Bakary FOMBA"
LESSOR_TEASERS = (
    "Sikasso : les producteurs de mangue cherchent de nouveaux débouchés vers l’Europe et..",
    "Hippodrome : la grande course de l’indépendance a tenu toutes ses promesses devant..",
)
STUDIO_JOURNALS = (
    "Ci-dessous, écoutez le développement de ces titres dans nos journaux en français et en "
    "langues nationales :",
    "Journal en français:",
    "Fichier audio non disponible.",
    "Journal en bambara:",
    "Fichier audio non disponible.",
    "Télécharger",
)
STUDIO_MAGAZINE = (
    "Ci-dessous écoutez le magazine en français et en langues nationales :",
    "Magazine en français: Télécharger",
    "Magazine en bambara: Télécharger",
    "Magazine en peulh: Télécharger",
)
FACEBOOK = "Suivez-nous sur Facebook pour ne rien rater de l'actualité malienne"
ALSO = ("À lire aussi", *RELATED)

MW = "https://www.maliweb.net"
JDM = "https://www.journaldumali.com"
ARTICLES: tuple[Spec, ...] = (
    # maliweb: the WordPress "author" is the source paper
    Spec(
        "maliweb",
        "bamex",
        f"{MW}/politique/bamex-2026-le-plan-des-stands-3194512.html",
        "2025-11-04T12:00:00+00:00",
        "2025-11-04",
        meta_iso="2025-11-04T10:12:00+00:00",
        time_iso="2025-11-04T10:12:00+00:00",
        date_text="4 Nov 2025",
        byline="L'Essor",
        author="Aboubacar TRAORE",
        source="L'Essor",
        tail=("Aboubacar TRAORE", "Source : L'Essor"),
    ),
    Spec(
        "maliweb",
        "coton",
        f"{MW}/economie/campagne-cotonniere-la-cmdt-table-sur-780-000-tonnes-3195020.html",
        "2025-11-18T08:00:00+00:00",
        "2025-11-17",
        time_iso="2025-11-17T16:40:00+00:00",
        date_text="17 Nov 2025",
        byline="Le Challenger",
        author="Moussa Dagnoko",
        source="Le Challenger",
        tail=("Moussa Dagnoko",),
    ),
    Spec(
        "maliweb",
        "budget",
        f"{MW}/politique/le-cnt-adopte-le-budget-detat-2026-3196101.html",
        "2025-11-28T07:00:00+00:00",
        "2025-11-27",
        meta_iso="2025-11-27T18:05:00+00:00",
        time_iso="2025-11-27T18:05:00+00:00",
        date_text="27 Nov 2025",
        byline="Info-Matin",
        author="SIKOU BAH",
        source="Info-Matin",
        tail=("PAR SIKOU BAH", "Source : Info-Matin"),
    ),
    Spec(
        "maliweb",
        "menaka",
        f"{MW}/insecurite/menaka-les-fama-securisent-la-foire-3196477.html",
        "2025-12-02T11:00:00+00:00",
        "2025-12-02",
        time_iso="2025-12-02T08:00:00+00:00",
        date_text="il y a 3 heures",
        byline="maliweb.net",
        author="La Rédaction",
        tail=("La Rédaction",),
    ),
    Spec(
        "maliweb",
        "or",
        f"{MW}/economie/mines-la-production-dor-industriel-en-hausse-3197003.html",
        "2025-12-04T09:00:00+00:00",
        "2025-12-03",
        meta_iso="2025-12-03T15:30:00+00:00",
        time_iso="2025-12-03T15:30:00+00:00",
        date_text="3 Déc 2025",
        byline="Le Républicain",
        author="Madiassa Kaba Diakité",
        source="Le Républicain",
        tail=("Madiassa Kaba Diakité", "Source : Le Républicain"),
    ),
    Spec(
        "maliweb",
        "energie",
        f"{MW}/economie/une-centrale-solaire-inauguree-a-safo-3197550.html",
        "2025-12-08T10:00:00+00:00",
        "2025-12-08",
        meta_iso="2025-12-08T07:45:00+00:00",
        time_iso="2025-12-08T07:45:00+00:00",
        date_text="8 Déc 2025",
        byline="L'Indépendant",
        author="Abdoulaye DIARRA",
        source="L'Indépendant",
        glued="Abdoulaye DIARRA",
        tail=("Source : L'Indépendant",),
    ),
    Spec(
        "maliweb",
        "football",
        f"{MW}/sport/football-les-aigles-qualifies-pour-la-can-3198011.html",
        "2025-11-15T09:00:00+00:00",
        "2025-11-14",
        meta_iso="2025-11-14T21:50:00+00:00",
        time_iso="2025-11-14T21:50:00+00:00",
        date_text="14 Nov 2025",
        byline="maliweb.net",
        source="AMAP",
        tail=("AMAP",),
    ),
    # sahelien: tagDiv with a header clock
    Spec(
        "sahelien",
        "aes",
        "https://sahelien.com/aes-les-ministres-des-finances-valident-la-banque/",
        "2025-09-12T10:00:00+00:00",
        "2025-09-11",
        meta_iso="2025-09-11T14:00:00+00:00",
        time_iso="2025-09-11T14:00:00+00:00",
        date_text="11 septembre 2025",
        author="Boubacar Diallo",
        tail=("Boubacar Diallo",),
    ),
    Spec(
        "sahelien",
        "sante",
        "https://sahelien.com/paludisme-lancement-de-la-chimioprevention/",
        "2025-09-12T10:00:00+00:00",
        "2025-09-10",
        time_iso="2025-09-10T09:00:00+00:00",
        date_text="10 septembre 2025",
        source="AFP",
        tail=("(AFP)",),
    ),
    Spec(
        "sahelien",
        "kidal",
        "https://sahelien.com/kidal-une-vingtaine-decoles-rouvrent/",
        "2025-09-12T10:00:00+00:00",
        "2025-09-09",
        date_text="9 septembre 2025",
        author="Aminata Touré",
        tail=("Aminata Touré",),
    ),
    Spec(
        "sahelien",
        "hivernage",
        "https://sahelien.com/hivernage-des-inondations-a-bamako/",
        "2025-09-12T10:00:00+00:00",
        "2025-09-08",
        meta_iso="2025-09-08T06:00:00+00:00",
        time_iso="2025-09-08T06:00:00+00:00",
        date_text="8 septembre 2025",
        author="Mariam F. Diallo",
        tail=("Mariam F. Diallo",),
    ),
    # bamada: teasers with Facebook prompts and "Source:" lines
    Spec(
        "bamada",
        "kidal",
        "https://bamada.net/kidal-une-vingtaine-decoles-rouvrent-leurs-portes",
        "2025-11-05T20:00:00+00:00",
        "2025-11-05",
        meta_iso="2025-11-05T17:20:00+00:00",
        time_iso="2025-11-05T17:20:00+00:00",
        date_text="05/11/2025",
        source="TV5",
        lead=(FACEBOOK,),
        tail=("Source: TV5", FACEBOOK),
    ),
    Spec(
        "bamada",
        "carburant",
        "https://bamada.net/carburant-la-situation-sameliore-a-bamako",
        "2025-11-06T08:00:00+00:00",
        "2025-11-05",
        date_text="05/11/2025",
        author="Oumar DIAKITE",
        source="L'Indépendant",
        tail=("Oumar DIAKITE", "Source : L'Indépendant"),
    ),
    Spec(
        "bamada",
        "vivres",
        "https://bamada.net/tombouctou-12-000-menages-recoivent-des-vivres",
        "2025-11-21T08:00:00+00:00",
        "2025-11-20",
        meta_iso="2025-11-20T12:00:00+00:00",
        time_iso="2025-11-20T12:00:00+00:00",
        date_text="20/11/2025",
        author="A.B.D",
        source="Le Républicain",
        tail=("A.B.D", "Source : Le Républicain"),
    ),
    Spec(
        "bamada",
        "segou",
        "https://bamada.net/segou-le-festival-sur-le-niger-devoile-son-programme",
        "2025-11-10T08:00:00+00:00",
        "2025-11-08",
        author="Seydou Coulibaly",
        body_text=opening(
            "segou",
            "Les organisateurs du Festival sur le Niger ont dévoilé ce "
            "samedi 8 novembre 2025 à Ségou le programme de la prochaine édition, "
            "placée sous le signe de la paix et de la cohésion sociale.",
        ),
        tail=("Seydou Coulibaly",),
    ),
    Spec(
        "bamada",
        "diplomates",
        "https://bamada.net/bamex-2026-les-diplomates-invites-a-mobiliser",
        "2025-12-16T09:00:00+00:00",
        "2025-12-16",
        meta_iso="2025-12-16T07:10:00+00:00",
        time_iso="2025-12-16T07:10:00+00:00",
        date_text="16/12/2025",
        author="F. Sissoko",
        source="L'Essor",
        body_text=opening(
            "diplomates",
            "Le ministre des Affaires étrangères, "
            "Abdoulaye Diop, a réuni hier lundi 15 décembre le "
            "corps diplomatique accrédité au Mali pour présenter "
            "le bilan de la première édition du Bamex.",
        ),
        tail=("F. Sissoko", "Source : L'Essor", FACEBOOK),
    ),
    Spec(
        "bamada",
        "riz",
        "https://bamada.net/office-du-niger-la-recolte-de-riz-sannonce-bonne",
        "2025-11-25T08:00:00+00:00",
        "2025-11-24",
        meta_iso="2025-11-24T10:00:00+00:00",
        time_iso="2025-11-24T10:00:00+00:00",
        date_text="24/11/2025",
        tail=(FACEBOOK,),
    ),
    Spec(
        "bamada",
        "examens",
        "https://bamada.net/def-2025-un-taux-de-reussite-de-61",
        "2025-11-05T08:00:00+00:00",
        "2025-11-04",
        date_text="Publié le mardi 4 novembre 2025 à 14h20",
        author="Cyrille Coulibaly",
        source="Le Républicain",
        tail=("Cyrille Coulibaly", "Source : Le Républicain", FACEBOOK),
    ),
    # maliactu: Yoast JSON-LD, Trinity audio widget, glued residue, "Par ..." bylines
    Spec(
        "maliactu",
        "bamex",
        "https://maliactu.net/mali-bamex-2026-le-plan-des-stands/",
        "2025-11-05T09:00:00+00:00",
        "2025-11-05",
        meta_iso="2025-11-05T06:30:00+00:00",
        author="Rodrigue Gozoa",
        source="La Nouvelle République",
        lead=("Par Rodrigue Gozoa",),
        tail=("Source : La Nouvelle République",),
    ),
    Spec(
        "maliactu",
        "coton",
        "https://maliactu.net/mali-la-cmdt-table-sur-780-000-tonnes/",
        "2025-11-18T09:00:00+00:00",
        "2025-11-18",
        meta_iso="2025-11-18T07:00:00+00:00",
        source="Studio Tamani",
        residue="A60P6882-660x380",
        tail=("Source : Studio Tamani",),
    ),
    Spec(
        "maliactu",
        "eleveurs",
        "https://maliactu.net/mali-les-eleveurs-reclament-plus-de-vaccins/",
        "2025-11-05T09:00:00+00:00",
        "2025-11-04",
        date_text="Publié le mardi 4 novembre 2025 à 14h20",
    ),
    Spec(
        "maliactu",
        "budget",
        "https://maliactu.net/mali-le-cnt-adopte-le-budget-2026/",
        "2025-11-28T09:00:00+00:00",
        "2025-11-27",
        meta_iso="2025-11-27T20:00:00+00:00",
        source="Mali Tribune",
        tail=("@salifdiarrah", "Source : Mali Tribune"),
    ),
    Spec(
        "maliactu",
        "aes",
        "https://maliactu.net/mali-aes-la-banque-confederale-validee/",
        "2025-09-12T09:00:00+00:00",
        "2025-09-11",
        meta_iso="2025-09-11T16:00:00+00:00",
        inner=("Lire aussi : Niger : nouvelle interdiction d’exporter du bétail",),
    ),
    Spec(
        "maliactu",
        "justice",
        "https://maliactu.net/mali-ouverture-de-la-session-de-la-cour-dassises/",
        "2025-11-06T09:00:00+00:00",
        "2025-11-05",
        date_text="05/11/2025",
        author="A. Kalambry",
        tail=("A. Kalambry",),
    ),
    Spec(
        "maliactu",
        "diplomates",
        "https://maliactu.net/mali-les-diplomates-invites-au-bamex/",
        "2025-12-16T12:00:00+00:00",
        "2025-12-16",
        meta_iso="2025-12-16T10:00:00+00:00",
        author="Bureau de l’Information et de la Presse",
        tail=("Bureau de l’Information et de la Presse/MAECI",),
    ),
    # malijet: windows-1252, "Date : ...", inline "À lire aussi", "Name/Malijet.com" signatures
    Spec(
        "malijet",
        "bamex",
        "https://malijet.com/a_la_une_du_mali/310211-bamex-2026-le-comite-dorganisation-presente-le-p.html",
        "2025-11-12T12:00:00+00:00",
        "2025-11-12",
        date_text="12 novembre 2025",
        source_field="Malijet",
        author="S. Guindo",
        inner=ALSO,
        tail=("S. Guindo/Malijet.com",),
        encoding="cp1252",
    ),
    Spec(
        "malijet",
        "kidal",
        "https://malijet.com/actualte_dans_les_regions_du_mali/310540-kidal-une-vingtaine-decoles-rouvrent-leurs-port.html",
        "2025-12-04T08:00:00+00:00",
        "2025-12-03",
        date_text="3 décembre 2025",
        source_field="Le Républicain",
        source="Le Républicain",
        author="Faïnké Fakara",
        inner=ALSO,
        tail=("Faïnké Fakara",),
        encoding="cp1252",
    ),
    Spec(
        "malijet",
        "carburant",
        "https://malijet.com/a_la_une_du_mali/305117-carburant-la-situation-sameliore-a-bamako.html",
        "2025-08-16T08:00:00+00:00",
        "2025-08-15",
        date_text="15 août 2025",
        source_field="Malijet",
        author="Zana",
        mojibake="mixed",
        body_text=opening(
            "carburant",
            "Depuis le 1er août, les files d’attente se sont nettement "
            "raccourcies devant les stations-service de Bamako grâce aux convois "
            "de citernes escortés par l’armée.",
        ),
        tail=("Zana/Malijet.com",),
    ),
    Spec(
        "malijet",
        "vivres",
        "https://malijet.com/la_societe_malienne_aujourdhui/310990-tombouctou-12-000-menages-recoivent-des-vivre.html",
        "2025-12-04T08:00:00+00:00",
        "2025-12-03",
        date_text="3 décembre 2025",
        source_field="Studio tamani",
        source="Studio tamani",
        mojibake="replacement",
        body_text=opening(
            "vivres",
            "Douze mille ménages vulnérables de la région de Tombouctou "
            "ont reçu des vivres entre le 10 novembre et le 2 décembre dans le cadre du "
            "plan national de réponse à l’insécurité alimentaire.",
        ),
        tail=("……..Studio tamani",),
    ),
    Spec(
        "malijet",
        "aes",
        "https://malijet.com/actualite_internationale/308802-aes-les-ministres-des-finances-valident-la-ba.html",
        "2025-09-12T08:00:00+00:00",
        "2025-09-11",
        date_text="11 septembre 2025",
        source_field="Agence Anadolu",
        source="Agence Anadolu",
        tail=(".......Agence Anadolu",),
        encoding="cp1252",
    ),
    Spec(
        "malijet",
        "justice",
        "https://malijet.com/la_societe_malienne_aujourdhui/310020-justice-ouverture-de-la-session-de-la-cour-da.html",
        "2025-11-06T08:00:00+00:00",
        "2025-11-05",
        date_text="5 novembre 2025",
        source_field="Le Républicain",
        source="Le Républicain",
        author="Moussa Dagnoko",
        inner=ALSO,
        tail=("Moussa Dagnoko", "NB: Le titre est de la rédaction"),
        encoding="cp1252",
    ),
    Spec(
        "malijet",
        "energie",
        "https://malijet.com/a_la_une_du_mali/311408-energie-une-centrale-solaire-de-50-megawatts.html",
        "2025-12-09T08:00:00+00:00",
        "2025-12-08",
        date_text="8 décembre 2025",
        source_field="Présidence de la République du Mali",
        source="Présidence de la République du Mali",
        encoding="cp1252",
        tail=("Source : Présidence de la République du Mali",),
    ),
    Spec(
        "malijet",
        "menaka",
        "https://malijet.com/a_la_une_du_mali/311002-menaka-les-fama-securisent-la-foire-hebdoma.html",
        "2025-12-03T08:00:00+00:00",
        "2025-12-02",
        date_text="2 décembre 2025",
        source_field="Fama",
        source="Fama",
        author="Oumou Diakité",
        tail=("1ère Cl Oumou Diakité",),
        encoding="cp1252",
    ),
    # aBamako: iso-8859-1 in a meta tag, entities, "Publié le <date> | <source>"
    Spec(
        "abamako",
        "budget",
        "https://news.abamako.com/h/312204.html",
        "2025-11-21T08:00:00+00:00",
        "2025-11-20",
        date_text="jeudi 20 novembre 2025",
        source_field="L'Essor",
        source="L'Essor",
        author="Bourama Kéïta",
        tail=("Bourama Kéïta",),
        encoding="cp1252",
    ),
    Spec(
        "abamako",
        "examens",
        "https://news.abamako.com/h/311876.html",
        "2025-11-06T08:00:00+00:00",
        "2025-11-05",
        date_text="05/11/2025",
        source_field="L'Indépendant",
        source="L'Indépendant",
        author="Cyrille Coulibaly",
        tail=("Cyrille Coulibaly",),
        encoding="cp1252",
    ),
    Spec(
        "abamako",
        "sante",
        "https://news.abamako.com/h/314020.html",
        "2026-01-02T08:00:00+00:00",
        "2026-01-01",
        date_text="1er janv. 2026",
        source_field="Le Républicain",
        source="Le Républicain",
        author="A Dicko",
        tail=("A Dicko",),
        encoding="cp1252",
    ),
    Spec(
        "abamako",
        "riz",
        "https://news.abamako.com/h/312001.html",
        "2025-11-13T08:00:00+00:00",
        "2025-11-12",
        date_text="Mercredi, 12 Novembre 2025",
        source_field="Info Matin",
        source="Info Matin",
        author="SIKOU BAH",
        tail=("PAR SIKOU BAH",),
        encoding="cp1252",
    ),
    Spec(
        "abamako",
        "routes",
        "https://news.abamako.com/h/312377.html",
        "2025-11-25T08:00:00+00:00",
        "2025-11-24",
        date_text="24 novembre 2025",
        source_field="AMAP",
        source="AMAP",
        tail=("AMAP",),
        encoding="cp1252",
    ),
    Spec(
        "abamako",
        "football",
        "https://news.abamako.com/h/311750.html",
        "2025-11-15T08:00:00+00:00",
        "2025-11-14",
        date_text="14/11/2025",
        source_field="Le Challenger",
        source="Le Challenger",
        author="Khaly-Moustapha LEYE",
        tail=("Khaly-Moustapha LEYE",),
        encoding="cp1252",
    ),
    # L'Essor: a single <h1>, dates in the URL, teasers ending ".." after the signature
    Spec(
        "lessor",
        "diplomates",
        lessor_url(
            "bamex-2026-les-diplomates-invites-a-mobiliser-leurs-gouvernements", "2025-12-16", 1
        ),
        "2025-12-16T12:00:00+00:00",
        "2025-12-16",
        author="Aboubacar TRAORE",
        body_text=opening(
            "diplomates",
            "Le ministre des Affaires étrangères, Abdoulaye Diop, a "
            "réuni hier lundi 15 décembre le corps diplomatique accrédité au Mali "
            "pour présenter le bilan de la première édition du Bamex.",
        ),
        tail=("Aboubacar TRAORE", *LESSOR_TEASERS),
    ),
    Spec(
        "lessor",
        "coton",
        lessor_url("campagne-cotonniere-la-cmdt-table-sur-780-000-tonnes", "2025-11-12", 2),
        "2025-11-12T15:00:00+00:00",
        "2025-11-12",
        date_text="Mercredi, 12 Novembre 2025",
        author="Ahmadou CISSE",
        tail=("Ahmadou CISSE",),
    ),
    Spec(
        "lessor",
        "sante",
        lessor_url("paludisme-lancement-de-la-chimioprevention-saisonniere", "2025-07-03", 3),
        "2025-07-03T15:00:00+00:00",
        "2025-07-03",
        author="Rédaction Lessor",
        tail=("Rédaction Lessor",),
        variant="wrapped",
    ),
    Spec(
        "lessor",
        "eleveurs",
        lessor_url("mopti-les-eleveurs-reclament-plus-de-vaccins", "2025-10-27", 4),
        "2025-10-28T08:00:00+00:00",
        "2025-10-27",
        author="Mariam F. Diallo",
        tail=("Mariam F. Diallo", *LESSOR_TEASERS),
    ),
    Spec(
        "lessor",
        "budget",
        lessor_url("le-cnt-adopte-le-budget-detat-2026", "2025-11-28", 5),
        "2025-11-28T15:00:00+00:00",
        "2025-11-28",
        author="Alassane AHAMADOU",
        tail=("Stagiaire Alassane AHAMADOU",),
    ),
    Spec(
        "lessor",
        "kidal",
        lessor_url("kidal-une-vingtaine-decoles-rouvrent-leurs-portes", "2025-11-04", 6),
        "2025-11-04T15:00:00+00:00",
        "2025-11-04",
        author="Broulaye Koné",
        tail=("Broulaye Koné, Stagiaire", *LESSOR_TEASERS),
    ),
    Spec(
        "lessor",
        "hivernage",
        lessor_url("hivernage-des-inondations-font-des-sinistres-a-bamako", "2025-08-18", 7),
        "2025-08-18T15:00:00+00:00",
        "2025-08-18",
        author="M .Keita",
        tail=("M .Keita",),
    ),
    # journaldumali: WordPress, /YYYY/MM/DD/slug/
    Spec(
        "journaldumali",
        "energie",
        f"{JDM}/2025/11/05/energie-une-centrale-solaire-inauguree-a-safo/",
        "2025-11-05T18:00:00+00:00",
        "2025-11-05",
        meta_iso="2025-11-05T11:00:00+00:00",
        time_iso="2025-11-05T11:00:00+00:00",
        date_text="5 novembre 2025",
        author="Boubacar Sidiki Haidara",
        tail=("Boubacar Sidiki Haidara",),
    ),
    Spec(
        "journaldumali",
        "or",
        f"{JDM}/2025/10/30/mines-la-production-dor-industriel-en-hausse/",
        "2025-11-02T08:00:00+00:00",
        "2025-10-30",
        author="Olivia Dembélé",
        tail=("Olivia Dembélé",),
    ),
    Spec(
        "journaldumali",
        "football",
        f"{JDM}/2025/12/01/football-les-aigles-qualifies-pour-la-can/",
        "2025-12-02T08:00:00+00:00",
        "2025-12-01",
        date_text="1er déc. 2025",
        author="Idrissa Sangaré",
        tail=("Idrissa Sangaré",),
    ),
    Spec(
        "journaldumali",
        "segou",
        f"{JDM}/2025/08/09/segou-le-festival-sur-le-niger-devoile-son-programme/",
        "2025-08-10T08:00:00+00:00",
        "2025-08-09",
        date_text="9 août 2025",
        author="Aly Asmane Ascofaré",
        mojibake="utf8-as-cp1252",
        tail=("Aly Asmane Ascofaré",),
    ),
    Spec(
        "journaldumali",
        "hivernage",
        f"{JDM}/2025/08/25/hivernage-des-inondations-a-bamako/",
        "2025-08-25T18:00:00+00:00",
        "2025-08-25",
        meta_iso="2025-08-25T10:00:00+00:00",
        author="Fatoumata Coulibaly",
        lead=("Par Fatoumata Coulibaly",),
    ),
    Spec(
        "journaldumali",
        "aes",
        f"{JDM}/2025/09/11/aes-la-banque-confederale-validee/",
        "2025-09-11T18:00:00+00:00",
        "2025-09-11",
        meta_iso="2025-09-11T12:00:00+00:00",
        author="Massiré Diop",
        tail=("Massiré Diop",),
    ),
    Spec(
        "journaldumali",
        "justice",
        f"{JDM}/2025/11/05/justice-ouverture-de-la-session-de-la-cour-dassises/",
        "2025-11-06T09:00:00+00:00",
        "2025-11-05",
        date_text="hier à 18h",
        author="Aïssatou Cissé",
        tail=("Aïssatou Cissé",),
    ),
    # Studio Tamani: dates in titles, audio furniture
    Spec(
        "studiotamani",
        "titres",
        "https://www.studiotamani.org/171204-les-titres-du-12-mars-2025-soir",
        "2025-03-12T21:00:00+00:00",
        "2025-03-12",
        date_text="il y a 3 heures",
        tail=STUDIO_JOURNALS,
    ),
    Spec(
        "studiotamani",
        "magazine",
        "https://www.studiotamani.org/180311-le-magazine-du-21-septembre-2025",
        "2025-09-22T08:00:00+00:00",
        "2025-09-21",
        date_text="hier à 18h",
        tail=STUDIO_MAGAZINE,
    ),
    Spec(
        "studiotamani",
        "sante",
        "https://www.studiotamani.org/178020-paludisme-lancement-de-la-chimioprevention",
        "2025-07-04T08:00:00+00:00",
        "2025-07-03",
        meta_iso="2025-07-03T17:00:00+00:00",
        time_iso="2025-07-03T17:00:00+00:00",
        date_text="3 juillet 2025",
        tail=("Fichier audio non disponible.",),
    ),
    Spec(
        "studiotamani",
        "eleveurs",
        "https://www.studiotamani.org/181544-mopti-les-eleveurs-reclament-plus-de-vaccins",
        "2025-10-28T08:00:00+00:00",
        "2025-10-27",
        meta_iso="2025-10-27T17:00:00+00:00",
        time_iso="2025-10-27T17:00:00+00:00",
        date_text="27 octobre 2025",
        author="Bandiougou Danté",
        tail=("Bandiougou Danté", "Télécharger"),
    ),
    Spec(
        "studiotamani",
        "menaka",
        "https://www.studiotamani.org/183090-menaka-les-fama-securisent-la-foire",
        "2025-12-03T08:00:00+00:00",
        "2025-12-02",
        meta_iso="2025-12-02T17:00:00+00:00",
        time_iso="2025-12-02T17:00:00+00:00",
        date_text="2 décembre 2025",
        tail=("Télécharger",),
    ),
    Spec(
        "studiotamani",
        "kidal",
        "https://www.studiotamani.org/182650-kidal-une-vingtaine-decoles-rouvrent",
        "2025-11-06T08:00:00+00:00",
        "2025-11-05",
        date_text="05/11/2025",
        tail=("Fichier audio non disponible.",),
    ),
    # Sahel Tribune: PenciDesign, "by <author>" meta, a header clock to ignore
    Spec(
        "saheltribune",
        "aes",
        "https://saheltribune.com/aes-la-banque-confederale-sur-les-rails/",
        "2025-09-12T10:00:00+00:00",
        "2025-09-11",
        meta_iso="2025-09-11T09:00:00+00:00",
        time_iso="2025-09-11T09:00:00+00:00",
        date_text="11 septembre 2025",
        byline=SAHEL_TRIBUNE_BYLINE,
        author=SAHEL_TRIBUNE_BYLINE,
    ),
    Spec(
        "saheltribune",
        "or",
        "https://saheltribune.com/mines-la-production-dor-en-hausse/",
        "2025-09-12T10:00:00+00:00",
        "2025-07-28",
        date_text="28 juillet 2025",
        byline=SAHEL_TRIBUNE_BYLINE,
        author=SAHEL_TRIBUNE_BYLINE,
    ),
    Spec(
        "saheltribune",
        "routes",
        "https://saheltribune.com/la-route-kati-kolokani-bientot-achevee/",
        "2025-09-12T10:00:00+00:00",
        "2025-09-10",
        meta_iso="2025-09-10T09:00:00+00:00",
        time_iso="2025-09-10T09:00:00+00:00",
        date_text="10 septembre 2025",
    ),
    Spec(
        "saheltribune",
        "examens",
        "https://saheltribune.com/def-2025-un-taux-de-reussite-de-61/",
        "2025-09-12T10:00:00+00:00",
        "2025-08-20",
        date_text="20 août 2025",
        byline="Mohamed Camara",
        author="Mohamed Camara",
    ),
    # harder shapes: interviews, lists, captions, comments, short teasers, a second date
    Spec(
        "journaldumali",
        "entretien",
        f"{JDM}/2025/10/14/moussa-sidibe-nous-attendons-nos-paiements/",
        "2025-10-14T18:00:00+00:00",
        "2025-10-14",
        meta_iso="2025-10-14T09:00:00+00:00",
        author="Ousmane Tangara",
        tail=("Propos recueillis par Ousmane Tangara",),
    ),
    Spec(
        "maliactu",
        "mesures",
        "https://maliactu.net/mali-des-mesures-pour-les-hopitaux/",
        "2025-11-20T09:00:00+00:00",
        "2025-11-19",
        meta_iso="2025-11-19T19:00:00+00:00",
        source="ORTM",
        variant="list",
        tail=("Source : ORTM",),
    ),
    Spec(
        "malijet",
        "riz",
        "https://malijet.com/la_societe_malienne_aujourdhui/311655-office-du-niger-la-recolte-de-riz-sannonce-b.html",
        "2025-11-25T08:00:00+00:00",
        "2025-11-24",
        date_text="24 novembre 2025",
        source_field="Malijet",
        author="A.T.Dansoko",
        inner=ALSO,
        tail=("A.T.Dansoko/Malijet.com",),
        variant="dir-auto",
        encoding="cp1252",
    ),
    Spec(
        "journaldumali",
        "carburant",
        f"{JDM}/2025/11/05/carburant-la-situation-sameliore/",
        "2025-11-06T12:00:00+00:00",
        "2025-11-05",
        date_text="Publié le 05/11/2025",
        author="Aïssatou Cissé",
        tail=("Aïssatou Cissé",),
        variant="updated",
    ),
    Spec(
        "bamada",
        "budget",
        "https://bamada.net/le-cnt-adopte-le-budget-detat-2026",
        "2025-11-28T09:00:00+00:00",
        "2025-11-27",
        meta_iso="2025-11-27T21:00:00+00:00",
        time_iso="2025-11-27T21:00:00+00:00",
        date_text="27/11/2025",
        source="Le Pays",
        tail=("Source : Le Pays", FACEBOOK),
        variant="comments",
    ),
    Spec(
        "bamada",
        "breve",
        "https://bamada.net/guinee-le-referendum-constitutionnel-fixe",
        "2025-06-02T09:00:00+00:00",
        "2025-06-01",
        meta_iso="2025-06-01T18:00:00+00:00",
        time_iso="2025-06-01T18:00:00+00:00",
        date_text="01/06/2025",
        source="Jeune Afrique",
        tail=("Source : Jeune Afrique", FACEBOOK),
    ),
    Spec(
        "studiotamani",
        "coton",
        "https://www.studiotamani.org/182010-la-cmdt-table-sur-780-000-tonnes",
        "2025-11-18T08:00:00+00:00",
        "2025-11-17",
        meta_iso="2025-11-17T17:00:00+00:00",
        time_iso="2025-11-17T17:00:00+00:00",
        date_text="17 novembre 2025",
        caption="Des producteurs de coton à Koutiala. Photo : Studio Tamani",
        author="Ousmane Tangara",
        tail=("Ousmane Tangara, correspondant à Koutiala",),
    ),
    Spec(
        "maliweb",
        "segou",
        f"{MW}/culture/segou-le-festival-sur-le-niger-devoile-son-programme-3192001.html",
        "2025-11-09T09:00:00+00:00",
        "2025-11-08",
        meta_iso="2025-11-08T12:00:00+00:00",
        time_iso="2025-11-08T12:00:00+00:00",
        date_text="8 Nov 2025",
        byline="Le Pays",
        source="Le Pays",
        author="Cyrille Coulibaly",
        inner=(
            "Publicité",
            "À lire aussi : Kayes : la saison des pluies retarde la rentrée scolaire",
        ),
        tail=("Cyrille Coulibaly", "Source : Le Pays"),
    ),
    Spec(
        "sahelien",
        "justice",
        "https://sahelien.com/justice-ouverture-de-la-session-de-la-cour/",
        "2025-11-06T10:00:00+00:00",
        "2025-11-05",
        meta_iso="2025-11-05T15:00:00+00:00",
        time_iso="2025-11-05T15:00:00+00:00",
        date_text="5 novembre 2025",
        body_text=(*STORIES["justice"][1], "Affaire à suivre."),
    ),
)


# ---------------------------------------------------------------- pages that are not articles

TEASER_TEXT = (
    "Les autorités ont annoncé de nouvelles mesures pour la saison sèche, après une réunion "
    "tenue à Bamako avec les représentants des collectivités."
)


def teaser_list(tag: str, cls: str, count: int = 8, dated: bool = True) -> str:
    """Listing items: a linked headline, a date and an excerpt each."""
    items = []
    for n in range(count):
        headline = f"{RELATED[n % 3]} ({n + 1})"
        date = (
            f'<time class="entry-date" datetime="2025-11-{n + 1:02d}T09:00:00+00:00">'
            f"{n + 1} novembre 2025</time>"
        )
        items.append(
            f'<{tag} class="{cls}"><h3 class="entry-title"><a'
            f' href="/article-{n}">{esc(headline)}</a>'
            f"</h3>{date if dated else ''}<p>{esc(TEASER_TEXT)}</p></{tag}>"
        )
    return "\n".join(items)


def plain_page(title: str, body: str, head_extra: str = "", body_class: str = "") -> str:
    return (
        head(title, head_extra)
        + f'<body class="{body_class}"><header class="site-header"><nav><ul>'
        f"{menu('Accueil|Politique|Société|Sport')}</ul></nav></header>\n<main>{body}</main>\n"
        "<footer><p>© 2025 – Tous droits réservés</p></footer></body></html>\n"
    )


ABOUT_TEXT = (
    "Sahel Tribune est un média en ligne indépendant fondé à Bamako. Notre rédaction couvre "
    "l’actualité politique, sécuritaire et économique du Mali et des pays du Sahel, avec une "
    "attention particulière aux initiatives locales et à la parole des citoyens.",
    "Nos journalistes vérifient chaque information auprès de plusieurs sources avant publication "
    "et corrigent publiquement leurs erreurs. Pour nous joindre, utilisez le formulaire de"
    " contact.",
)
AD_TEXT = (
    "Bamada.net vous propose plusieurs formats publicitaires pour faire connaître vos produits et "
    "services auprès de milliers de lecteurs maliens chaque jour, au Mali et dans la diaspora.",
    "Bannières en haut de page, habillages, articles sponsorisés et diffusion de communiqués : nos "
    "équipes commerciales préparent avec vous une offre adaptée à votre budget et à vos objectifs.",
    "Contactez notre service commercial par courriel ou par téléphone pour recevoir la grille "
    "tarifaire complète et les statistiques d’audience du site.",
)


def non_articles() -> list[tuple[str, str, str, str]]:
    """(name, site, url, html) of pages a crawler meets that are not articles."""
    yoast_collection = (
        '<meta property="og:type" content="article" />'
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":'
        '[{"@type":"CollectionPage","name":"Archives"}]}</script>'
    )
    return [
        (
            "na-maliweb-home",
            "maliweb",
            f"{MW}/",
            plain_page(
                "maliweb.net - Toute l’actualité du Mali",
                teaser_list("div", "td_module_wrap td_module_flex"),
                '<meta property="og:type" content="website" />',
            ),
        ),
        (
            "na-bamada-category",
            "bamada",
            "https://bamada.net/category/politique/",
            plain_page(
                "Politique Archives – Bamada.net",
                teaser_list("article", "post type-post"),
                '<meta property="og:type" content="article" />',
                "archive category",
            ),
        ),
        (
            "na-maliactu-tag",
            "maliactu",
            "https://maliactu.net/tag/bamex/",
            plain_page(
                "Bamex Archives - Mali Actu", teaser_list("article", "post"), yoast_collection
            ),
        ),
        (
            "na-jdm-author",
            "journaldumali",
            f"{JDM}/author/redaction/",
            plain_page(
                "Rédaction, Auteur à Journal du Mali",
                teaser_list("article", "post"),
                yoast_collection,
                "archive author",
            ),
        ),
        (
            "na-sahelien-contact",
            "sahelien",
            "https://sahelien.com/contact/",
            plain_page(
                "Contact - Sahelien.com",
                "<h1>Contact</h1><p>Pour toute question, écrivez à la rédaction.</p>"
                "<form><input name='email'><textarea></textarea></form>",
            ),
        ),
        (
            "na-saheltribune-about",
            "saheltribune",
            "https://saheltribune.com/a-propos/",
            plain_page(
                "A propos - Sahel Tribune",
                "<h1>A propos</h1>" + p_tags(list(ABOUT_TEXT)),
                '<meta property="og:type" content="article" />',
                "page-template-default page",
            ),
        ),
        (
            "na-maliweb-search",
            "maliweb",
            f"{MW}/?s=bamex",
            plain_page(
                "Vous avez cherché bamex - maliweb.net", teaser_list("div", "td_module_wrap")
            ),
        ),
        (
            "na-bamada-advertising",
            "bamada",
            "https://bamada.net/annoncez-sur-bamada",
            plain_page(
                "Annoncez sur Bamada – Bamada.net",
                '<article class="page type-page"><h1 class="entry-title">Annoncez sur Bamada</h1>'
                f'<div class="entry-content">{p_tags(list(AD_TEXT))}</div></article>',
                '<meta property="og:type" content="article" />'
                '<meta property="article:modified_time" content="2024-03-02T10:00:00+00:00" />',
                "page-template-default page page-id-2231",
            ),
        ),
        (
            "na-lessor-not-found",
            "lessor",
            lessor_url("le-ministre-recoit-les-partenaires", "2025-06-02", 9),
            plain_page(
                "Lessor",
                "<h1>Page non trouvée</h1><p>La page que vous cherchez n’existe pas ou a été"
                " déplacée.</p>"
                '<div class="sidebar"><h4>Les plus lus</h4>'
                + "".join(f"<p>{esc(t)}</p>" for t in LESSOR_TEASERS)
                + "</div>",
            ),
        ),
        (
            "na-maliweb-video",
            "maliweb",
            f"{MW}/video/divers-videos/lutte-contre-le-terrorisme-le-ministre-1425702.html",
            plain_page(
                "Lutte contre le terrorisme : le ministre s’exprime | maliweb.net",
                '<article><h1 class="entry-title">Lutte contre le terrorisme : le ministre'
                " s’exprime</h1>"
                '<time class="entry-date" datetime="2025-11-20T10:00:00+00:00">20 Nov 2025</time>'
                '<div class="td-post-content"><iframe src="https://www.youtube.com/embed/x">'
                "</iframe>"
                "<p>Notre site : http://www.france24.com/fr/</p></div>"
                "<div class='comments'><h4>Commentaires via Facebook :</h4></div></article>",
                '<meta property="og:type" content="article" />'
                '<meta property="article:published_time" content="2025-11-20T10:00:00+00:00" />',
                "single single-post",
            ),
        ),
        (
            "na-malijet-home",
            "malijet",
            "https://malijet.com/",
            plain_page("Malijet - Actualité malienne", teaser_list("div", "card")),
        ),
        (
            "na-abamako-depeches",
            "abamako",
            "https://news.abamako.com/rubriques/depeches.asp",
            plain_page("Dépêches - aBamako.com", teaser_list("div", "depeche", dated=False)),
        ),
        (
            "na-studiotamani-listing",
            "studiotamani",
            "https://www.studiotamani.org/grands-dialogues/",
            plain_page(
                "Grands dialogues Archives - Studio Tamani",
                teaser_list("article", "post"),
                yoast_collection,
                "archive category",
            ),
        ),
        (
            "na-jdm-category",
            "journaldumali",
            f"{JDM}/category/politique/page/2/",
            plain_page(
                "Politique Archives - Page 2 sur 40 - Journal du Mali",
                teaser_list("article", "post"),
            ),
        ),
        (
            "na-saheltribune-blog",
            "saheltribune",
            "https://saheltribune.com/blog/page/263",
            plain_page("Blog - Page 263 - Sahel Tribune", teaser_list("article", "post")),
        ),
        (
            "na-maliactu-section",
            "maliactu",
            "https://maliactu.net/mali-la-une/",
            plain_page(
                "Mali : la une Archives - Mali Actu",
                teaser_list("article", "post"),
                yoast_collection,
                "archive category",
            ),
        ),
    ]


# ---------------------------------------------------------------- writing

_MONTHS_WITH_ACCENTS = ("août", "décembre", "février")


def _mangle(text: str, kind: str) -> str:
    """Text as a broken page shows it: UTF-8 read as windows-1252, or month names lost to U+FFFD."""
    if kind == "utf8-as-cp1252":
        return text.encode("utf-8").decode("cp1252", errors="replace")
    for month in _MONTHS_WITH_ACCENTS:
        text = text.replace(month, "".join(c if c.isascii() else "\ufffd" for c in month))
    return text


def page_bytes(spec: Spec) -> tuple[bytes, list[str]]:
    """The page as served, and the furniture lines of its template."""
    shown = spec
    if spec.mojibake in ("utf8-as-cp1252", "replacement"):
        kind = spec.mojibake
        shown = dataclasses.replace(
            spec,
            date_text=_mangle(spec.date_text or "", kind),
            body_text=tuple(_mangle(p, kind) for p in spec.paragraphs),
            title=_mangle(spec.headline, kind),
        )
    rendered = TEMPLATES[spec.site](shown)
    data = rendered.html.encode(spec.encoding, errors="xmlcharrefreplace")
    if spec.mojibake == "mixed":  # a UTF-8 page whose CMS writes month names in windows-1252
        for month in _MONTHS_WITH_ACCENTS:
            data = data.replace(month.encode("utf-8"), month.encode("cp1252"))
    return data, rendered.chrome


def slug(url: str) -> str:
    tail = [part for part in url.split("/") if part][-1]
    return tail.removesuffix(".html")[:40]


def annotation(spec: Spec, name: str, chrome: list[str]) -> dict:
    paragraphs = list(spec.paragraphs)
    boilerplate = [*spec.lead, *spec.inner, *spec.tail, *chrome]
    if spec.glued:
        boilerplate.append(spec.glued)
    if spec.residue:
        boilerplate.append(spec.residue)
    if spec.caption:
        boilerplate.append(spec.caption)
    return {
        "name": name,
        "site": spec.site,
        "url": spec.url,
        "fetched_at": spec.fetched_at,
        "encoding": spec.encoding,
        "is_article": True,
        "title": spec.headline,
        "body": paragraphs,
        "author": spec.author,
        "source": spec.source,
        "published": spec.published,
        "boilerplate": list(dict.fromkeys(boilerplate)),
    }


def build(gold_dir: Path = GOLD_DIR) -> None:
    """Write every page under `gold_dir`/pages and the annotations to `gold_dir`."""
    pages_dir = gold_dir / "pages"
    pages_dir.mkdir(parents=True, exist_ok=True)
    for old in pages_dir.glob("*.html"):
        old.unlink()
    annotations = []
    for n, spec in enumerate(ARTICLES, 1):
        name = f"{n:02d}-{spec.site}-{slug(spec.url)}"
        data, chrome = page_bytes(spec)
        (pages_dir / f"{name}.html").write_bytes(data)
        annotations.append(annotation(spec, name, chrome))
    for name, site, url, html in non_articles():
        (pages_dir / f"{name}.html").write_bytes(html.encode("utf-8"))
        annotations.append(
            {
                "name": name,
                "site": site,
                "url": url,
                "fetched_at": "2025-12-01T09:00:00+00:00",
                "encoding": "utf-8",
                "is_article": False,
            }
        )
    text = json.dumps(annotations, ensure_ascii=False, indent=1)
    (gold_dir / "annotations.json").write_text(text + "\n", encoding="utf-8")


def main() -> None:
    build()
    print(f"gold set written to {GOLD_DIR}")


if __name__ == "__main__":
    main()
