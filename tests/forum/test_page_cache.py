"""The page cache and conditional GET (forum/page_cache.py): anonymous visitors get the
discussion list and discussion pages from the cache while nothing they show has changed, every
write that changes them moves the version on, and browsers that have a version get 304."""

import time
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from forum.models import Discussion
from forum.views import DISCUSSIONS_PER_PAGE
from forum.moderation import lock_discussion, pin_discussion, unlock_discussion
from forum.page_cache import changed_now
from forum.services import delete_comment, edit_comment, invite_participant, post_comment, start_discussion
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from users.services import ban_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def page_url(discussion):
    return reverse("discussion-detail", args=[discussion.id])


@pytest.fixture
def comment(discussion, user):
    return post_comment(author=user, discussion=discussion, text="The first word.")


def anonymous() -> Client:
    return Client()


def served_from_cache(response) -> bool:
    return getattr(response, "page_cache_hit", False)


# --- Served from the cache ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_second_anonymous_request_is_served_from_the_cache_with_one_query(
    page, page_url, comment, django_assert_num_queries
):
    url = reverse("discussion-list") if page == "list" else page_url
    first = anonymous().get(url)
    assert first.status_code == 200 and not served_from_cache(first)

    with django_assert_num_queries(1):  # the version: the latest changed_at, or the discussion
        second = anonymous().get(url)
    assert served_from_cache(second)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "Cookie" in second["Vary"]


def test_each_page_of_comments_is_kept_apart(discussion, user, page_url):
    for i in range(25):
        CommentFactory(discussion=discussion, author=user, text=f"Remark {i:02}")
    first = anonymous().get(page_url).content.decode()
    second = anonymous().get(f"{page_url}?page=2").content.decode()
    assert "Remark 00" in first and "Remark 00" not in second
    assert "Remark 24" in second and anonymous().get(f"{page_url}?page=2").content.decode() == second


def test_cached_pages_hold_no_csrf_token_and_set_no_cookie(page_url, comment):
    for url in (reverse("discussion-list"), page_url):
        first = anonymous().get(url)
        second = anonymous().get(url)
        for response in (first, second):
            html = response.content.decode()
            assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
            assert not response.cookies


def test_logged_in_pages_are_never_served_from_the_anonymous_copy(logged_in_client, page_url, comment):
    anonymous().get(page_url)
    response = logged_in_client.get(page_url)
    assert not served_from_cache(response)
    assert "X-CSRFToken" in response.content.decode() and "Log out" in response.content.decode()
    again = anonymous().get(page_url)
    assert served_from_cache(again) and "Log out" not in again.content.decode()


def test_htmx_requests_are_neither_served_from_nor_kept_in_the_cache(page_url, comment):
    htmx = anonymous().get(page_url, headers=HTMX)
    assert not served_from_cache(htmx)
    assert not served_from_cache(anonymous().get(page_url))  # the htmx answer was not kept either
    assert not served_from_cache(anonymous().get(page_url, headers=HTMX))


def test_other_query_parameters_are_not_cached(page_url, comment):
    for _ in range(2):
        response = anonymous().get(f"{page_url}?reply_to={comment.id}")
        assert response.status_code == 200 and not served_from_cache(response)


def test_a_visitor_with_a_pending_message_gets_it_and_the_page_is_not_kept(page_url, comment, rf):
    client = anonymous()
    client.cookies["messages"] = CookieStorage(rf.get("/"))._encode(_message("You have signed out."))
    response = client.get(page_url)
    assert "You have signed out." in response.content.decode()
    assert not served_from_cache(response)
    assert not served_from_cache(anonymous().get(page_url))  # nothing was kept from that one


def _message(text):
    from django.contrib.messages.storage.base import Message

    return [Message(constants.SUCCESS, text)]


def test_a_visitor_with_a_session_is_not_served_from_the_cache(client, page_url, comment):
    anonymous().get(page_url)
    client.cookies["sessionid"] = "no-such-session"
    assert not served_from_cache(client.get(page_url))


def test_a_private_discussion_is_a_404_even_when_its_page_was_cached(moderator, private_discussion):
    url = reverse("discussion-detail", args=[private_discussion.id])
    staff = Client()
    staff.force_login(moderator)
    assert staff.get(url).status_code == 200
    assert anonymous().get(url).status_code == 404
    assert anonymous().get(url).status_code == 404


# --- Every write moves the version on ------------------------------------------------------------


def _posted(discussion, user, comment):
    post_comment(author=user, discussion=discussion, text="A brand new remark.")
    return "A brand new remark."


def _edited(discussion, user, comment):
    edit_comment(actor=user, comment=comment, text="Second thoughts, edited.")
    return "Second thoughts, edited."


def _deleted(discussion, user, comment):
    delete_comment(actor=user, comment=comment)
    return "This comment was deleted."


def _locked(discussion, user, comment):
    lock_discussion(actor=UserFactory(role_type="moderator"), discussion=discussion)
    return "Locked"


def _pinned(discussion, user, comment):
    pin_discussion(actor=UserFactory(role_type="moderator"), discussion=discussion)
    return "Pinned"


def _invited(discussion, user, comment):
    invite_participant(inviter=user, discussion=discussion, login=UserFactory(login="zed", firstname="Zed", lastname="Zebra").login)
    return "Zed Zebra"


def _banned_hiding_everything(discussion, user, comment):
    ban_user(actor=UserFactory(role_type="admin"), user=user, reason="Spam", hide_content=True)
    return "This comment was deleted."


WRITES = [_posted, _edited, _deleted, _locked, _pinned, _invited, _banned_hiding_everything]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__.strip("_"))
def test_a_write_shows_on_the_next_anonymous_request(write, discussion, user, comment, page_url):
    before = anonymous().get(page_url)
    assert served_from_cache(anonymous().get(page_url))
    discussion.refresh_from_db()
    expected = write(discussion, user, comment)
    after = anonymous().get(page_url)
    assert not served_from_cache(after)
    assert expected in after.content.decode() and expected not in before.content.decode()
    assert after["ETag"] != before["ETag"]


@pytest.mark.parametrize("write", [_posted, _locked, _pinned], ids=lambda write: write.__name__.strip("_"))
def test_a_write_shows_on_the_next_anonymous_list(write, discussion, user, comment):
    DiscussionFactory(name="Another topic")
    url = reverse("discussion-list")
    before = anonymous().get(url)
    assert served_from_cache(anonymous().get(url))
    discussion.refresh_from_db()
    write(discussion, user, comment)
    after = anonymous().get(url)
    assert not served_from_cache(after) and after.content != before.content


def reader() -> Client:
    """A logged-in visitor who is not the author: served from no page copy, but from the kept
    comments, discussion rows and counts (forum/pagination.py, page_cache.render_*)."""
    client = Client()
    client.force_login(UserFactory(login="reader"))
    return client


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__.strip("_"))
def test_a_write_shows_on_the_next_logged_in_request(write, discussion, user, comment, page_url):
    visitor = reader()
    before = visitor.get(page_url).content.decode()
    assert visitor.get(page_url).status_code == 200  # and now the comments are kept
    discussion.refresh_from_db()
    expected = write(discussion, user, comment)
    after = visitor.get(page_url).content.decode()
    assert expected in after and expected not in before


@pytest.mark.parametrize("write", [_posted, _locked, _pinned], ids=lambda write: write.__name__.strip("_"))
def test_a_write_shows_on_the_next_logged_in_list(write, discussion, user, comment):
    DiscussionFactory(name="Another topic")
    url, visitor = reverse("discussion-list"), reader()
    before = visitor.get(url).content.decode()
    discussion.refresh_from_db()
    write(discussion, user, comment)
    after = visitor.get(url).content.decode()
    assert after != before


@pytest.mark.parametrize("visibility", ["public", "private"])
def test_the_logged_in_list_gets_a_second_page_as_soon_as_it_needs_one(user, visibility):
    """The public discussions are counted once per list version: a new one (or an invitation
    into a private one) counts at once."""
    DiscussionFactory.create_batch(DISCUSSIONS_PER_PAGE, creator=user)
    url, visitor = reverse("discussion-list"), reader()
    assert visitor.get(url, {"page": 2}).status_code == 404
    newest = start_discussion(creator=user, name="One too many", visibility=visibility)
    if visibility == "private":
        assert visitor.get(url, {"page": 2}).status_code == 404  # not theirs: not counted
        invite_participant(inviter=user, discussion=newest, login="reader")
    assert visitor.get(url, {"page": 2}).status_code == 200


def test_a_new_discussion_shows_on_the_next_anonymous_list(user, discussion):
    url = reverse("discussion-list")
    anonymous().get(url)
    start_discussion(creator=user, name="Freshly started")
    assert "Freshly started" in anonymous().get(url).content.decode()


def test_a_name_changed_in_the_admin_moves_the_version(admin_user, discussion, page_url):
    before = anonymous().get(page_url)
    admin = Client()
    admin.force_login(admin_user)
    change_url = reverse("admin:forum_discussion_change", args=[discussion.id])
    assert admin.post(change_url, {"name": "Renamed by the admin", "visibility": "public"}).status_code == 302
    after = anonymous().get(page_url)
    assert after["ETag"] != before["ETag"] and "Renamed by the admin" in after.content.decode()


def test_the_version_moves_on_even_when_the_clock_does_not(discussion):
    future = Discussion.objects.get(pk=discussion.pk).changed_at.replace(year=2999)
    Discussion.objects.filter(pk=discussion.pk).update(changed_at=future)
    Discussion.objects.filter(pk=discussion.pk).update(changed_at=changed_now())
    assert Discussion.objects.get(pk=discussion.pk).changed_at > future


def quoted_time(moment) -> str:
    return moment.isoformat().replace("+", "%2B").replace(":", "%3A")


def test_the_anonymous_list_polls_for_activity_since_the_latest_public_change(discussion, comment):
    discussion.refresh_from_db()
    html = anonymous().get(reverse("discussion-list")).content.decode()
    assert quoted_time(discussion.changed_at) in html


def test_private_activity_leaves_the_anonymous_list_byte_for_byte_the_same(discussion, comment, private_discussion):
    before = anonymous().get(reverse("discussion-list"))
    post_comment(author=private_discussion.creator, discussion=private_discussion, text="Between us.")
    private_discussion.refresh_from_db()
    after = anonymous().get(reverse("discussion-list"), headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 304
    fresh = anonymous().get(reverse("discussion-list"))
    assert fresh.content == before.content
    assert quoted_time(private_discussion.changed_at) not in fresh.content.decode()


def test_a_public_discussion_made_private_in_the_admin_leaves_the_anonymous_list(admin_user, discussion, comment):
    assert discussion.name in anonymous().get(reverse("discussion-list")).content.decode()
    admin = Client()
    admin.force_login(admin_user)
    change_url = reverse("admin:forum_discussion_change", args=[discussion.id])
    assert admin.post(change_url, {"name": discussion.name, "visibility": "private"}).status_code == 302
    assert discussion.name not in anonymous().get(reverse("discussion-list")).content.decode()


@pytest.mark.parametrize("who", ["member", "anonymous with a session"])
def test_private_activity_leaves_the_etag_of_those_who_cannot_see_it(who, discussion, comment, private_discussion):
    client = reader() if who == "member" else anonymous()
    if who != "member":
        client.session.save()  # a session: pages of its own, not the shared copy
        assert settings.SESSION_COOKIE_NAME in client.cookies
    etag = client.get(reverse("discussion-list"))["ETag"]
    post_comment(author=private_discussion.creator, discussion=private_discussion, text="Between us.")
    assert client.get(reverse("discussion-list"), headers={"If-None-Match": etag}).status_code == 304


def test_private_activity_moves_the_etag_of_its_participants(logged_in_client, discussion, comment, private_discussion):
    etag = logged_in_client.get(reverse("discussion-list"))["ETag"]
    post_comment(author=private_discussion.creator, discussion=private_discussion, text="Between us.")
    response = logged_in_client.get(reverse("discussion-list"), headers={"If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag


def test_the_logged_in_list_polls_for_activity_since_it_was_read(logged_in_client, discussion, comment):
    first_moment = timezone.now()
    html = logged_in_client.get(reverse("discussion-list")).content.decode()
    since = parse_datetime(unquote(html.split("since=", 1)[1].split("&", 1)[0]))
    assert first_moment <= since <= timezone.now()


# --- Conditional GET -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_if_none_match_is_answered_with_304(page, page_url, comment, django_assert_max_num_queries):
    url = reverse("discussion-list") if page == "list" else page_url
    etag = anonymous().get(url)["ETag"]
    with django_assert_max_num_queries(1):
        response = anonymous().get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response["ETag"] == etag and not response.content


def test_anonymous_pages_answer_if_none_match_only_not_if_modified_since(discussion, comment, page_url):
    """Last-Modified has whole seconds: two writes in one second would leave it unchanged, so a
    browser asking If-Modified-Since alone always gets the page."""
    first = anonymous().get(page_url)
    assert "Last-Modified" not in first
    assert anonymous().get(page_url, headers={"If-Modified-Since": http_date(time.time() + 3600)}).status_code == 200


def test_a_write_within_the_same_second_changes_the_etag(discussion, user, comment, page_url):
    etag = anonymous().get(page_url)["ETag"]
    post_comment(author=user, discussion=discussion, text="A second word in the same second.")
    response = anonymous().get(page_url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "A second word in the same second." in response.content.decode()


@pytest.mark.parametrize("page", ["list", "detail"])
def test_logged_in_if_none_match_is_answered_with_304_without_rendering(
    page, logged_in_client, page_url, comment, django_assert_max_num_queries
):
    url = reverse("discussion-list") if page == "list" else page_url
    first = logged_in_client.get(url)
    etag = first["ETag"]
    assert "private" in first["Cache-Control"]
    with django_assert_max_num_queries(3):  # session, user, the version
        response = logged_in_client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response["ETag"] == etag


def test_the_logged_in_etag_changes_after_a_write_and_for_another_viewer(
    logged_in_client, discussion, user, other_user, comment, page_url
):
    etag = logged_in_client.get(page_url)["ETag"]
    other = Client()
    other.force_login(other_user)
    other.get(page_url)  # sets its CSRF cookie
    assert other.get(page_url)["ETag"] != etag
    assert other.get(page_url, headers={"If-None-Match": etag}).status_code == 200

    discussion.refresh_from_db()
    post_comment(author=other_user, discussion=discussion, text="Something new.")
    response = logged_in_client.get(page_url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Something new." in response.content.decode()
    assert response["ETag"] != etag


def test_the_logged_in_etag_changes_with_the_csrf_cookie(logged_in_client, page_url, comment):
    etag = logged_in_client.get(page_url)["ETag"]
    logged_in_client.cookies["csrftoken"] = "a" * 32
    assert logged_in_client.get(page_url, headers={"If-None-Match": etag}).status_code == 200


def test_the_logged_in_etag_changes_when_the_viewer_is_banned(logged_in_client, user, page_url, comment):
    etag = logged_in_client.get(page_url)["ETag"]
    user.is_banned = True
    user.save(update_fields=["is_banned"])
    response = logged_in_client.get(page_url, headers={"If-None-Match": etag})
    assert response.status_code != 304


def test_no_304_while_a_message_waits(logged_in_client, page_url, comment):
    etag = logged_in_client.get(page_url)["ETag"]
    storage = CookieStorage(None)
    logged_in_client.cookies["messages"] = storage._encode(_message("Saved."))
    response = logged_in_client.get(page_url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Saved." in response.content.decode()


def test_reads_write_nothing(page_url, comment, logged_in_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for client in (anonymous(), logged_in_client):
        for url in (reverse("discussion-list"), page_url):
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
                client.get(url)
            writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))]
            assert writes == []


# --- Comment fragments (logged-in pages) ---------------------------------------------------------


def test_comment_fragments_are_shared_between_viewers_only_with_the_same_controls(
    logged_in_client, user, other_user, moderator, discussion, comment, page_url
):
    CommentFactory(discussion=discussion, author=other_user, text="Bob speaks.")
    edit_url = reverse("comment-edit", args=[comment.id])
    assert edit_url in logged_in_client.get(page_url).content.decode()  # alice wrote it: Edit

    bob = Client()
    bob.force_login(other_user)
    html = bob.get(page_url).content.decode()
    assert edit_url not in html and "The first word." in html
    assert html.count(">Report<") == 1  # alice's comment, not his own

    staff = Client()
    staff.force_login(moderator)
    staff_html = staff.get(page_url).content.decode()
    assert edit_url not in staff_html and "Ban author" in staff_html


def test_a_deleted_comment_fragment_differs_for_staff(user, moderator, discussion, comment, page_url):
    delete_comment(actor=user, comment=comment)
    staff = Client()
    staff.force_login(moderator)
    bob = Client()
    bob.force_login(UserFactory())
    for _ in range(2):
        assert "The first word." in staff.get(page_url).content.decode()
        assert "The first word." not in bob.get(page_url).content.decode()
        assert "The first word." not in anonymous().get(page_url).content.decode()
