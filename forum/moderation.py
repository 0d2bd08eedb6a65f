"""Moderation: the audit log, and the moderators' operations on discussions, comments and reports.

``record_action`` is the only writer of ``ModerationAction``; every moderation service calls it
inside its own transaction, so an action and its log entry are stored together or not at all.
The services here (and ``ban_user``, ``unban_user``, ``set_role`` in ``users.services``, and
``forum.services.delete_comment``) are the one implementation that the HTML views, the JSON
views, the Django admin and the tests call. Each checks its permission first
(``forum.permissions``): ``PermissionDenied`` is a 403, ``ValidationError`` a 400.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from forum.models import Comment, Discussion, ModerationAction, Report
from forum.page_cache import mark_changed
from forum.rate_limits import limit_writes
from forum.permissions import (
    check_handle_reports,
    check_lock_discussion,
    check_pin_discussion,
    check_report_comment,
)

Kind = ModerationAction.Kind
REPORT_REASON_REQUIRED = "Say what is wrong with this comment."
ALREADY_REPORTED = "You have reported this comment already: moderators will look at it."
ALREADY_HANDLED = "This report has been handled already."


def record_action(
    *,
    actor,
    kind: str,
    target_user=None,
    discussion=None,
    comment=None,
    reason: str = "",
    details: dict | None = None,
) -> ModerationAction:
    """Append one entry to the audit log."""
    return ModerationAction.objects.create(
        actor=actor,
        kind=kind,
        target_user=target_user,
        discussion=discussion,
        comment=comment,
        reason=reason,
        details=details or {},
    )


# --- Discussions: lock and pin -------------------------------------------------------------------


@transaction.atomic
def lock_discussion(*, actor, discussion: Discussion, reason: str = "") -> Discussion:
    """Lock ``discussion``: nobody posts in it any more (``post_comment_refusal``) until it is
    unlocked. Logged as "lock". Locking a locked discussion changes nothing and logs nothing.

    Raises ``PermissionDenied`` unless the actor is a moderator or admin.
    """
    check_lock_discussion(actor, discussion)
    return _set_flag(actor, discussion, "is_locked", True, Kind.LOCK, reason)


@transaction.atomic
def unlock_discussion(*, actor, discussion: Discussion, reason: str = "") -> Discussion:
    """Unlock ``discussion``: people may post again. Logged as "unlock"; a no-op when unlocked.

    Raises ``PermissionDenied`` unless the actor is a moderator or admin.
    """
    check_lock_discussion(actor, discussion)
    return _set_flag(actor, discussion, "is_locked", False, Kind.UNLOCK, reason)


@transaction.atomic
def pin_discussion(*, actor, discussion: Discussion, reason: str = "") -> Discussion:
    """Pin ``discussion``: lists show it before the others. Logged as "pin"; a no-op when pinned.

    Raises ``PermissionDenied`` unless the actor is a moderator or admin.
    """
    check_pin_discussion(actor, discussion)
    return _set_flag(actor, discussion, "is_pinned", True, Kind.PIN, reason)


@transaction.atomic
def unpin_discussion(*, actor, discussion: Discussion, reason: str = "") -> Discussion:
    """Unpin ``discussion``: it goes back to its place by activity. Logged as "unpin"; a no-op
    when not pinned.

    Raises ``PermissionDenied`` unless the actor is a moderator or admin.
    """
    check_pin_discussion(actor, discussion)
    return _set_flag(actor, discussion, "is_pinned", False, Kind.UNPIN, reason)


def _set_flag(actor, discussion: Discussion, field: str, value: bool, kind: str, reason: str) -> Discussion:
    """Set ``discussion.<field>`` to ``value`` under a row lock and log ``kind``, unless it
    already has that value."""
    discussion.refresh_from_db(from_queryset=Discussion.objects.select_for_update(), fields=[field])
    if getattr(discussion, field) == value:
        return discussion
    setattr(discussion, field, value)
    discussion.save(update_fields=[field])
    mark_changed(Discussion.objects.filter(pk=discussion.pk))
    record_action(actor=actor, kind=kind, discussion=discussion, reason=reason)
    return discussion


# --- Comments: hiding everything a banned user posted --------------------------------------------


def hide_comments_of(*, actor, user, reason: str = "") -> int:
    """Soft-delete every live comment of ``user`` (as ``forum.services.delete_comment`` does to
    one: ``is_deleted``, ``deleted_at``, ``deleted_by`` = ``actor``), in one UPDATE, and log
    one "delete_comment" entry naming them all. Returns how many were hidden.

    Precondition: the caller checked that ``actor`` may do this (``users.services.ban_user``
    calls it with ``hide_content``), inside its transaction.
    """
    live = Comment.objects.filter(author=user, is_deleted=False)
    rows = list(live.values_list("pk", "discussion_id"))
    ids = [str(pk) for pk, _ in rows]
    if not ids:
        return 0
    hidden = live.update(is_deleted=True, deleted_at=timezone.now(), deleted_by=actor)
    mark_changed(Discussion.objects.filter(pk__in={discussion_id for _, discussion_id in rows}))
    record_action(
        actor=actor,
        kind=Kind.DELETE_COMMENT,
        target_user=user,
        reason=reason,
        details={"hidden_with_ban": True, "count": hidden, "comment_ids": ids},
    )
    return hidden


# --- Reports --------------------------------------------------------------------------------------


@transaction.atomic
def report_comment(*, reporter, comment: Comment, reason: str) -> Report:
    """Report ``comment`` to the moderators with ``reason``: an open report in their queue.

    Preconditions: ``comment`` was fetched among the comments of discussions visible to the
    reporter (one they cannot see is a 404 before this is called).
    Raises ``PermissionDenied`` unless the reporter is logged in, not banned, not its author and
    the comment not deleted (``check_report_comment``); ``ValidationError`` when ``reason`` is
    blank (on ``reason``) or the reporter already has an open report on this comment;
    ``TooManyWrites`` over the reporter's limit (``forum.rate_limits``).
    """
    check_report_comment(reporter, comment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [ValidationError(REPORT_REASON_REQUIRED, code="required")]})
    limit_writes(reporter, "report_comment")
    already = ValidationError(ALREADY_REPORTED, code="already_reported")
    if Report.objects.filter(comment=comment, reporter=reporter, status=Report.Status.OPEN).exists():
        raise already
    try:
        with transaction.atomic():
            return Report.objects.create(comment=comment, reporter=reporter, reason=reason)
    except IntegrityError:  # the same report, sent twice at once
        raise already


@transaction.atomic
def resolve_report(*, actor, report: Report, delete_comment: bool = False, reason: str = "") -> Report:
    """Close ``report`` as resolved: the moderator agreed and acted. With ``delete_comment``,
    the reported comment is soft-deleted through ``forum.services.delete_comment`` (logged
    there, with ``reason`` or else the report's reason), and every other open report on that
    comment is resolved with it (nothing is left to judge). Logged as "resolve_report".

    Raises ``PermissionDenied`` unless the actor is a moderator or admin; ``ValidationError``
    when the report is not open any more.
    """
    check_handle_reports(actor)
    _lock_open_report(report)
    comment = report.comment
    deleted = delete_comment and not comment.is_deleted
    if deleted:
        from forum.services import delete_comment as delete  # forum.services imports this module

        delete(actor=actor, comment=comment, reason=reason or report.reason)
    others = _open_reports_on(comment, report) if deleted else []
    _close(report, Report.Status.RESOLVED, actor)
    for other in others:
        _close(other, Report.Status.RESOLVED, actor)
    _log_report(report, Kind.RESOLVE_REPORT, actor, reason, deleted_comment=deleted, also_resolved=[o.pk for o in others])
    return report


@transaction.atomic
def dismiss_report(*, actor, report: Report, reason: str = "") -> Report:
    """Close ``report`` as dismissed: nothing wrong with the comment. Logged as "dismiss_report".

    Raises ``PermissionDenied`` unless the actor is a moderator or admin; ``ValidationError``
    when the report is not open any more.
    """
    check_handle_reports(actor)
    _lock_open_report(report)
    _close(report, Report.Status.DISMISSED, actor)
    _log_report(report, Kind.DISMISS_REPORT, actor, reason)
    return report


def _lock_open_report(report: Report) -> None:
    report.refresh_from_db(from_queryset=Report.objects.select_for_update(), fields=["status"])
    if report.status != Report.Status.OPEN:
        raise ValidationError(ALREADY_HANDLED, code="handled")


def _open_reports_on(comment: Comment, except_report: Report) -> list[Report]:
    reports = Report.objects.select_for_update().filter(comment=comment, status=Report.Status.OPEN)
    return list(reports.exclude(pk=except_report.pk))


def _close(report: Report, status: str, actor) -> None:
    report.status, report.handled_by, report.handled_at = status, actor, timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])


def _log_report(report: Report, kind: str, actor, reason: str, **details) -> None:
    comment = report.comment
    record_action(
        actor=actor,
        kind=kind,
        target_user=comment.author,
        discussion=comment.discussion,
        comment=comment,
        reason=reason,
        details={"report_id": str(report.pk), "report_reason": report.reason, "reporter": report.reporter.login, **details},
    )


# --- Reading: the queue and the log -----------------------------------------------------------------


def reports(status: str | None = Report.Status.OPEN):
    """Reports with ``status`` (None: all), with their comment in context (discussion, author,
    reporter, handler and avatars joined: one query for a page). The open ones (the moderators'
    queue) oldest first; otherwise latest first."""
    queryset = Report.objects.select_related(
        "reporter__profile_image", "handled_by__profile_image", "comment__author__profile_image", "comment__discussion"
    )
    if status is None:
        return queryset.order_by("-created_at", "-id")
    queryset = queryset.filter(status=status)
    if status == Report.Status.OPEN:
        return queryset.order_by("created_at", "id")
    return queryset.order_by("-handled_at", "-id")


def log_entries(*, kind: str | None = None, actor: str | None = None, target_user: str | None = None):
    """The audit log, latest first, with who and what joined (one query for a page). Filters:
    ``kind``; ``actor`` and ``target_user`` each a user id or a login (any letter case)."""
    entries = ModerationAction.objects.select_related(
        "actor__profile_image", "target_user__profile_image", "discussion", "comment"
    ).order_by("-created_at", "-id")
    if kind:
        entries = entries.filter(kind=kind)
    if actor:
        entries = entries.filter(_user_is("actor", actor))
    if target_user:
        entries = entries.filter(_user_is("target_user", target_user))
    return entries


def _user_is(field: str, id_or_login: str):
    """A filter on ``field`` (a user foreign key) by id when ``id_or_login`` is a UUID, else by
    login in any letter case."""
    try:
        return Q(**{f"{field}_id": uuid.UUID(id_or_login)})
    except ValueError:
        return Q(**{f"{field}__login__iexact": id_or_login})
