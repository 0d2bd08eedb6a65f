"""Pages cost the same whatever the size of the data (issue 6): a constant number of queries on
every list and discussion page, late pages read through ``forum.pagination.DeferredJoin`` in
exactly the plain order, and the cheap count of the list being exact."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.models import Comment, Discussion, Participant, Visibility
from forum.pagination import DeferredJoin
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.forum.helpers import api_client_for

pytestmark = pytest.mark.django_db

NOW = timezone.now()
MAX_QUERIES = 8  # per page, whatever the data (issue 6)
COMMENT_ANCHOR = re.compile(r'<article class="comment[^"]*" id="comment-([0-9a-f-]{36})"')


def ago(minutes: int):
    return NOW - timedelta(minutes=minutes)


def queries_of(client, path: str, data=None) -> int:
    """The SQL statements of one request (transaction control left out), at most MAX_QUERIES,
    with nothing in the page cache: the most a request costs."""
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, data)
    assert response.status_code == 200
    statements = [
        q["sql"] for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) <= MAX_QUERIES, statements
    return len(statements)


def discussion_with(comments: int, *, people: list, visibility=Visibility.PUBLIC, tied: bool = False) -> Discussion:
    """A discussion of ``people`` with ``comments`` comments replying to each other; ``tied``:
    in threes with the same time, so only the id orders them."""
    discussion = DiscussionFactory(creator=people[0], visibility=visibility)
    Participant.objects.bulk_create([Participant(discussion=discussion, user=p) for p in people[1:]])
    previous = None
    for i in range(comments):
        minutes = 10_000 - (i // 3 if tied else i)
        previous = CommentFactory(
            discussion=discussion, author=people[i % len(people)], replied_to=previous, created_at=ago(minutes)
        )
    discussion.refresh_from_db()
    return discussion


@pytest.fixture
def people():
    return [UserFactory() for _ in range(4)]


def plain_order(discussion) -> list:
    return list(Comment.objects.filter(discussion=discussion).order_by("created_at", "id").values_list("id", flat=True))


def page_ids(response) -> list:
    return [uuid for uuid in COMMENT_ANCHOR.findall(response.content.decode())]


# --- the discussion page and its comments ------------------------------------------------------


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_discussion_page_queries_do_not_grow_with_comments_or_page(client, people, logged_in):
    small = discussion_with(5, people=people)
    big = discussion_with(60, people=people)
    if logged_in:
        client.force_login(people[1])

    counts = {
        "small": queries_of(client, reverse("discussion-detail", args=[small.id])),
        "big, first page": queries_of(client, reverse("discussion-detail", args=[big.id])),
        "big, last page": queries_of(client, reverse("discussion-detail", args=[big.id]), {"page": "last"}),
        "big, middle page": queries_of(client, reverse("discussion-detail", args=[big.id]), {"page": 2}),
    }

    # The first page also lists the participants; later pages are the same as each other.
    assert counts["small"] == counts["big, first page"], counts
    assert counts["big, last page"] == counts["big, middle page"] <= counts["big, first page"], counts


def test_comment_list_json_queries_do_not_grow_with_comments_or_page(people):
    small = discussion_with(5, people=people)
    big = discussion_with(60, people=people)
    client = api_client_for(people[1])

    counts = [
        queries_of(client, f"/{small.id}/comments"),
        queries_of(client, f"/{big.id}/comments"),
        queries_of(client, f"/{big.id}/comments", {"page": 3}),
        queries_of(client, f"/{big.id}/comments", {"page": 2, "per_page": 7}),
    ]

    assert len(set(counts)) == 1, counts


@pytest.mark.parametrize("total", [1, 19, 20, 21, 41, 60])
def test_deferred_join_slices_as_the_plain_order_does_ties_included(people, total):
    discussion = discussion_with(total, people=people, tied=True)
    plain = Comment.objects.filter(discussion=discussion).order_by("created_at", "id")
    deferred = DeferredJoin(
        discussion.comments.in_time_order(), rows=Comment.objects.with_related(), count=discussion.comments_count
    )

    for per_page in (1, 7, 20):
        for start in range(0, total + per_page, per_page):
            expected = [c.id for c in plain[start : start + per_page]]
            assert [c.id for c in deferred[start : start + per_page]] == expected, (per_page, start)
    assert [c.id for c in deferred[3:]] == [c.id for c in plain[3:]]


def test_deferred_join_counts_when_no_count_is_given(people):
    discussion = discussion_with(9, people=people)
    deferred = DeferredJoin(Comment.objects.filter(discussion=discussion).order_by("created_at", "id"))

    assert deferred.count() == len(deferred) == 9
    assert [c.id for c in deferred[6:9]] == plain_order(discussion)[6:9]


def test_deferred_join_refuses_an_order_that_is_not_total():
    with pytest.raises(ValueError):
        DeferredJoin(Comment.objects.order_by("created_at"))


def test_discussion_pages_show_the_comments_in_time_order_ties_broken_by_id(client, people):
    discussion = discussion_with(47, people=people, tied=True)
    url = reverse("discussion-detail", args=[discussion.id])
    expected = [str(pk) for pk in plain_order(discussion)]

    shown = [page_ids(client.get(url, {"page": number})) for number in (1, 2, 3)]

    assert shown == [expected[:20], expected[20:40], expected[40:]]
    assert page_ids(client.get(url, {"page": "last"})) == expected[40:]


def test_comment_list_json_pages_in_time_order_ties_broken_by_id(people):
    discussion = discussion_with(25, people=people, tied=True)
    client = api_client_for(people[0])
    expected = [str(pk) for pk in plain_order(discussion)]

    pages = [client.get(f"/{discussion.id}/comments", {"page": n, "per_page": 6}) for n in range(1, 6)]

    assert [c["id"] for page in pages for c in page.json()] == expected
    assert {page["X-Total-Count"] for page in pages} == {"25"}
    after = client.get(f"/{discussion.id}/comments", {"after": expected[20], "per_page": 3})
    assert [c["id"] for c in after.json()] == expected[21:24]
    assert after["X-Total-Count"] == "4"


def test_comment_permalink_goes_to_the_page_showing_it(client, people):
    discussion = discussion_with(45, people=people, tied=True)
    ids = plain_order(discussion)

    for position, page in ((0, 1), (19, 1), (20, 2), (41, 3), (44, 3)):
        response = client.get(reverse("comment-permalink", args=[ids[position]]))
        assert response.status_code == 302
        assert f"?page={page}#comment-{ids[position]}" in response["Location"]


# --- the lists --------------------------------------------------------------------------------


def discussions_for(user, count: int, *, others: list) -> None:
    """``count`` discussions: public ones, and every third private with ``user`` taking part."""
    for i in range(count):
        visibility = Visibility.PRIVATE if i % 3 == 0 else Visibility.PUBLIC
        discussion = DiscussionFactory(creator=others[i % len(others)], visibility=visibility, last_activity_at=ago(i))
        Participant.objects.create(discussion=discussion, user=user)
        CommentFactory(discussion=discussion, author=others[0], created_at=ago(i))


@pytest.mark.parametrize(
    ("path", "logged_in"),
    [
        ("/", False),
        ("/", True),
        ("/mine/", True),
        ("/discussions/list", False),
        ("/discussions/list", True),
        ("/user-discussions/list", True),
    ],
)
def test_list_queries_do_not_grow_with_discussions(client, people, path, logged_in):
    reader = UserFactory()
    if logged_in:
        client.force_login(reader)
    discussions_for(reader, 3, others=people)
    few = queries_of(client, path)

    discussions_for(reader, 30, others=people)
    many = queries_of(client, path)
    last_page = queries_of(client, path, {"page": 2})

    assert few == many == last_page


def test_cheap_count_is_exact(people):
    reader, outsider = UserFactory(), UserFactory()
    discussions_for(reader, 7, others=people)  # 3 private ones with the reader, 4 public
    hidden = DiscussionFactory(creator=outsider, visibility=Visibility.PRIVATE)  # not the reader's
    Participant.objects.create(discussion=DiscussionFactory(creator=outsider), user=reader)  # public, theirs too

    for user in (reader, outsider, people[0]):
        visible = Discussion.objects.visible_to(user).in_list_order()
        listed = list(visible)
        assert visible.count() == len(listed), user
    assert Discussion.objects.visible_to(reader).count() == 8
    assert hidden not in Discussion.objects.visible_to(reader)
    # Any further filter: the plain count.
    assert Discussion.objects.visible_to(reader).filter(visibility=Visibility.PRIVATE).count() == 3
    assert Discussion.objects.visible_to(reader).exclude(visibility=Visibility.PRIVATE).count() == 5
    assert Discussion.objects.visible_to(reader).none().count() == 0
    assert Discussion.objects.filter(creator=outsider).visible_to(reader).count() == 1


def test_cheap_count_is_what_the_lists_report(client, people):
    reader = UserFactory()
    discussions_for(reader, 25, others=people)
    DiscussionFactory(creator=people[0], visibility=Visibility.PRIVATE)
    client.force_login(reader)

    response = client.get("/discussions/list", {"per_page": 100})

    assert response["X-Total-Count"] == str(len(response.json())) == "25"
    page = client.get("/", {"page": 2}).context["page"]
    assert (page.paginator.count, len(page.object_list)) == (25, 5)


def test_cheap_count_with_no_discussions_at_all(user):
    assert Discussion.objects.visible_to(user).count() == 0


def test_of_participant_lists_exactly_the_users_discussions(people):
    reader = UserFactory()
    discussions_for(reader, 6, others=people)
    DiscussionFactory(creator=people[0])  # not the reader's

    mine = Discussion.objects.of_participant(reader).in_activity_order()

    assert mine.count() == 6
    assert list(mine) == list(Discussion.objects.filter(participants__user=reader).order_by("-last_activity_at", "-id"))


@pytest.mark.parametrize("limit", [1, 3, 20, 100])
def test_latest_comments_are_the_newest_ties_broken_by_id(people, limit):
    tied = discussion_with(25, people=people, tied=True)  # in threes at the same time
    few = discussion_with(2, people=people)
    empty = DiscussionFactory(creator=people[0])
    client = api_client_for(people[0])

    data = {d["id"]: d for d in client.get("/discussions/list", {"comments_limit": limit}).json()}

    for discussion in (tied, few, empty):
        expected = [str(pk) for pk in plain_order(discussion)][-limit:] if plain_order(discussion) else []
        assert [c["id"] for c in data[str(discussion.id)]["comments"]] == expected, discussion.name
    detail = client.get(f"/discussions/{tied.id}", {"comments_limit": limit})
    assert [c["id"] for c in detail.json()["comments"]] == [str(pk) for pk in plain_order(tied)][-limit:]
