"""POST /uploads: the JSON face of users.uploads.store_upload."""

import pytest
from django.test import Client

from tests.uploads.samples import noise_png, png_header_only, tiny_pdf, uploaded
from users.models import Upload

pytestmark = pytest.mark.django_db


def post_file(client, name, data, content_type="application/octet-stream", **extra):
    return client.post("/uploads", {"file": uploaded(name, data, content_type)}, **extra)


def test_upload_create_anonymous_image_answers_201_upload(api_client, png_bytes):
    response = post_file(api_client, "me.png", png_bytes, "image/png")

    assert response.status_code == 201
    data = response.json()
    upload = Upload.objects.get()
    assert data == {
        "id": str(upload.id),
        "created_at": upload.created_at.isoformat(),
        "type": "image/png",
        "name": "me.png",
        "size": upload.size,
        "url": f"http://testserver/uploads/{upload.id}/",
        "width": 64,
        "height": 48,
        "thumbnail_url": f"http://testserver/uploads/{upload.id}/thumbnail",
    }
    assert upload.owner is None


def test_upload_create_logged_in_pdf_has_no_image_fields(logged_in_api_client, user):
    response = post_file(logged_in_api_client, "paper.pdf", tiny_pdf(), "application/pdf")

    assert response.status_code == 201
    assert response.json()["type"] == "application/pdf"
    assert not {"width", "height", "thumbnail_url"} & set(response.json())
    assert Upload.objects.get().owner == user


def test_upload_create_anonymous_non_image_answers_415(api_client):
    response = post_file(api_client, "paper.pdf", tiny_pdf(), "application/pdf")

    assert response.status_code == 415
    assert "image" in response.json()["message"]
    assert not Upload.objects.exists()


def test_upload_create_client_content_type_is_ignored(api_client):
    response = post_file(api_client, "picture.png", b"<html><script>alert(1)</script></html>", "image/png")

    assert response.status_code == 415


def test_upload_create_without_file_answers_400(api_client):
    response = api_client.post("/uploads", {"other": "field"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["This field is required."]}


def test_upload_create_two_files_answers_400(logged_in_api_client, png_bytes):
    files = [uploaded("a.png", png_bytes), uploaded("b.png", png_bytes)]

    response = logged_in_api_client.post("/uploads", {"file": files})

    assert response.status_code == 400
    assert not Upload.objects.exists()


def test_upload_create_json_body_answers_415(api_client):
    response = api_client.post_json("/uploads", {"file": "aGVsbG8="})

    assert response.status_code == 415
    assert "multipart" in response.json()["message"]


def test_upload_create_get_answers_405(api_client):
    response = api_client.get("/uploads")

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_upload_create_over_limit_answers_413(logged_in_api_client, settings, png_bytes):
    settings.UPLOAD_MAX_BYTES = len(png_bytes) - 1

    response = post_file(logged_in_api_client, "cat.png", png_bytes)

    assert response.status_code == 413
    assert "limit" in response.json()["message"]


def test_upload_create_anonymous_over_two_megabytes_answers_413(api_client, logged_in_api_client):
    big_image = noise_png(900)

    refused = post_file(api_client, "big.png", big_image)
    assert refused.status_code == 413
    assert refused.json()["message"] == "The file is too large; the limit is 2 MB."
    assert post_file(logged_in_api_client, "big.png", big_image).status_code == 201


def test_upload_create_body_over_limit_refused_from_content_length(logged_in_api_client, settings):
    settings.UPLOAD_MAX_BYTES = 1024

    response = post_file(logged_in_api_client, "big.txt", b"a" * (200 * 1024))

    assert response.status_code == 413
    assert not Upload.objects.exists()


def test_upload_create_pixel_bomb_answers_413(api_client):
    response = post_file(api_client, "bomb.png", png_header_only(50_000, 50_000), "image/png")

    assert response.status_code == 413
    assert "pixels" in response.json()["message"]


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "user"])
def test_upload_create_rate_limited_answers_429(settings, user, png_bytes, logged_in):
    settings.UPLOAD_RATE_LIMITS = {"upload_anonymous": "2/m/ip", "upload": "2/m/user"}
    client = Client()
    if logged_in:
        client.force_login(user)

    statuses = [post_file(client, "me.png", png_bytes).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    response = post_file(client, "me.png", png_bytes)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Upload.objects.count() == 2


def test_upload_create_default_anonymous_rate_limit_applies(api_client, png_bytes):
    statuses = {post_file(api_client, "me.png", png_bytes).status_code for _ in range(6)}

    assert statuses == {201, 429}


def test_upload_create_needs_csrf_token_or_header(user, png_bytes):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert post_file(client, "me.png", png_bytes).status_code == 403
    assert post_file(client, "me.png", png_bytes, headers={"X-Requested-With": "fetch"}).status_code == 201


def test_upload_create_malformed_multipart_answers_400(api_client):
    response = api_client.post("/uploads", b"--nothing--", content_type="multipart/form-data")

    assert response.status_code == 400
    assert response.json()["message"] == "The multipart body could not be read."
