"""Editing a comment: the author only, in place with htmx, on a page of its own without
JavaScript, and over JSON (PATCH /comments/{id})."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forum.models import Comment, CommentAttachment, Discussion, Visibility
from forum.permissions import can_edit_comment
from forum.services import edit_comment
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.forum.helpers import api_client_for, assert_comment_shape, assert_json_error

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def comment(discussion, user):
    """alice's comment in her public discussion."""
    return CommentFactory(discussion=discussion, author=user, text="Frist")


def edit_url(comment) -> str:
    return reverse("comment-edit", args=[comment.id])


def api_url(comment) -> str:
    return f"/comments/{comment.id}"


def assert_unchanged(comment, text="Frist") -> None:
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.text, stored.edited_at) == (text, None)


# --- the service ----------------------------------------------------------------------------------


def test_edit_comment_replaces_the_text_renders_it_and_marks_it_edited(comment, user):
    edited = edit_comment(actor=user, comment=comment, text="First, *really*")

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.text == "First, *really*" == edited.text
    assert stored.html == "<p>First, <em>really</em></p>"
    assert stored.edited_at is not None


def test_edit_comment_with_the_same_text_changes_nothing(comment, user):
    edit_comment(actor=user, comment=comment, text="Frist")
    assert_unchanged(comment)


def test_edit_comment_does_not_move_the_discussion_on(comment, user, discussion):
    before = Discussion.objects.get(pk=discussion.pk)

    edit_comment(actor=user, comment=comment, text="Changed")

    after = Discussion.objects.get(pk=discussion.pk)
    assert (after.comments_count, after.last_activity_at) == (before.comments_count, before.last_activity_at)


@pytest.mark.parametrize("who", ["other", "moderator", "anonymous", "banned author"])
def test_edit_comment_refuses_anyone_but_the_author(comment, other_user, moderator, user, who):
    actor = {"other": other_user, "moderator": moderator, "anonymous": AnonymousUser(), "banned author": user}[who]
    if who == "banned author":
        user.is_banned = True

    with pytest.raises(PermissionDenied):
        edit_comment(actor=actor, comment=comment, text="Hijacked")
    assert_unchanged(comment)


def test_edit_comment_refuses_a_deleted_comment(comment, user):
    Comment.objects.filter(pk=comment.pk).update(is_deleted=True)  # the service re-reads it

    with pytest.raises(PermissionDenied, match="deleted"):
        edit_comment(actor=user, comment=comment, text="Back")
    assert_unchanged(comment)


def test_edit_comment_refuses_in_a_locked_discussion(comment, user, discussion):
    Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)

    with pytest.raises(PermissionDenied, match="locked"):
        edit_comment(actor=user, comment=comment, text="Sneaky")
    assert_unchanged(comment)


def test_edit_comment_refuses_an_empty_text(comment, user):
    with pytest.raises(ValidationError) as error:
        edit_comment(actor=user, comment=comment, text="")
    assert "comment_text" in error.value.error_dict
    assert_unchanged(comment)


def test_edit_comment_may_empty_the_text_of_a_comment_with_an_attachment(comment, user, make_upload):
    CommentAttachment.objects.create(comment=comment, upload=make_upload(user))

    edit_comment(actor=user, comment=comment, text="")

    assert Comment.objects.get(pk=comment.pk).text == ""


def test_can_edit_comment_answers_as_the_service_rules(comment, user, other_user, moderator):
    assert can_edit_comment(user, comment)
    assert not can_edit_comment(other_user, comment)
    assert not can_edit_comment(moderator, comment)
    assert not can_edit_comment(AnonymousUser(), comment)


# --- HTML: in place with htmx ------------------------------------------------------------------------


def test_discussion_page_offers_edit_only_on_the_users_own_comments(logged_in_client, discussion, comment, other_user):
    theirs = CommentFactory(discussion=discussion, author=other_user)

    content = logged_in_client.get(discussion.get_absolute_url()).content.decode()

    assert f'hx-get="{edit_url(comment)}?page=1"' in content
    assert edit_url(theirs) not in content


def test_edit_over_htmx_answers_the_form_in_place_of_the_comment(logged_in_client, comment):
    response = logged_in_client.get(edit_url(comment), {"page": 1}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith(f'<article class="comment card mb-3 comment-editing" id="comment-{comment.id}"')
    assert "Frist</textarea>" in content
    assert f'id="id_comment_text_{comment.id.hex}"' in content  # no clash with the comment form's id
    assert "<html" not in content


def test_edit_post_over_htmx_answers_the_edited_comment_with_the_edited_mark(logged_in_client, comment):
    response = logged_in_client.post(edit_url(comment) + "?page=1", {"comment_text": "First **edit**"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith(f'<article class="comment card mb-3" id="comment-{comment.id}"')
    assert "<p>First <strong>edit</strong></p>" in content
    assert "(edited)" in content
    assert Comment.objects.get(pk=comment.pk).text == "First **edit**"


def test_edit_post_over_htmx_keeps_the_form_with_an_error_for_an_empty_text(logged_in_client, comment):
    response = logged_in_client.post(edit_url(comment), {"comment_text": "   "}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx: the error shows in the form
    assert "comment-editing" in content
    assert "Write something or attach a file." in content
    assert_unchanged(comment)


def test_cancel_over_htmx_answers_the_comment_again(logged_in_client, comment):
    response = logged_in_client.get(reverse("comment-permalink", args=[comment.id]), {"page": 1}, headers=HTMX)

    content = response.content.decode()
    assert content.strip().startswith(f'<article class="comment card mb-3" id="comment-{comment.id}"')
    assert "<p>Frist</p>" in content


# --- HTML: without JavaScript ---------------------------------------------------------------------


def test_edit_page_without_javascript_shows_the_form_on_a_page(logged_in_client, comment):
    response = logged_in_client.get(edit_url(comment))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content and "Edit your comment" in content
    assert "Frist</textarea>" in content


def test_edit_post_without_javascript_redirects_to_the_comment(logged_in_client, comment, discussion):
    response = logged_in_client.post(edit_url(comment), {"comment_text": "Fixed"})

    assert response.status_code == 302
    assert response["Location"] == f"{discussion.get_absolute_url()}?page=1#comment-{comment.id}"
    assert Comment.objects.get(pk=comment.pk).text == "Fixed"


def test_edit_post_without_javascript_answers_400_for_an_empty_text(logged_in_client, comment):
    response = logged_in_client.post(edit_url(comment), {"comment_text": ""})

    assert response.status_code == 400
    assert "Write something or attach a file." in response.content.decode()
    assert_unchanged(comment)


def test_edit_preview_without_javascript_shows_the_rendered_text_and_saves_nothing(logged_in_client, comment):
    response = logged_in_client.post(edit_url(comment), {"comment_text": "# Big", "preview": "1"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Big</h1>" in content and "# Big</textarea>" in content
    assert_unchanged(comment)


@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_refuses_someone_elses_comment_with_403(client, comment, other_user, method):
    client.force_login(other_user)

    response = getattr(client, method)(edit_url(comment), {"comment_text": "Hijacked"})

    assert response.status_code == 403
    assert_unchanged(comment)


def test_edit_refuses_a_deleted_comment_with_403(logged_in_client, comment):
    Comment.objects.filter(pk=comment.pk).update(is_deleted=True)

    response = logged_in_client.post(edit_url(comment), {"comment_text": "Back"})

    assert response.status_code == 403
    assert_unchanged(comment)


def test_edit_of_a_comment_in_a_hidden_private_discussion_is_404(client, other_user, private_discussion, user):
    comment = CommentFactory(discussion=private_discussion, author=user)
    client.force_login(other_user)

    assert client.post(edit_url(comment), {"comment_text": "x"}).status_code == 404


def test_edit_sends_anonymous_visitors_to_log_in(client, comment):
    response = client.post(edit_url(comment), {"comment_text": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert_unchanged(comment)


# --- JSON: PATCH /comments/{id} -------------------------------------------------------------------------


def test_patch_comment_answers_the_edited_comment(logged_in_api_client, comment):
    response = logged_in_api_client.patch_json(api_url(comment), {"comment_text": "First, _edited_"})

    assert response.status_code == 200
    data = response.json()
    assert_comment_shape(data)
    assert data["comment_text"] == "First, _edited_"
    assert data["edited_at"] is not None
    assert Comment.objects.get(pk=comment.pk).html == "<p>First, <em>edited</em></p>"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"comment_text": ""}, "comment_text"), ({}, "comment_text"), ({"comment_text": 5}, "comment_text"),
     ({"comment_text": "x" * 20_001}, "comment_text")],
    ids=["empty", "missing", "not text", "too long"],
)
def test_patch_comment_refuses_bad_text_with_400(logged_in_api_client, comment, body, field):
    assert_json_error(logged_in_api_client.patch_json(api_url(comment), body), 400, field)
    assert_unchanged(comment)


def test_patch_comment_refuses_someone_elses_comment_with_403(comment, other_user, moderator):
    for person in (other_user, moderator):
        assert_json_error(api_client_for(person).patch_json(api_url(comment), {"comment_text": "Hijacked"}), 403)
    assert_unchanged(comment)


def test_patch_comment_refuses_a_deleted_comment_with_403(logged_in_api_client, comment):
    Comment.objects.filter(pk=comment.pk).update(is_deleted=True)

    assert_json_error(logged_in_api_client.patch_json(api_url(comment), {"comment_text": "Back"}), 403)
    assert_unchanged(comment)


def test_patch_comment_refuses_in_a_locked_discussion_with_403(logged_in_api_client, comment, discussion):
    Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)

    body = assert_json_error(logged_in_api_client.patch_json(api_url(comment), {"comment_text": "x"}), 403)
    assert "locked" in body["message"]


def test_patch_comment_refuses_a_banned_author_with_403(comment, user):
    user.is_banned = True
    user.save()

    assert_json_error(api_client_for(user).patch_json(api_url(comment), {"comment_text": "x"}), 403)
    assert_unchanged(comment)


def test_patch_comment_answers_401_to_anonymous_clients(api_client, comment):
    assert_json_error(api_client.patch_json(api_url(comment), {"comment_text": "x"}), 401)


def test_patch_comment_answers_404_for_unknown_and_hidden_comments(api_client, other_user, user):
    hidden = CommentFactory(discussion=DiscussionFactory(creator=user, visibility=Visibility.PRIVATE), author=user)
    bob = api_client_for(other_user)

    assert_json_error(bob.patch_json(f"/comments/{uuid.uuid4()}", {"comment_text": "x"}), 404)
    assert_json_error(bob.patch_json(api_url(hidden), {"comment_text": "x"}), 404)


def test_patch_comment_answers_415_to_a_form_body(logged_in_client, comment):
    response = logged_in_client.patch(api_url(comment), "comment_text=x", content_type="application/x-www-form-urlencoded")
    assert_json_error(response, 415)


def test_comment_path_answers_405_with_allow_to_other_methods(logged_in_api_client, comment):
    response = logged_in_api_client.post_json(api_url(comment), {"comment_text": "x"})

    assert_json_error(response, 405)
    assert response["Allow"] == "DELETE, GET, HEAD, PATCH"


def test_get_comment_answers_the_comment_to_whoever_may_see_it(api_client, comment, private_discussion, user):
    assert api_client.get(api_url(comment)).json()["comment_text"] == "Frist"
    hidden = CommentFactory(discussion=private_discussion, author=user)
    assert_json_error(api_client.get(api_url(hidden)), 404)


def test_patch_comment_runs_a_constant_number_of_queries(comment, user, make_upload, django_assert_max_num_queries):
    for _ in range(5):
        CommentAttachment.objects.create(comment=comment, upload=make_upload(user))
    client = api_client_for(user)
    UserFactory.create_batch(5)

    # session, user, comment (joined with its discussion and people), attachments, savepoint,
    # lock discussion, lock comment, update, the discussion's version, release
    with django_assert_max_num_queries(10):
        response = client.patch_json(api_url(comment), {"comment_text": "Changed"})
    assert len(response.json()["attachments"]) == 5
