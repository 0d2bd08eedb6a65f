"""HTML pages of discussions and comments."""

from django.urls import path

from forum import views

urlpatterns = [
    path("", views.discussion_list, name="discussion-list"),
    path("mine/", views.discussion_list_mine, name="discussion-list-mine"),
    path("new/", views.discussion_create, name="discussion-create"),
    path("t/<uuid:discussion_id>/", views.discussion_detail, name="discussion-detail"),
    path("t/<uuid:discussion_id>/comments/", views.comment_create, name="comment-create"),
    path("c/<uuid:comment_id>/", views.comment_permalink, name="comment-permalink"),
]
