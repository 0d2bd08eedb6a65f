"""Validators shared by model fields and forms (the same rule for the HTML forms, the JSON API
and the admin).

They are plain functions, so a migration names them (``forum.validators.validate_...``) instead
of copying their rule: changing the rule here needs no new migration.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Refused anywhere in a name, by Unicode category: controls (C0 and C1, line breaks and tabs among
# them), format characters (bidirectional marks, embeddings, overrides and isolates, which can make
# a name show reversed or run into the text around it, "Trojan Source"; zero width space, word
# joiner, soft hyphen, byte order mark, tags, interlinear annotations, ...), the line and
# paragraph separators, unassigned code points (for the Unicode version of ``unicodedata``, so a
# character newer than it is refused too), surrogates and private use characters.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Cs", "Co"})
# The joiners: format characters that emoji sequences and several scripts (Persian, Devanagari,
# ...) need, so kept.
JOINERS = frozenset("\u200c\u200d")
# Letters that show as nothing (the Hangul fillers) and the Khmer inherent vowels, which Unicode
# advises against using: refused anywhere though their category is a letter's or a mark's.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u17b4\u17b5")
# A subdivision flag (England, Scotland, Wales): the waving black flag, tag letters and digits
# (a subdivision code such as "gbeng"), then the cancel tag. Its tags are the only ones allowed.
FLAG_TAGS = re.compile("(?<=\U0001f3f4)[\U000e0030-\U000e0039\U000e0061-\U000e007a]{3,7}\U000e007f")
# A name needs one character of these categories (letters, numbers, punctuation, symbols) other
# than the Braille blank: spaces, marks (combining accents, variation selectors, the combining
# grapheme joiner) and joiners do not show on their own.
VISIBLE_CATEGORY_CLASSES = frozenset("LNPS")
BRAILLE_BLANK = "\u2800"
NOT_ON_ONE_LINE_MESSAGE = "{what} cannot contain line breaks or invisible control characters."
NO_VISIBLE_CHARACTERS_MESSAGE = "{what} must contain visible characters."


def _is_refused(character: str) -> bool:
    if character in INVISIBLE_LETTERS:
        return True
    return unicodedata.category(character) in REFUSED_CATEGORIES and character not in JOINERS


def _is_visible(character: str) -> bool:
    return unicodedata.category(character)[0] in VISIBLE_CATEGORY_CLASSES and character != BRAILLE_BLANK


def check_one_line_name(value: str, what: str) -> None:
    """Refuses a name with a line break or an invisible character, or with nothing visible."""
    characters = FLAG_TAGS.sub("", value)
    if any(map(_is_refused, characters)):
        raise ValidationError(NOT_ON_ONE_LINE_MESSAGE.format(what=what), code="not_one_line")
    if value and not any(map(_is_visible, characters)):
        raise ValidationError(NO_VISIBLE_CHARACTERS_MESSAGE.format(what=what), code="no_visible_characters")


def validate_discussion_name(value: str) -> None:
    check_one_line_name(value, "Discussion names")


def validate_person_name(value: str) -> None:
    check_one_line_name(value, "Names")
