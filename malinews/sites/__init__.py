"""The built-in sites, one module each: its `SiteProfile` and its own rules.

Generic code never names a site: it calls the hooks of the profile it is given (see
`profile.py`). This package is the lowest layer of malinews: it imports nothing from the rest.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from malinews.sites import (
    abamako,
    bamada,
    infomatin,
    journaldumali,
    lessor,
    maliactu,
    malijet,
    malikile,
    maliweb,
    niarela,
    sahelien,
    studiotamani,
    wordpress,
)
from malinews.sites.profile import SiteProfile, check_css

_MODULES = (
    bamada,
    maliweb,
    maliactu,
    malijet,
    journaldumali,
    studiotamani,
    abamako,
    sahelien,
    lessor,
    infomatin,
    malikile,
    niarela,
)


def checked(profile: SiteProfile) -> SiteProfile:
    """`profile`, once every selector of it compiles: a typo in a built-in profile fails at
    import, not as a site that silently falls back to generic extraction."""
    for css in profile.selectors():
        check_css(css)
    return profile


BUILTIN: dict[str, SiteProfile] = {m.PROFILE.name: checked(m.PROFILE) for m in _MODULES}

# alias host -> the host of the site's first start URL (both without "www.")
HOST_ALIASES: dict[str, str] = {
    alias: (urlsplit(profile.start_urls[0]).hostname or "").removeprefix("www.")
    for profile in BUILTIN.values()
    for alias in profile.host_aliases
}


def generic_profile(name: str, start_urls: tuple[str, ...]) -> SiteProfile:
    """Profile of a site known only by its start URLs: feeds (autodiscovery and `/feed/`),
    the sitemaps named in robots.txt, and its listing pages."""
    return SiteProfile(
        name=name,
        start_urls=start_urls,
        feeds=("/feed/",),
        teasers=wordpress.TAGDIV_TEASERS,
        drop=wordpress.DROP,
        uses=("feed", "sitemap", "listing"),
    )
