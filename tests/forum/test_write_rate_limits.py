"""How fast one person may write (``forum.rate_limits``): comments, discussions, invitations and
reports, counted once in the services for the HTML pages, htmx and the JSON API; over a limit
JSON gets 429 with ``Retry-After``, a browser the form with a sentence; moderators and admins
are not limited."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from forum.models import Comment, Discussion, Participant, Report
from forum.moderation import report_comment
from forum.rate_limits import TooManyWrites
from forum.services import post_comment, start_discussion
from tests.factories import CommentFactory, UserFactory
from tests.forum.helpers import api_client_for, assert_json_error

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
COMMENTS_TOO_FAST = "You are posting comments too fast. Wait a minute and try again."


@pytest.fixture
def small_limits(settings):
    settings.WRITE_RATE_LIMITS = {
        "post_comment": "2/m/user,5/h/user",
        "start_discussion": "2/m/user",
        "invite_participant": "2/m/user",
        "report_comment": "2/m/user",
    }


def post_many(author, discussion, count: int) -> None:
    for number in range(count):
        post_comment(author=author, discussion=discussion, text=f"Comment {number}")


# --- The service, at the default limits -------------------------------------------------------------


def test_post_comment_allows_ten_a_minute_and_refuses_the_eleventh(user, discussion):
    post_many(user, discussion, 10)

    with pytest.raises(TooManyWrites) as refused:
        post_comment(author=user, discussion=discussion, text="One too many")

    assert refused.value.message == COMMENTS_TOO_FAST
    assert refused.value.retry_after == 60
    assert Comment.objects.count() == 10
    discussion.refresh_from_db()
    assert discussion.comments_count == 10


def test_start_discussion_allows_three_a_minute(user):
    for number in range(3):
        start_discussion(creator=user, name=f"Topic {number}")

    with pytest.raises(TooManyWrites):
        start_discussion(creator=user, name="One too many")

    assert Discussion.objects.count() == 3


def test_limits_are_per_user(user, other_user, discussion):
    post_many(user, discussion, 10)

    post_comment(author=other_user, discussion=discussion, text="My first")

    assert Comment.objects.filter(author=other_user).count() == 1


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_are_not_limited(discussion, role):
    staff = UserFactory(role_type=role)

    post_many(staff, discussion, 15)
    for number in range(5):
        start_discussion(creator=staff, name=f"Notice {number}")

    assert Comment.objects.filter(author=staff).count() == 15
    assert Discussion.objects.filter(creator=staff).count() == 5


def test_the_hourly_limit_asks_to_wait_an_hour(settings, user, discussion):
    settings.WRITE_RATE_LIMITS = {"post_comment": "100/m/user,3/h/user"}
    post_many(user, discussion, 3)

    with pytest.raises(TooManyWrites) as refused:
        post_comment(author=user, discussion=discussion, text="One too many")

    assert refused.value.retry_after == 3600
    assert "Wait an hour" in refused.value.message


def test_an_action_left_out_of_the_settings_is_not_limited(settings, user, discussion):
    settings.WRITE_RATE_LIMITS = {}

    post_many(user, discussion, 12)

    assert Comment.objects.count() == 12


def test_a_limit_per_ip_is_a_configuration_error(settings, user, discussion):
    settings.WRITE_RATE_LIMITS = {"post_comment": "10/m"}

    with pytest.raises(ImproperlyConfigured):
        post_comment(author=user, discussion=discussion, text="Hello")


# --- JSON: 429 with Retry-After ------------------------------------------------------------------


@pytest.mark.parametrize("refused", [{"comment_text": "   "}, {"comment_text": "Hi", "replied_message": "0f4b9d0e-7a51-4c8e-9d0a-2b7c1e3f5a60"}])
def test_refused_comments_do_not_use_up_the_limit(small_limits, user, discussion, refused):
    client = api_client_for(user)
    for _ in range(5):
        assert client.post_json(f"/{discussion.id}/comments", refused).status_code == 400

    assert client.post_json(f"/{discussion.id}/comments", {"comment_text": "At last"}).status_code == 201


def test_a_blank_report_does_not_use_up_the_limit(small_limits, user, discussion, other_user):
    comment = CommentFactory(discussion=discussion, author=other_user)
    client = api_client_for(user)
    for _ in range(3):
        assert client.post_json(f"/comments/{comment.id}/report", {"reason": "  "}).status_code == 400

    assert client.post_json(f"/comments/{comment.id}/report", {"reason": "Spam"}).status_code == 201


def test_comment_json_answers_429_with_retry_after_and_stores_nothing(user, discussion):
    client = api_client_for(user)
    for number in range(10):
        assert client.post_json(f"/{discussion.id}/comments", {"comment_text": f"Hi {number}"}).status_code == 201

    response = client.post_json(f"/{discussion.id}/comments", {"comment_text": "x" * 20_000})

    body = assert_json_error(response, 429)
    assert body == {"message": COMMENTS_TOO_FAST}
    assert response["Retry-After"] == "60"
    assert Comment.objects.count() == 10


def test_start_discussion_json_answers_429_on_the_fourth_in_a_minute(user):
    client = api_client_for(user)
    for number in range(3):
        assert client.post_json("/discussion", {"name": f"Topic {number}"}).status_code == 201

    response = client.post_json("/dicussion", {"name": "One too many"})

    assert_json_error(response, 429)
    assert response["Retry-After"] == "60"
    assert Discussion.objects.count() == 3


def test_invite_json_answers_429_and_unknown_logins_count_too(small_limits, user, discussion):
    client = api_client_for(user)
    assert client.post_json(f"/{discussion.id}/participant", {"login": "nobody"}).status_code == 400
    assert client.post_json(f"/{discussion.id}/participant", {"login": "bob"}).status_code == 400  # no such user yet
    UserFactory(login="carol")

    response = client.post_json(f"/{discussion.id}/participant", {"login": "carol"})

    assert_json_error(response, 429)
    assert response["Retry-After"] == "60"
    assert not Participant.objects.filter(user__login="carol").exists()


def test_report_json_answers_429(small_limits, user, discussion, other_user):
    comments = [CommentFactory(discussion=discussion, author=other_user) for _ in range(3)]
    client = api_client_for(user)
    for comment in comments[:2]:
        assert client.post_json(f"/comments/{comment.id}/report", {"reason": "Spam"}).status_code == 201

    response = client.post_json(f"/comments/{comments[2].id}/report", {"reason": "Spam"})

    assert_json_error(response, 429)
    assert response.json()["message"] == "You are reporting comments too fast. Wait a minute and try again."
    assert Report.objects.count() == 2


def test_html_and_json_share_one_count(small_limits, user, discussion, client):
    client.force_login(user)
    client.post(reverse("comment-create", kwargs={"discussion_id": discussion.id}), {"comment_text": "From the page"})
    api_client_for(user).post_json(f"/{discussion.id}/comments", {"comment_text": "From the API"})

    response = api_client_for(user).post_json(f"/{discussion.id}/comments", {"comment_text": "Third"})

    assert response.status_code == 429
    assert Comment.objects.count() == 2


# --- HTML and htmx: the form with the sentence -------------------------------------------------------


def test_comment_html_shows_the_form_with_the_message_and_keeps_the_text(small_limits, user, discussion, client):
    post_many(user, discussion, 2)
    client.force_login(user)

    response = client.post(reverse("comment-create", kwargs={"discussion_id": discussion.id}), {"comment_text": "Kept words"})

    assert response.status_code == 429
    content = response.content.decode()
    assert COMMENTS_TOO_FAST in content
    assert "Kept words" in content
    assert 'id="comment-form"' in content
    assert Comment.objects.count() == 2


def test_comment_htmx_gets_the_form_with_the_message(small_limits, user, discussion, client):
    post_many(user, discussion, 2)
    client.force_login(user)

    response = client.post(
        reverse("comment-create", kwargs={"discussion_id": discussion.id}), {"comment_text": "Kept words"}, **HTMX
    )

    assert response.status_code == 200  # htmx swaps only successful answers
    assert response["HX-Retarget"] == "#comment-form"
    content = response.content.decode()
    assert COMMENTS_TOO_FAST in content and "Kept words" in content
    assert Comment.objects.count() == 2


def test_start_discussion_html_shows_the_form_with_the_message(small_limits, user, client):
    client.force_login(user)
    for number in range(2):
        client.post(reverse("discussion-create"), {"name": f"Topic {number}", "visibility": "public"})

    response = client.post(reverse("discussion-create"), {"name": "Third topic", "visibility": "public"})

    assert response.status_code == 429
    content = response.content.decode()
    assert "You are starting discussions too fast. Wait a minute and try again." in content
    assert "Third topic" in content
    assert Discussion.objects.count() == 2


@pytest.mark.parametrize("headers, status", [({}, 429), (HTMX, 200)])
def test_invite_html_and_htmx_show_the_message(small_limits, user, discussion, client, headers, status):
    client.force_login(user)
    url = reverse("participant-create", kwargs={"discussion_id": discussion.id})
    for login in ("nobody", "nobody2"):
        client.post(url, {"login": login})
    UserFactory(login="carol")

    response = client.post(url, {"login": "carol"}, **headers)

    assert response.status_code == status
    assert "You are inviting people too fast. Wait a minute and try again." in response.content.decode()
    assert not Participant.objects.filter(user__login="carol").exists()


@pytest.mark.parametrize("headers, status", [({}, 429), (HTMX, 200)])
def test_report_html_and_htmx_show_the_message(small_limits, user, discussion, other_user, client, headers, status):
    comments = [CommentFactory(discussion=discussion, author=other_user) for _ in range(3)]
    for comment in comments[:2]:
        report_comment(reporter=user, comment=comment, reason="Spam")
    client.force_login(user)

    response = client.post(reverse("comment-report", kwargs={"comment_id": comments[2].id}), {"reason": "Spam"}, **headers)

    assert response.status_code == status
    assert "You are reporting comments too fast. Wait a minute and try again." in response.content.decode()
    assert Report.objects.count() == 2
