"""Phone numbers, normalised to E.164 once, here."""

import phonenumbers
from django.core.exceptions import ValidationError

INVALID_PHONE = "Enter a valid phone number with its country code, e.g. +44 20 7946 0958."


def normalize_phone(raw: str) -> str:
    """Return ``raw`` as E.164 (``+447946095800``) or raise ValidationError(code="invalid_phone")."""
    try:
        parsed = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(value: str) -> bool:
    stripped = value.strip()
    return stripped.startswith("+") and sum(ch.isdigit() for ch in stripped) >= 6
