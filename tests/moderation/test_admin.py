"""The Django admin: useful lists for admins; moderators see the moderation models read-only and
use the bulk actions; every change goes through the services (so it is checked and logged)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from forum.models import Comment, Discussion, ModerationAction, Report
from forum.moderation import report_comment
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.moderation.helpers import log_kinds
from users.models import User
from users.permissions import is_banned_now
from users.services import ban_user

pytestmark = pytest.mark.django_db

USERS = "/admin/users/user/"


def run_action(client, changelist: str, action: str, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects], "index": 0, **extra}
    return client.post(changelist, data)


@pytest.fixture
def admin_client_logged_in(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


# --- Who gets in ------------------------------------------------------------------------------------


def test_plain_users_do_not_get_into_the_admin(client, user):
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 302 and "/admin/login/" in response.url


def test_moderators_see_the_moderation_models_only(moderator_client):
    content = moderator_client.get("/admin/").content.decode()

    for path in ("/admin/users/user/", "/admin/forum/discussion/", "/admin/forum/comment/", "/admin/forum/report/", "/admin/forum/moderationaction/"):
        assert path in content
    assert "/admin/users/upload/" not in content
    assert "/admin/auth/group/" not in content
    assert moderator_client.get("/admin/users/upload/").status_code == 403


def test_admins_see_everything_including_uploads(admin_client_logged_in):
    content = admin_client_logged_in.get("/admin/").content.decode()

    assert "/admin/users/upload/" in content and "/admin/forum/report/" in content
    assert admin_client_logged_in.get("/admin/users/upload/").status_code == 200


@pytest.mark.parametrize("who", ["admin_user", "moderator"])
def test_every_moderation_page_of_the_admin_opens(request, client, who, moderator, user, rude_comment):
    client.force_login(request.getfixturevalue(who))
    report = report_comment(reporter=user, comment=rude_comment, reason="Rude")
    ban_user(actor=moderator, user=rude_comment.author, reason="Rude")
    objects = {
        "users/user": user, "forum/discussion": rude_comment.discussion, "forum/comment": rude_comment,
        "forum/report": report, "forum/moderationaction": ModerationAction.objects.first(),
    }
    for path, obj in objects.items():
        assert client.get(f"/admin/{path}/").status_code == 200, path
        assert client.get(f"/admin/{path}/{obj.pk}/change/").status_code == 200, path


# --- Users --------------------------------------------------------------------------------------------


def test_user_list_shows_login_email_role_banned_and_date_joined(admin_client_logged_in, user, moderator):
    ban_user(actor=moderator, user=user, reason="Spam")

    content = admin_client_logged_in.get(USERS).content.decode()

    for column in ("column-login", "column-email", "column-role_type", "column-banned", "column-date_joined"):
        assert column in content
    assert "alice@example.com" in content


def test_user_list_searches_and_filters(admin_client_logged_in, user, other_user, moderator):
    ban_user(actor=moderator, user=user, reason="Spam")
    UserFactory(login="timed", is_banned=True, banned_until="2000-01-01T00:00:00Z")  # ended: not banned

    found = admin_client_logged_in.get(f"{USERS}?q=bob").content.decode()
    banned = admin_client_logged_in.get(f"{USERS}?banned=yes").content.decode()
    moderators = admin_client_logged_in.get(f"{USERS}?role_type__exact=moderator").content.decode()

    assert ">bob<" in found and ">alice<" not in found
    assert ">alice<" in banned and ">bob<" not in banned and ">timed<" not in banned
    assert ">mod<" in moderators and ">alice<" not in moderators


def test_make_moderators_action_goes_through_set_role(admin_client_logged_in, user, other_user):
    response = run_action(admin_client_logged_in, USERS, "make_moderators", [user, other_user])

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role_type == "moderator" and user.is_staff
    assert log_kinds() == ["set_role", "set_role"]


def test_role_actions_name_who_was_refused(admin_client_logged_in, admin_user, user):
    response = run_action(admin_client_logged_in, USERS, "make_users", [admin_user, user])

    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("root: You cannot change your own role" in m for m in messages)
    admin_user.refresh_from_db()
    assert admin_user.is_admin


def test_moderators_have_no_role_actions(moderator_client, user):
    content = moderator_client.get(USERS).content.decode()
    assert 'value="make_moderators"' not in content and 'value="ban_users"' in content

    run_action(moderator_client, USERS, "make_admins", [user])

    user.refresh_from_db()
    assert user.role_type == "user"
    assert not ModerationAction.objects.exists()


def test_ban_action_asks_for_the_terms_then_bans_through_the_service(moderator_client, user, other_user, admin_user):
    ask = run_action(moderator_client, USERS, "ban_users", [user, other_user, admin_user])
    assert ask.status_code == 200 and 'name="reason"' in ask.content.decode()

    done = run_action(
        moderator_client, USERS, "ban_users", [user, other_user, admin_user],
        apply="yes", reason="Spam wave", until="2999-01-01T00:00", hide_content="on",
    )

    assert done.status_code == 302
    for person in (user, other_user):
        person.refresh_from_db()
        assert is_banned_now(person) and person.ban_reason == "Spam wave"
    admin_user.refresh_from_db()
    assert not admin_user.is_banned
    messages = [str(m) for m in done.wsgi_request._messages]
    assert any(m.startswith("root: ") for m in messages) and "2 user(s) banned." in messages
    assert log_kinds() == ["ban", "ban"]


@pytest.mark.parametrize("terms, error", [({"reason": ""}, "required"), ({"reason": "x", "until": "2000-01-01T00:00"}, "future")])
def test_ban_action_asks_again_for_bad_terms(moderator_client, user, terms, error):
    response = run_action(moderator_client, USERS, "ban_users", [user], apply="yes", **terms)

    assert response.status_code == 200 and error in response.content.decode()
    user.refresh_from_db()
    assert not user.is_banned


def test_unban_action(moderator_client, moderator, user):
    ban_user(actor=moderator, user=user, reason="Spam")

    run_action(moderator_client, USERS, "unban_users", [user])

    user.refresh_from_db()
    assert not user.is_banned
    assert log_kinds() == ["ban", "unban"]


def test_user_form_does_not_change_roles_or_bans(admin_client_logged_in, user):
    page = admin_client_logged_in.get(f"{USERS}{user.pk}/change/").content.decode()
    assert 'name="role_type"' not in page and 'name="is_banned"' not in page and 'name="is_superuser"' not in page
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page

    data = {
        "login": "alice", "email": "alice@example.com", "firstname": "Alice", "middlename": "", "lastname": "L",
        "phone_number": "", "is_active": "on",
        "role_type": "admin", "is_superuser": "on", "is_staff": "on", "is_banned": "on",
    }
    response = admin_client_logged_in.post(f"{USERS}{user.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.firstname == "Alice"  # the profile fields save
    assert (user.role_type, user.is_superuser, user.is_staff, user.is_banned) == ("user", False, False, False)


def test_moderators_view_users_read_only(moderator_client, user):
    page = moderator_client.get(f"{USERS}{user.pk}/change/")

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert moderator_client.post(f"{USERS}{user.pk}/change/", {"login": "x"}).status_code == 403
    assert moderator_client.get(f"{USERS}add/").status_code == 403


def test_admins_add_users_but_nobody_deletes_them(admin_client_logged_in, user):
    response = admin_client_logged_in.post(
        f"{USERS}add/",
        {"login": "newbie", "email": "newbie@example.com", "usable_password": "true",
         "password1": "a long passphrase 42", "password2": "a long passphrase 42"},
    )

    assert response.status_code == 302
    newbie = User.objects.get(login="newbie")
    assert newbie.role_type == "user" and newbie.check_password("a long passphrase 42")
    assert admin_client_logged_in.get(f"{USERS}{user.pk}/delete/").status_code == 403


# --- Discussions, comments, reports ------------------------------------------------------------------


def test_discussion_actions_lock_and_pin_through_the_services(moderator_client, discussion):
    run_action(moderator_client, "/admin/forum/discussion/", "lock", [discussion])
    run_action(moderator_client, "/admin/forum/discussion/", "pin", [discussion])

    discussion.refresh_from_db()
    assert discussion.is_locked and discussion.is_pinned
    assert log_kinds() == ["lock", "pin"]
    assert ModerationAction.objects.first().reason == "From the admin."


def test_discussion_list_columns_filters_and_search(admin_client_logged_in, discussion):
    DiscussionFactory(name="Cooking", is_locked=True)

    content = admin_client_logged_in.get("/admin/forum/discussion/?is_locked__exact=1").content.decode()
    searched = admin_client_logged_in.get("/admin/forum/discussion/?q=public").content.decode()

    assert "Cooking" in content and "Public talk" not in content
    assert "Public talk" in searched and "column-is_pinned" in searched


def test_admins_edit_a_discussions_name_but_not_its_lock(admin_client_logged_in, discussion):
    response = admin_client_logged_in.post(
        f"/admin/forum/discussion/{discussion.pk}/change/", {"name": "Renamed", "visibility": "public", "is_locked": "on"}
    )

    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.name == "Renamed" and not discussion.is_locked
    assert admin_client_logged_in.get(f"/admin/forum/discussion/{discussion.pk}/delete/").status_code == 403


def test_admins_cannot_rename_a_discussion_to_a_name_with_a_line_break(admin_client_logged_in, discussion):
    response = admin_client_logged_in.post(
        f"/admin/forum/discussion/{discussion.pk}/change/", {"name": "Renamed\nagain", "visibility": "public"}
    )

    assert response.status_code == 200
    assert "Discussion names cannot contain line breaks" in response.content.decode()
    discussion.refresh_from_db()
    assert discussion.name == "Public talk"


def test_comment_action_soft_deletes_through_delete_comment(moderator_client, moderator, rude_comment):
    content = moderator_client.get("/admin/forum/comment/").content.decode()
    assert "You are all idiots" in content and 'value="delete_selected"' not in content

    run_action(moderator_client, "/admin/forum/comment/", "soft_delete", [rude_comment])

    rude_comment.refresh_from_db()
    assert rude_comment.is_deleted and rude_comment.deleted_by == moderator
    assert Comment.objects.filter(pk=rude_comment.pk).exists()
    assert log_kinds() == ["delete_comment"]


def test_report_actions_go_through_the_services(moderator_client, user, rude_comment, discussion):
    first = report_comment(reporter=user, comment=rude_comment, reason="Rude")
    second = report_comment(reporter=user, comment=CommentFactory(discussion=discussion), reason="Boring")

    content = moderator_client.get("/admin/forum/report/?status__exact=open").content.decode()
    assert "Rude" in content and "Boring" in content
    run_action(moderator_client, "/admin/forum/report/", "resolve_deleting_comment", [first])
    run_action(moderator_client, "/admin/forum/report/", "dismiss", [second])

    assert dict(Report.objects.values_list("reason", "status")) == {"Rude": "resolved", "Boring": "dismissed"}
    rude_comment.refresh_from_db()
    assert rude_comment.is_deleted
    assert log_kinds() == ["delete_comment", "resolve_report", "dismiss_report"]


def test_uploads_admin_is_for_admins_and_read_only(admin_client_logged_in):
    assert admin_client_logged_in.get("/admin/users/upload/add/").status_code == 403


def test_discussions_are_not_added_in_the_admin(admin_client_logged_in):
    assert admin_client_logged_in.get("/admin/forum/discussion/add/").status_code == 403
    assert Discussion.objects.count() == 0


# --- Deactivating accounts in the user form ---------------------------------------------------------


def user_form_data(user, **changes):
    """What the admin's user form posts for ``user``, "Active" ticked unless changed."""
    data = {
        "login": user.login, "email": user.email, "firstname": user.firstname, "middlename": user.middlename,
        "lastname": user.lastname, "phone_number": user.phone_number or "", "is_active": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_user_form_refuses_deactivating_ones_own_account(admin_client_logged_in, admin_user):
    UserFactory(login="boss", role_type="admin", is_staff=True, is_superuser=True)  # not the last admin

    response = admin_client_logged_in.post(f"{USERS}{admin_user.pk}/change/", user_form_data(admin_user, is_active=None))

    assert response.status_code == 200
    assert "You cannot deactivate your own account" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_user_form_refuses_deactivating_the_last_active_admin(rf, db):
    from django.contrib.admin import site

    last_admin = UserFactory(login="boss", role_type="admin", is_staff=True, is_superuser=True)
    UserFactory(login="gone-admin", role_type="admin", is_staff=True, is_superuser=True, is_active=False)
    request = rf.post("/")
    request.user = UserFactory.build(login="ghost", role_type="admin", is_superuser=True)  # an admin about to go
    form_class = site._registry[User].get_form(request, last_admin)

    form = form_class(user_form_data(last_admin, is_active=None), instance=last_admin)

    assert not form.is_valid()
    assert "last admin" in form.errors["is_active"][0]


def test_user_form_deactivates_another_admin_when_an_active_admin_stays(admin_client_logged_in, admin_user):
    boss = UserFactory(login="boss", role_type="admin", is_staff=True, is_superuser=True)

    response = admin_client_logged_in.post(f"{USERS}{boss.pk}/change/", user_form_data(boss, is_active=None))

    assert response.status_code == 302, response.content.decode()[:3000]
    boss.refresh_from_db()
    assert not boss.is_active


def test_user_form_deactivates_a_plain_user(admin_client_logged_in, user):
    response = admin_client_logged_in.post(f"{USERS}{user.pk}/change/", user_form_data(user, is_active=None))

    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert not user.is_active
