"""HTML account pages beside allauth's (which live under /accounts/)."""

from django.urls import path

from users import views

urlpatterns = [
    path("accounts/profile/", views.profile_edit, name="profile-edit"),
    path("u/<str:login>/", views.user_profile, name="user-profile"),
]
