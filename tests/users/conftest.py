"""Fixtures for the account tests (the shared ones are in tests/conftest.py)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import JsonClient, make_image_bytes
from tests.factories import UserFactory
from users.uploads import store_upload

ALICE_PHONE = "+447911123456"  # the shared ``user`` fixture's number
RESET_LINK = re.compile(r"https?://[^\s]+/password-reset-procedure/(?P<reset_id>[^\s/]+)")




@pytest.fixture
def banned_user(db):
    return UserFactory(login="carol", email="carol@example.com", is_banned=True)


@pytest.fixture
def make_upload(db):
    """Store a file through the uploads service, as POST /uploads does (a small PNG by default)."""

    def make(owner=None, data=None, name="picture.png"):
        return store_upload(file=SimpleUploadedFile(name, data or make_image_bytes("PNG")), owner=owner)

    return make


@pytest.fixture
def other_session(user):
    """A second client logged in as ``user``: another browser or device of theirs."""
    client = JsonClient()
    client.force_login(user)
    return client


def reset_link(message) -> str:
    """The path of the password reset link in an email."""
    match = RESET_LINK.search(message.body)
    assert match, message.body
    return "/password-reset-procedure/" + match["reset_id"]


def is_logged_in(client) -> bool:
    return client.get("/me").status_code == 200
