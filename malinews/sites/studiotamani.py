"""Studio Tamani: WordPress since about 2020, Joomla before; URLs "/<post id>-<slug>".

News bulletins end with audio players in French and the national languages, whose labels
("Journal en bambara:", "Le Magazine: Télécharger", "Ci-dessous, écoutez …:") are furniture.
Pages archived from the Joomla site (before 2020) use the stock markup of its K2 component
(assumed: nothing of the old site's own markup is recorded).
"""

import re
from datetime import date

from malinews.sites import wordpress
from malinews.sites.profile import Layout

AUDIO_PHRASES = (
    "Ci-dessous, écoutez le développement de ces titres dans nos journaux en français et en "
    "langues nationales :",
    "Ci-dessous écoutez le magazine en français et en langues nationales :",
    "Ci-dessous écoutez le magazine en intégralité :",
    "Le Magazine: Télécharger",
    *(
        f"{kind} en {language}:"
        for kind in ("Journal", "Magazine")
        for language in ("français", "bambara", "peulh", "sonrhaï", "tamasheq")
    ),
)
AUDIO_LINE = re.compile(
    r"^(?:le\s+)?(?:journal|magazine)(?:\s+en\s+[^\W\d]{3,12})?\s*:\s*(?:t[ée]l[ée]charger)?$"
    r"|^ci-dessous,?\s+[ée]coutez\b.{0,120}:$",
    re.IGNORECASE,
)
JOOMLA_K2 = Layout(
    valid_until=date(2020, 1, 1),
    changes={
        "title": "h2.itemTitle",
        "body": "div.itemFullText",
        "date": "span.itemDateCreated",
        "author": "span.itemAuthor a",
        "drop": ("div.itemSocialSharing", "div.itemRelated"),
    },
)

PROFILE = wordpress.wordpress(
    "studiotamani",
    "https://www.studiotamani.org",
    article_url=r"^/\d{3,7}-[a-z0-9-]+/?$",
    drop=(*wordpress.DROP, ".wp-block-audio", "audio"),
    boilerplate=AUDIO_PHRASES,
    boilerplate_lines=AUDIO_LINE,
    versions=(JOOMLA_K2,),
)
