"""Fixtures for the moderation tests (the shared ones are in tests/conftest.py)."""

import pytest

from tests.factories import CommentFactory, DiscussionFactory, UserFactory


@pytest.fixture
def moderator(db):
    """A moderator as ``users.services.set_role`` makes one: staff, so the Django admin opens."""
    return UserFactory(login="mod", email="mod@example.com", role_type="moderator", is_staff=True)


@pytest.fixture
def other_moderator(db):
    return UserFactory(login="mod2", email="mod2@example.com", role_type="moderator", is_staff=True)


@pytest.fixture
def discussion(user):
    """A public discussion started by ``user`` (alice)."""
    return DiscussionFactory(creator=user, name="Public talk")


@pytest.fixture
def rude_comment(discussion, other_user):
    """A comment by ``other_user`` (bob) in alice's discussion."""
    return CommentFactory(discussion=discussion, author=other_user, text="You are all idiots")
