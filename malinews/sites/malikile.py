"""Malikilé: a PDF daily; this profile reads the articles it also posts on its website,
assumed WordPress (nothing is known of its markup). PDF issues are not read."""

from malinews.sites import wordpress

PROFILE = wordpress.wordpress(
    "malikile",
    "https://malikile.com",
    drop=(*wordpress.DROP, ".wp-block-file"),
    boilerplate=("L'information est l'oxygène des temps modernes",),
)
