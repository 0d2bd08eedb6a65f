"""Who may see and do what with accounts. One rule, one place.

``can_*`` answer a template's or view's question with a bool; ``check_*`` raise
``PermissionDenied`` with a sentence a person can read. The reasons are written once, in the
``*_refusal`` functions, and both families read them.
"""

from django.core.exceptions import PermissionDenied

BANNED_LOGIN = "This account is banned: it cannot log in."


def can_see_contact_details(viewer, user) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == user.pk or viewer.is_moderator


def log_in_refusal(user) -> str | None:
    """Why ``user`` (whose password was right) may not log in, or None when they may."""
    if user.is_banned:
        return BANNED_LOGIN
    return None


def can_log_in(user) -> bool:
    return log_in_refusal(user) is None


def check_log_in(user) -> None:
    """Raise PermissionDenied with the reason when ``user`` may not log in."""
    refusal = log_in_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)
