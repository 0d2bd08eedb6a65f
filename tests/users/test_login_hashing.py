"""Every login attempt costs exactly one password hash, whether the identity names an account
or not (else the time a failed login takes tells which emails, logins and phone numbers are
registered); a password reset request does the same work for known and unknown addresses.

Counted, not timed: the tests swap in a hasher that counts how often it hashes."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"


class CountingHasher(MD5PasswordHasher):
    """The test hasher (same algorithm, so the fixtures' passwords still verify), counting
    ``encode``: ``make_password`` and ``verify`` both hash through it."""

    hashes = 0

    def encode(self, password, salt):
        CountingHasher.hashes += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    """A function returning the number of hashes computed since the last call."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]

    def since_last_call() -> int:
        count, CountingHasher.hashes = CountingHasher.hashes, 0
        return count

    since_last_call()
    return since_last_call


IDENTITIES = {
    "known login": "alice",
    "unknown login": "nobody",
    "known email": "alice@example.com",
    "unknown email": "nobody@example.com",
    "known phone": "+44 7911 123456",
    "unknown phone": "+1 415 555 2671",
}


@pytest.mark.parametrize("identity", IDENTITIES.values(), ids=IDENTITIES.keys())
def test_failed_json_login_hashes_once(api_client, user, hashes, identity):
    response = api_client.post_json("/login", {"identity": identity, "password": WRONG})

    assert response.status_code == 401
    assert hashes() == 1


@pytest.mark.parametrize("identity", IDENTITIES.values(), ids=IDENTITIES.keys())
def test_failed_html_login_hashes_once(client, user, hashes, identity):
    response = client.post("/accounts/login/", {"login": identity, "password": WRONG})

    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert hashes() == 1


def test_a_known_email_listed_on_several_accounts_still_hashes_once(api_client, user, other_user, hashes):
    EmailAddress.objects.create(user=other_user, email="alice@example.com", verified=False)

    assert api_client.post_json("/login", {"identity": "alice@example.com", "password": WRONG}).status_code == 401
    assert hashes() == 1


def test_a_successful_login_hashes_once(api_client, user, password, hashes):
    assert api_client.post_json("/login", {"identity": "alice@example.com", "password": password}).status_code == 200
    assert hashes() == 1


def reset_request_writes(client, email: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.post_json("/password-reset-request", {"email": email}).status_code == 200
    return [query["sql"] for query in queries if query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]


def test_password_reset_request_hashes_and_writes_alike_for_known_and_unknown_addresses(api_client, user, hashes, mailoutbox):
    # As signup leaves it. (For an account allauth never saw, such as one from createsuperuser,
    # the first request also records its address.) What remains different is the mail itself:
    # a few SELECTs to compose it, and sending it.
    EmailAddress.objects.create(user=user, email="alice@example.com", primary=True)

    assert reset_request_writes(api_client, "alice@example.com") == []
    assert hashes() == 0
    assert reset_request_writes(api_client, "nobody@example.com") == []
    assert hashes() == 0
    assert len(mailoutbox) == 1
