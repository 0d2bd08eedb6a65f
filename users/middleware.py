from allauth.core.exceptions import RateLimited
from allauth.core.ratelimit import respond_429
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.middleware import get_user
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_htmx.http import HttpResponseClientRedirect

from forum.errors import wants_json
from forum.jsonapi import error_response
from users.permissions import session_refusal


class RateLimitedTo429Middleware:
    """allauth raises RateLimited from some flows (phone verification) without catching it;
    answer 429 instead of letting it become a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return respond_429(request)
        return None


# Where the ended session is let through as anonymous: logging in answers the ban itself (403
# with the reason), and logging out always succeeds.
LOG_IN_AND_OUT = frozenset({"account_login", "account_logout", "api-login", "api-logout"})


class BannedSessionMiddleware:
    """Tells a banned user that their session has ended, and why.

    Banning changes the user's session auth hash (``User._get_session_auth_hash``), so Django's
    authentication already treats every session they hold as logged out, and flushes it, on its
    next request. This middleware notices that moment (the session named a user, who is now
    banned and no longer logged in) and answers with the reason instead of letting the request
    go on anonymously: JSON clients get 403 with the message, browsers go to the login page,
    which shows it. Later requests of that client are simply anonymous (JSON: 401).

    Cost: it reads the session and the user, which authentication loads anyway; it queries the
    user once more only in that moment. Place it after the authentication, messages and htmx
    middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.session_ended_by_ban(request) or self.get_response(request)

    def session_ended_by_ban(self, request):
        user_id = request.session.get(SESSION_KEY)  # read before authentication may flush it
        if user_id is None:
            return None
        if request.user.is_authenticated:
            _unwrap_user(request)
            return None
        user = _user_by_id(user_id)
        refusal = session_refusal(user) if user is not None else None
        if refusal is None or _url_name(request) in LOG_IN_AND_OUT:
            return None
        return _respond_session_ended(request, refusal)


def _unwrap_user(request) -> None:
    """Put the user loaded for ``request`` in place of the lazy object that loaded it: a page
    reads ``request.user`` about a thousand times (permissions of each comment, templates), and
    each read through the lazy object's proxy costs more than the read itself."""
    request.user = get_user(request)


def _user_by_id(user_id):
    try:
        return get_user_model()._default_manager.filter(pk=user_id).first()
    except (ValueError, ValidationError):
        return None


def _respond_session_ended(request, message: str):
    if _is_json_request(request):
        return error_response(403, message)
    messages.error(request, message)
    next_url = request.get_full_path() if request.method == "GET" and not request.htmx else None
    response = redirect_to_login(next_url) if next_url else redirect(settings.LOGIN_URL)
    if request.htmx:
        return HttpResponseClientRedirect(response.url)
    return response


def _is_json_request(request) -> bool:
    """A JSON client: it says so, or it calls a JSON endpoint (their URL names start "api-";
    POST /uploads is one too)."""
    name = _url_name(request)
    return wants_json(request) or name.startswith("api-") or name == "upload-create"


def _url_name(request) -> str:
    try:
        return resolve(request.path_info).url_name or ""
    except Resolver404:
        return ""
