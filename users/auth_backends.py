"""The authentication backend: allauth's, with one account per identity and one password hash
per attempt.

allauth's own backend tries an email-shaped identity as an email, then as a login, then as an
email again, and checks the password of every account that lists the address, verified or
not: a known address cost two hashes and an unknown one a single (dummy) hash, which timed
apart, and an address merely typed in on another account logged in to that account. Here the
identity names at most one account (``find_user``) and exactly one hash is computed: that
account's password check, or allauth's dummy hash when there is no account.
"""

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.app_settings import LoginMethod
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.internal.userkit import get_user_by_username
from django.contrib.auth import get_user_model


class AuthenticationBackend(AllauthBackend):
    def _authenticate(self, request, **credentials):
        # allauth's authenticate() adds the dummy hash when _check_password saw no user.
        return self._check_password(find_user(**credentials), credentials.get("password") or "")


def find_user(*, email=None, phone=None, username=None, **_):
    """The one account an identity names: by email (its owner, see ``owning_email``), by phone
    number, or by login, in that order, for the login methods in use. allauth passes the
    identity as ``username`` too (and other callers, such as the admin's login form, only so)."""
    lookups = [
        (LoginMethod.EMAIL, email or username, _user_by_email),
        (LoginMethod.PHONE, phone, get_adapter().get_user_by_phone),
        (LoginMethod.USERNAME, username, get_user_by_username),
    ]
    for method, identity, lookup in lookups:
        user = lookup(identity) if identity and method in app_settings.LOGIN_METHODS else None
        if user is not None:
            return user
    return None


def _user_by_email(email: str):
    if "@" not in email:  # a login or a phone number: no need to ask the database
        return None
    return get_user_model().objects.owning_email(email).first()
