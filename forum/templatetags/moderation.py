"""Template filters that ask the permission modules, so that templates show only the controls
a viewer may use: ``{% if user|can_ban_user:person %}``. They decide nothing themselves."""

from datetime import datetime

from django import template

from forum import permissions as forum_permissions
from forum.moderation_forms import RoleForm
from users import permissions as user_permissions

register = template.Library()


@register.filter
def can_moderate(user) -> bool:
    return forum_permissions.can_moderate(user)


@register.filter
def can_lock_discussion(user, discussion) -> bool:
    return forum_permissions.can_lock_discussion(user, discussion)


@register.filter
def can_pin_discussion(user, discussion) -> bool:
    return forum_permissions.can_pin_discussion(user, discussion)


@register.filter
def can_report_comment(user, comment) -> bool:
    return forum_permissions.can_report_comment(user, comment)


@register.filter
def can_ban_user(user, person) -> bool:
    return user_permissions.can_ban_user(user, person)


@register.filter
def can_unban_user(user, person) -> bool:
    return user_permissions.can_unban_user(user, person)


@register.filter
def can_set_role(user, person) -> bool:
    return user_permissions.can_set_role(user, person)


@register.filter
def is_banned_now(person) -> bool:
    return user_permissions.is_banned_now(person)


@register.filter
def ban_description(person) -> str:
    """"banned until 2026-06-05 14:00 UTC (reason: ...)" or "banned without end date (...)"."""
    return user_permissions.ban_description(person)


@register.simple_tag
def role_form(person):
    """The role form of ``person``'s page, showing their current role:
    ``{% role_form person as form %}``."""
    return RoleForm(initial={"role_type": person.role_type}, auto_id=f"id_%s_{person.pk}")


@register.filter
def ban_end(iso_text: str) -> str:
    """The end of a ban as the log's details keep it (ISO 8601) in the words of the refusal:
    "2026-06-05 14:00 UTC"."""
    try:
        return user_permissions.format_ban_end(datetime.fromisoformat(iso_text))
    except (TypeError, ValueError):
        return iso_text
