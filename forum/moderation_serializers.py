"""JSON shapes of reports and audit log entries (see ../shared/API.md for users, discussions and
comments, which they embed). They read only what ``forum.moderation.reports`` and
``log_entries`` join or prefetch: serialising a page adds no query."""

from django.db.models import Prefetch

from forum.models import Comment
from forum.serializers import comment_data
from users.serializers import user_data


def with_comments_for_serializing(reports):
    """``reports`` with each report's comment fetched as ``comment_data`` reads it (author,
    reply, attachments): two queries for the whole page instead of a few per report."""
    comments = Comment.objects.with_related().select_related("discussion")
    people = reports.select_related(None).select_related("reporter__profile_image", "handled_by__profile_image")
    return people.prefetch_related(Prefetch("comment", queryset=comments))


def report_data(report, viewer, request=None) -> dict:
    comment = report.comment
    return {
        "id": str(report.pk),
        "status": report.status,
        "reason": report.reason,
        "created_at": report.created_at.isoformat(),
        "reporter": user_data(report.reporter, viewer, request),
        "comment": comment_data(comment, viewer, request),
        "discussion": discussion_ref(comment.discussion),
        "handled_by": user_data(report.handled_by, viewer, request) if report.handled_by_id else None,
        "handled_at": report.handled_at.isoformat() if report.handled_at else None,
    }


def moderation_action_data(entry, viewer, request=None) -> dict:
    """One audit log entry: who (``actor``) did what (``kind``) to whom (``target_user``) or
    what (``discussion``, ``comment``), why (``reason``) and when (``created_at``); ``details``
    holds what else the action recorded (a ban's end, a role's old and new value...)."""
    return {
        "id": str(entry.pk),
        "kind": entry.kind,
        "actor": user_data(entry.actor, viewer, request) if entry.actor_id else None,
        "target_user": user_data(entry.target_user, viewer, request) if entry.target_user_id else None,
        "discussion": discussion_ref(entry.discussion) if entry.discussion_id else None,
        "comment": comment_ref(entry.comment) if entry.comment_id else None,
        "reason": entry.reason,
        "details": entry.details,
        "created_at": entry.created_at.isoformat(),
    }


def discussion_ref(discussion) -> dict:
    return {"id": str(discussion.pk), "name": discussion.name}


def comment_ref(comment) -> dict:
    """The comment an entry concerns, text included: the log is for staff, who read deleted
    comments (that is why they are kept)."""
    return {
        "id": str(comment.pk),
        "discussion_id": str(comment.discussion_id),
        "comment_text": comment.text,
        "is_deleted": comment.is_deleted,
    }
