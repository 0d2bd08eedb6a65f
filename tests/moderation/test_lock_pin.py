"""Locking and pinning discussions: moderators only, over the services, JSON and the htmx
controls on the discussion page; every change logged once."""

import pytest
from django.core.exceptions import PermissionDenied

from forum.models import Comment, Discussion, ModerationAction
from forum.moderation import lock_discussion, pin_discussion, unlock_discussion, unpin_discussion
from tests.factories import DiscussionFactory
from tests.moderation.helpers import (
    DISCUSSION_KEYS,
    HTMX,
    api_client_for,
    assert_json_error,
    assert_login_redirect,
    hx_location,
    log_kinds,
)

pytestmark = pytest.mark.django_db

NO_ID = "00000000-0000-0000-0000-000000000000"
SERVICES = {"lock": lock_discussion, "unlock": unlock_discussion, "pin": pin_discussion, "unpin": unpin_discussion}


# --- The services ---------------------------------------------------------------------------------


def test_lock_and_unlock_are_stored_and_logged(moderator, discussion):
    lock_discussion(actor=moderator, discussion=discussion, reason="Flame war")
    assert Discussion.objects.get(pk=discussion.pk).is_locked

    unlock_discussion(actor=moderator, discussion=discussion)
    assert not Discussion.objects.get(pk=discussion.pk).is_locked

    lock_entry = ModerationAction.objects.get(kind="lock")
    assert (lock_entry.actor, lock_entry.discussion, lock_entry.reason) == (moderator, discussion, "Flame war")
    assert log_kinds() == ["lock", "unlock"]


def test_pin_and_unpin_are_stored_and_logged(admin_user, discussion):
    pin_discussion(actor=admin_user, discussion=discussion)
    assert Discussion.objects.get(pk=discussion.pk).is_pinned

    unpin_discussion(actor=admin_user, discussion=discussion)
    assert not Discussion.objects.get(pk=discussion.pk).is_pinned
    assert log_kinds() == ["pin", "unpin"]


def test_doing_it_twice_changes_and_logs_nothing_more(moderator, discussion):
    lock_discussion(actor=moderator, discussion=discussion)
    lock_discussion(actor=moderator, discussion=discussion)
    unpin_discussion(actor=moderator, discussion=discussion)

    assert log_kinds() == ["lock"]


@pytest.mark.parametrize("operation", SERVICES)
def test_plain_users_neither_lock_nor_pin(user, discussion, operation):
    with pytest.raises(PermissionDenied):
        SERVICES[operation](actor=user, discussion=discussion)
    assert not ModerationAction.objects.exists()


def test_a_locked_discussion_takes_no_comments(moderator, user, discussion):
    lock_discussion(actor=moderator, discussion=discussion)

    response = api_client_for(user).post_json(f"/{discussion.id}/comments", {"comment_text": "Hello?"})

    body = assert_json_error(response, 403)
    assert "locked" in body["message"]
    assert not Comment.objects.exists()


def test_pinned_discussions_come_first_in_lists(moderator, user):
    older = DiscussionFactory(name="Older")
    DiscussionFactory(name="Newer")

    pin_discussion(actor=moderator, discussion=older)

    names = [d["name"] for d in api_client_for(user).get("/discussions/list").json()]
    assert names == ["Older", "Newer"]


# --- JSON -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation, field, value", [("lock", "is_locked", True), ("pin", "is_pinned", True)])
def test_json_lock_and_pin_answer_the_discussion(moderator, discussion, operation, field, value):
    response = api_client_for(moderator).post_json(f"/discussions/{discussion.id}/{operation}", {"reason": "Tidy"})

    assert response.status_code == 200
    data = response.json()
    assert set(data) == DISCUSSION_KEYS and data[field] is value and data["id"] == str(discussion.id)
    assert ModerationAction.objects.get().reason == "Tidy"


@pytest.mark.parametrize("operation, field", [("unlock", "is_locked"), ("unpin", "is_pinned")])
def test_json_unlock_and_unpin_answer_the_discussion(moderator, discussion, operation, field):
    Discussion.objects.filter(pk=discussion.pk).update(**{field: True})

    response = api_client_for(moderator).post_json(f"/discussions/{discussion.id}/{operation}", {})

    assert response.status_code == 200 and response.json()[field] is False


@pytest.mark.parametrize("operation", SERVICES)
def test_json_answers_403_to_a_plain_user(user, discussion, operation):
    assert_json_error(api_client_for(user).post_json(f"/discussions/{discussion.id}/{operation}", {}), 403)
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("operation", SERVICES)
def test_json_answers_401_to_anonymous(api_client, discussion, operation):
    assert_json_error(api_client.post_json(f"/discussions/{discussion.id}/{operation}", {}), 401)


@pytest.mark.parametrize("operation", SERVICES)
def test_json_answers_404_for_an_unknown_discussion(moderator, operation):
    assert_json_error(api_client_for(moderator).post_json(f"/discussions/{NO_ID}/{operation}", {}), 404)


def test_json_answers_400_to_a_reason_that_is_not_text(moderator, discussion):
    assert_json_error(api_client_for(moderator).post_json(f"/discussions/{discussion.id}/lock", {"reason": 1}), 400, "reason")


def test_json_answers_405_to_get(moderator, discussion):
    assert_json_error(api_client_for(moderator).get(f"/discussions/{discussion.id}/lock"), 405)


# --- HTML -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation, field, value", [("lock", "is_locked", True), ("pin", "is_pinned", True)])
def test_html_controls_change_the_discussion_and_go_back_to_it(client, moderator, discussion, operation, field, value):
    client.force_login(moderator)

    response = client.post(f"/t/{discussion.id}/{operation}/")

    assert response.status_code == 302 and response.url == discussion.get_absolute_url()
    assert getattr(Discussion.objects.get(pk=discussion.pk), field) is value
    assert ModerationAction.objects.get().kind == operation


def test_html_lock_with_htmx_reloads_the_main_of_the_page(client, moderator, discussion):
    client.force_login(moderator)
    page = f"http://testserver/t/{discussion.id}/?page=2"

    response = client.post(f"/t/{discussion.id}/lock/", HTTP_HX_CURRENT_URL=page, **HTMX)

    location = hx_location(response)
    assert location == {"path": f"/t/{discussion.id}/?page=2", "target": "#main", "select": "#main", "swap": "outerHTML"}
    assert Discussion.objects.get(pk=discussion.pk).is_locked


@pytest.mark.parametrize("operation", SERVICES)
def test_html_controls_answer_403_to_a_plain_user(client, user, discussion, operation):
    client.force_login(user)

    assert client.post(f"/t/{discussion.id}/{operation}/").status_code == 403
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("operation", SERVICES)
def test_html_controls_send_anonymous_visitors_to_log_in(client, discussion, operation):
    assert_login_redirect(client.post(f"/t/{discussion.id}/{operation}/", {"next": discussion.get_absolute_url()}))


def test_html_controls_with_htmx_send_anonymous_visitors_to_log_in(client, discussion):
    response = client.post(f"/t/{discussion.id}/lock/", **HTMX)

    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_html_controls_answer_404_for_an_unknown_discussion(client, moderator):
    client.force_login(moderator)

    assert client.post(f"/t/{NO_ID}/lock/").status_code == 404


def test_html_controls_refuse_get(client, moderator, discussion):
    client.force_login(moderator)

    assert client.get(f"/t/{discussion.id}/lock/").status_code == 405


def test_discussion_page_shows_the_controls_to_moderators_only(client, moderator, user, discussion):
    client.force_login(moderator)
    content = client.get(discussion.get_absolute_url()).content.decode()
    assert f'action="/t/{discussion.id}/lock/"' in content and f'action="/t/{discussion.id}/pin/"' in content

    client.force_login(user)
    content = client.get(discussion.get_absolute_url()).content.decode()
    assert "discussion-moderation" not in content and "/lock/" not in content


def test_discussion_page_of_a_locked_pinned_discussion_says_so_and_offers_the_reverse(client, moderator, discussion):
    lock_discussion(actor=moderator, discussion=discussion)
    pin_discussion(actor=moderator, discussion=discussion)
    client.force_login(moderator)

    content = client.get(discussion.get_absolute_url()).content.decode()

    assert f'action="/t/{discussion.id}/unlock/"' in content and f'action="/t/{discussion.id}/unpin/"' in content
    assert "Locked" in content and "Pinned" in content
    assert "This discussion is locked" in content
    assert 'name="comment_text"' not in content


def test_discussion_list_shows_the_badges(client, moderator, discussion):
    lock_discussion(actor=moderator, discussion=discussion)
    pin_discussion(actor=moderator, discussion=discussion)

    content = client.get("/").content.decode()

    assert "Pinned" in content and "Locked" in content
