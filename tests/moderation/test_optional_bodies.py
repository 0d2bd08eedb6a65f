"""Moderation operations whose JSON body is optional (documented ``requestBody.required: false``)
take a request that sends no body and no Content-Type (``curl -X POST``) as ``{}``; anything else
still has to be JSON, and such a bodiless request from another site's page is refused."""

import pytest

from forum.models import Discussion, ModerationAction, Report
from forum.moderation import report_comment
from tests.moderation.helpers import api_client_for
from users.models import User
from users.services import ban_user

pytestmark = pytest.mark.django_db

CROSS_SITE = {"HTTP_ORIGIN": "https://evil.example"}


def post_nothing(client, path, **extra):
    """A POST with no body and no Content-Type, as ``curl -X POST`` sends it."""
    return client.generic("POST", path, **extra)


@pytest.fixture
def report(user, rude_comment):
    return report_comment(reporter=user, comment=rude_comment, reason="Insults everybody")


@pytest.mark.parametrize(
    "action, field, value",
    [("lock", "is_locked", True), ("pin", "is_pinned", True), ("unlock", "is_locked", False), ("unpin", "is_pinned", False)],
)
def test_discussion_action_json_without_a_body_or_content_type(moderator, discussion, action, field, value):
    Discussion.objects.filter(pk=discussion.pk).update(**{field: not value})

    response = post_nothing(api_client_for(moderator), f"/discussions/{discussion.id}/{action}")

    assert response.status_code == 200
    assert response.json()[field] is value
    discussion.refresh_from_db()
    assert getattr(discussion, field) is value
    assert ModerationAction.objects.get().reason == ""


def test_unban_json_without_a_body_or_content_type(moderator, user):
    ban_user(actor=moderator, user=user, reason="Spam")

    response = post_nothing(api_client_for(moderator), f"/users/{user.id}/unban")

    assert response.status_code == 200 and response.json()["is_banned"] is False
    assert not User.objects.get(pk=user.pk).is_banned


@pytest.mark.parametrize("action, status", [("resolve", Report.Status.RESOLVED), ("dismiss", Report.Status.DISMISSED)])
def test_report_action_json_without_a_body_or_content_type(moderator, report, action, status):
    response = post_nothing(api_client_for(moderator), f"/moderation/reports/{report.id}/{action}")

    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == status


def test_bodiless_action_from_the_sites_own_page_is_accepted(moderator, discussion):
    same_site = {"HTTP_ORIGIN": "http://testserver"}

    response = post_nothing(api_client_for(moderator), f"/discussions/{discussion.id}/lock", **same_site)

    assert response.status_code == 200
    assert Discussion.objects.get(pk=discussion.pk).is_locked


def test_bodiless_action_from_another_sites_page_is_refused(moderator, discussion):
    response = post_nothing(api_client_for(moderator), f"/discussions/{discussion.id}/lock", **CROSS_SITE)

    assert response.status_code == 403
    assert response.json() == {"message": "Requests from another site are refused."}
    assert not Discussion.objects.get(pk=discussion.pk).is_locked


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_optional_body_with_another_content_type_is_still_415(moderator, discussion, content_type):
    client = api_client_for(moderator)

    response = client.generic("POST", f"/discussions/{discussion.id}/lock", CONTENT_TYPE=content_type)  # empty body

    assert response.status_code == 415
    assert not Discussion.objects.get(pk=discussion.pk).is_locked


def test_optional_body_that_is_sent_must_be_valid_json(moderator, discussion):
    response = api_client_for(moderator).generic(
        "POST", f"/discussions/{discussion.id}/lock", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert not Discussion.objects.get(pk=discussion.pk).is_locked


def test_a_required_body_still_needs_json(user, rude_comment):
    response = post_nothing(api_client_for(user), f"/comments/{rude_comment.id}/report")

    assert response.status_code == 415
    assert not Report.objects.exists()
