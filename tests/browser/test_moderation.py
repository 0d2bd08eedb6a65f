"""Moderation in a real browser: a moderator locks a thread, deletes a rude comment, bans its
author with a reason and finds all three in the log, with htmx and no page load; the banned
user's open session can no longer post, and they cannot log back in."""

import pytest
from django.conf import settings
from django.test import Client

from forum.models import Comment, Discussion, ModerationAction
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in_page(browser, live_server):
    """Make a page in a browser context of its own that carries a user's session cookie; the
    contexts close after the test (so their htmx polls stop before the live server does)."""
    contexts = []

    def make(user, **options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=live_server.url, **options)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_moderator_locks_deletes_bans_and_reads_the_log(logged_in_page):
    moderator = UserFactory(login="mod", firstname="Maud", lastname="Erator", role_type="moderator", is_staff=True)
    troll = UserFactory(login="troll", firstname="Trev", lastname="Troll")
    thread = DiscussionFactory(name="Heated thread")
    rude = CommentFactory(discussion=thread, author=troll, text="You are all idiots")
    elsewhere = DiscussionFactory(name="Quiet thread")

    # The troll has the quiet thread open, logged in, before anything happens: in one browser
    # with JavaScript off (plain forms), in another with it on (htmx polls for new comments).
    troll_page = logged_in_page(troll, java_script_enabled=False)
    troll_page.goto(elsewhere.get_absolute_url())
    troll_live_page = logged_in_page(troll)
    troll_live_page.goto(elsewhere.get_absolute_url())
    troll_live_page.get_by_label("Your comment").wait_for()

    page = logged_in_page(moderator)
    page.goto(thread.get_absolute_url())
    page.evaluate("window.notReloaded = true")

    # 1. Lock the thread (htmx: the page's main is swapped in place).
    page.get_by_role("button", name="Lock the discussion").click()
    page.get_by_role("button", name="Unlock the discussion").wait_for()
    assert page.get_by_text("The discussion is locked: nobody can post in it.").is_visible()
    assert Discussion.objects.get(pk=thread.pk).is_locked

    # 2. Delete the rude comment with issue 3's delete control, giving a reason.
    comment = page.locator(f"#comment-{rude.id}")
    comment.get_by_role("link", name="Delete comment by Trev Troll").click()
    comment.get_by_label("Reason").fill("Insults")
    comment.get_by_role("button", name="Delete").click()
    page.locator(f"#comment-{rude.id}").get_by_text("Only moderators see what it said").wait_for()
    assert Comment.objects.get(pk=rude.pk).is_deleted

    # 3. Ban its author from the comment's moderator menu.
    page.locator(f"#comment-{rude.id}").get_by_role("link", name="Ban author… Trev Troll").click()
    ban_form = page.locator("form.ban-form")
    ban_form.get_by_label("Reason").fill("Insulting everybody")
    ban_form.get_by_label("Banned until (UTC)").fill("2999-01-01T12:00")
    ban_form.get_by_role("button", name="Ban troll").click()
    page.get_by_text("troll is banned.").wait_for()
    assert page.evaluate("window.notReloaded") is True
    shoot(page, "moderation-thread")

    # 4. The log shows all three.
    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("link", name="Log").click()
    log = page.locator("table.moderation-log")
    log.wait_for()
    for action in ("Locked discussion", "Deleted comment", "Banned user"):
        assert log.get_by_text(action).count() >= 1
    assert log.get_by_text("Insulting everybody").is_visible()
    shoot(page, "moderation-log")
    assert list(ModerationAction.objects.order_by("created_at").values_list("kind", flat=True)) == ["lock", "delete_comment", "ban"]

    # 5. The troll's open sessions stop working: posting ends on the login page, which says why...
    troll_page.get_by_label("Your comment").fill("Still here")
    troll_page.get_by_role("button", name="Post comment").click()
    troll_page.wait_for_url("**/accounts/login/**")
    assert troll_page.get_by_text("You have been logged out: this account is banned until 2999-01-01 12:00 UTC").is_visible()
    assert not Comment.objects.filter(text="Still here").exists()
    # ...and the page left open with JavaScript on is sent there by its next poll.
    troll_live_page.wait_for_url("**/accounts/login/**", timeout=15_000)
    troll_live_page.get_by_text("You have been logged out").wait_for()

    # 6. ...and cannot log back in.
    troll_page.locator("input[name=login]").fill("troll")
    troll_page.locator("input[name=password]").fill(PASSWORD)
    troll_page.locator("form").get_by_role("button", name="Sign In").click()
    troll_page.get_by_text("This account is banned until 2999-01-01 12:00 UTC").wait_for()
    shoot(troll_page, "moderation-banned-login")
