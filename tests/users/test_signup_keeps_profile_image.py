"""The HTML signup page keeps a chosen profile image when the form comes back with errors
(users.views.SignupView): no browser fills a file input again, so the image is stored as an
anonymous upload of the session and the form holds its id until the account claims it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import JsonClient, make_image_bytes
from tests.users.conftest import is_logged_in
from tests.users.test_register import signup_form
from users.models import Upload, User

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
NOTICE = "Choose the image again: browsers forget a chosen file when a page reloads."


def avatar(name="avatar.png"):
    return SimpleUploadedFile(name, make_image_bytes("PNG"), content_type="image/png")


def held_id(response) -> str:
    match = re.search(r'name="profile_image_id" value="([0-9a-f-]{36})"', response.content.decode())
    return match[1] if match else ""


def fail_with_avatar(client, **changes) -> str:
    """A signup with a mistyped "Password (again)" and an avatar; returns the id the form holds."""
    response = client.post(SIGNUP, signup_form(password2="mistyped", profile_image=avatar(), **changes))
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    return held_id(response)


def test_signup_with_an_error_keeps_the_chosen_image_and_names_it(client):
    response = client.post(SIGNUP, signup_form(password2="mistyped", profile_image=avatar()))

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()
    upload = Upload.objects.get()
    assert (upload.owner, upload.name, upload.content_type) == (None, "avatar.png", "image/png")
    html = response.content.decode()
    assert held_id(response) == str(upload.id)
    assert re.search(r"Profile image: <span[^>]*>avatar\.png</span> \(<button[^>]*name=\"remove_profile_image\"", html)
    assert NOTICE not in html
    assert client.get(upload.get_absolute_url()).status_code == 200  # its session may look at it


def test_signup_corrected_after_an_error_gets_the_kept_image(client):
    upload_id = fail_with_avatar(client)

    response = client.post(SIGNUP, signup_form(profile_image_id=upload_id))

    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(login="gina")
    assert str(user.profile_image_id) == upload_id
    assert user.profile_image.owner == user
    assert Upload.objects.count() == 1
    assert is_logged_in(client)


def test_signup_failing_again_keeps_holding_the_same_image(client):
    upload_id = fail_with_avatar(client)

    response = client.post(SIGNUP, signup_form(password2="mistyped again", profile_image_id=upload_id))

    assert response.status_code == 200
    assert held_id(response) == upload_id
    assert "Profile image: " in response.content.decode()
    assert Upload.objects.count() == 1


def test_signup_ignores_an_image_kept_for_another_visitor(client):
    upload_id = fail_with_avatar(client)
    stranger = Client()

    response = stranger.post(SIGNUP, signup_form(profile_image_id=upload_id))

    assert response.status_code == 302, response.content.decode()
    assert User.objects.get(login="gina").profile_image is None
    assert Upload.objects.get(pk=upload_id).owner is None


def test_signup_kept_image_cannot_be_claimed_by_another_client_with_register(client):
    upload_id = fail_with_avatar(client)  # the id is in the page: anyone who sees it knows it
    thief = JsonClient()  # a fresh client, without the visitor's session cookie

    stolen = thief.post_json(
        "/register",
        {
            "login": "thief1",
            "email": "thief1@example.com",
            "password": "correct horse battery 9",
            "profile_image_id": upload_id,
        },
    )

    assert stolen.status_code == 400
    assert "profile_image_id" in stolen.json()["errors"]
    assert not User.objects.filter(login="thief1").exists()
    assert Upload.objects.get(pk=upload_id).owner is None
    response = client.post(SIGNUP, signup_form(profile_image_id=upload_id))
    assert response.status_code == 302, response.content.decode()
    assert str(User.objects.get(login="gina").profile_image_id) == upload_id


def test_signup_remove_drops_the_kept_image_without_signing_up(client):
    upload_id = fail_with_avatar(client)

    response = client.post(SIGNUP, signup_form(profile_image_id=upload_id, remove_profile_image="1"))

    assert response.status_code == 200
    assert not User.objects.exists()
    assert held_id(response) == ""
    assert "Profile image: " not in response.content.decode()
    after = client.post(SIGNUP, signup_form())
    assert after.status_code == 302
    assert User.objects.get(login="gina").profile_image is None


def test_signup_with_a_new_file_replaces_the_kept_image(client):
    upload_id = fail_with_avatar(client)

    response = client.post(SIGNUP, signup_form(profile_image_id=upload_id, profile_image=avatar("second.png")))

    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(login="gina")
    assert user.profile_image.name == "second.png"
    assert str(user.profile_image_id) != upload_id


def test_signup_asks_to_choose_again_when_the_image_cannot_be_kept(client, settings):
    settings.UPLOAD_ANONYMOUS_MAX_BYTES = 10  # the anonymous upload rules refuse the picture

    response = client.post(SIGNUP, signup_form(password2="mistyped", profile_image=avatar()))

    assert response.status_code == 200
    assert NOTICE in response.content.decode()
    assert held_id(response) == ""
    assert not Upload.objects.exists()


def test_signup_kept_images_count_against_the_anonymous_upload_rate(client, settings):
    settings.UPLOAD_RATE_LIMITS = {"upload_anonymous": "1/m/ip", "upload": "30/m/user"}
    assert fail_with_avatar(client)

    response = client.post(SIGNUP, signup_form(password2="mistyped", profile_image=avatar()))

    assert NOTICE in response.content.decode()
    assert Upload.objects.count() == 1


def test_signup_without_an_image_keeps_nothing(client):
    response = client.post(SIGNUP, signup_form(password2="mistyped"))

    assert response.status_code == 200
    assert not Upload.objects.exists()
    assert "Profile image: " not in response.content.decode() and NOTICE not in response.content.decode()



def test_signup_enter_in_a_field_still_signs_up_while_an_image_is_kept(client):
    html = client.post(SIGNUP, signup_form(password2="mistyped", profile_image=avatar())).content.decode()

    form = html[html.index('<form method="post" action="/accounts/signup/"'):]
    first_button = re.search(r"<button[^>]*>", form)[0]
    assert 'type="submit"' in first_button and "name=" not in first_button  # the default button signs up
