"""Niarela.net: nothing known of its markup, WordPress conventions (assumed)."""

from malinews.sites.wordpress import wordpress

PROFILE = wordpress("niarela", "https://niarela.net")
