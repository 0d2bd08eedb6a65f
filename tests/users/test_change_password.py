"""Changing one's password: POST /change-password and allauth's HTML page."""

import pytest

from tests.users.conftest import is_logged_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-Passphrase-77"


def change(old, new=NEW_PASSWORD, retry=None):
    return {"old_password": old, "password": new, "password_retry": new if retry is None else retry}


def test_change_password_keeps_this_session_and_ends_the_others(logged_in_api_client, other_session, user, password):
    assert is_logged_in(other_session)

    response = logged_in_api_client.post_json("/change-password", change(password))

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert is_logged_in(logged_in_api_client)
    assert not is_logged_in(other_session)


def test_change_password_needs_a_login(api_client, password):
    response = api_client.post_json("/change-password", change(password))

    assert response.status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        (change("not-the-password"), "old_password"),
        (change("{password}", retry=NEW_PASSWORD + "x"), "password_retry"),
        (change("{password}", new="short"), "password"),
        (change("{password}", new="password"), "password"),
        (change("{password}", new="alice@example.com"), "password"),
        ({"password": NEW_PASSWORD, "password_retry": NEW_PASSWORD}, "old_password"),
        ({"old_password": "{password}"}, "password"),
        (change(12345), "old_password"),
        (change("{password}", new=["x"]), "password"),
    ],
)
def test_change_password_refuses_bad_input(logged_in_api_client, user, password, body, field):
    body = {key: value.format(password=password) if isinstance(value, str) else value for key, value in body.items()}

    response = logged_in_api_client.post_json("/change-password", body)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    user.refresh_from_db()
    assert user.check_password(password)
    assert is_logged_in(logged_in_api_client)


def test_change_password_refuses_malformed_json(logged_in_api_client):
    response = logged_in_api_client.post("/change-password", "[", content_type="application/json")

    assert response.status_code == 400


def test_change_password_is_rate_limited(logged_in_api_client):
    statuses = [logged_in_api_client.post_json("/change-password", change("wrong")).status_code for _ in range(6)]

    assert statuses == [400] * 5 + [429]


def test_the_html_page_changes_the_password_and_keeps_the_session(logged_in_client, other_session, user, password):
    page = logged_in_client.get("/accounts/password/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="id_oldpassword"' in html and 'aria-label="Your account"' in html

    response = logged_in_client.post(
        "/accounts/password/change/", {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_client.get("/accounts/profile/").status_code == 200
    assert not is_logged_in(other_session)
