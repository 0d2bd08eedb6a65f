"""Small helpers shared by the moderation tests."""

import json

from forum.models import ModerationAction
from tests.conftest import JsonClient

USER_KEYS = {
    "id", "login", "email", "phone_number", "firstname", "lastname", "middlename",
    "profile_image", "role_type", "is_banned",
}
DISCUSSION_KEYS = {
    "id", "name", "participants", "comments", "created_at", "last_activity_at", "visibility",
    "is_locked", "is_pinned", "comments_count",
}
REPORT_KEYS = {"id", "status", "reason", "created_at", "reporter", "comment", "discussion", "handled_by", "handled_at"}
LOG_ENTRY_KEYS = {"id", "kind", "actor", "target_user", "discussion", "comment", "reason", "details", "created_at"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def api_client_for(user) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def html_client_for(client, user):
    client.force_login(user)
    return client


def assert_json_error(response, status: int, field: str | None = None) -> dict:
    """An error as API.md says: the status, a JSON body with a message, the field's errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    if field is not None:
        assert body["errors"][field], body
    return body


def assert_login_redirect(response) -> None:
    assert response.status_code == 302, response.status_code
    assert response.url.startswith("/accounts/login/")


def hx_location(response) -> dict:
    """The ``HX-Location`` an htmx request was answered with (where htmx goes next)."""
    assert response.status_code == 200, response.status_code
    return json.loads(response["HX-Location"])


def log_kinds() -> list[str]:
    return list(ModerationAction.objects.order_by("created_at", "id").values_list("kind", flat=True))
