"""Bans: who may ban whom, the ban's terms, hiding a user's posts, logging in refused with the
reason and the end, open sessions ending at once, and timed bans lifting themselves."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forum.models import Comment, ModerationAction
from tests.factories import CommentFactory, UserFactory
from tests.moderation.helpers import (
    HTMX,
    USER_KEYS,
    api_client_for,
    assert_json_error,
    assert_login_redirect,
    hx_location,
    log_kinds,
)
from users.permissions import is_banned_now
from users.services import ban_user, unban_user

pytestmark = pytest.mark.django_db

NO_ID = "00000000-0000-0000-0000-000000000000"


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


# --- The rule: banned now -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "is_banned, until, expected",
    [(False, None, False), (True, None, True), (True, 1, True), (True, -1, False), (False, 1, False)],
)
def test_is_banned_now_ignores_a_ban_whose_end_has_passed(is_banned, until, expected):
    person = UserFactory.build(is_banned=is_banned, banned_until=in_days(until) if until else None)

    assert is_banned_now(person) is expected


def test_anonymous_users_are_never_banned():
    assert is_banned_now(AnonymousUser()) is False


# --- The service: who may ban whom ----------------------------------------------------------------


def test_a_moderator_bans_a_user_with_a_reason_and_an_end(moderator, user):
    until = in_days(7)

    ban_user(actor=moderator, user=user, reason="Insults", until=until)

    user.refresh_from_db()
    assert (user.is_banned, user.ban_reason, user.banned_until) == (True, "Insults", until)
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.actor, entry.target_user, entry.reason) == ("ban", moderator, user, "Insults")
    assert entry.details["until"] == until.isoformat()


@pytest.mark.parametrize(
    "actor_name, target_name, allowed",
    [
        ("moderator", "user", True),
        ("moderator", "other_moderator", False),  # only admins ban moderators
        ("moderator", "admin_user", False),  # nobody bans admins
        ("admin_user", "moderator", True),
        ("admin_user", "user", True),
        ("user", "other_user", False),  # plain users ban nobody
        ("moderator", "moderator", False),  # nobody bans themself
        ("admin_user", "admin_user", False),
    ],
)
def test_who_may_ban_whom(request, actor_name, target_name, allowed):
    actor, target = request.getfixturevalue(actor_name), request.getfixturevalue(target_name)

    if allowed:
        ban_user(actor=actor, user=target, reason="Because")
        assert is_banned_now(target)
    else:
        with pytest.raises(PermissionDenied):
            ban_user(actor=actor, user=target, reason="Because")
        target.refresh_from_db()
        assert not target.is_banned
        assert not ModerationAction.objects.exists()


def test_nobody_bans_an_admin_not_even_another_admin(admin_user):
    other_admin = UserFactory(login="boss", role_type="admin", is_staff=True, is_superuser=True)

    with pytest.raises(PermissionDenied, match="Admins cannot be banned"):
        ban_user(actor=admin_user, user=other_admin, reason="Coup")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_ban_needs_a_reason(moderator, user, reason):
    with pytest.raises(ValidationError) as error:
        ban_user(actor=moderator, user=user, reason=reason)
    assert "reason" in error.value.error_dict
    user.refresh_from_db()
    assert not user.is_banned


@pytest.mark.parametrize("days", [-1, 0])
def test_a_ban_must_end_in_the_future(moderator, user, days):
    with pytest.raises(ValidationError) as error:
        ban_user(actor=moderator, user=user, reason="Spam", until=in_days(days))
    assert "until" in error.value.error_dict


def test_banning_a_banned_user_replaces_the_terms(moderator, user):
    ban_user(actor=moderator, user=user, reason="Spam", until=in_days(1))

    ban_user(actor=moderator, user=user, reason="More spam")

    user.refresh_from_db()
    assert (user.ban_reason, user.banned_until) == ("More spam", None)
    assert log_kinds() == ["ban", "ban"]


def test_hide_content_soft_deletes_everything_they_posted_and_logs_it(moderator, user, discussion):
    CommentFactory.create_batch(3, discussion=discussion, author=user)
    CommentFactory(discussion=discussion, author=user, is_deleted=True)
    others = CommentFactory(discussion=discussion)

    ban_user(actor=moderator, user=user, reason="Spam", hide_content=True)

    theirs = Comment.objects.filter(author=user)
    assert all(c.is_deleted for c in theirs)
    assert theirs.filter(deleted_by=moderator).count() == 3
    assert all(c.deleted_at for c in theirs.filter(deleted_by=moderator))
    others.refresh_from_db()
    assert not others.is_deleted
    hidden = ModerationAction.objects.get(kind="delete_comment")
    assert hidden.target_user == user and hidden.details["count"] == 3
    assert ModerationAction.objects.get(kind="ban").details["hidden_comments"] == 3


def test_unban_lifts_the_ban_and_logs_it(moderator, user):
    ban_user(actor=moderator, user=user, reason="Spam")

    unban_user(actor=moderator, user=user)

    user.refresh_from_db()
    assert (user.is_banned, user.ban_reason, user.banned_until) == (False, "", None)
    assert log_kinds() == ["ban", "unban"]


def test_unbanning_a_user_who_is_not_banned_logs_nothing(moderator, user):
    unban_user(actor=moderator, user=user)

    assert not ModerationAction.objects.exists()


def test_a_moderator_cannot_unban_a_moderator(moderator, other_moderator, admin_user):
    ban_user(actor=admin_user, user=other_moderator, reason="Abuse of power")

    with pytest.raises(PermissionDenied):
        unban_user(actor=moderator, user=other_moderator)


# --- Logging in -----------------------------------------------------------------------------------


def test_json_login_of_a_banned_user_says_banned_until_when_and_why(api_client, moderator, user, password):
    ban_user(actor=moderator, user=user, reason="Insults", until=datetime(2999, 6, 5, 14, 0, tzinfo=UTC))

    response = api_client.post_json("/login", {"identity": "alice", "password": password})

    body = assert_json_error(response, 403)
    assert "banned until 2999-06-05 14:00 UTC" in body["message"]
    assert "Insults" in body["message"]
    assert SESSION_KEY not in api_client.session


def test_json_login_of_a_user_banned_without_end_says_so(api_client, moderator, user, password):
    ban_user(actor=moderator, user=user, reason="Spam")

    body = assert_json_error(api_client.post_json("/login", {"identity": "alice", "password": password}), 403)

    assert "banned without end date" in body["message"]


def test_html_login_of_a_banned_user_shows_the_refusal(client, moderator, user, password):
    ban_user(actor=moderator, user=user, reason="Insults", until=in_days(3))

    response = client.post("/accounts/login/", {"login": "alice", "password": password}, follow=True)

    content = response.content.decode()
    assert "This account is banned until" in content and "Insults" in content
    assert SESSION_KEY not in client.session


def test_a_timed_ban_in_the_past_no_longer_blocks(api_client, user, password, discussion):
    user.is_banned, user.banned_until, user.ban_reason = True, in_days(-1), "Spam"
    user.save()

    response = api_client.post_json("/login", {"identity": "alice", "password": password})

    assert response.status_code == 200
    assert response.json()["is_banned"] is False
    user.refresh_from_db()
    assert (user.is_banned, user.banned_until, user.ban_reason) == (False, None, "")  # tidied on login
    posted = api_client.post_json(f"/{discussion.id}/comments", {"comment_text": "I am back"})
    assert posted.status_code == 201


def test_the_user_shape_shows_an_ended_ban_as_not_banned(moderator, user):
    user.is_banned, user.banned_until = True, in_days(-1)
    user.save()

    response = api_client_for(moderator).post_json(f"/users/{user.id}/role", {"role_type": "user"})

    assert response.status_code == 403  # a moderator may not, but the user exists
    assert api_client_for(user).get("/me").json()["is_banned"] is False


# --- Open sessions end at once -------------------------------------------------------------------


def test_a_banned_users_open_session_can_no_longer_post_in_json(moderator, user, discussion):
    session = api_client_for(user)
    assert session.post_json(f"/{discussion.id}/comments", {"comment_text": "Before"}).status_code == 201

    ban_user(actor=moderator, user=user, reason="Spam")
    refused = session.post_json(f"/{discussion.id}/comments", {"comment_text": "After"})
    then = session.get("/me")

    body = assert_json_error(refused, 403)
    assert "banned" in body["message"]
    assert_json_error(then, 401)  # the session is gone
    assert list(Comment.objects.values_list("text", flat=True)) == ["Before"]


def test_a_banned_users_open_session_can_no_longer_post_in_html(client, moderator, user, discussion):
    client.force_login(user)
    url = f"/t/{discussion.id}/comments/"
    assert client.post(url, {"comment_text": "Before"}).status_code == 302

    ban_user(actor=moderator, user=user, reason="Spam", until=in_days(2))
    refused = client.post(url, {"comment_text": "After"})

    assert_login_redirect(refused)
    login_page = client.get(refused.url).content.decode()
    assert "You have been logged out: this account is banned until" in login_page
    assert list(Comment.objects.values_list("text", flat=True)) == ["Before"]
    assert SESSION_KEY not in client.session


def test_a_banned_users_open_session_with_htmx_is_sent_to_the_login_page(client, moderator, user, discussion):
    client.force_login(user)
    ban_user(actor=moderator, user=user, reason="Spam")

    response = client.post(f"/t/{discussion.id}/comments/", {"comment_text": "After"}, **HTMX)

    assert response.status_code == 200 and response["HX-Redirect"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


def test_a_page_load_of_a_banned_session_goes_to_log_in_and_comes_back_after(client, moderator, user, discussion):
    client.force_login(user)
    ban_user(actor=moderator, user=user, reason="Spam")

    response = client.get(discussion.get_absolute_url())

    assert_login_redirect(response)
    assert f"next=/t/{discussion.id}/" in response.url


def test_other_users_sessions_are_untouched_by_a_ban(moderator, user, other_user):
    bob = api_client_for(other_user)

    ban_user(actor=moderator, user=user, reason="Spam")

    assert bob.get("/me").status_code == 200


def test_an_unbanned_user_logs_in_again(api_client, moderator, user, password):
    ban_user(actor=moderator, user=user, reason="Spam")
    unban_user(actor=moderator, user=user)

    assert api_client.post_json("/login", {"identity": "alice", "password": password}).status_code == 200


# --- JSON endpoints --------------------------------------------------------------------------------


def test_ban_json_bans_and_answers_the_user(moderator, user):
    until = in_days(2).replace(microsecond=0)

    response = api_client_for(moderator).post_json(
        f"/users/{user.id}/ban", {"reason": "Insults", "until": until.isoformat(), "hide_content": True}
    )

    assert response.status_code == 200
    data = response.json()
    assert set(data) == USER_KEYS and data["is_banned"] is True
    user.refresh_from_db()
    assert user.banned_until == until and user.ban_reason == "Insults"


def test_ban_json_accepts_a_z_time_and_no_end(moderator, user, other_user):
    client = api_client_for(moderator)

    assert client.post_json(f"/users/{user.id}/ban", {"reason": "x", "until": "2999-01-01T00:00:00Z"}).status_code == 200
    assert client.post_json(f"/users/{other_user.id}/ban", {"reason": "x", "until": None}).status_code == 200
    other_user.refresh_from_db()
    assert other_user.banned_until is None


def test_unban_json_answers_the_user(moderator, user):
    ban_user(actor=moderator, user=user, reason="Spam")

    response = api_client_for(moderator).post_json(f"/users/{user.id}/unban", {})

    assert response.status_code == 200 and response.json()["is_banned"] is False


def test_unban_json_needs_a_json_content_type_even_without_a_body(moderator, user, client):
    """Like every JSON POST: a cross-site page cannot send it without a CORS preflight."""
    ban_user(actor=moderator, user=user, reason="Spam")
    client.force_login(moderator)

    assert client.post(f"/users/{user.id}/unban").status_code == 415
    user.refresh_from_db()
    assert user.is_banned


@pytest.mark.parametrize("path", ["ban", "unban"])
def test_ban_json_answers_403_to_a_plain_user(user, other_user, path):
    response = api_client_for(user).post_json(f"/users/{other_user.id}/{path}", {"reason": "Mine"})

    assert_json_error(response, 403)
    other_user.refresh_from_db()
    assert not other_user.is_banned


@pytest.mark.parametrize("path", ["ban", "unban"])
def test_ban_json_answers_401_to_anonymous(api_client, user, path):
    assert_json_error(api_client.post_json(f"/users/{user.id}/{path}", {"reason": "x"}), 401)


def test_ban_json_refuses_a_moderator_banning_an_admin(moderator, admin_user):
    body = assert_json_error(api_client_for(moderator).post_json(f"/users/{admin_user.id}/ban", {"reason": "x"}), 403)

    assert "admins" in body["message"].lower()


def test_ban_json_refuses_banning_yourself(moderator):
    body = assert_json_error(api_client_for(moderator).post_json(f"/users/{moderator.id}/ban", {"reason": "x"}), 403)

    assert "yourself" in body["message"]


@pytest.mark.parametrize("path", ["ban", "unban"])
def test_ban_json_answers_404_for_an_unknown_user(moderator, path):
    assert_json_error(api_client_for(moderator).post_json(f"/users/{NO_ID}/{path}", {"reason": "x"}), 404)


@pytest.mark.parametrize(
    "until", ["2000-01-01T00:00:00Z", "yesterday", "2030-13-45T99:00", 12345, ["2030-01-01"]]
)
def test_ban_json_answers_400_to_a_bad_or_past_end(moderator, user, until):
    response = api_client_for(moderator).post_json(f"/users/{user.id}/ban", {"reason": "x", "until": until})

    assert_json_error(response, 400, "until")
    user.refresh_from_db()
    assert not user.is_banned


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}])
def test_ban_json_answers_400_without_a_reason(moderator, user, body):
    assert_json_error(api_client_for(moderator).post_json(f"/users/{user.id}/ban", body), 400, "reason")


# --- HTML -------------------------------------------------------------------------------------------


def test_ban_page_shows_the_form_to_a_moderator(client, moderator, user):
    client.force_login(moderator)

    response = client.get("/u/alice/ban/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="reason"' in content and 'name="until"' in content and 'name="hide_content"' in content


def test_ban_form_partial_for_htmx(client, moderator, user):
    client.force_login(moderator)

    content = client.get("/u/alice/ban/", **HTMX).content.decode()

    assert "<html" not in content and 'class="ban-form' in content


def test_ban_form_bans_and_goes_back_to_next(client, moderator, user, rude_comment):
    client.force_login(moderator)
    back = rude_comment.get_absolute_url()

    response = client.post("/u/bob/ban/", {"reason": "Insults", "until": "2999-01-01T10:00", "hide_content": "on", "next": back})

    assert response.status_code == 302 and response.url == back
    bob = rude_comment.author
    bob.refresh_from_db()
    assert is_banned_now(bob) and bob.banned_until.year == 2999
    rude_comment.refresh_from_db()
    assert rude_comment.is_deleted and rude_comment.deleted_by == moderator


def test_ban_form_ignores_a_next_on_another_site(client, moderator, user):
    client.force_login(moderator)

    response = client.post("/u/alice/ban/", {"reason": "x", "next": "https://evil.example/"})

    assert response.url == "/u/alice/"


def test_ban_form_with_htmx_reloads_the_main_of_the_page_it_came_from(client, moderator, user, discussion):
    client.force_login(moderator)
    page = f"http://testserver/t/{discussion.id}/?page=1"

    response = client.post("/u/alice/ban/", {"reason": "Insults"}, HTTP_HX_CURRENT_URL=page, **HTMX)

    assert hx_location(response)["path"] == f"/t/{discussion.id}/?page=1"


@pytest.mark.parametrize("data, field_error", [({"reason": ""}, "reason"), ({"reason": "x", "until": "2000-01-01T10:00"}, "future")])
def test_ban_form_shows_errors_with_400(client, moderator, user, data, field_error):
    client.force_login(moderator)

    response = client.post("/u/alice/ban/", data)

    assert response.status_code == 400
    assert 'class="ban-form' in response.content.decode()
    assert field_error in response.content.decode()
    user.refresh_from_db()
    assert not user.is_banned


def test_ban_form_errors_with_htmx_come_back_as_the_form(client, moderator, user):
    client.force_login(moderator)

    response = client.post("/u/alice/ban/", {"reason": "x", "until": "2000-01-01T10:00"}, **HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content and "must be in the future" in content


@pytest.mark.parametrize("method", ["get", "post"])
def test_ban_page_answers_403_to_a_plain_user(client, user, other_user, method):
    client.force_login(user)

    assert getattr(client, method)("/u/bob/ban/", {"reason": "x"}).status_code == 403
    other_user.refresh_from_db()
    assert not other_user.is_banned


def test_ban_page_answers_403_to_a_moderator_banning_an_admin_or_themself(client, moderator, admin_user):
    client.force_login(moderator)

    assert client.post("/u/root/ban/", {"reason": "x"}).status_code == 403
    assert client.post("/u/mod/ban/", {"reason": "x"}).status_code == 403


def test_ban_page_sends_anonymous_visitors_to_log_in(client, user):
    assert_login_redirect(client.get("/u/alice/ban/"))
    assert_login_redirect(client.post("/u/alice/ban/", {"reason": "x"}))


def test_ban_page_answers_404_for_an_unknown_login(client, moderator):
    client.force_login(moderator)

    assert client.get("/u/nobody/ban/").status_code == 404
    assert client.post("/u/nobody/unban/").status_code == 404


def test_unban_form_unbans(client, moderator, user):
    ban_user(actor=moderator, user=user, reason="Spam")
    client.force_login(moderator)

    response = client.post("/u/alice/unban/")

    assert response.status_code == 302 and response.url == "/u/alice/"
    user.refresh_from_db()
    assert not user.is_banned
    assert client.post("/u/alice/unban/").status_code == 302  # again: nothing to do, still fine
    assert log_kinds() == ["ban", "unban"]


def test_unban_form_answers_403_to_a_plain_user(client, moderator, user, other_user):
    ban_user(actor=moderator, user=other_user, reason="Spam")
    client.force_login(user)

    assert client.post("/u/bob/unban/").status_code == 403


def test_profile_shows_ban_controls_to_moderators_only(client, moderator, user, other_user):
    client.force_login(moderator)
    content = client.get("/u/alice/").content.decode()
    assert 'href="/u/alice/ban/"' in content

    ban_user(actor=moderator, user=user, reason="Insults", until=in_days(1))
    content = client.get("/u/alice/").content.decode()
    assert 'action="/u/alice/unban/"' in content and "banned until" in content and "Insults" in content

    client.force_login(other_user)
    content = client.get("/u/alice/").content.decode()
    assert "/u/alice/ban/" not in content and "/u/alice/unban/" not in content
    assert "Banned" in content  # the badge
    assert "Insults" not in content  # the reason is for staff


def test_comments_show_ban_author_to_moderators_only(client, moderator, user, rude_comment, admin_user, discussion):
    CommentFactory(discussion=discussion, author=admin_user, text="Calm down")
    client.force_login(moderator)
    content = client.get(discussion.get_absolute_url()).content.decode()
    assert "/u/bob/ban/" in content
    assert "/u/root/ban/" not in content  # nobody bans admins

    client.force_login(user)
    assert "/ban/" not in client.get(discussion.get_absolute_url()).content.decode()


def test_a_banned_session_still_logs_out_with_200(moderator, user):
    session = api_client_for(user)
    ban_user(actor=moderator, user=user, reason="Spam")

    assert session.post("/logout").status_code == 200


def test_a_banned_session_logging_in_again_gets_the_login_refusal(moderator, user, password):
    session = api_client_for(user)
    ban_user(actor=moderator, user=user, reason="Spam")

    body = assert_json_error(session.post_json("/login", {"identity": "alice", "password": password}), 403)

    assert body["message"].startswith("This account is banned")


def test_without_a_ban_the_session_hash_is_djangos_so_no_session_ends_on_deploy(user, moderator):
    assert user.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(user)
    ban_user(actor=moderator, user=user, reason="Spam")
    assert user.get_session_auth_hash() != AbstractBaseUser._get_session_auth_hash(user)
