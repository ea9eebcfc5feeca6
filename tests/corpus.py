"""Deterministic test corpus for near-duplicate detection: French articles on Malian topics.

Originals come in pairs about the same event (same names, same vocabulary, different sentences);
each pair member is its own group. Copies of an original, as aggregators republish it, share its
group: another intro line, another site's boilerplate, edited sentences, a cut or extended ending,
another title. Everything is generated from the templates below with a seeded `random.Random`.
"""

import random
import re
from dataclasses import dataclass

KINDS = ("intro", "boilerplate", "edited", "truncated", "extended", "title")
"""Copy variant kinds."""


@dataclass
class Doc:
    """One article: `group` is shared by an original and its copies."""

    id: str
    group: str
    title: str
    text: str


@dataclass(frozen=True)
class Topic:
    """Names and phrases of one news topic."""

    name: str
    events: tuple[str, ...]
    people: tuple[str, ...]
    actors: tuple[str, ...]
    objects: tuple[str, ...]
    headlines: tuple[str, ...]


TOPICS = (
    Topic(
        "bamex",
        ("le Bamex 2026", "la deuxième édition du Bamex", "le salon de défense de Bamako"),
        (
            "le ministre de la Défense, le général Sadio Camara",
            "le ministre des Affaires étrangères, Abdoulaye Diop",
            "le président de la Transition, le général Assimi Goïta",
        ),
        ("la délégation turque", "le comité d'organisation", "le groupement des industriels"),
        (
            "les stands des exposants",
            "la liste des délégations étrangères",
            "le programme des démonstrations",
            "les drones de surveillance",
            "la coopération avec la Türkiye",
            "les invitations au corps diplomatique",
            "le budget du salon",
            "les blindés de fabrication locale",
        ),
        (
            "{event} : {short} mobilise les partenaires",
            "Défense : ce qu'il faut retenir de {event}",
        ),
    ),
    Topic(
        "fama",
        ("l'opération dans le Gourma", "la patrouille de Boni", "l'offensive autour de Léré"),
        (
            "le chef d'état-major général des armées, le général Oumar Diarra",
            "le ministre de la Défense, le général Sadio Camara",
            "le porte-parole des FAMa, le colonel Souleymane Dembélé",
        ),
        ("l'armée malienne", "le bataillon aéroporté", "le poste de commandement de Gao"),
        (
            "les positions des groupes armés",
            "le bilan des frappes aériennes",
            "la sécurisation des axes routiers",
            "les engins explosifs improvisés",
            "le retour des déplacés",
            "la protection des foires hebdomadaires",
            "le matériel saisi",
            "les escortes de camions citernes",
        ),
        (
            "Sécurité : {short} fait le point sur {event}",
            "{event} : les FAMa revendiquent un succès",
        ),
    ),
    Topic(
        "kidal",
        ("le retour de l'administration à Kidal", "la reprise des cours à Kidal"),
        (
            "le gouverneur de la région de Kidal, le général El Hadj Ag Gamou",
            "le ministre de la Réconciliation, le colonel-major Ismaël Wagué",
        ),
        ("le collège des notables de l'Adrar", "le chef de fraction", "le conseil régional"),
        (
            "la réouverture des services publics",
            "l'approvisionnement en eau potable",
            "le recensement des familles rapatriées",
            "la réhabilitation du camp militaire",
            "la reprise des liaisons routières",
            "les indemnités des agents redéployés",
            "le marché à bétail",
        ),
        ("Kidal : {short} annonce {event}", "Nord du Mali : {event} se précise"),
    ),
    Topic(
        "aes",
        (
            "le sommet de l'AES à Niamey",
            "la force unifiée de l'AES",
            "le passeport de la Confédération",
        ),
        (
            "le ministre des Affaires étrangères, Abdoulaye Diop",
            "le président de la Transition, le général Assimi Goïta",
            "le ministre burkinabè des Affaires étrangères, Karamoko Traoré",
        ),
        (
            "le collège des chefs d'État",
            "le comité d'experts",
            "le secrétariat de la Confédération",
        ),
        (
            "la libre circulation des personnes",
            "la banque confédérale d'investissement",
            "le prélèvement confédéral sur les importations",
            "la télévision commune du Sahel",
            "la sortie de la Cédéao",
            "le corridor vers le port de Lomé",
            "le calendrier des réunions ministérielles",
        ),
        ("AES : {short} défend {event}", "Confédération des États du Sahel : {event} en débat"),
    ),
    Topic(
        "alimentaire",
        (
            "la campagne de distribution gratuite",
            "le plan national de réponse",
            "la soudure de 2026",
        ),
        (
            "le commissaire à la Sécurité alimentaire, Fatoumata Coulibaly",
            "le directeur de l'OPAM, Moussa Keïta",
        ),
        (
            "le Programme alimentaire mondial",
            "le réseau des banques de céréales",
            "le Commissariat",
        ),
        (
            "le stock national de sécurité",
            "les tonnes de mil et de sorgho",
            "le prix du riz local",
            "les zones en phase de crise",
            "les rations pour les enfants malnutris",
            "les transferts monétaires",
            "le cadre harmonisé de mars",
        ),
        ("Sécurité alimentaire : {event} lancé par {short}", "{event} : qui va en bénéficier ?"),
    ),
    Topic(
        "hivernage",
        ("les inondations de Bamako", "le début de l'hivernage", "la crue du fleuve Niger"),
        (
            "le ministre de l'Environnement, Mamadou Sangaré",
            "le directeur de Mali-Météo, Djibrilla Maïga",
        ),
        (
            "la Protection civile",
            "le collectif des sinistrés de Sébénikoro",
            "la mairie du district",
        ),
        (
            "le curage des caniveaux",
            "les prévisions saisonnières",
            "les maisons effondrées",
            "le relogement des sinistrés",
            "les cumuls de pluie",
            "la digue de protection",
            "les kits d'abris d'urgence",
        ),
        ("Hivernage : {short} alerte sur {event}", "{event} : les populations inquiètes"),
    ),
    Topic(
        "coton",
        (
            "la campagne cotonnière 2026",
            "la fixation du prix du coton graine",
            "la récolte à Koutiala",
        ),
        (
            "le PDG de la CMDT, Mahamadou Ballo",
            "le ministre de l'Agriculture, Daniel Siméon Kelema",
        ),
        (
            "l'union des producteurs de coton",
            "la coopérative de Fana",
            "le syndicat des cotonculteurs",
        ),
        (
            "le prix au producteur",
            "la subvention des engrais",
            "les superficies emblavées",
            "la production de fibre",
            "les usines d'égrenage",
            "les arriérés de paiement",
            "les semences certifiées",
        ),
        ("Coton : {short} dévoile les chiffres de {event}", "{event} : les paysans attendent"),
    ),
    Topic(
        "elections",
        (
            "le référendum constitutionnel",
            "la révision des listes électorales",
            "le dialogue inter-Maliens",
        ),
        (
            "le président de l'AIGE, Moustapha Cissé",
            "le ministre de l'Administration territoriale, le général Abdoulaye Maïga",
        ),
        ("le cadre de concertation des partis", "la mission d'observation", "le préfet de Kati"),
        (
            "le fichier électoral biométrique",
            "les cartes d'électeur",
            "le chronogramme de la transition",
            "les bureaux de vote",
            "la charte des partis",
            "les recours déposés",
            "le taux de participation",
        ),
        ("Politique : {short} s'exprime sur {event}", "{event} : le calendrier contesté"),
    ),
    Topic(
        "ecole",
        ("la rentrée scolaire", "les examens du DEF", "la grève des enseignants"),
        (
            "le ministre de l'Éducation nationale, Amadou Sy Savané",
            "le secrétaire général du syndicat, Ousmane Almoudou",
        ),
        (
            "le collectif des enseignants",
            "l'association des parents d'élèves",
            "l'académie de Ségou",
        ),
        (
            "les écoles fermées du centre",
            "les résultats du baccalauréat",
            "les primes de logement",
            "les cantines scolaires",
            "les manuels en langues nationales",
            "les salles de classe préfabriquées",
            "le calendrier des examens",
        ),
        ("Éducation : {short} rassure sur {event}", "{event} : le bras de fer continue"),
    ),
    Topic(
        "sante",
        ("la campagne de vaccination", "l'épidémie de dengue", "la gratuité de la césarienne"),
        (
            "la ministre de la Santé, Assa Badiallo Touré",
            "le directeur du CHU Gabriel Touré, Ibrahim Sidibé",
        ),
        ("le réseau des agents de santé", "le centre de santé de Kalaban", "l'union des mutuelles"),
        (
            "les doses de vaccin",
            "les cas confirmés",
            "le plateau technique des hôpitaux",
            "les médicaments essentiels",
            "la prise en charge des indigents",
            "les moustiquaires imprégnées",
            "les urgences pédiatriques",
        ),
        ("Santé : {short} lance {event}", "{event} : les autorités sanitaires mobilisées"),
    ),
)

OPENERS = (
    "",
    "",
    "",
    "Selon les organisateurs, ",
    "Par ailleurs, ",
    "À cette occasion, ",
    "De son côté, ",
    "Au cours de la rencontre, ",
    "Pour rappel, ",
    "Toutefois, ",
    "Dans le même temps, ",
    "Lors de la cérémonie, ",
    "D'après une source locale, ",
    "Sur le terrain, ",
    "Dans son intervention, ",
    "En fin de journée, ",
    "Depuis plusieurs semaines, ",
    "Malgré les difficultés, ",
    "Ce {weekday}, ",
    "Le {day} {month}, ",
)
VERBS = (
    "a annoncé",
    "a présenté",
    "a salué",
    "a dénoncé",
    "a inauguré",
    "a rappelé",
    "entend renforcer",
    "a fait le point sur",
    "souhaite relancer",
    "a évoqué",
    "a supervisé",
    "promet d'améliorer",
    "a réclamé",
    "a défendu",
    "a examiné",
    "a mis en avant",
    "s'inquiète pour",
    "a validé",
    "prévoit d'étendre",
    "a détaillé",
    "compte accélérer",
    "a constaté",
    "a réaffirmé son soutien à",
    "veut moderniser",
    "a passé en revue",
)
COMPLEMENTS = (
    "dans le cercle de {place}",
    "à {place}",
    "au profit des populations de {place}",
    "pour l'année {year}",
    "avec l'appui des partenaires",
    "sur une période de {n} mois",
    "dès la semaine prochaine",
    "pour un coût de {n} millions de francs CFA",
    "dans la région de {place}",
    "au cours des {n} derniers jours",
    "en présence des autorités locales",
    "avant la fin du mois de {month}",
    "selon un communiqué officiel",
    "en concertation avec {actor}",
    "malgré les réserves de {actor}",
    "à la demande de {actor}",
    "après {n} semaines de préparation",
    "entre {place} et {place}",
    "depuis le {day} {month}",
    "devant une centaine d'invités",
)
QUOTE_LEADS = (
    "Nous allons suivre de près",
    "Il faut absolument sécuriser",
    "Personne ne doit ignorer",
    "Notre priorité reste",
    "Nous avons besoin de revoir",
    "Le pays compte sur",
)
SAID = ("a déclaré", "a insisté", "a expliqué", "a martelé", "a confié")
PLACES = (
    "Bamako", "Kayes", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Ménaka", "Koutiala",
    "San", "Bougouni", "Kita", "Nioro du Sahel", "Sévaré", "Djenné", "Bandiagara", "Douentza",
    "Tessalit", "Ansongo", "Niono", "Koulikoro", "Kati", "Diéma", "Yélimané", "Kéniéba",
    "Tominian", "Macina", "Ténenkou", "Fana", "Dioïla",
)  # fmt: skip
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
PAPERS = ("L'Essor", "L'Indépendant", "Info-Matin", "Le Républicain", "Mali Tribune", "AMAP")
INTROS = (
    "Nous reprenons ici un article paru ce {weekday} dans {paper}.",
    "{place}, le {day} {month} ({paper}) - Voici les détails de cette actualité.",
    "Selon nos confrères de {paper}, l'information a été confirmée ce {weekday}.",
    "ACTUALITÉ - Un dossier suivi de près par la rédaction de {paper}.",
)
BOILERPLATES = (
    (
        "Source : {paper}",
        "Suivez maliweb.net sur Facebook, X et WhatsApp pour ne rien rater de l'actualité.",
        "© Maliweb.net {year} - Tous droits réservés. Reproduction interdite sans autorisation.",
    ),
    (
        "Lire aussi : {title}",
        "Malijet.com, le portail de l'actualité malienne depuis 2002.",
        "Les commentaires sont sous la responsabilité de leurs auteurs.",
    ),
    (
        "Par Bamada.net",
        "Source : {paper} du {day} {month} {year}",
        "Rejoignez notre chaîne WhatsApp et notre page Facebook pour suivre toute l'actualité.",
    ),
    (
        "Mali-Actu : l'information au quotidien, vérifiée et partagée.",
        "Abonnez-vous à notre lettre d'information pour recevoir les dernières nouvelles.",
        "Lire aussi : {title}",
    ),
)
CONTRACTIONS = {"de le": "du", "de les": "des", "à le": "au", "à les": "aux"}
_CONTRACTIBLE = re.compile(r"\b(de|à) (le|les)\b")
RETITLES = ("Mali : {title}", "{title} (lu dans {paper})", "Ce qu'il faut savoir : {title}")


class _Writer:
    """Writes sentences and articles about one topic with one random generator."""

    def __init__(self, rng: random.Random, topic: Topic, event: str, people: list[str]):
        self.rng, self.topic, self.event, self.people = rng, topic, event, people

    def fill(self, template: str, **extra: str) -> str:
        """Template with random places, dates, numbers and actors."""
        r = self.rng
        while "{place}" in template:
            template = template.replace("{place}", r.choice(PLACES), 1)
        values = {
            "month": r.choice(MONTHS),
            "weekday": r.choice(WEEKDAYS),
            "day": str(r.randint(1, 28)),
            "year": str(r.choice((2025, 2026))),
            "n": str(r.randint(2, 950)),
            "actor": r.choice(self.topic.actors),
            "paper": r.choice(PAPERS),
            **extra,
        }
        text = template.format(**values)
        return _CONTRACTIBLE.sub(lambda m: CONTRACTIONS[m.group(0)], text)

    def short_name(self) -> str:
        """A person's name without the role, e.g. "Sadio Camara"."""
        return self.rng.choice(self.people).split(", ")[-1].removeprefix("le général ")

    def subject(self) -> str:
        """Who acts in a sentence."""
        r = self.rng
        options = (r.choice(self.people), r.choice(self.topic.actors), self.short_name())
        return r.choice(options)

    def thing(self) -> str:
        """What a sentence is about."""
        r = self.rng
        return self.event if r.random() < 0.15 else r.choice(self.topic.objects)

    def sentence(self) -> str:
        """One new sentence: a statement or a quotation."""
        r = self.rng
        if r.random() < 0.2:
            quote = f"{r.choice(QUOTE_LEADS)} {self.thing()} {self.fill(r.choice(COMPLEMENTS))}"
            return f"« {quote} », {r.choice(SAID)} {self.short_name()}."
        parts = (self.subject(), r.choice(VERBS), self.thing(), r.choice(COMPLEMENTS))
        text = self.fill(r.choice(OPENERS) + " ".join(parts)) + "."
        return text[0].upper() + text[1:]

    def sentences(self, words: int) -> list[str]:
        """New sentences totalling about `words` words."""
        out: list[str] = []
        while sum(len(s.split()) for s in out) < words:
            out.append(self.sentence())
        return out

    def title(self) -> str:
        """A headline about the event."""
        headline = self.rng.choice(self.topic.headlines)
        text = self.fill(headline, event=self.event, short=self.short_name())
        return text[0].upper() + text[1:]


def paragraphs(sentences: list[str], rng: random.Random) -> str:
    """Sentences grouped into paragraphs of 2 to 4, separated by blank lines."""
    paras, i = [], 0
    while i < len(sentences):
        size = rng.randint(2, 4)
        paras.append(" ".join(sentences[i : i + size]))
        i += size
    return "\n\n".join(paras)


def split_sentences(text: str) -> list[str]:
    """Sentences of a generated text (they end with a period followed by a space or a break)."""
    return [s for s in text.replace("\n\n", " ").replace(". ", ".\x00").split("\x00") if s]


def _writer_for(doc: Doc, rng: random.Random) -> _Writer:
    """A writer on the same topic and event as `doc` (its group is `topic-event-...`)."""
    topic = next(t for t in TOPICS if doc.group.startswith(t.name + "-"))
    event = next((e for e in topic.events if e.casefold() in doc.text.casefold()), topic.events[0])
    return _Writer(rng, topic, event, list(topic.people))


def _edit(sentence: str, rng: random.Random) -> str:
    """A reworded sentence: a few words dropped, replaced or added."""
    words = sentence.split()
    for _ in range(rng.randint(2, 4)):
        i = rng.randrange(len(words))
        action = rng.choice(("drop", "swap", "add"))
        if action == "drop" and len(words) > 6:
            del words[i]
        elif action == "swap":
            words[i] = rng.choice(("récemment", "notamment", "officiellement", "encore"))
        else:
            words.insert(i, rng.choice(("donc", "aussi", "enfin", "surtout")))
    return " ".join(words)


def make_variant(doc: Doc, kind: str, rng: random.Random, number: int = 1) -> Doc:
    """A copy of `doc` as another site would republish it, changed in the way `kind` says."""
    sents = split_sentences(doc.text)
    title = doc.title
    writer = _writer_for(doc, rng)
    if kind == "intro":
        sents[0] = writer.fill(rng.choice(INTROS))
    elif kind == "boilerplate":
        lines = rng.choice(BOILERPLATES)
        sents += [writer.fill(line, title=writer.title()) for line in lines]
    elif kind == "edited":
        for i in rng.sample(range(len(sents)), rng.randint(1, 3)):
            sents[i] = _edit(sents[i], rng) if rng.random() < 0.5 else writer.sentence()
    elif kind == "truncated":
        sents = sents[: max(3, round(len(sents) * rng.uniform(0.55, 0.75)))]
    elif kind == "extended":
        sents += writer.sentences(rng.randint(30, 120))
    elif kind == "title":
        title = writer.fill(rng.choice(RETITLES), title=doc.title)
    else:
        raise ValueError(f"unknown variant kind: {kind}")
    return Doc(f"{doc.group}-{number}", doc.group, title, paragraphs(sents, rng))


def write_original(rng: random.Random, topic: Topic, event_no: int, member: str) -> Doc:
    """A new article on `topic`; the two members of an event pair share event and people."""
    pair_rng = random.Random(f"{topic.name}-{event_no}")
    event = pair_rng.choice(topic.events)
    people = pair_rng.sample(topic.people, 2)
    writer = _Writer(rng, topic, event, people)
    group = f"{topic.name}-{event_no}-{member}"
    text = paragraphs(writer.sentences(rng.randint(250, 600)), rng)
    return Doc(f"{group}-0", group, writer.title(), text)


def build_corpus(seed: int = 7, originals: int = 120) -> list[Doc]:
    """Originals in same-event pairs, each with 0 to 3 copies (about 2.6 documents per original)."""
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(originals):
        topic = TOPICS[(i // 2) % len(TOPICS)]
        original = write_original(rng, topic, i // 2, "ab"[i % 2])
        docs.append(original)
        for number in range(1, (0, 1, 2, 3, 2)[i % 5] + 1):
            kinds = [rng.choice(KINDS)]
            kinds += [k for k in ("boilerplate", "title") if rng.random() < 0.4 and k not in kinds]
            copy = original
            for kind in kinds:
                copy = make_variant(copy, kind, rng, number)
            docs.append(copy)
    return docs
