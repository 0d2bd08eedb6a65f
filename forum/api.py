"""JSON views for discussions and comments, at the seed's paths (see ../shared/API.md).

Thin, and one to one with ``forum/views.py``: fetch what the user may see, bind the form,
call the service, serialise. Conventions (methods, 401/415/400, error bodies, pagination)
come from ``forum.jsonapi``.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from forum import json_cache
from forum.forms import (
    CommentForm,
    DeleteCommentForm,
    EditCommentForm,
    InviteParticipantForm,
    PreviewForm,
    StartDiscussionForm,
)
from forum.jsonapi import (
    ApiError,
    api_view,
    invalid_form,
    json_response,
    paginate,
    method_dispatch,
)
from forum.markdown import render_markdown
from forum.models import Comment, Discussion
from forum.pagination import DeferredJoin
from forum.permissions import note_participation
from forum.serializers import comment_data, discussion_data, invitation_data
from forum.services import delete_comment, edit_comment, invite_participant, post_comment, start_discussion

COMMENTS_LIMIT_DEFAULT = 20
COMMENTS_LIMIT_MAX = 100


@api_view(["POST"], login_required=True)
def discussion_create(request):
    form = StartDiscussionForm(request.json)
    if not form.is_valid():
        raise invalid_form(form)
    with_parts = _discussions_with_parts(request)  # a bad ?comments_limit= fails before the write
    discussion = start_discussion(creator=request.user, **form.cleaned_data)
    discussion = with_parts.get(pk=discussion.pk)
    return json_response(discussion_data(discussion, request.user, request), status=201)


@api_view(["GET"])
def discussion_list(request):
    discussions = Discussion.objects.visible_to(request.user).in_list_order()
    return _discussion_page(request, discussions)


@api_view(["GET"], login_required=True)
def discussion_list_mine(request):
    discussions = Discussion.objects.of_participant(request.user).in_activity_order()
    return _discussion_page(request, discussions)


@api_view(["GET"])
def discussion_detail(request, discussion_id):
    visible = _discussions_with_parts(request).visible_to(request.user)
    discussion = get_object_or_404(visible, pk=discussion_id)
    return json_response(discussion_data(discussion, request.user, request))


@api_view(["GET"])
def comment_list(request, discussion_id):
    discussion = get_object_or_404(Discussion.objects.visible_to(request.user), pk=discussion_id)
    comments, count = discussion.comments.in_time_order(), discussion.comments_count
    if "after" in request.GET:
        comments, count = comments.newer_than(_after_comment(request, discussion)), None
    # The page's ids from the index, then its rows: a late page costs what the first does.
    items, headers = paginate(request, DeferredJoin(comments, rows=Comment.objects.for_api(), count=count))
    return json_response([comment_data(c, request.user, request) for c in items], headers=headers)


@api_view(["POST"], login_required=True)
def comment_create(request, discussion_id):
    discussion = get_object_or_404(Discussion.objects.visible_to(request.user), pk=discussion_id)
    form = CommentForm(request.json)
    if not form.is_valid():
        raise invalid_form(form)
    comment = post_comment(author=request.user, discussion=discussion, **form.post_comment_arguments())
    comment = Comment.objects.with_related().get(pk=comment.pk)
    return json_response(comment_data(comment, request.user, request), status=201)


discussion_comments = method_dispatch(GET=comment_list, POST=comment_create)


@api_view(["GET"])
def comment_detail(request, comment_id):
    return json_response(comment_data(_visible_comment(request, comment_id), request.user, request))


@api_view(["PATCH"], login_required=True)
def comment_edit(request, comment_id):
    """Body ``{"comment_text"}``: the author's new text; 200 with the comment."""
    comment = _visible_comment(request, comment_id)
    form = EditCommentForm(request.json)
    if not form.is_valid():
        raise invalid_form(form)
    comment = edit_comment(actor=request.user, comment=comment, text=form.cleaned_data["comment_text"])
    return json_response(comment_data(comment, request.user, request))


@api_view(["DELETE"], login_required=True)
def comment_delete(request, comment_id):
    """Body optional, ``{"reason"}`` (for the audit log when a moderator deletes); 200 with the
    comment as the deleter now sees it."""
    comment = _visible_comment(request, comment_id)
    form = DeleteCommentForm(request.json)
    if not form.is_valid():
        raise invalid_form(form)
    comment = delete_comment(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
    return json_response(comment_data(comment, request.user, request))


comment_resource = method_dispatch(GET=comment_detail, PATCH=comment_edit, DELETE=comment_delete)


@api_view(["POST"])
def comment_preview(request):
    """Body ``{"comment_text"}``: 200 ``{"comment_text", "html"}``, the HTML exactly as a comment
    with that text would store it. Writes nothing."""
    form = PreviewForm(request.json)
    if not form.is_valid():
        raise invalid_form(form)
    text = form.cleaned_data["comment_text"]
    return json_response({"comment_text": text, "html": render_markdown(text)})


@api_view(["POST"], login_required=True)
def participant_create(request, discussion_id):
    """Body ``{"login"}``: 201 ``{"participant": user, "inviter": user}``."""
    visible = Discussion.objects.visible_to(request.user).with_viewer_participation(request.user)
    discussion = get_object_or_404(visible, pk=discussion_id)
    note_participation(discussion, request.user, discussion.viewer_is_participant)
    form = InviteParticipantForm(request.json)
    if not form.is_valid():
        raise invalid_form(form)
    participant = invite_participant(inviter=request.user, discussion=discussion, login=form.cleaned_data["login"])
    return json_response(invitation_data(participant, request.user, request), status=201)


def _discussion_page(request, discussions):
    """A page of ``discussions`` (ordered, filtered for the viewer): the page's ids and versions
    first, then each discussion's JSON, kept per version (``forum.json_cache``)."""
    comments_limit = _comments_limit(request)
    versions, headers = paginate(request, discussions.values_list("pk", "changed_at"))
    return json_response(json_cache.discussion_list_data(request, versions, comments_limit), headers=headers)


def _discussions_with_parts(request):
    return Discussion.objects.with_participants().with_latest_comments(_comments_limit(request))


def _comments_limit(request) -> int:
    """``?comments_limit=``: how many of the latest comments a discussion embeds."""
    raw = request.GET.get("comments_limit", COMMENTS_LIMIT_DEFAULT)
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise ApiError(400, "comments_limit must be a whole number.")
    if limit < 0:
        raise ApiError(400, "comments_limit cannot be negative.")
    return min(limit, COMMENTS_LIMIT_MAX)


def _visible_comment(request, comment_id) -> Comment:
    """The comment, if it is in a discussion the user may see (404 otherwise), with what its
    serialisation and the edit and delete rules read."""
    visible = Comment.objects.filter(discussion__in=Discussion.objects.visible_to(request.user))
    return get_object_or_404(visible.with_related().select_related("discussion"), pk=comment_id)


def _after_comment(request, discussion) -> Comment:
    """``?after=<comment_id>``: must name a comment of this discussion."""
    comment_id = request.GET["after"]
    try:
        return discussion.comments.get(pk=comment_id)
    except (Comment.DoesNotExist, ValidationError, ValueError):
        raise ApiError(400, "after must be the id of a comment of this discussion.")
