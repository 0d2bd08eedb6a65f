"""JSON views for moderation (see ../shared/API.md): locking and pinning discussions, bans and
roles, reports and their queue, and the audit log.

Thin, and one to one with ``forum/moderation_views.py``: fetch, check who may act (so that a
plain user gets 403 whatever the body), bind the form, call the service, serialise.
Conventions (401/403/404/415/400 bodies, pagination) come from ``forum.jsonapi``.
"""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from forum import moderation
from forum.jsonapi import api_view, invalid_form, json_response, paginate
from forum.models import Comment, Discussion, Report
from forum.moderation_forms import (
    BanForm,
    DismissReportForm,
    LogFilterForm,
    ModerationReasonForm,
    ReportFilterForm,
    ReportForm,
    ResolveReportForm,
    RoleForm,
)
from forum.moderation_serializers import moderation_action_data, report_data, with_comments_for_serializing
from forum.permissions import (
    check_handle_reports,
    check_lock_discussion,
    check_pin_discussion,
    check_report_comment,
    check_view_moderation_log,
)
from forum.serializers import discussion_data
from users import services as user_services
from users.permissions import check_ban_user, check_set_role, check_unban_user
from users.serializers import user_data

# A discussion in an answer embeds its latest comments, as GET /discussions/{id} does by default.
COMMENTS_LIMIT = 20


# --- Discussions ----------------------------------------------------------------------------------


def _discussion_action(request, discussion_id, check, service):
    discussion = get_object_or_404(Discussion.objects.visible_to(request.user), pk=discussion_id)
    check(request.user, discussion)
    form = _valid(ModerationReasonForm(request.json))
    service(actor=request.user, discussion=discussion, reason=form.cleaned_data["reason"])
    discussion = Discussion.objects.with_participants().with_latest_comments(COMMENTS_LIMIT).get(pk=discussion.pk)
    return json_response(discussion_data(discussion, request.user, request))


@api_view(["POST"], login_required=True, body="optional json")
def discussion_lock(request, discussion_id):
    """POST /discussions/{id}/lock, body optional ``{"reason"}``: 200 the discussion."""
    return _discussion_action(request, discussion_id, check_lock_discussion, moderation.lock_discussion)


@api_view(["POST"], login_required=True, body="optional json")
def discussion_unlock(request, discussion_id):
    return _discussion_action(request, discussion_id, check_lock_discussion, moderation.unlock_discussion)


@api_view(["POST"], login_required=True, body="optional json")
def discussion_pin(request, discussion_id):
    return _discussion_action(request, discussion_id, check_pin_discussion, moderation.pin_discussion)


@api_view(["POST"], login_required=True, body="optional json")
def discussion_unpin(request, discussion_id):
    return _discussion_action(request, discussion_id, check_pin_discussion, moderation.unpin_discussion)


# --- Users: bans and roles -----------------------------------------------------------------------


def _user(user_id):
    return get_object_or_404(get_user_model().objects.with_profile_image(), pk=user_id)


@api_view(["POST"], login_required=True)
def user_ban(request, user_id):
    """POST /users/{id}/ban ``{"reason", "until" (ISO 8601, optional), "hide_content" (optional)}``:
    200 the user."""
    user = _user(user_id)
    check_ban_user(request.user, user)
    form = _valid(BanForm(request.json))
    user_services.ban_user(actor=request.user, user=user, **form.ban_arguments())
    return json_response(user_data(user, request.user, request))


@api_view(["POST"], login_required=True, body="optional json")
def user_unban(request, user_id):
    """POST /users/{id}/unban: 200 the user."""
    user = _user(user_id)
    check_unban_user(request.user, user)
    user_services.unban_user(actor=request.user, user=user)
    return json_response(user_data(user, request.user, request))


@api_view(["POST"], login_required=True)
def user_role(request, user_id):
    """POST /users/{id}/role ``{"role_type"}``: 200 the user."""
    user = _user(user_id)
    check_set_role(request.user, user)
    form = _valid(RoleForm(request.json))
    user_services.set_role(actor=request.user, user=user, role_type=form.cleaned_data["role_type"])
    return json_response(user_data(user, request.user, request))


# --- Reports --------------------------------------------------------------------------------------


@api_view(["POST"], login_required=True)
def comment_report(request, comment_id):
    """POST /comments/{id}/report ``{"reason"}``: 201 the report."""
    visible = Comment.objects.filter(discussion__in=Discussion.objects.visible_to(request.user))
    comment = get_object_or_404(visible, pk=comment_id)
    check_report_comment(request.user, comment)
    form = _valid(ReportForm(request.json))
    report = moderation.report_comment(reporter=request.user, comment=comment, reason=form.cleaned_data["reason"])
    return json_response(_report_data(request, report), status=201)


@api_view(["GET"], login_required=True)
def report_list(request):
    """GET /moderation/reports ``?status=open|resolved|dismissed|all`` (default open), paginated."""
    check_handle_reports(request.user)
    form = _valid(ReportFilterForm(request.GET))
    items, headers = paginate(request, with_comments_for_serializing(moderation.reports(form.status_filter())))
    return json_response([report_data(r, request.user, request) for r in items], headers=headers)


def _report_action(request, report_id, form_class, service):
    check_handle_reports(request.user)
    report = get_object_or_404(Report.objects.select_related("comment__discussion", "reporter"), pk=report_id)
    form = _valid(form_class(request.json))
    service(actor=request.user, report=report, **form.cleaned_data)
    return json_response(_report_data(request, report))


@api_view(["POST"], login_required=True, body="optional json")
def report_resolve(request, report_id):
    """POST /moderation/reports/{id}/resolve ``{"delete_comment" (optional), "reason" (optional)}``:
    200 the report."""
    return _report_action(request, report_id, ResolveReportForm, moderation.resolve_report)


@api_view(["POST"], login_required=True, body="optional json")
def report_dismiss(request, report_id):
    """POST /moderation/reports/{id}/dismiss ``{"reason" (optional)}``: 200 the report."""
    return _report_action(request, report_id, DismissReportForm, moderation.dismiss_report)


def _report_data(request, report):
    report = with_comments_for_serializing(moderation.reports(status=None)).get(pk=report.pk)
    return report_data(report, request.user, request)


# --- The audit log --------------------------------------------------------------------------------


@api_view(["GET"], login_required=True)
def moderation_log(request):
    """GET /moderation/log ``?kind=&actor=&target_user=`` (users by id or login), latest first,
    paginated."""
    check_view_moderation_log(request.user)
    form = _valid(LogFilterForm(request.GET))
    items, headers = paginate(request, moderation.log_entries(**form.filters()))
    return json_response([moderation_action_data(e, request.user, request) for e in items], headers=headers)


def _valid(form):
    if not form.is_valid():
        raise invalid_form(form)
    return form
