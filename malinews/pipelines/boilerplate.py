"""Body paragraphs → clean body, author and source newspaper, with every removal explained.

Input paragraphs are already normalised (`pipelines.clean`) but still carry the site's furniture:
social prompts, radio widgets, "À lire aussi" blocks, copyright lines, the author signature,
a "Source: LE COMBAT" line, L'Essor teaser blurbs (see docs/sites.md for where each is seen).

Removal reasons: "phrase", "site-phrase", "learned", "title", "signature", "source", "residue",
"teaser". A removal that cuts only part of a paragraph (an image file name glued to the first
sentence, a pic.twitter.com link, a signature glued after the last sentence) records the cut
fragment as its "line"; a whole removed paragraph is recorded as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from malinews.article import Article
from malinews.core.text import fold
from malinews.pipelines.stage import Stage, drop_item
from malinews.sites.profile import SiteProfile

GLOBAL_PHRASES: tuple[str, ...] = (
    # social, comments, subscription
    "Suivez-nous sur Facebook pour ne rien rater de l'actualité malienne",
    "Commentaires via Facebook :",
    "Boîte de commentaires Facebook",
    "Leave a Reply",
    "Laisser un commentaire",
    "Vous devez être connecté pour publier un commentaire.",
    "Your email address will not be published.",
    "Required fields are marked *",
    "Partager :",
    "Partager sur Facebook",
    "Partager sur X",
    "Partager sur Twitter",
    "Partager sur WhatsApp",
    "Share this:",
    "Like this:",
    "J'aime chargement…",
    "Subscribe to get the latest posts sent to your email",
    "Saisissez votre adresse e-mail",
    "Abonnez-vous",
    "N'oubliez pas de laisser votre avis en commentaire !",
    "Rejoignez notre chaîne WhatsApp",
    "Rejoignez notre chaîne Telegram",
    "Suivez-nous sur Google News",
    "Inscrivez-vous à notre newsletter",
    "Abonnez-vous à notre newsletter",
    # radio and TV promotions
    "Ecoutez les radios du Mali sur vos mobiles et tablettes",
    "Ecoutez la radio sur vos mobiles et tablettes",
    "ORTM en direct",
    "Africable en direct",
    "Regardez ORTM en direct sur vos téléphones et tablettes",
    "RADIO FM MALI : ECOUTER LIVE !",
    # related content and read-more
    "À lire aussi",
    "Lire aussi :",
    "Voir aussi",
    "Vous allez aimer lire ces articles",
    "Articles similaires",
    "En savoir plus",
    "Lire la suite",
    "Voir Plus »",
    # widgets and page furniture
    "Getting your Trinity Audio player ready...",
    "Connect with us",
    "Fichier audio non disponible.",
    "Télécharger",
    "Auteur/Autrice",
    "Voir toutes les publications",
    "Publicité",
    "Tous droits réservés",
    "NB: Le titre est de la rédaction",
)

RELATED_MAX = 3  # headlines removed after an "À lire aussi" line
LONG_WORDS = 40  # a paragraph longer than this is never removed for a phrase prefix
SHORT_WORDS = 6  # a line this short that begins with a widget phrase is furniture

_RELATED_OPENERS = (  # line_key forms of the lines that open a block of related headlines
    "a lire aussi",
    "lire aussi",
    "voir aussi",
    "vous allez aimer lire ces articles",
    "articles similaires",
    # the same blocks on English pages (Sahelien's English edition, wire copy)
    "read more",
    "don t miss",
    "related articles",
)
# "Rejoignez notre chaîne WhatsApp pour recevoir nos articles en temps réel": a channel prompt,
# whatever follows the channel's name (line_key form).
_CHANNEL_PROMPT = re.compile(
    r"^(?:rejoignez|suivez|abonnez vous|inscrivez vous)(?: \w+){0,4} "
    r"(?:whatsapp|telegram|google news|newsletter)\b"
)
PROMPT_MAX_WORDS = 20
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
# A share bar as text: "Partager : Facebook | Twitter | WhatsApp", "Facebook Twitter E-mail".
_SHARE_BAR = re.compile(
    r"^(?:(?:partager|partagez|share)(?:\s+(?:sur|on|this|cet article))?\s*:?\s*)?"
    r"(?:(?:facebook|twitter|x|whatsapp|linkedin|telegram|messenger|pinterest|e-?mail|"
    r"imprimer|print)(?:\s*[|,•·/-]\s*|\s+|$))+$",
    re.IGNORECASE,
)
_SENTENCE_PUNCT_END = re.compile(r"[.!?…]$")

_GLUED_IMAGE = re.compile(
    r"^(?:[\w-]*-\d{2,4}x\d{2,4}|[0-9a-f]{8}-[0-9a-f-]{27}|\d+_\d+_\d+_n"
    r"|[\w-]+\.(?:jpe?g|png|gif|webp))(?:\.(?:jpe?g|png|gif|webp))?\s*",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_TWITTER_PIC = re.compile(r"\s*pic\.twitter\.com/\S+")
_EXTERNAL_LINK = re.compile(r"\s*\(link is external\)")  # Drupal link marker in copied UN texts
_RESIDUE_LINE = re.compile(r"^(?:@\w+:?|\d{1,5})$")
# A bare URL line is residue only when it is an embed that did not render (a social post or
# video left as its address) or a media file's address; any other link on its own line is one
# the author wrote into the article ("1) Lego Star Wars", then its shop link) and is kept.
_EMBED_HOSTS = (
    r"facebook\.com|fb\.watch|instagram\.com|twitter\.com|x\.com|youtube\.com|youtu\.be"
    r"|tiktok\.com|vimeo\.com|dailymotion\.com|soundcloud\.com"
)
_RESIDUE_URL = re.compile(
    rf"^(?:https?://)?(?:(?:www|m|mobile|pic)\.)?(?:{_EMBED_HOSTS})/\S*$"
    r"|^https?://\S+\.(?:jpe?g|png|gif|webp|svg|mp3|m4a|ogg|wav|mp4|webm)(?:\?\S*)?$",
    re.IGNORECASE,
)

_SOURCE_LINE = re.compile(r"^\s*Source\s*:\s*(.+)$", re.IGNORECASE)
_WIRE_DOTS = re.compile(r"^\s*[.…]{3,}\s*(\S.*)$")
_WIRES = {"amap": "AMAP", "afp": "AFP", "reuters": "Reuters", "xinhua": "Xinhua", "aps": "APS"}
# "… l'organisation régionale. (AFP)", "… à Ségou – AMAP": a wire tag closing the last paragraph.
_TRAILING_WIRE = re.compile(
    rf"\s*(?:\((?P<paren>{'|'.join(_WIRES)})\)|\s[–—-]\s*(?P<dash>{'|'.join(_WIRES)}))\.?$",
    re.IGNORECASE,
)
OPENING_SOURCE_WORDS = 4  # a source named in the first paragraph is a short title
_TEASER_END = re.compile(r"(?:\.{2,}|…)$")

_BYLINE_PREFIX = re.compile(
    r"^(?:propos\s+recueillis\s+par|rassembl[ée]e?s?\s+par|r[ée]alis[ée]e?s?\s+par|par)\s+",
    re.IGNORECASE,
)
_ROLE = (  # roles and the lower military ranks of FAMa signatures ("1ère Cl Oumou Diakité")
    r"(?:stagiaire|correspondante?|envoy[ée]e?\s+sp[ée]ciale?|[12](?:[èe]re|[èe]me|e|er)\s+cl\.?"
    r"|sergent(?:-chef)?|caporal(?:-chef)?|adjudant(?:-chef)?|lieutenant|capitaine)"
)
_ROLE_PREFIX = re.compile(rf"^{_ROLE}\s+", re.IGNORECASE)
_ROLE_SUFFIX = re.compile(  # "Broulaye Koné, Stagiaire", "Ousmane Tangara, correspondant à Mopti"
    rf"\s*,\s*{_ROLE}(?:\s+(?:à|a|au|en|dans\s+la)\s+[^\W\d][\w’'-]*)?$", re.IGNORECASE
)
_OUTLET_SUFFIX = re.compile(r"\s*/\s*[\w.\- ]{2,30}$")  # "S. Guindo/Malijet.com"
_ELISION = re.compile(r"^[dl]['’]", re.IGNORECASE)  # "l’Information" in "Bureau de l’Information"
_NAME_PARTICLES = frozenset({"de", "du", "des", "la", "le", "ben", "ould", "dit", "el", "ag", "al"})
_ARTICLES = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "ce", "cette"})
_INSTITUTIONS = frozenset({"redaction", "direction", "cellule", "bureau", "service"})
INSTITUTION_WORDS = 9  # "Bureau de l’Information et de la Presse" signs a communiqué
_SENTENCE_END = re.compile(r"\s?[.!?…]\s+")


@dataclass
class Stripped:
    """A body without furniture, plus what was taken out of it."""

    paragraphs: list[str]  # body only: no boilerplate, no signature, no source line
    author: str | None
    source: str | None  # original newspaper named in the body, e.g. "LE COMBAT"
    removed: list[dict]  # {"line": ..., "reason": ...} in body order


_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)
def line_key(line: str) -> str:
    """Casefolded, accent-free, punctuation-free, single-spaced form of a line, for matching."""
    return " ".join(_NON_WORD.sub(" ", fold(line)).split())


class _Phrases:
    """A phrase list matched against whole lines (exactly, or as a line made of phrases)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.keys = {key for key in map(line_key, phrases) if key}
        self._longest_first = sorted(self.keys, key=len, reverse=True)

    def _strip_prefixes(self, key: str) -> tuple[int, str]:
        """Remove leading phrases one after another: (number of phrase words removed, rest)."""
        removed = 0
        while phrase := next((p for p in self._longest_first if _starts_with(key, p)), None):
            removed += len(phrase.split())
            key = key[len(phrase) :].strip()
        return removed, key

    def matches(self, line: str) -> bool:
        """The line is a phrase, a run of phrases, or a short widget line starting with one."""
        key = line_key(line)
        if key in self.keys:
            return True
        words = len(line.split())
        if words > LONG_WORDS:
            return False
        phrase_words, rest = self._strip_prefixes(key)
        if phrase_words == 0:
            return False
        if not rest:
            return True
        is_widget = phrase_words >= 2 and (words <= SHORT_WORDS or len(rest.split()) <= 2)
        return is_widget and not _SENTENCE_PUNCT_END.search(line)


def _starts_with(key: str, phrase: str) -> bool:
    return key == phrase or key.startswith(phrase + " ")


def _opens_related(line: str) -> bool:
    key = line_key(line)
    return len(line.split()) <= LONG_WORDS and any(_starts_with(key, o) for o in _RELATED_OPENERS)


def _is_headline(line: str) -> bool:
    return len(line.split()) <= 20 and not re.search(r"[^.]\.$|[:;,]$", line)


def _is_residue_line(line: str) -> bool:
    return (
        not any(char.isalnum() for char in line)
        or bool(_RESIDUE_LINE.match(line))
        or bool(_RESIDUE_URL.match(line))
    )


@dataclass
class _Rules:
    """Whole-line rules of one call, in order of precedence."""

    title_key: str
    site: _Phrases
    site_lines: re.Pattern[str] | None
    site_residue: re.Pattern[str] | None
    learned: frozenset[str]

    def reason(self, line: str) -> str | None:
        key = line_key(line)
        if _is_residue_line(line):
            return "residue"
        if self.title_key and key == self.title_key:
            return "title"
        if _GLOBAL.matches(line) or _opens_related(line):
            return "phrase"
        if _CHANNEL_PROMPT.match(key) and len(line.split()) <= PROMPT_MAX_WORDS:
            return "phrase"
        if _COPYRIGHT.match(line) and len(line.split()) <= 25:
            return "phrase"
        if _SHARE_BAR.match(line):
            return "phrase"
        if self.site.matches(line) or (self.site_lines and self.site_lines.match(line)):
            return "site-phrase"
        if key in self.learned:
            return "learned"
        return None


_GLOBAL = _Phrases(GLOBAL_PHRASES)


@dataclass
class _Work:
    """Paragraphs being stripped: None marks a removed one; `log` keeps (index, line, reason)."""

    text: list[str | None]
    log: list[tuple[int, str, str]] = field(default_factory=list)

    def kept(self) -> list[int]:
        return [i for i, line in enumerate(self.text) if line is not None]

    def drop(self, i: int, reason: str) -> None:
        self.log.append((i, self.text[i] or "", reason))
        self.text[i] = None

    def cut(self, i: int, fragment: str, rest: str, reason: str) -> None:
        self.log.append((i, fragment, reason))
        self.text[i] = rest

    def removed(self) -> list[dict]:
        in_order = sorted(self.log, key=lambda entry: entry[0])
        return [{"line": line, "reason": reason} for _, line, reason in in_order]


def _cut_residue(work: _Work, i: int, site_residue: re.Pattern[str] | None) -> None:
    """Cut glued image names, markdown heading marks, pic.twitter.com links, "(link is
    external)" markers and the site's own residue from a paragraph."""
    patterns = (_GLUED_IMAGE, _MARKDOWN_HEADING, _TWITTER_PIC, _EXTERNAL_LINK, site_residue)
    for pattern in filter(None, patterns):
        line = work.text[i] or ""
        found = pattern.search(line)
        if found:
            rest = (line[: found.start()] + line[found.end() :]).strip()
            work.cut(i, found.group().strip(), rest, "residue")


def _strip_lines(work: _Work, rules: _Rules) -> None:
    """Remove furniture paragraphs and the headlines that follow an "À lire aussi" line."""
    related_left = 0
    for i in range(len(work.text)):
        _cut_residue(work, i, rules.site_residue)
        line = work.text[i]
        if not line:
            work.text[i] = None
            continue
        reason = rules.reason(line)
        if reason is None and related_left:
            if _is_headline(line) and _signature_name(line) is None:
                reason, related_left = "phrase", related_left - 1
            else:
                related_left = 0
        if reason == "phrase" and _opens_related(line):
            related_left = RELATED_MAX
        if reason:
            work.drop(i, reason)


def _source_value(line: str) -> str | None:
    """The newspaper or wire named by a "Source: X", "……..X" or bare wire-tag line."""
    if wire := _WIRES.get(line_key(line)):
        return wire
    found = _SOURCE_LINE.match(line) or _WIRE_DOTS.match(line)
    if not found:
        return None
    value = found.group(1).strip().rstrip(" .;:,…")
    return value if value and len(value) <= 80 and len(value.split()) <= 8 else None


def _take_source(work: _Work) -> str | None:
    """A source line among the last three paragraphs, else a first paragraph naming a newspaper
    ("Source : Le Prétoire", not "Source : un rapport du ministère"), else a wire tag closing
    the last paragraph."""
    kept = work.kept()
    for i in reversed(kept[-3:]):
        value = _source_value(work.text[i] or "")
        if value:
            work.drop(i, "source")
            return value
    value = _source_value(work.text[kept[0]] or "") if kept else None
    if value and value[0].isupper() and len(value.split()) <= OPENING_SOURCE_WORDS:
        work.drop(kept[0], "source")
        return value
    return _take_trailing_wire(work, kept[-1]) if kept else None


def _take_trailing_wire(work: _Work, i: int) -> str | None:
    line = work.text[i] or ""
    found = _TRAILING_WIRE.search(line)
    if not found:
        return None
    work.cut(i, found.group().strip(), line[: found.start()].rstrip(), "source")
    return _WIRES[(found["paren"] or found["dash"]).lower()]


def _name_token(token: str) -> bool:
    """A capitalised word, an initial ("F.", "A.B.D", ".Keita") or a name particle."""
    word = _ELISION.sub("", token.strip(".()"))
    if word.casefold() in _NAME_PARTICLES:
        return True
    letters = re.sub(r"[.\-'’]", "", word)
    return letters.isalpha() and word[0].isupper()


def _is_initials(token: str) -> bool:
    letters = token.replace(".", "")
    return 1 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()


def _signature_name(line: str) -> str | None:
    """The author named by a signature line, or None when the line reads like anything else.

    A line starting with an article ("Le Mali", "La Russie") is not a signature, except for a
    newsroom ("La Rédaction", "La Direction de la Communication"). A single word must be
    initials ("MS", "A.B.D") or come with "Par" or an outlet ("Zana/Malijet.com").
    """
    if len(line) > 60:
        return None
    name = _BYLINE_PREFIX.sub("", line.strip(), count=1)
    name = _ROLE_SUFFIX.sub("", _ROLE_PREFIX.sub("", name, count=1))
    name = _OUTLET_SUFFIX.sub("", name).strip()
    words = name.split()
    marked = name != line.strip()
    institution = bool(words) and line_key(words[0]) in _INSTITUTIONS
    most = INSTITUTION_WORDS if institution else SHORT_WORDS
    if not 1 <= len(words) <= most or re.search(r"[!?;:,«»\"]", name):
        return None
    if name.endswith(".") and not _is_initials(words[-1]):
        return None
    tokens = (w for w in words if not (institution and w == "et"))
    if not all(map(_name_token, tokens)) or not name.lstrip(".(")[:1].isupper():
        return None
    if line_key(words[0]) in _ARTICLES and line_key(" ".join(words[1:2])) not in _INSTITUTIONS:
        return None
    if len(words) == 1 and not (marked or _is_initials(words[0])):
        return None
    return name


def _take_signature(work: _Work) -> str | None:
    """The trailing signature, cutting L'Essor teaser blurbs (ending "..") that follow it."""
    after: list[int] = []
    for i in reversed(work.kept()):
        line = work.text[i] or ""
        name = _signature_name(line)
        if name is not None:
            if after and not any(_TEASER_END.search(work.text[j] or "") for j in after):
                return None
            for j in after:
                work.drop(j, "teaser")
            work.drop(i, "signature")
            return name
        if not (_TEASER_END.search(line) or _is_headline(line)) or len(after) >= 12:
            return None
        after.append(i)
    return None


def _take_byline(work: _Work) -> str | None:
    """A "Par <name>" first paragraph."""
    kept = work.kept()
    if not kept or not _BYLINE_PREFIX.match(work.text[kept[0]] or ""):
        return None
    name = _signature_name(work.text[kept[0]] or "")
    if name:
        work.drop(kept[0], "signature")
    return name


def _take_glued_signature(work: _Work) -> str | None:
    """A 2–4-word capitalised name glued after the last sentence of the last paragraph."""
    kept = work.kept()
    if not kept:
        return None
    line = work.text[kept[-1]] or ""
    ends = list(_SENTENCE_END.finditer(line))
    if not ends:
        return None
    head, tail = line[: ends[-1].start()], line[ends[-1].end() :]
    head_words = head.split()
    if len(head_words) < 5 or "." in tail or not 2 <= len(tail.split()) <= 4:
        return None
    if ends[-1].group().strip() == "." and len(head_words[-1]) < 3:  # "M. Diop", "Dr. Sy"
        return None
    if not all(word[0].isupper() for word in tail.split()):
        return None
    name = _signature_name(tail)
    if name:
        work.cut(kept[-1], tail, line[: ends[-1].end()].rstrip(), "signature")
    return name


def strip_boilerplate(
    paragraphs: Sequence[str],
    *,
    title: str = "",
    site_phrases: Iterable[str] = (),
    site_lines: re.Pattern[str] | None = None,
    site_residue: re.Pattern[str] | None = None,
    learned: Iterable[str] = (),
) -> Stripped:
    """Remove furniture, the signature and the source line from normalised body paragraphs.

    `site_phrases`, `site_lines` (whole-line pattern) and `site_residue` (glued-fragment
    pattern) are the site profile's own rules; `learned` holds `line_key` values of lines that
    recur across the site's articles.
    """
    work = _Work(list(paragraphs))
    rules = _Rules(
        line_key(title), _Phrases(site_phrases), site_lines, site_residue, frozenset(learned)
    )
    _strip_lines(work, rules)
    source = _take_source(work)
    byline = _take_byline(work)
    signature = _take_signature(work)
    if signature is None and byline is None:
        signature = _take_glued_signature(work)
    body = [line for line in work.text if line is not None]
    return Stripped(body, byline or signature, source, work.removed())


LEARN_MAX_WORDS = 25  # only lines this short are counted as possible recurring boilerplate
PROVENANCE = ("signature", "source")  # removal reasons of the lines that name author and source
_NOT_PEOPLE = ("admin", "redaction", "webmaster", "editor")


def _usable_hint(hint: str | None, site: str) -> str | None:
    """A byline or source from markup, unless it is the site itself or a CMS account."""
    if not hint:
        return None
    key = line_key(hint)
    if site in key.replace(" ", "") or any(word in key for word in _NOT_PEOPLE):
        return None
    return hint


def _author(signature: str | None, hint: str | None) -> str | None:
    """The body's signature, or the markup byline when there is none or when the signature
    only gives its initials ("M.K." signs for "Mamadou Koné")."""
    if signature is None or hint is None:
        return signature or hint
    letters = "".join(line_key(signature).split())
    hint_initials = "".join(word[0] for word in line_key(hint).split())
    if all(map(_is_initials, signature.split())) and letters == hint_initials:
        return hint
    return signature


def boilerplate_item(item: Article, *, profile: SiteProfile, learned: Iterable[str]) -> Article:
    """Set `text`, `author`, `source` and `removed` from the item's body paragraphs."""
    stripped = strip_boilerplate(
        item.paragraphs,
        title=item.title,
        site_phrases=profile.boilerplate,
        site_lines=profile.boilerplate_lines,
        site_residue=profile.residue,
        learned=learned,
    )
    item.text = "\n\n".join(stripped.paragraphs)
    item.author = _author(stripped.author, _usable_hint(item.author_hint, profile.name))
    item.source = stripped.source or _usable_hint(item.source_hint, profile.name)
    item.removed = stripped.removed
    # the short lines counted towards learned boilerplate; never the signature or the source:
    # a journalist signs every article, and learned lines are removed before they are read
    provenance = {
        line_key(entry["line"]) for entry in stripped.removed if entry["reason"] in PROVENANCE
    }
    item.line_keys = [
        key
        for line in item.paragraphs
        if len(line.split()) <= LEARN_MAX_WORDS
        and (key := line_key(line))
        and key not in provenance
    ]
    return item


class BoilerplatePipeline(Stage):
    """Strip boilerplate, using the lines the store learned for this site."""

    def open_spider(self) -> None:
        self.learned = self.spider.store.learned_lines(self.spider.site.name)

    def process_item(self, item: Article) -> Article:
        item = boilerplate_item(item, profile=self.spider.site, learned=self.learned)
        if not item.text:
            self.count("empty_after_cleaning")
            drop_item(f"nothing left after boilerplate removal: {item.url}")
        return item
