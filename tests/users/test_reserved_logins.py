"""Reserved and all-digit logins: refused at signup (JSON and HTML) and in the admin, but not for
``manage.py createsuperuser``, and never for accounts that already have one."""

import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from tests.users.test_register import STRONG, registration, signup_form
from users.models import User
from users.validators import ALL_DIGITS, RESERVED

pytestmark = pytest.mark.django_db

USERS = "/admin/users/user/"


@pytest.mark.parametrize(
    "login, message",
    [("admin", RESERVED), ("ME", RESERVED), ("New", RESERVED), ("Uploads", RESERVED), ("12345", ALL_DIGITS)],
)
def test_register_refuses_a_reserved_login(api_client, login, message):
    response = api_client.post_json("/register", registration(login=login))

    assert response.status_code == 400
    assert response.json()["errors"]["login"] == [message]
    assert not User.objects.exists()


@pytest.mark.parametrize("login", ["admin2", "me.too", "1st-user", "newton"])
def test_register_accepts_logins_that_only_contain_a_reserved_word_or_digits(api_client, login):
    assert api_client.post_json("/register", registration(login=login)).status_code == 201


def test_signup_in_html_refuses_a_reserved_login(client):
    response = client.post("/accounts/signup/", signup_form(username="Support"))

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [RESERVED]
    assert not User.objects.exists()


def test_createsuperuser_may_use_a_reserved_login(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)

    call_command("createsuperuser", "--noinput", "--login", "admin", "--email", "admin@example.com", verbosity=0)

    assert User.objects.get(login="admin").is_superuser


def test_an_existing_reserved_login_still_logs_in(api_client, password):
    UserFactory(login="root", email="root@example.com")

    assert api_client.post_json("/login", {"identity": "root", "password": password}).status_code == 200


def test_admin_add_form_refuses_a_reserved_login(client, admin_user):
    client.force_login(admin_user)
    data = {"email": "staff@example.com", "usable_password": "true", "password1": STRONG, "password2": STRONG}

    response = client.post(f"{USERS}add/", {**data, "login": "staff"})

    assert response.status_code == 200
    assert RESERVED in response.content.decode()
    assert not User.objects.filter(login="staff").exists()


def test_admin_change_form_keeps_an_existing_reserved_login(client, admin_user):
    # admin_user's login is "root": editing their profile must not trip over it.
    client.force_login(admin_user)
    data = {"login": "root", "email": "root@example.com", "firstname": "Ro", "middlename": "", "lastname": "",
            "phone_number": "", "is_active": "on"}

    response = client.post(f"{USERS}{admin_user.pk}/change/", data)

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.firstname == "Ro"
