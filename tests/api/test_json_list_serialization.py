"""The JSON discussion lists (GET /discussions/list, GET /user-discussions/list) as their readers
see them: a response serialises each person once and builds URLs from one prefix, and none of
that may change what any viewer reads. Contact details, deleted text and attachment URLs are
checked everywhere a list shows them; the number of queries stays the same as the lists grow."""

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forum.models import CommentAttachment, Participant, Visibility
from forum.services import delete_comment
from tests.conftest import JsonClient
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from users.uploads import store_upload

pytestmark = pytest.mark.django_db

LISTS = ["/discussions/list", "/user-discussions/list"]
MAX_QUERIES = 8  # as tests/forum/test_query_scaling.py: per page, whatever the data


def client_for(viewer) -> JsonClient:
    client = JsonClient()
    if viewer is not None:
        client.force_login(viewer)
    return client


def list_of(viewer, path: str, **params) -> list:
    caches["pages"].clear()
    response = client_for(viewer).get(path, params)
    assert response.status_code == 200
    return response.json()


def people_in(discussions: list) -> list[dict]:
    """Every user object of a list: participants, comment authors, authors of comments answered."""
    found = []
    for discussion in discussions:
        found += discussion["participants"]
        for comment in discussion["comments"]:
            found.append(comment["author"])
            if comment["replied_message"] is not None:
                found.append(comment["replied_message"]["author"])
    return found


def upload_of(owner, png_bytes, name="picture.png"):
    return store_upload(file=SimpleUploadedFile(name, png_bytes, content_type="image/png"), owner=owner)


@pytest.fixture
def talk(user, other_user):
    """A discussion of alice (``user``, with email and phone) and bob: alice writes, bob answers."""
    discussion = DiscussionFactory(creator=user, name="Talk")
    Participant.objects.create(discussion=discussion, user=other_user)
    first = CommentFactory(discussion=discussion, author=user, text="First")
    CommentFactory(discussion=discussion, author=other_user, text="Answer", replied_to=first)
    CommentFactory(discussion=discussion, author=user, text="Again", replied_to=first)
    return discussion


# --- contact details ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("viewer_name", ["alice", "bob", "moderator"])
def test_contact_details_show_only_to_the_person_and_staff_in_every_place(
    talk, user, other_user, moderator, path, viewer_name
):
    viewer = {"alice": user, "bob": other_user, "moderator": moderator}[viewer_name]
    if path == "/user-discussions/list":
        Participant.objects.get_or_create(discussion=talk, user=viewer)

    people = people_in(list_of(viewer, path))

    shown = {(p["login"], p["email"], p["phone_number"]) for p in people}
    alice_shown = viewer_name in ("alice", "moderator")
    bob_shown = viewer_name in ("bob", "moderator")
    assert ("alice", "alice@example.com" if alice_shown else None, "+447911123456" if alice_shown else None) in shown
    assert ("bob", "bob@example.com" if bob_shown else None, None) in shown
    # alice as participant, as the author of two comments and as the author answered: each shows the same.
    assert len([p for p in people if p["login"] == "alice"]) == 5
    assert len({p for p in shown if p[0] == "alice"}) == len({p for p in shown if p[0] == "bob"}) == 1


def test_contact_details_hidden_from_anonymous_readers(talk):
    people = people_in(list_of(None, "/discussions/list"))

    assert people and all(p["email"] is None and p["phone_number"] is None for p in people)


def test_each_viewer_gets_their_own_answer(talk, user, other_user):
    """One response serialises each person once; the next viewer's response starts afresh."""
    as_alice = people_in(list_of(user, "/discussions/list"))
    as_bob = people_in(list_of(other_user, "/discussions/list"))

    assert {p["email"] for p in as_alice if p["login"] == "alice"} == {"alice@example.com"}
    assert {p["email"] for p in as_alice if p["login"] == "bob"} == {None}
    assert {p["email"] for p in as_bob if p["login"] == "alice"} == {None}
    assert {p["email"] for p in as_bob if p["login"] == "bob"} == {"bob@example.com"}


# --- deleted comments ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(("viewer_name", "sees_text"), [("bob", False), ("moderator", True)])
def test_deleted_comment_text_and_attachments_hidden_from_all_but_staff(
    user, other_user, moderator, png_bytes, path, viewer_name, sees_text
):
    viewer = {"bob": other_user, "moderator": moderator}[viewer_name]
    discussion = DiscussionFactory(creator=user)
    Participant.objects.create(discussion=discussion, user=viewer)
    regretted = CommentFactory(discussion=discussion, author=user, text="Regrettable")
    CommentAttachment.objects.create(comment=regretted, upload=upload_of(user, png_bytes))
    CommentFactory(discussion=discussion, author=other_user, text="What?", replied_to=regretted)
    delete_comment(actor=user, comment=regretted)

    [listed] = list_of(viewer, path)

    deleted, answer = listed["comments"]
    assert deleted["is_deleted"] is True
    assert deleted["comment_text"] == ("Regrettable" if sees_text else "")
    assert len(deleted["attachments"]) == (1 if sees_text else 0)
    assert answer["replied_message"]["comment_text"] == ("Regrettable" if sees_text else "")
    assert answer["comment_text"] == "What?"


# --- URLs ----------------------------------------------------------------------------------------


def test_attachment_and_avatar_urls_are_absolute_and_lead_to_the_files(user, png_bytes):
    avatar = upload_of(user, png_bytes, "me.png")
    user.profile_image = avatar
    user.save(update_fields=["profile_image"])
    discussion = DiscussionFactory(creator=user)
    comment = CommentFactory(discussion=discussion, author=user, text="See")
    attached = [upload_of(user, png_bytes, f"shot-{i}.png") for i in range(2)]
    for position, upload in enumerate(attached):
        CommentAttachment.objects.create(comment=comment, upload=upload, position=position)

    [listed] = list_of(None, "/discussions/list")

    def absolute(name, upload):
        return "http://testserver" + reverse(name, kwargs={"upload_id": upload.id})

    [shown] = listed["comments"]
    assert [(a["name"], a["url"], a["thumbnail_url"]) for a in shown["attachments"]] == [
        (u.name, absolute("upload-file", u), absolute("upload-thumbnail", u)) for u in attached
    ]
    for person in (listed["participants"][0], shown["author"]):
        assert person["profile_image"]["url"] == absolute("upload-file", avatar)
        assert person["profile_image"]["thumbnail_url"] == absolute("upload-thumbnail", avatar)


def test_urls_follow_the_host_the_request_came_to(user, png_bytes, settings):
    settings.ALLOWED_HOSTS = ["forum.example.org"]
    discussion = DiscussionFactory(creator=user)
    comment = CommentFactory(discussion=discussion, author=user)
    upload = upload_of(user, png_bytes)
    CommentAttachment.objects.create(comment=comment, upload=upload)

    response = JsonClient().get("/discussions/list", headers={"host": "forum.example.org"}, secure=True)

    [attachment] = response.json()[0]["comments"][0]["attachments"]
    assert attachment["url"] == f"https://forum.example.org/uploads/{upload.id}/"


# --- queries -------------------------------------------------------------------------------------


def fill_lists(reader, people: list, png_bytes, *, discussions: int, comments: int) -> None:
    """``discussions`` more discussions with ``reader`` in them, each with ``comments`` comments by
    several people (with avatars) answering each other, some with attachments, some deleted."""
    for _ in range(discussions):
        discussion = DiscussionFactory(creator=people[0], visibility=Visibility.PRIVATE)
        Participant.objects.bulk_create([Participant(discussion=discussion, user=p) for p in [reader, *people[1:]]])
        previous = None
        for i in range(comments):
            previous = CommentFactory(discussion=discussion, author=people[i % len(people)], replied_to=previous)
            if i % 3 == 0:
                CommentAttachment.objects.create(comment=previous, upload=upload_of(people[0], png_bytes))
            if i % 4 == 1:
                delete_comment(actor=previous.author, comment=previous)


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("viewer_kind", ["participant", "moderator"])
def test_list_queries_stay_the_same_as_the_lists_grow(
    path, viewer_kind, moderator, png_bytes, django_assert_max_num_queries
):
    people = [UserFactory() for _ in range(4)]
    people[1].profile_image = upload_of(people[1], png_bytes)
    people[1].save(update_fields=["profile_image"])
    reader = moderator if viewer_kind == "moderator" else UserFactory()
    client = client_for(reader)

    def queries_for(**params) -> int:
        caches["pages"].clear()
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            response = client.get(path, params)
        assert response.status_code == 200
        return len(captured)

    fill_lists(reader, people, png_bytes, discussions=2, comments=2)
    few = queries_for()
    fill_lists(reader, people, png_bytes, discussions=22, comments=6)
    many = queries_for()
    more_comments = queries_for(comments_limit=50, per_page=30)

    assert few == many == more_comments
