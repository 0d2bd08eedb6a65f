"""The seed, replayed: every request of ../shared/seed/original-api-readme.md, exactly as written
there (paths, methods, field names, the ``/dicussion`` spelling), in the order people use them,
over real HTTP to a live server with a cookie jar, and every response checked against the shape
the seed shows (each field it names present, with the type it gives; "..." allows more).

Where API.md adds to the seed it says so below: ``old_password`` in /change-password, and
``POST /uploads`` to have the upload objects the seed's ``profile_image_id`` and
``attachments`` refer to.
"""

import re

from tests.api.conftest import LiveSession
from tests.conftest import make_image_bytes

# --- The shapes the seed shows ----------------------------------------------------------------------

UPLOAD = {"id": str, "created_at": str, "type": str}  # "..." follows in the seed
USER = {
    "id": str,
    "login": str,
    "email": str,
    "phone_number": str,
    "firstname": str,
    "lastname": str,
    "middlename": str,
    "profile_image": UPLOAD,
    "role_type": str,
    "is_banned": bool,
}
COMMENT = {
    "id": str,
    "created_at": str,
    "author": USER,
    "comment_text": str,
    "attachments": [UPLOAD],
    "replied_message": object,  # the seed's "???"; API.md: null or a short comment
}
DISCUSSION = {"id": str, "name": str, "participants": [USER], "comments": [COMMENT]}
CREATED_DISCUSSION = {**DISCUSSION, "comments": []}
# A user seen by someone else: API.md hides email and phone (null), on purpose.
OTHER_USER = {**USER, "email": type(None), "phone_number": type(None)}


def assert_shape(value, shape, where="response"):
    """``value`` has ``shape``: a type, ``[item shape]`` for a list (``[]`` for an empty one), or
    a dict of the keys that must be there (more are allowed, as the seed's "..." says)."""
    if isinstance(shape, dict):
        assert isinstance(value, dict), f"{where}: expected an object, got {value!r}"
        for key, item_shape in shape.items():
            assert key in value, f"{where}: no {key!r} in {sorted(value)}"
            assert_shape(value[key], item_shape, f"{where}.{key}")
    elif isinstance(shape, list):
        assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
        if not shape:
            assert value == [], f"{where}: expected [], got {value!r}"
        for index, item in enumerate(value):
            assert_shape(item, shape[0], f"{where}[{index}]")
    elif shape is bool:
        assert isinstance(value, bool), f"{where}: expected a boolean, got {value!r}"
    elif shape is not object:
        assert isinstance(value, shape) and not isinstance(value, bool), f"{where}: expected {shape.__name__}, got {value!r}"


def ok(response, status=200):
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.status_code} {response.text[:500]}"
    return response


def json_of(response, status=200):
    ok(response, status)
    assert response.headers["Content-Type"] == "application/json"
    return response.json()


def upload(session: LiveSession, name: str) -> dict:
    """POST /uploads (API.md): multipart, with the header that lets it pass the CSRF check."""
    files = {"file": (name, make_image_bytes("PNG"), "image/png")}
    return json_of(session.post("/uploads", files=files, headers={"X-Requested-With": "XMLHttpRequest"}), 201)


def reset_id_from(message) -> str:
    match = re.search(r"/password-reset-procedure/([^\s/\"'<>]+)", message.body)
    assert match, message.body
    return match[1]


# --- The replay -----------------------------------------------------------------------------------------


def test_the_seed_api_replayed_over_http(live_server, mailoutbox):
    ada, charles = LiveSession(live_server.url), LiveSession(live_server.url)

    # Register (with a profile image uploaded first), then log out and log in by email.
    avatar = upload(ada, "ada.png")
    registration = {
        "login": "ada",
        "password": "analytical-engine-1843",
        "email": "ada@example.com",
        "phone_number": "+447911123456",
        "firstname": "Ada",
        "lastname": "Lovelace",
        "middlename": "Augusta",
        "profile_image_id": avatar["id"],
    }
    ok(ada.post("/register", json=registration), 201)
    ok(ada.get("/logout"))
    me = json_of(ada.post("/login", json={"identity": "ada@example.com", "password": "analytical-engine-1843"}))
    assert_shape(me, USER)
    assert (me["login"], me["email"], me["phone_number"], me["profile_image"]["id"]) == (
        "ada", "ada@example.com", "+447911123456", avatar["id"],
    )
    assert (me["firstname"], me["lastname"], me["middlename"]) == ("Ada", "Lovelace", "Augusta")
    assert (me["role_type"], me["is_banned"]) == ("user", False)

    # Create a discussion at the seed's spelling.
    discussion = json_of(ada.post("/dicussion", json={"name": "Notes on the engine"}), 201)
    assert_shape(discussion, CREATED_DISCUSSION)
    assert discussion["name"] == "Notes on the engine"
    assert [p["id"] for p in discussion["participants"]] == [me["id"]]

    # Comment with an attachment given as the seed's upload object, as author_id says.
    drawing = upload(ada, "drawing.png")
    first = json_of(
        ada.post(
            f"/{discussion['id']}/comments",
            json={"author_id": me["id"], "comment_text": "Diagram attached.", "attachments": [drawing], "replied_message": None},
        ),
        201,
    )
    assert_shape(first, COMMENT)
    assert first["author"]["id"] == me["id"] and first["comment_text"] == "Diagram attached."
    assert [a["id"] for a in first["attachments"]] == [drawing["id"]]
    assert first["replied_message"] is None

    # A second person registers, logs in by login, and replies to it.
    charles_avatar = upload(charles, "charles.png")
    registration = {
        "login": "charles",
        "password": "difference-engine-1822",
        "email": "charles@example.com",
        "phone_number": "+33612345678",
        "firstname": "Charles",
        "lastname": "Babbage",
        "middlename": "",
        "profile_image_id": charles_avatar["id"],
    }
    ok(charles.post("/register", json=registration), 201)
    charles_user = json_of(charles.post("/login", json={"identity": "charles", "password": "difference-engine-1822"}))
    reply = json_of(
        charles.post(
            f"/{discussion['id']}/comments",
            json={"author_id": charles_user["id"], "comment_text": "Splendid.", "attachments": [], "replied_message": first["id"]},
        ),
        201,
    )
    assert_shape(reply, COMMENT)
    assert reply["replied_message"]["id"] == first["id"]

    # Both lists, as each of them sees them.
    for session, viewer in ((ada, me), (charles, charles_user)):
        for path in ("/user-discussions/list", "/discussions/list"):
            listed = json_of(session.get(path))
            assert_shape(listed, [{"id": str, "name": str, "participants": list, "comments": list}], path)
            [seen] = [d for d in listed if d["id"] == discussion["id"]]
            assert [c["id"] for c in seen["comments"]] == [first["id"], reply["id"]]
            for person in seen["participants"] + [c["author"] for c in seen["comments"]]:
                expected = USER if person["id"] == viewer["id"] else OTHER_USER
                assert_shape(person, expected, f"{path} as {viewer['login']}")
            assert_shape(seen["comments"][0], {**COMMENT, "author": USER if viewer is me else OTHER_USER})
            assert seen["comments"][1]["replied_message"]["id"] == first["id"]

    # Change the password (API.md adds old_password), log out, log in by phone number.
    ok(
        ada.post(
            "/change-password",
            json={"old_password": "analytical-engine-1843", "password": "poetical-science-1843", "password_retry": "poetical-science-1843"},
        )
    )
    ok(ada.get("/logout"))
    assert ada.get("/user-discussions/list").status_code == 401
    assert_shape(json_of(ada.post("/login", json={"identity": "+447911123456", "password": "poetical-science-1843"})), USER)
    ok(ada.get("/logout"))

    # Forgot it: request a reset, follow the emailed link, set a new password, log in with it.
    sent_before = len(mailoutbox)  # the confirmation emails of the registrations
    ok(ada.post("/password-reset-request", json={"email": "ada@example.com"}))
    [reset_email] = mailoutbox[sent_before:]
    assert reset_email.to == ["ada@example.com"]
    reset_id = reset_id_from(reset_email)
    ok(ada.get(f"/password-reset-procedure/{reset_id}"))
    ok(ada.post(f"/password-reset-procedure/{reset_id}", json={"password": "notes-by-the-translator"}))
    assert ada.get(f"/password-reset-procedure/{reset_id}").status_code == 410
    assert_shape(json_of(ada.post("/login", json={"identity": "ada@example.com", "password": "notes-by-the-translator"})), USER)
    ok(ada.get("/logout"))
