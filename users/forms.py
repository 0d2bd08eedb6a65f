"""Account forms. They validate; services and allauth's flows do the writing.

``SignupForm`` is allauth's signup form (named in ``ACCOUNT_FORMS``) plus the forum's profile
fields; HTML signup (``/accounts/signup/``) and ``POST /register`` both bind it. ``ProfileForm``
validates an edit of one's own profile for ``/accounts/profile/`` and ``PATCH /me``.
"""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.phone_verification import phone_already_exists
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction

from forum.validators import NO_VISIBLE_CHARACTERS_MESSAGE, validate_person_name
from users import services
from users.upload_views import session_anonymous_upload_ids
from users.uploads import UploadRejected

NAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
# allauth's error codes for a value another account already has: the JSON views answer 409.
TAKEN_CODES = frozenset({"username_taken", "email_taken", "phone_taken", "taken"})
TAKEN = "That login, email address or phone number is already taken."


class NameField(forms.CharField):
    """A person's name, without its surrounding spaces. Empty ("") clears the name; a name of only
    spaces (NBSP and U+3000 among them) is refused instead of being cleared."""

    def to_python(self, value):
        name = super().to_python(value)
        if not name and value not in self.empty_values:
            raise ValidationError(NO_VISIBLE_CHARACTERS_MESSAGE.format(what="Names"), code="no_visible_characters")
        return name


def name_field(label: str) -> forms.CharField:
    return NameField(label=label, max_length=NAME_MAX_LENGTH, required=False, validators=[validate_person_name])


def error_codes(form) -> set[str]:
    """The codes of every error the bound ``form`` has (``None`` for errors added as plain text)."""
    return {error.code for errors in form.errors.as_data().values() for error in errors}


def has_taken_error(form) -> bool:
    """True when one of the form's errors says that a login, email or phone is already taken."""
    return bool(error_codes(form) & TAKEN_CODES)


# Which field an error refers to when a service refuses a write after the form validated.
FIELD_OF_REFUSAL = {"invalid_upload": "profile_image_id", "phone_taken": "phone_number"}


def add_refusal(form, error: Exception) -> None:
    """Put an error raised while writing (``UploadRejected``, ``ValidationError`` or
    ``IntegrityError``) on the bound ``form``, on the field it concerns."""
    if isinstance(error, UploadRejected):
        error = ValidationError(error.message, code="invalid_upload")
        field = "profile_image"
    elif isinstance(error, IntegrityError):
        error, field = ValidationError(TAKEN, code="taken"), None
    elif hasattr(error, "error_dict"):
        field = None
    else:
        field = FIELD_OF_REFUSAL.get(error.code)
    form.add_error(field if field in form.fields else None, error)


class SignupForm(allauth_forms.SignupForm):
    """allauth's signup (login, email, phone, password) plus names and an optional avatar.

    The avatar comes either as a file (``profile_image``, the HTML form) or as the id of an image
    uploaded anonymously beforehand (``profile_image_id``, the JSON API). The user, their names
    and their avatar are written in one transaction by ``try_save``: if the avatar is refused
    there, nothing is kept and the form carries the error.
    """

    firstname = name_field("First name")
    middlename = name_field("Middle name")
    lastname = name_field("Last name")
    profile_image = forms.ImageField(
        label="Profile image", required=False, help_text="Optional. A picture of at most a few megabytes."
    )
    profile_image_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    field_order = [
        "username", "email", "phone", "password1", "password2",
        "firstname", "middlename", "lastname", "profile_image", "profile_image_id",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Login"
        self.fields["username"].widget.attrs["placeholder"] = "Login"
        limit_email_length(self.fields["email"])
        if "phone" in self.fields:
            self.fields["phone"].label = "Phone number (optional)"
            self.fields["phone"].help_text = "With the country code, e.g. +44 20 7946 0958."

    def validate_unique_email(self, value: str) -> str:
        # allauth would hide a taken address behind "verification sent" when verification is
        # mandatory; the login is unique and public anyway, so say it as the API contract does.
        # allauth also counts unverified extra addresses of other accounts: those take nothing.
        refuse_taken_email(value)
        return value

    def _clean_phone(self) -> None:
        # Same reasoning as validate_unique_email: a taken phone number is an error (code
        # "phone_taken"), not a silent "account already exists" SMS.
        phone = self.cleaned_data.get("phone")
        if phone:
            try:
                phone_already_exists(None, phone, always_raise=True)
            except ValidationError as error:
                self.add_error("phone", error)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("profile_image") and cleaned_data.get("profile_image_id"):
            self.add_error("profile_image_id", "Send either a profile image or the id of an upload, not both.")
        return cleaned_data

    def signup(self, request, user) -> None:
        """allauth's hook, called inside ``try_save``'s transaction once the user row exists."""
        services.update_profile(
            user=user,
            firstname=self.cleaned_data.get("firstname", ""),
            lastname=self.cleaned_data.get("lastname", ""),
            middlename=self.cleaned_data.get("middlename", ""),
            phone_number=user.phone_number,
            image_file=self.cleaned_data.get("profile_image"),
            image_id=self.cleaned_data.get("profile_image_id"),
            anonymous_upload_ids=session_anonymous_upload_ids(request),
        )

    def try_save(self, request):
        """Create the user with names and avatar, all or nothing.

        Returns ``(user, None)``, or ``(None, response)`` when the write was refused after
        validation (the avatar rejected by the uploads rules, or a login, email or phone taken
        by a concurrent signup): then nothing was written and the error is on the form.
        """
        try:
            with transaction.atomic():
                return super().try_save(request)
        except (UploadRejected, ValidationError, IntegrityError) as error:
            add_refusal(self, error)
        return None, get_adapter(request).respond_signup_rejected(request, self)


def refuse_taken_email(email: str, *, user=None) -> None:
    """Raise allauth's "email_taken" error when ``email`` belongs to an account (other than
    ``user``): see ``UserQuerySet.owning_email``."""
    if get_user_model().objects.owning_email(email).exclude(pk=getattr(user, "pk", None)).exists():
        raise get_adapter().validation_error("email_taken")


def limit_email_length(field) -> None:
    """Cap an allauth email field at what the database stores (Django allows 320 characters)."""
    field.max_length = EMAIL_MAX_LENGTH
    field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


IDENTITY_MAX_LENGTH = 254


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form (for ACCOUNT_FORMS["login"]), with the identity capped at the
    longest email address we store, so an absurd value is a form error, not a database one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.max_length = IDENTITY_MAX_LENGTH
        field.validators.append(MaxLengthValidator(IDENTITY_MAX_LENGTH))
        field.widget.attrs["maxlength"] = str(IDENTITY_MAX_LENGTH)


class AddEmailForm(allauth_forms.AddEmailForm):
    """allauth's "add an email address" form, capped at the stored length (for ACCOUNT_FORMS["add_email"]).

    An address that is another account's is refused. allauth (with enumeration prevention) would
    list it silently; POST /register already says that an address is taken (409), so saying it
    here hides nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_email_length(self.fields["email"])

    def clean_email(self) -> str:
        refuse_taken_email(self.cleaned_data["email"], user=self.user)
        return super().clean_email()


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """allauth's reset request (for ACCOUNT_FORMS["reset_password"]): the link goes to the
    address's owner only, not to accounts that merely typed the address in unverified."""

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = list(get_user_model().objects.owning_email(email).filter(is_active=True)[:1])
        return email


class ProfileForm(forms.Form):
    """An edit of one's own names, phone number and avatar.

    The avatar: a new file (``profile_image``, HTML), the id of an upload
    (``profile_image_id``, JSON), or ``remove_profile_image``.
    """

    firstname = name_field("First name")
    middlename = name_field("Middle name")
    lastname = name_field("Last name")
    profile_image = forms.ImageField(label="New profile image", required=False)
    profile_image_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    remove_profile_image = forms.BooleanField(label="Remove the profile image", required=False)

    field_order = ["firstname", "middlename", "lastname", "phone_number", "profile_image", "remove_profile_image"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["phone_number"] = get_adapter().phone_form_field(
            label="Phone number", required=False, help_text="With the country code, e.g. +44 20 7946 0958."
        )
        if not user.profile_image_id:
            del self.fields["remove_profile_image"]
        self.order_fields(self.field_order)

    def clean_phone_number(self) -> str | None:
        phone = self.cleaned_data.get("phone_number") or None
        if phone and phone_already_exists(self.user, phone):
            raise get_adapter().validation_error("phone_taken")
        return phone

    def clean(self):
        cleaned_data = super().clean()
        chosen = [name for name in ("profile_image", "profile_image_id", "remove_profile_image") if cleaned_data.get(name)]
        if len(chosen) > 1:
            raise ValidationError("Choose one: a new profile image, an upload id, or removing the image.", code="avatar_conflict")
        return cleaned_data

    def profile_changes(self) -> dict:
        """The validated values as keyword arguments of ``services.update_profile``."""
        data = self.cleaned_data
        return {
            "firstname": data["firstname"],
            "middlename": data["middlename"],
            "lastname": data["lastname"],
            "phone_number": data["phone_number"],
            "image_file": data.get("profile_image"),
            "image_id": data.get("profile_image_id"),
            "remove_image": data.get("remove_profile_image", False),
        }

    @staticmethod
    def initial_for(user) -> dict:
        return {
            "firstname": user.firstname,
            "middlename": user.middlename,
            "lastname": user.lastname,
            "phone_number": user.phone_number or "",
        }
