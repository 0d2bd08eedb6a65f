"""allauth's pages, restyled: they live inside the forum's layout, with Bootstrap forms."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/password/reset/done/"],
)
def test_entrance_pages_use_the_site_layout(client, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="navbar' in html  # the forum's base.html
    assert "vendor/bootstrap.min.css" in html
    assert 'class="card shadow-sm' in html or path.endswith("/done/")
    assert "<title>" in html and "· Forum</title>" in html


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/", "/accounts/logout/"])
def test_account_management_pages_use_the_site_layout(logged_in_client, path):
    response = logged_in_client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="navbar' in html
    assert "btn btn-" in html


def test_email_page_lists_addresses_as_labelled_radios(logged_in_client, user):
    logged_in_client.get("/accounts/email/")  # allauth records the address on first sight
    response = logged_in_client.get("/accounts/email/")

    html = response.content.decode()
    assert 'class="form-check-input"' in html
    assert "alice@example.com" in html
    assert 'aria-label="Your account"' in html


def test_adding_an_email_address_in_html(logged_in_client, user, mailoutbox):
    response = logged_in_client.post("/accounts/email/", {"action_add": "", "email": "alice2@example.com"})

    assert response.status_code == 302
    assert user.emailaddress_set.filter(email="alice2@example.com").exists()
    assert mailoutbox  # the verification email


def test_html_rate_limit_answers_429_not_500(client, user):
    statuses = [client.post("/accounts/login/", {"login": "alice", "password": "wrong"}).status_code for _ in range(35)]

    assert 500 not in statuses
    assert statuses[-1] == 429


def test_an_over_long_extra_email_address_is_a_form_error(logged_in_client, user, settings):
    # Needs ACCOUNT_FORMS["add_email"] = "users.forms.AddEmailForm" in forum/settings.py (the
    # database keeps 254 characters; Django's email field allows 320: PostgreSQL would fail).
    settings.ACCOUNT_FORMS = {**settings.ACCOUNT_FORMS, "add_email": "users.forms.AddEmailForm"}
    address = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".com"

    response = logged_in_client.post("/accounts/email/", {"action_add": "", "email": address})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not user.emailaddress_set.filter(email=address).exists()
