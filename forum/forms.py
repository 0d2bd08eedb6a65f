"""One form per operation. The same form validates an HTML POST (a QueryDict) and a JSON
body (a dict, possibly with numbers, lists or objects where text belongs): forms validate,
the services in ``forum.services`` perform."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from forum.models import Discussion, Visibility
from forum.validators import validate_discussion_name

NAME_MAX_LENGTH = Discussion._meta.get_field("name").max_length
COMMENT_TEXT_MAX_LENGTH = 20_000
MAX_ATTACHMENTS = 10
REASON_MAX_LENGTH = 1000
MARKDOWN_HELP = "Markdown works: **bold**, _italic_, [a link](https://example.com), > a quote, `code`, - lists."
LOGIN_MAX_LENGTH = 150


class StrictCharField(forms.CharField):
    """A CharField that refuses a JSON number, list or object instead of ``str()``-ing it."""

    default_error_messages = {"not_text": "Enter text (a string)."}

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(self.error_messages["not_text"], code="not_text")
        return super().to_python(value)


class StrictChoiceField(forms.ChoiceField):
    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)


def _parse_object_id(value, error: ValidationError) -> uuid.UUID | None:
    """``"<uuid>"`` or ``{"id": "<uuid>", ...}`` to a UUID; empty values to None. An object
    always names something: one without an id is an error, not "nothing"."""
    if isinstance(value, dict):
        return _parse_uuid(value.get("id"), error)
    if value in (None, ""):
        return None
    return _parse_uuid(value, error)


def _parse_uuid(value, error: ValidationError) -> uuid.UUID:
    if not isinstance(value, str):
        raise error
    try:
        return uuid.UUID(value)
    except ValueError:
        raise error


class ObjectIdField(forms.Field):
    """An id given as a UUID string or as an object with an ``id``, the way the seed API
    passes objects it only needs the id of. Cleans to a ``uuid.UUID`` or None."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid": 'Give an id (a UUID string), an object with an "id", or null.'}

    def to_python(self, value):
        return _parse_object_id(value, ValidationError(self.error_messages["invalid"], code="invalid"))


class ObjectIdListField(forms.Field):
    """A list of ids (each a UUID string or an object with an ``id``). Cleans to a list of
    distinct UUIDs in the order given."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "not_a_list": "Give a list of ids.",
        "invalid": 'Each item must be an id (a UUID string) or an object with an "id".',
        "too_many": "Attach at most %(limit)s files to one comment.",
    }

    def __init__(self, *, max_items: int, **kwargs):
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return []
        if not isinstance(value, (list, tuple)):
            raise ValidationError(self.error_messages["not_a_list"], code="not_a_list")
        invalid = ValidationError(self.error_messages["invalid"], code="invalid")
        ids = [_parse_object_id(item, invalid) for item in value]
        if None in ids:
            raise invalid
        return list(dict.fromkeys(ids))

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_items:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"limit": self.max_items})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (``<input type="file" multiple>``); cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class StartDiscussionForm(forms.Form):
    name = StrictCharField(max_length=NAME_MAX_LENGTH, label="Title", validators=[validate_discussion_name])
    visibility = StrictChoiceField(
        choices=Visibility.choices,
        required=False,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text="A private discussion is seen only by its participants and by moderators.",
    )
    comment_text = StrictCharField(
        required=False,
        max_length=COMMENT_TEXT_MAX_LENGTH,
        label="First comment (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )

    def clean_visibility(self):
        return self.cleaned_data["visibility"] or Visibility.PUBLIC


class CommentForm(forms.Form):
    """A comment: text and/or attachments, optionally a reply.

    JSON clients name uploads they made through ``POST /uploads`` in ``attachments``; the HTML
    form sends the files themselves in ``files``. ``author_id`` exists because the seed API
    sends it; the service refuses any id but the poster's own. Whether the comment is empty
    (no text, no attachment) is the service's rule, not the form's.
    """

    comment_text = StrictCharField(
        required=False,
        max_length=COMMENT_TEXT_MAX_LENGTH,
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )
    replied_message = ObjectIdField(required=False)
    attachments = ObjectIdListField(required=False, max_items=MAX_ATTACHMENTS)
    author_id = ObjectIdField(required=False)
    files = MultipleFileField(
        required=False,
        label="Attachments",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf,text/plain"}),
        help_text=f"Up to {MAX_ATTACHMENTS} files: images (JPEG, PNG, GIF, WebP), PDF or plain text.",
    )

    def clean(self):
        cleaned = super().clean()
        attached = len(cleaned.get("attachments") or []) + len(cleaned.get("files") or [])
        if attached > MAX_ATTACHMENTS:
            raise ValidationError(f"Attach at most {MAX_ATTACHMENTS} files to one comment.", code="too_many")
        return cleaned

    def post_comment_arguments(self) -> dict:
        """The cleaned data under ``forum.services.post_comment``'s argument names."""
        data = self.cleaned_data
        return {
            "text": data["comment_text"],
            "replied_to_id": data["replied_message"],
            "attachment_ids": data["attachments"],
            "files": data["files"],
            "claimed_author_id": data["author_id"],
        }


class EditCommentForm(forms.Form):
    """A comment's new text. ``comment_text`` must be sent (a JSON ``PATCH`` without it is an
    error, not a silent blanking); whether an empty text is allowed (a comment with attachments)
    is the service's rule."""

    comment_text = StrictCharField(
        required=False,
        max_length=COMMENT_TEXT_MAX_LENGTH,
        label="Edit your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )

    def clean(self):
        cleaned = super().clean()
        if "comment_text" not in self.data:
            self.add_error("comment_text", ValidationError("Send the new comment_text.", code="required"))
        return cleaned


class DeleteCommentForm(forms.Form):
    reason = StrictCharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="Reason",
        help_text="When you delete someone else's comment, the reason goes into the moderation log.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PreviewForm(forms.Form):
    """The text a comment form would send, to show it rendered as it would be saved."""

    comment_text = StrictCharField(required=False, max_length=COMMENT_TEXT_MAX_LENGTH)


class InviteParticipantForm(forms.Form):
    login = StrictCharField(
        max_length=LOGIN_MAX_LENGTH,
        label="Invite by login",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
