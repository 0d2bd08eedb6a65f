"""Commenting in a real browser: with htmx the new comment appears without a page load; with
JavaScript off the same form still works through a plain POST and redirect."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import logged_in_context
from tests.factories import CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(db):
    return UserFactory(login="alice", email="alice@example.com")


def test_comment_with_an_image_appears_without_a_page_load(browser, live_server, alice, png_bytes, tmp_path):
    discussion = DiscussionFactory(name="Holiday photos")
    first = CommentFactory(discussion=discussion, text="Show us the beach!")
    picture = tmp_path / "beach.png"
    picture.write_bytes(png_bytes)
    page = logged_in_context(browser, live_server, alice).new_page()
    page.goto(discussion.get_absolute_url())
    page.evaluate("window.notReloaded = true")

    page.get_by_role("link", name="Reply to Ada Lovelace").click()
    page.locator("#comment-form").get_by_text("Replying to").wait_for()
    page.get_by_label("Your comment").fill("Here it is:\nthe beach")
    page.get_by_label("Attachments").set_input_files(str(picture))
    page.get_by_role("button", name="Post reply").click()

    new_comment = page.locator("article.comment").filter(has_text="Here it is:")
    new_comment.wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert new_comment.locator("img.attachment-thumb").count() == 1
    assert new_comment.locator("blockquote").inner_text().startswith("In reply to")
    assert page.get_by_label("Your comment").input_value() == ""
    assert first.text in new_comment.inner_text()
    assert page.locator("#comments-heading").inner_text() == "2 comments"
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "forum-comment-htmx.png"), full_page=True)


def test_comment_form_works_with_javascript_off(browser, live_server, alice):
    discussion = DiscussionFactory(name="No script")
    page = logged_in_context(browser, live_server, alice, java_script_enabled=False).new_page()
    page.goto(discussion.get_absolute_url())

    page.get_by_label("Your comment").fill("Plain HTML")
    page.get_by_role("button", name="Post comment").click()

    page.wait_for_url("**/t/*/?page=1#comment-*")
    assert page.locator("article.comment").filter(has_text="Plain HTML").count() == 1
