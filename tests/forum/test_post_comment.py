import uuid
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forum import services
from forum.models import Comment, CommentAttachment, Discussion, Participant
from forum.services import post_comment
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.forum.helpers import api_client_for, assert_comment_shape, assert_json_error
from users.models import Upload
from users.serializers import upload_data, user_data

pytestmark = pytest.mark.django_db


def comments_url(discussion) -> str:
    return f"/{discussion.id}/comments"


def html_url(discussion) -> str:
    return reverse("comment-create", kwargs={"discussion_id": discussion.id})


def assert_nothing_written(discussion, comments_before: int = 0) -> None:
    discussion.refresh_from_db()
    assert Comment.objects.count() == comments_before
    assert discussion.comments_count == comments_before
    assert not CommentAttachment.objects.exists()


@pytest.fixture
def bob(other_user):
    """A logged-in JSON client for bob, who is not (yet) a participant of alice's discussion."""
    return api_client_for(other_user)


# --- the service ----------------------------------------------------------------------------


def test_post_comment_writes_the_comment_and_moves_the_discussion_on(discussion, other_user):
    before = Discussion.objects.get(pk=discussion.pk).last_activity_at

    comment = post_comment(author=other_user, discussion=discussion, text="Hello")

    stored = Discussion.objects.get(pk=discussion.pk)
    assert (comment.author, comment.text, comment.discussion) == (other_user, "Hello", discussion)
    assert stored.comments_count == 1 == discussion.comments_count
    assert stored.last_activity_at == comment.created_at > before
    assert Participant.objects.filter(discussion=discussion, user=other_user).exists()


def test_post_comment_adds_a_participant_once(discussion, other_user):
    post_comment(author=other_user, discussion=discussion, text="One")
    post_comment(author=other_user, discussion=discussion, text="Two")

    assert Participant.objects.filter(discussion=discussion, user=other_user).count() == 1
    assert Discussion.objects.get(pk=discussion.pk).comments_count == 2


def test_post_comment_attaches_uploads_in_the_order_given(discussion, user, make_upload):
    first, second = make_upload(user), make_upload(user)

    comment = post_comment(author=user, discussion=discussion, attachment_ids=[second.id, first.id])

    assert list(Comment.objects.with_related().get(pk=comment.pk).attachments.all()) == [second, first]


def test_post_comment_stores_files_as_the_authors_uploads(discussion, user, png_file):
    comment = post_comment(author=user, discussion=discussion, files=[png_file("a.png")])

    upload = comment.attachments.get()
    assert (upload.owner, upload.name, upload.content_type) == (user, "a.png", "image/png")
    assert upload.file.storage.exists(upload.file.name)


def test_post_comment_answers_a_comment_of_the_same_discussion(discussion, user):
    first = CommentFactory(discussion=discussion)

    reply = post_comment(author=user, discussion=discussion, text="Yes", replied_to_id=first.id)

    assert reply.replied_to == first


def test_post_comment_accepts_the_authors_own_id_as_author_id(discussion, user):
    comment = post_comment(author=user, discussion=discussion, text="Me", claimed_author_id=str(user.id))
    assert comment.author == user


@pytest.mark.parametrize(
    "setup",
    ["anonymous", "banned", "locked", "private-outsider", "forged-author"],
)
def test_post_comment_refuses_who_may_not_post(discussion, private_discussion, other_user, setup):
    author, target, claimed = other_user, discussion, None
    if setup == "anonymous":
        author = AnonymousUser()
    elif setup == "banned":
        other_user.is_banned = True
    elif setup == "locked":
        Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)  # the service re-reads it
    elif setup == "private-outsider":
        target = private_discussion
    else:
        claimed = discussion.creator_id

    with pytest.raises(PermissionDenied):
        post_comment(author=author, discussion=target, text="Hi", claimed_author_id=claimed)
    assert not Comment.objects.exists()


def test_post_comment_lets_participants_post_in_a_private_discussion(private_discussion, user):
    assert post_comment(author=user, discussion=private_discussion, text="Just us").pk


def test_post_comment_refuses_an_empty_comment(discussion, user):
    with pytest.raises(ValidationError) as error:
        post_comment(author=user, discussion=discussion, text="")
    assert "comment_text" in error.value.error_dict


@pytest.mark.parametrize("which", ["other-discussion", "deleted", "unknown"])
def test_post_comment_refuses_a_reply_to_a_comment_it_cannot_answer(discussion, user, which):
    target = {
        "other-discussion": lambda: CommentFactory().id,
        "deleted": lambda: CommentFactory(discussion=discussion, is_deleted=True).id,
        "unknown": uuid.uuid4,
    }[which]()

    with pytest.raises(ValidationError) as error:
        post_comment(author=user, discussion=discussion, text="Hi", replied_to_id=target)
    assert "replied_message" in error.value.error_dict
    assert not Comment.objects.filter(author=user).exists()


@pytest.mark.parametrize("which", ["someone-elses", "unknown", "already-used"])
def test_post_comment_refuses_an_attachment_that_is_not_free_and_mine(discussion, user, other_user, make_upload, which):
    if which == "someone-elses":
        upload_id = make_upload(other_user).id
    elif which == "unknown":
        upload_id = uuid.uuid4()
    else:
        upload_id = post_comment(author=user, discussion=discussion, attachment_ids=[make_upload(user).id]).attachments.get().id
    comments_before = Comment.objects.count()

    with pytest.raises(ValidationError) as error:
        post_comment(author=user, discussion=discussion, text="Look", attachment_ids=[upload_id])
    assert "attachments" in error.value.error_dict
    assert Comment.objects.count() == comments_before


def test_post_comment_turns_a_lost_race_for_an_upload_into_a_validation_error(discussion, user, make_upload):
    """The database's OneToOne is the last wall: if the check passed but another comment took
    the upload meanwhile, the IntegrityError becomes a 400 and nothing stays written."""
    upload = make_upload(user)
    CommentAttachment.objects.create(comment=CommentFactory(discussion=discussion), upload=upload)
    counts_before = (Comment.objects.count(), Discussion.objects.get(pk=discussion.pk).comments_count)

    with mock.patch.object(services, "_claimable_uploads", return_value=[upload]):
        with pytest.raises(ValidationError) as error:
            post_comment(author=user, discussion=discussion, text="Mine now", attachment_ids=[upload.id])

    assert "attachments" in error.value.error_dict
    assert (Comment.objects.count(), Discussion.objects.get(pk=discussion.pk).comments_count) == counts_before
    assert CommentAttachment.objects.count() == 1


def test_post_comment_removes_the_files_it_stored_when_it_fails(discussion, user, png_file):
    with pytest.raises(ValidationError):
        post_comment(author=user, discussion=discussion, files=[png_file()], replied_to_id=uuid.uuid4())
    assert not Upload.objects.exists()

    stored = []
    real_store = services.store_upload

    def remembering_store(**kwargs):
        stored.append(real_store(**kwargs))
        return stored[-1]

    with mock.patch.object(services, "store_upload", side_effect=remembering_store):
        with mock.patch.object(services, "_attach", side_effect=ValidationError({"attachments": "boom"})):
            with pytest.raises(ValidationError):
                post_comment(author=user, discussion=discussion, files=[png_file()])

    assert len(stored) == 1
    assert not stored[0].file.storage.exists(stored[0].file.name)
    assert not Upload.objects.exists()
    assert_nothing_written(discussion)


# --- JSON: POST /{discussion_id}/comments -------------------------------------------------------


def test_post_comment_json_answers_201_with_the_comment_in_the_exact_shape(
    logged_in_api_client, discussion, user, other_user, make_upload
):
    first = CommentFactory(discussion=discussion, author=other_user, text="Tea?")
    upload = make_upload(user)

    response = logged_in_api_client.post_json(
        comments_url(discussion),
        {"comment_text": "Yes please", "attachments": [str(upload.id)], "replied_message": str(first.id)},
    )

    assert response.status_code == 201
    comment = Comment.objects.get(text="Yes please")
    request = response.wsgi_request
    assert response.json() == {
        "id": str(comment.id),
        "created_at": comment.created_at.isoformat(),
        "author": user_data(user, user, request),
        "comment_text": "Yes please",
        "attachments": [upload_data(upload, request)],
        "replied_message": {
            "id": str(first.id),
            "created_at": first.created_at.isoformat(),
            "author": user_data(other_user, user, request),
            "comment_text": "Tea?",
        },
        "edited_at": None,
        "is_deleted": False,
    }
    assert_comment_shape(response.json())
    assert response.json()["attachments"][0]["thumbnail_url"].startswith("http://testserver/")


@pytest.mark.parametrize("as_object", [False, True], ids=["ids", "objects"])
def test_post_comment_json_takes_attachments_as_ids_or_objects(logged_in_api_client, discussion, user, make_upload, as_object):
    uploads = [make_upload(user), make_upload(user)]
    items = [{"id": str(u.id), "type": "image/png"} if as_object else str(u.id) for u in uploads]

    response = logged_in_api_client.post_json(comments_url(discussion), {"attachments": items})

    assert response.status_code == 201
    assert [a["id"] for a in response.json()["attachments"]] == [str(u.id) for u in uploads]
    assert response.json()["comment_text"] == ""


@pytest.mark.parametrize("form", ["id", "object", "null"])
def test_post_comment_json_takes_replied_message_as_id_object_or_null(logged_in_api_client, discussion, form):
    first = CommentFactory(discussion=discussion)
    value = {"id": str(first.id), "object": {"id": str(first.id)}, "null": None}[form]

    response = logged_in_api_client.post_json(comments_url(discussion), {"comment_text": "Re", "replied_message": value})

    assert response.status_code == 201
    replied = response.json()["replied_message"]
    assert (replied and replied["id"]) == (None if form == "null" else str(first.id))


def test_post_comment_json_accepts_my_own_author_id(logged_in_api_client, discussion, user):
    response = logged_in_api_client.post_json(comments_url(discussion), {"comment_text": "Me", "author_id": str(user.id)})
    assert response.status_code == 201


def test_post_comment_json_makes_the_poster_a_participant_and_counts(bob, discussion, other_user):
    response = bob.post_json(comments_url(discussion), {"comment_text": "Joining"})

    assert response.status_code == 201
    data = bob.get(f"/discussions/{discussion.id}").json()
    assert [p["login"] for p in data["participants"]] == ["alice", "bob"]
    assert data["comments_count"] == 1
    assert data["last_activity_at"] == response.json()["created_at"]


def test_post_comment_json_answers_403_to_a_forged_author_id(bob, discussion, user):
    response = bob.post_json(comments_url(discussion), {"comment_text": "I am alice", "author_id": str(user.id)})

    assert_json_error(response, 403)
    assert_nothing_written(discussion)


def test_post_comment_json_answers_401_when_anonymous(api_client, discussion):
    assert_json_error(api_client.post_json(comments_url(discussion), {"comment_text": "Hi"}), 401)
    assert_nothing_written(discussion)


def test_post_comment_json_answers_404_for_an_unknown_discussion(logged_in_api_client):
    assert_json_error(logged_in_api_client.post_json(f"/{uuid.uuid4()}/comments", {"comment_text": "Hi"}), 404)


def test_post_comment_json_answers_404_for_a_private_discussion_of_others(bob, private_discussion):
    assert_json_error(bob.post_json(comments_url(private_discussion), {"comment_text": "Let me in"}), 404)
    assert_nothing_written(private_discussion)


def test_post_comment_json_answers_403_to_staff_who_are_not_participants_of_a_private_discussion(
    moderator, private_discussion
):
    response = api_client_for(moderator).post_json(comments_url(private_discussion), {"comment_text": "Hm"})
    assert_json_error(response, 403)


def test_post_comment_json_answers_403_to_a_banned_user(discussion):
    client = api_client_for(UserFactory(is_banned=True))
    assert_json_error(client.post_json(comments_url(discussion), {"comment_text": "Hi"}), 403)
    assert_nothing_written(discussion)


def test_post_comment_json_answers_403_in_a_locked_discussion(logged_in_api_client, discussion):
    Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)

    body = assert_json_error(logged_in_api_client.post_json(comments_url(discussion), {"comment_text": "Hi"}), 403)

    assert "locked" in body["message"]
    assert_nothing_written(discussion)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "comment_text"),
        ({"comment_text": ""}, "comment_text"),
        ({"comment_text": "  \n "}, "comment_text"),
        ({"comment_text": "", "attachments": []}, "comment_text"),
        ({"comment_text": "x" * 20_001}, "comment_text"),
        ({"comment_text": 12}, "comment_text"),
        ({"comment_text": {"text": "hi"}}, "comment_text"),
        ({"comment_text": "Hi", "attachments": "abc"}, "attachments"),
        ({"comment_text": "Hi", "attachments": ["not-a-uuid"]}, "attachments"),
        ({"comment_text": "Hi", "attachments": [{"name": "no id"}]}, "attachments"),
        ({"comment_text": "Hi", "attachments": [str(uuid.uuid4()) for _ in range(11)]}, "attachments"),
        ({"comment_text": "Hi", "replied_message": "not-a-uuid"}, "replied_message"),
        ({"comment_text": "Hi", "replied_message": 7}, "replied_message"),
        ({"comment_text": "Hi", "replied_message": {}}, "replied_message"),
        ({"comment_text": "Hi", "replied_message": {"id": None}}, "replied_message"),
        ({"comment_text": "Hi", "author_id": "nobody"}, "author_id"),
        ({"comment_text": "Hi", "author_id": {}}, "author_id"),
    ],
    ids=[
        "missing-text", "empty-text", "blank-text", "empty-text-no-attachments", "text-too-long",
        "text-number", "text-object", "attachments-not-a-list", "attachment-bad-id",
        "attachment-object-without-id", "too-many-attachments", "reply-bad-id", "reply-number",
        "reply-empty-object", "reply-object-with-null-id", "author-bad-id", "author-empty-object",
    ],
)
def test_post_comment_json_refuses_bad_fields_with_400(logged_in_api_client, discussion, body, field):
    assert_json_error(logged_in_api_client.post_json(comments_url(discussion), body), 400, field)
    assert_nothing_written(discussion)


def test_post_comment_json_explains_the_shape_of_replied_message_when_given_an_empty_object(logged_in_api_client, discussion):
    response = logged_in_api_client.post_json(comments_url(discussion), {"comment_text": "Hi", "replied_message": {}})

    body = assert_json_error(response, 400, "replied_message")
    assert body["errors"]["replied_message"] == ['Give an id (a UUID string), an object with an "id", or null.']


def test_post_comment_json_without_replied_message_is_no_reply(logged_in_api_client, discussion):
    response = logged_in_api_client.post_json(comments_url(discussion), {"comment_text": "Hi"})

    assert response.status_code == 201
    assert response.json()["replied_message"] is None


def test_post_comment_json_keeps_multi_line_markdown_with_tabs(logged_in_api_client, discussion):
    text = "First line\n\n- a list item\n\n\tindented code\r\nlast line"

    response = logged_in_api_client.post_json(comments_url(discussion), {"comment_text": text})

    assert response.status_code == 201
    assert Comment.objects.get().text == text


def test_post_comment_json_accepts_text_of_20000_characters(logged_in_api_client, discussion):
    assert logged_in_api_client.post_json(comments_url(discussion), {"comment_text": "x" * 20_000}).status_code == 201


def test_post_comment_json_refuses_malformed_json(logged_in_api_client, discussion):
    response = logged_in_api_client.post(comments_url(discussion), '{"comment_text": ', content_type="application/json")
    assert_json_error(response, 400)
    assert_nothing_written(discussion)


def test_post_comment_json_refuses_a_form_body_with_415(logged_in_api_client, discussion):
    assert_json_error(logged_in_api_client.post(comments_url(discussion), {"comment_text": "Hi"}), 415)
    assert_nothing_written(discussion)


def test_post_comment_json_refuses_a_reply_from_another_discussion(logged_in_api_client, discussion):
    elsewhere = CommentFactory(discussion=DiscussionFactory())

    response = logged_in_api_client.post_json(
        comments_url(discussion), {"comment_text": "Re", "replied_message": {"id": str(elsewhere.id)}}
    )

    assert_json_error(response, 400, "replied_message")
    assert not Comment.objects.filter(discussion=discussion).exists()


@pytest.mark.parametrize("which", ["someone-elses", "unknown", "already-used"])
def test_post_comment_json_refuses_an_attachment_that_is_not_free_and_mine(
    logged_in_api_client, discussion, user, other_user, make_upload, which
):
    if which == "someone-elses":
        upload_id = make_upload(other_user).id
    elif which == "unknown":
        upload_id = uuid.uuid4()
    else:
        upload_id = make_upload(user).id
        assert logged_in_api_client.post_json(comments_url(discussion), {"attachments": [str(upload_id)]}).status_code == 201

    mine = make_upload(user)
    response = logged_in_api_client.post_json(
        comments_url(discussion), {"comment_text": "Look", "attachments": [str(mine.id), str(upload_id)]}
    )

    body = assert_json_error(response, 400, "attachments")
    assert str(upload_id) in body["errors"]["attachments"][0]
    assert not Comment.objects.filter(text="Look").exists()
    assert not hasattr(Upload.objects.get(pk=mine.pk), "attachment")  # not half attached


def test_post_comment_json_with_a_repeated_attachment_attaches_it_once(logged_in_api_client, discussion, user, make_upload):
    upload = make_upload(user)

    response = logged_in_api_client.post_json(comments_url(discussion), {"attachments": [str(upload.id), {"id": str(upload.id)}]})

    assert response.status_code == 201
    assert len(response.json()["attachments"]) == 1


def test_post_comment_json_runs_a_bounded_number_of_queries(
    logged_in_api_client, discussion, user, make_upload, django_assert_max_num_queries
):
    uploads = [str(make_upload(user).id) for _ in range(3)]
    first = CommentFactory(discussion=discussion)

    with django_assert_max_num_queries(16):
        response = logged_in_api_client.post_json(
            comments_url(discussion), {"comment_text": "Hi", "attachments": uploads, "replied_message": str(first.id)}
        )
    assert response.status_code == 201


# --- HTML: the comment form -------------------------------------------------------------------


def test_post_comment_html_redirects_to_the_new_comment(logged_in_client, discussion):
    response = logged_in_client.post(html_url(discussion), {"comment_text": "Plain old form"})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{discussion.get_absolute_url()}?page=1#comment-{comment.id}"
    assert comment.text == "Plain old form"


def test_post_comment_html_redirects_to_the_last_page(logged_in_client, discussion):
    for _ in range(20):
        CommentFactory(discussion=discussion)

    response = logged_in_client.post(html_url(discussion), {"comment_text": "Twenty-first"})

    assert response["Location"].endswith(f"?page=2#comment-{Comment.objects.get(text='Twenty-first').id}")


def test_post_comment_html_stores_attached_images(logged_in_client, discussion, user, png_file):
    response = logged_in_client.post(
        html_url(discussion), {"comment_text": "Pictures", "files": [png_file("one.png"), png_file("two.png")]}
    )

    assert response.status_code == 302
    comment = Comment.objects.with_related().get()
    assert [u.name for u in comment.attachments.all()] == ["one.png", "two.png"]
    assert all(u.owner == user and u.thumbnail for u in comment.attachments.all())


def test_post_comment_html_accepts_an_image_without_text(logged_in_client, discussion, png_file):
    assert logged_in_client.post(html_url(discussion), {"files": [png_file()]}).status_code == 302
    assert Comment.objects.get().text == ""


def test_post_comment_html_replies_through_the_hidden_field(logged_in_client, discussion):
    first = CommentFactory(discussion=discussion)

    logged_in_client.post(html_url(discussion), {"comment_text": "Agreed", "replied_message": str(first.id)})

    assert Comment.objects.get(text="Agreed").replied_to == first


def test_post_comment_htmx_answers_the_comment_list_with_the_new_comment_and_a_fresh_form(logged_in_client, discussion):
    response = logged_in_client.post(
        html_url(discussion), {"comment_text": "Sent with <htmx>"}, headers={"HX-Request": "true"}
    )

    comment = Comment.objects.get()
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and "<nav class=\"navbar" not in content
    assert content.strip().startswith('<section id="comment-list"')
    assert f'id="comment-{comment.id}"' in content
    assert "Sent with &lt;htmx&gt;" in content
    assert '<textarea name="comment_text"' in content and "</textarea>" in content
    assert content.count("Sent with") == 1  # the form is fresh: the text is not kept in it
    assert response["HX-Push-Url"] == f"{discussion.get_absolute_url()}?page=1"
    assert response["HX-Reswap"] == f"outerHTML show:#comment-{comment.id}:top"


def test_post_comment_html_re_renders_the_page_with_the_text_kept_on_errors(logged_in_client, discussion):
    elsewhere = CommentFactory()

    response = logged_in_client.post(
        html_url(discussion) + "?page=1", {"comment_text": "Keep me", "replied_message": str(elsewhere.id)}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content
    assert "Keep me</textarea>" in content
    assert "You can only reply to a comment of this discussion" in content
    assert not Comment.objects.filter(discussion=discussion).exists()


def test_post_comment_htmx_answers_just_the_form_with_errors_retargeted(logged_in_client, discussion):
    response = logged_in_client.post(html_url(discussion), {"comment_text": "x" * 20_001}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith('<div id="comment-form"')
    assert "at most 20000 characters" in content
    assert response["HX-Retarget"] == "#comment-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert not Comment.objects.exists()


def test_post_comment_html_shows_a_refused_file_as_a_form_error(logged_in_client, discussion):
    garbage = SimpleUploadedFile("evil.png", b"\x00\x01\x02 not an image \xff\xfe", content_type="image/png")

    response = logged_in_client.post(html_url(discussion), {"comment_text": "Look", "files": [garbage]})

    assert response.status_code == 200
    assert "evil.png:" in response.content.decode()
    assert "Look</textarea>" in response.content.decode()
    assert not Upload.objects.exists()
    assert_nothing_written(discussion)


def test_post_comment_html_sends_anonymous_visitors_to_log_in_and_back(client, discussion):
    response = client.post(html_url(discussion), {"comment_text": "Hi"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert response["Location"].endswith(f"?next={discussion.get_absolute_url()}")
    assert not Comment.objects.exists()


def test_post_comment_htmx_redirects_anonymous_visitors_client_side(client, discussion):
    response = client.post(html_url(discussion), {"comment_text": "Hi"}, headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={discussion.get_absolute_url()}"
    assert not Comment.objects.exists()


def test_post_comment_html_answers_405_to_get(logged_in_client, discussion):
    assert logged_in_client.get(html_url(discussion)).status_code == 405


def test_post_comment_html_answers_404_for_a_private_discussion_of_others(client, other_user, private_discussion):
    client.force_login(other_user)
    assert client.post(html_url(private_discussion), {"comment_text": "Hi"}).status_code == 404
    assert_nothing_written(private_discussion)


def test_post_comment_html_answers_403_with_the_reason_to_a_forged_author(client, other_user, discussion, user):
    client.force_login(other_user)

    response = client.post(html_url(discussion), {"comment_text": "Kept", "author_id": str(user.id)})

    assert response.status_code == 403
    assert "You can only post as yourself" in response.content.decode()
    assert "Kept</textarea>" in response.content.decode()
    assert_nothing_written(discussion)


def test_post_comment_htmx_shows_the_refusal_in_the_form_when_the_discussion_was_locked_meanwhile(
    logged_in_client, discussion
):
    Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)

    response = logged_in_client.post(html_url(discussion), {"comment_text": "Too late"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-form"
    assert "This discussion is locked" in response.content.decode()
    assert_nothing_written(discussion)


def test_post_comment_htmx_runs_a_bounded_number_of_queries(
    logged_in_client, discussion, django_assert_max_num_queries
):
    for _ in range(30):
        CommentFactory(discussion=discussion)

    with django_assert_max_num_queries(20):
        response = logged_in_client.post(html_url(discussion), {"comment_text": "Hi"}, headers={"HX-Request": "true"})
    assert response.content.decode().count('class="comment card') == 11


# --- rules both faces share ----------------------------------------------------------------


def post_in_face(face, client, discussion, data):
    if face == "json":
        return client.post_json(comments_url(discussion), data)
    return client.post(html_url(discussion), data)


@pytest.fixture
def client_for_face(user):
    """The logged-in client of either face, for alice."""

    def make(face, person=None):
        person = person or user
        if face == "json":
            return api_client_for(person)
        from django.test import Client

        client = Client()
        client.force_login(person)
        return client

    return make


@pytest.mark.parametrize("face", ["html", "json"])
def test_post_comment_is_refused_in_a_locked_discussion_in_both_faces(client_for_face, discussion, face):
    Discussion.objects.filter(pk=discussion.pk).update(is_locked=True)

    response = post_in_face(face, client_for_face(face), discussion, {"comment_text": "Hi"})

    assert response.status_code == 403
    assert "locked" in response.content.decode()
    assert_nothing_written(discussion)


@pytest.mark.parametrize("face", ["html", "json"])
def test_post_comment_is_refused_to_a_banned_user_in_both_faces(client_for_face, discussion, face):
    response = post_in_face(face, client_for_face(face, UserFactory(is_banned=True)), discussion, {"comment_text": "Hi"})

    assert response.status_code == 403
    assert_nothing_written(discussion)


@pytest.mark.parametrize("face", ["html", "json"])
def test_post_comment_refuses_an_empty_comment_in_both_faces(client_for_face, discussion, face):
    response = post_in_face(face, client_for_face(face), discussion, {"comment_text": "   "})

    assert response.status_code == (400 if face == "json" else 200)
    assert "Write something or attach a file." in response.content.decode()
    assert_nothing_written(discussion)


@pytest.mark.parametrize("face", ["html", "json"])
def test_post_comment_refuses_someone_elses_upload_in_both_faces(client_for_face, discussion, other_user, make_upload, face):
    theirs = make_upload(other_user)
    data = {"comment_text": "Mine?", "attachments": [str(theirs.id)]}

    response = post_in_face(face, client_for_face(face), discussion, data)

    assert response.status_code == (400 if face == "json" else 200)
    assert "Attach only your own uploads" in response.content.decode()
    assert_nothing_written(discussion)
