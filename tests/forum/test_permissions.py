import pytest
from django.contrib.auth.models import AnonymousUser

from forum.models import Discussion, Participant
from forum.permissions import can_post_comment, can_start_discussion, can_view_discussion, post_comment_refusal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(user, other_user, moderator):
    return {"anonymous": AnonymousUser(), "participant": user, "outsider": other_user, "moderator": moderator}


@pytest.mark.parametrize("who", ["anonymous", "participant", "outsider", "moderator"])
def test_can_view_discussion_agrees_with_visible_to(people, discussion, private_discussion, who):
    person = people[who]
    visible = set(Discussion.objects.visible_to(person))

    for item in (discussion, private_discussion):
        assert can_view_discussion(person, item) == (item in visible)


@pytest.mark.parametrize(
    ("who", "public", "private"),
    [
        ("anonymous", False, False),
        ("participant", True, True),
        ("outsider", True, False),
        ("moderator", True, False),  # staff read private discussions, but only participants post
    ],
)
def test_can_post_comment_by_role_and_visibility(people, discussion, private_discussion, who, public, private):
    assert can_post_comment(people[who], discussion) is public
    assert can_post_comment(people[who], private_discussion) is private


def test_nobody_posts_in_a_locked_discussion(people, discussion):
    discussion.is_locked = True
    Participant.objects.create(discussion=discussion, user=people["moderator"])

    assert not any(can_post_comment(person, discussion) for person in people.values())
    assert post_comment_refusal(people["moderator"], discussion) == "This discussion is locked: nobody can post in it."


def test_anonymous_visitors_are_told_a_locked_discussion_is_locked_not_to_log_in(discussion):
    assert post_comment_refusal(AnonymousUser(), discussion) == "Log in to comment."

    discussion.is_locked = True

    assert post_comment_refusal(AnonymousUser(), discussion) == "This discussion is locked: nobody can post in it."


def test_banned_users_neither_start_discussions_nor_post(discussion):
    banned = UserFactory(is_banned=True)

    assert not can_start_discussion(banned)
    assert not can_post_comment(banned, discussion)
    assert "banned" in post_comment_refusal(banned, discussion)


def test_logged_in_users_start_discussions_and_anonymous_ones_do_not(user):
    assert can_start_discussion(user)
    assert not can_start_discussion(AnonymousUser())
