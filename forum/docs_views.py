"""The API's own documentation: the OpenAPI document (``forum.openapi``) and a page that shows it."""

from django.shortcuts import render

from forum.http_methods import read_only
from forum.jsonapi import api_view, json_response
from forum.openapi import openapi_document


@api_view(["GET"], body=None)
def openapi_json(request):
    """GET /api/openapi.json: the OpenAPI 3.1 document of the JSON API."""
    return json_response(openapi_document())


@read_only
def api_docs(request):
    """GET /api/docs: Swagger UI (vendored under static/vendor/swagger-ui/) reading the document."""
    return render(request, "api/docs.html")
