"""Logging in and out: POST /login, GET or POST /logout, and allauth's HTML login page."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.users.conftest import is_logged_in

pytestmark = pytest.mark.django_db


# --- JSON login -----------------------------------------------------------------------------------


@pytest.mark.parametrize("identity", ["alice", "ALICE", "alice@example.com", "Alice@Example.com"])
def test_login_by_login_or_email(api_client, user, password, identity):
    response = api_client.post_json("/login", {"identity": identity, "password": password})

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == str(user.id)
    assert data["email"] == "alice@example.com"  # the user sees their own contact details
    assert set(data) == {
        "id", "login", "email", "phone_number", "firstname", "lastname", "middlename",
        "profile_image", "role_type", "is_banned",
    }
    assert "sessionid" in response.cookies
    assert is_logged_in(api_client)


@pytest.mark.parametrize(
    "identity", ["+447911123456", "+44 7911 123456", "+44-7911-123-456", "+44 (0)7911 123456", " +44 7911 123 456 "]
)
def test_login_by_phone_in_any_common_format(api_client, user, password, identity):
    response = api_client.post_json("/login", {"identity": identity, "password": password})

    assert response.status_code == 200
    assert response.json()["login"] == "alice"


def test_login_answers_401_with_one_message_for_wrong_password_and_unknown_user(api_client, user, password):
    wrong_password = api_client.post_json("/login", {"identity": "alice", "password": "not-" + password})
    unknown_login = api_client.post_json("/login", {"identity": "nobody", "password": password})
    unknown_email = api_client.post_json("/login", {"identity": "nobody@example.com", "password": password})
    unknown_phone = api_client.post_json("/login", {"identity": "+1 415 555 2671", "password": password})

    assert {r.status_code for r in (wrong_password, unknown_login, unknown_email, unknown_phone)} == {401}
    assert wrong_password.json() == unknown_login.json() == unknown_email.json() == unknown_phone.json()
    assert not is_logged_in(api_client)


def test_login_refuses_a_banned_user_with_403_and_no_session(api_client, banned_user, password):
    response = api_client.post_json("/login", {"identity": "carol", "password": password})

    assert response.status_code == 403
    assert "banned" in response.json()["message"]
    assert SESSION_KEY not in api_client.session
    assert not is_logged_in(api_client)


def test_login_does_not_reveal_a_ban_without_the_right_password(api_client, banned_user):
    response = api_client.post_json("/login", {"identity": "carol", "password": "wrong-password"})

    assert response.status_code == 401


def test_login_refuses_a_deactivated_account_with_its_own_403_and_no_session(api_client, user, password):
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = api_client.post_json("/login", {"identity": "alice", "password": password})

    assert response.status_code == 403
    message = response.json()["message"]
    assert "deactivated" in message
    assert "email" not in message
    assert SESSION_KEY not in api_client.session
    assert not is_logged_in(api_client)


def test_login_does_not_reveal_a_deactivated_account_without_the_right_password(api_client, user, password):
    user.is_active = False
    user.save(update_fields=["is_active"])

    wrong_password = api_client.post_json("/login", {"identity": "alice", "password": "not-" + password})
    unknown_login = api_client.post_json("/login", {"identity": "nobody", "password": password})

    assert wrong_password.status_code == 401
    assert wrong_password.json() == unknown_login.json()


def test_login_waiting_for_email_verification_answers_403_without_session(api_client, user, password, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = api_client.post_json("/login", {"identity": "alice", "password": password})

    assert response.status_code == 403
    assert "email" in response.json()["message"]
    assert not is_logged_in(api_client)


def test_login_names_missing_fields(api_client):
    response = api_client.post_json("/login", {})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"identity", "password"}


@pytest.mark.parametrize("body", [{"identity": 12345, "password": "x"}, {"identity": "alice", "password": 1}])
def test_login_refuses_values_that_are_not_strings(api_client, user, body):
    response = api_client.post_json("/login", body)

    assert response.status_code == 400
    assert "errors" in response.json()


def test_login_refuses_malformed_json(api_client):
    response = api_client.post("/login", '{"identity": ', content_type="application/json")

    assert response.status_code == 400


def test_login_refuses_a_form_post(api_client, user, password):
    assert api_client.post("/login", {"identity": "alice", "password": password}).status_code == 415


@pytest.mark.parametrize("identity", ["a" * 10_000, "a" * 60_000 + "@x.com", "+" + "1" * 60_000])
def test_login_with_an_over_long_identity_is_a_field_error(api_client, user, password, identity):
    response = api_client.post_json("/login", {"identity": identity, "password": password})

    assert response.status_code == 400
    assert "identity" in response.json()["errors"]


def test_repeated_failed_logins_end_in_429_with_retry_after(api_client, user):
    statuses = [
        api_client.post_json("/login", {"identity": "alice", "password": f"wrong-{n}"}).status_code for n in range(6)
    ]

    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    response = api_client.post_json("/login", {"identity": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["message"]


def test_many_logins_from_one_address_end_in_429(api_client, user, password):
    statuses = [
        api_client.post_json("/login", {"identity": "alice", "password": password}).status_code for _ in range(31)
    ]

    assert statuses[0] == 200
    assert statuses[-1] == 429


# --- JSON logout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_logout_ends_the_session(logged_in_api_client, method):
    response = getattr(logged_in_api_client, method)("/logout")

    assert response.status_code == 200
    assert response.json()["message"]
    assert not is_logged_in(logged_in_api_client)


def test_logout_with_a_json_body_works_too(logged_in_api_client):
    assert logged_in_api_client.post_json("/logout", {}).status_code == 200
    assert not is_logged_in(logged_in_api_client)


@pytest.mark.parametrize("method", ["get", "post"])
def test_logout_answers_200_when_not_logged_in(api_client, method):
    assert getattr(api_client, method)("/logout").status_code == 200


def test_logout_refuses_other_methods(logged_in_api_client):
    response = logged_in_api_client.delete("/logout")

    assert response.status_code == 405
    assert is_logged_in(logged_in_api_client)


# --- HTML -----------------------------------------------------------------------------------------


def test_login_page_is_bootstrap_with_labels(client):
    response = client.get("/accounts/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_login"' in html and 'for="id_password"' in html
    assert "form-control" in html and "btn btn-primary" in html
    assert "Forgot your password?" in html


def test_login_in_html_by_phone(client, user, password):
    response = client.post("/accounts/login/", {"login": "+44 7911 123456", "password": password})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_in_html_shows_the_error_on_the_form(client, user):
    response = client.post("/accounts/login/", {"login": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_in_html_refuses_a_deactivated_account_with_a_message(client, user, password):
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.post("/accounts/login/", {"login": "alice", "password": password}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "This account is deactivated" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_in_html_refuses_a_banned_user_with_a_message(client, banned_user, password):
    response = client.post("/accounts/login/", {"login": "carol", "password": password}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "banned" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logout_in_html_is_a_post(logged_in_client):
    page = logged_in_client.get("/accounts/logout/")
    assert page.status_code == 200 and "btn btn-primary" in page.content.decode()

    response = logged_in_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert SESSION_KEY not in logged_in_client.session
