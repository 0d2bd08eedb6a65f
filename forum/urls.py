"""Root URLs: the HTML site, the JSON API at the seed's paths, allauth and the admin."""

from django.contrib import admin
from django.urls import include, path

from forum.favicon import favicon
from forum.health import health
from users import email_views
from users.views import signup

urlpatterns = [
    path("health", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # allauth's signup, keeping a chosen profile image when the form comes back with errors.
    path("accounts/signup/", signup, name="account_signup"),
    # allauth's email page, where only a verified address becomes primary.
    path("accounts/email/", email_views.email, name="account_email"),
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
