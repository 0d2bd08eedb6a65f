"""Rules for a login chosen at signup (or changed in the admin), beyond the model field's shape.

Not on the model field: ``manage.py createsuperuser`` runs the field's validators, and the
README creates the first administrator with the login ``admin``.
"""

from django.core.exceptions import ValidationError

# Names that would pass for the site, its staff or its URLs (/me, /new/, /api/, /static/...).
RESERVED_LOGINS = frozenset({
    "admin", "administrator", "root", "me", "new", "api", "moderator", "staff", "support", "system",
    "null", "undefined", "anonymous", "forum", "accounts", "static", "media", "uploads",
})
RESERVED = "This login is reserved: choose another one."
ALL_DIGITS = "A login cannot be only digits: add a letter."


def validate_new_login(login: str) -> None:
    """Raise ``ValidationError`` (code ``reserved_login``) for a reserved or all-digit login."""
    if login.isdigit():
        raise ValidationError(ALL_DIGITS, code="reserved_login")
    if login.lower() in RESERVED_LOGINS:
        raise ValidationError(RESERVED, code="reserved_login")
