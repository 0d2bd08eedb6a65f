"""Error pages that answer API clients in JSON and browsers in HTML."""

from django.shortcuts import render

from forum.jsonapi import error_response


def wants_json(request) -> bool:
    """The request sends JSON or asks for JSON and not for HTML: views that serve both faces
    answer it in JSON."""
    if request.content_type == "application/json":
        return True
    accepted = request.headers.get("Accept", "")
    return "application/json" in accepted and "text/html" not in accepted


def is_api_client(request) -> bool:
    """For error pages only: a browser navigation asks for text/html and htmx says so in a
    header; anything else (curl, scripts, apps with Accept: */*) gets its error in JSON."""
    if wants_json(request):
        return True
    return "text/html" not in request.headers.get("Accept", "") and "HX-Request" not in request.headers


def not_found(request, exception=None):
    if is_api_client(request):
        return error_response(404, "Not found.")
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    if is_api_client(request):
        return error_response(403, "This request needs a CSRF token; JSON endpoints take JSON bodies.")
    return render(request, "403.html", {"exception": "The form expired or came from another site. Go back, reload the page and try again."}, status=403)


def server_error(request):
    if is_api_client(request):
        return error_response(500, "Something went wrong on our side.")
    return render(request, "500.html", status=500)
