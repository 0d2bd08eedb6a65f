"""The discussions of the JSON lists, serialised once per version and kept in the page cache:
what ``page_cache.render_discussion_rows`` does for the HTML rows, for JSON.

**What a kept copy depends on.** A discussion's JSON changes with its version (``changed_at``,
see ``forum.page_cache``), the number of comments it embeds, the scheme and host its URLs are
built on, and its viewer, who matters in two ways only:
- staff (``is_staff_member``) read deleted comments and everyone's email and phone;
- everyone else reads neither, but their own email and phone (``can_see_contact_details``).
So there are two kinds of copy. A "staff" copy is written for the staff viewer at hand and
serves every staff member. A "member" copy is written for an anonymous viewer; a logged-in
viewer is given their contact details in their own mentions as it is served
(``users.serializers.user_data_shown_to``), without changing the kept copy.

Who a person is (name, avatar, role, ban) is not versioned: a kept copy shows it for at most
``PAGE_CACHE_SECONDS``, as the HTML pages do. If who may see what comes to depend on more than
these two kinds, ``_copy_kind`` must say so; tests/api/test_json_list_cache.py compares kept
and fresh answers for every kind of viewer and shows when it does not.
"""

import hashlib

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches

from forum.models import Discussion
from forum.page_cache import PAGE_CACHE_ALIAS, PAGE_CACHE_SECONDS
from forum.permissions import is_staff_member
from forum.serializers import discussion_data_for, discussion_data_with_user_changed
from users.serializers import Audience, user_data_shown_to

STAFF = "staff"
MEMBER = "member"


def discussion_list_data(request, versions: list[tuple], comments_limit: int) -> list[dict]:
    """The JSON of the discussions ``versions`` names (``(id, changed_at)`` pairs, in list order)
    for ``request.user``, each with its latest ``comments_limit`` comments: kept copies where
    there are, the others fetched (four queries for all of them), serialised and kept now."""
    viewer = request.user
    kind = _copy_kind(viewer)
    audience = Audience(viewer if kind == STAFF else AnonymousUser(), request)
    keys = {pk: _key(pk, changed_at, comments_limit, kind, audience.url_root) for pk, changed_at in versions}
    cache = caches[PAGE_CACHE_ALIAS]
    copies = cache.get_many(keys.values())
    missing = [pk for pk, key in keys.items() if key not in copies]
    if missing:
        fresh = {keys[pk]: data for pk, data in _serialised(missing, comments_limit, audience).items()}
        cache.set_many(fresh, PAGE_CACHE_SECONDS)
        copies.update(fresh)
    # A discussion cannot vanish between the two reads (none is ever deleted); skip it if it did.
    listed = [copies[key] for key in keys.values() if key in copies]
    return [_as_seen_by(data, viewer) for data in listed]


def _copy_kind(viewer) -> str:
    return STAFF if is_staff_member(viewer) else MEMBER


# Raise it when the JSON of a discussion changes shape: servers of two releases may share Redis.
SHAPE = 1


def _key(pk, changed_at, comments_limit: int, kind: str, url_root: str) -> str:
    text = repr(("discussion-json", SHAPE, str(pk), changed_at.isoformat(), comments_limit, kind, url_root))
    return "json:" + hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _serialised(ids: list, comments_limit: int, audience: Audience) -> dict:
    """``{id: discussion JSON}`` for the discussions ``ids``, fetched with what they show."""
    discussions = (
        Discussion.objects.filter(pk__in=ids).order_by().with_participants().with_latest_comments(comments_limit)
    )
    return {discussion.pk: discussion_data_for(discussion, audience) for discussion in discussions}


def _as_seen_by(data: dict, viewer) -> dict:
    if not viewer.is_authenticated:
        return data

    def as_seen_by_themself(mention: dict) -> dict:
        return user_data_shown_to(mention, viewer, viewer)

    return discussion_data_with_user_changed(data, str(viewer.pk), as_seen_by_themself)
