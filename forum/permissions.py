"""Who may see and do what in discussions. One rule, one place.

``can_*`` answer a template's or view's question with a bool; ``check_*`` raise
``PermissionDenied`` (with a sentence a person can read) for the services. The reasons are
written once, in the ``*_refusal`` functions, and both families read them.

Reading is filtered in SQL by ``Discussion.objects.visible_to(user)``: a private discussion
that a user may not see is fetched through it and so does not exist for them (404).
``can_view_discussion`` states the same rule for one object already in hand.
"""

from django.core.exceptions import PermissionDenied

from forum.models import Discussion, Participant

BANNED = "Your account is banned: you cannot post."


def is_staff_member(user) -> bool:
    """Moderators and admins (superusers included)."""
    return bool(user and user.is_authenticated and user.is_moderator)


def is_participant(user, discussion: Discussion) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Participant.objects.filter(discussion=discussion, user=user).exists()


def can_view_discussion(user, discussion: Discussion) -> bool:
    if not discussion.is_private:
        return True
    return is_staff_member(user) or is_participant(user, discussion)


def start_discussion_refusal(user) -> str | None:
    """Why ``user`` may not start a discussion, or None when they may."""
    if not user.is_authenticated:
        return "Log in to start a discussion."
    if user.is_banned:
        return BANNED
    return None


def can_start_discussion(user) -> bool:
    return start_discussion_refusal(user) is None


def check_start_discussion(user) -> None:
    _raise_if(start_discussion_refusal(user))


def post_comment_refusal(user, discussion: Discussion) -> str | None:
    """Why ``user`` may not post in ``discussion``, or None when they may.

    Logged-in, non-banned users post in public discussions (and so become participants); in a
    private one only its participants post; nobody posts in a locked one.
    """
    if not user.is_authenticated:
        return "Log in to comment."
    if user.is_banned:
        return BANNED
    if discussion.is_locked:
        return "This discussion is locked: nobody can post in it."
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


def _raise_if(refusal: str | None) -> None:
    if refusal is not None:
        raise PermissionDenied(refusal)
