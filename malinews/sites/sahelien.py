"""Sahelien.com: WordPress, tagDiv "Newspaper" theme (seen: `?filter_by=` listing URLs).

French articles at "/<slug>/", English ones at "/en/<slug>/".
"""

from malinews.sites import wordpress

PROFILE = wordpress.wordpress(
    "sahelien",
    "https://sahelien.com",
    article_url=r"^/(?:en/)?(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$",
    drop=wordpress.TAGDIV_DROP,
)
