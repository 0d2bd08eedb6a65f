"""Real API clients against a live server: an HTTP session with a cookie jar, and content for
Schemathesis to read.

pytest-django's ``live_server`` runs the app in a thread of this process, on the test database,
so tests can prepare data with the ORM and read ``django.core.mail.outbox``.
"""

from dataclasses import dataclass, field

import pytest
import requests
from django.core.cache import cache
from django.core.servers.basehttp import WSGIRequestHandler
from django.utils import timezone

from forum.models import Comment, Discussion, Participant, Report, Visibility
from forum.services import post_comment, start_discussion
from tests.conftest import make_image_bytes
from tests.factories import UserFactory
from tests.uploads.samples import tiny_pdf, uploaded
from users import services as user_services
from users.uploads import store_upload

API_PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture(scope="session", autouse=True)
def live_server_without_nagle():
    """Django's live server writes a response's headers and body in separate small sends; with
    Nagle's algorithm on, each response then waits for the client's delayed ACK (about 40 ms).
    ``socketserver``'s own switch turns it off (gunicorn does the same in production): the
    Schemathesis run goes about ten times faster."""
    previous = WSGIRequestHandler.disable_nagle_algorithm
    WSGIRequestHandler.disable_nagle_algorithm = True
    yield
    WSGIRequestHandler.disable_nagle_algorithm = previous


class LiveSession(requests.Session):
    """A ``requests.Session`` (its cookie jar is the client's memory) that takes paths on the
    live server: ``http.post("/login", json={...})``."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, *args, **kwargs)

    @property
    def logged_in(self) -> bool:
        return "sessionid" in self.cookies


@pytest.fixture
def http(live_server) -> LiveSession:
    """A fresh client with an empty cookie jar, sending nothing but what each call says."""
    with LiveSession(live_server.url) as session:
        yield session


def log_in(session: LiveSession, identity: str, password: str) -> dict:
    """POST /login; returns the user."""
    response = session.post("/login", json={"identity": identity, "password": password})
    assert response.status_code == 200, response.text
    assert session.logged_in
    return response.json()


def register_and_log_in(session: LiveSession, login: str, password: str = API_PASSWORD) -> dict:
    """POST /register, then POST /login with the new account's email; returns the user."""
    email = f"{login}@example.com"
    response = session.post("/register", json={"login": login, "password": password, "email": email})
    assert response.status_code == 201, response.text
    return log_in(session, email, password)


@dataclass
class ForumContent:
    """What the live database holds for Schemathesis to read: ids of each kind of thing, so
    that generated requests also reach real objects and not only 404s."""

    discussion_ids: list[str] = field(default_factory=list)
    comment_ids: list[str] = field(default_factory=list)
    upload_ids: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    report_ids: list[str] = field(default_factory=list)


def make_forum_content(*, member) -> ForumContent:
    """Discussions of every kind (public, private with and without ``member``, locked, pinned)
    with comments of every shape (plain, image and PDF attachments, a reply, edited, deleted),
    a user with a profile image and a report, written through the services as the API would.
    ``member`` is in none of ``user_ids``: a moderator's generated ban must not end its session."""
    cache.clear()
    author = UserFactory(login="augusta", email="augusta@example.com", phone_number="+14155550123")
    avatar = store_upload(file=uploaded("augusta.png", make_image_bytes("PNG")), owner=None)
    user_services.update_profile(
        user=author, firstname="Ada", middlename="", lastname="Lovelace", phone_number=author.phone_number,
        image_id=avatar.id, anonymous_upload_ids=[avatar.id],  # as if uploaded in the author's session
    )
    moderator = UserFactory(login="grace", email="grace@example.com", role_type="moderator")

    public = start_discussion(creator=author, name="Analytical engines", comment_text="First!")
    image = store_upload(file=uploaded("engine.jpg", make_image_bytes("JPEG")), owner=author)
    pdf = store_upload(file=uploaded("notes.pdf", tiny_pdf()), owner=author)
    with_files = post_comment(author=author, discussion=public, text="Drawings attached.", attachment_ids=[image.id, pdf.id])
    reply = post_comment(author=member, discussion=public, text="Lovely.", replied_to_id=with_files.id)
    edited = post_comment(author=author, discussion=public, text="Edited text.")
    Comment.objects.filter(pk=edited.pk).update(edited_at=timezone.now())
    deleted = post_comment(author=member, discussion=public, text="Regrettable.")
    Comment.objects.filter(pk=deleted.pk).update(is_deleted=True)

    shared = start_discussion(creator=author, name="Between us", visibility=Visibility.PRIVATE, comment_text="Hi.")
    Participant.objects.create(discussion=shared, user=member)
    secret = start_discussion(creator=moderator, name="Staff only", visibility=Visibility.PRIVATE, comment_text="Psst.")
    locked = start_discussion(creator=author, name="Closed topic", comment_text="Done.")
    Discussion.objects.filter(pk=locked.pk).update(is_locked=True)
    pinned = start_discussion(creator=moderator, name="Read me first", comment_text="Rules.")
    Discussion.objects.filter(pk=pinned.pk).update(is_pinned=True)

    report = Report.objects.create(comment=reply, reporter=author, reason="Off topic.")

    return ForumContent(
        discussion_ids=[str(d.pk) for d in (public, shared, secret, locked, pinned)],
        comment_ids=[str(c.pk) for c in (with_files, reply, edited, deleted)],
        upload_ids=[str(u.pk) for u in (avatar, image, pdf)],
        user_ids=[str(u.pk) for u in (author, moderator)],
        report_ids=[str(report.pk)],
    )
