"""Screenshots of the main pages on a phone (390x844) and a desktop (1280x800), light and dark,
into artifacts/screenshots/ for a person to look at; each page is also checked not to scroll
sideways (nothing wider than the screen)."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import logged_in_context, populate_forum

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def shoot_pages(page, pages, prefix):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for name, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTIFACTS / f"{prefix}-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.viewport_size["width"]:
            too_wide[name] = width
    assert not too_wide, f"pages wider than the {prefix} screen: {too_wide}"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_main_pages_screenshots(browser, live_server, png_bytes, size):
    forum = populate_forum(png_bytes)
    viewport = SIZES[size]
    anonymous = browser.new_context(base_url=live_server.url, viewport=viewport).new_page()
    shoot_pages(anonymous, {
        "list-anonymous": "/", "discussion-anonymous": forum["discussion_url"], "login": "/accounts/login/",
        "signup": "/accounts/signup/", "password-reset": "/accounts/password/reset/",
        "password-reset-key": forum["reset_link"], "404": "/no-such-page/",
    }, size)
    alice = logged_in_context(browser, live_server, forum["alice"], viewport=viewport).new_page()
    shoot_pages(alice, {
        "list": "/", "discussion": forum["discussion_url"], "new-discussion": "/new/",
        "profile-edit": "/accounts/profile/", "password-change": "/accounts/password/change/", "user-page": "/u/bob/",
    }, size)
    moderator = logged_in_context(browser, live_server, forum["moderator"], viewport=viewport).new_page()
    shoot_pages(moderator, {
        "moderation-reports": "/moderation/reports/", "moderation-log": "/moderation/log/",
        "discussion-moderator": forum["discussion_url"], "user-page-moderator": "/u/bob/",
    }, size)
    dark = logged_in_context(browser, live_server, forum["moderator"], viewport=viewport, color_scheme="dark").new_page()
    shoot_pages(dark, {"list-dark": "/", "discussion-dark": forum["discussion_url"], "moderation-log-dark": "/moderation/log/"}, size)
