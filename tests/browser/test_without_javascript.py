"""The core of the forum with JavaScript off: every step is a plain link, form and redirect."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from forum.models import Comment, Discussion
from tests.browser.helpers import choose_new_password, label, log_in, log_out, request_password_reset, shoot, sign_up
from tests.browser.test_life_story import write_png

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_discuss_edit_delete_and_reset_without_javascript(browser, live_server, tmp_path):
    picture = write_png(tmp_path / "map.png")
    page = browser.new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    nav = page.get_by_role("navigation", name="Main")

    sign_up(page, login="carol", email="carol@example.com", password="no script needed 123",
            firstname="Carol", lastname="King", avatar=picture)
    expect(nav.get_by_role("link", name="carol")).to_be_visible()
    assert get_user_model().objects.get(login="carol").profile_image is not None
    log_out(page)
    log_in(page, "carol", "no script needed 123")
    expect(nav.get_by_role("link", name="carol")).to_be_visible()

    # Start a discussion with a first comment.
    nav.get_by_role("link", name="New discussion").click()
    page.get_by_label("Title").fill("Plain forms")
    page.get_by_label("First comment (optional)").fill("Does this work **without** scripts?")
    page.get_by_role("button", name="Start discussion").click()
    expect(page).to_have_url(re.compile(r"/t/[0-9a-f-]{36}/$"))
    expect(page.locator("article.comment .comment-body strong")).to_have_text("without")

    # Comment with an attachment, previewed first: the page reloads and the browser forgets the
    # chosen file, so the server keeps it and the form names it.
    page.get_by_label("Your comment").fill("Here is a _map_")
    page.get_by_label("Attachments").set_input_files(str(picture))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#comment-preview em")).to_have_text("map")
    expect(page.locator(".attached-uploads")).to_contain_text("Attached: map.png (remove")
    expect(page.get_by_role("button", name="remove map.png")).to_be_visible()
    page.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"/t/[0-9a-f-]{36}/\?page=1#comment-"))
    second = page.locator("article.comment").filter(has_text="Here is a map")
    expect(second.locator(".comment-body em")).to_have_text("map")
    expect(second.locator("img.attachment-thumb")).to_have_attribute("alt", "map.png")

    # Reply to the first comment: the reply link reloads the page with the quote in the form.
    page.locator("article.comment").first.get_by_role("link", name="Reply to Carol King").click()
    expect(page).to_have_url(re.compile(r"reply_to=.*#comment-form$"))
    expect(page.locator("#reply-field blockquote")).to_have_text("Does this work without scripts?")
    page.get_by_label("Your comment").fill("It does.")
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator("article.comment").filter(has_text="It does.")
    expect(reply.locator("blockquote")).to_contain_text("In reply to Carol King")

    # Preview works as a plain POST too.
    page.get_by_label("Your comment").fill("A *preview*")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#comment-preview em")).to_have_text("preview")
    expect(page.get_by_label("Your comment")).to_have_value("A *preview*")

    # Edit, then delete, the reply: each on a page of its own, back to the discussion after.
    reply.get_by_role("link", name="Edit your comment").click()
    expect(page).to_have_url(re.compile(r"/c/[0-9a-f-]{36}/edit/"))
    page.get_by_label("Edit your comment").fill("It does, **really**.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/t/[0-9a-f-]{36}/"))
    reply = page.locator("article.comment").filter(has_text="It does, really.")
    expect(reply).to_contain_text("(edited)")
    reply.get_by_role("link", name="Delete comment by Carol King").click()
    expect(page).to_have_url(re.compile(r"/c/[0-9a-f-]{36}/delete/"))
    page.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(re.compile(r"/t/[0-9a-f-]{36}/"))
    expect(page.locator("article.comment").nth(2)).to_contain_text("This comment was deleted.")
    shoot(page, "no-js-discussion")

    # Log out, forget the password, reset it from the emailed link, log in with the new one.
    log_out(page)
    link = request_password_reset(page, "carol@example.com")
    choose_new_password(page, link, "a brand new phrase 456")
    log_in(page, "carol@example.com", "a brand new phrase 456")
    expect(nav.get_by_role("link", name="carol")).to_be_visible()

    discussion = Discussion.objects.get(name="Plain forms")
    comments = list(Comment.objects.filter(discussion=discussion).order_by("created_at"))
    assert [(c.is_deleted, c.text) for c in comments] == [
        (False, "Does this work **without** scripts?"), (False, "Here is a _map_"), (True, "It does, **really**."),
    ]
    assert [a.name for a in comments[1].attachments.all()] == ["map.png"]
    assert comments[2].replied_to == comments[0]


def test_sign_up_keeps_the_chosen_avatar_after_an_error_without_javascript(browser, live_server, tmp_path):
    picture = write_png(tmp_path / "face.png")
    page = browser.new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    form = page.locator("main form")

    page.goto("/accounts/signup/")
    form.get_by_label(label("Login")).fill("dina")
    form.get_by_label(label("Email")).fill("dina@example.com")
    form.get_by_label(label("Password")).fill("no script needed 123")
    form.get_by_label(label("Password (again)")).fill("no script needed 124")
    form.get_by_label(label("Profile image")).set_input_files(str(picture))
    form.get_by_role("button", name="Sign Up").click()
    expect(form.get_by_text("You must type the same password each time.")).to_be_visible()
    expect(form.locator(".held-profile-image")).to_have_text(re.compile(r"Profile image: face\.png \(remove"))
    assert not get_user_model().objects.filter(login="dina").exists()

    # The browser forgot the file; the form did not. Enter in a field signs up (not "remove").
    form.get_by_label(label("Password")).fill("no script needed 123")
    form.get_by_label(label("Password (again)")).fill("no script needed 123")
    form.get_by_label(label("Password (again)")).press("Enter")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="dina")).to_be_visible()
    user = get_user_model().objects.get(login="dina")
    assert user.profile_image is not None and user.profile_image.name == "face.png"
