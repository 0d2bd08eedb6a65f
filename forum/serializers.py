"""JSON shapes of discussions and comments, as ../shared/API.md describes them.

These functions read only what the querysets prefetched (``Discussion.objects.with_participants()
.with_latest_comments(n)``, ``Comment.objects.with_related()``): serialising a page of
discussions adds no query.

As in ``users.serializers``, each shape is built by one ``*_data_for(obj, audience)`` function;
``discussion_data``, ``comment_data`` and ``invitation_data`` serve one object, and
``discussion_list_data`` a whole list with one ``Audience``. The JSON lists keep each
discussion's dict (``forum.json_cache``) and give a viewer their own mentions with
``discussion_data_with_user_changed``.
"""

from collections.abc import Callable

from forum.permissions import is_staff_member
from users.serializers import Audience, upload_data_for, user_data_for


def discussion_list_data(discussions, viewer, request=None) -> list[dict]:
    audience = Audience(viewer, request)
    return [discussion_data_for(discussion, audience) for discussion in discussions]


def discussion_data(discussion, viewer, request=None) -> dict:
    return discussion_data_for(discussion, Audience(viewer, request))


def discussion_data_for(discussion, audience: Audience) -> dict:
    """A discussion with its participants and its latest comments (``latest_comments``)."""
    return {
        "id": str(discussion.id),
        "name": discussion.name,
        "participants": [user_data_for(p.user, audience) for p in discussion.participants.all()],
        "comments": [comment_data_for(c, audience) for c in discussion.latest_comments],
        "created_at": discussion.created_at.isoformat(),
        "last_activity_at": discussion.last_activity_at.isoformat(),
        "visibility": discussion.visibility,
        "is_locked": discussion.is_locked,
        "is_pinned": discussion.is_pinned,
        "comments_count": discussion.comments_count,
    }


def discussion_data_with_user_changed(data: dict, user_id: str, change: Callable[[dict], dict]) -> dict:
    """``data`` (a ``discussion_data_for`` dict) with ``change(mention)`` in place of every
    mention of the user ``user_id``: as a participant, a comment's author and the author of a
    comment answered. Only what changes is copied: ``data`` may be a kept copy."""

    def changed(user: dict) -> dict:
        return change(user) if user["id"] == user_id else user

    return {
        **data,
        "participants": [changed(user) for user in data["participants"]],
        "comments": [_comment_data_with_user_changed(comment, changed) for comment in data["comments"]],
    }


def _comment_data_with_user_changed(comment: dict, changed: Callable[[dict], dict]) -> dict:
    author, replied = changed(comment["author"]), comment["replied_message"]
    if replied is not None:
        replied_author = changed(replied["author"])
        if replied_author is not replied["author"]:
            replied = {**replied, "author": replied_author}
    if author is comment["author"] and replied is comment["replied_message"]:
        return comment
    return {**comment, "author": author, "replied_message": replied}


def comment_data(comment, viewer, request=None) -> dict:
    return comment_data_for(comment, Audience(viewer, request))


def comment_data_for(comment, audience: Audience) -> dict:
    hidden = _is_hidden_from(comment, audience.viewer)
    return {
        "id": str(comment.id),
        "created_at": comment.created_at.isoformat(),
        "author": user_data_for(comment.author, audience),
        "comment_text": "" if hidden else comment.text,
        "attachments": [] if hidden else [upload_data_for(u, audience) for u in comment.attachments.all()],
        "replied_message": replied_message_data_for(comment.replied_to, audience) if comment.replied_to_id else None,
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "is_deleted": comment.is_deleted,
    }


def replied_message_data_for(comment, audience: Audience) -> dict:
    """The short form of the comment being answered."""
    return {
        "id": str(comment.id),
        "created_at": comment.created_at.isoformat(),
        "author": user_data_for(comment.author, audience),
        "comment_text": "" if _is_hidden_from(comment, audience.viewer) else comment.text,
    }


def _is_hidden_from(comment, viewer) -> bool:
    """A deleted comment's content is kept for the audit log: staff still read it."""
    return comment.is_deleted and not is_staff_member(viewer)


def invitation_data(participant, viewer, request=None) -> dict:
    """The answer to an invitation: who joined, and who invited them."""
    audience = Audience(viewer, request)
    return {
        "participant": user_data_for(participant.user, audience),
        "inviter": user_data_for(participant.invited_by, audience),
    }
