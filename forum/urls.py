"""Root URLs: the HTML site, the JSON API at the seed's paths, allauth and the admin."""

from django.contrib import admin
from django.urls import include, path

from forum.favicon import favicon
from forum.health import health

urlpatterns = [
    path("health", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("users.urls_web")),
    path("", include("users.urls_api")),
    path("", include("users.urls_uploads")),
    path("", include("forum.urls_web")),
    path("", include("forum.urls_api")),
    path("", include("forum.urls_moderation")),
    path("", include("forum.urls_docs")),
]

handler404 = "forum.errors.not_found"
handler500 = "forum.errors.server_error"
