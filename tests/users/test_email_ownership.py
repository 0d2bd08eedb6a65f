"""Who an email address belongs to: an account's primary address, or an extra address it
verified. An unverified extra address belongs to nobody: it neither takes the address from
signup nor logs in, and an address that is someone's cannot be added to another account."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC

from tests.factories import UserFactory
from tests.users.conftest import is_logged_in, reset_link
from tests.users.test_register import STRONG, registration
from users.models import User

pytestmark = pytest.mark.django_db

TAKEN = "A user is already registered with this email address."


def add_email(client, address: str):
    return client.post("/accounts/email/", {"action_add": "", "email": address})


@pytest.fixture
def squatter_client(client, other_user):
    """bob, logged in on the HTML pages, who will type in addresses that are not his."""
    client.force_login(other_user)
    return client


def test_an_unverified_extra_address_does_not_take_it_from_signup_or_log_in(squatter_client, other_user, api_client, password):
    add_email(squatter_client, "victim@example.com")
    assert other_user.emailaddress_set.filter(email="victim@example.com", verified=False).exists()

    squatted_login = api_client.post_json("/login", {"identity": "victim@example.com", "password": password})
    registered = api_client.post_json("/register", registration(login="victim", email="victim@example.com"))

    assert squatted_login.status_code == 401
    assert registered.status_code == 201
    assert User.objects.get(login="victim").email == "victim@example.com"
    api_client.post_json("/logout")
    response = api_client.post_json("/login", {"identity": "victim@example.com", "password": STRONG})
    assert response.status_code == 200 and response.json()["login"] == "victim"


@pytest.mark.parametrize("address", ["alice@example.com", "ALICE@example.com"])
def test_another_accounts_primary_address_cannot_be_added(squatter_client, user, other_user, address, api_client, password):
    response = add_email(squatter_client, address)

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [TAKEN]
    assert not other_user.emailaddress_set.filter(email__iexact=address).exists()
    logged_in = api_client.post_json("/login", {"identity": "alice@example.com", "password": password})
    assert logged_in.json()["login"] == "alice"


def test_another_accounts_verified_extra_address_cannot_be_added(squatter_client, user, other_user):
    EmailAddress.objects.create(user=user, email="alice.work@example.com", verified=True)

    response = add_email(squatter_client, "alice.work@example.com")

    assert response.context["form"].errors["email"] == [TAKEN]
    assert not other_user.emailaddress_set.filter(email="alice.work@example.com").exists()


def test_an_address_only_pending_elsewhere_can_still_be_added(squatter_client, user, other_user):
    EmailAddress.objects.create(user=user, email="shared@example.com", verified=False)

    assert add_email(squatter_client, "shared@example.com").status_code == 302
    assert other_user.emailaddress_set.filter(email="shared@example.com").exists()


def test_a_verified_extra_address_logs_in(api_client, user, password):
    EmailAddress.objects.create(user=user, email="alice.work@example.com", verified=True)

    response = api_client.post_json("/login", {"identity": "Alice.Work@example.com", "password": password})

    assert response.status_code == 200 and response.json()["login"] == "alice"


def test_an_unverified_extra_address_does_not_log_in_even_its_own_account(api_client, user, password):
    EmailAddress.objects.create(user=user, email="alice.maybe@example.com", verified=False)

    assert api_client.post_json("/login", {"identity": "alice.maybe@example.com", "password": password}).status_code == 401


def test_a_pending_address_registered_meanwhile_by_another_account_cannot_be_verified(client, other_user):
    pending = EmailAddress.objects.create(user=other_user, email="victim@example.com", verified=False)
    victim = UserFactory(login="victim", email="victim@example.com")
    client.force_login(other_user)

    client.post(f"/accounts/confirm-email/{EmailConfirmationHMAC(pending).key}/")

    pending.refresh_from_db()
    other_user.refresh_from_db()
    assert not pending.verified
    assert other_user.email == "bob@example.com"
    assert list(User.objects.owning_email("victim@example.com")) == [victim]


def test_a_pending_address_nobody_owns_is_verified_as_before(client, other_user):
    pending = EmailAddress.objects.create(user=other_user, email="bob.new@example.com", verified=False)
    client.force_login(other_user)

    client.post(f"/accounts/confirm-email/{EmailConfirmationHMAC(pending).key}/")

    pending.refresh_from_db()
    assert pending.verified


def test_password_reset_link_goes_to_the_owner_only(api_client, user, other_user, mailoutbox):
    EmailAddress.objects.create(user=other_user, email="alice@example.com", verified=False)  # squatted before the fix

    response = api_client.post_json("/password-reset-request", {"email": "alice@example.com"})

    assert response.status_code == 200
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alice@example.com"]
    assert reset_link(mailoutbox[0]).startswith(f"/password-reset-procedure/{user.pk.hex}-")
    assert not is_logged_in(api_client)


def test_an_unverified_address_cannot_be_made_primary(squatter_client, other_user, api_client):
    add_email(squatter_client, "victim@example.com")

    squatter_client.post("/accounts/email/", {"action_primary": "", "email": "victim@example.com"})

    other_user.refresh_from_db()
    assert other_user.email == "bob@example.com"
    assert not other_user.emailaddress_set.filter(email="victim@example.com", primary=True).exists()
    assert api_client.post_json("/register", registration(login="victim", email="victim@example.com")).status_code == 201


def test_a_verified_address_can_be_made_primary(squatter_client, other_user):
    EmailAddress.objects.create(user=other_user, email="bob.new@example.com", verified=True)

    response = squatter_client.post("/accounts/email/", {"action_primary": "", "email": "bob.new@example.com"})

    assert response.status_code == 302
    other_user.refresh_from_db()
    assert other_user.email == "bob.new@example.com"
