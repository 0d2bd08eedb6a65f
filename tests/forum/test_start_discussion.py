import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forum.models import Comment, Discussion, Participant, Visibility
from forum.services import start_discussion
from forum.validators import validate_discussion_name
from tests.factories import UserFactory
from tests.forum.helpers import USER_KEYS, api_client_for, assert_discussion_shape, assert_json_error

pytestmark = pytest.mark.django_db

SEED_PATHS = ["/dicussion", "/discussion"]


# --- the service ---------------------------------------------------------------------------


def test_start_discussion_makes_the_creator_its_first_participant(user):
    discussion = start_discussion(creator=user, name="Tea", visibility=Visibility.PUBLIC)

    assert discussion.creator == user
    assert list(discussion.participants.values_list("user", flat=True)) == [user.pk]
    assert discussion.comments_count == 0


def test_start_discussion_with_a_first_comment_counts_it(user):
    discussion = start_discussion(creator=user, name="Tea", comment_text="Who brings the milk?")

    discussion.refresh_from_db()
    assert discussion.comments_count == 1
    assert discussion.comments.get().text == "Who brings the milk?"


def test_start_discussion_refuses_a_banned_user_and_writes_nothing(user):
    user.is_banned = True
    with pytest.raises(PermissionDenied):
        start_discussion(creator=user, name="Tea")
    assert not Discussion.objects.exists()


def test_start_discussion_refuses_an_anonymous_user(db):
    with pytest.raises(PermissionDenied):
        start_discussion(creator=AnonymousUser(), name="Tea")


# --- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEED_PATHS)
def test_start_discussion_json_answers_201_with_the_discussion(logged_in_api_client, user, path):
    response = logged_in_api_client.post_json(path, {"name": "Tea time"})

    assert response.status_code == 201
    data = response.json()
    assert_discussion_shape(data)
    discussion = Discussion.objects.get()
    assert data["id"] == str(discussion.id)
    assert data["name"] == "Tea time"
    assert data["visibility"] == "public"
    assert data["comments"] == []
    assert data["comments_count"] == 0
    assert (data["is_locked"], data["is_pinned"]) == (False, False)
    assert [p["id"] for p in data["participants"]] == [str(user.id)]
    assert set(data["participants"][0]) == USER_KEYS
    assert data["created_at"] == discussion.created_at.isoformat()


def test_start_discussion_json_makes_a_private_discussion(logged_in_api_client):
    response = logged_in_api_client.post_json("/discussion", {"name": "Secret", "visibility": "private"})

    assert response.status_code == 201
    assert response.json()["visibility"] == "private"
    assert Discussion.objects.get().visibility == Visibility.PRIVATE


def test_start_discussion_json_with_a_first_comment_embeds_it(logged_in_api_client):
    response = logged_in_api_client.post_json("/discussion", {"name": "Tea", "comment_text": "Milk?"})

    assert response.status_code == 201
    assert [c["comment_text"] for c in response.json()["comments"]] == ["Milk?"]
    assert response.json()["comments_count"] == 1


def test_start_discussion_json_accepts_a_name_of_200_characters(logged_in_api_client):
    response = logged_in_api_client.post_json("/discussion", {"name": "x" * 200})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": None},
        {"name": "x" * 201},
        {"name": 42},
        {"name": ["Tea"]},
    ],
    ids=["missing", "empty", "blank", "null", "too-long", "number", "list"],
)
def test_start_discussion_json_refuses_a_bad_name(logged_in_api_client, body):
    response = logged_in_api_client.post_json("/dicussion", body)

    assert_json_error(response, 400, "name")
    assert not Discussion.objects.exists()


NOT_ONE_LINE_NAMES = {
    "newline": "Tea\ntime",
    "carriage-return": "Tea\r\ntime",
    "tab": "Tea\ttime",
    "delete": "Tea\x7ftime",
    "next-line-c1": "Tea\x85time",
    "line-separator": "Tea\u2028time",
    "right-to-left-override": "Invoice \u202egnp.exe",
    "left-to-right-embedding": "Tea \u202atime",
    "isolate": "\u2066Tea\u2069 time",
    "right-to-left-mark": "Tea\u200ftime",
    "arabic-letter-mark": "Tea\u061ctime",
    "hangul-filler-inside": "Tea\u3164time",
    "zero-width-space": "Tea\u200btime",
    "byte-order-mark": "\ufeffTea",
    "soft-hyphen": "Tea\u00adtime",
    "word-joiner": "Tea\u2060time",
    "invisible-plus": "Tea\u2064time",
    "hangul-choseong-filler": "Tea\u115f",
    "hangul-jungseong-filler": "Tea\u1160",
    "halfwidth-hangul-filler": "Tea\uffa0",
    "tag-character": "Tea\U000e0041",
    "cancel-tag": "Tea\U000e007f",
    # Format characters (Cf), inside a name and alone.
    "mongolian-vowel-separator": "Tea\u180etime",
    "mongolian-vowel-separator-alone": "\u180e",
    "inhibit-symmetric-swapping": "Tea\u206atime",
    "activate-symmetric-swapping": "Tea\u206btime",
    "inhibit-arabic-form-shaping": "Tea\u206ctime",
    "activate-arabic-form-shaping": "Tea\u206dtime",
    "national-digit-shapes": "Tea\u206etime",
    "nominal-digit-shapes": "\u206f",
    "interlinear-annotation-anchor": "Tea\ufff9time",
    "interlinear-annotation-separator": "Tea\ufffatime",
    "interlinear-annotation-terminator": "\ufffb",
    "arabic-number-sign": "Tea\u0600time",
    "arabic-number-sign-alone": "\u0600",
    "shorthand-format-letter-overlap": "Tea\U0001bca0time",
    "musical-symbol-begin-beam": "Tea\U0001d173time",
    "egyptian-hieroglyph-vertical-joiner": "Tea\U00013430time",
    "kaithi-number-sign": "Tea\U000110bdtime",
    "kaithi-number-sign-alone": "\U000110bd",
    "language-tag": "Tea\U000e0001",
    # Khmer inherent vowels: marks that show nothing, refused anywhere.
    "khmer-vowel-inherent-aq": "Tea\u17b4time",
    "khmer-vowel-inherent-aa-alone": "\u17b5",
    # Unassigned (Cn) and private use (Co). (The JSON views refuse a lone surrogate, Cs, as not
    # Unicode text before any form: see the test of the validator below.)
    "unassigned-u2065": "Tea\u2065time",
    "unassigned-u2065-alone": "\u2065",
    "noncharacter-uffff": "Tea\uffff",
    "private-use": "Tea\ue000",
    # Tags that do not make a subdivision flag: not after the black flag, upper case (hidden
    # text), no cancel tag.
    "tags-after-a-letter": "Tea\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "upper-case-tags-after-the-flag": "\U0001f3f4\U000e0048\U000e0049\U000e0044\U000e0045\U000e007f",
    "flag-tags-without-cancel-tag": "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067",
}
NOT_ONE_LINE_MESSAGE = "Discussion names cannot contain line breaks or invisible control characters."


@pytest.mark.parametrize("name", NOT_ONE_LINE_NAMES.values(), ids=NOT_ONE_LINE_NAMES.keys())
def test_start_discussion_json_refuses_a_name_with_line_breaks_or_invisible_controls(logged_in_api_client, name):
    response = logged_in_api_client.post_json("/discussion", {"name": name})

    body = assert_json_error(response, 400, "name")
    assert body["errors"]["name"] == [NOT_ONE_LINE_MESSAGE]
    assert not Discussion.objects.exists()


@pytest.mark.parametrize("name", ["Tea\ud800", "\udfff"], ids=["inside", "alone"])
def test_discussion_name_validator_refuses_a_lone_surrogate(name):
    with pytest.raises(ValidationError) as refusal:
        validate_discussion_name(name)

    assert refusal.value.messages == [NOT_ONE_LINE_MESSAGE]


INVISIBLE_ONLY_NAMES = {
    "hangul-filler": "\u3164",
    "fillers-and-spaces": " \u3164 \uffa0 ",
    "joiners": "\u200d\u200c",
    "braille-blank": "\u2800",
    "ideographic-space-and-variation-selector": "\u3000\ufe0f",
}
# Marks, spaces and joiners only: no letter, number, punctuation or symbol.
NOTHING_VISIBLE_NAMES = {
    "combining-acute-accent": "\u0301",
    "combining-accents-and-spaces": " \u0301 \u0301 ",
    "variation-selector-17": "\U000e0100",
    "variation-selector-256": "\U000e01ef",
    "mongolian-free-variation-selector": "\u180b",
    "variation-selector-16": "\ufe0f",
    "combining-grapheme-joiner": "\u034f",
    "joiners-and-braille-blank": "\u200d \u2800",
    "enclosing-keycap-alone": "\u20e3",
}


@pytest.mark.parametrize("name", INVISIBLE_ONLY_NAMES.values(), ids=INVISIBLE_ONLY_NAMES.keys())
def test_start_discussion_json_refuses_a_name_without_visible_characters(logged_in_api_client, name):
    response = logged_in_api_client.post_json("/discussion", {"name": name})

    body = assert_json_error(response, 400, "name")
    assert body["errors"]["name"][0] in (NOT_ONE_LINE_MESSAGE, "Discussion names must contain visible characters.")
    assert not Discussion.objects.exists()


@pytest.mark.parametrize("name", NOTHING_VISIBLE_NAMES.values(), ids=NOTHING_VISIBLE_NAMES.keys())
def test_start_discussion_json_refuses_a_name_of_marks_and_spaces_only(logged_in_api_client, name):
    response = logged_in_api_client.post_json("/discussion", {"name": name})

    body = assert_json_error(response, 400, "name")
    assert body["errors"]["name"] == ["Discussion names must contain visible characters."]
    assert not Discussion.objects.exists()


VISIBLE_NAMES = {
    "emoji-zwj-sequence": "\U0001f469\u200d\U0001f4bb",  # woman technologist
    "keycaps": "#\ufe0f\u20e3 1\ufe0f\u20e3",
    "regional-indicator-flag": "\U0001f1ec\U0001f1e7",
    "flag-of-england": "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "flag-of-scotland": "Tea \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "flag-of-wales": "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
    "black-flag-alone": "\U0001f3f4",
    "cjk": "你好 世界",
    "cjk-ideographic-variation-sequence": "\u845b\U000e0100",
    "arabic": "مرحبا",
    "hebrew": "שלום",
    "devanagari-with-zwj": "\u0915\u094d\u200d\u0937",
    "korean": "안녕하세요",
    "thai": "สวัสดี",
    "persian-with-zwnj": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "mongolian-with-free-variation-selector": "\u1820\u180b",
    "combining-accent": "Cafe\u0301",
    "ideographic-and-no-break-spaces-inside": "Tea\u3000for\u00a0two",
}


@pytest.mark.parametrize("name", VISIBLE_NAMES.values(), ids=VISIBLE_NAMES.keys())
def test_start_discussion_json_accepts_names_in_any_script_and_emoji(logged_in_api_client, name):
    response = logged_in_api_client.post_json("/discussion", {"name": name})

    assert response.status_code == 201
    assert Discussion.objects.get().name == name


def test_start_discussion_html_refuses_a_name_of_a_hangul_filler(logged_in_client):
    response = logged_in_client.post(reverse("discussion-create"), {"name": "\u3164", "visibility": "public"})

    assert response.status_code == 200
    assert NOT_ONE_LINE_MESSAGE in response.content.decode()
    assert not Discussion.objects.exists()


def test_start_discussion_json_accepts_an_emoji_zwj_sequence_alone(logged_in_api_client):
    name = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 \u2764\ufe0f"  # family, red heart

    response = logged_in_api_client.post_json("/discussion", {"name": name})

    assert response.status_code == 201
    assert Discussion.objects.get().name == name


def test_start_discussion_json_accepts_names_in_any_script_with_emoji(logged_in_api_client):
    name = "שלום مرحبا 你好 👩‍💻 café"  # Hebrew, Arabic, Chinese, an emoji joined by U+200D

    response = logged_in_api_client.post_json("/discussion", {"name": name})

    assert response.status_code == 201
    assert Discussion.objects.get().name == name


@pytest.mark.parametrize("visibility", ["secret", "PUBLIC", 1, ["public"]])
def test_start_discussion_json_refuses_a_bad_visibility(logged_in_api_client, visibility):
    response = logged_in_api_client.post_json("/discussion", {"name": "Tea", "visibility": visibility})

    assert_json_error(response, 400, "visibility")
    assert not Discussion.objects.exists()


def test_start_discussion_json_refuses_an_over_long_first_comment(logged_in_api_client):
    response = logged_in_api_client.post_json("/discussion", {"name": "Tea", "comment_text": "x" * 20_001})

    assert_json_error(response, 400, "comment_text")
    assert not Discussion.objects.exists()


def test_start_discussion_json_refuses_malformed_json(logged_in_api_client):
    response = logged_in_api_client.post("/dicussion", "{not json", content_type="application/json")

    assert_json_error(response, 400)
    assert not Discussion.objects.exists()


def test_start_discussion_json_refuses_a_body_that_is_not_an_object(logged_in_api_client):
    response = logged_in_api_client.post("/dicussion", '["Tea"]', content_type="application/json")
    assert_json_error(response, 400)


def test_start_discussion_json_refuses_a_form_body_with_415(logged_in_api_client):
    response = logged_in_api_client.post("/dicussion", {"name": "Tea"})

    assert_json_error(response, 415)
    assert not Discussion.objects.exists()


def test_start_discussion_json_answers_401_when_anonymous(api_client):
    response = api_client.post_json("/dicussion", {"name": "Tea"})

    assert_json_error(response, 401)
    assert not Discussion.objects.exists()


def test_start_discussion_json_answers_403_to_a_banned_user(db):
    client = api_client_for(UserFactory(is_banned=True))

    response = client.post_json("/discussion", {"name": "Tea"})

    assert_json_error(response, 403)
    assert not Discussion.objects.exists()


def test_start_discussion_json_answers_405_to_get(logged_in_api_client):
    response = logged_in_api_client.get("/discussion")
    assert_json_error(response, 405)


# --- HTML ----------------------------------------------------------------------------------


def test_start_discussion_page_shows_the_form(logged_in_client):
    response = logged_in_client.get(reverse("discussion-create"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="name"' in content
    assert 'name="visibility"' in content
    assert 'for="id_name"' in content


def test_start_discussion_page_sends_anonymous_users_to_log_in(client):
    response = client.get(reverse("discussion-create"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_start_discussion_html_redirects_to_the_new_discussion(logged_in_client, user):
    response = logged_in_client.post(
        reverse("discussion-create"), {"name": "Tea", "visibility": "private", "comment_text": "Milk?"}
    )

    discussion = Discussion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == discussion.get_absolute_url()
    assert discussion.visibility == Visibility.PRIVATE
    assert Participant.objects.filter(discussion=discussion, user=user).exists()
    assert Comment.objects.get().text == "Milk?"


def test_start_discussion_html_defaults_to_public(logged_in_client):
    logged_in_client.post(reverse("discussion-create"), {"name": "Tea"})
    assert Discussion.objects.get().visibility == Visibility.PUBLIC


def test_start_discussion_html_keeps_the_input_on_errors(logged_in_client):
    response = logged_in_client.post(
        reverse("discussion-create"), {"name": "x" * 201, "comment_text": "My kept words"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "My kept words" in content
    assert "at most 200 characters" in content
    assert not Discussion.objects.exists()


def test_start_discussion_html_refuses_a_name_with_an_invisible_control(logged_in_client):
    response = logged_in_client.post(reverse("discussion-create"), {"name": NOT_ONE_LINE_NAMES["right-to-left-override"]})

    assert response.status_code == 200
    assert NOT_ONE_LINE_MESSAGE in response.content.decode()
    assert not Discussion.objects.exists()


def test_start_discussion_page_tells_a_banned_user_instead_of_showing_the_form(client):
    client.force_login(UserFactory(is_banned=True))

    response = client.get(reverse("discussion-create"))

    assert "Your account is banned" in response.content.decode()
    assert 'name="name"' not in response.content.decode()


def test_start_discussion_html_answers_403_to_a_banned_user(client):
    client.force_login(UserFactory(is_banned=True))

    response = client.post(reverse("discussion-create"), {"name": "Tea"})

    assert response.status_code == 403
    assert not Discussion.objects.exists()


@pytest.mark.parametrize("face", ["html", "json"])
def test_start_discussion_refuses_an_empty_name_in_both_faces(logged_in_client, logged_in_api_client, face):
    if face == "html":
        response = logged_in_client.post(reverse("discussion-create"), {"name": ""})
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
    else:
        assert_json_error(logged_in_api_client.post_json("/discussion", {"name": ""}), 400, "name")
    assert not Discussion.objects.exists()
