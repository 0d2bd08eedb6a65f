"""JSON API of discussions and comments, at the seed README's paths (its ``/dicussion``
spelling included) plus those ../shared/API.md adds."""

from django.urls import path

from forum import api

urlpatterns = [
    path("dicussion", api.discussion_create, name="api-discussion-create-seed"),
    path("discussion", api.discussion_create, name="api-discussion-create"),
    path("user-discussions/list", api.discussion_list_mine, name="api-discussion-list-mine"),
    path("discussions/list", api.discussion_list, name="api-discussion-list"),
    path("discussions/<uuid:discussion_id>", api.discussion_detail, name="api-discussion-detail"),
    path("<uuid:discussion_id>/comments", api.discussion_comments, name="api-discussion-comments"),
    path("<uuid:discussion_id>/participant", api.participant_create, name="api-participant-create"),
    path("comments/preview", api.comment_preview, name="api-comment-preview"),
    path("comments/<uuid:comment_id>", api.comment_resource, name="api-comment"),
]
