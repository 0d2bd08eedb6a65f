"""JSON shapes of discussions and comments, as ../shared/API.md describes them.

These functions read only what the querysets prefetched (``Discussion.objects.with_participants()
.with_latest_comments(n)``, ``Comment.objects.with_related()``): serialising a page of
discussions adds no query.
"""

from forum.permissions import is_staff_member
from users.serializers import upload_data, user_data


def discussion_data(discussion, viewer, request=None) -> dict:
    """A discussion with its participants and its latest comments (``latest_comments``)."""
    return {
        "id": str(discussion.id),
        "name": discussion.name,
        "participants": [user_data(p.user, viewer, request) for p in discussion.participants.all()],
        "comments": [comment_data(c, viewer, request) for c in discussion.latest_comments],
        "created_at": discussion.created_at.isoformat(),
        "last_activity_at": discussion.last_activity_at.isoformat(),
        "visibility": discussion.visibility,
        "is_locked": discussion.is_locked,
        "is_pinned": discussion.is_pinned,
        "comments_count": discussion.comments_count,
    }


def comment_data(comment, viewer, request=None) -> dict:
    hidden = _is_hidden_from(comment, viewer)
    return {
        "id": str(comment.id),
        "created_at": comment.created_at.isoformat(),
        "author": user_data(comment.author, viewer, request),
        "comment_text": "" if hidden else comment.text,
        "attachments": [] if hidden else [upload_data(u, request) for u in comment.attachments.all()],
        "replied_message": replied_message_data(comment.replied_to, viewer, request) if comment.replied_to_id else None,
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "is_deleted": comment.is_deleted,
    }


def replied_message_data(comment, viewer, request=None) -> dict:
    """The short form of the comment being answered."""
    return {
        "id": str(comment.id),
        "created_at": comment.created_at.isoformat(),
        "author": user_data(comment.author, viewer, request),
        "comment_text": "" if _is_hidden_from(comment, viewer) else comment.text,
    }


def _is_hidden_from(comment, viewer) -> bool:
    """A deleted comment's content is kept for the audit log: staff still read it."""
    return comment.is_deleted and not is_staff_member(viewer)


def invitation_data(participant, viewer, request=None) -> dict:
    """The answer to an invitation: who joined, and who invited them."""
    return {
        "participant": user_data(participant.user, viewer, request),
        "inviter": user_data(participant.invited_by, viewer, request),
    }
