"""One's own profile (GET/PATCH /me, /accounts/profile/) and the public user page (/u/<login>/)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import JsonClient, make_image_bytes
from users.models import Upload, User

pytestmark = pytest.mark.django_db


# --- GET /me --------------------------------------------------------------------------------------


def test_me_shows_the_logged_in_user(logged_in_api_client, user, make_upload, django_assert_max_num_queries):
    user.profile_image = make_upload(owner=user)
    user.save()

    with django_assert_max_num_queries(3):  # session, user, profile image
        response = logged_in_api_client.get("/me")

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == str(user.id)
    assert data["email"] == "alice@example.com" and data["phone_number"] == "+447911123456"
    assert data["profile_image"]["id"] == str(user.profile_image_id)
    assert data["profile_image"]["thumbnail_url"]


def test_me_needs_a_login(api_client):
    response = api_client.get("/me")

    assert response.status_code == 401
    assert response.json()["message"]


def test_me_refuses_other_methods(logged_in_api_client):
    assert logged_in_api_client.delete("/me").status_code == 405


# --- PATCH /me ------------------------------------------------------------------------------------


def test_patch_me_changes_the_given_names_and_keeps_the_rest(logged_in_api_client, user):
    response = logged_in_api_client.patch_json("/me", {"firstname": "Alice", "middlename": "B."})

    assert response.status_code == 200
    assert (response.json()["firstname"], response.json()["lastname"]) == ("Alice", "Lovelace")
    user.refresh_from_db()
    assert (user.firstname, user.middlename, user.lastname, user.phone_number) == (
        "Alice", "B.", "Lovelace", "+447911123456",
    )


def test_patch_me_normalises_a_new_phone_number(logged_in_api_client, user):
    user.phone_verified = True
    user.save()

    response = logged_in_api_client.patch_json("/me", {"phone_number": "+1 (415) 555-2671"})

    assert response.status_code == 200
    assert response.json()["phone_number"] == "+14155552671"
    user.refresh_from_db()
    assert user.phone_number == "+14155552671" and not user.phone_verified


@pytest.mark.parametrize("value", [None, ""])
def test_patch_me_removes_the_phone_number(logged_in_api_client, user, value):
    response = logged_in_api_client.patch_json("/me", {"phone_number": value})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.phone_number is None


def test_patch_me_answers_409_for_someone_elses_phone_number(logged_in_api_client, other_user):
    other_user.phone_number = "+14155552671"
    other_user.save()

    response = logged_in_api_client.patch_json("/me", {"phone_number": "+1 415-555-2671"})

    assert response.status_code == 409
    assert "phone_number" in response.json()["errors"]


def upload_anonymously(client) -> Upload:
    uploaded = client.post(
        "/uploads",
        {"file": SimpleUploadedFile("me.png", make_image_bytes("PNG"))},
        headers={"X-Requested-With": "fetch"},
    )
    assert uploaded.status_code == 201, uploaded.content
    return Upload.objects.get(pk=uploaded.json()["id"])


def test_patch_me_claims_an_anonymous_upload_of_this_session_as_profile_image(user):
    client = JsonClient()
    upload = upload_anonymously(client)  # before logging in: the session keeps its uploads
    client.force_login(user)

    response = client.patch_json("/me", {"profile_image_id": str(upload.id)})

    assert response.status_code == 200
    assert response.json()["profile_image"]["id"] == str(upload.id)
    upload.refresh_from_db()
    assert upload.owner == user
    user.refresh_from_db()
    assert user.profile_image == upload


def test_patch_me_refuses_an_anonymous_upload_of_another_session(logged_in_api_client, user):
    upload = upload_anonymously(JsonClient())

    response = logged_in_api_client.patch_json("/me", {"profile_image_id": str(upload.id)})

    assert response.status_code == 400
    assert "profile_image_id" in response.json()["errors"]
    upload.refresh_from_db()
    assert upload.owner is None
    user.refresh_from_db()
    assert user.profile_image is None


def test_patch_me_takes_an_own_image_upload(logged_in_api_client, user, make_upload):
    upload = make_upload(owner=user)

    assert logged_in_api_client.patch_json("/me", {"profile_image_id": str(upload.id)}).status_code == 200

    user.refresh_from_db()
    assert user.profile_image == upload


def test_patch_me_removes_the_profile_image_with_null(logged_in_api_client, user, make_upload):
    user.profile_image = make_upload(owner=user)
    user.save()

    response = logged_in_api_client.patch_json("/me", {"profile_image_id": None})

    assert response.status_code == 200
    assert response.json()["profile_image"] is None
    user.refresh_from_db()
    assert user.profile_image is None


def test_patch_me_refuses_someone_elses_upload_and_writes_nothing(logged_in_api_client, user, other_user, make_upload):
    upload = make_upload(owner=other_user)

    response = logged_in_api_client.patch_json("/me", {"profile_image_id": str(upload.id), "firstname": "Changed"})

    assert response.status_code == 400
    assert "profile_image_id" in response.json()["errors"]
    user.refresh_from_db()
    assert user.firstname == "Ada" and user.profile_image is None
    assert logged_in_api_client.get("/me").json()["firstname"] == "Ada"


def test_patch_me_refuses_a_document_as_profile_image(logged_in_api_client, user, make_upload):
    document = make_upload(owner=user, data=b"just some text\n", name="notes.txt")

    response = logged_in_api_client.patch_json("/me", {"profile_image_id": str(document.id)})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "body, field",
    [
        ({"firstname": "F" * 151}, "firstname"),
        ({"lastname": 7}, "lastname"),
        ({"middlename": ["x"]}, "middlename"),
        ({"phone_number": "12345"}, "phone_number"),
        ({"phone_number": 447911123456}, "phone_number"),
        ({"phone_number": "+44" + "7" * 300}, "phone_number"),
        ({"profile_image_id": "not-a-uuid"}, "profile_image_id"),
        ({"profile_image_id": 5}, "profile_image_id"),
    ],
)
def test_patch_me_refuses_bad_input(logged_in_api_client, user, body, field):
    response = logged_in_api_client.patch_json("/me", body)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    user.refresh_from_db()
    assert user.firstname == "Ada" and user.phone_number == "+447911123456"


@pytest.mark.parametrize(
    "field, value, says",
    [
        ("email", "new@example.com", "email cannot be changed here"),
        ("role_type", "admin", "role_type is read-only"),
        ("login", "someone", "login cannot be changed"),
        ("is_banned", True, "is_banned is read-only"),
        ("profile_image", {"id": "0f4b9d0e-7a51-4c8e-9d0a-2b7c1e3f5a60"}, "profile_image_id"),
        ("id", "0f4b9d0e-7a51-4c8e-9d0a-2b7c1e3f5a60", "id cannot be changed"),
        ("password", "a-new-Unusual-passphrase-43", "POST /change-password"),
        ("password1", "a-new-Unusual-passphrase-43", "POST /change-password"),
        ("old_password", "x", "POST /change-password"),
        ("new_password", "a-new-Unusual-passphrase-43", "POST /change-password"),
    ],
)
def test_patch_me_refuses_a_field_it_does_not_change_and_writes_nothing(logged_in_api_client, user, field, value, says):
    response = logged_in_api_client.patch_json("/me", {"firstname": "Changed", field: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert says in response.json()["errors"][field][0]
    user.refresh_from_db()
    assert (user.firstname, user.email, user.role_type, user.login) == ("Ada", "alice@example.com", "user", "alice")


def test_patch_me_with_a_password_leaves_the_password_as_it_was(logged_in_api_client, user, password):
    response = logged_in_api_client.patch_json("/me", {"password": "a-new-Unusual-passphrase-43"})

    assert response.status_code == 400
    assert response.json()["errors"]["password"] == ["password cannot be changed here: use POST /change-password."]
    user.refresh_from_db()
    assert user.check_password(password)


def test_patch_me_accepts_the_users_own_id(logged_in_api_client, user):
    response = logged_in_api_client.patch_json("/me", {"id": str(user.id), "firstname": "Augusta"})

    assert response.status_code == 200
    assert response.json()["id"] == str(user.id)


@pytest.mark.parametrize("field", ["firstname", "lastname", "middlename"])
def test_patch_me_refuses_names_of_spaces_and_joiners_only(logged_in_api_client, user, field):
    response = logged_in_api_client.patch_json("/me", {field: "\u200d \u2800"})

    assert response.status_code == 400
    assert response.json()["errors"][field] == ["Names must contain visible characters."]


def test_patch_me_accepts_names_in_other_scripts_with_joiners(logged_in_api_client, user):
    response = logged_in_api_client.patch_json("/me", {"firstname": "\u0915\u094d\u200d\u0937", "lastname": "김"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.firstname, user.lastname) == ("\u0915\u094d\u200d\u0937", "김")


def test_patch_me_takes_back_the_whole_object_get_me_gave(logged_in_api_client, user):
    current = logged_in_api_client.get("/me").json()
    response = logged_in_api_client.patch_json("/me", {**current, "firstname": "Augusta"})

    assert response.status_code == 200
    assert response.json() == {**current, "firstname": "Augusta"}
    user.refresh_from_db()
    assert user.firstname == "Augusta"


INVISIBLE_IN_NAMES = {
    "line-break": "Ada\nLovelace",
    "tab": "Ada\tLovelace",
    "right-to-left-override": "Ada \u202eecalevol",
    "first-strong-isolate": "\u2067Ada\u2069",
    "hangul-filler": "\u3164",
    "zero-width-space": "Ada\u200b",
    "byte-order-mark": "\ufeffAda",
    "mongolian-vowel-separator": "Ada\u180e",
    "inhibit-symmetric-swapping": "\u206aAda",
    "nominal-digit-shapes": "Ada\u206f",
    "interlinear-annotation-anchor": "Ada\ufff9",
    "interlinear-annotation-terminator": "Ada\ufffb",
    "arabic-number-sign": "\u0600",
    "shorthand-format-letter-overlap": "Ada\U0001bca0",
    "musical-symbol-begin-beam": "\U0001d173",
    "egyptian-hieroglyph-vertical-joiner": "Ada\U00013430",
    "kaithi-number-sign": "\U000110bd",
    "khmer-vowel-inherent-aq": "\u17b4",
    "khmer-vowel-inherent-aa": "Ada\u17b5",
    "unassigned-u2065": "\u2065",
    "noncharacter-uffff": "Ada\uffff",
    "tag-not-after-the-black-flag": "Ada\U000e0067\U000e007f",
}


@pytest.mark.parametrize("name", INVISIBLE_IN_NAMES.values(), ids=INVISIBLE_IN_NAMES.keys())
@pytest.mark.parametrize("field", ["firstname", "lastname", "middlename"])
def test_patch_me_refuses_names_with_invisible_characters_of_any_kind(logged_in_api_client, user, field, name):
    response = logged_in_api_client.patch_json("/me", {field: name})

    assert response.status_code == 400
    assert response.json()["errors"][field] == ["Names cannot contain line breaks or invisible control characters."]
    user.refresh_from_db()
    assert getattr(user, field) != name


NOTHING_VISIBLE_NAMES = {
    "combining-acute-accent": "\u0301",
    "variation-selector-17": "\U000e0100",
    "variation-selector-256": "\U000e01ef",
    "mongolian-free-variation-selector": "\u180b",
    "spaces-around-a-variation-selector": " \ufe0f ",
    "spaces": "   ",
    "no-break-spaces": "\u00a0\u00a0",
    "ideographic-space": "\u3000",
}


@pytest.mark.parametrize("name", NOTHING_VISIBLE_NAMES.values(), ids=NOTHING_VISIBLE_NAMES.keys())
@pytest.mark.parametrize("field", ["firstname", "lastname", "middlename"])
def test_patch_me_refuses_names_with_nothing_visible_instead_of_clearing_them(logged_in_api_client, user, field, name):
    user.middlename = "Byron"
    user.save()

    response = logged_in_api_client.patch_json("/me", {field: name})

    assert response.status_code == 400
    assert response.json()["errors"][field] == ["Names must contain visible characters."]
    user.refresh_from_db()
    assert (user.firstname, user.middlename, user.lastname) == ("Ada", "Byron", "Lovelace")


@pytest.mark.parametrize("field", ["firstname", "lastname", "middlename"])
def test_patch_me_clears_a_name_given_as_an_empty_string(logged_in_api_client, user, field):
    user.middlename = "Byron"
    user.save()

    response = logged_in_api_client.patch_json("/me", {field: ""})

    assert response.status_code == 200
    user.refresh_from_db()
    assert getattr(user, field) == ""


@pytest.mark.parametrize(
    "name",
    [
        "\U0001f469\u200d\U0001f4bb",  # woman technologist: a ZWJ sequence
        "#\ufe0f\u20e3",  # a keycap
        "\U0001f1ec\U0001f1e7",  # a regional indicator flag
        "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",  # flag of Wales
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647",  # Persian with a ZWNJ
        "สมชาย",  # Thai
        "\u845b\U000e0100",  # an ideographic variation sequence
        "Zoe\u0308",  # a combining diaeresis
        "  Ada\u00a0Maria\u3000",  # spaces inside are kept, around are stripped
    ],
)
def test_patch_me_accepts_names_in_any_script_and_emoji(logged_in_api_client, user, name):
    response = logged_in_api_client.patch_json("/me", {"firstname": name})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.firstname == name.strip()


def test_patch_me_refuses_malformed_json_and_other_types(logged_in_api_client):
    assert logged_in_api_client.patch("/me", "{", content_type="application/json").status_code == 400
    assert logged_in_api_client.patch("/me", "firstname=x", content_type="text/plain").status_code == 415


def test_patch_me_needs_a_login(api_client):
    assert api_client.patch_json("/me", {"firstname": "X"}).status_code == 401


# --- HTML profile page ----------------------------------------------------------------------------


def test_profile_page_needs_a_login(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_page_shows_the_form(logged_in_client):
    response = logged_in_client.get("/accounts/profile/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    for field in ("firstname", "middlename", "lastname", "phone_number", "profile_image"):
        assert f'for="id_{field}"' in html
    assert 'value="+447911123456"' in html


def test_profile_page_saves_names_phone_and_avatar(logged_in_client, user, png_bytes):
    response = logged_in_client.post(
        "/accounts/profile/",
        {
            "firstname": "Alice",
            "middlename": "",
            "lastname": "Liddell",
            "phone_number": "+1 415 555 2671",
            "profile_image": SimpleUploadedFile("me.png", png_bytes),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user.refresh_from_db()
    assert (user.firstname, user.lastname, user.phone_number) == ("Alice", "Liddell", "+14155552671")
    assert user.profile_image.owner == user and user.profile_image.is_image
    page = logged_in_client.get("/accounts/profile/").content.decode()
    assert "Your profile has been saved." in page
    assert user.profile_image.thumbnail_url in page


def test_profile_page_removes_the_avatar(logged_in_client, user, make_upload):
    user.profile_image = make_upload(owner=user)
    user.save()

    response = logged_in_client.post(
        "/accounts/profile/", {"firstname": "Ada", "lastname": "Lovelace", "remove_profile_image": "on"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.profile_image is None


def test_profile_page_shows_errors_on_their_fields(logged_in_client, user, other_user):
    other_user.phone_number = "+14155552671"
    other_user.save()

    response = logged_in_client.post("/accounts/profile/", {"firstname": "X" * 151, "phone_number": "+14155552671"})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["firstname"] and form.errors["phone_number"]
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.firstname == "Ada"


def test_profile_page_refuses_a_name_with_an_invisible_control(logged_in_client, user):
    response = logged_in_client.post("/accounts/profile/", {"firstname": "Ada\u202e", "lastname": "Lovelace"})

    assert response.status_code == 400
    assert "Names cannot contain line breaks or invisible control characters." in response.content.decode()
    user.refresh_from_db()
    assert user.firstname == "Ada"


def test_profile_page_refuses_a_name_of_spaces_only_instead_of_clearing_it(logged_in_client, user):
    response = logged_in_client.post("/accounts/profile/", {"firstname": "Ada", "lastname": "\u00a0 \u3000"})

    assert response.status_code == 400
    assert "Names must contain visible characters." in response.content.decode()
    user.refresh_from_db()
    assert user.lastname == "Lovelace"


def test_profile_page_clears_a_name_left_empty(logged_in_client, user):
    user.middlename = "Byron"
    user.save()

    response = logged_in_client.post(
        "/accounts/profile/", {"firstname": "Ada", "middlename": "", "lastname": "Lovelace"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.middlename == ""


def test_profile_page_refuses_a_file_the_upload_rules_refuse(logged_in_client, user, settings):
    settings.UPLOAD_MAX_PIXELS = 100

    response = logged_in_client.post(
        "/accounts/profile/",
        {"firstname": "Changed", "profile_image": SimpleUploadedFile("big.png", make_image_bytes("PNG", size=(64, 64)))},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["profile_image"]
    user.refresh_from_db()
    assert user.firstname == "Ada" and user.profile_image is None
    assert not Upload.objects.exists()


# --- Public user page -----------------------------------------------------------------------------


def test_user_page_hides_contact_details_from_others(client, user):
    response = client.get("/u/alice/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html
    assert "alice@example.com" not in html and "+447911123456" not in html


def test_user_page_shows_contact_details_to_the_user_and_staff(logged_in_client, client, moderator, user):
    assert "alice@example.com" in logged_in_client.get("/u/alice/").content.decode()
    client.force_login(moderator)
    assert "alice@example.com" in client.get("/u/alice/").content.decode()


def test_user_page_of_an_unknown_login_is_404(client):
    assert client.get("/u/nobody/").status_code == 404


def test_user_page_shows_a_ban(client, banned_user):
    assert "Banned" in client.get("/u/carol/").content.decode()


def test_user_model_stores_email_in_lower_case_on_clean(db):
    person = User(login="Hank", email="Hank@Example.COM")
    person.set_password("x")
    person.full_clean()

    assert person.email == "hank@example.com"
