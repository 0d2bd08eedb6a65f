"""Validators shared by model fields and forms (the same rule for the HTML forms, the JSON API
and the admin)."""

from django.core.validators import RegexValidator

# Control characters (C0 and C1: line breaks and tabs among them), the Unicode line and
# paragraph separators, and the bidirectional marks, embeddings, overrides and isolates, which
# can make a name show reversed or run into the text around it ("Trojan Source"). Joiners
# (U+200C, U+200D) are left alone: emoji sequences and several scripts need them.
NOT_ON_ONE_LINE = r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"


def one_line_validator(message: str) -> RegexValidator:
    """Refuses text with a line break or an invisible control character, with ``message``."""
    return RegexValidator(NOT_ON_ONE_LINE, message, code="not_one_line", inverse_match=True)


validate_discussion_name = one_line_validator("Discussion names cannot contain line breaks or invisible control characters.")
validate_person_name = one_line_validator("Names cannot contain line breaks or invisible control characters.")
