"""One form per moderation operation. Each validates an HTML POST (or GET, for the filters) and
a JSON body alike; the services in ``forum.moderation`` and ``users.services`` perform, and
hold the rules that depend on the state of things (a ban's end in the future, one open report
per reporter and comment)."""

from django import forms
from django.core.exceptions import ValidationError

from forum.forms import StrictCharField, StrictChoiceField
from forum.models import ModerationAction, Report
from users.models import Role

REASON_MAX_LENGTH = 1000
LOGIN_MAX_LENGTH = 150


class StrictDateTimeField(forms.DateTimeField):
    """A date and time as text: ISO 8601 (``2026-06-05T14:00:00+00:00``) in JSON, or what a
    ``datetime-local`` input sends (read as UTC). A JSON number is refused, not a 500."""

    default_error_messages = {"not_text": "Give a date and time as text, e.g. 2026-06-05T14:00:00Z."}

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(self.error_messages["not_text"], code="not_text")
        return super().to_python(value)


def reason_field(*, required: bool, label: str = "Reason", help_text: str = "") -> StrictCharField:
    return StrictCharField(
        required=required,
        max_length=REASON_MAX_LENGTH,
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ModerationReasonForm(forms.Form):
    """The optional reason that goes into the log with a lock, unlock, pin or unpin."""

    reason = reason_field(required=False)


class BanForm(forms.Form):
    reason = reason_field(required=True, help_text="Shown to the user when they try to log in, and kept in the log.")
    until = StrictDateTimeField(
        required=False,
        label="Banned until (UTC)",
        help_text="Leave empty for a ban without end. A timed ban lifts itself.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    hide_content = forms.BooleanField(required=False, label="Also hide everything they posted")

    def ban_arguments(self) -> dict:
        """The validated values as keyword arguments of ``users.services.ban_user``."""
        data = self.cleaned_data
        return {"reason": data["reason"], "until": data["until"], "hide_content": data["hide_content"]}


class RoleForm(forms.Form):
    role_type = StrictChoiceField(choices=Role.choices, label="Role")


class ReportForm(forms.Form):
    reason = reason_field(required=True, label="What is wrong with this comment?")


class ResolveReportForm(forms.Form):
    delete_comment = forms.BooleanField(required=False, label="Delete the comment")
    reason = reason_field(required=False)


class DismissReportForm(forms.Form):
    reason = reason_field(required=False)


REPORT_STATUSES = [*Report.Status.choices, ("all", "All")]


class ReportFilterForm(forms.Form):
    status = StrictChoiceField(choices=REPORT_STATUSES, required=False)

    def status_filter(self) -> str | None:
        """The status to list (open when not given), or None for all."""
        status = self.cleaned_data.get("status") or Report.Status.OPEN
        return None if status == "all" else status


class LogFilterForm(forms.Form):
    """Filters of the audit log: the kind of action, who did it, and to whom (a login or an id)."""

    kind = StrictChoiceField(choices=[("", "Any action"), *ModerationAction.Kind.choices], required=False, label="Action")
    actor = StrictCharField(required=False, max_length=LOGIN_MAX_LENGTH, label="By (login)")
    target_user = StrictCharField(required=False, max_length=LOGIN_MAX_LENGTH, label="User concerned (login)")

    def filters(self) -> dict:
        """The validated filters as keyword arguments of ``forum.moderation.log_entries``."""
        return {name: self.cleaned_data.get(name) or None for name in ("kind", "actor", "target_user")}
