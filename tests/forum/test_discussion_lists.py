from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import CommentAttachment, Participant, Visibility
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.forum.helpers import api_client_for, assert_discussion_shape, assert_json_error

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(minutes: int):
    return NOW - timedelta(minutes=minutes)


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()]


@pytest.fixture
def three_discussions(other_user):
    """Listed by activity: ``fresh`` (1 min ago), ``stale`` (1 h), and ``pinned`` (1 day, pinned)."""
    return {
        "stale": DiscussionFactory(creator=other_user, name="Stale", last_activity_at=ago(60)),
        "fresh": DiscussionFactory(creator=other_user, name="Fresh", last_activity_at=ago(1)),
        "pinned": DiscussionFactory(creator=other_user, name="Pinned", is_pinned=True, last_activity_at=ago(1440)),
    }


def populate(*, discussions: int, participants: int, comments: int, make_upload=None, private: bool = False):
    """Many discussions, each with several participants and comments that reply to each other;
    the three most recently active have an image attached to their latest comment."""
    users = [UserFactory() for _ in range(participants)]
    made = []
    for d in range(discussions):
        discussion = DiscussionFactory(
            creator=users[0], visibility=Visibility.PRIVATE if private else Visibility.PUBLIC
        )
        Participant.objects.bulk_create([Participant(discussion=discussion, user=u) for u in users[1:]])
        previous = None
        for c in range(comments):
            previous = CommentFactory(
                discussion=discussion,
                author=users[c % participants],
                replied_to=previous,
                created_at=ago(100_000 - 1000 * d - c),
            )
        if make_upload is not None and d >= discussions - 3:
            CommentAttachment.objects.create(comment=previous, upload=make_upload(previous.author))
        made.append(discussion)
    return made


# --- GET /discussions/list ---------------------------------------------------------------------


def test_discussion_list_json_puts_pinned_first_then_latest_activity(api_client, three_discussions):
    response = api_client.get("/discussions/list")

    assert response.status_code == 200
    assert ids(response) == [str(three_discussions[k].id) for k in ("pinned", "fresh", "stale")]
    for item in response.json():
        assert_discussion_shape(item)


def test_discussion_list_json_hides_private_discussions_from_outsiders(api_client, other_user, private_discussion, discussion):
    assert ids(api_client.get("/discussions/list")) == [str(discussion.id)]
    assert ids(api_client_for(other_user).get("/discussions/list")) == [str(discussion.id)]


def test_discussion_list_json_shows_private_discussions_to_participants_and_staff(
    logged_in_api_client, moderator, private_discussion
):
    assert ids(logged_in_api_client.get("/discussions/list")) == [str(private_discussion.id)]
    assert ids(api_client_for(moderator).get("/discussions/list")) == [str(private_discussion.id)]


def test_discussion_list_json_embeds_the_latest_20_comments_in_time_order(api_client, discussion):
    comments = [CommentFactory(discussion=discussion, created_at=ago(100 - i)) for i in range(25)]

    data = api_client.get("/discussions/list").json()[0]

    assert [c["id"] for c in data["comments"]] == [str(c.id) for c in comments[5:]]
    assert data["comments_count"] == 25


@pytest.mark.parametrize(("limit", "expected"), [("3", 3), ("0", 0), ("100", 25), ("500", 25)])
def test_discussion_list_json_takes_a_comments_limit(api_client, discussion, limit, expected):
    comments = [CommentFactory(discussion=discussion, created_at=ago(100 - i)) for i in range(25)]

    data = api_client.get("/discussions/list", {"comments_limit": limit}).json()[0]

    assert [c["id"] for c in data["comments"]] == [str(c.id) for c in comments[len(comments) - expected :]]


@pytest.mark.parametrize("limit", ["abc", "-1", "1.5"])
def test_discussion_list_json_refuses_a_bad_comments_limit(api_client, discussion, limit):
    assert_json_error(api_client.get("/discussions/list", {"comments_limit": limit}), 400)


def test_discussion_list_json_is_paginated_with_link_and_total_headers(api_client, three_discussions):
    response = api_client.get("/discussions/list", {"page": 2, "per_page": 2})

    assert ids(response) == [str(three_discussions["stale"].id)]
    assert response["X-Total-Count"] == "3"
    assert 'rel="prev"' in response["Link"]
    assert 'rel="next"' not in response["Link"]
    assert "page=2" in response["Link"].split(", ")[-1]  # last


@pytest.mark.parametrize("query", [{"page": "abc"}, {"page": "0"}, {"page": "-1"}, {"per_page": "0"}, {"per_page": "x"}])
def test_discussion_list_json_refuses_bad_page_numbers(api_client, discussion, query):
    assert_json_error(api_client.get("/discussions/list", query), 400)


def test_discussion_list_json_answers_an_empty_page_past_the_end(api_client, discussion):
    response = api_client.get("/discussions/list", {"page": 9})

    assert response.status_code == 200
    assert response.json() == []


def test_discussion_list_json_answers_405_to_post(logged_in_api_client):
    assert_json_error(logged_in_api_client.post_json("/discussions/list", {}), 405)


def test_discussion_list_json_hides_contact_details_of_other_participants(api_client, discussion):
    participant = api_client.get("/discussions/list").json()[0]["participants"][0]
    assert (participant["email"], participant["phone_number"]) == (None, None)


# --- GET /user-discussions/list ----------------------------------------------------------------


def test_my_discussion_list_json_answers_401_when_anonymous(api_client):
    assert_json_error(api_client.get("/user-discussions/list"), 401)


def test_my_discussion_list_json_lists_where_i_participate_latest_activity_first(
    logged_in_api_client, user, three_discussions, private_discussion
):
    Participant.objects.create(discussion=three_discussions["pinned"], user=user)
    Participant.objects.create(discussion=three_discussions["stale"], user=user)
    private_discussion.last_activity_at = ago(30)
    private_discussion.save()

    response = logged_in_api_client.get("/user-discussions/list")

    assert response.status_code == 200
    expected = [three_discussions["stale"], three_discussions["pinned"]]
    assert ids(response) == [str(private_discussion.id)] + [str(d.id) for d in expected]
    assert response["X-Total-Count"] == "3"
    for item in response.json():
        assert_discussion_shape(item)


def test_my_discussion_list_json_includes_a_discussion_after_i_comment_in_it(logged_in_api_client, three_discussions):
    discussion = three_discussions["fresh"]
    logged_in_api_client.post_json(f"/{discussion.id}/comments", {"comment_text": "Me too"})

    assert ids(logged_in_api_client.get("/user-discussions/list")) == [str(discussion.id)]


# --- HTML lists ------------------------------------------------------------------------------


def test_discussion_list_page_shows_badges_counts_and_activity(client, three_discussions):
    locked = DiscussionFactory(name="Closed", is_locked=True)
    CommentFactory(discussion=locked)
    CommentFactory(discussion=locked)

    response = client.get(reverse("discussion-list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Pinned</span>") < content.index(">Fresh</a>") < content.index(">Stale</a>")
    assert "Locked</span>" in content
    assert "2 comments" in content
    assert f'href="{locked.get_absolute_url()}"' in content
    assert "<time datetime=" in content


def test_discussion_list_page_hides_private_discussions_from_outsiders(client, other_user, private_discussion, discussion):
    client.force_login(other_user)

    content = client.get(reverse("discussion-list")).content.decode()

    assert discussion.name in content
    assert private_discussion.name not in content


def test_discussion_list_page_shows_private_discussions_to_participants_with_a_badge(logged_in_client, private_discussion):
    content = logged_in_client.get(reverse("discussion-list")).content.decode()

    assert private_discussion.name in content
    assert "Private</span>" in content


def test_discussion_list_page_is_paginated(client, other_user):
    for i in range(21):
        DiscussionFactory(creator=other_user, name=f"Topic {i:02}", last_activity_at=ago(i))

    first = client.get(reverse("discussion-list")).content.decode()
    second = client.get(reverse("discussion-list"), {"page": 2}).content.decode()

    assert "Topic 19" in first and "Topic 20" not in first
    assert "Topic 20" in second and "Topic 19" not in second
    assert 'href="/?page=2"' in first


@pytest.mark.parametrize("page", ["abc", "0", "-2"])
def test_discussion_list_page_answers_400_to_a_bad_page_number(client, discussion, page):
    response = client.get(reverse("discussion-list"), {"page": page})

    assert response.status_code == 400
    assert "page number must be a whole number" in response.content.decode()


def test_discussion_list_page_answers_404_past_the_last_page(client, discussion):
    assert client.get(reverse("discussion-list"), {"page": 5}).status_code == 404


def test_my_discussion_list_page_lists_only_my_discussions(logged_in_client, discussion, three_discussions):
    content = logged_in_client.get(reverse("discussion-list-mine")).content.decode()

    assert discussion.name in content
    assert "Stale" not in content
    assert 'aria-current="page" href="/mine/"' in content


def test_my_discussion_list_page_sends_anonymous_users_to_log_in(client):
    response = client.get(reverse("discussion-list-mine"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- query counts ------------------------------------------------------------------------------


@pytest.fixture
def many_discussions(make_upload):
    return populate(discussions=25, participants=6, comments=25, make_upload=make_upload)


def test_discussion_list_json_runs_a_constant_number_of_queries(
    logged_in_api_client, many_discussions, django_assert_max_num_queries
):
    # Nothing kept yet: session, user, count, the page's ids and versions, then the discussions
    # with their participants, comments and attachments (forum/json_cache.py)
    with django_assert_max_num_queries(8):
        response = logged_in_api_client.get("/discussions/list")

    data = response.json()
    assert len(data) == 20
    assert all(len(d["participants"]) == 6 and len(d["comments"]) == 20 for d in data)
    assert sum(len(c["attachments"]) for d in data for c in d["comments"]) == 3
    assert all(c["replied_message"] for d in data for c in d["comments"])


def test_discussion_list_json_with_the_maximal_limits_runs_as_many_queries(
    logged_in_api_client, many_discussions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = logged_in_api_client.get("/discussions/list", {"per_page": 100, "comments_limit": 100})
    assert len(response.json()) == 25


def test_my_discussion_list_json_runs_a_constant_number_of_queries(
    client, many_discussions, django_assert_max_num_queries
):
    client.force_login(many_discussions[0].creator)

    with django_assert_max_num_queries(7):
        response = client.get("/user-discussions/list")

    assert len(response.json()) == 20


def test_discussion_list_page_runs_a_constant_number_of_queries(
    logged_in_client, many_discussions, django_assert_max_num_queries
):
    # Nothing kept yet: session, user, the list's version (latest changed_at), the viewer's
    # private discussions counted, the public ones counted, the discussions, their creators and
    # the creators' avatars (for the rows rendered now).
    with django_assert_max_num_queries(8):
        response = logged_in_client.get(reverse("discussion-list"))
    assert response.content.decode().count('class="list-group-item') == 20
    # Again: the public count and the rendered rows are kept for this version of the list.
    with django_assert_max_num_queries(5):
        again = logged_in_client.get(reverse("discussion-list"))
    assert again.content.decode().count('class="list-group-item') == 20


def test_private_discussion_list_for_staff_runs_a_constant_number_of_queries(
    moderator, make_upload, django_assert_max_num_queries
):
    populate(discussions=21, participants=4, comments=21, make_upload=make_upload, private=True)
    client = api_client_for(moderator)

    with django_assert_max_num_queries(7):
        response = client.get("/discussions/list")
    assert len(response.json()) == 20
