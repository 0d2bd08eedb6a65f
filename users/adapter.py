"""allauth hooks: who may log in, where emailed links point, where users keep their phone
number and how codes are sent."""

from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.internal.templatekit import get_entrance_context_data
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from forum.errors import wants_json
from users.permissions import log_in_refusal
from users.services import lift_expired_ban
from users.phone import normalize_phone
from users.sms import send_sms
from users.validators import validate_new_login


def _base_origin() -> tuple[str, str] | None:
    """(scheme, host) of ``settings.BASE_URL``, or None when it is not set."""
    if not settings.BASE_URL:
        return None
    parts = urlsplit(settings.BASE_URL)
    return parts.scheme, parts.netloc


def absolute_url(request, path: str) -> str:
    """``path`` as a full URL: on ``settings.BASE_URL`` when set, else on the request's host."""
    origin = _base_origin()
    if origin:
        return urlunsplit((*origin, path, "", ""))
    return request.build_absolute_uri(path)


def on_base_url(url):
    """An absolute ``url`` moved onto the scheme and host of ``settings.BASE_URL`` (when set)."""
    origin = _base_origin()
    if not origin or not isinstance(url, str):
        return url
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return url
    return urlunsplit((*origin, parts.path, parts.query, parts.fragment))


def current_site(request):
    """The site that emails speak for: BASE_URL's host when set, else the request's."""
    origin = _base_origin()
    if origin:
        return SimpleNamespace(name=origin[1], domain=origin[1])
    return get_current_site(request)


class AccountAdapter(DefaultAccountAdapter):
    # --- Who may log in ---------------------------------------------------------------

    def pre_login(self, request, user, **kwargs):
        """Refuse a banned user before allauth logs them in: no session is created.

        Every allauth login path (password, after signup, after email confirmation, by code)
        passes here. The JSON login view reads the same rule from ``users.permissions``.
        A timed ban that has ended is cleared from the account here (it no longer counts anyway).
        """
        lift_expired_ban(user=user)
        refusal = log_in_refusal(user)
        if refusal:
            clear_login(request)
            return self.respond_login_refused(request, user, refusal)
        return super().pre_login(request, user, **kwargs)

    def respond_login_refused(self, request, user, reason: str):
        """Back to the login page, which shows ``reason``."""
        self.add_message(request, messages.ERROR, message=reason)
        return HttpResponseRedirect(reverse("account_login"))

    def respond_signup_rejected(self, request, form):
        """The signup page again, with the errors ``form.try_save`` found while writing."""
        from users.forms import has_taken_error

        context = {**get_entrance_context_data(request), "form": form}
        status = 409 if has_taken_error(form) else 400
        return TemplateResponse(request, "account/signup.html", context, status=status)

    def add_message(self, request, *args, **kwargs) -> None:
        # A JSON client never sees the messages framework; do not pile messages up in its session.
        if wants_json(request):
            return
        super().add_message(request, *args, **kwargs)

    # --- What a new account may be called ----------------------------------------------

    def clean_username(self, username: str, shallow: bool = False) -> str:
        # allauth's signup form (HTML and POST /register) validates the login here.
        validate_new_login(username)
        return super().clean_username(username, shallow=shallow)

    # --- Email addresses ----------------------------------------------------------------

    def confirm_email(self, request, email_address) -> bool:
        # An address pending on one account may meanwhile have been registered by another (a
        # pending address belongs to nobody): verifying it now would give it two owners.
        owners = get_user_model().objects.owning_email(email_address.email)
        if owners.exclude(pk=email_address.user_id).exists():
            self.add_message(
                request, messages.ERROR, "account/messages/email_confirmation_failed.txt", {"email": email_address.email}
            )
            return False
        return super().confirm_email(request, email_address)

    # --- Links in emails ----------------------------------------------------------------

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The emailed reset link: ``/password-reset-procedure/<key>``, one URL for browsers
        (an HTML form) and API clients (JSON)."""
        return absolute_url(self.request, reverse("password-reset-procedure", kwargs={"reset_id": key}))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth builds links and the site name from the request's host; emails use BASE_URL.
        context = {name: on_base_url(value) if name.endswith("_url") else value for name, value in context.items()}
        context.setdefault("current_site", current_site(self.request))
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        prefix = allauth_settings.EMAIL_SUBJECT_PREFIX
        if prefix is None:
            prefix = f"[{current_site(self.request).name}] "
        return prefix + str(subject)

    # --- Phone numbers ------------------------------------------------------------------

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def phone_form_field(self, **kwargs):
        # allauth's own field insists on bare E.164 before our normaliser sees it; people type
        # spaces, dashes and brackets, so accept those and normalise in clean_phone.
        field = super().phone_form_field(**kwargs)
        field.validators = [v for v in field.validators if getattr(v, "code", "") != "invalid_phone"]
        return field

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone_number = phone
        user.phone_verified = verified
        user.save(update_fields=["phone_number", "phone_verified"])

    def get_phone(self, user):
        if not user.phone_number:
            return None
        return user.phone_number, user.phone_verified

    def set_phone_verified(self, user, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str):
        try:
            phone = normalize_phone(phone)
        except Exception:
            return None
        return get_user_model().objects.filter(phone_number=phone).first()

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        send_sms(to=phone, body=f"Your forum verification code is {code}")
