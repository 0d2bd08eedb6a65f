"""Resetting a forgotten password: POST /password-reset-request, the emailed link
/password-reset-procedure/{reset_id} (JSON and HTML), and allauth's HTML request page."""

import uuid

import pytest
from allauth.account.forms import default_token_generator
from django.conf import settings as django_settings
from django.test import Client

from tests.conftest import JsonClient
from tests.users.conftest import is_logged_in, reset_link

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-Passphrase-77"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def link(api_client, user, mailoutbox):
    """The path of a fresh reset link for alice, requested the API way.

    (Django's reset tokens also die when the user logs in after asking, so fixtures that log
    alice in elsewhere must come before this one.)"""
    assert api_client.post_json("/password-reset-request", {"email": "alice@example.com"}).status_code == 200
    return reset_link(mailoutbox[-1])


def link_with_token(user, token: str) -> str:
    return f"/password-reset-procedure/{user.pk.hex}-{token}"


def expired_token(user) -> str:
    """A token made for ``user`` (as they are now) longer ago than PASSWORD_RESET_TIMEOUT."""
    now = default_token_generator._num_seconds(default_token_generator._now())
    return default_token_generator._make_token_with_timestamp(
        user, now - django_settings.PASSWORD_RESET_TIMEOUT - 60, default_token_generator.secret
    )


# --- Requesting a link ----------------------------------------------------------------------------


def test_reset_request_emails_a_link_to_the_procedure(api_client, user, mailoutbox):
    response = api_client.post_json("/password-reset-request", {"email": "ALICE@example.com"})

    assert response.status_code == 200
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    assert "http://testserver/password-reset-procedure/" in mailoutbox[0].body


def test_reset_link_uses_base_url(api_client, user, settings, mailoutbox):
    settings.BASE_URL = "https://forum.example.org"

    api_client.post_json("/password-reset-request", {"email": "alice@example.com"})

    assert "https://forum.example.org/password-reset-procedure/" in mailoutbox[0].body


def test_every_link_in_account_emails_uses_base_url(api_client, user, settings, mailoutbox):
    settings.BASE_URL = "https://forum.example.org"

    api_client.post_json("/password-reset-request", {"email": "alice@example.com"})

    assert "https://forum.example.org/password-reset-procedure/" in mailoutbox[0].body
    assert "testserver" not in mailoutbox[0].body
    assert "forum.example.org" in mailoutbox[0].subject


def test_reset_request_for_an_unknown_email_sends_nothing(api_client, mailoutbox):
    response = api_client.post_json("/password-reset-request", {"email": "nobody@example.com"})

    assert response.status_code == 200
    assert mailoutbox == []


def test_reset_request_for_an_unknown_email_looks_the_same(api_client, user, mailoutbox):
    known = api_client.post_json("/password-reset-request", {"email": "alice@example.com"})
    unknown = api_client.post_json("/password-reset-request", {"email": "nobody@example.com"})

    assert unknown.status_code == known.status_code == 200
    assert unknown.json() == known.json()
    assert "password-reset-procedure" not in "".join(message.body for message in mailoutbox[1:])


@pytest.mark.parametrize("body", [{}, {"email": "not-an-email"}, {"email": 42}, {"email": ["a@example.com"]}])
def test_reset_request_refuses_bad_input(api_client, body, mailoutbox):
    response = api_client.post_json("/password-reset-request", body)

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert not mailoutbox


def test_reset_requests_for_one_address_are_rate_limited(api_client, user, mailoutbox):
    statuses = [
        api_client.post_json("/password-reset-request", {"email": "alice@example.com"}).status_code for _ in range(6)
    ]

    assert statuses == [200] * 5 + [429]
    assert len(mailoutbox) == 5


def test_the_html_reset_request_emails_the_same_link(client, user, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})

    assert response.status_code == 302
    assert "/password-reset-procedure/" in reset_link(mailoutbox[0])


# --- The link, for JSON clients -------------------------------------------------------------------


def test_a_fresh_link_answers_200(api_client, link):
    response = api_client.get(link, **JSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_json_content_type_also_makes_a_json_client(api_client, link):
    assert api_client.get(link, content_type="application/json").status_code == 200


@pytest.mark.parametrize("reset_id", ["nonsense", "-", "0-0-0", f"{uuid.uuid4().hex}-cf6nqa-{'a' * 32}"])
def test_an_unknown_link_answers_404(api_client, user, reset_id):
    response = api_client.get(f"/password-reset-procedure/{reset_id}", **JSON)

    assert response.status_code == 404
    assert response.json()["message"]


def test_an_expired_link_answers_410(api_client, user):
    response = api_client.get(link_with_token(user, expired_token(user)), **JSON)

    assert response.status_code == 410


def test_posting_a_new_password_sets_it_spends_the_link_and_ends_other_sessions(
    api_client, user, other_session, link, mailoutbox
):
    assert is_logged_in(other_session)

    response = api_client.post_json(link, {"password": NEW_PASSWORD})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not is_logged_in(other_session)
    assert api_client.get(link, **JSON).status_code == 410
    assert api_client.post_json(link, {"password": "another-Passphrase-88"}).status_code == 410
    login = api_client.post_json("/login", {"identity": "alice", "password": NEW_PASSWORD})
    assert login.status_code == 200


def test_an_expired_link_cannot_set_a_password(api_client, user, password):
    response = api_client.post_json(link_with_token(user, expired_token(user)), {"password": NEW_PASSWORD})

    assert response.status_code == 410
    user.refresh_from_db()
    assert user.check_password(password)


def test_an_unknown_link_cannot_set_a_password(api_client, user):
    response = api_client.post_json(f"/password-reset-procedure/{uuid.uuid4().hex}-x", {"password": NEW_PASSWORD})

    assert response.status_code == 404


@pytest.mark.parametrize("body", [{"password": "short"}, {"password": "password"}, {}, {"password": 12345678}])
def test_a_bad_new_password_is_refused_and_the_link_still_holds(api_client, user, link, password, body):
    response = api_client.post_json(link, body)

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    user.refresh_from_db()
    assert user.check_password(password)
    assert api_client.get(link, **JSON).status_code == 200


def test_posting_malformed_json_to_the_link_is_400(api_client, link):
    response = api_client.post(link, "{", content_type="application/json")

    assert response.status_code == 400


# --- The link, in a browser -----------------------------------------------------------------------


def test_a_browser_gets_the_form(client, link):
    response = client.get(link)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{link}"' in html
    assert 'for="id_password1"' in html and 'for="id_password2"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize("kind, status", [("unknown", 404), ("expired", 410)])
def test_a_browser_gets_an_explanation_for_a_bad_link(client, user, kind, status):
    path = link_with_token(user, expired_token(user)) if kind == "expired" else "/password-reset-procedure/nonsense"

    response = client.get(path)

    assert response.status_code == status
    assert "text/html" in response["Content-Type"]
    assert "new password reset" in response.content.decode()


def test_the_form_sets_the_password_with_a_csrf_token(user, other_session, link):
    browser = Client(enforce_csrf_checks=True)
    browser.get(link)
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not is_logged_in(other_session)
    assert browser.get(link).status_code == 410


def test_the_form_refuses_a_post_without_csrf_token(user, link, password):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(password)


def test_the_form_shows_a_mismatch_on_its_field(client, user, link, password):
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})

    assert response.status_code == 400
    assert response.context["form"].errors["password2"]
    user.refresh_from_db()
    assert user.check_password(password)


def test_a_requester_logged_in_as_the_same_user_keeps_their_session(user, mailoutbox):
    same_user = JsonClient()
    same_user.force_login(user)
    same_user.post_json("/password-reset-request", {"email": "alice@example.com"})

    assert same_user.post_json(reset_link(mailoutbox[0]), {"password": NEW_PASSWORD}).status_code == 200

    assert is_logged_in(same_user)


def test_logging_in_after_asking_spends_the_link(api_client, user, password, link):
    api_client.post_json("/login", {"identity": "alice", "password": password})

    assert api_client.get(link, **JSON).status_code == 410
