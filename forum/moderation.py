"""Moderation: the audit log, and (issue 4) the moderators' operations.

``record_action`` is the only writer of ``ModerationAction``; every moderation service calls it
inside its own transaction, so an action and its log entry are stored together or not at all.
"""

from forum.models import ModerationAction


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
