"""HTML pages of discussions and comments."""

from django.urls import path

from forum import views

urlpatterns = [
    path("", views.discussion_list, name="discussion-list"),
    path("mine/", views.discussion_list_mine, name="discussion-list-mine"),
    path("new/", views.discussion_create, name="discussion-create"),
    path("t/<uuid:discussion_id>/", views.discussion_detail, name="discussion-detail"),
    path("activity/", views.discussion_activity, name="discussion-activity"),
    path("t/<uuid:discussion_id>/comments/", views.comment_create, name="comment-create"),
    path("t/<uuid:discussion_id>/comments/new/", views.comment_poll, name="comment-poll"),
    path("t/<uuid:discussion_id>/participants/", views.participant_create, name="participant-create"),
    path("preview/", views.comment_preview, name="comment-preview"),
    path("c/<uuid:comment_id>/", views.comment_permalink, name="comment-permalink"),
    path("c/<uuid:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path("c/<uuid:comment_id>/delete/", views.comment_delete, name="comment-delete"),
]
