"""Who may see and do what with accounts. One rule, one place.

``can_*`` answer a template's or view's question with a bool; ``check_*`` raise
``PermissionDenied`` with a sentence a person can read. The reasons are written once, in the
``*_refusal`` functions, and both families read them.

Bans: ``is_banned_now`` is the one rule for "this account is banned at this moment" (a timed
ban whose end has passed no longer counts); every other check reads it.

Who moderates whom (issue 4):
- roles: only admins set roles, of anyone but themself (admins are peers: one may demote
  another); the last active admin stays (``demotion_refusal``: neither demoted nor deactivated);
- bans and unbans: moderators ban and unban plain users; admins also ban and unban moderators;
  nobody bans an admin (another admin first makes them a user or moderator); nobody bans or
  unbans themself.
"""

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

# --- Bans: the one rule ----------------------------------------------------------------------


def is_banned_now(user, *, now: datetime | None = None) -> bool:
    """True while ``user`` is banned: the ban flag is set and its end (``banned_until``, empty
    for a ban without end) has not passed. Anonymous users are never banned."""
    if not getattr(user, "is_banned", False):
        return False
    return user.banned_until is None or user.banned_until > (now or timezone.now())


def banned_now_q(prefix: str = "", *, now: datetime | None = None) -> Q:
    """``is_banned_now`` as a filter for a queryset of users (``prefix`` e.g. ``"author__"``)."""
    until = f"{prefix}banned_until"
    return Q(**{f"{prefix}is_banned": True}) & (Q(**{f"{until}__isnull": True}) | Q(**{f"{until}__gt": now or timezone.now()}))


def has_expired_ban(user, *, now: datetime | None = None) -> bool:
    """True when ``user`` still carries the flag of a timed ban whose end has passed."""
    return getattr(user, "is_banned", False) and not is_banned_now(user, now=now)


def ban_description(user) -> str:
    """"banned until 2026-06-05 14:00 UTC" or "banned without end date", plus the reason."""
    if user.banned_until is None:
        text = "banned without end date"
    else:
        text = f"banned until {format_ban_end(user.banned_until)}"
    if user.ban_reason:
        text += f" (reason: {user.ban_reason})"
    return text


def format_ban_end(when: datetime) -> str:
    return f"{timezone.localtime(when, UTC):%Y-%m-%d %H:%M} UTC"


# --- Contact details and logging in ----------------------------------------------------------


def can_see_contact_details(viewer, user) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == user.pk or viewer.is_moderator


ACCOUNT_DEACTIVATED = "This account is deactivated: it cannot log in."


def log_in_refusal(user) -> str | None:
    """Why ``user`` (whose password was right) may not log in, or None when they may.
    For a banned user: that they are banned, until when, and why; for a deactivated account
    (``is_active`` unticked in the admin): that it is deactivated. Only ever asked after the
    password was checked, so it tells nothing to someone who does not know it."""
    if is_banned_now(user):
        return f"This account is {ban_description(user)}: it cannot log in."
    if not user.is_active:
        return ACCOUNT_DEACTIVATED
    return None


def can_log_in(user) -> bool:
    return log_in_refusal(user) is None


def check_log_in(user) -> None:
    """Raise PermissionDenied with the reason when ``user`` may not log in."""
    refusal = log_in_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)


def session_refusal(user) -> str | None:
    """Why the session that ``user`` held has ended, when it ended because of a ban."""
    if is_banned_now(user):
        return f"You have been logged out: this account is {ban_description(user)}."
    return None


# --- Bans: who may ban whom ------------------------------------------------------------------


def _is_active_moderator(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_moderator and not is_banned_now(actor))


def _moderate_user_refusal(actor, user) -> str | None:
    """What banning and unbanning share: moderators act on plain users, admins on anyone
    but themselves."""
    if not (actor and actor.is_authenticated):
        return "Log in first."
    if not _is_active_moderator(actor):
        return "Only moderators and admins can ban or unban users."
    if actor.pk == user.pk:
        return "You cannot ban or unban yourself."
    if user.is_moderator and not actor.is_admin:
        return "Only admins can ban or unban moderators and admins."
    return None


def ban_user_refusal(actor, user) -> str | None:
    """Why ``actor`` may not ban ``user``, or None when they may."""
    refusal = _moderate_user_refusal(actor, user)
    if refusal is None and user.is_admin:
        return "Admins cannot be banned: make them a user or a moderator first."
    return refusal


def can_ban_user(actor, user) -> bool:
    return ban_user_refusal(actor, user) is None


def check_ban_user(actor, user) -> None:
    _raise_if(ban_user_refusal(actor, user))


def unban_user_refusal(actor, user) -> str | None:
    """Why ``actor`` may not lift ``user``'s ban, or None when they may."""
    return _moderate_user_refusal(actor, user)


def can_unban_user(actor, user) -> bool:
    return unban_user_refusal(actor, user) is None


def check_unban_user(actor, user) -> None:
    _raise_if(unban_user_refusal(actor, user))


def can_ban_users(actor) -> bool:
    """Whether ``actor`` may ban anybody at all (shows the ban controls of lists)."""
    return _is_active_moderator(actor)


# --- Roles ------------------------------------------------------------------------------------


def set_role_refusal(actor, user=None) -> str | None:
    """Why ``actor`` may not change ``user``'s role (or anybody's, when ``user`` is None)."""
    if not (actor and actor.is_authenticated):
        return "Log in first."
    if not actor.is_admin or is_banned_now(actor):
        return "Only admins can change roles."
    if user is not None and actor.pk == user.pk:
        return "You cannot change your own role: ask another admin."
    return None


LAST_ADMIN = "The last admin cannot be demoted or deactivated: make another active admin first."


def demotion_refusal(user, role_type: str) -> str | None:
    """Why ``user`` may not be given ``role_type`` (or be deactivated, which the admin's user
    form asks as a demotion to a plain user) whoever asks: the forum keeps an active admin.

    Call it inside the transaction that then writes (``set_role`` is atomic, and so is the
    Django admin's change form): the rows of every admin are locked (``select_for_update``, in
    one order, on databases that lock rows) before the others are counted, so two admins who
    demote or deactivate each other at the same moment are served one after the other, and the
    second sees that the first left only them.
    """
    from users.models import Role, User  # models import this module

    if not user.is_admin or role_type == Role.ADMIN:
        return None
    admins = User.objects.filter(Q(role_type=Role.ADMIN) | Q(is_superuser=True))
    list(admins.select_for_update().order_by("pk").values_list("pk", flat=True))  # lock, then count
    if not admins.exclude(pk=user.pk).filter(is_active=True).exclude(banned_now_q()).exists():
        return LAST_ADMIN
    return None


def deactivation_refusal(actor, user) -> str | None:
    """Why ``actor`` may not deactivate ``user``'s account (untick "Active" in the Django admin):
    not their own, and not the last active admin (``demotion_refusal``, the same rule as for
    roles). Like ``demotion_refusal``, call it in the transaction that writes."""
    from users.models import Role  # models import this module

    if actor is not None and actor.pk == user.pk:
        return "You cannot deactivate your own account: ask another admin."
    return demotion_refusal(user, Role.USER)


def can_set_role(actor, user=None) -> bool:
    return set_role_refusal(actor, user) is None


def check_set_role(actor, user) -> None:
    _raise_if(set_role_refusal(actor, user))


def check_demotion(user, role_type: str) -> None:
    _raise_if(demotion_refusal(user, role_type))


def _raise_if(refusal: str | None) -> None:
    if refusal is not None:
        raise PermissionDenied(refusal)
