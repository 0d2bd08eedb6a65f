"""Deleting a comment: soft (the text is kept for moderators and the audit log), by its author
or by a moderator (who leaves a reason in the audit log); in place with htmx, on a page of its
own without JavaScript, and over JSON (DELETE /comments/{id})."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from forum.models import Comment, CommentAttachment, Discussion, ModerationAction
from forum.permissions import can_delete_comment
from forum.services import delete_comment
from tests.factories import CommentFactory
from tests.forum.helpers import api_client_for, assert_comment_shape, assert_json_error

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def comment(discussion, user):
    """alice's comment in her public discussion."""
    return CommentFactory(discussion=discussion, author=user, text="Regrettable")


def delete_url(comment) -> str:
    return reverse("comment-delete", args=[comment.id])


def api_url(comment) -> str:
    return f"/comments/{comment.id}"


def assert_not_deleted(comment) -> None:
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.is_deleted, stored.deleted_at, stored.deleted_by) == (False, None, None)
    assert not ModerationAction.objects.exists()


# --- the service ----------------------------------------------------------------------------------


def test_delete_comment_by_its_author_hides_it_and_keeps_the_text(comment, user, discussion):
    delete_comment(actor=user, comment=comment)

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.is_deleted and stored.deleted_at is not None and stored.deleted_by == user
    assert stored.text == "Regrettable"
    assert Discussion.objects.get(pk=discussion.pk).comments_count == 1  # it keeps its place
    assert not ModerationAction.objects.exists()  # no moderation: the author took it back


@pytest.mark.parametrize("staff", ["moderator", "admin_user"])
def test_delete_comment_by_staff_writes_the_audit_log_with_the_reason(comment, user, discussion, request, staff):
    actor = request.getfixturevalue(staff)

    delete_comment(actor=actor, comment=comment, reason="Spam")

    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.kind, entry.target_user) == (actor, ModerationAction.Kind.DELETE_COMMENT, user)
    assert (entry.discussion, entry.comment, entry.reason) == (discussion, comment, "Spam")
    assert Comment.objects.get(pk=comment.pk).deleted_by == actor


def test_delete_comment_by_staff_in_a_locked_discussion_is_allowed(comment, moderator, discussion):
    Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)

    delete_comment(actor=moderator, comment=comment)

    assert Comment.objects.get(pk=comment.pk).is_deleted


def test_delete_comment_and_its_log_entry_are_written_together(comment, moderator, monkeypatch):
    from forum import moderation

    def failing(**kwargs):
        raise RuntimeError("log unavailable")

    monkeypatch.setattr(moderation, "record_action", failing)

    with pytest.raises(RuntimeError):
        delete_comment(actor=moderator, comment=comment, reason="Spam")
    assert_not_deleted(comment)


@pytest.mark.parametrize("who", ["other", "anonymous", "banned author"])
def test_delete_comment_refuses_anyone_but_the_author_and_staff(comment, other_user, user, who):
    actor = {"other": other_user, "anonymous": AnonymousUser(), "banned author": user}[who]
    if who == "banned author":
        user.is_banned = True

    with pytest.raises(PermissionDenied):
        delete_comment(actor=actor, comment=comment)
    assert_not_deleted(comment)


def test_delete_comment_refuses_the_author_in_a_locked_discussion(comment, user, discussion):
    Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)

    with pytest.raises(PermissionDenied, match="locked"):
        delete_comment(actor=user, comment=comment)
    assert_not_deleted(comment)


def test_delete_comment_refuses_a_comment_deleted_already(comment, user, moderator):
    delete_comment(actor=user, comment=comment)

    with pytest.raises(PermissionDenied, match="already"):
        delete_comment(actor=moderator, comment=Comment.objects.get(pk=comment.pk))
    assert not ModerationAction.objects.exists()


def test_can_delete_comment_answers_as_the_service_rules(comment, user, other_user, moderator):
    assert can_delete_comment(user, comment) and can_delete_comment(moderator, comment)
    assert not can_delete_comment(other_user, comment)
    assert not can_delete_comment(AnonymousUser(), comment)


# --- what readers see -------------------------------------------------------------------------------


def test_deleted_comment_shows_as_deleted_to_readers_without_its_text_or_attachments(
    client, comment, user, discussion, make_upload
):
    upload = make_upload(user)
    CommentAttachment.objects.create(comment=comment, upload=upload)
    delete_comment(actor=user, comment=comment)

    content = client.get(discussion.get_absolute_url()).content.decode()

    assert "This comment was deleted." in content
    assert "Regrettable" not in content
    assert upload.get_absolute_url() not in content


def test_deleted_comment_shows_its_text_marked_deleted_to_staff(client, comment, moderator, discussion):
    delete_comment(actor=moderator, comment=comment, reason="Rude")
    client.force_login(moderator)

    content = client.get(discussion.get_absolute_url()).content.decode()

    assert "Regrettable" in content
    assert '<span class="badge text-bg-danger">Deleted</span>' in content
    assert "Deleted by Ada Lovelace" in content or f"Deleted by {moderator.display_name}" in content
    assert "This comment was deleted." not in content


def test_deleted_comment_json_is_blank_for_readers_and_whole_for_staff(comment, user, moderator, make_upload, other_user):
    CommentAttachment.objects.create(comment=comment, upload=make_upload(user))
    delete_comment(actor=user, comment=comment)

    reader = api_client_for(other_user).get(api_url(comment)).json()
    staff = api_client_for(moderator).get(api_url(comment)).json()

    assert (reader["is_deleted"], reader["comment_text"], reader["attachments"]) == (True, "", [])
    assert (staff["is_deleted"], staff["comment_text"], len(staff["attachments"])) == (True, "Regrettable", 1)


def test_deleted_comment_offers_no_reply_edit_or_delete(logged_in_client, comment, user, discussion):
    delete_comment(actor=user, comment=comment)

    content = logged_in_client.get(discussion.get_absolute_url()).content.decode()

    assert f"reply_to={comment.id}" not in content
    assert reverse("comment-edit", args=[comment.id]) not in content
    assert delete_url(comment) not in content


# --- HTML -------------------------------------------------------------------------------------------


def test_delete_over_htmx_asks_for_confirmation_in_place(logged_in_client, comment):
    response = logged_in_client.get(delete_url(comment), {"page": 1}, headers=HTMX)

    content = response.content.decode()
    assert content.strip().startswith(f'<article class="comment card mb-3 border-danger-subtle" id="comment-{comment.id}"')
    assert "Delete your comment?" in content
    assert 'name="reason"' not in content  # no audit log entry for your own comment
    assert_not_deleted(comment)


def test_delete_confirmation_asks_a_moderator_for_a_reason(client, comment, moderator):
    client.force_login(moderator)

    content = client.get(delete_url(comment), headers=HTMX).content.decode()

    assert 'name="reason"' in content
    assert "Delete this comment by" in content


def test_delete_post_over_htmx_answers_the_comment_as_deleted(logged_in_client, comment):
    response = logged_in_client.post(delete_url(comment) + "?page=1", headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith(f'<article class="comment card mb-3 comment-deleted" id="comment-{comment.id}"')
    assert "This comment was deleted." in content
    assert Comment.objects.get(pk=comment.pk).is_deleted


def test_delete_without_javascript_confirms_on_a_page_and_redirects_to_the_comment(logged_in_client, comment, discussion):
    page = logged_in_client.get(delete_url(comment))
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert_not_deleted(comment)

    response = logged_in_client.post(delete_url(comment))

    assert response.status_code == 302
    assert response["Location"] == f"{discussion.get_absolute_url()}?page=1#comment-{comment.id}"
    assert Comment.objects.get(pk=comment.pk).is_deleted


def test_moderator_deletes_over_html_with_a_reason(client, comment, moderator):
    client.force_login(moderator)

    client.post(delete_url(comment), {"reason": "Off topic"})

    assert ModerationAction.objects.get().reason == "Off topic"


@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_refuses_someone_elses_comment_with_403(client, comment, other_user, method):
    client.force_login(other_user)

    assert getattr(client, method)(delete_url(comment)).status_code == 403
    assert_not_deleted(comment)


def test_delete_refuses_a_comment_deleted_already_with_403(logged_in_client, comment, user):
    delete_comment(actor=user, comment=comment)
    assert logged_in_client.post(delete_url(comment)).status_code == 403


def test_delete_in_a_hidden_private_discussion_is_404(client, other_user, private_discussion, user):
    comment = CommentFactory(discussion=private_discussion, author=user)
    client.force_login(other_user)

    assert client.post(delete_url(comment)).status_code == 404
    assert_not_deleted(comment)


# --- JSON: DELETE /comments/{id} -------------------------------------------------------------------------


def test_delete_comment_json_answers_the_comment_as_deleted(logged_in_api_client, comment):
    response = logged_in_api_client.delete(api_url(comment))

    assert response.status_code == 200
    data = response.json()
    assert_comment_shape(data)
    assert (data["is_deleted"], data["comment_text"]) == (True, "")
    assert Comment.objects.get(pk=comment.pk).is_deleted


def test_delete_comment_json_takes_a_reason_from_moderators(comment, moderator):
    response = api_client_for(moderator).delete_json(api_url(comment), {"reason": "Spam"})

    assert response.status_code == 200
    assert response.json()["comment_text"] == "Regrettable"  # staff still read it
    assert ModerationAction.objects.get().reason == "Spam"


def test_delete_comment_json_refuses_someone_elses_comment_with_403(comment, other_user):
    assert_json_error(api_client_for(other_user).delete_json(api_url(comment)), 403)
    assert_not_deleted(comment)


def test_delete_comment_json_refuses_a_comment_deleted_already_with_403(logged_in_api_client, comment, user):
    delete_comment(actor=user, comment=comment)
    assert_json_error(logged_in_api_client.delete_json(api_url(comment)), 403)


@pytest.mark.parametrize(("body", "status"), [('{"reason": 5}', 400), ("{not json", 400), ("[]", 400)])
def test_delete_comment_json_refuses_a_bad_body(logged_in_api_client, comment, body, status):
    response = logged_in_api_client.generic("DELETE", api_url(comment), body, content_type="application/json")
    assert_json_error(response, status)
    assert_not_deleted(comment)


def test_delete_comment_json_refuses_a_body_that_is_not_json_with_415(logged_in_api_client, comment):
    response = logged_in_api_client.generic("DELETE", api_url(comment), "reason=x", content_type="text/plain")
    assert_json_error(response, 415)
    assert_not_deleted(comment)


def test_delete_comment_json_answers_401_and_404(api_client, logged_in_api_client, comment):
    assert_json_error(api_client.delete(api_url(comment)), 401)
    assert_json_error(logged_in_api_client.delete(f"/comments/{uuid.uuid4()}"), 404)


def test_delete_comment_json_runs_a_constant_number_of_queries(comment, moderator, user, make_upload, django_assert_max_num_queries):
    for _ in range(5):
        CommentAttachment.objects.create(comment=comment, upload=make_upload(user))
    client = api_client_for(moderator)

    # session, user, comment (joined with its discussion and people), attachments, savepoint,
    # lock discussion, lock comment, update, the discussion's version, audit log entry, release
    with django_assert_max_num_queries(11):
        response = client.delete_json(api_url(comment), {"reason": "Spam"})
    assert response.status_code == 200 and len(response.json()["attachments"]) == 5
