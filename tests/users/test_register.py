"""Signing up: POST /register (the seed's fields) and the HTML signup page (allauth's, restyled)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import JsonClient, make_image_bytes
from tests.users.conftest import is_logged_in
from users.models import Upload, User

pytestmark = pytest.mark.django_db

STRONG = "a-long-Unusual-passphrase-42"


def registration(**changes):
    body = {
        "login": "dora",
        "password": STRONG,
        "email": "dora@example.com",
        "phone_number": "+44 7911 777888",
        "firstname": "Dora",
        "lastname": "Explorer",
        "middlename": "M",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


# --- JSON: success --------------------------------------------------------------------------------


def test_register_creates_the_user_and_logs_them_in(api_client):
    response = api_client.post_json("/register", registration(email="Dora@Example.COM"))

    assert response.status_code == 201
    data = response.json()
    assert data["login"] == "dora"
    assert data["email"] == "dora@example.com"
    assert data["phone_number"] == "+447911777888"
    assert (data["firstname"], data["lastname"], data["middlename"]) == ("Dora", "Explorer", "M")
    assert data["profile_image"] is None
    assert data["role_type"] == "user" and data["is_banned"] is False
    user = User.objects.get(login="dora")
    assert str(user.id) == data["id"]
    assert user.check_password(STRONG)
    assert user.email == "dora@example.com"
    assert is_logged_in(api_client)


def test_register_with_only_the_required_fields(api_client):
    body = {"login": "eve", "password": STRONG, "email": "eve@example.com"}

    response = api_client.post_json("/register", body)

    assert response.status_code == 201
    user = User.objects.get(login="eve")
    assert user.phone_number is None and user.firstname == ""


def test_register_with_an_anonymous_upload_as_profile_image(api_client, png_bytes):
    uploaded = api_client.post(
        "/uploads", {"file": SimpleUploadedFile("me.png", png_bytes)}, headers={"X-Requested-With": "fetch"}
    )
    assert uploaded.status_code == 201, uploaded.content
    upload_id = uploaded.json()["id"]

    response = api_client.post_json("/register", registration(profile_image_id=upload_id))

    assert response.status_code == 201
    assert response.json()["profile_image"]["id"] == upload_id
    user = User.objects.get(login="dora")
    assert str(user.profile_image_id) == upload_id
    assert Upload.objects.get(pk=upload_id).owner == user


def test_register_sends_the_confirmation_email_with_base_url(api_client, settings, mailoutbox):
    settings.BASE_URL = "https://forum.example.org"

    api_client.post_json("/register", registration())

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dora@example.com"]
    assert "https://forum.example.org/accounts/confirm-email/" in mailoutbox[0].body


# --- JSON: bad input ------------------------------------------------------------------------------


def test_register_refuses_malformed_json(api_client):
    response = api_client.post("/register", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "message" in response.json()
    assert not User.objects.exists()


def test_register_refuses_a_json_array(api_client):
    assert api_client.post_json("/register", ["login"]).status_code == 400


def test_register_refuses_another_content_type(api_client):
    response = api_client.post("/register", registration())  # multipart form

    assert response.status_code == 415


def test_register_refuses_get(api_client):
    assert api_client.get("/register").status_code == 405


def test_register_names_every_missing_field(api_client):
    response = api_client.post_json("/register", {})

    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"login", "password", "email"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("role_type", "admin"),
        ("role_type", "user"),
        ("is_banned", False),
        ("is_superuser", True),
        ("is_staff", True),
        ("id", "0f4b9d0e-7a51-4c8e-9d0a-2b7c1e3f5a60"),
    ],
)
def test_register_refuses_a_field_a_client_may_not_set(api_client, field, value):
    response = api_client.post_json("/register", registration(**{field: value}))

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [f"{field} cannot be set when registering."]}
    assert not User.objects.exists()


@pytest.mark.parametrize("field, value", [("login", 123), ("password", ["x"]), ("email", {"a": 1}), ("firstname", True)])
def test_register_refuses_values_that_are_not_strings(api_client, field, value):
    response = api_client.post_json("/register", registration(**{field: value}))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("login", "x" * 151),
        ("email", "a" * 250 + "@example.com"),
        ("firstname", "F" * 151),
        ("lastname", "L" * 151),
        ("middlename", "M" * 151),
        ("phone_number", "+44" + "7" * 300),
    ],
)
def test_register_refuses_over_long_values(api_client, field, value):
    response = api_client.post_json("/register", registration(**{field: value}))

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("login", "not a login!"),
        ("login", "carol@example.com"),  # would pass for an email address
        ("login", "+442079460001"),  # would pass for a phone number
        ("login", "\u0430lice"),  # a Cyrillic a: would pass for alice
        ("login", "alice\u202e"),  # a right-to-left override
        ("login", "ali\nce"),
        ("firstname", "Carol\nAnn"),
        ("lastname", "Smith\u202e"),
        ("middlename", "\u2066Ann\u2069"),
        ("firstname", "\u00a0 \u3000"),  # only spaces: refused, not saved as ""
        ("lastname", "Smith\u180e"),  # a Mongolian vowel separator (Cf)
        ("middlename", "\u0301"),  # a combining mark alone
        ("middlename", "Ann\u2065"),  # unassigned
        ("email", "not-an-email"),
        ("phone_number", "12345"),
        ("profile_image_id", "nope"),
    ],
)
def test_register_refuses_invalid_values(api_client, field, value):
    response = api_client.post_json("/register", registration(**{field: value}))

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "dora@example.com"])
def test_register_refuses_a_weak_password(api_client, password):
    response = api_client.post_json("/register", registration(password=password))

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("login", "ALICE"),
        ("email", "Alice@Example.COM"),
        ("phone_number", "+44 7911 123456"),
        ("phone_number", "+44 (0)7911 123-456"),
    ],
)
def test_register_answers_409_when_taken(api_client, user, field, value):
    response = api_client.post_json("/register", registration(**{field: value}))

    assert response.status_code == 409
    assert field in response.json()["errors"]
    assert User.objects.count() == 1


def test_register_refuses_someone_elses_upload_and_writes_nothing(api_client, other_user, make_upload):
    upload = make_upload(owner=other_user)

    response = api_client.post_json("/register", registration(profile_image_id=str(upload.id)))

    assert response.status_code == 400
    assert "profile_image_id" in response.json()["errors"]
    assert not User.objects.filter(login="dora").exists()
    upload.refresh_from_db()
    assert upload.owner == other_user


def upload_anonymously(client, png_bytes) -> str:
    """POST /uploads without an account, as a JSON client does before registering; the upload's id."""
    uploaded = client.post(
        "/uploads", {"file": SimpleUploadedFile("me.png", png_bytes)}, headers={"X-Requested-With": "fetch"}
    )
    assert uploaded.status_code == 201, uploaded.content
    return uploaded.json()["id"]


def test_register_refuses_an_anonymous_upload_of_another_session(api_client, png_bytes):
    upload_id = upload_anonymously(JsonClient(), png_bytes)
    unknown = api_client.post_json("/register", registration(profile_image_id=str(uuid.uuid4()))).json()

    response = api_client.post_json("/register", registration(profile_image_id=upload_id))

    assert response.status_code == 400
    assert response.json() == unknown  # someone else's upload looks exactly like an unknown id
    assert not User.objects.filter(login="dora").exists()
    assert Upload.objects.get(pk=upload_id).owner is None


def test_register_refuses_an_anonymous_upload_made_without_a_session(api_client, make_upload):
    upload = make_upload()  # stored, but remembered by no session

    response = api_client.post_json("/register", registration(profile_image_id=str(upload.id)))

    assert response.status_code == 400
    assert "profile_image_id" in response.json()["errors"]
    upload.refresh_from_db()
    assert upload.owner is None


def test_register_refuses_an_already_claimed_upload(api_client, png_bytes):
    upload_id = upload_anonymously(api_client, png_bytes)
    upload = Upload.objects.get(pk=upload_id)
    assert api_client.post_json("/register", registration(profile_image_id=str(upload.id))).status_code == 201
    api_client.get("/logout")

    response = api_client.post_json(
        "/register", registration(login="fred", email="fred@example.com", phone_number=..., profile_image_id=str(upload.id))
    )

    assert response.status_code == 400
    assert not User.objects.filter(login="fred").exists()


def test_register_is_rate_limited_with_429(api_client):
    statuses = [api_client.post_json("/register", {}).status_code for _ in range(25)]

    assert statuses[0] == 400
    assert statuses[-1] == 429
    last = api_client.post_json("/register", {})
    assert last.status_code == 429 and int(last["Retry-After"]) > 0


# --- HTML -----------------------------------------------------------------------------------------


def signup_form(**changes):
    data = {
        "username": "gina",
        "email": "gina@example.com",
        "phone": "+1 (415) 555-2671",
        "password1": STRONG,
        "password2": STRONG,
        "firstname": "Gina",
        "lastname": "Green",
    }
    data.update(changes)
    return data


def test_signup_page_is_a_multipart_bootstrap_form_with_labels(client):
    response = client.get("/accounts/signup/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for field in ("username", "email", "phone", "password1", "password2", "firstname", "lastname", "profile_image"):
        assert f'for="id_{field}"' in html
    assert "form-control" in html and "btn btn-primary" in html


def test_signup_in_html_with_a_png_avatar_stores_it(client, png_bytes):
    data = signup_form(profile_image=SimpleUploadedFile("avatar.png", png_bytes, content_type="image/png"))

    response = client.post("/accounts/signup/", data)

    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(login="gina")
    assert (user.firstname, user.lastname, user.phone_number) == ("Gina", "Green", "+14155552671")
    assert user.profile_image is not None
    assert user.profile_image.owner == user
    assert user.profile_image.content_type == "image/png"
    assert user.profile_image.thumbnail
    assert is_logged_in(client)


def test_signup_in_html_refuses_a_file_that_is_not_an_image(client):
    data = signup_form(profile_image=SimpleUploadedFile("avatar.png", b"not an image at all"))

    response = client.post("/accounts/signup/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["profile_image"]
    assert not User.objects.exists()
    assert not Upload.objects.exists()


def test_signup_in_html_rolls_back_when_the_upload_rules_refuse_the_avatar(client, settings):
    settings.UPLOAD_MAX_PIXELS = 100  # the picture passes the form's check, then store_upload refuses it
    picture = make_image_bytes("PNG", size=(64, 64))

    response = client.post("/accounts/signup/", signup_form(profile_image=SimpleUploadedFile("a.png", picture)))

    assert response.status_code == 400
    assert response.context["form"].errors["profile_image"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.exists()
    assert not Upload.objects.exists()


def test_signup_in_html_shows_a_taken_email_on_its_field(client, user):
    response = client.post("/accounts/signup/", signup_form(email="ALICE@example.com"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.count() == 1
