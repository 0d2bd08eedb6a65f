"""JSON views for accounts, at the seed's paths (see ../shared/API.md).

They bind allauth's forms (our ``SignupForm`` is allauth's, extended) and call allauth's flows,
exactly as allauth's HTML views do, so the two faces share one login, one signup and one reset
mechanism, and allauth's rate limits. The seed's field names are translated to the forms'
names on the way in (``form_data``) and back for errors (``api_errors``).
"""

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm, LoginForm, ResetPasswordForm, ResetPasswordKeyForm
from allauth.account.internal import flows
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.ratelimit import get_rates
from allauth.utils import get_form_class
from django.core.exceptions import ValidationError

from forum.jsonapi import ApiError, api_view, json_response
from users import services
from users.forms import ProfileForm, SignupForm, add_refusal, error_codes, has_taken_error
from users.permissions import check_log_in
from users.serializers import user_data
from users.upload_views import session_anonymous_upload_ids
from users.uploads import UploadRejected

INVALID_FIELDS = "The request has invalid fields."
INVALID_CREDENTIALS = "The identity or the password is not correct."
TOO_MANY_LOGINS = "Too many failed logins; try again later."
NOT_A_STRING = "Must be a string."
RESET_EMAIL_SENT = "If an account has this email address, a link to reset its password is on its way."

# API field -> form field(s), per operation. The seed sends one password where allauth's forms
# want it twice; the same value fills both.
SIGNUP_FIELDS = {
    "login": "username",
    "password": ("password1", "password2"),
    "email": "email",
    "phone_number": "phone",
    "firstname": "firstname",
    "lastname": "lastname",
    "middlename": "middlename",
    "profile_image_id": "profile_image_id",
}
LOGIN_FIELDS = {"identity": "login", "password": "password"}
RESET_REQUEST_FIELDS = {"email": "email"}
RESET_FIELDS = {"password": ("password1", "password2")}
CHANGE_PASSWORD_FIELDS = {"old_password": "oldpassword", "password": "password1", "password_retry": "password2"}
PROFILE_FIELDS = {name: name for name in ("firstname", "lastname", "middlename", "phone_number", "profile_image_id")}
CHANGE_PASSWORD_ELSEWHERE = "{field} cannot be changed here: use POST /change-password."
# Fields of the user object that PATCH /me does not change, and the passwords it does not take:
# sending one with another value than GET /me gives (passwords: with any value) is a 400 that
# says where it is changed, not a silent success.
READ_ONLY_PROFILE_FIELDS = {
    "id": "id cannot be changed.",
    "login": "login cannot be changed.",
    "email": "email cannot be changed here: change it on the account's email page, /accounts/email/.",
    "role_type": "role_type is read-only here: an admin sets it with POST /users/{id}/role.",
    "is_banned": "is_banned is read-only: moderators use POST /users/{id}/ban and /users/{id}/unban.",
    "profile_image": "Send profile_image_id to change the profile image.",
    **{
        field: CHANGE_PASSWORD_ELSEWHERE.format(field=field)
        for field in ("password", "password1", "password2", "old_password", "new_password", "password_retry")
    },
}
# Fields of the user object that a client may not choose when registering: a 400 naming them.
# (The seed's register request sends none of them.)
REFUSED_SIGNUP_FIELDS = {
    field: f"{field} cannot be set when registering."
    for field in ("id", "role_type", "is_banned", "is_superuser", "is_staff", "is_active")
}


# --- Translating between JSON bodies and allauth's forms ---------------------------------------


def form_data(body: dict, fields: dict) -> dict:
    """Form data from a JSON ``body``: each API field (a key of ``fields``) copied to its form
    field(s). Absent and null values are left out (the form then says what is required).

    Raises ApiError 400 when a value is not a string: a form would otherwise accept ``12``.
    """
    data, errors = {}, {}
    for api_name, form_names in fields.items():
        value = body.get(api_name)
        if value is None:
            continue
        if not isinstance(value, str):
            errors[api_name] = [NOT_A_STRING]
            continue
        for form_name in form_names if isinstance(form_names, tuple) else (form_names,):
            data[form_name] = value
    if errors:
        raise ApiError(400, INVALID_FIELDS, errors)
    return data


def api_errors(form, fields: dict) -> dict:
    """The bound ``form``'s errors keyed by API field names (see ``form_data``)."""
    api_name_of = {}
    for api_name, form_names in fields.items():
        for form_name in form_names if isinstance(form_names, tuple) else (form_names,):
            api_name_of[form_name] = api_name
    errors: dict[str, list[str]] = {}
    for form_name, messages in form.errors.items():
        merged = errors.setdefault(api_name_of.get(form_name, form_name), [])
        merged.extend(str(message) for message in messages if str(message) not in merged)
    return errors


def invalid(form, fields: dict) -> ApiError:
    """409 when a login, email or phone is taken, else 400, with the form's errors."""
    if has_taken_error(form):
        return ApiError(409, "That login, email address or phone number is already taken.", api_errors(form, fields))
    return ApiError(400, INVALID_FIELDS, api_errors(form, fields))


def allauth_form(name: str, default):
    """The form class allauth uses for ``name`` (``ACCOUNT_FORMS`` may replace it)."""
    return get_form_class(allauth_settings.FORMS, name, default)


def consume_rate_limit(request, action: str, **kwargs) -> None:
    """Count this request against allauth's limit for ``action``; RateLimited (429) when over."""
    ratelimit.consume(request, action=action, raise_exception=True, **kwargs)


def retry_after_seconds(action: str) -> int:
    """The longest window of allauth's limits for ``action``: waiting that long always helps."""
    durations = [rate.duration for rate in get_rates(app="allauth.account", action=action)]
    return int(max(durations, default=60))


# --- Registration and login ---------------------------------------------------------------------


@api_view(["POST"])
def register(request):
    """POST /register: allauth's signup with the seed's fields; 201 and the user, logged in.

    400 for invalid fields or a weak password (or a ``profile_image_id`` that is not an image
    uploaded by this session with ``POST /uploads``: the same 400 as an unknown id), 409 when
    the login, email or phone number is taken, 429 over allauth's signup limit.
    """
    if not get_adapter(request).is_open_for_signup(request):
        raise ApiError(403, "Sign-up is closed.")
    consume_rate_limit(request, "signup")
    _refuse_signup_only_fields(request.json)
    form = allauth_form("signup", SignupForm)(data=form_data(request.json, SIGNUP_FIELDS))
    if not form.is_valid():
        raise invalid(form, SIGNUP_FIELDS)
    user, _ = form.try_save(request)
    if user is None:
        raise invalid(form, SIGNUP_FIELDS)
    try:
        flows.signup.complete_signup(request, user=user)
    except ImmediateHttpResponse:
        pass  # a login stage (e.g. mandatory email verification) is pending; the user exists
    return json_response(user_data(user, user, request), status=201)


@api_view(["POST"])
def login(request):
    """POST /login: identity (email, phone number in any common format, or login) and password.

    200 and the user, with the session cookie. 401 with one message whether the identity is
    unknown or the password wrong; 403 for a banned or deactivated account (refused by the
    adapter's pre_login, no session; the reason only after the right password) or a login that
    waits for email verification; 429 over allauth's limits.
    """
    consume_rate_limit(request, "login")
    form = allauth_form("login", LoginForm)(data=form_data(request.json, LOGIN_FIELDS), request=request)
    if not form.is_valid():
        raise _login_error(form)
    try:
        form.login(request)
    except ImmediateHttpResponse:
        pass
    if not request.user.is_authenticated:
        check_log_in(form.user)
        raise ApiError(403, "Confirm your email address first: we have sent you a link.")
    return json_response(user_data(request.user, request.user, request))


def _login_error(form) -> ApiError:
    codes = error_codes(form)
    if "too_many_login_attempts" in codes:
        return ApiError(429, TOO_MANY_LOGINS, headers={"Retry-After": str(retry_after_seconds("login_failed"))})
    if any(code and code.endswith("_password_mismatch") for code in codes):
        return ApiError(401, INVALID_CREDENTIALS)
    return ApiError(400, INVALID_FIELDS, api_errors(form, LOGIN_FIELDS))


@api_view(["GET", "POST"], body=None)
def logout(request):
    """GET or POST /logout: end the session, if any; always 200. Reads no body: the seed's
    clients post nothing. Cross-site, this can only log a person out."""
    flows.logout.logout(request, show_message=False)
    return json_response({"message": "You are logged out."})


# --- Password reset -----------------------------------------------------------------------------


@api_view(["POST"])
def password_reset_request(request):
    """POST /password-reset-request: email. Always 200, known address or not (no enumeration).

    allauth's ResetPasswordForm sends the link (``/password-reset-procedure/<reset_id>``, see
    the adapter) to an account's address, or a note that no account has it. 400 for a
    malformed address, 429 over allauth's limits (per client and per address).
    """
    form = allauth_form("reset_password", ResetPasswordForm)(data=form_data(request.json, RESET_REQUEST_FIELDS))
    if not form.is_valid():
        raise invalid(form, RESET_REQUEST_FIELDS)
    consume_rate_limit(request, "reset_password", key=form.cleaned_data["email"].lower())
    form.save(request)
    return json_response({"message": RESET_EMAIL_SENT})


@api_view(["GET", "POST"])
def password_reset_procedure(request, reset_id: str):
    """GET/POST /password-reset-procedure/<reset_id> for JSON clients (browsers get the form).

    GET: 200 while the link holds. POST {password}: 200, the password is set, the link spent and
    the user's other sessions ended; 400 weak password. Both: 404 unknown link, 410 expired or
    used, 429 over allauth's limit.
    """
    if request.method == "POST":
        consume_rate_limit(request, "reset_password_from_key")
    link = _reset_link(reset_id)
    if request.method == "GET":
        return json_response({"message": "The link is valid: POST the new password to it."})
    form_class = allauth_form("reset_password_from_key", ResetPasswordKeyForm)
    form = form_class(data=form_data(request.json, RESET_FIELDS), user=link.user, temp_key=link.key)
    if not form.is_valid():
        raise invalid(form, RESET_FIELDS)
    services.reset_password_with_link(request=request, link=link, form=form)
    return json_response({"message": "Your password has been changed: log in with the new one."})


def _reset_link(reset_id: str) -> services.ResetLink:
    try:
        return services.find_password_reset_link(reset_id)
    except services.ResetLinkUnknown:
        raise ApiError(404, "There is no such password reset link.")
    except services.ResetLinkGone:
        raise ApiError(410, "This password reset link has expired or was already used: request a new one.")


@api_view(["POST"], login_required=True)
def change_password(request):
    """POST /change-password: old_password, password, password_retry.

    200: the password is changed, this session stays and the user's others end. 401 when not
    logged in; 400 for a wrong old password, a mismatch or a weak password; 429 over the limit.
    """
    consume_rate_limit(request, "change_password")
    form_class = allauth_form("change_password", ChangePasswordForm)
    form = form_class(data=form_data(request.json, CHANGE_PASSWORD_FIELDS), user=request.user)
    if not form.is_valid():
        raise invalid(form, CHANGE_PASSWORD_FIELDS)
    services.change_password(request=request, form=form)
    return json_response({"message": "Your password has been changed."})


def _refuse_signup_only_fields(body: dict) -> None:
    """400 naming each field of ``REFUSED_SIGNUP_FIELDS`` the body sends (with any value)."""
    errors = {field: [message] for field, message in REFUSED_SIGNUP_FIELDS.items() if field in body}
    if errors:
        raise ApiError(400, "Some of these fields cannot be set when registering.", errors)


# --- Own profile --------------------------------------------------------------------------------


@api_view(["GET", "PATCH"], login_required=True)
def me(request):
    """GET /me: the logged-in user. PATCH /me: change any of firstname, lastname, middlename,
    phone_number (null or "" removes it) and profile_image_id (an upload to claim; null removes
    the image); the fields left out stay, and so may the ones it does not change (login, email,
    role_type, is_banned, profile_image) when sent as GET /me gives them. 400 invalid, or one of
    those with another value; 409 phone number taken."""
    if request.method == "PATCH":
        _update_profile(request)
    return json_response(user_data(request.user, request.user, request))


def _update_profile(request) -> None:
    user = request.user
    body = dict(request.json)
    _refuse_read_only_changes(body, user_data(user, user, request))
    remove_image = "profile_image_id" in body and body["profile_image_id"] is None
    data = {**ProfileForm.initial_for(user), **form_data(body, PROFILE_FIELDS)}
    if "phone_number" in body and body["phone_number"] is None:
        data["phone_number"] = ""
    data["remove_profile_image"] = remove_image
    form = ProfileForm(data=data, user=user)
    if not form.is_valid():
        raise invalid(form, PROFILE_FIELDS)
    try:
        services.update_profile(
            user=user, anonymous_upload_ids=session_anonymous_upload_ids(request), **form.profile_changes()
        )
    except (ValidationError, UploadRejected) as error:
        user.refresh_from_db()
        add_refusal(form, error)
        raise invalid(form, PROFILE_FIELDS)


def _refuse_read_only_changes(body: dict, current: dict) -> None:
    """400 for a field PATCH /me does not change sent with another value than ``current`` (the
    user as GET /me gives them): a client may send back the whole object it read."""
    errors = {
        field: [message]
        for field, message in READ_ONLY_PROFILE_FIELDS.items()
        if field in body and body[field] != current.get(field)
    }
    if errors:
        raise ApiError(400, "Some of these fields cannot be changed with PATCH /me.", errors)
