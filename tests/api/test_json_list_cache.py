"""The JSON discussion lists serve each discussion's JSON from the page cache, kept per version
(``forum.json_cache``). As a client sees it: every write shows in the next response; what one
viewer may see never reaches another, whoever filled the cache; the comment limit and the host
keep their own copies; a repeated request costs fewer queries."""

import copy

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from forum import moderation
from forum.models import Comment, Discussion, Participant, Visibility
from forum.serializers import discussion_data_with_user_changed, discussion_list_data
from forum.services import delete_comment, edit_comment, invite_participant, post_comment
from tests.conftest import JsonClient
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from users.models import Upload
from users.services import ban_user
from users.uploads import store_upload

pytestmark = pytest.mark.django_db

LISTS = ["/discussions/list", "/user-discussions/list"]
MAX_QUERIES = 8


def client_for(viewer) -> JsonClient:
    client = JsonClient()
    if viewer is not None:
        client.force_login(viewer)
    return client


def listed(viewer, path="/discussions/list", **params) -> list:
    response = client_for(viewer).get(path, params)
    assert response.status_code == 200
    return response.json()


def fresh(viewer, path="/discussions/list", **params) -> list:
    """The answer with nothing kept."""
    caches["pages"].clear()
    return listed(viewer, path, **params)


def the_one(discussions: list, discussion) -> dict:
    [found] = [d for d in discussions if d["id"] == str(discussion.id)]
    return found


def people_in(discussion: dict) -> list[dict]:
    found = list(discussion["participants"])
    for comment in discussion["comments"]:
        found.append(comment["author"])
        if comment["replied_message"] is not None:
            found.append(comment["replied_message"]["author"])
    return found


def emails_of(discussion: dict) -> dict:
    """``{login: {emails shown}}`` over every mention of each person."""
    shown = {}
    for person in people_in(discussion):
        shown.setdefault(person["login"], set()).add(person["email"])
    return shown


@pytest.fixture
def talk(user, other_user):
    """alice (``user``) and bob talk in a public discussion; bob answers alice."""
    discussion = DiscussionFactory(creator=user, name="Talk")
    Participant.objects.create(discussion=discussion, user=other_user)
    first = CommentFactory(discussion=discussion, author=user, text="First")
    CommentFactory(discussion=discussion, author=other_user, text="Answer", replied_to=first)
    return discussion


# --- every write shows in the next response ---------------------------------------------------


def post(talk, user, moderator, other_user):
    post_comment(author=other_user, discussion=talk, text="Brand new")
    return lambda d: d["comments"][-1]["comment_text"] == "Brand new" and d["comments_count"] == 3


def edit(talk, user, moderator, other_user):
    comment = Comment.objects.get(discussion=talk, text="Answer")
    edit_comment(actor=other_user, comment=comment, text="Answer, edited")
    return lambda d: d["comments"][-1]["comment_text"] == "Answer, edited" and d["comments"][-1]["edited_at"]


def delete(talk, user, moderator, other_user):
    delete_comment(actor=other_user, comment=Comment.objects.get(discussion=talk, text="Answer"))
    return lambda d: d["comments"][-1]["is_deleted"] is True


def lock(talk, user, moderator, other_user):
    moderation.lock_discussion(actor=moderator, discussion=talk)
    return lambda d: d["is_locked"] is True


def pin(talk, user, moderator, other_user):
    moderation.pin_discussion(actor=moderator, discussion=talk)
    return lambda d: d["is_pinned"] is True


def invite(talk, user, moderator, other_user):
    UserFactory(login="carol")
    invite_participant(inviter=user, discussion=talk, login="carol")
    return lambda d: "carol" in [p["login"] for p in d["participants"]]


def ban_hiding_content(talk, user, moderator, other_user):
    ban_user(actor=moderator, user=other_user, reason="Spam", hide_content=True)
    return lambda d: d["comments"][-1]["is_deleted"] is True and d["comments"][-1]["author"]["is_banned"] is True


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("viewer_name", ["alice", "moderator"])
@pytest.mark.parametrize("write", [post, edit, delete, lock, pin, invite, ban_hiding_content])
def test_list_shows_each_write_in_the_next_response(talk, user, other_user, moderator, path, viewer_name, write):
    viewer = {"alice": user, "moderator": moderator}[viewer_name]
    Participant.objects.get_or_create(discussion=talk, user=viewer)
    client = client_for(viewer)
    client.get(path)  # kept now

    shows_it = write(talk, user, moderator, other_user)

    assert shows_it(the_one(client.get(path).json(), talk))


def test_an_unchanged_discussion_is_served_from_the_cache(talk, user):
    """The counterpart of the tests above: without a write, what was kept is what is served
    (names are not versioned), so those tests do read the cache."""
    client = client_for(user)
    client.get("/discussions/list")
    type(user).objects.filter(pk=talk.creator_id).update(firstname="Renamed")

    assert the_one(client.get("/discussions/list").json(), talk)["participants"][0]["firstname"] == "Ada"
    assert the_one(fresh(user), talk)["participants"][0]["firstname"] == "Renamed"


# --- what one viewer may see never reaches another ----------------------------------------------


@pytest.mark.parametrize("filler_name", ["anonymous", "alice", "bob"])
def test_a_viewers_own_contact_details_show_only_to_them(talk, user, other_user, filler_name):
    filler = {"anonymous": None, "alice": user, "bob": other_user}[filler_name]
    listed(filler)  # whoever comes first fills the cache

    as_alice, as_bob, as_anonymous = (the_one(listed(v), talk) for v in (user, other_user, None))

    assert emails_of(as_alice) == {"alice": {"alice@example.com"}, "bob": {None}}
    assert emails_of(as_bob) == {"alice": {None}, "bob": {"bob@example.com"}}
    assert emails_of(as_anonymous) == {"alice": {None}, "bob": {None}}
    assert {p["phone_number"] for p in people_in(as_alice) if p["login"] == "alice"} == {"+447911123456"}
    assert {p["phone_number"] for p in people_in(as_bob) if p["login"] == "alice"} == {None}


@pytest.mark.parametrize("staff_first", [True, False], ids=["staff-first", "member-first"])
def test_staff_see_deleted_text_and_all_contact_details_and_members_do_not(talk, other_user, moderator, staff_first):
    delete_comment(actor=other_user, comment=Comment.objects.get(discussion=talk, text="Answer"))
    order = [moderator, other_user] if staff_first else [other_user, moderator]
    answers = {viewer.login: the_one(listed(viewer), talk) for viewer in order}

    as_moderator, as_bob = answers["mod"], answers["bob"]
    assert as_moderator["comments"][-1]["comment_text"] == "Answer"
    assert as_bob["comments"][-1]["comment_text"] == ""
    assert emails_of(as_moderator) == {"alice": {"alice@example.com"}, "bob": {"bob@example.com"}}
    assert emails_of(as_bob) == {"alice": {None}, "bob": {"bob@example.com"}}


@pytest.fixture
def viewers(user, other_user, moderator, admin_user):
    """One of each kind of viewer; all but the anonymous one take part in a private discussion."""
    superuser = UserFactory(login="superuser", is_superuser=True)
    outsider = UserFactory(login="outsider", phone_number="+447911000001")
    return {
        "anonymous": None, "alice": user, "bob": other_user, "moderator": moderator,
        "admin": admin_user, "superuser": superuser, "outsider": outsider,
    }


@pytest.fixture
def lists_with_everyone(talk, viewers, user, other_user):
    """``talk`` (public, one deleted comment, every viewer mentioned) and a private discussion."""
    people = [v for v in viewers.values() if v is not None]
    for person in people:
        Participant.objects.get_or_create(discussion=talk, user=person)
        CommentFactory(discussion=talk, author=person, replied_to=Comment.objects.filter(discussion=talk).first())
    delete_comment(actor=other_user, comment=Comment.objects.get(discussion=talk, text="Answer"))
    private = DiscussionFactory(creator=user, visibility=Visibility.PRIVATE)
    Participant.objects.bulk_create([Participant(discussion=private, user=p) for p in people if p != user])
    CommentFactory(discussion=private, author=other_user)


def serialised_without_cache(viewer, path: str, comments_limit: int) -> list:
    """What the list shows ``viewer``, serialised straight from the database."""
    viewer = viewer or AnonymousUser()
    if path == "/discussions/list":
        discussions = Discussion.objects.visible_to(viewer).in_list_order()
    else:
        discussions = Discussion.objects.of_participant(viewer).in_activity_order()
    page = discussions.with_participants().with_latest_comments(comments_limit)[:20]
    return discussion_list_data(page, viewer, RequestFactory().get(path))


@pytest.mark.usefixtures("lists_with_everyone")
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("filler_name", ["anonymous", "alice", "moderator", "superuser", "outsider"])
def test_every_viewer_reads_from_the_cache_what_they_would_read_without_it(viewers, path, filler_name):
    """Whoever filled the cache, each kind of viewer reads exactly what serialising for them
    shows: if who may see what came to depend on more than staff or not, and self or not, this
    fails."""
    readers = {name: viewer for name, viewer in viewers.items() if viewer is not None or path == "/discussions/list"}
    if filler_name not in readers:
        pytest.skip("the list of one's own discussions needs a login")

    listed(viewers[filler_name], path, comments_limit=50)

    for name, viewer in readers.items():
        assert listed(viewer, path, comments_limit=50) == serialised_without_cache(viewer, path, 50), name


def test_changing_a_viewers_mentions_leaves_the_kept_copy_as_it_was(talk, other_user):
    [kept] = fresh(None)
    before = copy.deepcopy(kept)

    changed = discussion_data_with_user_changed(kept, str(other_user.id), lambda mention: {**mention, "email": "x"})

    assert kept == before
    assert {p["email"] for p in people_in(changed) if p["login"] == "bob"} == {"x"}
    assert {p["email"] for p in people_in(changed) if p["login"] == "alice"} == {None}
    assert changed["comments"][0] is kept["comments"][0]  # alice's first comment does not mention bob


# --- separate copies ----------------------------------------------------------------------------


def test_each_comment_limit_has_its_own_copies(talk, user):
    for text in ("Three", "Four"):
        post_comment(author=user, discussion=talk, text=text)
    client = client_for(user)

    lengths = [len(the_one(client.get("/discussions/list", query).json(), talk)["comments"]) for query in (
        {"comments_limit": 1}, {"comments_limit": 3}, {}, {"comments_limit": 0}, {"comments_limit": 1},
    )]

    assert lengths == [1, 3, 4, 0, 1]


def test_urls_follow_the_host_and_scheme_of_each_request(user, png_bytes, settings):
    settings.ALLOWED_HOSTS = ["one.example.org", "two.example.org"]
    user.profile_image = store_upload(file=SimpleUploadedFile("a.png", png_bytes, content_type="image/png"), owner=user)
    user.save(update_fields=["profile_image"])
    DiscussionFactory(creator=user)
    DiscussionFactory(creator=user)
    client = JsonClient()

    def avatar_urls(host, secure):
        response = client.get("/discussions/list", headers={"host": host}, secure=secure)
        return {p["profile_image"]["url"].split("/uploads/")[0] for d in response.json() for p in d["participants"]}

    assert avatar_urls("one.example.org", True) == {"https://one.example.org"}
    assert avatar_urls("two.example.org", True) == {"https://two.example.org"}
    assert avatar_urls("one.example.org", False) == {"http://one.example.org"}


# --- queries ------------------------------------------------------------------------------------


def queries_of(client, path, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def many_discussions(reader, people, count=22):
    for i in range(count):
        discussion = DiscussionFactory(creator=people[0], visibility=Visibility.PRIVATE if i % 2 else Visibility.PUBLIC)
        Participant.objects.bulk_create([Participant(discussion=discussion, user=p) for p in [reader, *people[1:]]])
        previous = None
        for j in range(4):
            previous = CommentFactory(discussion=discussion, author=people[j % len(people)], replied_to=previous)


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("viewer_kind", ["member", "moderator", "anonymous"])
def test_a_repeated_request_runs_fewer_queries_and_reads_no_comments(
    path, viewer_kind, moderator, django_assert_max_num_queries
):
    if path == "/user-discussions/list" and viewer_kind == "anonymous":
        pytest.skip("the list of one's own discussions needs a login")
    reader = {"member": UserFactory(), "moderator": moderator, "anonymous": None}[viewer_kind]
    many_discussions(reader or UserFactory(), [UserFactory() for _ in range(3)])
    client = client_for(reader)

    with django_assert_max_num_queries(MAX_QUERIES):
        first = queries_of(client, path)
    with django_assert_max_num_queries(MAX_QUERIES):
        again = queries_of(client, path)

    assert len(again) < len(first)
    assert not [sql for sql in again if _reads_table(sql, Comment) or _reads_table(sql, Upload)]


def _reads_table(sql: str, model) -> bool:
    return f'"{model._meta.db_table}"' in sql


def test_only_the_changed_discussion_is_fetched_again(user, other_user, django_assert_max_num_queries):
    many_discussions(user, [other_user, UserFactory()])
    client = client_for(user)
    client.get("/discussions/list")
    changed = Comment.objects.filter(discussion__visibility=Visibility.PUBLIC).order_by("created_at", "id").last()
    edit_comment(actor=changed.author, comment=changed, text="Changed")

    with django_assert_max_num_queries(MAX_QUERIES):
        queries = queries_of(client, "/discussions/list")

    page = client.get("/discussions/list").json()
    assert the_one(page, changed.discussion)["comments"][-1]["comment_text"] == "Changed"
    comment_queries = [sql for sql in queries if _reads_table(sql, Comment)]
    page_ids = [d["id"] for d in page]
    assert comment_queries
    for sql in comment_queries:
        assert [pk for pk in page_ids if _mentions(sql, pk)] == [str(changed.discussion_id)]


def _mentions(sql: str, discussion_id: str) -> bool:
    return discussion_id in sql or discussion_id.replace("-", "") in sql
