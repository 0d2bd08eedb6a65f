"""Inviting someone into a discussion by login: participants only; on the page (htmx and a
plain POST) and over JSON (POST /{discussion_id}/participant).

Where the inviter stands decides the answer: a private discussion they cannot see is a 404 (it
does not exist for them); one they can see but are not part of (a public one, or a private one
read as a moderator) is a 403.
"""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forum.models import Discussion, Participant, Visibility
from forum.permissions import can_invite_participant
from forum.services import invite_participant, post_comment
from tests.factories import DiscussionFactory, UserFactory
from tests.forum.helpers import USER_KEYS, api_client_for, assert_json_error

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def carol(db):
    return UserFactory(login="carol", email="carol@example.com", firstname="Carol", lastname="Shaw")


def html_url(discussion) -> str:
    return reverse("participant-create", args=[discussion.id])


def api_url(discussion) -> str:
    return f"/{discussion.id}/participant"


def participant_logins(discussion) -> list[str]:
    return sorted(Participant.objects.filter(discussion=discussion).values_list("user__login", flat=True))


# --- the service ----------------------------------------------------------------------------------


def test_invite_participant_adds_the_user_and_records_who_invited(private_discussion, user, carol):
    participant = invite_participant(inviter=user, discussion=private_discussion, login="carol")

    assert (participant.user, participant.invited_by) == (carol, user)
    assert participant_logins(private_discussion) == ["alice", "carol"]
    assert private_discussion in Discussion.objects.visible_to(carol)
    assert private_discussion in Discussion.objects.of_participant(carol)


def test_invited_user_may_post_in_the_private_discussion(private_discussion, user, carol):
    invite_participant(inviter=user, discussion=private_discussion, login="carol")
    assert post_comment(author=carol, discussion=Discussion.objects.get(pk=private_discussion.pk), text="Hi!").pk


def test_invite_participant_finds_the_login_in_any_case(private_discussion, user, carol):
    assert invite_participant(inviter=user, discussion=private_discussion, login="CaRoL").user == carol


def test_invited_participant_may_invite_in_turn(private_discussion, user, carol, other_user):
    invite_participant(inviter=user, discussion=private_discussion, login="carol")

    invite_participant(inviter=carol, discussion=Discussion.objects.get(pk=private_discussion.pk), login="bob")

    assert participant_logins(private_discussion) == ["alice", "bob", "carol"]


@pytest.mark.parametrize("login", ["nobody", "", "car"])
def test_invite_participant_refuses_an_unknown_login(private_discussion, user, carol, login):
    with pytest.raises(ValidationError) as error:
        invite_participant(inviter=user, discussion=private_discussion, login=login)
    assert error.value.error_dict["login"][0].code == "unknown_login"
    assert participant_logins(private_discussion) == ["alice"]


def test_invite_participant_refuses_an_inactive_account(private_discussion, user):
    UserFactory(login="gone", is_active=False)

    with pytest.raises(ValidationError):
        invite_participant(inviter=user, discussion=private_discussion, login="gone")


def test_invite_participant_refuses_a_participant_twice(private_discussion, user, carol):
    invite_participant(inviter=user, discussion=private_discussion, login="carol")

    for login in ("carol", "alice"):
        with pytest.raises(ValidationError) as error:
            invite_participant(inviter=user, discussion=private_discussion, login=login)
        assert error.value.error_dict["login"][0].code == "already_participant"
    assert participant_logins(private_discussion) == ["alice", "carol"]


@pytest.mark.parametrize("who", ["outsider", "moderator", "anonymous", "banned participant"])
def test_invite_participant_refuses_who_is_not_a_participant_in_good_standing(
    discussion, other_user, moderator, user, carol, who
):
    inviter = {"outsider": other_user, "moderator": moderator, "anonymous": AnonymousUser(), "banned participant": user}[who]
    if who == "banned participant":
        user.is_banned = True

    with pytest.raises(PermissionDenied):
        invite_participant(inviter=inviter, discussion=discussion, login="carol")
    assert participant_logins(discussion) == ["alice"]


def test_invite_participant_refuses_in_a_locked_discussion(private_discussion, user, carol):
    Discussion.objects.filter(pk=private_discussion.pk).update(is_locked=True)  # the service re-reads it

    with pytest.raises(PermissionDenied, match="locked"):
        invite_participant(inviter=user, discussion=private_discussion, login="carol")


def test_can_invite_participant_answers_as_the_service_rules(discussion, user, other_user, moderator):
    assert can_invite_participant(user, discussion)
    assert not can_invite_participant(other_user, discussion)
    assert not can_invite_participant(moderator, discussion)
    assert not can_invite_participant(AnonymousUser(), discussion)


# --- HTML ----------------------------------------------------------------------------------------------


def test_discussion_page_lists_participants_with_avatars_and_offers_the_invite_form(
    logged_in_client, private_discussion, carol
):
    invite_participant(inviter=Participant.objects.get().user, discussion=private_discussion, login="carol")

    content = logged_in_client.get(private_discussion.get_absolute_url()).content.decode()

    assert 'id="participant-list"' in content
    assert "Carol Shaw" in content and 'title="@carol, invited by Ada Lovelace"' in content
    assert content.count('class="avatar-placeholder"') >= 2
    assert f'hx-post="{html_url(private_discussion)}"' in content and 'name="login"' in content


def test_discussion_page_offers_no_invite_form_to_non_participants(client, discussion, other_user):
    client.force_login(other_user)
    assert 'name="login"' not in client.get(discussion.get_absolute_url()).content.decode()


def test_discussion_page_says_how_many_more_participants_there_are(client, discussion):
    Participant.objects.bulk_create([Participant(discussion=discussion, user=UserFactory()) for _ in range(24)])

    content = client.get(discussion.get_absolute_url()).content.decode()

    assert content.count('class="participant-chip"') == 20
    assert "and 5 more" in content


def test_invite_over_htmx_answers_the_participant_list_with_the_newcomer(logged_in_client, private_discussion, carol):
    response = logged_in_client.post(html_url(private_discussion), {"login": "carol"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith('<section id="participant-list"')
    assert "Carol Shaw (@carol) is now a participant." in content
    assert participant_logins(private_discussion) == ["alice", "carol"]


def test_invite_over_htmx_counts_the_newcomer(logged_in_client, private_discussion, carol):
    logged_in_client.get(reverse("discussion-detail", args=[private_discussion.id]))  # the count, kept
    response = logged_in_client.post(html_url(private_discussion), {"login": "carol"}, headers=HTMX)

    assert 'id="participants-count" class="badge rounded-pill text-bg-secondary">2</span>' in response.content.decode()


@pytest.mark.parametrize(("login", "message"), [("nobody", "Nobody has that login."), ("alice", "alice is a participant already.")])
def test_invite_over_htmx_shows_the_error_in_the_form(logged_in_client, private_discussion, login, message):
    response = logged_in_client.post(html_url(private_discussion), {"login": login}, headers=HTMX)

    content = response.content.decode()
    assert message in content
    assert f'value="{login}"' in content  # kept for correcting
    assert participant_logins(private_discussion) == ["alice"]


def test_invite_without_javascript_redirects_back_with_a_message(logged_in_client, private_discussion, carol):
    response = logged_in_client.post(html_url(private_discussion), {"login": "carol"}, follow=True)

    assert response.redirect_chain[-1] == (f"{private_discussion.get_absolute_url()}#participant-list", 302)
    assert "Carol Shaw (@carol) is now a participant." in response.content.decode()


@pytest.mark.parametrize("login", ["nobody", "alice", ""])
def test_invite_without_javascript_answers_400_for_a_bad_login(logged_in_client, private_discussion, login):
    response = logged_in_client.post(html_url(private_discussion), {"login": login})

    assert response.status_code == 400
    assert "<html" in response.content.decode()
    assert participant_logins(private_discussion) == ["alice"]


def test_invite_into_a_hidden_private_discussion_is_404(client, private_discussion, other_user, carol):
    client.force_login(other_user)

    assert client.post(html_url(private_discussion), {"login": "carol"}).status_code == 404
    assert participant_logins(private_discussion) == ["alice"]


def test_invite_into_a_public_discussion_by_a_non_participant_is_403(client, discussion, other_user, carol):
    client.force_login(other_user)

    response = client.post(html_url(discussion), {"login": "carol"})

    assert response.status_code == 403
    assert "Only participants can invite" in response.content.decode()
    assert participant_logins(discussion) == ["alice"]


def test_invite_sends_anonymous_visitors_to_log_in(client, discussion, carol):
    response = client.post(html_url(discussion), {"login": "carol"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_private_discussion_can_be_started_from_the_page(logged_in_client):
    content = logged_in_client.get(reverse("discussion-create")).content.decode()
    assert 'name="visibility" value="private"' in content

    logged_in_client.post(reverse("discussion-create"), {"name": "Just us", "visibility": "private"})

    assert Discussion.objects.get().visibility == Visibility.PRIVATE


# --- JSON: POST /{discussion_id}/participant --------------------------------------------------------


def test_invite_json_answers_201_with_participant_and_inviter(logged_in_api_client, private_discussion, carol, user):
    response = logged_in_api_client.post_json(api_url(private_discussion), {"login": "carol"})

    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"participant", "inviter"}
    assert set(data["participant"]) == USER_KEYS == set(data["inviter"])
    assert (data["participant"]["login"], data["inviter"]["login"]) == ("carol", "alice")
    assert data["participant"]["email"] is None  # not shown to other users
    assert Participant.objects.get(user=carol).invited_by == user


@pytest.mark.parametrize(
    "body",
    [{"login": "nobody"}, {"login": "alice"}, {"login": ""}, {}, {"login": 7}, {"login": ["carol"]}],
    ids=["unknown", "already in", "empty", "missing", "number", "list"],
)
def test_invite_json_answers_400_with_a_login_error(logged_in_api_client, private_discussion, carol, body):
    assert_json_error(logged_in_api_client.post_json(api_url(private_discussion), body), 400, "login")
    assert participant_logins(private_discussion) == ["alice"]


def test_invite_json_answers_400_to_a_second_invitation(logged_in_api_client, private_discussion, carol):
    assert logged_in_api_client.post_json(api_url(private_discussion), {"login": "carol"}).status_code == 201

    body = assert_json_error(logged_in_api_client.post_json(api_url(private_discussion), {"login": "carol"}), 400, "login")
    assert body["errors"]["login"] == ["carol is a participant already."]


def test_invite_json_answers_404_for_a_private_discussion_the_inviter_cannot_see(private_discussion, other_user, carol):
    assert_json_error(api_client_for(other_user).post_json(api_url(private_discussion), {"login": "carol"}), 404)
    assert_json_error(api_client_for(other_user).post_json(f"/{uuid.uuid4()}/participant", {"login": "carol"}), 404)
    assert participant_logins(private_discussion) == ["alice"]


def test_invite_json_answers_403_where_the_inviter_sees_but_takes_no_part(discussion, private_discussion, other_user, moderator, carol):
    assert_json_error(api_client_for(other_user).post_json(api_url(discussion), {"login": "carol"}), 403)
    assert_json_error(api_client_for(moderator).post_json(api_url(private_discussion), {"login": "carol"}), 403)
    assert participant_logins(discussion) == ["alice"] == participant_logins(private_discussion)


def test_invite_json_answers_403_to_a_banned_participant(private_discussion, user, carol):
    user.is_banned = True
    user.save()
    assert_json_error(api_client_for(user).post_json(api_url(private_discussion), {"login": "carol"}), 403)


def test_invite_json_answers_401_405_and_415(api_client, logged_in_api_client, logged_in_client, private_discussion):
    assert_json_error(api_client.post_json(api_url(private_discussion), {"login": "carol"}), 401)
    assert_json_error(logged_in_api_client.get(api_url(private_discussion)), 405)
    assert_json_error(logged_in_client.post(api_url(private_discussion), {"login": "carol"}), 415)


def test_invite_json_runs_a_constant_number_of_queries(private_discussion, user, carol, django_assert_max_num_queries):
    Participant.objects.bulk_create([Participant(discussion=private_discussion, user=UserFactory()) for _ in range(20)])
    client = api_client_for(user)

    # session, user, discussion, savepoint, lock, invitee, already in?, savepoint, insert,
    # release, the discussion's version, release
    with django_assert_max_num_queries(12):
        response = client.post_json(api_url(private_discussion), {"login": "carol"})
    assert response.status_code == 201


def test_invite_json_to_a_discussion_started_over_json(logged_in_api_client, carol):
    discussion_id = logged_in_api_client.post_json("/discussion", {"name": "Plans", "visibility": "private"}).json()["id"]

    assert logged_in_api_client.post_json(f"/{discussion_id}/participant", {"login": "carol"}).status_code == 201
    assert api_client_for(carol).get(f"/discussions/{discussion_id}").status_code == 200


def test_private_discussion_with_invitees_lists_them_in_json(logged_in_api_client, private_discussion, carol):
    logged_in_api_client.post_json(api_url(private_discussion), {"login": "carol"})

    data = logged_in_api_client.get(f"/discussions/{private_discussion.id}").json()
    assert [p["login"] for p in data["participants"]] == ["alice", "carol"]


def test_invite_into_another_private_discussion_by_id_is_404(logged_in_api_client, carol):
    theirs = DiscussionFactory(visibility=Visibility.PRIVATE)
    assert_json_error(logged_in_api_client.post_json(api_url(theirs), {"login": "carol"}), 404)
