"""The discussion experience in a real browser: Markdown preview, a second user's comment
arriving without a reload, editing and deleting in place, choosing images before sending,
inviting someone, and the page on a phone in dark mode."""

import pytest
from playwright.sync_api import expect

from forum import views
from forum.models import Comment, Discussion, Participant
from forum.services import post_comment
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_forum_comment import logged_in_context
from tests.factories import CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(db):
    return UserFactory(login="alice", email="alice@example.com", firstname="Alice", lastname="Smith")


@pytest.fixture
def bob(db):
    return UserFactory(login="bob", email="bob@example.com", firstname="Bob", lastname="Jones")


@pytest.fixture
def fast_polling(monkeypatch):
    """Poll every second instead of every few, so the test does not wait long."""
    monkeypatch.setattr(views, "COMMENT_POLL_SECONDS", 1)


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_second_users_comment_arrives_without_a_reload(browser, live_server, alice, bob, fast_polling):
    discussion = DiscussionFactory(creator=alice, name="Live")
    CommentFactory(discussion=discussion, author=alice, text="Anyone there?")
    page = logged_in_context(browser, live_server, alice).new_page()
    page.goto(discussion.get_absolute_url())
    page.evaluate("window.notReloaded = true")

    post_comment(author=bob, discussion=Discussion.objects.get(pk=discussion.pk), text="Yes, **me**!")

    arrived = page.locator("article.comment").filter(has_text="Yes, me!")
    expect(arrived).to_have_count(1, timeout=10_000)
    assert arrived.locator(".comment-body strong").inner_text() == "me"
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#comments-heading")).to_have_text("2 comments")
    # Bob joined by commenting: the participants box says so too.
    expect(page.locator("#participants-count")).to_have_text("2")
    expect(page.locator(".participant-chip").filter(has_text="Bob Jones")).to_have_count(1)

    post_comment(author=bob, discussion=Discussion.objects.get(pk=discussion.pk), text="And again")
    expect(page.locator("article.comment")).to_have_count(3, timeout=10_000)
    page.wait_for_timeout(2_500)  # more polls: nothing is appended twice
    expect(page.locator("article.comment")).to_have_count(3)
    expect(page.locator(".participant-chip")).to_have_count(2)


def test_preview_then_post_then_edit_and_delete_in_place(browser, live_server, alice):
    discussion = DiscussionFactory(creator=alice, name="Markdown")
    page = logged_in_context(browser, live_server, alice).new_page()
    page.goto(discussion.get_absolute_url())
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Your comment").fill("Some **bold** text\n\n- a list <script>alert(1)</script>")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#comment-preview")
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview.locator("li")).to_have_text("a list <script>alert(1)</script>")
    shoot(page, "discussion-preview")

    page.get_by_role("button", name="Post comment").click()
    comment = page.locator("article.comment").first
    expect(comment.locator(".comment-body strong")).to_have_text("bold")

    comment.get_by_role("link", name="Edit your comment").click()
    editor = page.locator("article.comment-editing textarea")
    expect(editor).to_have_value("Some **bold** text\n\n- a list <script>alert(1)</script>")
    editor.fill("Now _italic_")
    page.locator("article.comment-editing").get_by_role("button", name="Preview").click()
    expect(page.locator("article.comment-editing .comment-preview em")).to_have_text("italic")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("article.comment .comment-body em")).to_have_text("italic")
    expect(page.locator("article.comment")).to_contain_text("(edited)")

    page.locator("article.comment").get_by_role("link", name="Delete comment by Alice Smith").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("article.comment")).to_contain_text("This comment was deleted.")
    assert page.evaluate("window.notReloaded") is True
    assert Comment.objects.get().is_deleted


def test_reply_keeps_the_draft_and_quotes_the_comment(browser, live_server, alice, bob):
    discussion = DiscussionFactory(creator=bob, name="Replies")
    CommentFactory(discussion=discussion, author=bob, text="Tea or coffee?")
    page = logged_in_context(browser, live_server, alice).new_page()
    page.goto(discussion.get_absolute_url())

    page.get_by_label("Your comment").fill("My draft")
    page.get_by_role("link", name="Reply to Bob Jones").click()

    expect(page.locator("#reply-field blockquote")).to_have_text("Tea or coffee?")
    expect(page.get_by_label("Your comment")).to_have_value("My draft")
    expect(page.get_by_label("Your comment")).to_be_focused()
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator("article.comment").filter(has_text="My draft")
    expect(reply.locator("blockquote")).to_contain_text("In reply to Bob Jones")


def test_images_are_previewed_before_sending_and_open_full_size(browser, live_server, alice, png_bytes, tmp_path):
    discussion = DiscussionFactory(creator=alice, name="Pictures")
    files = []
    for name in ("one.png", "two.png"):
        (tmp_path / name).write_bytes(png_bytes)
        files.append(str(tmp_path / name))
    (tmp_path / "notes.txt").write_text("plain words")
    files.append(str(tmp_path / "notes.txt"))
    page = logged_in_context(browser, live_server, alice).new_page()
    page.goto(discussion.get_absolute_url())

    page.get_by_label("Attachments").set_input_files(files)
    previews = page.locator(".attachment-previews figure")
    expect(previews).to_have_count(3)
    expect(previews.locator("img")).to_have_count(2)
    assert page.locator(".attachment-previews img").first.get_attribute("src").startswith("blob:")
    expect(previews.nth(2)).to_contain_text("notes.txt (11 bytes)")

    progress = page.locator("progress.upload-progress")
    assert progress.is_hidden()
    page.locator("form.comment-form").evaluate(
        """form => form.dispatchEvent(new CustomEvent("htmx:xhr:progress",
            {bubbles: true, detail: {lengthComputable: true, loaded: 30, total: 120}}))"""
    )  # what htmx fires while the browser sends the files (too fast to catch on localhost)
    expect(progress).to_be_visible()
    assert progress.evaluate("bar => bar.value") == 25

    page.get_by_role("button", name="Post comment").click()
    comment = page.locator("article.comment")
    expect(comment.locator("img.attachment-thumb")).to_have_count(2)
    expect(comment.locator("a.attachment-file[download]")).to_contain_text("notes.txt")
    expect(page.locator(".attachment-previews figure")).to_have_count(0)

    comment.locator("a.attachment-image").first.click()
    viewer = page.locator("#image-viewer")
    expect(viewer).to_be_visible()
    full_size = live_server.url + comment.locator("a.attachment-image").first.get_attribute("href")
    expect(viewer.locator("img.image-viewer-full")).to_have_attribute("src", full_size)
    assert viewer.locator("img.image-viewer-full").evaluate("image => image.naturalWidth") == 64
    shoot(page, "discussion-image-viewer")


def test_invite_someone_into_a_private_discussion(browser, live_server, alice, bob):
    discussion = DiscussionFactory(creator=alice, name="Secret plans", visibility="private")
    page = logged_in_context(browser, live_server, alice).new_page()
    page.goto(discussion.get_absolute_url())

    page.get_by_text("Invite someone into this private discussion").click()
    page.get_by_label("Invite by login").fill("nobody")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator("#participant-list")).to_contain_text("Nobody has that login.")

    page.get_by_label("Invite by login").fill("bob")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator("#participant-list")).to_contain_text("Bob Jones (@bob) is now a participant.")
    expect(page.locator(".participant-chip")).to_have_count(2)
    assert Participant.objects.get(user=bob).invited_by == alice

    bobs_page = logged_in_context(browser, live_server, bob).new_page()
    assert bobs_page.goto(discussion.get_absolute_url()).status == 200


def test_list_page_says_when_new_activity_arrives(browser, live_server, alice, bob, monkeypatch):
    monkeypatch.setattr(views, "ACTIVITY_POLL_SECONDS", 1)
    discussion = DiscussionFactory(creator=bob, name="Busy")
    page = logged_in_context(browser, live_server, alice).new_page()
    page.goto("/")

    post_comment(author=bob, discussion=discussion, text="Something new")

    notice = page.locator("#activity-notice")
    expect(notice).to_contain_text("New activity", timeout=10_000)
    notice.get_by_role("link", name="Refresh").click()
    expect(page.locator(".list-group-item").first).to_contain_text("1 comment")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_discussion_page_fits_a_phone(browser, live_server, alice, bob, scheme, png_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    discussion = DiscussionFactory(creator=alice, name="A rather long discussion title that must wrap on a phone screen")
    Participant.objects.create(discussion=discussion, user=bob, invited_by=alice)
    long_markdown = (
        "# Heading\n\nA `code` span, a [link](https://example.com/a/very/long/path/that/should/wrap/on/phones) and\n\n"
        "```\na long line of code that must scroll sideways rather than push the page wider than the phone\n```"
    )
    first = post_comment(author=bob, discussion=discussion, text=long_markdown)
    post_comment(
        author=alice, discussion=Discussion.objects.get(pk=discussion.pk), text="> quoted\n\nReply with a picture",
        replied_to_id=first.id, files=[SimpleUploadedFile("p.png", png_bytes, content_type="image/png")],
    )
    page = logged_in_context(browser, live_server, alice, viewport={"width": 375, "height": 740}, color_scheme=scheme).new_page()
    page.goto(discussion.get_absolute_url())

    shoot(page, f"discussion-phone-{scheme}")
    assert page.evaluate("document.documentElement.getAttribute('data-bs-theme')") == scheme
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
