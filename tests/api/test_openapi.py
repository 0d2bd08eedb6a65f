"""The OpenAPI document (forum/openapi.py): valid OpenAPI 3.1, and exactly the JSON API of the
URLconf: every API route is documented with the methods it answers, and every documented path is
routed (except the temporary ``PENDING_OPERATIONS``).

Which routes are the API: those whose URL name starts with ``api-``, and the few named in
``OTHER_API_ROUTE_NAMES``. As a second net, a route served from an API module (``forum.api``,
``users.api``, ``forum.moderation_api``, ``forum.jsonapi``'s dispatcher...) must be one of them.
"""

import re
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files import File
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from whitenoise.storage import CompressedManifestStaticFilesStorage

from forum.openapi import openapi_document
from tests.api.pending import PENDING_OPERATIONS

API_NAME_PREFIX = "api-"
OTHER_API_ROUTE_NAMES = {
    "upload-create",  # POST /uploads
    "upload-file",  # the files that uploads' "url" points at
    "upload-thumbnail",
    "password-reset-procedure",  # the emailed link: JSON for API clients, a form for browsers
}
API_MODULE = re.compile(r"(^|[._])(json)?api$")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
SAMPLE_VALUES = {"uuid": str(uuid.uuid4()), "int": "1"}
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def all_routes(patterns=None, prefix: str = ""):
    """(route, URLPattern) for every leaf of the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def is_api_route(pattern: URLPattern) -> bool:
    name = pattern.name or ""
    return name.startswith(API_NAME_PREFIX) or name in OTHER_API_ROUTE_NAMES


def openapi_path(route: str) -> str:
    """``discussions/<uuid:discussion_id>`` → ``/discussions/{discussion_id}``."""
    return "/" + CONVERTER.sub(lambda m: "{" + m["name"] + "}", route)


def sample_path(route: str) -> str:
    return "/" + CONVERTER.sub(lambda m: SAMPLE_VALUES.get(m["kind"], "x"), route)


def api_routes() -> dict[str, str]:
    """{OpenAPI path: Django route} of every API route."""
    return {openapi_path(route): route for route, pattern in all_routes() if is_api_route(pattern)}


def documented_methods(path_item: dict) -> set[str]:
    return {method.upper() for method in path_item if method in HTTP_METHODS}


def allowed_methods(route: str) -> set[str]:
    """What the view answers, from the ``Allow`` header of its 405 to an ``OPTIONS`` request
    (every API view answers 405 with ``Allow`` to a method it does not take)."""
    response = Client().options(sample_path(route), HTTP_ACCEPT="application/json")
    assert response.status_code == 405, f"OPTIONS {route}: {response.status_code}"
    return {method.strip().upper() for method in response["Allow"].split(",")} - IMPLICIT_METHODS


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_routes_served_by_api_modules_are_named_as_api_routes():
    unnamed = [
        f"/{route} ({pattern.callback.__module__})"
        for route, pattern in all_routes()
        if API_MODULE.search(pattern.callback.__module__) and not is_api_route(pattern)
    ]
    assert not unnamed, f"Name these routes api-... (and document them): {unnamed}"


def test_the_api_routes_are_found():
    assert {"/register", "/uploads", "/{discussion_id}/comments", "/api/openapi.json"} <= set(api_routes())


def test_every_api_route_is_documented_with_the_methods_it_answers(db, document):
    missing, wrong_methods = [], []
    for path, route in sorted(api_routes().items()):
        if path not in document["paths"]:
            missing.append(path)
            continue
        allowed = allowed_methods(route)
        documented = documented_methods(document["paths"][path])
        if allowed != documented:
            wrong_methods.append(f"{path}: the view answers {sorted(allowed)}, the document says {sorted(documented)}")
    assert not missing, f"Routes missing from forum/openapi.py: {missing}"
    assert not wrong_methods, "\n".join(wrong_methods)


def test_every_documented_operation_is_routed_or_pending(document):
    routed = api_routes()
    unrouted = [
        (method, path)
        for path, item in document["paths"].items()
        if path not in routed
        for method in documented_methods(item)
        if (method, path) not in PENDING_OPERATIONS
    ]
    assert not unrouted, f"Documented but not in the URLconf (nor in tests/api/pending.py): {unrouted}"


def test_pending_operations_are_documented(document):
    undocumented = [
        (method, path)
        for method, path in PENDING_OPERATIONS
        if method.lower() not in document["paths"].get(path, {})
    ]
    assert not undocumented


def operations(document):
    for path, item in document["paths"].items():
        for method in documented_methods(item):
            yield method, path, item[method.lower()]


def test_operations_document_the_shared_error_statuses(document):
    """What ``forum.jsonapi.api_view`` answers for every view of a kind: 401 without a session
    when one is required, and 400 and 415 for a JSON body."""
    gaps = []
    for method, path, operation in operations(document):
        statuses = set(operation["responses"])
        if operation["security"] == [{"session": []}] and "401" not in statuses:
            gaps.append(f"{method} {path}: 401")
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content and not {"400", "415"} <= statuses:
            gaps.append(f"{method} {path}: 400 and 415")
        if not any(status.startswith("2") for status in statuses):
            gaps.append(f"{method} {path}: a success")
    assert not gaps


def test_operation_ids_are_unique(document):
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))


def test_the_document_is_served_as_json(client, document):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == document


DOCS_ASSETS = ["vendor/swagger-ui/swagger-ui.css", "vendor/swagger-ui/swagger-ui-bundle.js", "js/api-docs.js"]


def test_the_docs_page_loads_the_vendored_swagger_ui_and_the_document(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for asset in DOCS_ASSETS:
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset
    assert 'data-openapi-url="/api/openapi.json"' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "nothing may come from another site"


def test_the_vendored_assets_pass_the_production_static_storage(tmp_path):
    """WhiteNoise's CompressedManifestStaticFilesStorage refuses files that point at missing ones
    (``sourceMappingURL`` comments, ``url(...)``): post-process the docs assets with it."""
    storage = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    for asset in DOCS_ASSETS:
        with open(finders.find(asset), "rb") as handle:
            storage.save(asset, File(handle))
    processed = list(storage.post_process({asset: (storage, asset) for asset in DOCS_ASSETS}))
    errors = [result for _, _, result in processed if isinstance(result, Exception)]
    assert not errors
    for asset in DOCS_ASSETS:
        assert Path(storage.path(storage.stored_name(asset))).exists()
