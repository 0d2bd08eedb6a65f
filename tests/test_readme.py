"""The README's table of the site names pages that exist."""

import re
import uuid
from pathlib import Path

from django.urls import Resolver404, resolve

README = Path(__file__).resolve().parent.parent / "README.md"


def site_table_paths() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## The site", 1)[1].split("\n\n", 2)[1]
    return [path for row in table.splitlines() for path in re.findall(r"`(/[^`]*)`", row.split("|")[1])]


def test_readme_site_table_names_only_pages_that_are_routed():
    paths = site_table_paths()
    assert {"/accounts/password/change/", "/accounts/email/", "/t/<id>/"} <= set(paths)

    unrouted = []
    for path in paths:
        concrete = path.replace("<id>", str(uuid.uuid4())).replace("<login>", "ada")
        try:
            resolve(concrete)
        except Resolver404:
            unrouted.append(path)
    assert not unrouted
