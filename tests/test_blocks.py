"""Block pages (challenges, captchas, censorship notices) told apart from news pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from malinews.extraction.blocks import block_reason
from malinews.extraction.html import decode_html

DEMO_SITES = Path(__file__).resolve().parents[1] / "malinews" / "scrapers" / "demo_sites"

CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow">
<style>*{box-sizing:border-box;margin:0;padding:0}html{line-height:1.15}</style></head>
<body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">www.ortm.ml</h1>
<h2 id="challenge-running" class="h2">Checking if the site connection is secure</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text" class="core-msg spacer">www.ortm.ml needs to review the security
of your connection before proceeding.</div></div></div>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "www.ortm.ml",cType: 'managed'};
}());</script></body></html>"""

ATTENTION_REQUIRED = """<!DOCTYPE html><html lang="en-US"><head>
<title>Attention Required! | Cloudflare</title><meta charset="UTF-8" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" /></head>
<body><div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">
<h1 data-translate="block_headline">Sorry, you have been blocked</h1>
<h2 class="cf-subheadline">You are unable to access ortm.ml</h2>
<p>This website is using a security service to protect itself from online attacks.</p>
</div></div></body></html>"""

DDOS_GUARD = """<!doctype html><html><head><title>DDoS-Guard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="/.well-known/ddos-guard/check?context=free_splash"></script></head>
<body><div id="ddg-l"><h1>Checking your browser before accessing</h1>
<p>This process is automatic. Your browser will redirect shortly.</p></div></body></html>"""

RECAPTCHA = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Vérification de sécurité</title>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></head>
<body><main><h1>Vérification de sécurité</h1>
<p>Nous avons détecté un trafic inhabituel depuis votre réseau.
Merci de confirmer que vous n’êtes pas un robot.</p>
<form action="/verify" method="post">
<div class="g-recaptcha" data-sitekey="6LdTestKeyAAAAAA"></div>
<button type="submit">Continuer</button></form></main></body></html>"""

CENSORSHIP_FR = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Accès restreint</title></head>
<body><div class="notice"><img src="/logo-operateur.png" alt="">
<h1>Ce site a été bloqué</h1>
<p>L’accès à ce site a été restreint conformément à une décision des autorités compétentes.</p>
<p>Pour toute réclamation, contactez le service client au 7400.</p></div></body></html>"""

CENSORSHIP_EN = """<html><head><title>Blocked</title></head><body>
<h2>Access to this website has been restricted</h2>
<p>By order of the regulator, access to this website has been blocked.</p></body></html>"""

CENSORSHIP_ENTITIES = """<html><head><title>Site suspendu</title></head><body>
<p>Ce site est suspendu sur d&eacute;cision de la Haute Autorit&eacute; de la
Communication.</p></body></html>"""

NAV = " ".join(
    f'<li><a href="/{slug}/">{label}</a></li>'
    for slug, label in (
        ("politique", "Politique"),
        ("economie", "Économie"),
        ("societe", "Société"),
        ("securite", "Sécurité"),
        ("sport", "Sport"),
        ("culture", "Culture"),
        ("international", "International"),
        ("contact", "Contact"),
    )
)


def news_page(title: str, paragraphs: list[str], extra_head: str = "", extra_body: str = "") -> str:
    """A news article page as a Malian site serves it: menu, article, sidebar, footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="UTF-8">
<title>{title} - Le Républicain Mali</title>
<meta property="og:title" content="{title}">{extra_head}</head>
<body><header><nav><ul>{NAV}</ul></nav></header>
<main><article><h1 class="entry-title">{title}</h1>
<div class="entry-meta">Publié le 16 décembre 2025 par Moussa Traoré</div>
<div class="entry-content">{body}</div></article>
<aside><h3>Les plus lus</h3><ul>
<li><a href="/a1">Coton : le Mali vise une production record pour la campagne 2025-2026</a></li>
<li><a href="/a2">Kidal : reprise des cours dans une vingtaine d’écoles</a></li>
<li><a href="/a3">Ségou : les organisateurs du Festival sur le Niger dévoilent le programme</a></li>
</ul></aside>{extra_body}</main>
<footer><p>© 2025 Le Républicain Mali. Tous droits réservés.</p></footer></body></html>"""


ROAD_BLOCKED = news_page(
    "Kati : la route nationale bloquée par des manifestants",
    [
        "La circulation sur la route nationale 3 a été perturbée ce lundi à Kati. Dès 7 heures, "
        "la route a été bloquée par des manifestants qui réclamaient le retour de l’électricité "
        "dans plusieurs quartiers de la ville.",
        "Selon un commerçant du marché central, les coupures durent depuis trois semaines. « Nos "
        "congélateurs ne servent plus à rien, le poisson se gâte », a-t-il expliqué.",
        "Les forces de l’ordre sont intervenues en milieu de matinée pour dégager la chaussée. "
        "Aucun blessé n’a été signalé. Le maire a promis une rencontre avec la société "
        "d’énergie avant la fin de la semaine.",
    ],
)

SITE_BLOCKED_STORY = news_page(
    "Médias : un site d’information bloqué par les autorités",
    [
        "Un site d’information en ligne a été bloqué par les autorités ce week-end, selon "
        "plusieurs organisations de défense de la presse. Les internautes qui tentent de s’y "
        "connecter voient s’afficher le message « Ce site a été bloqué ».",
        "La Haute Autorité de la Communication n’a pas encore réagi. Le directeur de "
        "publication dit n’avoir reçu aucune notification écrite et envisage un recours.",
        "Pour contourner le blocage, certains lecteurs remplissent un captcha sur des services "
        "de proxy, une pratique que les spécialistes déconseillent.",
    ],
)

SUSPENDED_HEADLINE = news_page(
    "Joliba TV News suspendue sur décision de la HAC",
    [
        "La chaîne privée Joliba TV News a été suspendue sur décision de la Haute Autorité de "
        "la Communication, a annoncé le régulateur dans un communiqué lu mardi soir.",
        "Le régulateur reproche à la chaîne des propos jugés diffamatoires envers un pays "
        "voisin. La direction de la chaîne conteste la mesure et annonce un recours devant la "
        "section administrative de la Cour suprême.",
    ],
)

COMMENT_FORM = news_page(
    "Bamex 2026 : les diplomates invités à mobiliser leurs gouvernements",
    [
        "Le ministre des Affaires étrangères a réuni lundi le corps diplomatique pour présenter "
        "les résultats de la première édition du salon de la défense et de la sécurité.",
        "La deuxième édition est prévue en novembre 2026 à Bamako, a-t-il indiqué.",
    ],
    extra_head='<script src="https://www.google.com/recaptcha/api.js?render=6LdKey"></script>',
    extra_body='<form id="commentform"><textarea name="comment"></textarea>'
    '<div class="g-recaptcha" data-sitekey="6LdKey"></div><button>Publier</button></form>',
)

SHORT_BRIEF = """<html><head><title>Brève</title></head><body><h1>Circulation</h1>
<p>Le pont des Martyrs sera bloqué à la circulation samedi de 8 h à 12 h pour des travaux
d’entretien. Les automobilistes sont invités à emprunter le pont Fahd.</p></body></html>"""


@pytest.mark.parametrize(
    ("status", "page", "reason"),
    [
        (403, CLOUDFLARE_CHALLENGE, "challenge"),
        (503, CLOUDFLARE_CHALLENGE, "challenge"),
        (403, ATTENTION_REQUIRED, "challenge"),
        (200, DDOS_GUARD, "challenge"),
        (200, RECAPTCHA, "captcha"),
        (200, CENSORSHIP_FR, "censorship"),
        (451, CENSORSHIP_EN, "censorship"),
        (200, CENSORSHIP_ENTITIES, "censorship"),
        (403, "<html><body><h1>403 Forbidden</h1><hr>nginx</body></html>", "http-403"),
        (429, "", "http-429"),
    ],
)
def test_block_pages_are_recognised(status: int, page: str, reason: str) -> None:
    assert block_reason(status, page) == reason


@pytest.mark.parametrize(
    "page", [ROAD_BLOCKED, SITE_BLOCKED_STORY, SUSPENDED_HEADLINE, COMMENT_FORM, SHORT_BRIEF]
)
def test_news_mentioning_blocks_or_captchas_is_content(page: str) -> None:
    assert block_reason(200, page) is None


def test_challenge_title_wins_over_a_long_page() -> None:
    """A challenge is recognised by its title even when the page carries a lot of text."""
    page = CLOUDFLARE_CHALLENGE.replace("</body>", "<p>" + "Texte de remplissage. " * 200 + "</p>")
    assert block_reason(200, page) == "challenge"


def test_other_errors_and_empty_pages_are_not_blocks() -> None:
    assert block_reason(404, "<html><body><h1>Page introuvable</h1></body></html>") is None
    assert block_reason(500, "") is None
    assert block_reason(200, "") is None


def test_no_demo_site_page_is_a_block_page() -> None:
    pages = sorted(DEMO_SITES.rglob("*.html"))
    assert len(pages) >= 10
    flagged = [p for p in pages if block_reason(200, decode_html(p.read_bytes()))]
    assert flagged == []
