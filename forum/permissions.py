"""Who may see and do what in discussions. One rule, one place.

``can_*`` answer a template's or view's question with a bool; ``check_*`` raise
``PermissionDenied`` (with a sentence a person can read) for the services. The reasons are
written once, in the ``*_refusal`` functions, and both families read them.

Reading is filtered in SQL by ``Discussion.objects.visible_to(user)``: a private discussion
that a user may not see is fetched through it and so does not exist for them (404).
``can_view_discussion`` states the same rule for one object already in hand.
"""

from django.core.exceptions import PermissionDenied

from forum.models import Comment, Discussion, Participant
from users.permissions import is_banned_now

BANNED = "Your account is banned: you cannot post."
BANNED_FROM_CHANGING = "Your account is banned: you cannot edit or delete comments."
LOCKED = "This discussion is locked: nobody can post in it."


def is_staff_member(user) -> bool:
    """Moderators and admins (superusers included)."""
    return bool(user and user.is_authenticated and user.is_moderator)


def is_participant(user, discussion: Discussion) -> bool:
    """Whether ``user`` takes part in ``discussion``. The answer is remembered on the discussion
    object, so a page that asks several permissions runs at most one query (none when the view
    fetched it with ``with_viewer_participation`` and called ``note_participation``). Nothing
    removes a participant, so a remembered "yes" cannot go stale."""
    if not (user and user.is_authenticated):
        return False
    known = _known_participation(discussion)
    if user.pk not in known:
        known[user.pk] = Participant.objects.filter(discussion=discussion, user=user).exists()
    return known[user.pk]


def note_participation(discussion: Discussion, user, participates: bool = True) -> None:
    """Tell ``is_participant`` what is already known (from an annotation, or after a write)."""
    if user and user.is_authenticated:
        _known_participation(discussion)[user.pk] = participates


def _known_participation(discussion: Discussion) -> dict:
    return discussion.__dict__.setdefault("_known_participation", {})


def can_view_discussion(user, discussion: Discussion) -> bool:
    if not discussion.is_private:
        return True
    return is_staff_member(user) or is_participant(user, discussion)


def start_discussion_refusal(user) -> str | None:
    """Why ``user`` may not start a discussion, or None when they may."""
    if not user.is_authenticated:
        return "Log in to start a discussion."
    if is_banned_now(user):
        return BANNED
    return None


def can_start_discussion(user) -> bool:
    return start_discussion_refusal(user) is None


def check_start_discussion(user) -> None:
    _raise_if(start_discussion_refusal(user))


def post_comment_refusal(user, discussion: Discussion) -> str | None:
    """Why ``user`` may not post in ``discussion``, or None when they may.

    Logged-in, non-banned users post in public discussions (and so become participants); in a
    private one only its participants post; nobody posts in a locked one (which is what an
    anonymous visitor is told there, rather than to log in).
    """
    if not user.is_authenticated:
        return LOCKED if discussion.is_locked else "Log in to comment."
    if is_banned_now(user):
        return BANNED
    if discussion.is_locked:
        return LOCKED
    if discussion.is_private and not is_participant(user, discussion):
        return "Only participants can post in this private discussion."
    return None


def can_post_comment(user, discussion: Discussion) -> bool:
    return post_comment_refusal(user, discussion) is None


def check_post_comment(user, discussion: Discussion) -> None:
    _raise_if(post_comment_refusal(user, discussion))


def check_post_as(user, claimed_author_id) -> None:
    """The author is always the logged-in user: naming anybody else as author is refused."""
    if claimed_author_id is not None and str(claimed_author_id) != str(user.pk):
        raise PermissionDenied("You can only post as yourself: author_id must be your own id or left out.")


def edit_comment_refusal(user, comment: Comment) -> str | None:
    """Why ``user`` may not edit ``comment``, or None when they may: only its author, not
    banned, while the comment is not deleted and its discussion is not locked (moderators
    delete, they do not rewrite what others said)."""
    if not user.is_authenticated:
        return "Log in to edit your comments."
    if is_banned_now(user):
        return BANNED_FROM_CHANGING
    if comment.author_id != user.pk:
        return "You can only edit your own comments."
    if comment.is_deleted:
        return "This comment was deleted: it cannot be edited."
    if comment.discussion.is_locked:
        return "This discussion is locked: nobody can edit comments in it."
    return None


def can_edit_comment(user, comment: Comment) -> bool:
    return edit_comment_refusal(user, comment) is None


def check_edit_comment(user, comment: Comment) -> None:
    _raise_if(edit_comment_refusal(user, comment))


def delete_comment_refusal(user, comment: Comment) -> str | None:
    """Why ``user`` may not delete ``comment``, or None when they may: its author while the
    discussion is not locked, and moderators and admins always; nobody who is banned, and
    nobody twice."""
    if not user.is_authenticated:
        return "Log in to delete your comments."
    if is_banned_now(user):
        return BANNED_FROM_CHANGING
    if comment.is_deleted:
        return "This comment is deleted already."
    if is_staff_member(user):
        return None
    if comment.author_id != user.pk:
        return "You can only delete your own comments."
    if comment.discussion.is_locked:
        return "This discussion is locked: nobody can delete comments in it."
    return None


def can_delete_comment(user, comment: Comment) -> bool:
    return delete_comment_refusal(user, comment) is None


def check_delete_comment(user, comment: Comment) -> None:
    _raise_if(delete_comment_refusal(user, comment))


def invite_participant_refusal(user, discussion: Discussion) -> str | None:
    """Why ``user`` may not invite people into ``discussion``, or None when they may: its
    participants who are not banned, while it is not locked. (Who cannot see a private
    discussion never gets here: it does not exist for them, a 404.)"""
    if not user.is_authenticated:
        return "Log in to invite people."
    if is_banned_now(user):
        return "Your account is banned: you cannot invite people."
    if discussion.is_locked:
        return "This discussion is locked: nobody can join it."
    if not is_participant(user, discussion):
        return "Only participants can invite people to this discussion."
    return None


def can_invite_participant(user, discussion: Discussion) -> bool:
    return invite_participant_refusal(user, discussion) is None


def check_invite_participant(user, discussion: Discussion) -> None:
    _raise_if(invite_participant_refusal(user, discussion))


def _raise_if(refusal: str | None) -> None:
    if refusal is not None:
        raise PermissionDenied(refusal)


# --- Moderation (issue 4): locking, pinning, reports, the audit log ---------------------------
# Bans and roles are user-level rules: users/permissions.py.

MODERATORS_ONLY = "Only moderators and admins can do that."


def moderation_refusal(user) -> str | None:
    """Why ``user`` may not moderate (lock, pin, handle reports, read the log), or None."""
    if not (user and user.is_authenticated):
        return "Log in first."
    if not is_staff_member(user) or is_banned_now(user):
        return MODERATORS_ONLY
    return None


def can_moderate(user) -> bool:
    return moderation_refusal(user) is None


def check_moderate(user) -> None:
    _raise_if(moderation_refusal(user))


def can_lock_discussion(user, discussion: Discussion) -> bool:
    return can_moderate(user)


def check_lock_discussion(user, discussion: Discussion) -> None:
    check_moderate(user)


def can_pin_discussion(user, discussion: Discussion) -> bool:
    return can_moderate(user)


def check_pin_discussion(user, discussion: Discussion) -> None:
    check_moderate(user)


def can_handle_reports(user) -> bool:
    return can_moderate(user)


def check_handle_reports(user) -> None:
    check_moderate(user)


def can_view_moderation_log(user) -> bool:
    return can_moderate(user)


def check_view_moderation_log(user) -> None:
    check_moderate(user)


def report_comment_refusal(user, comment: Comment) -> str | None:
    """Why ``user`` may not report ``comment``, or None when they may: any logged-in user who
    is not banned reports a live comment of someone else. (A comment in a discussion they
    cannot see does not exist for them: a 404 before this is asked.)"""
    if not (user and user.is_authenticated):
        return "Log in to report a comment."
    if is_banned_now(user):
        return "Your account is banned: you cannot report comments."
    if comment.author_id == user.pk:
        return "You cannot report your own comment."
    if comment.is_deleted:
        return "This comment is deleted already."
    return None


def can_report_comment(user, comment: Comment) -> bool:
    return report_comment_refusal(user, comment) is None


def check_report_comment(user, comment: Comment) -> None:
    _raise_if(report_comment_refusal(user, comment))
