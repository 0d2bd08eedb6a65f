"""Roles: only admins set them (site page, Django admin, JSON), and set_role keeps is_staff and
is_superuser in step and logs the change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forum.models import ModerationAction
from tests.factories import UserFactory
from tests.moderation.helpers import HTMX, USER_KEYS, api_client_for, assert_json_error, assert_login_redirect, hx_location
from users.services import set_role

pytestmark = pytest.mark.django_db


# --- The service ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, is_staff, is_superuser",
    [("moderator", True, False), ("admin", True, True), ("user", False, False)],
)
def test_set_role_keeps_staff_and_superuser_in_step_and_logs(admin_user, user, role, is_staff, is_superuser):
    if role == "user":
        set_role(actor=admin_user, user=user, role_type="admin")

    set_role(actor=admin_user, user=user, role_type=role)

    user.refresh_from_db()
    assert (user.role_type, user.is_staff, user.is_superuser) == (role, is_staff, is_superuser)
    entry = ModerationAction.objects.filter(kind="set_role").latest("created_at")
    assert entry.actor == admin_user and entry.target_user == user
    assert entry.details["to"] == role


def test_set_role_to_the_same_role_changes_and_logs_nothing(admin_user, user):
    set_role(actor=admin_user, user=user, role_type="user")

    assert not ModerationAction.objects.exists()


def test_set_role_demotes_an_admin_out_of_superuser(admin_user, db):
    other_admin = UserFactory(login="boss", role_type="admin", is_staff=True, is_superuser=True)

    set_role(actor=admin_user, user=other_admin, role_type="moderator")

    other_admin.refresh_from_db()
    assert (other_admin.is_staff, other_admin.is_superuser, other_admin.is_admin) == (True, False, False)


def test_set_role_keeps_the_last_admin(db):
    last_admin = UserFactory(login="boss", role_type="admin", is_staff=True)
    UserFactory(login="banned-admin", role_type="admin", is_staff=True, is_banned=True)
    actor = UserFactory.build(login="ghost", role_type="admin")  # an admin account about to go

    with pytest.raises(PermissionDenied, match="last admin"):
        set_role(actor=actor, user=last_admin, role_type="moderator")

    last_admin.refresh_from_db()
    assert last_admin.role_type == "admin"


@pytest.mark.parametrize("actor_name", ["moderator", "user", "other_user"])
def test_only_admins_set_roles(request, actor_name, other_user):
    actor = request.getfixturevalue(actor_name)
    target = other_user if actor_name != "other_user" else request.getfixturevalue("user")

    with pytest.raises(PermissionDenied):
        set_role(actor=actor, user=target, role_type="moderator")
    target.refresh_from_db()
    assert target.role_type == "user"
    assert not ModerationAction.objects.exists()


def test_an_admin_cannot_change_their_own_role(admin_user):
    with pytest.raises(PermissionDenied, match="own role"):
        set_role(actor=admin_user, user=admin_user, role_type="user")


def test_set_role_refuses_an_unknown_role(admin_user, user):
    with pytest.raises(ValidationError) as error:
        set_role(actor=admin_user, user=user, role_type="king")
    assert "role_type" in error.value.error_dict


# --- JSON -------------------------------------------------------------------------------------------


def test_role_json_makes_a_moderator(admin_user, user):
    response = api_client_for(admin_user).post_json(f"/users/{user.id}/role", {"role_type": "moderator"})

    assert response.status_code == 200
    data = response.json()
    assert set(data) == USER_KEYS
    assert data["role_type"] == "moderator" and data["id"] == str(user.id)
    user.refresh_from_db()
    assert user.is_moderator and user.is_staff


def test_role_json_answers_403_to_a_moderator(moderator, user):
    response = api_client_for(moderator).post_json(f"/users/{user.id}/role", {"role_type": "moderator"})

    assert_json_error(response, 403)
    user.refresh_from_db()
    assert user.role_type == "user"


def test_role_json_answers_403_to_a_plain_user_whatever_the_body(user, other_user):
    assert_json_error(api_client_for(user).post_json(f"/users/{other_user.id}/role", {}), 403)


def test_role_json_answers_401_to_anonymous(api_client, user):
    assert_json_error(api_client.post_json(f"/users/{user.id}/role", {"role_type": "admin"}), 401)


@pytest.mark.parametrize("body", [{"role_type": "king"}, {"role_type": 3}, {}, {"role_type": ""}])
def test_role_json_answers_400_to_an_invalid_role(admin_user, user, body):
    response = api_client_for(admin_user).post_json(f"/users/{user.id}/role", body)

    assert_json_error(response, 400, "role_type")


def test_role_json_answers_404_for_an_unknown_user(admin_user):
    response = api_client_for(admin_user).post_json("/users/00000000-0000-0000-0000-000000000000/role", {"role_type": "user"})

    assert_json_error(response, 404)


def test_role_json_answers_415_to_a_form_post(admin_user, user, client):
    client.force_login(admin_user)

    assert client.post(f"/users/{user.id}/role", {"role_type": "admin"}).status_code == 415


def test_role_json_answers_403_to_an_admin_changing_their_own_role(admin_user):
    assert_json_error(api_client_for(admin_user).post_json(f"/users/{admin_user.id}/role", {"role_type": "user"}), 403)


# --- HTML -------------------------------------------------------------------------------------------


def test_role_form_on_the_profile_makes_a_moderator(client, admin_user, user):
    client.force_login(admin_user)

    response = client.post("/u/alice/role/", {"role_type": "moderator"})

    assert response.status_code == 302 and response.url == "/u/alice/"
    user.refresh_from_db()
    assert user.role_type == "moderator"
    assert "alice is now moderator" in client.get(response.url).content.decode()


def test_role_form_with_htmx_goes_back_to_the_page_it_came_from(client, admin_user, user):
    client.force_login(admin_user)

    response = client.post("/u/alice/role/", {"role_type": "admin"}, HTTP_HX_CURRENT_URL="http://testserver/u/alice/", **HTMX)

    assert hx_location(response) == {"path": "/u/alice/", "target": "#main", "select": "#main", "swap": "outerHTML"}
    user.refresh_from_db()
    assert user.is_admin and user.is_superuser


def test_role_form_answers_403_to_a_moderator(client, moderator, user):
    client.force_login(moderator)

    assert client.post("/u/alice/role/", {"role_type": "moderator"}).status_code == 403
    user.refresh_from_db()
    assert user.role_type == "user"


def test_role_form_sends_anonymous_visitors_to_log_in(client, user):
    assert_login_redirect(client.post("/u/alice/role/", {"role_type": "moderator"}))


def test_role_form_answers_400_to_an_invalid_role(client, admin_user, user):
    client.force_login(admin_user)

    assert client.post("/u/alice/role/", {"role_type": "king"}).status_code == 400


def test_role_form_answers_404_for_an_unknown_login(client, admin_user):
    client.force_login(admin_user)

    assert client.post("/u/nobody/role/", {"role_type": "user"}).status_code == 404


def test_role_form_refuses_get(client, admin_user, user):
    client.force_login(admin_user)

    assert client.get("/u/alice/role/").status_code == 405


def test_profile_shows_the_role_control_to_admins_only(client, admin_user, moderator, user):
    client.force_login(admin_user)
    assert 'action="/u/alice/role/"' in client.get("/u/alice/").content.decode()
    assert 'action="/u/root/role/"' not in client.get("/u/root/").content.decode()  # not their own

    client.force_login(moderator)
    assert 'action="/u/alice/role/"' not in client.get("/u/alice/").content.decode()

    client.force_login(user)
    assert 'id="user-moderation"' not in client.get("/u/mod/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_set_role_locks_the_admin_rows_in_its_transaction(monkeypatch):
    """Two admins demoting each other at once: the second waits for the first's row locks, then
    sees that only it is left (PostgreSQL locks with SELECT ... FOR UPDATE; SQLite ignores it)."""
    from django.db import connection
    from django.db.models import QuerySet

    actor = UserFactory(login="root", role_type="admin", is_staff=True, is_superuser=True)
    other_admin = UserFactory(login="boss", role_type="admin", is_staff=True, is_superuser=True)
    locks = []
    select_for_update = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        locks.append((queryset.model, connection.in_atomic_block))
        return select_for_update(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)

    set_role(actor=actor, user=other_admin, role_type="moderator")

    assert locks and all(in_transaction for _, in_transaction in locks)
    assert {model.__name__ for model, _ in locks} == {"User"}
