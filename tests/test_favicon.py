"""The site's icon: an SVG in static/, linked from every page, and /favicon.ico (which browsers
ask for by themselves) sending them there for good."""

import xml.etree.ElementTree as ElementTree

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_for_good_to_the_svg_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"


def test_the_redirect_leads_to_the_icon_served_as_svg(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain == [("/static/favicon.svg", 301)]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")


def test_favicon_ico_answers_405_to_post(client):
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/docs"])
def test_pages_link_the_icon(client, path):
    content = client.get(path).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in content


def test_the_icon_is_a_small_svg_of_our_own():
    path = finders.find("favicon.svg")

    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 32 32"
    text = open(path, encoding="utf-8").read()
    assert "<script" not in text and "href" not in text  # nothing to run, nothing fetched
