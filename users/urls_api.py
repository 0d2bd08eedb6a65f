"""JSON account endpoints at the seed's paths (see ../shared/API.md)."""

from django.urls import path

from users import api, views

urlpatterns = [
    path("register", api.register, name="api-register"),
    path("login", api.login, name="api-login"),
    path("logout", api.logout, name="api-logout"),
    path("password-reset-request", api.password_reset_request, name="api-password-reset-request"),
    # The emailed link: JSON clients and browsers share it (views.password_reset_procedure routes).
    path("password-reset-procedure/<str:reset_id>", views.password_reset_procedure, name="password-reset-procedure"),
    path("change-password", api.change_password, name="api-change-password"),
    path("me", api.me, name="api-me"),
]
