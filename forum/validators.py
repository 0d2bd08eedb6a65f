"""Validators shared by model fields and forms (the same rule for the HTML forms, the JSON API
and the admin).

They are plain functions, so a migration names them (``forum.validators.validate_...``) instead
of copying their rule: changing the rule here needs no new migration.
"""

import re

from django.core.exceptions import ValidationError

# Control characters (C0 and C1: line breaks and tabs among them), the Unicode line and
# paragraph separators, and the bidirectional marks, embeddings, overrides and isolates, which
# can make a name show reversed or run into the text around it ("Trojan Source"); and the
# characters that show as nothing at all: the soft hyphen, zero width space, word joiner and
# invisible operators (U+2060-U+2064), the byte order mark, the Hangul fillers (U+115F, U+1160,
# U+3164, U+FFA0) and the tag characters (U+E0000-U+E007F). Joiners (U+200C, U+200D) are left
# alone: emoji sequences and several scripts need them.
NOT_ON_ONE_LINE = (
    r"[\x00-\x1f\x7f-\x9f\xad\u061c\u115f\u1160\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069"
    r"\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)
# What shows as nothing on its own though allowed inside a name: spaces, joiners, variation
# selectors, the combining grapheme joiner and the Braille blank.
BLANK = r"[\s\u034f\u200c\u200d\u2800\ufe00-\ufe0f]"
NOT_ON_ONE_LINE_MESSAGE = "{what} cannot contain line breaks or invisible control characters."
NO_VISIBLE_CHARACTERS_MESSAGE = "{what} must contain visible characters."


def check_one_line_name(value: str, what: str) -> None:
    """Refuses a name with a line break or an invisible character, or with nothing visible."""
    if re.search(NOT_ON_ONE_LINE, value):
        raise ValidationError(NOT_ON_ONE_LINE_MESSAGE.format(what=what), code="not_one_line")
    if value and not re.sub(BLANK, "", value):
        raise ValidationError(NO_VISIBLE_CHARACTERS_MESSAGE.format(what=what), code="no_visible_characters")


def validate_discussion_name(value: str) -> None:
    check_one_line_name(value, "Discussion names")


def validate_person_name(value: str) -> None:
    check_one_line_name(value, "Names")
