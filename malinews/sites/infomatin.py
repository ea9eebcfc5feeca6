"""Info Matin: not in the catalogue beyond its feed URL, WordPress conventions (assumed).

Signatures are upper case at the end of the body ("PAR SIKOU BAH").
"""

from malinews.sites.wordpress import wordpress

PROFILE = wordpress("infomatin", "https://www.info-matin.ml", feeds=("/feed",))
