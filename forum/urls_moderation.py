"""Moderation: the JSON endpoints (paths without a trailing slash, as the rest of the API) and
the HTML pages and form targets (with one), included at the site root."""

from django.urls import path

from forum import moderation_api as api
from forum import moderation_views as views

urlpatterns = [
    # JSON
    path("discussions/<uuid:discussion_id>/lock", api.discussion_lock, name="api-discussion-lock"),
    path("discussions/<uuid:discussion_id>/unlock", api.discussion_unlock, name="api-discussion-unlock"),
    path("discussions/<uuid:discussion_id>/pin", api.discussion_pin, name="api-discussion-pin"),
    path("discussions/<uuid:discussion_id>/unpin", api.discussion_unpin, name="api-discussion-unpin"),
    path("users/<uuid:user_id>/ban", api.user_ban, name="api-user-ban"),
    path("users/<uuid:user_id>/unban", api.user_unban, name="api-user-unban"),
    path("users/<uuid:user_id>/role", api.user_role, name="api-user-role"),
    path("comments/<uuid:comment_id>/report", api.comment_report, name="api-comment-report"),
    path("moderation/reports", api.report_list, name="api-report-list"),
    path("moderation/reports/<int:report_id>/resolve", api.report_resolve, name="api-report-resolve"),
    path("moderation/reports/<int:report_id>/dismiss", api.report_dismiss, name="api-report-dismiss"),
    path("moderation/log", api.moderation_log, name="api-moderation-log"),
    # HTML
    path("t/<uuid:discussion_id>/lock/", views.discussion_lock, name="discussion-lock"),
    path("t/<uuid:discussion_id>/unlock/", views.discussion_unlock, name="discussion-unlock"),
    path("t/<uuid:discussion_id>/pin/", views.discussion_pin, name="discussion-pin"),
    path("t/<uuid:discussion_id>/unpin/", views.discussion_unpin, name="discussion-unpin"),
    path("u/<str:login>/ban/", views.user_ban, name="user-ban"),
    path("u/<str:login>/unban/", views.user_unban, name="user-unban"),
    path("u/<str:login>/role/", views.user_role, name="user-role"),
    path("c/<uuid:comment_id>/report/", views.comment_report, name="comment-report"),
    path("moderation/", views.moderation_home, name="moderation-home"),
    path("moderation/reports/", views.report_queue, name="moderation-reports"),
    path("moderation/reports/<int:report_id>/resolve/", views.report_resolve, name="report-resolve"),
    path("moderation/reports/<int:report_id>/dismiss/", views.report_dismiss, name="report-dismiss"),
    path("moderation/log/", views.moderation_log, name="moderation-log"),
]
