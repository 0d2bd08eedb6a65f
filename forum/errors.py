"""Error pages that answer JSON clients in JSON and browsers in HTML."""

from django.shortcuts import render

from forum.jsonapi import error_response


def wants_json(request) -> bool:
    if request.content_type == "application/json":
        return True
    accepted = request.headers.get("Accept", "")
    return "application/json" in accepted and "text/html" not in accepted


def not_found(request, exception=None):
    if wants_json(request):
        return error_response(404, "Not found.")
    return render(request, "404.html", status=404)


def server_error(request):
    if wants_json(request):
        return error_response(500, "Something went wrong on our side.")
    return render(request, "500.html", status=500)
