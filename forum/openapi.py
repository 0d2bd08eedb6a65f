"""The OpenAPI 3.1 document of the JSON API, written as data (served at ``/api/openapi.json``).

It is the truth about the API, and the tests hold it to that: ``tests/api/test_openapi.py``
checks that it is valid OpenAPI 3.1 and names exactly the JSON routes of the URLconf (with the
methods each answers), and ``tests/api/test_schemathesis.py`` runs Schemathesis from it against
a live server, failing on any 5xx, any undocumented status, and any response that does not match.

How it is laid out:
- ``SCHEMAS``: the objects of ../shared/API.md (``User``, ``Upload``, ``Discussion``,
  ``Comment``, ``RepliedMessage``, ``Error`` ...) and the request bodies.
- ``PARAMETERS``, ``HEADERS``, ``RESPONSES``: reused pieces; every error status has one
  response (``400`` ... ``429``) whose description an operation may sharpen (``error(404, "...")``).
- ``*_PATHS``: the endpoints, one group per area (accounts, uploads, discussions, comments,
  moderation, this document). An endpoint documented before its view exists goes into
  tests/api/pending.py until it is merged.
- ``op()`` adds the statuses every operation of a kind can answer (400/413/415 for a JSON
  body, 401 when a session is required, 403 when a ban has just ended the session).

Changing a view's statuses, fields or methods means changing this file; the tests say where.
"""

from copy import deepcopy

OPENAPI_VERSION = "3.1.0"
PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 100
COMMENTS_LIMIT_DEFAULT = 20
COMMENTS_LIMIT_MAX = 100
MAX_ATTACHMENTS = 10
COMMENT_TEXT_MAX_LENGTH = 20_000
DISCUSSION_NAME_MAX_LENGTH = 200
NAME_MAX_LENGTH = 150
LOGIN_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
REASON_MAX_LENGTH = 1000
SESSION_SCHEME = "session"
ONE_LINE = (
    "One line with at least one visible character: no line breaks, tabs, invisible control or format characters "
    "(bidirectional overrides and isolates among them; the joiners U+200C and U+200D are allowed) or unassigned "
    "code points."
)

# --- Small builders -------------------------------------------------------------------------------


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def array_of(schema: dict, **extra) -> dict:
    return {"type": "array", "items": schema, **extra}


def obj(properties: dict, required=(), *, closed: bool = False, **extra) -> dict:
    """An object schema; ``closed`` forbids keys that are not listed (used for responses, so
    that a field added to a serializer without being documented fails the tests)."""
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def json_body(schema: dict, *, required: bool = True, description: str = "", example=None) -> dict:
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    body = {"required": required, "content": {"application/json": media}}
    if description:
        body["description"] = description
    return body


def ok(description: str, schema: dict | None = None, *, headers: dict | None = None, html: bool = False) -> dict:
    response = {"description": description}
    content = {}
    if schema is not None:
        content["application/json"] = {"schema": schema}
    if html:
        content["text/html"] = {"schema": {"type": "string"}}
    if content:
        response["content"] = content
    if headers:
        response["headers"] = headers
    return response


ERROR_RESPONSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Gone",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
}


def error(status: int, description: str | None = None) -> dict:
    """The shared response for an error ``status``; ``description`` says when this operation
    answers it (OpenAPI 3.1 lets a reference override the description)."""
    response = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status]}"}
    if description:
        response["description"] = description
    return response


def errors(*statuses: int | tuple[int, str]) -> dict:
    """``errors(401, (404, "No such discussion."))`` → the responses mapping for those statuses."""
    out = {}
    for item in statuses:
        status, description = item if isinstance(item, tuple) else (item, None)
        out[str(status)] = error(status, description)
    return out


def op(
    tag: str,
    operation_id: str,
    summary: str,
    responses: dict,
    *,
    description: str = "",
    login: bool | None = False,
    parameters: list | None = None,
    body: dict | None = None,
    ban_may_end_session: bool = True,
) -> dict:
    """One operation. ``login``: True (session required, 401 without), False (anyone; a
    session is used when present), None (no session involved).

    The statuses that ``forum.jsonapi`` and the middleware answer for every operation of a kind
    are added when ``responses`` does not name them already: 400, 413 and 415 for a JSON body,
    401 when a session is required, and 403 for the first request of a session that a ban has
    just ended (``users.middleware.BannedSessionMiddleware``; not on login and logout).
    """
    responses = dict(responses)
    if body is not None and "application/json" in body["content"]:
        responses.setdefault("400", error(400))
        responses.setdefault("413", error(413, "The JSON body is larger than the server reads (2 MB)."))
        responses.setdefault("415", error(415))
    if login is True:
        responses.setdefault("401", error(401))
    if ban_may_end_session:
        responses.setdefault("403", error(403))
    operation = {"tags": [tag], "operationId": operation_id, "summary": summary}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = body
    operation["responses"] = dict(sorted(responses.items()))
    if login is True:
        operation["security"] = [{SESSION_SCHEME: []}]
    elif login is False:
        operation["security"] = [{}, {SESSION_SCHEME: []}]
    else:
        operation["security"] = [{}]
    return operation


def param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def header(name: str) -> dict:
    return {"$ref": f"#/components/headers/{name}"}


PAGE_HEADERS = {"Link": header("Link"), "X-Total-Count": header("X-Total-Count")}
SESSION_COOKIE_HEADERS = {"Set-Cookie": header("Set-Cookie")}
JSON_BODY_ERRORS = ((400, "Invalid fields (see `errors`), or a body that is not a JSON object."), 415)

# --- Schemas --------------------------------------------------------------------------------------

UUID = {"type": "string", "format": "uuid"}
DATE_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with a UTC offset."}
OBJECT_ID = {
    "description": 'An id: a UUID string, or an object with an `"id"` (other keys are ignored), as the seed sends whole objects.',
    "anyOf": [UUID, obj({"id": UUID}, ["id"])],
}

MODERATION_KINDS = [
    "lock", "unlock", "pin", "unpin", "delete_comment", "ban", "unban", "set_role", "resolve_report", "dismiss_report",
]

SCHEMAS = {
    "User": obj(
        {
            "id": UUID,
            "login": {"type": "string"},
            "email": {
                "type": ["string", "null"],
                "description": "Shown to the user themself and to moderators and admins; `null` for anyone else.",
            },
            "phone_number": {
                "type": ["string", "null"],
                "description": "E.164 (`+447911123456`). Shown like `email`; `null` when hidden or not set.",
            },
            "firstname": {"type": "string"},
            "lastname": {"type": "string"},
            "middlename": {"type": "string"},
            "profile_image": nullable(ref("Upload")),
            "role_type": {"type": "string", "enum": ["user", "moderator", "admin"]},
            "is_banned": {"type": "boolean"},
        },
        [
            "id", "login", "email", "phone_number", "firstname", "lastname", "middlename",
            "profile_image", "role_type", "is_banned",
        ],
        closed=True,
    ),
    "Upload": obj(
        {
            "id": UUID,
            "created_at": DATE_TIME,
            "type": {"type": "string", "description": "The MIME type the forum detected (never the client's claim).", "examples": ["image/png"]},
            "name": {"type": "string", "description": "The file name the client sent, for display."},
            "size": {"type": "integer", "minimum": 0, "description": "Bytes, as stored (images are re-encoded)."},
            "url": {"type": "string", "format": "uri", "description": "`GET` it for the file."},
            "width": {"type": "integer", "minimum": 1, "description": "Images only."},
            "height": {"type": "integer", "minimum": 1, "description": "Images only."},
            "thumbnail_url": {"type": "string", "format": "uri", "description": "Images only."},
        },
        ["id", "created_at", "type", "name", "size", "url"],
        closed=True,
        description="A stored file. Images (JPEG, PNG, GIF, WebP) also have `width`, `height` and `thumbnail_url`.",
    ),
    "Discussion": obj(
        {
            "id": UUID,
            "name": {"type": "string"},
            "participants": array_of(ref("User")),
            "comments": array_of(
                ref("Comment"),
                description=f"The latest `comments_limit` comments (default {COMMENTS_LIMIT_DEFAULT}), oldest first.",
            ),
            "created_at": DATE_TIME,
            "last_activity_at": DATE_TIME,
            "visibility": {"type": "string", "enum": ["public", "private"]},
            "is_locked": {"type": "boolean"},
            "is_pinned": {"type": "boolean"},
            "comments_count": {"type": "integer", "minimum": 0, "description": "All comments, deleted ones included."},
        },
        [
            "id", "name", "participants", "comments", "created_at", "last_activity_at", "visibility",
            "is_locked", "is_pinned", "comments_count",
        ],
        closed=True,
    ),
    "Comment": obj(
        {
            "id": UUID,
            "created_at": DATE_TIME,
            "author": ref("User"),
            "comment_text": {"type": "string", "description": "Markdown as written; `\"\"` when deleted (staff still see it)."},
            "attachments": array_of(ref("Upload"), description="Empty when deleted (staff still see them)."),
            "replied_message": nullable(ref("RepliedMessage")),
            "edited_at": nullable(DATE_TIME),
            "is_deleted": {"type": "boolean"},
        },
        ["id", "created_at", "author", "comment_text", "attachments", "replied_message", "edited_at", "is_deleted"],
        closed=True,
    ),
    "RepliedMessage": obj(
        {"id": UUID, "created_at": DATE_TIME, "author": ref("User"), "comment_text": {"type": "string"}},
        ["id", "created_at", "author", "comment_text"],
        closed=True,
        description="The comment being answered, in short (the seed's `???`).",
    ),
    "Error": obj(
        {
            "message": {"type": "string", "description": "A sentence a person can read."},
            "errors": {
                "type": "object",
                "description": "Field validation only: messages per field (`__all__` for the body as a whole).",
                "additionalProperties": array_of({"type": "string"}),
            },
        },
        ["message"],
        closed=True,
    ),
    "Message": obj({"message": {"type": "string"}}, ["message"], closed=True),
    "Invitation": obj(
        {"participant": ref("User"), "inviter": ref("User")}, ["participant", "inviter"], closed=True
    ),
    "Preview": obj(
        {"comment_text": {"type": "string"}, "html": {"type": "string", "description": "The HTML a comment with this text would show."}},
        ["comment_text", "html"],
        closed=True,
    ),
    "DiscussionRef": obj({"id": UUID, "name": {"type": "string"}}, ["id", "name"], closed=True),
    "CommentRef": obj(
        {
            "id": UUID,
            "discussion_id": UUID,
            "comment_text": {"type": "string", "description": "Also when deleted: the log is for staff."},
            "is_deleted": {"type": "boolean"},
        },
        ["id", "discussion_id", "comment_text", "is_deleted"],
        closed=True,
    ),
    "Report": obj(
        {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "resolved", "dismissed"]},
            "reason": {"type": "string"},
            "created_at": DATE_TIME,
            "reporter": ref("User"),
            "comment": ref("Comment"),
            "discussion": ref("DiscussionRef"),
            "handled_by": nullable(ref("User")),
            "handled_at": nullable(DATE_TIME),
        },
        ["id", "status", "reason", "created_at", "reporter", "comment", "discussion", "handled_by", "handled_at"],
        closed=True,
        description="A user's report of a comment, in the moderators' queue until resolved or dismissed.",
    ),
    "ModerationAction": obj(
        {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": MODERATION_KINDS},
            "actor": nullable(ref("User")),
            "target_user": nullable(ref("User")),
            "discussion": nullable(ref("DiscussionRef")),
            "comment": nullable(ref("CommentRef")),
            "reason": {"type": "string"},
            "details": {"type": "object", "description": "What else the action recorded (a ban's end, a role's old and new value...)."},
            "created_at": DATE_TIME,
        },
        ["id", "kind", "actor", "target_user", "discussion", "comment", "reason", "details", "created_at"],
        closed=True,
        description="One entry of the audit log: who did what to whom or what, why, and when.",
    ),
    # --- request bodies ---
    "RegisterRequest": obj(
        {
            "login": {"type": "string", "maxLength": LOGIN_MAX_LENGTH, "description": "Letters, digits and `@.+-_`."},
            "password": {"type": "string", "description": "Checked by Django's password validators."},
            "email": {"type": "string", "format": "email", "maxLength": EMAIL_MAX_LENGTH},
            "phone_number": {"type": ["string", "null"], "description": "Optional, with the country code."},
            "firstname": {"type": ["string", "null"], "maxLength": NAME_MAX_LENGTH, "description": ONE_LINE},
            "lastname": {"type": ["string", "null"], "maxLength": NAME_MAX_LENGTH, "description": ONE_LINE},
            "middlename": {"type": ["string", "null"], "maxLength": NAME_MAX_LENGTH, "description": ONE_LINE},
            "profile_image_id": {
                "anyOf": [UUID, {"type": "null"}],
                "description": (
                    "An image uploaded beforehand with `POST /uploads`, anonymously and in the same session: send "
                    "the session cookie that `POST /uploads` set. An upload of another session (or none) is refused "
                    "with 400, as an unknown id is."
                ),
            },
        },
        ["login", "password", "email"],
    ),
    "LoginRequest": obj(
        {
            "identity": {"type": "string", "description": "Email address, phone number or login."},
            "password": {"type": "string"},
        },
        ["identity", "password"],
    ),
    "PasswordResetRequest": obj({"email": {"type": "string", "format": "email"}}, ["email"]),
    "PasswordResetProcedureRequest": obj({"password": {"type": "string"}}, ["password"]),
    "ChangePasswordRequest": obj(
        {
            "old_password": {"type": "string", "description": "Not in the seed: API.md adds it."},
            "password": {"type": "string"},
            "password_retry": {"type": "string", "description": "Must equal `password`."},
        },
        ["old_password", "password", "password_retry"],
    ),
    "ProfileUpdateRequest": obj(
        {
            "firstname": {"type": "string", "maxLength": NAME_MAX_LENGTH, "description": ONE_LINE},
            "lastname": {"type": "string", "maxLength": NAME_MAX_LENGTH, "description": ONE_LINE},
            "middlename": {"type": "string", "maxLength": NAME_MAX_LENGTH, "description": ONE_LINE},
            "phone_number": {"type": ["string", "null"], "description": '`null` or `""` removes it.'},
            "profile_image_id": {
                "anyOf": [UUID, {"type": "null"}],
                "description": (
                    "An image upload to use: one's own, or an anonymous one of the same session (cookie); "
                    "`null` removes the image."
                ),
            },
        },
        description=(
            "Only the fields sent change. `id`, `login`, `email`, `role_type`, `is_banned` and `profile_image` "
            "are not changed here: sent with the value `GET /me` gives they are left as they are (a client "
            "may send back the whole object), with another value they are a 400 that says where it is changed. "
            "`password` (and `password1`, `password2`, `old_password`, `new_password`, `password_retry`) is a 400 "
            "naming `POST /change-password`."
        ),
    ),
    "StartDiscussionRequest": obj(
        {
            "name": {"type": "string", "minLength": 1, "maxLength": DISCUSSION_NAME_MAX_LENGTH, "description": ONE_LINE},
            "visibility": {"type": "string", "enum": ["public", "private"], "default": "public"},
            "comment_text": {"type": "string", "maxLength": COMMENT_TEXT_MAX_LENGTH, "description": "An optional first comment."},
        },
        ["name"],
    ),
    "CommentRequest": obj(
        {
            "comment_text": {"type": "string", "maxLength": COMMENT_TEXT_MAX_LENGTH, "description": "Markdown."},
            "attachments": array_of(
                OBJECT_ID,
                maxItems=MAX_ATTACHMENTS,
                description="Your own uploads (`POST /uploads`) not attached elsewhere: ids, or upload objects as the seed sends.",
            ),
            "replied_message": {
                "anyOf": [UUID, obj({"id": UUID}, ["id"]), {"type": "null"}],
                "description": (
                    "The comment of this discussion being answered: an id, an object with `id`, or `null` "
                    "(or left out) for none. An object without `id` is a 400."
                ),
            },
            "author_id": {
                "anyOf": [UUID, obj({"id": UUID}, ["id"]), {"type": "null"}],
                "description": "The seed sends it. Optional; anything but your own id is refused (403).",
            },
        },
        description="Text, attachments or both.",
    ),
    "EditCommentRequest": obj(
        {"comment_text": {"type": "string", "maxLength": COMMENT_TEXT_MAX_LENGTH}}, ["comment_text"]
    ),
    "ReasonRequest": obj({"reason": {"type": "string", "maxLength": REASON_MAX_LENGTH}}),
    "PreviewRequest": obj({"comment_text": {"type": "string", "maxLength": COMMENT_TEXT_MAX_LENGTH}}),
    "InviteRequest": obj({"login": {"type": "string", "maxLength": LOGIN_MAX_LENGTH}}, ["login"]),
    "BanRequest": obj(
        {
            "reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX_LENGTH, "description": "Shown to the user when they try to log in."},
            "until": {**nullable(DATE_TIME), "description": "The end of the ban; left out or `null`: no end."},
            "hide_content": {"type": "boolean", "default": False, "description": "Also hide everything they posted."},
        },
        ["reason"],
    ),
    "ReportRequest": obj({"reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX_LENGTH}}, ["reason"]),
    "ResolveReportRequest": obj(
        {
            "delete_comment": {"type": "boolean", "default": False},
            "reason": {"type": "string", "maxLength": REASON_MAX_LENGTH},
        }
    ),
    "RoleRequest": obj({"role_type": {"type": "string", "enum": ["user", "moderator", "admin"]}}, ["role_type"]),
}

PARAMETERS = {
    "page": {
        "name": "page",
        "in": "query",
        "description": "The page, from 1. Past the last page the list is empty.",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "description": f"Items per page (default {PER_PAGE_DEFAULT}; more than {PER_PAGE_MAX} counts as {PER_PAGE_MAX}).",
        "schema": {"type": "integer", "minimum": 1, "default": PER_PAGE_DEFAULT},
    },
    "comments_limit": {
        "name": "comments_limit",
        "in": "query",
        "description": (
            f"How many of the latest comments each discussion embeds (default {COMMENTS_LIMIT_DEFAULT}; "
            f"more than {COMMENTS_LIMIT_MAX} counts as {COMMENTS_LIMIT_MAX}; 0 for none)."
        ),
        "schema": {"type": "integer", "minimum": 0, "default": COMMENTS_LIMIT_DEFAULT},
    },
    "discussion_id": {"name": "discussion_id", "in": "path", "required": True, "schema": UUID},
    "comment_id": {"name": "comment_id", "in": "path", "required": True, "schema": UUID},
    "user_id": {"name": "user_id", "in": "path", "required": True, "schema": UUID},
    "upload_id": {"name": "upload_id", "in": "path", "required": True, "schema": UUID},
    "report_id": {"name": "report_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
    "reset_id": {
        "name": "reset_id",
        "in": "path",
        "required": True,
        "description": "The key from the emailed link.",
        "schema": {"type": "string", "pattern": "^[^/]+$"},
    },
}

HEADERS = {
    "Link": {
        "description": 'Pagination links, RFC 8288: `<url>; rel="first"`, `prev`, `next`, `last` (prev and next only when they exist).',
        "required": True,
        "schema": {"type": "string"},
    },
    "X-Total-Count": {
        "description": "The number of items in all pages.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    "Allow": {"description": "The methods this path answers.", "required": True, "schema": {"type": "string"}},
    "Set-Cookie": {
        "description": "The session cookie (`sessionid`, HttpOnly, SameSite=Lax). Keep it in a cookie jar.",
        "schema": {"type": "string"},
    },
}

ERROR_CONTENT = {"application/json": {"schema": ref("Error")}}
RESPONSES = {
    "BadRequest": {"description": "Invalid input: `errors` names the fields.", "content": ERROR_CONTENT},
    "Unauthorized": {"description": "Not logged in (or, for `POST /login`, wrong identity or password).", "content": ERROR_CONTENT},
    "Forbidden": {
        "description": (
            "Not allowed. Also the answer to the first request of a session that a ban has just ended "
            "(its `message` says why; later requests are anonymous)."
        ),
        "content": ERROR_CONTENT,
    },
    "NotFound": {
        "description": "Unknown, or private and not yours to see (the API never reveals that it exists).",
        "content": ERROR_CONTENT,
    },
    "MethodNotAllowed": {
        "description": "The path exists but not with this method; `Allow` lists the methods it answers.",
        "headers": {"Allow": header("Allow")},
        "content": ERROR_CONTENT,
    },
    "Conflict": {"description": "The login, email address or phone number is already taken.", "content": ERROR_CONTENT},
    "Gone": {"description": "The password reset link has expired or was already used.", "content": ERROR_CONTENT},
    "PayloadTooLarge": {"description": "The body is too large.", "content": ERROR_CONTENT},
    "UnsupportedMediaType": {
        "description": "The body is not `application/json` (or, for uploads, not `multipart/form-data` or a refused file type).",
        "content": ERROR_CONTENT,
    },
    "TooManyRequests": {
        "description": "Rate limited: wait `Retry-After` seconds.",
        "headers": {"Retry-After": header("Retry-After")},
        "content": ERROR_CONTENT,
    },
}

SECURITY_SCHEMES = {
    SESSION_SCHEME: {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": (
            "The session cookie that `POST /login` (or `POST /register`) sets. Keep a cookie jar; "
            "there is no token to copy. JSON bodies need no CSRF token; uploads need an "
            "`X-Requested-With` header (or Django's CSRF token)."
        ),
    }
}

# --- Paths: accounts --------------------------------------------------------------------------------

ACCOUNTS = "Accounts"

ACCOUNT_PATHS = {
    "/register": {
        "post": op(
            ACCOUNTS,
            "register",
            "Create an account (and log in)",
            {
                "201": ok("The new user, logged in: the session cookie is set.", ref("User"), headers=SESSION_COOKIE_HEADERS),
                **errors(
                    (
                        400,
                        "Invalid fields, a weak password, or a field a client may not set (`id`, `role_type`, "
                        "`is_banned`, `is_superuser`, `is_staff`, `is_active`).",
                    ),
                    (403, "Sign-up is closed."),
                    409,
                    415,
                    429,
                ),
            },
            body=json_body(
                ref("RegisterRequest"),
                example={
                    "login": "ada",
                    "password": "correct-horse-battery-staple",
                    "email": "ada@example.com",
                    "phone_number": "+447911123456",
                    "firstname": "Ada",
                    "lastname": "Lovelace",
                    "middlename": "",
                },
            ),
        )
    },
    "/login": {
        "post": op(
            ACCOUNTS,
            "login",
            "Log in",
            {
                "200": ok("The user; the session cookie is set.", ref("User"), headers=SESSION_COOKIE_HEADERS),
                **errors(
                    (400, "A field is missing or not a string."),
                    (401, "The identity or the password is not correct (one message for both)."),
                    (403, "The account is banned or deactivated (said only after the right password), or waits for email confirmation."),
                    415,
                    (429, "Too many logins or failed logins."),
                ),
            },
            body=json_body(ref("LoginRequest"), example={"identity": "ada@example.com", "password": "correct-horse-battery-staple"}),
            ban_may_end_session=False,  # a banned user's login answers 403 with the reason anyway
        )
    },
    "/logout": {
        method: op(
            ACCOUNTS,
            f"logout_{method}",
            f"Log out ({method.upper()})",
            {"200": ok("Logged out (also when there was no session).", ref("Message"))},
            description="Reads no body. The seed uses `GET`.",
            ban_may_end_session=False,
        )
        for method in ("get", "post")
    },
    "/password-reset-request": {
        "post": op(
            ACCOUNTS,
            "password_reset_request",
            "Ask for a password reset link by email",
            {
                "200": ok(
                    "Always, whether an account has this address or not (no enumeration). The email links to "
                    "`/password-reset-procedure/{reset_id}`.",
                    ref("Message"),
                ),
                **errors((400, "Not an email address."), 415, 429),
            },
            login=None,
            body=json_body(ref("PasswordResetRequest"), example={"email": "ada@example.com"}),
        )
    },
    "/password-reset-procedure/{reset_id}": {
        "parameters": [param("reset_id")],
        "get": op(
            ACCOUNTS,
            "password_reset_check",
            "Check a password reset link",
            {
                "200": ok("The link holds (a browser gets the form to choose a password).", ref("Message"), html=True),
                **errors((404, "No such link."), 410),
            },
            login=None,
            description=(
                "The emailed link, shared by browsers and API clients: a request with "
                "`Accept: application/json` (or a JSON body) gets JSON, anything else the HTML page."
            ),
        ),
        "post": op(
            ACCOUNTS,
            "password_reset_complete",
            "Set a new password with a reset link",
            {
                "200": ok("The password is set, the link spent, the user's other sessions ended.", ref("Message")),
                **errors(
                    (400, "A weak password."),
                    (404, "No such link."),
                    410,
                    (415, "The body is not JSON although JSON was asked for with `Accept`."),
                    429,
                ),
            },
            login=None,
            description="Send `Content-Type: application/json`; a browser's form post to the same URL gets HTML.",
            body=json_body(ref("PasswordResetProcedureRequest"), example={"password": "a new long passphrase"}),
        ),
    },
    "/change-password": {
        "post": op(
            ACCOUNTS,
            "change_password",
            "Change the password",
            {
                "200": ok("Changed: this session stays, the user's other sessions end.", ref("Message")),
                **errors((400, "Wrong old password, the two new ones differ, or the new one is weak."), 401, 415, 429),
            },
            login=True,
            body=json_body(
                ref("ChangePasswordRequest"),
                example={
                    "old_password": "correct-horse-battery-staple",
                    "password": "a new long passphrase",
                    "password_retry": "a new long passphrase",
                },
            ),
        )
    },
    "/me": {
        "get": op(ACCOUNTS, "me", "The logged-in user", {"200": ok("The user.", ref("User")), **errors(401)}, login=True),
        "patch": op(
            ACCOUNTS,
            "me_update",
            "Edit one's profile",
            {
                "200": ok("The user as changed.", ref("User")),
                **errors(
                    (
                        400,
                        "Invalid fields, a field that is not changed here (`id`, `login`, `email`, `role_type`, `is_banned`, "
                        "`profile_image`) sent with another value than it has, a password (changed with "
                        "`POST /change-password`), or an upload that cannot be the profile image.",
                    ),
                    401,
                    (409, "The phone number is taken."),
                    415,
                ),
            },
            login=True,
            body=json_body(ref("ProfileUpdateRequest"), example={"firstname": "Ada", "profile_image_id": None}),
        ),
    },
}

# --- Paths: uploads ---------------------------------------------------------------------------------

UPLOADS = "Uploads"
FILE_CONTENT = {
    "image/*": {"schema": {"type": "string", "format": "binary"}},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "text/plain": {"schema": {"type": "string"}},
}

UPLOAD_PATHS = {
    "/uploads": {
        "post": op(
            UPLOADS,
            "upload_create",
            "Upload a file",
            {
                "201": ok("The stored upload (images re-encoded without metadata).", ref("Upload")),
                **errors(
                    (400, "No `file` field, several files, an empty file, or an unreadable body."),
                    (403, "Neither an `X-Requested-With` header nor a CSRF token."),
                    (413, "Over the size limit (2 MB anonymous, 10 MB logged in) or too many pixels."),
                    (415, "Not multipart, or a type that is not accepted (anonymous: images only)."),
                    429,
                ),
            },
            description=(
                "Logged in: images (JPEG, PNG, GIF, WebP), PDF or UTF-8 text, up to 10 MB. Anonymous: one image "
                "of at most 2 MB, to name as `profile_image_id` when registering in the same session (keep the session "
                "cookie this answer sets: only that session may claim it). Then name "
                "uploads in a comment's `attachments`."
            ),
            parameters=[
                {
                    "name": "X-Requested-With",
                    "in": "header",
                    "description": "Any value (e.g. `XMLHttpRequest`); required unless the request carries Django's CSRF token.",
                    "schema": {"type": "string"},
                    "example": "XMLHttpRequest",
                }
            ],
            body={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": obj({"file": {"type": "string", "format": "binary"}}, ["file"]),
                        "encoding": {"file": {"contentType": "image/jpeg, image/png, image/gif, image/webp, application/pdf, text/plain"}},
                    }
                },
            },
        )
    },
    "/uploads/{upload_id}/": {
        "parameters": [param("upload_id")],
        "get": op(
            UPLOADS,
            "upload_file",
            "Download an upload",
            {"200": {"description": "The file (images inline, other files as an attachment).", "content": FILE_CONTENT}, **errors((404, "Unknown, or not yours to read."))},
        ),
    },
    "/uploads/{upload_id}/thumbnail": {
        "parameters": [param("upload_id")],
        "get": op(
            UPLOADS,
            "upload_thumbnail",
            "Download an image's thumbnail",
            {
                "200": {"description": "The thumbnail.", "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}},
                **errors((404, "Unknown, not an image, or not yours to read.")),
            },
        ),
    },
}

# --- Paths: discussions and comments ----------------------------------------------------------------

DISCUSSIONS = "Discussions"
COMMENTS = "Comments"
WRITE_LIMIT = (
    "Too many {what} from this user in a short time (moderators and admins are not limited): "
    "wait `Retry-After` seconds."
)
PAGE_PARAMETERS = [param("page"), param("per_page")]


def _start_discussion(operation_id: str, note: str) -> dict:
    return op(
        DISCUSSIONS,
        operation_id,
        "Start a discussion",
        {
            "201": ok("The discussion; its creator is its first participant.", ref("Discussion")),
            **errors(
                (400, "Invalid fields, or an invalid `comments_limit`."),
                401,
                (403, "The account is banned."),
                415,
                (429, WRITE_LIMIT.format(what="discussions (and comments, for a first comment)")),
            ),
        },
        description=note,
        login=True,
        parameters=[param("comments_limit")],
        body=json_body(ref("StartDiscussionRequest"), example={"name": "Analytical engines", "visibility": "public"}),
    )


DISCUSSION_PATHS = {
    "/dicussion": {"post": _start_discussion("discussion_create_seed", "The seed's spelling; the same as `POST /discussion`.")},
    "/discussion": {"post": _start_discussion("discussion_create", "")},
    "/user-discussions/list": {
        "get": op(
            DISCUSSIONS,
            "discussion_list_mine",
            "The discussions I take part in",
            {
                "200": ok("Latest activity first.", array_of(ref("Discussion")), headers=PAGE_HEADERS),
                **errors((400, "`page`, `per_page` or `comments_limit` is not a valid number."), 401),
            },
            login=True,
            parameters=[*PAGE_PARAMETERS, param("comments_limit")],
        )
    },
    "/discussions/list": {
        "get": op(
            DISCUSSIONS,
            "discussion_list",
            "All the discussions I may see",
            {
                "200": ok("Pinned first, then latest activity first.", array_of(ref("Discussion")), headers=PAGE_HEADERS),
                **errors((400, "`page`, `per_page` or `comments_limit` is not a valid number.")),
            },
            parameters=[*PAGE_PARAMETERS, param("comments_limit")],
        )
    },
    "/discussions/{discussion_id}": {
        "parameters": [param("discussion_id")],
        "get": op(
            DISCUSSIONS,
            "discussion_detail",
            "A discussion",
            {"200": ok("The discussion.", ref("Discussion")), **errors((400, "Invalid `comments_limit`."), 404)},
            parameters=[param("comments_limit")],
        ),
    },
    "/{discussion_id}/comments": {
        "parameters": [param("discussion_id")],
        "get": op(
            COMMENTS,
            "comment_list",
            "A discussion's comments",
            {
                "200": ok("Oldest first.", array_of(ref("Comment")), headers=PAGE_HEADERS),
                **errors((400, "Invalid `page` or `per_page`, or `after` is not a comment of this discussion."), 404),
            },
            parameters=[
                *PAGE_PARAMETERS,
                {
                    "name": "after",
                    "in": "query",
                    "description": "Only the comments newer than this comment of the discussion.",
                    "schema": UUID,
                },
            ],
        ),
        "post": op(
            COMMENTS,
            "comment_create",
            "Comment in a discussion",
            {
                "201": ok("The comment; its author is now a participant.", ref("Comment")),
                **errors(
                    (
                        400,
                        "Neither text nor attachment, a `replied_message` or `author_id` that is neither an id, an "
                        "object with `id` nor `null`, a reply to a comment of another discussion, or an attachment "
                        "that is unknown, someone else's or already attached.",
                    ),
                    401,
                    (403, "Banned, the discussion is locked, private and you are not a participant, or `author_id` is not you."),
                    404,
                    415,
                    (429, WRITE_LIMIT.format(what="comments")),
                ),
            },
            login=True,
            body=json_body(
                ref("CommentRequest"),
                example={"comment_text": "I agree.", "attachments": [], "replied_message": None},
            ),
        ),
    },
}

# --- Paths: editing, deleting and previewing comments; inviting participants -----------------------

COMMENT_PATHS = {
    "/comments/{comment_id}": {
        "parameters": [param("comment_id")],
        "get": op(COMMENTS, "comment_detail", "A comment", {"200": ok("The comment.", ref("Comment")), **errors(404)}),
        "patch": op(
            COMMENTS,
            "comment_edit",
            "Edit one's comment",
            {
                "200": ok("The comment with its new text and `edited_at`.", ref("Comment")),
                **errors(
                    (400, "`comment_text` missing, or empty on a comment without attachments."),
                    401,
                    (403, "Not the author, banned, deleted, or the discussion is locked."),
                    404,
                    415,
                ),
            },
            login=True,
            body=json_body(ref("EditCommentRequest"), example={"comment_text": "Edited."}),
        ),
        "delete": op(
            COMMENTS,
            "comment_delete",
            "Delete a comment (soft)",
            {
                "200": ok("The comment as the deleter now sees it (`is_deleted`).", ref("Comment")),
                **errors(400, 401, (403, "Neither the author (in an unlocked discussion) nor staff, banned, or deleted already."), 404, 415),
            },
            login=True,
            description="The text and attachments are hidden but kept for the audit log. A moderator may give a `reason`.",
            body=json_body(ref("ReasonRequest"), required=False),
        ),
    },
    "/comments/preview": {
        "post": op(
            COMMENTS,
            "comment_preview",
            "Render a comment's Markdown without saving",
            {"200": ok("The text and its HTML.", ref("Preview")), **errors(*JSON_BODY_ERRORS)},
            body=json_body(ref("PreviewRequest"), example={"comment_text": "**bold**"}),
        )
    },
    "/{discussion_id}/participant": {
        "parameters": [param("discussion_id")],
        "post": op(
            DISCUSSIONS,
            "participant_create",
            "Invite a user into a discussion",
            {
                "201": ok("Who joined, and who invited them.", ref("Invitation")),
                **errors(
                    (400, "No such login, or already a participant."),
                    401,
                    (403, "Not a participant, banned, or the discussion is locked."),
                    404,
                    415,
                    (429, WRITE_LIMIT.format(what="invitations")),
                ),
            },
            login=True,
            body=json_body(ref("InviteRequest"), example={"login": "charles"}),
        ),
    },
}

# --- Paths: moderation -------------------------------------------------------------------------------

MODERATION = "Moderation"
NO_BODY = (
    "With no body, send no `Content-Type` either (as `curl -X POST` does); a browser's request without a body "
    "from another site's page (its `Origin`) gets 403."
)
STAFF_ONLY = (403, "Moderators and admins only.")


def _discussion_action(verb: str, summary: str) -> dict:
    return {
        "parameters": [param("discussion_id")],
        "post": op(
            MODERATION,
            f"discussion_{verb}",
            summary,
            {"200": ok("The discussion.", ref("Discussion")), **errors(400, 401, STAFF_ONLY, 404, 415)},
            login=True,
            description=f"The body is optional: a `reason` for the audit log. {NO_BODY}",
            body=json_body(ref("ReasonRequest"), required=False),
        ),
    }


def _user_action(verb: str, summary: str, body: dict | None, forbidden=STAFF_ONLY, description: str = "") -> dict:
    return {
        "parameters": [param("user_id")],
        "post": op(
            MODERATION,
            f"user_{verb}",
            summary,
            {"200": ok("The user.", ref("User")), **errors(400, 401, forbidden, 404, 415)},
            login=True,
            description=description,
            body=body,
        ),
    }


def _report_action(verb: str, summary: str, body_schema: str) -> dict:
    return {
        "parameters": [param("report_id")],
        "post": op(
            MODERATION,
            f"report_{verb}",
            summary,
            {"200": ok("The report as handled.", ref("Report")), **errors(400, 401, STAFF_ONLY, 404, 415)},
            login=True,
            description=NO_BODY,
            body=json_body(ref(body_schema), required=False),
        ),
    }


MODERATION_PATHS = {
    "/discussions/{discussion_id}/lock": _discussion_action("lock", "Lock a discussion"),
    "/discussions/{discussion_id}/unlock": _discussion_action("unlock", "Unlock a discussion"),
    "/discussions/{discussion_id}/pin": _discussion_action("pin", "Pin a discussion"),
    "/discussions/{discussion_id}/unpin": _discussion_action("unpin", "Unpin a discussion"),
    "/users/{user_id}/ban": _user_action(
        "ban",
        "Ban a user",
        json_body(ref("BanRequest"), example={"reason": "Spam", "until": None}),
        description="A banned user cannot log in, and their sessions stop working at once.",
    ),
    "/users/{user_id}/unban": _user_action(
        "unban", "Lift a user's ban", json_body(ref("ReasonRequest"), required=False), description=NO_BODY
    ),
    "/users/{user_id}/role": _user_action(
        "role", "Set a user's role", json_body(ref("RoleRequest"), example={"role_type": "moderator"}), (403, "Admins only.")
    ),
    "/comments/{comment_id}/report": {
        "parameters": [param("comment_id")],
        "post": op(
            MODERATION,
            "comment_report",
            "Report a comment to the moderators",
            {
                "201": ok("The report.", ref("Report")),
                **errors(
                    400,
                    401,
                    (403, "Banned, or not allowed to report this comment."),
                    404,
                    415,
                    (429, WRITE_LIMIT.format(what="reports")),
                ),
            },
            login=True,
            body=json_body(ref("ReportRequest"), example={"reason": "Spam"}),
        ),
    },
    "/moderation/reports": {
        "get": op(
            MODERATION,
            "report_list",
            "The reports queue",
            {
                "200": ok("Oldest first.", array_of(ref("Report")), headers=PAGE_HEADERS),
                **errors((400, "Invalid `status`, `page` or `per_page`."), 401, STAFF_ONLY),
            },
            login=True,
            parameters=[
                *PAGE_PARAMETERS,
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["open", "resolved", "dismissed", "all"], "default": "open"},
                },
            ],
        )
    },
    "/moderation/reports/{report_id}/resolve": _report_action("resolve", "Resolve a report (optionally deleting the comment)", "ResolveReportRequest"),
    "/moderation/reports/{report_id}/dismiss": _report_action("dismiss", "Dismiss a report", "ReasonRequest"),
    "/moderation/log": {
        "get": op(
            MODERATION,
            "moderation_log",
            "The audit log: who did what to whom, when, why",
            {
                "200": ok("Latest first.", array_of(ref("ModerationAction")), headers=PAGE_HEADERS),
                **errors((400, "An invalid filter, `page` or `per_page`."), 401, STAFF_ONLY),
            },
            login=True,
            parameters=[
                *PAGE_PARAMETERS,
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": MODERATION_KINDS}},
                {"name": "actor", "in": "query", "description": "Who acted: a login or a user id.", "schema": {"type": "string"}},
                {"name": "target_user", "in": "query", "description": "Whom it concerned: a login or a user id.", "schema": {"type": "string"}},
            ],
        )
    },
}

# --- Paths: this document ---------------------------------------------------------------------------

DOCS = "Documentation"
DOCS_PATHS = {
    "/api/openapi.json": {
        "get": op(DOCS, "openapi_document", "This OpenAPI document", {"200": ok("OpenAPI 3.1.", {"type": "object"})}, login=None)
    },
    "/api/docs": {
        "get": op(
            DOCS,
            "api_docs",
            "This document as a readable page",
            {"200": {"description": "HTML (Swagger UI).", "content": {"text/html": {"schema": {"type": "string"}}}}},
            login=None,
        )
    },
}

PATH_GROUPS = (ACCOUNT_PATHS, UPLOAD_PATHS, DISCUSSION_PATHS, COMMENT_PATHS, MODERATION_PATHS, DOCS_PATHS)

DESCRIPTION = """\
The forum's JSON API, at the paths of the original API description (the seed; its `/dicussion`
spelling included) plus those the forum adds. The HTML pages and this API call the same code.

**Conventions**
- Request bodies are JSON (`Content-Type: application/json`), except uploads (multipart). Another
  content type gets `415`; malformed JSON `400`.
- Send `Accept: application/json`. The emailed password reset link is shared with browsers: it
  answers JSON only to a request that asks for JSON (or sends a JSON body).
- Every error is `{"message": "...", "errors": {"field": ["..."]}}` (`errors` only for fields).
- Ids are UUID strings; times are ISO 8601 with a UTC offset.
- Lists are JSON arrays paginated with `page` and `per_page` (default 20, max 100), with `Link`
  and `X-Total-Count` headers.
- A method a path does not answer gets `405` with an `Allow` header.

**Authentication**: the session cookie that `POST /login` sets (keep a cookie jar). JSON bodies
need no CSRF token: a browser cannot send `application/json` across sites without a CORS
preflight, which this site never grants, and the cookie is `SameSite=Lax`. Uploads are
multipart, so they need an `X-Requested-With` header (or Django's CSRF token).
"""


def openapi_document() -> dict:
    """A fresh copy of the whole document (callers may change it)."""
    paths = {}
    for group in PATH_GROUPS:
        paths.update(group)
    return deepcopy(
        {
            "openapi": OPENAPI_VERSION,
            "info": {"title": "Forum API", "version": "1.0.0", "description": DESCRIPTION},
            "servers": [{"url": "/"}],
            "tags": [
                {"name": ACCOUNTS, "description": "Registration, login, passwords, one's profile."},
                {"name": UPLOADS, "description": "Files for profile images and comment attachments."},
                {"name": DISCUSSIONS, "description": "Discussions and their participants."},
                {"name": COMMENTS, "description": "Comments in discussions."},
                {"name": MODERATION, "description": "Moderators' and admins' operations and the audit log."},
                {"name": DOCS, "description": "This document."},
            ],
            "paths": paths,
            "components": {
                "schemas": SCHEMAS,
                "parameters": PARAMETERS,
                "headers": HEADERS,
                "responses": RESPONSES,
                "securitySchemes": SECURITY_SCHEMES,
            },
        }
    )
