"""allauth hooks: where users keep their phone number, how it is normalised, how codes are sent."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model

from users.phone import normalize_phone
from users.sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
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
