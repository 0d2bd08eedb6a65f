"""Live updates: the last page of a discussion polls for comments after the last one it shows
(a cheap 204 while there are none), and the list pages poll for activity since they were
rendered."""

import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import CommentAttachment, Participant
from forum.services import post_comment
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.forum.helpers import api_client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOW = timezone.now()


def ago(minutes: int):
    return NOW - timedelta(minutes=minutes)


def poll_url(discussion) -> str:
    return reverse("comment-poll", args=[discussion.id])


def activity_url(since, tab="all") -> str:
    return f"{reverse('discussion-activity')}?since={quote(since.isoformat())}&tab={tab}"


@pytest.fixture
def seen(discussion, user):
    """Two comments the page already shows."""
    return [CommentFactory(discussion=discussion, author=user, created_at=ago(10 - i)) for i in range(2)]


# --- the discussion page ----------------------------------------------------------------------------


def test_last_page_carries_a_poller_after_its_last_comment(client, discussion, seen):
    content = client.get(discussion.get_absolute_url()).content.decode()

    assert f'hx-get="{poll_url(discussion)}?after={seen[-1].id}&amp;page=1"' in content
    assert "[document.visibilityState === 'visible']" in content  # paused while the tab is hidden
    assert 'hx-swap="outerHTML"' in content


def test_earlier_pages_do_not_poll(client, discussion):
    for i in range(25):
        CommentFactory(discussion=discussion, created_at=ago(100 - i))

    assert poll_url(discussion) not in client.get(discussion.get_absolute_url(), {"page": 1}).content.decode()
    assert poll_url(discussion) in client.get(discussion.get_absolute_url(), {"page": 2}).content.decode()


def test_empty_discussion_polls_from_the_start(client, discussion):
    content = client.get(discussion.get_absolute_url()).content.decode()

    assert f'hx-get="{poll_url(discussion)}?after=&amp;page=1"' in content
    assert 'id="no-comments"' in content


def test_poll_answers_204_when_nothing_is_new(client, discussion, seen):
    response = client.get(poll_url(discussion), {"after": seen[-1].id, "page": 1}, headers=HTMX)

    assert response.status_code == 204
    assert response.content == b""


def test_poll_answers_the_new_comments_and_a_fresh_poller(client, discussion, seen, other_user):
    new = [CommentFactory(discussion=discussion, author=other_user, text=f"News {i}", created_at=ago(5 - i)) for i in range(2)]

    response = client.get(poll_url(discussion), {"after": seen[-1].id, "page": 1}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert [f'id="comment-{c.id}"' in content for c in seen + new] == [False, False, True, True]
    assert content.index("News 0") < content.index("News 1")
    assert f'hx-get="{poll_url(discussion)}?after={new[-1].id}&amp;page=1"' in content
    assert '<span id="comments-count" hx-swap-oob="true">4 comments</span>' in content
    assert "2 new comments" in content
    assert "no-comments" not in content


def test_poll_from_an_empty_page_removes_the_empty_state(client, discussion):
    CommentFactory(discussion=discussion, text="First!")

    content = client.get(poll_url(discussion), {"after": "", "page": 1}, headers=HTMX).content.decode()

    assert "First!" in content
    assert '<p id="no-comments" hx-swap-oob="delete"></p>' in content


def test_poll_keeps_its_order_for_comments_of_the_same_instant(client, discussion, seen):
    same = sorted([CommentFactory(discussion=discussion, created_at=seen[-1].created_at) for _ in range(3)], key=lambda c: c.id)
    newer_than_last = [c for c in same if c.id > seen[-1].id]

    content = client.get(poll_url(discussion), {"after": seen[-1].id}, headers=HTMX).content.decode()

    assert [f'id="comment-{c.id}"' in content for c in same] == [c in newer_than_last for c in same]


def test_poll_shows_edit_and_delete_only_on_the_users_own_new_comments(logged_in_client, discussion, seen, user, other_user):
    mine = CommentFactory(discussion=discussion, author=user, created_at=ago(1))
    theirs = CommentFactory(discussion=discussion, author=other_user, created_at=ago(0))

    content = logged_in_client.get(poll_url(discussion), {"after": seen[-1].id}, headers=HTMX).content.decode()

    assert reverse("comment-edit", args=[mine.id]) in content
    assert reverse("comment-edit", args=[theirs.id]) not in content


def test_poll_answers_400_to_a_malformed_after(client, discussion):
    assert client.get(poll_url(discussion), {"after": "nonsense"}, headers=HTMX).status_code == 400


def test_poll_answers_204_for_an_unknown_after(client, discussion, seen):
    assert client.get(poll_url(discussion), {"after": uuid.uuid4()}, headers=HTMX).status_code == 204


def test_poll_hides_a_private_discussion_from_outsiders(client, private_discussion, other_user):
    CommentFactory(discussion=private_discussion)
    client.force_login(other_user)

    assert client.get(poll_url(private_discussion), headers=HTMX).status_code == 404


def test_poll_answers_405_to_post(logged_in_client, discussion):
    assert logged_in_client.post(poll_url(discussion)).status_code == 405


def test_poll_with_nothing_new_runs_one_small_query_besides_session_and_discussion(logged_in_client, discussion, seen, django_assert_max_num_queries):
    # session, user, discussion (one row, with the viewer's participation), new comments (none)
    with django_assert_max_num_queries(4) as captured:
        response = logged_in_client.get(poll_url(discussion), {"after": seen[-1].id}, headers=HTMX)
    assert response.status_code == 204
    assert "LIMIT 50" in captured.captured_queries[-1]["sql"]


def test_poll_with_many_new_comments_runs_a_constant_number_of_queries(
    logged_in_client, discussion, seen, make_upload, django_assert_max_num_queries
):
    people = UserFactory.create_batch(5)
    previous = seen[-1]
    for i in range(40):
        previous = CommentFactory(discussion=discussion, author=people[i % 5], replied_to=previous, created_at=ago(5) + timedelta(seconds=i))
        if i % 4 == 0:
            CommentAttachment.objects.create(comment=previous, upload=make_upload(previous.author))

    # session, user, discussion, comments, attachments
    with django_assert_max_num_queries(5):
        response = logged_in_client.get(poll_url(discussion), {"after": seen[-1].id}, headers=HTMX)
    assert response.content.decode().count('<article class="comment card') == 40


def test_last_page_poller_says_how_many_participants_the_page_shows(client, discussion, seen):
    content = client.get(discussion.get_absolute_url()).content.decode()

    assert """hx-vals='{"participants": "1"}'""" in content
    assert '<span id="participants-count" class="badge rounded-pill text-bg-secondary">1</span>' in content
    assert '<ul id="participant-chips"' in content


def test_poll_swaps_in_the_participants_when_someone_new_commented(client, discussion, seen, other_user):
    post_comment(author=other_user, discussion=discussion, text="Hello, I am new here")

    response = client.get(poll_url(discussion), {"after": seen[-1].id, "page": 1, "participants": 1}, headers=HTMX)

    content = response.content.decode()
    assert "Hello, I am new here" in content
    assert '<span id="participants-count" class="badge rounded-pill text-bg-secondary" hx-swap-oob="true">2</span>' in content
    chips = content[content.index('<ul id="participant-chips"') :]
    assert chips.startswith('<ul id="participant-chips" class="list-unstyled d-flex flex-wrap gap-2 mb-2" hx-swap-oob="true">')
    assert f'href="{other_user.get_absolute_url()}"' in chips
    assert 'id="participant-list"' not in content  # the invite form, perhaps half typed, stays as it is
    assert """hx-vals='{"participants": "2"}'""" in content  # the next poll compares with 2


def test_poll_leaves_the_participants_alone_when_nobody_new_commented(client, discussion, seen, user):
    post_comment(author=user, discussion=discussion, text="Me again")

    content = client.get(poll_url(discussion), {"after": seen[-1].id, "participants": 1}, headers=HTMX).content.decode()

    assert "Me again" in content
    assert "participants-count" not in content and "participant-chips" not in content
    assert """hx-vals='{"participants": "1"}'""" in content


def test_poll_with_a_new_participant_runs_a_constant_number_of_queries(
    logged_in_client, discussion, seen, django_assert_max_num_queries
):
    for person in UserFactory.create_batch(8):
        post_comment(author=person, discussion=discussion, text=f"I am {person.login}")
    assert Participant.objects.filter(discussion=discussion).count() == 9

    # session, user, discussion, comments, attachments, participants' count, participants
    with django_assert_max_num_queries(7):
        response = logged_in_client.get(poll_url(discussion), {"after": seen[-1].id, "participants": 1}, headers=HTMX)
    assert 'hx-swap-oob="true">9</span>' in response.content.decode()


def test_json_clients_poll_with_after(api_client, discussion, seen, other_user):
    new = CommentFactory(discussion=discussion, author=other_user)

    assert [c["id"] for c in api_client.get(f"/{discussion.id}/comments", {"after": seen[-1].id}).json()] == [str(new.id)]
    assert api_client.get(f"/{discussion.id}/comments", {"after": new.id}).json() == []


# --- the list pages ------------------------------------------------------------------------------


def test_list_page_polls_for_activity_since_it_was_rendered(client, discussion):
    content = client.get(reverse("discussion-list")).content.decode()

    assert f'hx-get="{reverse("discussion-activity")}?since=' in content
    assert "&amp;tab=all" in content
    assert 'id="activity-notice"' in content


def test_activity_answers_204_while_nothing_happened(client, discussion):
    rendered_at = timezone.now()  # after the discussion's last activity
    assert client.get(activity_url(rendered_at), headers=HTMX).status_code == 204


def test_activity_answers_a_notice_after_new_activity(client, discussion):
    rendered_at = timezone.now()
    CommentFactory(discussion=discussion, created_at=rendered_at + timedelta(seconds=5))

    response = client.get(activity_url(rendered_at), headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "New activity" in content and f'href="{reverse("discussion-list")}"' in content
    assert "hx-get" not in content  # the notice ends the polling


def test_activity_ignores_private_discussions_the_user_cannot_see(client, private_discussion, other_user):
    rendered_at = timezone.now()
    CommentFactory(discussion=private_discussion, created_at=rendered_at + timedelta(seconds=5))
    client.force_login(other_user)

    assert client.get(activity_url(rendered_at), headers=HTMX).status_code == 204


def test_activity_of_the_mine_tab_counts_only_the_users_discussions(client, discussion, other_user):
    rendered_at = timezone.now()
    CommentFactory(discussion=discussion, created_at=rendered_at + timedelta(seconds=5))
    client.force_login(other_user)

    assert client.get(activity_url(rendered_at, tab="mine"), headers=HTMX).status_code == 204
    assert client.get(activity_url(rendered_at, tab="all"), headers=HTMX).status_code == 200


@pytest.mark.parametrize("since", ["", "yesterday", "2024-01-01T10:00:00"])
def test_activity_answers_400_to_a_bad_since(client, since):
    assert client.get(reverse("discussion-activity"), {"since": since}).status_code == 400


def test_activity_runs_one_query_besides_the_session(logged_in_client, django_assert_max_num_queries):
    for _ in range(30):
        DiscussionFactory()
    with django_assert_max_num_queries(3):
        logged_in_client.get(activity_url(timezone.now()), headers=HTMX)


def test_json_clients_see_activity_times_in_the_list(api_client, discussion):
    assert api_client.get("/discussions/list").json()[0]["last_activity_at"]


def test_someone_elses_comment_arrives_by_polling(discussion, seen, other_user, user, client):
    """The whole loop through the services: bob comments over JSON, alice's page polls it in."""
    client.force_login(user)
    api_client_for(other_user).post_json(f"/{discussion.id}/comments", {"comment_text": "Hello from **bob**"})

    content = client.get(poll_url(discussion), {"after": seen[-1].id}, headers=HTMX).content.decode()

    assert "<p>Hello from <strong>bob</strong></p>" in content
