"""Which methods the HTML views answer (forum/http_methods.py): read-only pages GET and HEAD,
form pages POST too, form targets POST only; anything else 405 with ``Allow``."""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

READ = "GET, HEAD"
FORM = "GET, HEAD, POST"
TARGET = "POST"
ALLOWED = {
    "discussion-list": READ,
    "discussion-list-mine": READ,
    "discussion-create": FORM,
    "discussion-detail": READ,
    "discussion-activity": READ,
    "comment-create": TARGET,
    "comment-poll": READ,
    "participant-create": TARGET,
    "comment-preview": TARGET,
    "comment-permalink": READ,
    "comment-edit": FORM,
    "comment-delete": FORM,
    "profile-edit": FORM,
    "account_signup": FORM,  # users.views.SignupView: allauth's signup page
    "user-profile": READ,
    "password-reset-procedure": FORM,
    "discussion-lock": TARGET,
    "discussion-unlock": TARGET,
    "discussion-pin": TARGET,
    "discussion-unpin": TARGET,
    "user-ban": FORM,
    "user-unban": TARGET,
    "user-role": TARGET,
    "comment-report": FORM,
    "moderation-home": READ,
    "moderation-reports": READ,
    "moderation-log": READ,
    "report-resolve": TARGET,
    "report-dismiss": TARGET,
    "upload-file": READ,
    "upload-thumbnail": READ,
    "api-docs": READ,
    "health": READ,
    "favicon": READ,
}
HTML_VIEW_MODULES = {
    "forum.views", "forum.moderation_views", "forum.docs_views", "forum.health", "forum.favicon", "users.views", "users.upload_views",
}
SAMPLE_VALUES = {"UUIDConverter": uuid.uuid4(), "IntConverter": 1, "StringConverter": "someone"}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def url_patterns(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def sample_url(name: str) -> str:
    """The route ``name`` with made-up ids: the method check comes before any lookup."""
    pattern = next(p for p in url_patterns() if p.name == name)
    kwargs = {key: SAMPLE_VALUES[type(converter).__name__] for key, converter in pattern.pattern.converters.items()}
    return reverse(name, kwargs=kwargs)


def test_every_html_view_is_listed_with_its_methods():
    unlisted = {
        pattern.name
        for pattern in url_patterns()
        if pattern.callback.__module__ in HTML_VIEW_MODULES and not pattern.name.startswith("api-")
    } - set(ALLOWED) - {"upload-create"}  # POST /uploads is JSON (forum.jsonapi.api_view)
    assert not unlisted


@pytest.mark.parametrize("name, allowed", ALLOWED.items())
def test_html_views_answer_other_methods_with_405_and_allow(client, name, allowed):
    response = client.options(sample_url(name), HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 405
    assert response["Allow"] == allowed


@pytest.mark.parametrize("name", [name for name, allowed in ALLOWED.items() if allowed == READ])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_read_only_views_answer_unsafe_methods_with_405_not_a_csrf_403(user, name, method):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.generic(method, sample_url(name), HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 405
    assert response["Allow"] == READ


def test_a_form_page_still_refuses_a_post_without_its_csrf_token(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post(reverse("discussion-create"), {"name": "Forged"}, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 403


@pytest.fixture
def page_urls():
    comment = CommentFactory()
    return {"list": "/", "discussion": comment.discussion.get_absolute_url(), "profile": comment.author.get_absolute_url()}


@pytest.mark.parametrize("page", ["list", "discussion", "profile"])
def test_head_of_a_read_only_page_answers_the_get_headers_without_a_body(client, page_urls, page):
    get = client.get(page_urls[page])

    response = client.head(page_urls[page])

    assert (response.status_code, get.status_code) == (200, 200)
    assert response.content == b""
    assert response["Content-Type"] == get["Content-Type"]


# allauth's pages and the admin (forum.http_methods.FormPageMethodsMiddleware): GET, HEAD, POST.
ACCOUNT_AND_ADMIN_PATHS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/logout/",
    "/accounts/password/reset/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/admin/login/",
    "/admin/",
]


@pytest.mark.parametrize("path", ACCOUNT_AND_ADMIN_PATHS)
@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "PATCH", "DELETE"])
def test_account_and_admin_pages_answer_other_methods_with_405_not_a_csrf_403(user, path, method):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.generic(method, path, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 405
    assert response["Allow"] == FORM
    assert response.content == b""


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/admin/login/"])
def test_account_and_admin_pages_still_answer_get_and_head(client, path):
    assert client.get(path, HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 200
    assert client.head(path, HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 200


def test_a_put_with_a_csrf_token_is_not_processed_like_a_post(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/accounts/password/change/")
    token = browser.cookies["csrftoken"].value

    response = browser.generic(
        "PUT",
        "/accounts/logout/",
        f"csrfmiddlewaretoken={token}",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 405
    assert browser.get(reverse("api-me"), HTTP_ACCEPT="application/json").status_code == 200  # still logged in


def test_account_and_admin_pages_still_refuse_a_post_without_its_csrf_token(user):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/accounts/login/", {"login": user.login, "password": "x"}, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 403


def test_no_json_endpoint_lives_under_the_account_and_admin_prefixes():
    json_names = [
        pattern.name for pattern in url_patterns() if pattern.name and (pattern.name.startswith("api-") or pattern.name == "upload-create")
    ]

    assert len(json_names) > 20
    assert not [name for name in json_names if sample_url(name).startswith(("/accounts/", "/admin/"))]
