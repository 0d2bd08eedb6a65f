import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import CommentAttachment, Participant
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.forum.helpers import api_client_for, assert_comment_shape, assert_discussion_shape, assert_json_error

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(minutes: int):
    return NOW - timedelta(minutes=minutes)


def detail_url(discussion) -> str:
    return reverse("discussion-detail", kwargs={"discussion_id": discussion.id})


@pytest.fixture
def comments(discussion, other_user):
    """25 comments in ``discussion``, oldest first, one minute apart."""
    return [CommentFactory(discussion=discussion, author=other_user, created_at=ago(100 - i)) for i in range(25)]


# --- GET /discussions/{id} -----------------------------------------------------------------


def test_discussion_detail_json_answers_the_discussion(api_client, discussion, comments, user, other_user):
    Participant.objects.create(discussion=discussion, user=other_user)

    response = api_client.get(f"/discussions/{discussion.id}")

    assert response.status_code == 200
    data = response.json()
    assert_discussion_shape(data)
    assert data["id"] == str(discussion.id)
    assert [p["login"] for p in data["participants"]] == ["alice", "bob"]
    assert [c["id"] for c in data["comments"]] == [str(c.id) for c in comments[5:]]
    assert data["comments_count"] == 25


def test_discussion_detail_json_takes_a_comments_limit(api_client, discussion, comments):
    data = api_client.get(f"/discussions/{discussion.id}", {"comments_limit": 2}).json()
    assert [c["id"] for c in data["comments"]] == [str(c.id) for c in comments[-2:]]


def test_discussion_detail_json_answers_404_for_an_unknown_discussion(api_client):
    assert_json_error(api_client.get(f"/discussions/{uuid.uuid4()}"), 404)


def test_discussion_detail_json_answers_404_for_a_malformed_id(api_client):
    assert_json_error(api_client.get("/discussions/not-an-id", HTTP_ACCEPT="application/json"), 404)


def test_discussion_detail_json_hides_a_private_discussion_from_outsiders(api_client, other_user, private_discussion):
    assert_json_error(api_client.get(f"/discussions/{private_discussion.id}"), 404)
    assert_json_error(api_client_for(other_user).get(f"/discussions/{private_discussion.id}"), 404)


def test_discussion_detail_json_shows_a_private_discussion_to_participants_and_staff(
    logged_in_api_client, moderator, private_discussion
):
    assert logged_in_api_client.get(f"/discussions/{private_discussion.id}").status_code == 200
    assert api_client_for(moderator).get(f"/discussions/{private_discussion.id}").status_code == 200


def test_discussion_detail_json_blanks_deleted_comments_except_for_staff(api_client, moderator, discussion):
    CommentFactory(discussion=discussion, text="Regrettable", is_deleted=True)

    public = api_client.get(f"/discussions/{discussion.id}").json()["comments"][0]
    staff = api_client_for(moderator).get(f"/discussions/{discussion.id}").json()["comments"][0]

    assert (public["comment_text"], public["is_deleted"]) == ("", True)
    assert (staff["comment_text"], staff["is_deleted"]) == ("Regrettable", True)


# --- GET /{discussion_id}/comments -------------------------------------------------------------


def test_comment_list_json_answers_comments_oldest_first_paginated(api_client, discussion, comments):
    response = api_client.get(f"/{discussion.id}/comments")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [str(c.id) for c in comments[:20]]
    assert response["X-Total-Count"] == "25"
    assert 'rel="next"' in response["Link"]
    for item in response.json():
        assert_comment_shape(item)

    second = api_client.get(f"/{discussion.id}/comments", {"page": 2})
    assert [c["id"] for c in second.json()] == [str(c.id) for c in comments[20:]]


def test_comment_list_json_answers_the_comments_after_one(api_client, discussion, comments):
    response = api_client.get(f"/{discussion.id}/comments", {"after": str(comments[21].id)})

    assert [c["id"] for c in response.json()] == [str(c.id) for c in comments[22:]]
    assert response["X-Total-Count"] == "3"


def test_comment_list_json_orders_comments_of_the_same_instant_by_id(api_client, discussion):
    same_time = [CommentFactory(discussion=discussion, created_at=NOW) for _ in range(3)]
    ordered = sorted(same_time, key=lambda c: c.id)

    assert [c["id"] for c in api_client.get(f"/{discussion.id}/comments").json()] == [str(c.id) for c in ordered]
    after_first = api_client.get(f"/{discussion.id}/comments", {"after": str(ordered[0].id)}).json()
    assert [c["id"] for c in after_first] == [str(c.id) for c in ordered[1:]]


@pytest.mark.parametrize("after", ["nonsense", str(uuid.uuid4())])
def test_comment_list_json_refuses_an_unknown_after(api_client, discussion, after):
    assert_json_error(api_client.get(f"/{discussion.id}/comments", {"after": after}), 400)


def test_comment_list_json_refuses_an_after_from_another_discussion(api_client, discussion):
    elsewhere = CommentFactory()
    assert_json_error(api_client.get(f"/{discussion.id}/comments", {"after": str(elsewhere.id)}), 400)


def test_comment_list_json_hides_a_private_discussion_from_outsiders(api_client, private_discussion):
    CommentFactory(discussion=private_discussion)
    assert_json_error(api_client.get(f"/{private_discussion.id}/comments"), 404)


def test_comment_list_json_answers_404_for_an_unknown_discussion(api_client):
    assert_json_error(api_client.get(f"/{uuid.uuid4()}/comments"), 404)


@pytest.mark.parametrize("page", ["x", "0"])
def test_comment_list_json_refuses_bad_page_numbers(api_client, discussion, page):
    assert_json_error(api_client.get(f"/{discussion.id}/comments", {"page": page}), 400)


def test_comments_path_answers_405_with_allow_to_other_methods(logged_in_api_client, discussion):
    response = logged_in_api_client.delete_json(f"/{discussion.id}/comments")

    assert_json_error(response, 405)
    assert response["Allow"] == "GET, HEAD, POST"


# --- the HTML page -------------------------------------------------------------------------------


def test_discussion_page_shows_comments_with_author_time_and_rendered_inert_text(client, discussion, other_user):
    CommentFactory(discussion=discussion, author=other_user, text="Line one\n<script>alert(1)</script>")

    response = client.get(detail_url(discussion))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1" in content and discussion.name in content
    assert '<div class="comment-body"><p>Line one<br>\n&lt;script&gt;alert(1)&lt;/script&gt;</p></div>' in content
    assert "<script>alert(1)" not in content
    assert "@bob" in content
    assert 'class="avatar-placeholder"' in content
    assert "<time datetime=" in content


def test_discussion_page_shows_image_attachments_as_thumbnails_linking_to_the_file(
    client, discussion, other_user, make_upload
):
    comment = CommentFactory(discussion=discussion, author=other_user)
    upload = make_upload(other_user)
    CommentAttachment.objects.create(comment=comment, upload=upload)

    content = client.get(detail_url(discussion)).content.decode()

    assert f'<a class="attachment-image" href="{upload.get_absolute_url()}" data-image-viewer' in content
    assert f'src="{upload.thumbnail_url}"' in content
    assert f'alt="{upload.name}"' in content


def test_discussion_page_quotes_the_comment_replied_to_with_a_link(client, discussion, other_user):
    first = CommentFactory(discussion=discussion, text="Is it Tuesday?", created_at=ago(5))
    CommentFactory(discussion=discussion, author=other_user, replied_to=first, text="It is.")

    content = client.get(detail_url(discussion)).content.decode()

    assert f'href="#comment-{first.id}">In reply to' in content
    assert content.count("Is it Tuesday?") == 2


def test_discussion_page_links_a_reply_to_a_comment_on_another_page_by_permalink(client, discussion, comments):
    CommentFactory(discussion=discussion, replied_to=comments[0], created_at=ago(1))

    content = client.get(detail_url(discussion), {"page": 2}).content.decode()

    assert f'href="{reverse("comment-permalink", args=[comments[0].id])}">In reply to' in content


def test_comment_permalink_redirects_to_the_page_that_shows_the_comment(client, discussion, comments):
    response = client.get(reverse("comment-permalink", args=[comments[22].id]))

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(discussion)}?page=2#comment-{comments[22].id}"


def test_comment_permalink_hides_private_discussions(client, private_discussion):
    comment = CommentFactory(discussion=private_discussion)
    assert client.get(reverse("comment-permalink", args=[comment.id])).status_code == 404


def test_discussion_page_paginates_comments(client, discussion, comments):
    first = client.get(detail_url(discussion)).content.decode()
    last = client.get(detail_url(discussion), {"page": "last"}).content.decode()

    assert f'id="comment-{comments[19].id}"' in first and f'id="comment-{comments[20].id}"' not in first
    assert f'id="comment-{comments[20].id}"' in last and f'id="comment-{comments[19].id}"' not in last
    assert f'href="{detail_url(discussion)}?page=2"' in first


@pytest.mark.parametrize("page", ["two", "0"])
def test_discussion_page_answers_400_to_a_bad_page_number(client, discussion, page):
    assert client.get(detail_url(discussion), {"page": page}).status_code == 400


def test_discussion_page_answers_404_past_the_last_page(client, discussion, comments):
    assert client.get(detail_url(discussion), {"page": 3}).status_code == 404


def test_discussion_page_answers_404_for_an_unknown_discussion(client):
    assert client.get(reverse("discussion-detail", args=[uuid.uuid4()])).status_code == 404


def test_discussion_page_hides_a_private_discussion_from_outsiders(client, other_user, private_discussion):
    assert client.get(detail_url(private_discussion)).status_code == 404
    client.force_login(other_user)
    assert client.get(detail_url(private_discussion)).status_code == 404


def test_discussion_page_shows_a_private_discussion_to_participants_and_staff(
    logged_in_client, moderator, private_discussion
):
    assert logged_in_client.get(detail_url(private_discussion)).status_code == 200
    logged_in_client.force_login(moderator)
    assert logged_in_client.get(detail_url(private_discussion)).status_code == 200


def test_discussion_page_shows_the_comment_form_with_labels(logged_in_client, discussion):
    content = logged_in_client.get(detail_url(discussion)).content.decode()

    assert 'id="comment-form"' in content
    assert 'for="id_comment_text"' in content and 'for="id_files"' in content
    assert 'enctype="multipart/form-data"' in content
    assert f'hx-post="{reverse("comment-create", args=[discussion.id])}?page=1"' in content
    assert f'action="{reverse("comment-create", args=[discussion.id])}?page=1"' in content


def test_discussion_page_asks_anonymous_visitors_to_log_in_to_comment(client, discussion, comments):
    content = client.get(detail_url(discussion)).content.decode()

    assert f'href="{reverse("account_login")}?next=' in content
    assert "Log in to comment" in content
    assert 'name="comment_text"' not in content
    assert "reply_to=" not in content


def test_discussion_page_tells_when_the_discussion_is_locked(logged_in_client, discussion):
    discussion.is_locked = True
    discussion.save()

    content = logged_in_client.get(detail_url(discussion)).content.decode()

    assert "This discussion is locked" in content
    assert 'name="comment_text"' not in content


def test_discussion_page_tells_anonymous_visitors_a_locked_discussion_is_locked(client, discussion, comments):
    discussion.is_locked = True
    discussion.save()

    content = client.get(detail_url(discussion)).content.decode()

    assert '<p class="alert alert-warning" role="status">This discussion is locked: nobody can post in it.</p>' in content
    assert "Log in to comment" not in content
    assert 'name="comment_text"' not in content


def test_discussion_page_tells_a_banned_user_they_cannot_post(client, discussion):
    client.force_login(UserFactory(is_banned=True))

    content = client.get(detail_url(discussion)).content.decode()

    assert "Your account is banned" in content
    assert 'name="comment_text"' not in content


def test_discussion_page_reply_link_fills_the_hidden_field_and_quotes_the_comment(logged_in_client, discussion, other_user):
    comment = CommentFactory(discussion=discussion, author=other_user, text="Tea or coffee?")

    content = logged_in_client.get(detail_url(discussion)).content.decode()
    reply_href = f"{detail_url(discussion)}?page=1&amp;reply_to={comment.id}#comment-form"
    assert f'href="{reply_href}"' in content

    replying = logged_in_client.get(detail_url(discussion), {"page": 1, "reply_to": comment.id}).content.decode()
    assert f'name="replied_message" value="{comment.id}"' in replying
    assert "Replying to" in replying
    assert "Post reply" in replying


def test_discussion_page_reply_link_over_htmx_answers_just_the_reply_field(logged_in_client, discussion):
    """Only the reply field and the button's label change: the text and files chosen stay."""
    comment = CommentFactory(discussion=discussion, text="Tea or coffee?")

    response = logged_in_client.get(
        detail_url(discussion), {"reply_to": comment.id}, headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert content.strip().startswith('<div id="reply-field"')
    assert "<html" not in content and "<textarea" not in content
    assert f'name="replied_message" value="{comment.id}"' in content
    assert "Tea or coffee?</blockquote>" in content
    assert '<span id="comment-submit-label" hx-swap-oob="true">Post reply</span>' in content


def test_discussion_page_cancel_reply_over_htmx_empties_the_reply_field(logged_in_client, discussion):
    response = logged_in_client.get(detail_url(discussion), {"reply_to": ""}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert content.strip().startswith('<div id="reply-field"')
    assert "Replying to" not in content
    assert '<span id="comment-submit-label" hx-swap-oob="true">Post comment</span>' in content


def test_discussion_page_ignores_a_reply_to_that_is_not_a_comment_here(logged_in_client, discussion):
    elsewhere = CommentFactory()

    response = logged_in_client.get(detail_url(discussion), {"reply_to": elsewhere.id})

    assert response.status_code == 200
    assert "Replying to" not in response.content.decode()


# --- query counts ------------------------------------------------------------------------------


@pytest.fixture
def busy_discussion(make_upload):
    """A discussion with 10 participants and 60 comments that reply to each other, an image on
    every fifth, and avatars."""
    people = [UserFactory() for _ in range(10)]
    for person in people[:3]:
        person.profile_image = make_upload(person)
        person.save()
    discussion = DiscussionFactory(creator=people[0])
    Participant.objects.bulk_create([Participant(discussion=discussion, user=p) for p in people[1:]])
    previous = None
    for i in range(60):
        previous = CommentFactory(discussion=discussion, author=people[i % 10], replied_to=previous, created_at=ago(100 - i))
        if i % 5 == 0:
            CommentAttachment.objects.create(comment=previous, upload=make_upload(previous.author))
    return discussion


def test_discussion_page_runs_a_constant_number_of_queries(logged_in_client, busy_discussion, django_assert_max_num_queries):
    # session, user, discussion (with the participant count and whether the user takes part; its
    # kept comments_count spares a COUNT), comments, attachments, participants: 6 of the budget of 8
    with django_assert_max_num_queries(8):
        response = logged_in_client.get(detail_url(busy_discussion), {"page": 2})
    assert response.content.decode().count('class="comment card') == 20


def test_discussion_detail_json_runs_a_constant_number_of_queries(
    logged_in_api_client, busy_discussion, django_assert_max_num_queries
):
    # session, user, discussion, participants, comments, attachments
    with django_assert_max_num_queries(6):
        response = logged_in_api_client.get(f"/discussions/{busy_discussion.id}", {"comments_limit": 100})
    assert len(response.json()["comments"]) == 60


def test_comment_list_json_runs_a_constant_number_of_queries(
    logged_in_api_client, busy_discussion, django_assert_max_num_queries
):
    # session, user, discussion, count, comments, attachments
    with django_assert_max_num_queries(6):
        response = logged_in_api_client.get(f"/{busy_discussion.id}/comments", {"per_page": 100})
    assert len(response.json()) == 60


@pytest.fixture
def busy_private_discussion(make_upload):
    """A private discussion with 30 participants (avatars, inviters), 45 comments that reply to
    each other, some deleted, edited or with several attachments (images and a text file)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from users.uploads import store_upload

    people = [UserFactory() for _ in range(30)]
    for person in people[:5]:
        person.profile_image = make_upload(person)
        person.save()
    discussion = DiscussionFactory(creator=people[0], visibility="private")
    Participant.objects.bulk_create(
        [Participant(discussion=discussion, user=p, invited_by=people[0]) for p in people[1:]]
    )
    previous = None
    for i in range(45):
        previous = CommentFactory(
            discussion=discussion,
            author=people[i % 30],
            replied_to=previous,
            created_at=ago(100 - i),
            is_deleted=i % 7 == 0,
            edited_at=ago(50) if i % 5 == 0 else None,
        )
        if i % 3 == 0:
            for _ in range(2):
                CommentAttachment.objects.create(comment=previous, upload=make_upload(previous.author))
            text = SimpleUploadedFile("notes.txt", b"plain words", content_type="text/plain")
            CommentAttachment.objects.create(comment=previous, upload=store_upload(file=text, owner=previous.author), position=2)
    return discussion, people


@pytest.mark.parametrize("viewer", ["participant", "moderator"])
@pytest.mark.parametrize("page", [1, 2, "last"])
def test_private_discussion_page_with_many_participants_runs_a_constant_number_of_queries(
    client, busy_private_discussion, moderator, viewer, page, django_assert_max_num_queries
):
    discussion, people = busy_private_discussion
    client.force_login(people[1] if viewer == "participant" else moderator)

    # session, user, discussion (with participant count and the viewer's participation),
    # comments (authors, quoted comments, deleters joined), attachments, participants: 6
    with django_assert_max_num_queries(8):
        response = client.get(detail_url(discussion), {"page": page})

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('class="participant-chip"') == 20 and "and 10 more" in content
    assert content.count('<article class="comment card') == (5 if page == "last" else 20)


def test_discussion_page_with_a_reply_quote_runs_a_constant_number_of_queries(
    client, busy_private_discussion, django_assert_max_num_queries
):
    discussion, people = busy_private_discussion
    client.force_login(people[2])
    quoted = discussion.comments.filter(is_deleted=False).first()

    with django_assert_max_num_queries(8):
        response = client.get(detail_url(discussion), {"page": 1, "reply_to": quoted.id})
    assert "Replying to" in response.content.decode()


def test_discussion_page_shows_attachments_as_thumbnails_and_download_links(client, busy_private_discussion):
    discussion, people = busy_private_discussion
    client.force_login(people[0])

    content = client.get(detail_url(discussion), {"page": 1}).content.decode()

    assert 'class="attachment-image"' in content and "data-image-viewer" in content
    assert 'class="attachment-file btn btn-sm btn-outline-secondary text-start"' in content
    assert '<span class="attachment-name">notes.txt</span> <span class="small">(11\xa0bytes)</span>' in content
    assert 'id="image-viewer"' in content  # the full-size view
    assert "/static/js/forum.js" in content


def test_discussion_page_form_previews_chosen_files_and_shows_upload_progress(logged_in_client, discussion):
    content = logged_in_client.get(detail_url(discussion)).content.decode()

    assert 'data-attachment-previews-for="id_files"' in content
    assert '<progress class="upload-progress' in content
    assert 'multiple' in content.split('name="files"', 1)[1].split(">", 1)[0]


def test_comment_permalink_lands_on_the_page_of_the_comment_and_targets_it(client, discussion, comments):
    response = client.get(reverse("comment-permalink", args=[comments[3].id]), follow=True)

    assert response.redirect_chain[-1][0] == f"{detail_url(discussion)}?page=1#comment-{comments[3].id}"
    assert f'<article class="comment card mb-3" id="comment-{comments[3].id}"' in response.content.decode()


def test_discussion_page_has_an_empty_state_that_invites_the_first_comment(logged_in_client, discussion):
    content = logged_in_client.get(detail_url(discussion)).content.decode()
    assert "No comments yet. Be the first: write one below." in content
