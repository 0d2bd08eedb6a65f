"""What several browser modules do the same way: open a context already logged in, sign up,
log in and out through the real forms, and read links out of the emails the live server sent."""

import re

from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS


def logged_in_context(browser, live_server, user, **options):
    """A browser context carrying ``user``'s session cookie."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}]
    )
    return context


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def label(text: str):
    """A field's label as crispy-forms renders it: required ones end with an asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def sign_up(page, *, login, email, password, firstname, lastname, phone="", avatar=None):
    page.goto("/accounts/signup/")
    form = page.locator("main form")
    form.get_by_label(label("Login")).fill(login)
    form.get_by_label(label("Email")).fill(email)
    if phone:
        form.get_by_label(label("Phone number (optional)")).fill(phone)
    form.get_by_label(label("Password")).fill(password)
    form.get_by_label(label("Password (again)")).fill(password)
    form.get_by_label(label("First name")).fill(firstname)
    form.get_by_label(label("Last name")).fill(lastname)
    if avatar:
        form.get_by_label(label("Profile image")).set_input_files(str(avatar))
    form.get_by_role("button", name="Sign Up").click()


def log_in(page, identity, password, next_url=""):
    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    form = page.locator("main form")
    form.locator("input[name=login]").fill(identity)
    form.locator("input[name=password]").fill(password)
    form.get_by_role("button", name="Sign In").click()


def log_out(page):
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()


def request_password_reset(page, email):
    """From the login page, follow "forgot your password" and ask for a link; return it from the
    email the live server sent (tests run with Django's in-memory mail backend)."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("Forgot your password", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/$"))
    sent_before = len(mail.outbox)
    page.locator("main form").get_by_label(label("Email")).fill(email)
    page.locator("main form").get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()
    expect(page.locator("main")).to_contain_text("We have sent you an email")
    assert len(mail.outbox) == sent_before + 1, [m.subject for m in mail.outbox]
    message = mail.outbox[-1]
    assert message.to == [email]
    links = re.findall(r"https?://\S+/password-reset-procedure/\S+", message.body)
    assert len(links) == 1, message.body
    return links[0]


def choose_new_password(page, link, password):
    page.goto(link)
    form = page.locator("main form")
    form.get_by_label(label("New Password")).fill(password)
    form.get_by_label(label("New Password (again)")).fill(password)
    form.get_by_role("button", name="Change Password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    expect(page.locator("main")).to_contain_text("Your password is now changed.")


def populate_forum(png_bytes):
    """A small forum where every main page has something to show: a discussion with Markdown,
    an image and a file attached, a reply with its quote, a report, a moderation log, avatars.
    Returns a dict of the objects and of the pages' paths."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from forum import moderation
    from forum.models import Discussion
    from forum.services import post_comment
    from tests.factories import DiscussionFactory, UserFactory
    from users.services import update_profile

    alice = UserFactory(login="alice", email="alice@example.com", firstname="Alice", lastname="Smith")
    bob = UserFactory(login="bob", email="bob@example.com", firstname="Bob", lastname="Jones")
    moderator = UserFactory(login="maud", firstname="Maud", lastname="Erator", role_type="moderator", is_staff=True)
    update_profile(user=alice, firstname="Alice", middlename="", lastname="Smith", phone_number=None,
                   image_file=SimpleUploadedFile("alice.png", png_bytes, content_type="image/png"))
    discussion = DiscussionFactory(creator=alice, name="Trains, boats and a rather long discussion title that wraps")
    first = post_comment(
        author=alice, discussion=discussion,
        text="# Plans\n\nSome **bold**, a `code` span and a [link](https://example.com/a/very/long/path/that/wraps).\n\n"
             "```\na long line of code that must scroll sideways rather than push the page wider than a phone\n```",
    )
    post_comment(
        author=bob, discussion=Discussion.objects.get(pk=discussion.pk), text="> quoted\n\nA reply with a picture and notes",
        replied_to_id=first.id,
        files=[SimpleUploadedFile("boat.png", png_bytes, content_type="image/png"),
               SimpleUploadedFile("notes.txt", b"plain words", content_type="text/plain")],
    )
    rude = post_comment(author=bob, discussion=Discussion.objects.get(pk=discussion.pk), text="Something rude")
    moderation.report_comment(reporter=alice, comment=rude, reason="Rude to everybody")
    other = DiscussionFactory(creator=bob, name="Pinned rules")
    moderation.pin_discussion(actor=moderator, discussion=other, reason="House rules")
    moderation.lock_discussion(actor=moderator, discussion=other, reason="Read only")
    DiscussionFactory(creator=bob, name="A private chat", visibility="private")

    # A reset link, requested through the real form.
    from django.core import mail

    Client().post("/accounts/password/reset/", {"email": "bob@example.com"})
    reset_link = re.findall(r"https?://\S+(/password-reset-procedure/\S+)", mail.outbox[-1].body)[0]
    return {
        "alice": alice, "bob": bob, "moderator": moderator, "discussion": discussion,
        "discussion_url": discussion.get_absolute_url(), "reset_link": reset_link,
    }
