"""Shapes from ../shared/API.md, and small helpers shared by the forum tests."""

from tests.conftest import JsonClient

USER_KEYS = {
    "id", "login", "email", "phone_number", "firstname", "lastname", "middlename",
    "profile_image", "role_type", "is_banned",
}
IMAGE_UPLOAD_KEYS = {"id", "created_at", "type", "name", "size", "url", "width", "height", "thumbnail_url"}
COMMENT_KEYS = {
    "id", "created_at", "author", "comment_text", "attachments", "replied_message", "edited_at", "is_deleted",
}
REPLIED_MESSAGE_KEYS = {"id", "created_at", "author", "comment_text"}
DISCUSSION_KEYS = {
    "id", "name", "participants", "comments", "created_at", "last_activity_at", "visibility",
    "is_locked", "is_pinned", "comments_count",
}


def api_client_for(user) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def assert_comment_shape(data: dict) -> None:
    assert set(data) == COMMENT_KEYS
    assert set(data["author"]) == USER_KEYS
    for upload in data["attachments"]:
        assert set(upload) == IMAGE_UPLOAD_KEYS
    if data["replied_message"] is not None:
        assert set(data["replied_message"]) == REPLIED_MESSAGE_KEYS
        assert set(data["replied_message"]["author"]) == USER_KEYS


def assert_discussion_shape(data: dict) -> None:
    assert set(data) == DISCUSSION_KEYS
    for participant in data["participants"]:
        assert set(participant) == USER_KEYS
    for comment in data["comments"]:
        assert_comment_shape(comment)


def assert_json_error(response, status: int, field: str | None = None) -> dict:
    """An error of API.md: the status, a JSON body with a message, and the field's errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    if field is not None:
        assert body["errors"][field], body
    return body
