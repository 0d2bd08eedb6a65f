"""The conventions every JSON endpoint shares (forum/jsonapi.py, forum/errors.py)."""

import pytest

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def post_raw(client, path, body: bytes):
    return client.generic("POST", path, body, content_type="application/json")


@pytest.mark.parametrize("path", ["/dicussion", "/login", "/register"])
def test_json_lone_surrogate_is_a_400_not_a_500(logged_in_api_client, path):
    response = post_raw(logged_in_api_client, path, b'{"name": "\\ud800 x", "identity": "\\udfff", "login": "\\ud800"}')

    assert response.status_code == 400
    assert "Unicode" in response.json()["message"]


def test_json_nested_too_deeply_is_a_400(logged_in_api_client):
    body = b'{"name": "deep", "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"

    response = post_raw(logged_in_api_client, "/dicussion", body)

    assert response.status_code == 400
    assert response.json()["message"] == "The request body is nested too deeply."


def test_json_body_over_the_limit_is_a_413_in_json(logged_in_api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b'{"name": "' + b"x" * 5000 + b'"}'

    response = post_raw(logged_in_api_client, "/dicussion", body)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("accept", ["*/*", "application/json", ""])
def test_unknown_url_answers_an_api_client_in_json(client, accept):
    response = client.get("/comments/not-a-thing/here", HTTP_ACCEPT=accept)

    assert response.status_code == 404
    assert response.json() == {"message": "Not found."}


def test_unknown_url_answers_a_browser_in_html(client):
    response = client.get("/comments/not-a-thing/here", HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert b"Not found" in response.content


def test_unknown_url_answers_htmx_in_html(client):
    response = client.get("/comments/not-a-thing/here", HTTP_ACCEPT="*/*", HTTP_HX_REQUEST="true")

    assert "text/html" in response["Content-Type"]


def test_csrf_failure_answers_an_api_client_in_json(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/new/", {"name": "x"}, HTTP_ACCEPT="*/*")

    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


def test_csrf_failure_shows_a_browser_the_site_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/new/", {"name": "x"}, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 403
    assert b"reload the page" in response.content
    assert b'class="navbar' in response.content


def test_head_is_answered_where_get_is(api_client):
    response = api_client.head("/discussions/list")

    assert response.status_code == 200
    assert response.content == b""


@pytest.fixture
def shared_path_urls():
    """The JSON paths that answer several methods (``jsonapi.method_dispatch``), by kind."""
    from tests.factories import CommentFactory

    comment = CommentFactory()
    return {
        "comment_list": f"/{comment.discussion_id}/comments",
        "comment_detail": f"/comments/{comment.id}",
    }


@pytest.mark.parametrize("kind", ["comment_list", "comment_detail"])
def test_head_on_a_shared_path_answers_the_get_headers_without_a_body(api_client, shared_path_urls, kind):
    url = shared_path_urls[kind]
    get = api_client.get(url)

    response = api_client.head(url)

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == get["Content-Type"] == "application/json"
    assert response.get("X-Total-Count") == get.get("X-Total-Count")


def test_head_on_a_shared_path_keeps_the_get_errors(api_client):
    import uuid

    response = api_client.head(f"/comments/{uuid.uuid4()}")

    assert response.status_code == 404


def test_a_bad_comments_limit_on_create_writes_nothing(logged_in_api_client):
    from forum.models import Discussion

    response = logged_in_api_client.post_json("/discussion?comments_limit=abc", {"name": "Once only"})

    assert response.status_code == 400
    assert not Discussion.objects.filter(name="Once only").exists()


def test_a_download_url_answers_other_methods_with_405(api_client):
    import uuid

    response = api_client.post(f"/uploads/{uuid.uuid4()}/", HTTP_ACCEPT="*/*")

    assert response.status_code == 405
