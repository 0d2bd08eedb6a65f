"""The one place where JSON views get their conventions (see ../shared/API.md).

Every JSON view is wrapped in ``@api_view``, which:
- answers 405 for other methods, 401 when login is required and missing;
- for a body-carrying method, demands ``application/json`` (415 otherwise) and parses it
  (400 when malformed or not an object), leaving the dict in ``request.json``; a view whose body
  is optional (``body="optional json"``) also takes no body and no Content-Type as ``{}``;
- turns ``ApiError``, ``Http404``, ``PermissionDenied``, a service's ``ValidationError`` (400
  with field errors) and allauth's ``RateLimited`` into
  ``{"message", "errors"}`` responses, so no JSON endpoint ever answers with an HTML page.

CSRF: JSON views are exempt from Django's token check because a browser cannot send a
cross-site request with ``Content-Type: application/json`` without a CORS preflight, which this
site never grants; session cookies are ``SameSite=Lax`` as a second wall. A bodiless POST to a
view whose body is optional needs no preflight, so one that names another site in ``Origin``
is refused (403). Multipart views
(uploads) pass ``body="multipart"`` and must carry Django's CSRF token or an
``X-Requested-With`` header, which likewise forces a preflight.
"""

import functools
import json
import math
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http.multipartparser import MultiPartParserError
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

BODY_METHODS = {"POST", "PUT", "PATCH"}
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class ApiError(Exception):
    """An error a JSON view answers with: status, a human sentence, and optional field errors."""

    def __init__(self, status: int, message: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


def error_response(status: int, message: str, errors: dict | None = None, headers: dict | None = None):
    payload = {"message": message}
    if errors:
        payload["errors"] = errors
    response = JsonResponse(payload, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def form_errors(form) -> dict:
    """A form's errors as ``{field: [messages]}``; errors not tied to a field go under ``__all__``."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def invalid_form(form, message: str = "The request has invalid fields.", status: int = 400) -> ApiError:
    return ApiError(status, message, form_errors(form))


def validation_error_to_api(error: ValidationError, status: int = 400) -> ApiError:
    if hasattr(error, "error_dict"):
        errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in error.error_dict.items()}
        return ApiError(status, "The request has invalid fields.", errors)
    return ApiError(status, " ".join(error.messages))


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_failure(request) -> str | None:
    """Django's own CSRF verdict for this request: None when it passes, else the reason."""
    check = _CsrfCheck(lambda req: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def _parse_json_body(request) -> dict:
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise ApiError(415, "Send the request body as JSON (Content-Type: application/json).")
    body = _read_body(request)
    if not body:
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body is not valid JSON.")
    except RecursionError:
        raise ApiError(400, "The request body is nested too deeply.")
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    _refuse_lone_surrogates(data)
    return data


def _read_body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise ApiError(413, "The request body is too large.")


def _refuse_lone_surrogates(data: dict) -> None:
    """JSON may escape half of a UTF-16 pair (``"\\ud800"``); no database or hasher can store
    it, so refuse it here instead of failing deep inside a write."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "The request body contains characters that are not valid Unicode text.")


def _check_multipart(request) -> None:
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise ApiError(415, "Send the file as multipart/form-data.")
    if request.headers.get("X-Requested-With") is not None:
        return
    try:
        failure = _csrf_failure(request)
    except (MultiPartParserError, RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
        raise ApiError(400, "The multipart body could not be read.")
    if failure is not None:
        raise ApiError(403, "Send an X-Requested-With header or a CSRF token with uploads.")


def _sends_nothing(request) -> bool:
    """No body and no Content-Type: what ``curl -X POST`` sends to an operation whose body is optional."""
    return not request.META.get("CONTENT_TYPE") and not _read_body(request)


def _refuse_cross_site(request) -> None:
    """A POST without a body or a Content-Type is a "simple" request that any site's page can
    send; browsers name that page in ``Origin``, so one from another site is refused, as
    Django's CSRF check would (API clients such as curl send no ``Origin``)."""
    if "HTTP_ORIGIN" in request.META and not _CsrfCheck(lambda req: None)._origin_verified(request):
        raise ApiError(403, "Requests from another site are refused.")


def _parse_optional_json_body(request) -> dict:
    if _sends_nothing(request):
        _refuse_cross_site(request)
        return {}
    return _parse_json_body(request)


def _carries_body(request) -> bool:
    """POST, PUT and PATCH always; DELETE when it sends one (an optional ``{"reason"}``)."""
    return request.method in BODY_METHODS or (request.method == "DELETE" and bool(_read_body(request)))


def _rate_limited_response(error) -> JsonResponse:
    """429 with ``Retry-After``: the sentence and wait of a ``forum.rate_limits.TooManyWrites``,
    else allauth's limits' (a minute)."""
    message = getattr(error, "message", "Too many requests; try again later.")
    retry_after = getattr(error, "retry_after", 60)
    return error_response(429, message, headers={"Retry-After": str(retry_after)})


def _with_head(methods: Iterable[str]) -> set[str]:
    """HEAD wherever GET is answered, as Django's own views do: the GET view answers it, and
    the server (gunicorn, runserver) sends its headers without the body."""
    allowed = {method.upper() for method in methods}
    return allowed | {"HEAD"} if "GET" in allowed else allowed


def _method_not_allowed(request, allowed: set[str]) -> JsonResponse:
    response = error_response(405, f"Method {request.method} is not allowed here.")
    response["Allow"] = ", ".join(sorted(allowed))
    return response


def api_view(methods: Iterable[str], *, login_required: bool = False, body: str | None = "json"):
    """Wrap a JSON view: method, authentication, body parsing and error conventions.

    ``body``: "json" (the default), "optional json" (a request that sends no body and no
    Content-Type is taken as ``{}``), "multipart", or None for a view that reads no body."""
    allowed = _with_head(methods)

    def decorator(view: Callable):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            from allauth.core.exceptions import RateLimited

            if request.method not in allowed:
                return _method_not_allowed(request, allowed)
            try:
                if login_required and not request.user.is_authenticated:
                    raise ApiError(401, "Log in first.")
                request.json = {}
                if body is not None and _carries_body(request):
                    if body == "multipart":
                        _check_multipart(request)
                    elif body == "optional json":
                        request.json = _parse_optional_json_body(request)
                    else:
                        request.json = _parse_json_body(request)
                return view(request, *args, **kwargs)
            except ApiError as error:
                return error_response(error.status, error.message, error.errors, error.headers)
            except Http404:
                return error_response(404, "Not found.")
            except PermissionDenied as error:
                return error_response(403, str(error) or "You are not allowed to do that.")
            except ValidationError as error:
                api_error = validation_error_to_api(error)
                return error_response(api_error.status, api_error.message, api_error.errors)
            except RateLimited as error:
                return _rate_limited_response(error)

        return wrapper

    return decorator


def method_dispatch(**views_by_method: Callable):
    """One path, several operations: ``method_dispatch(GET=comment_list, POST=comment_create)``.
    Each view keeps its own ``api_view`` rules; HEAD goes to the GET view; other methods get 405
    with ``Allow``."""
    views = {method.upper(): view for method, view in views_by_method.items()}
    allowed = _with_head(views)

    @csrf_exempt
    def dispatcher(request, *args, **kwargs):
        if request.method not in allowed:
            return _method_not_allowed(request, allowed)
        view = views["GET"] if request.method == "HEAD" else views[request.method]
        return view(request, *args, **kwargs)

    return dispatcher


def _page_numbers(request) -> tuple[int, int]:
    try:
        page = int(request.GET.get("page", 1))
        per_page = int(request.GET.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        raise ApiError(400, "page and per_page must be whole numbers.")
    if page < 1 or per_page < 1:
        raise ApiError(400, "page and per_page start at 1.")
    return page, min(per_page, MAX_PER_PAGE)


def paginate(request, queryset, *, count: int | None = None):
    """Slice ``queryset`` by ``?page=&per_page=``; return (items, headers for the response).

    ``count`` may be passed when the caller already knows the total (a kept counter), which
    saves the COUNT query.
    """
    page, per_page = _page_numbers(request)
    total = queryset.count() if count is None else count
    last = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    items = list(queryset[start : start + per_page]) if start < total else []
    return items, _pagination_headers(request, page, per_page, last, total)


def _pagination_headers(request, page: int, per_page: int, last: int, total: int) -> dict:
    def link(number: int, rel: str) -> str:
        query = request.GET.copy()
        query["page"] = number
        query["per_page"] = per_page
        return f'<{request.build_absolute_uri(request.path)}?{urlencode(sorted(query.items()))}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    return {"Link": ", ".join(links), "X-Total-Count": str(total)}


def json_response(data, *, status: int = 200, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


__all__ = [
    "ApiError",
    "api_view",
    "error_response",
    "form_errors",
    "invalid_form",
    "json_response",
    "method_dispatch",
    "paginate",
    "validation_error_to_api",
]
