"""What moderators and admins may do in the Django admin, decided once.

- Admins (role admin) are superusers (``users.services.set_role`` keeps that in step): Django
  grants them everything, less what each ModelAdmin forbids to everybody (no hard deletes of
  users, discussions, comments or reports; the audit log is read-only for all).
- Moderators are staff without Django model permissions: they see the moderation models (users,
  discussions, comments, reports, the log), read-only, and use their bulk actions, which call
  the same services as the site (so the checks and the audit log are the same too). Uploads,
  sites and the rest stay hidden from them.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from forum.permissions import can_moderate


class ModerationAdmin(admin.ModelAdmin):
    """A ModelAdmin that moderators use too (see the module docstring)."""

    def has_module_permission(self, request):
        return can_moderate(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user) or super().has_view_permission(request, obj)

    def has_moderate_permission(self, request):
        """For actions declared with ``permissions=["moderate"]``."""
        return can_moderate(request.user)

    def apply_service(self, request, queryset, service, done: str) -> None:
        """Call ``service(obj)`` for each selected object, each in its own transaction (the
        services are atomic); tell how many succeeded and why the others were refused."""
        succeeded = 0
        for obj in queryset:
            try:
                service(obj)
            except (PermissionDenied, ValidationError) as refusal:
                self.message_user(request, f"{obj}: {_sentence(refusal)}", messages.WARNING)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)


def _sentence(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Not allowed."
