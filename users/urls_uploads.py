"""Uploads: POST /uploads (JSON), and the file and thumbnail downloads."""

from django.urls import path

from users import upload_views

urlpatterns = [
    path("uploads", upload_views.upload_create, name="upload-create"),
    path("uploads/<uuid:upload_id>/", upload_views.upload_file, name="upload-file"),
    path("uploads/<uuid:upload_id>/thumbnail", upload_views.upload_thumbnail, name="upload-thumbnail"),
]
