"""Cheap tags for what the discussion pages repeat per comment or per row.

``{% include %}`` of a small template, ``{% url %}`` and the ``date``/``naturaltime`` filters
cost tens of microseconds each; on a page of 20 comments, each with an avatar, a time and a
few links, they were a good part of the page's rendering time. These tags write the same
markup directly.
"""

import uuid
from functools import lru_cache

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime

register = template.Library()

_PLACEHOLDER = uuid.UUID(int=0)


@lru_cache(maxsize=64)
def _url_pattern(name: str, keyword: str, prefix: str) -> tuple[str, str]:
    """The URL of ``name`` with a placeholder id, split around it (``prefix`` keys the cache
    on the script prefix that ``reverse`` uses)."""
    before, _, after = reverse(name, kwargs={keyword: _PLACEHOLDER}).partition(str(_PLACEHOLDER))
    return before, after


def id_url(name: str, keyword: str, value) -> str:
    """``reverse(name, kwargs={keyword: value})`` for a route whose only argument is a UUID,
    without resolving the route every time."""
    before, after = _url_pattern(name, keyword, get_script_prefix())
    return f"{before}{value}{after}"


@register.simple_tag
def avatar(person, size: int = 40):
    """What ``users/_avatar.html`` writes: the thumbnail of the person's profile image, or
    their initial on a coloured disc. ``person.profile_image`` should be selected with them."""
    image = person.profile_image
    if image is not None and image.thumbnail:
        url = id_url("upload-thumbnail", "upload_id", image.pk)
        return format_html('<img class="avatar" src="{}" width="{}" height="{}" alt="">', url, size, size)
    initial = person.login[:1].upper()
    return format_html(
        '<span class="avatar-placeholder" style="width:{}px;height:{}px" aria-hidden="true">{}</span>',
        size,
        size,
        initial,
    )


@register.filter
def absolute_time(value) -> str:
    """``2026-12-03 21:40 UTC``: the same text for every viewer at every moment, so that a
    page stays right in a cache. static/js/forum.js turns it into "3 minutes ago"."""
    local = localtime(value)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()


@register.simple_tag
def timestamp(value):
    """``<time datetime="…" data-relative>2026-12-03 21:40 UTC</time>``; empty for no value."""
    if not value:
        return ""
    return format_html('<time datetime="{}" data-relative>{}</time>', localtime(value).isoformat(), absolute_time(value))


@register.filter
def discussion_url(discussion) -> str:
    """``discussion.get_absolute_url()`` without resolving the route each time."""
    return id_url("discussion-detail", "discussion_id", discussion.pk)


# Markup of fields of unbound forms, by everything it is made of (see ``crispy_field``).
_UNBOUND_FIELD_MARKUP: dict[tuple, str] = {}
_UNBOUND_FIELD_MARKUP_MAX = 256


@register.filter
def crispy_field(field):
    """``field|as_crispy_field``, rendered once per process for a field of an unbound form: it
    is then the same markup on every page (the comment box below every discussion), and
    crispy-forms' nested templates cost a few milliseconds a page. A bound field (with its
    value and errors) is rendered every time."""
    if field.form.is_bound:
        return as_crispy_field(field)
    key = _unbound_field_key(field)
    markup = _UNBOUND_FIELD_MARKUP.get(key)
    if markup is None:
        markup = as_crispy_field(field)
        if len(_UNBOUND_FIELD_MARKUP) < _UNBOUND_FIELD_MARKUP_MAX:
            _UNBOUND_FIELD_MARKUP[key] = markup
    return markup


def _unbound_field_key(field) -> tuple:
    """What an unbound field's markup depends on: the form and field, the ids and names, the
    (translated) texts, the widget's attributes and the initial value."""
    definition = field.field
    return (
        type(field.form),
        field.html_name,
        field.auto_id,
        str(definition.label),
        str(definition.help_text),
        definition.required,
        definition.disabled,
        repr(sorted(definition.widget.attrs.items())),
        repr(field.value()),
    )
