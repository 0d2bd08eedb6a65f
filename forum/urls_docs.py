"""The API's documentation: the OpenAPI document and the page that shows it."""

from django.urls import path

from forum import docs_views

urlpatterns = [
    path("api/openapi.json", docs_views.openapi_json, name="api-openapi"),
    path("api/docs", docs_views.api_docs, name="api-docs"),
]
