"""Write the per-site extraction fixtures: `python -m tests.sites.regen [--import]`.

`--import` (re)copies the source pages into `tests/sites/<site>/<n>.html` and writes each site's
`pages.json` (URL, frozen clock and origin of every page); it is run once, when the sources change.
Without it, only the expected records `<n>.json` are rewritten from the stored pages. Either way
the script then prints every disagreement between a record and what the page's author wrote down
(the site's EXPECTED.json / EXPECTED.md, or the gold annotation): READ them before committing, a
wrong value must never be frozen as the expected one (see README.md).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from malinews.scheduler.demo import DEMO_SITES_DIR, site_origin
from malinews.sites import BUILTIN
from tests.sites.fixtures import GOLD_DIR, SITES_DIR, disagreements, extract, fixtures

DEMO_NOW = "2025-12-20T12:00:00+00:00"  # after every sample article, as a crawl would be
GOLD_PER_SITE = 2  # gold pages copied per site (the whole gold set is scored by test_gold.py)


def demo_paths(site: str) -> list[str]:
    """URL paths of a sample site's articles, as its EXPECTED.json or EXPECTED.md lists them."""
    expected = DEMO_SITES_DIR / site / "EXPECTED.json"
    if expected.is_file():
        return [row["path"] for row in json.loads(expected.read_text(encoding="utf-8"))]
    table = (DEMO_SITES_DIR / "EXPECTED.md").read_text(encoding="utf-8")
    section = table.split(f"### {site}\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| \w+ \| `([^`]+)`", section, flags=re.M)


def demo_file(site: str, path: str) -> Path:
    """The file the sample-site server answers for `path` (see demo_sites/README.md)."""
    base = DEMO_SITES_DIR / site / unquote(path).strip("/")
    return base if base.is_file() else base / "index.html"


def sources(site: str) -> list[dict[str, Any]]:
    """The pages of one site to freeze: its sample-site articles, then a few gold pages."""
    pages = [
        {"url": site_origin(site) + path, "now": DEMO_NOW, "from": str(demo_file(site, path))}
        for path in demo_paths(site)
    ]
    gold = json.loads((GOLD_DIR / "annotations.json").read_text(encoding="utf-8"))
    pages += [
        {"url": g["url"], "now": g["fetched_at"], "from": f"tests/gold/pages/{g['name']}.html"}
        for g in gold
        if g["site"] == site and g["is_article"]
    ][:GOLD_PER_SITE]
    return pages


def import_pages(site: str) -> None:
    folder = SITES_DIR / site
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    manifest = []
    for n, page in enumerate(sources(site), start=1):
        origin = Path(page["from"])
        source = origin if origin.is_absolute() else SITES_DIR.parents[1] / origin
        shutil.copyfile(source, folder / f"{n}.html")
        relative = source.resolve().relative_to(SITES_DIR.parents[1])
        manifest.append({"page": f"{n}.html", **page, "from": str(relative), "synthetic": True})
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (folder / "pages.json").write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--import" in argv:
        for site in BUILTIN:
            import_pages(site)
    for fixture in fixtures():
        record = extract(fixture)
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        fixture.expected_path.write_text(text, encoding="utf-8")
        if wrong := disagreements(fixture, record):
            print(f"{fixture.id}: {json.dumps(wrong, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
