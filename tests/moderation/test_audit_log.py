"""The audit log: every moderation action stored with who, what, to whom or what, why and when;
shown to staff as a filterable, paginated page and as GET /moderation/log; never edited."""

import pytest

from forum.models import ModerationAction
from forum.moderation import lock_discussion, record_action
from forum.services import delete_comment
from tests.factories import DiscussionFactory
from tests.moderation.helpers import LOG_ENTRY_KEYS, USER_KEYS, api_client_for, assert_json_error, assert_login_redirect
from users.services import ban_user, set_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(moderator, admin_user, user, other_user, discussion, rude_comment):
    """One of each kind of entry the site writes, oldest first."""
    lock_discussion(actor=moderator, discussion=discussion, reason="Flame war")
    delete_comment(actor=moderator, comment=rude_comment, reason="Insults")
    ban_user(actor=moderator, user=other_user, reason="Repeated insults")
    set_role(actor=admin_user, user=user, role_type="moderator")
    return ModerationAction.objects.order_by("created_at", "id")


def make_entries(count: int, actor, target) -> None:
    for n in range(count):
        record_action(actor=actor, kind="pin", discussion=DiscussionFactory(), target_user=target, reason=f"Entry {n}")


# --- What is stored -------------------------------------------------------------------------------


def test_every_action_stores_who_what_to_whom_why_and_when(history, moderator, admin_user, user, other_user, discussion, rude_comment):
    lock, delete, ban, role = history

    assert (lock.actor, lock.kind, lock.discussion, lock.reason) == (moderator, "lock", discussion, "Flame war")
    assert (delete.kind, delete.comment, delete.target_user, delete.reason) == ("delete_comment", rude_comment, other_user, "Insults")
    assert (ban.kind, ban.target_user, ban.reason) == ("ban", other_user, "Repeated insults")
    assert (role.actor, role.kind, role.target_user, role.details) == (admin_user, "set_role", user, {"from": "user", "to": "moderator"})
    assert all(entry.created_at for entry in history)


# --- HTML -------------------------------------------------------------------------------------------


def test_log_page_shows_the_entries_latest_first(client, moderator, history):
    client.force_login(moderator)

    response = client.get("/moderation/log/")

    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Locked discussion", "Deleted comment", "Banned user", "Changed role", "Flame war", "Repeated insults", "user → moderator"):
        assert text in content
    assert content.index('data-kind="set_role"') < content.index('data-kind="lock"')
    assert "You are all idiots" in content  # the deleted comment, kept for staff


@pytest.mark.parametrize(
    "query, kinds",
    [
        ("kind=ban", ["ban"]),
        ("actor=root", ["set_role"]),
        ("actor=MOD", ["ban", "delete_comment", "lock"]),
        ("target_user=bob", ["ban", "delete_comment"]),
        ("kind=ban&target_user=alice", []),
        ("actor=nobody", []),
    ],
)
def test_log_page_filters(client, moderator, history, query, kinds):
    client.force_login(moderator)

    content = client.get(f"/moderation/log/?{query}").content.decode()

    shown = [kind for kind in ("set_role", "ban", "delete_comment", "lock") if f'data-kind="{kind}"' in content]
    assert shown == kinds


def test_log_page_filters_by_user_id_too(client, moderator, history, other_user):
    client.force_login(moderator)

    content = client.get(f"/moderation/log/?target_user={other_user.id}").content.decode()

    assert content.count("<tr id=\"log-") == 2


def test_log_page_answers_400_to_an_unknown_kind(client, moderator):
    client.force_login(moderator)

    response = client.get("/moderation/log/?kind=explode")

    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_log_page_is_paginated_and_keeps_the_filters(client, moderator, user):
    make_entries(55, moderator, user)
    client.force_login(moderator)

    first = client.get("/moderation/log/?kind=pin").content.decode()
    second = client.get("/moderation/log/?kind=pin&page=2").content.decode()

    assert first.count('<tr id="log-') == 50 and second.count('<tr id="log-') == 5
    assert "?kind=pin&amp;page=2" in first
    assert client.get("/moderation/log/?page=9").status_code == 404
    assert client.get("/moderation/log/?page=x").status_code == 400


def test_log_page_runs_a_constant_number_of_queries(client, moderator, user, django_assert_max_num_queries):
    make_entries(3, moderator, user)
    client.force_login(moderator)
    with django_assert_max_num_queries(4) as few:
        client.get("/moderation/log/")

    make_entries(60, moderator, user)
    with django_assert_max_num_queries(4) as many:
        client.get("/moderation/log/")
    assert len(few) == len(many)  # session, user, count, page


def test_log_page_is_for_staff_only(client, user):
    assert_login_redirect(client.get("/moderation/log/"))
    client.force_login(user)
    assert client.get("/moderation/log/").status_code == 403


def test_staff_see_the_moderation_link_and_users_do_not(client, moderator, user):
    client.force_login(moderator)
    assert 'href="/moderation/reports/"' in client.get("/").content.decode()
    client.force_login(user)
    assert 'href="/moderation/reports/"' not in client.get("/").content.decode()


def test_moderation_home_goes_to_the_queue(client, moderator):
    client.force_login(moderator)

    assert client.get("/moderation/").url == "/moderation/reports/"


# --- JSON -------------------------------------------------------------------------------------------


def test_log_json_lists_entries_latest_first(moderator, history, other_user):
    response = api_client_for(moderator).get("/moderation/log")

    assert response.status_code == 200 and response["X-Total-Count"] == "4"
    data = response.json()
    assert [e["kind"] for e in data] == ["set_role", "ban", "delete_comment", "lock"]
    for entry in data:
        assert set(entry) == LOG_ENTRY_KEYS and set(entry["actor"]) == USER_KEYS
    ban = data[1]
    assert ban["target_user"]["id"] == str(other_user.id) and ban["reason"] == "Repeated insults"
    assert ban["details"] == {"until": None, "hide_content": False, "hidden_comments": 0}
    delete = data[2]
    assert delete["comment"]["comment_text"] == "You are all idiots" and delete["comment"]["is_deleted"] is True
    assert data[3]["discussion"]["name"] == "Public talk"


@pytest.mark.parametrize(
    "query, count",
    [("kind=lock", 1), ("actor=root", 1), ("target_user=bob", 2), ("kind=ban&actor=mod", 1), ("actor=ghost", 0)],
)
def test_log_json_filters(moderator, history, query, count):
    assert len(api_client_for(moderator).get(f"/moderation/log?{query}").json()) == count


def test_log_json_filters_by_user_id(moderator, history, admin_user):
    [entry] = api_client_for(moderator).get(f"/moderation/log?actor={admin_user.id}").json()

    assert entry["kind"] == "set_role"


def test_log_json_is_paginated(moderator, user):
    make_entries(25, moderator, user)

    response = api_client_for(moderator).get("/moderation/log?per_page=10&page=3")

    assert len(response.json()) == 5 and response["X-Total-Count"] == "25"
    assert 'rel="prev"' in response["Link"] and 'rel="next"' not in response["Link"]


def test_log_json_runs_a_constant_number_of_queries(moderator, user, django_assert_max_num_queries):
    make_entries(40, moderator, user)
    client = api_client_for(moderator)

    with django_assert_max_num_queries(4):
        assert len(client.get("/moderation/log?per_page=40").json()) == 40


def test_log_json_bad_input(moderator, user, api_client):
    assert_json_error(api_client_for(moderator).get("/moderation/log?kind=explode"), 400, "kind")
    assert_json_error(api_client_for(moderator).get("/moderation/log?page=0"), 400)
    assert_json_error(api_client_for(user).get("/moderation/log"), 403)
    assert_json_error(api_client.get("/moderation/log"), 401)


@pytest.mark.parametrize("method", ["post_json", "patch_json", "delete_json"])
def test_the_log_cannot_be_edited_over_json(moderator, history, method):
    response = getattr(api_client_for(moderator), method)("/moderation/log", {"kind": "ban"})

    assert_json_error(response, 405)
    assert ModerationAction.objects.count() == 4


def test_the_log_cannot_be_edited_in_the_admin_even_by_an_admin(client, admin_user, history):
    entry = history.first()
    client.force_login(admin_user)

    assert client.get("/admin/forum/moderationaction/").status_code == 200
    assert client.get("/admin/forum/moderationaction/add/").status_code == 403
    assert client.post(f"/admin/forum/moderationaction/{entry.pk}/delete/").status_code == 403
    change = client.post(f"/admin/forum/moderationaction/{entry.pk}/change/", {"reason": "Nothing happened"})
    assert change.status_code == 403
    entry.refresh_from_db()
    assert entry.reason == "Flame war"
    page = client.get(f"/admin/forum/moderationaction/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_moderators_read_the_log_in_the_admin(client, moderator, history):
    client.force_login(moderator)

    response = client.get("/admin/forum/moderationaction/")

    assert response.status_code == 200 and "Flame war" in response.content.decode()
