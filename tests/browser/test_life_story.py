"""A member's whole life on the forum, in one Chromium session with JavaScript on: signing up
with a picture, logging in by phone, starting a discussion, commenting in Markdown with an
image, replies both ways (another member's arriving while she reads), editing and deleting,
forgetting and resetting the password from the email, changing it, and finally a moderator
locking the discussion, deleting her comment and banning her while her page is open."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from forum import views
from forum.models import Comment, Discussion, ModerationAction
from tests.browser.helpers import (
    choose_new_password,
    label,
    log_in,
    log_out,
    logged_in_context,
    request_password_reset,
    shoot,
    sign_up,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()

FIRST_PASSWORD = "a first passphrase 4 alice"
RESET_PASSWORD = "reset after forgetting 42"
CHANGED_PASSWORD = "changed once more, 7 times"


def write_png(path, size=(120, 90), color=(30, 120, 200)):
    """A real PNG, made with Pillow (a gradient, so it is not a one-colour trick image)."""
    image = Image.new("RGB", size, color)
    for x in range(size[0]):
        image.putpixel((x, x * size[1] // size[0]), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def fast_polling(monkeypatch):
    monkeypatch.setattr(views, "COMMENT_POLL_SECONDS", 1)


def test_a_members_life_from_signup_to_ban(browser, live_server, tmp_path, fast_polling):
    bob = UserFactory(login="bob", firstname="Bob", lastname="Jones")
    moderator = UserFactory(login="maud", firstname="Maud", lastname="Erator", role_type="moderator", is_staff=True)
    avatar = write_png(tmp_path / "me.png")
    holiday = write_png(tmp_path / "holiday.png", size=(200, 150), color=(240, 180, 20))

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    nav = page.get_by_role("navigation", name="Main")

    # 1. Sign up with a profile picture: she is logged in at once and her picture is in the bar.
    sign_up(page, login="alice", email="alice@example.com", phone="+447911123456", password=FIRST_PASSWORD,
            firstname="Alice", lastname="Smith", avatar=avatar)
    expect(nav.get_by_role("link", name="alice")).to_be_visible()
    expect(nav.locator("img.avatar")).to_have_count(1)
    assert nav.locator("img.avatar").evaluate("img => img.complete && img.naturalWidth > 0")
    alice = User.objects.get(login="alice")
    assert (alice.firstname, alice.lastname, alice.phone_number) == ("Alice", "Smith", "+447911123456")
    assert alice.profile_image is not None and alice.profile_image.is_image

    # 2. Log out, and back in with her phone number.
    log_out(page)
    log_in(page, "+447911123456", FIRST_PASSWORD)
    expect(nav.get_by_role("link", name="alice")).to_be_visible()

    # 3. Start a discussion.
    nav.get_by_role("link", name="New discussion").click()
    page.get_by_label("Title").fill("Where shall we go in summer?")
    page.get_by_role("button", name="Start discussion").click()
    expect(page).to_have_url(re.compile(r"/t/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Where shall we go in summer?")
    discussion_url = page.url
    page.evaluate("window.notReloaded = true")

    # 4. Comment in Markdown with a picture.
    page.get_by_label("Your comment").fill("I vote for **the sea**:\n\n- sand\n- _sun_\n\nLast year:")
    page.get_by_label("Attachments").set_input_files(str(holiday))
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator("article.comment").filter(has_text="I vote for")
    expect(mine.locator(".comment-body strong")).to_have_text("the sea")
    expect(mine.locator(".comment-body li")).to_have_count(2)
    expect(mine.locator(".comment-body em")).to_have_text("sun")
    expect(mine.locator("img.attachment-thumb")).to_have_attribute("alt", "holiday.png")
    assert mine.locator("img.attachment-thumb").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

    # 5. Bob, in a browser of his own, replies; his reply appears on her page without a reload.
    bobs_page = logged_in_context(browser, live_server, bob).new_page()
    bobs_page.goto(discussion_url)
    bobs_page.get_by_role("link", name="Reply to Alice Smith").click()
    bobs_page.get_by_label("Your comment").fill("The mountains are *cooler*.")
    bobs_page.get_by_role("button", name="Post reply").click()
    expect(bobs_page.locator("article.comment").filter(has_text="The mountains")).to_have_count(1)
    bobs = page.locator("article.comment").filter(has_text="The mountains are cooler.")
    expect(bobs).to_have_count(1, timeout=10_000)
    expect(bobs.locator("blockquote")).to_contain_text("In reply to Alice Smith")
    expect(page.locator("#comments-heading")).to_have_text("2 comments")
    assert page.evaluate("window.notReloaded") is True
    bobs_page.context.close()

    # 6. She answers Bob, then edits her answer, then thinks better of it and deletes it.
    bobs.get_by_role("link", name="Reply to Bob Jones").click()
    expect(page.locator("#reply-field blockquote")).to_have_text("The mountains are cooler.")
    page.get_by_label("Your comment").fill("Too cold for me")
    page.get_by_role("button", name="Post reply").click()
    answer = page.locator("article.comment").filter(has_text="Too cold for me")
    expect(answer.locator("blockquote")).to_contain_text("In reply to Bob Jones")
    answer.get_by_role("link", name="Edit your comment").click()
    page.locator("article.comment-editing").get_by_label("Edit your comment").fill("Too cold for me, **really**")
    page.locator("article.comment-editing").get_by_role("button", name="Save").click()
    answer = page.locator("article.comment").filter(has_text="Too cold for me, really")
    expect(answer).to_contain_text("(edited)")
    answer.get_by_role("link", name="Delete comment by Alice Smith").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("article.comment").nth(2)).to_contain_text("This comment was deleted.")
    expect(page.locator("article.comment")).to_have_count(3)
    assert page.evaluate("window.notReloaded") is True
    shoot(page, "life-story-discussion")

    # 7. She logs out and forgets her password: the emailed link lets her choose another.
    log_out(page)
    link = request_password_reset(page, "alice@example.com")
    choose_new_password(page, link, RESET_PASSWORD)
    log_in(page, "alice@example.com", FIRST_PASSWORD)
    expect(page.locator("main")).to_contain_text("not correct")
    log_in(page, "alice@example.com", RESET_PASSWORD)
    expect(nav.get_by_role("link", name="alice")).to_be_visible()
    # The link is spent.
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Bad Token")

    # 8. She changes her password from her account pages.
    nav.get_by_role("link", name="alice").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Password").click()
    form = page.locator("main form")
    form.get_by_label(label("Current Password")).fill(RESET_PASSWORD)
    form.get_by_label(label("New Password")).fill(CHANGED_PASSWORD)
    form.get_by_label(label("New Password (again)")).fill(CHANGED_PASSWORD)
    form.get_by_role("button", name="Change Password").click()
    expect(page.get_by_role("alert")).to_contain_text("Password successfully changed.")
    alice.refresh_from_db()
    assert alice.check_password(CHANGED_PASSWORD)

    # 9. She reads her discussion while a moderator locks it, deletes her comment and bans her.
    page.goto(discussion_url)
    expect(page.get_by_label("Your comment")).to_be_visible()
    moderators_page = logged_in_context(browser, live_server, moderator).new_page()
    moderators_page.goto(discussion_url)
    moderators_page.get_by_role("button", name="Lock the discussion").click()
    expect(moderators_page.get_by_text("The discussion is locked: nobody can post in it.")).to_be_visible()
    first = moderators_page.locator("article.comment").filter(has_text="I vote for")
    first.get_by_role("link", name="Delete comment by Alice Smith").click()
    first = moderators_page.locator("article.comment").first
    first.get_by_label("Reason").fill("Off topic")
    first.get_by_role("button", name="Delete").click()
    expect(moderators_page.locator("article.comment").first).to_contain_text("Only moderators see what it said")
    moderators_page.locator("article.comment").first.get_by_role("link", name="Ban author… Alice Smith").click()
    ban_form = moderators_page.locator("form.ban-form")
    ban_form.get_by_label("Reason").fill("Spoiling every holiday")
    ban_form.get_by_label("Banned until (UTC)").fill("2999-01-01T12:00")
    ban_form.get_by_role("button", name="Ban alice").click()
    expect(moderators_page.get_by_text("alice is banned.")).to_be_visible()

    # Her open page is stopped by its next poll and sent to the login page, which says why...
    page.wait_for_url("**/accounts/login/**", timeout=15_000)
    expect(page.get_by_text("You have been logged out: this account is banned until 2999-01-01 12:00 UTC")).to_be_visible()
    # ...she sees the discussion as anyone does: locked, her comment deleted, Bob's still there...
    page.goto(discussion_url)
    expect(page.locator("main header").get_by_text("Locked", exact=True)).to_be_visible()
    expect(page.locator("article.comment").first).to_contain_text("This comment was deleted.")
    expect(page.locator("article.comment").nth(1)).to_contain_text("The mountains are cooler.")
    expect(page.locator("#comment-form")).to_contain_text("This discussion is locked: nobody can post in it.")
    expect(page.get_by_role("link", name="Log in to comment")).to_have_count(0)
    # ...and logging in again is refused.
    log_in(page, "alice", CHANGED_PASSWORD)
    expect(page.get_by_text("This account is banned until 2999-01-01 12:00 UTC")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    shoot(page, "life-story-banned-login")

    # Nothing was lost: every comment is still there, deleted softly, with its attachment.
    discussion = Discussion.objects.get(name="Where shall we go in summer?")
    assert discussion.creator == alice and discussion.is_locked
    comments = list(Comment.objects.filter(discussion=discussion).order_by("created_at"))
    assert [(c.author.login, c.is_deleted) for c in comments] == [("alice", True), ("bob", False), ("alice", True)]
    assert comments[0].text.startswith("I vote for **the sea**")
    assert [a.name for a in comments[0].attachments.all()] == ["holiday.png"]
    assert comments[1].replied_to == comments[0] and comments[2].replied_to == comments[1]
    assert comments[2].text == "Too cold for me, **really**" and comments[2].edited_at is not None
    assert list(ModerationAction.objects.order_by("created_at").values_list("kind", flat=True)) == ["lock", "delete_comment", "ban"]
    assert User.objects.filter(login="alice").count() == 1  # the account stays
