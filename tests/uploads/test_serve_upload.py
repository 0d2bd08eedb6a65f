"""GET /uploads/<id>/ and /uploads/<id>/thumbnail: headers, and who may read what."""

import io
from urllib.parse import quote

import pytest
from django.test import Client
from PIL import Image

from forum.models import CommentAttachment
from tests.conftest import make_image_bytes
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.uploads.samples import animated_gif, tiny_pdf, uploaded

pytestmark = pytest.mark.django_db

HARDENING = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def attach(upload, *, visibility="public", deleted=False):
    discussion = DiscussionFactory(visibility=visibility, creator=upload.owner)
    comment = CommentFactory(discussion=discussion, author=upload.owner, is_deleted=deleted)
    CommentAttachment.objects.create(comment=comment, upload=upload)
    return discussion


def test_upload_file_image_is_served_inline_with_hardening(logged_in_client, user, make_upload):
    upload = make_upload(owner=user, name="holiday.png")

    response = logged_in_client.get(f"/uploads/{upload.id}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="holiday.png"'
    assert {name: response[name] for name in HARDENING} == HARDENING
    assert "immutable" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert Image.open(io.BytesIO(body(response))).size == (64, 48)


def test_upload_file_html_named_png_is_plain_text_download(logged_in_client, user, make_upload):
    upload = make_upload(owner=user, data=b"<html><script>alert(1)</script></html>", name='evil".png')

    response = logged_in_client.get(f"/uploads/{upload.id}/")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="evil\\".txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_upload_file_pdf_is_attachment(logged_in_client, user, make_upload):
    upload = make_upload(owner=user, data=tiny_pdf(), name="Отчёт.pdf")

    response = logged_in_client.get(f"/uploads/{upload.id}/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("Отчёт.pdf")
    assert body(response) == tiny_pdf()


def test_upload_file_head_answers_headers(logged_in_client, user, make_upload):
    upload = make_upload(owner=user)

    response = logged_in_client.head(f"/uploads/{upload.id}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_upload_file_post_answers_405(logged_in_client, user, make_upload):
    upload = make_upload(owner=user)

    assert logged_in_client.post(f"/uploads/{upload.id}/").status_code == 405


def test_upload_thumbnail_is_served(logged_in_client, user, make_upload):
    upload = make_upload(owner=user, data=make_image_bytes("JPEG", size=(1000, 500)), name="wide.jpg")

    response = logged_in_client.get(f"/uploads/{upload.id}/thumbnail")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="thumbnail-wide.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(body(response))).size == (320, 160)


def test_upload_thumbnail_of_gif_is_png(logged_in_client, user, make_upload):
    upload = make_upload(owner=user, data=animated_gif(), name="anim.gif")

    response = logged_in_client.get(f"/uploads/{upload.id}/thumbnail")

    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(body(response))).format == "PNG"


def test_upload_thumbnail_of_document_answers_404(logged_in_client, user, make_upload):
    upload = make_upload(owner=user, data=tiny_pdf(), name="paper.pdf")

    assert logged_in_client.get(f"/uploads/{upload.id}/thumbnail").status_code == 404


def test_upload_file_unknown_id_answers_404(logged_in_client):
    unknown = "00000000-0000-4000-8000-000000000000"

    response = logged_in_client.get(f"/uploads/{unknown}/", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.json() == {"message": "Not found."}


def test_upload_file_missing_from_storage_answers_404(logged_in_client, user, make_upload):
    upload = make_upload(owner=user)
    upload.file.storage.delete(upload.file.name)

    assert logged_in_client.get(f"/uploads/{upload.id}/").status_code == 404


def test_upload_file_unattached_is_for_owner_and_staff_only(user, other_user, moderator, make_upload):
    upload = make_upload(owner=user)
    url = f"/uploads/{upload.id}/"

    assert client_of(user).get(url).status_code == 200
    assert client_of(moderator).get(url).status_code == 200
    assert client_of(other_user).get(url).status_code == 404
    assert client_of().get(url).status_code == 404
    assert client_of(other_user).get(f"{url}thumbnail").status_code == 404


def test_upload_file_anonymous_upload_readable_in_its_session_only(api_client, png_bytes):
    upload_id = api_client.post("/uploads", {"file": uploaded("me.png", png_bytes)}).json()["id"]

    assert api_client.get(f"/uploads/{upload_id}/").status_code == 200
    assert api_client.get(f"/uploads/{upload_id}/thumbnail").status_code == 200
    assert client_of().get(f"/uploads/{upload_id}/").status_code == 404


def test_upload_file_profile_image_readable_by_anyone(user, make_upload):
    upload = make_upload(owner=user)
    user.profile_image = upload
    user.save(update_fields=["profile_image"])

    assert client_of().get(f"/uploads/{upload.id}/").status_code == 200
    assert client_of().get(f"/uploads/{upload.id}/thumbnail").status_code == 200


def test_upload_file_public_attachment_readable_by_anyone(user, make_upload):
    upload = make_upload(owner=user)
    attach(upload)

    assert client_of().get(f"/uploads/{upload.id}/").status_code == 200


def test_upload_file_private_attachment_only_for_participants(user, other_user, moderator, make_upload):
    upload = make_upload(owner=user)
    attach(upload, visibility="private")
    url = f"/uploads/{upload.id}/"

    assert client_of(user).get(url).status_code == 200
    assert client_of(moderator).get(url).status_code == 200
    assert client_of(other_user).get(url).status_code == 404
    assert client_of().get(url).status_code == 404


def test_upload_file_private_attachment_readable_by_other_participant(user, other_user, make_upload):
    upload = make_upload(owner=user)
    discussion = attach(upload, visibility="private")
    discussion.participants.create(user=other_user)

    assert client_of(other_user).get(f"/uploads/{upload.id}/").status_code == 200


def test_upload_file_attachment_of_deleted_comment_hidden(user, other_user, make_upload):
    upload = make_upload(owner=user)
    attach(upload, deleted=True)

    assert client_of(other_user).get(f"/uploads/{upload.id}/").status_code == 404
    assert client_of(user).get(f"/uploads/{upload.id}/").status_code == 200


def test_upload_file_takes_few_queries(django_assert_max_num_queries, user, make_upload):
    upload = make_upload(owner=user)
    attach(upload, visibility="private")
    UserFactory.create_batch(3)
    client = client_of(user)

    with django_assert_max_num_queries(3):  # session, user, the upload
        assert client.get(f"/uploads/{upload.id}/").status_code == 200
