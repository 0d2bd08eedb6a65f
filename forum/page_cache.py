"""Cached pages and conditional GET for the discussion list and the discussion pages.

**Versions.** ``Discussion.changed_at`` moves on (``mark_changed``) with every write that
changes what a discussion's page or the list shows: a comment posted, edited or deleted, a
participant invited, a lock, a pin, a discussion started (or changed in the admin). A page's
version is its discussion's ``changed_at`` (the view loads the discussion anyway); the list's is
the latest ``changed_at`` of all for the shared copy (``list_version``: its ETag is a hash of its
bytes), and of those the viewer can see for everyone else (``list_version_seen_by``: it goes into
their ETag). One indexed query either way. What lives outside
discussions (a person's display name or avatar) is not versioned: a cached copy shows it for at
most ``PAGE_CACHE_SECONDS``.

**Shared copies.** An anonymous visitor without a session or pending messages sees exactly
what every other such visitor sees: the rendered page is kept in the ``pages`` cache under its
URL (path and ``?page=``) and version, and served from there (``serve``). Such a page is rendered
with ``shared_page`` set, which leaves the CSRF token out of ``base.html``; a response that used
the token anyway, set a cookie, or is not a 200 is never kept.

**Conditional GET.** Shared copies carry an ETag (a hash of their bytes) and are answered with
304 when the browser has them. No Last-Modified: it has whole seconds, so If-Modified-Since would
be answered with a 304 for a page changed twice in one second. Logged-in pages carry an ETag
made, before rendering, of the version and of everything about the viewer that the page shows
(id, role, ban, login, name, avatar, the CSRF cookie its forms embed) and the current
``PAGE_CACHE_SECONDS`` period; a match is answered with 304 without rendering (never while
messages wait to be shown).
"""

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Max, Value, When
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe

PAGE_CACHE_ALIAS = "pages"
# How long a shared copy (and a logged-in ETag) may show a name or an avatar changed since.
PAGE_CACHE_SECONDS = 60
# The only query parameter a shared copy may have; any other is rendered afresh.
SHARED_QUERY_PARAMETERS = frozenset({"page"})
# The "since" of a list that has no discussion at all.
BEFORE_EVERYTHING = datetime(2000, 1, 1, tzinfo=UTC)


# --- Versions --------------------------------------------------------------------------------


def changed_now():
    """The expression for ``changed_at`` in an UPDATE: now, or just after the value it has when
    that is not earlier (two writes in one microsecond, or a clock set back), so that every
    write makes a new version."""
    now = timezone.now()
    just_after = ExpressionWrapper(F("changed_at") + timedelta(microseconds=1), output_field=DateTimeField())
    return Case(When(changed_at__gte=now, then=just_after), default=Value(now), output_field=DateTimeField())


def mark_changed(discussions) -> None:
    """Move ``changed_at`` of ``discussions`` (a Discussion queryset) on: their pages and the
    list are no longer served from the cache, and their ETags change. One UPDATE."""
    discussions.update(changed_at=changed_now())


def list_version(db: str = "default"):
    """The version of the discussion lists: the latest ``changed_at`` (None when there is no
    discussion). One query on the ``changed_at`` index."""
    from forum.models import Discussion

    return Discussion.objects.using(db).order_by().aggregate(latest=Max("changed_at"))["latest"]


def public_list_version(db: str = "default"):
    """The latest ``changed_at`` of the public discussions: what an anonymous list may tell of
    its time (``list_version`` would tell when private discussions change). One query on the
    ``discussion_changed_by_kind`` index."""
    return list_version_seen_by(AnonymousUser(), db)


def list_version_seen_by(user, db: str = "default"):
    """The latest ``changed_at`` among the discussions ``user`` can see: for staff, who see them
    all, ``list_version``; for anyone else the public ones and the private ones they take part in,
    so that nothing of theirs (an ETag, a time) moves with private activity elsewhere. A public
    discussion made private in the admin leaves this unmoved: a browser may show it on a list for
    up to PAGE_CACHE_SECONDS more. One statement (``latest_changes_seen_by``)."""
    from forum.models import latest_changes_seen_by
    from forum.permissions import is_staff_member

    if is_staff_member(user):
        return list_version(db)
    return max((version for version in latest_changes_seen_by(db, user) if version is not None), default=None)


# --- Serving ---------------------------------------------------------------------------------


def serve(request, *, version, render: Callable[[bool], HttpResponse]) -> HttpResponse:
    """The page at ``request``'s URL in version ``version`` (a datetime, or None when there is
    nothing to version), rendered by ``render(shared)`` unless a cached copy or a 304 will do.
    ``shared`` is True when the result may be kept for every anonymous visitor."""
    if request.method not in ("GET", "HEAD") or request.htmx:
        return render(False)
    if is_shareable(request):
        return _serve_shared(request, version, render)
    return _serve_private(request, version, render)


def shared_copy(request, version) -> HttpResponse | None:
    """The cached copy of the page for ``request`` in ``version`` (or 304), if ``request`` may
    have one and there is one; else None. For a view that can find the version more cheaply
    than what it needs to render the page."""
    if not is_shareable(request):
        return None
    entry = caches[PAGE_CACHE_ALIAS].get(_shared_key(request, version))
    return _shared_response(request, entry) if entry is not None else None


def is_shareable(request) -> bool:
    """A plain GET (not htmx) of an anonymous visitor without a session (so without messages
    kept there), without messages in a cookie, with no query parameter but ``?page=``."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.htmx
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and set(request.GET) <= SHARED_QUERY_PARAMETERS
    )


def _version_text(version) -> str:
    return version.isoformat() if version is not None else "-"


def _shared_key(request, version) -> str:
    query = "&".join(f"{name}={value}" for name, value in sorted(request.GET.items()))
    text = f"{request.path}?{query}|{_version_text(version)}"
    return "page:" + hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _serve_shared(request, version, render) -> HttpResponse:
    cache = caches[PAGE_CACHE_ALIAS]
    key = _shared_key(request, version)
    entry = cache.get(key)
    if entry is not None:
        return _shared_response(request, entry)
    response = render(True)
    if not _keepable(request, response):
        return response
    etag = '"%s"' % hashlib.md5(response.content, usedforsecurity=False).hexdigest()
    cache.set(key, (etag, response.content, response["Content-Type"]), PAGE_CACHE_SECONDS)
    return _with_shared_headers(request, response, etag)


def _shared_response(request, entry) -> HttpResponse:
    etag, content, content_type = entry
    response = HttpResponse(content, content_type=content_type)
    response.page_cache_hit = True  # for the tests
    return _with_shared_headers(request, response, etag)


def _with_shared_headers(request, response, etag) -> HttpResponse:
    response["ETag"] = etag
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, no_cache=True)
    return get_conditional_response(request, etag=etag, response=response)


def _keepable(request, response) -> bool:
    """Only a plain 200 that neither used the CSRF token nor sets a cookie is the same for
    every anonymous visitor."""
    meta = request.META
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not meta.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not meta.get("CSRF_COOKIE_USED")
    )


def _serve_private(request, version, render) -> HttpResponse:
    etag = _private_etag(request, version)
    if etag is None or _has_pending_messages(request):
        response = render(False)
    else:
        response = get_conditional_response(request, etag=etag) or render(False)
    etag = etag or _private_etag(request, version)  # rendering may have made the CSRF secret
    if etag is not None and response.status_code in (200, 304):
        response["ETag"] = etag
        patch_vary_headers(response, ("Cookie",))
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _private_etag(request, version) -> str | None:
    """Everything a logged-in page depends on besides the discussions: the viewer as the page
    shows them, the CSRF secret behind the token in its forms (the cookie's value), the query,
    and the current period of PAGE_CACHE_SECONDS (names and avatars of others). None while
    the request has no CSRF secret (rendering the page makes one, and sets its cookie)."""
    from users.permissions import is_banned_now

    csrf_cookie = request.META.get("CSRF_COOKIE")
    if not csrf_cookie:
        return None
    user = request.user
    viewer = (
        [user.pk, user.role_type, user.is_superuser, is_banned_now(user), user.login, user.display_name, user.profile_image_id]
        if user.is_authenticated
        else ["anonymous"]
    )
    query = sorted(request.GET.lists())
    period = int(time.time() // PAGE_CACHE_SECONDS)
    text = repr((request.path, query, _version_text(version), viewer, csrf_cookie, period))
    return 'W/"%s"' % hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _has_pending_messages(request) -> bool:
    """Whether messages wait to be shown (counted without marking them shown)."""
    return len(messages.get_messages(request)) > 0


def remember(key_parts: tuple, compute: Callable):
    """``compute()``, kept in the page cache under ``key_parts`` (which must hold the version
    of what it reads) for PAGE_CACHE_SECONDS."""
    cache = caches[PAGE_CACHE_ALIAS]
    key = "data:" + hashlib.md5(repr(key_parts).encode(), usedforsecurity=False).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PAGE_CACHE_SECONDS)
    return value


# --- Comment fragments -----------------------------------------------------------------------


def render_comments(request, context: dict, comments, *, template_name: str, version) -> None:
    """Give each of ``comments`` its rendered ``comment`` partial as ``comment.fragment``, from
    the cache when another request rendered it already in this version of the discussion for a
    viewer who may do the same things with it (edit, delete, reply, report, ban the author, see
    it deleted); the others are rendered now and kept. The page then writes the fragments
    instead of rendering the partial per comment. ``context`` is the page's context."""
    from forum.permissions import can_report_comment
    from users.permissions import can_ban_user

    user = request.user
    authenticated = user.is_authenticated
    shared = (
        _version_text(version),
        context["page_number"],
        context["discussion_url"],
        authenticated,
        bool(context["sees_deleted"]),
        bool(context["posting_refusal"]),
    )

    def key_of(comment):
        viewer = (
            comment.id in context["editable_comment_ids"],
            comment.id in context["deletable_comment_ids"],
            authenticated and can_report_comment(user, comment),
            authenticated and can_ban_user(user, comment.author),
        )
        return ("comment", comment.id, shared, viewer)

    _render_fragments(request, comments, key_of, f"{template_name}#comment", lambda comment: {**context, "comment": comment})


def render_discussion_rows(request, discussions, *, template_name: str) -> None:
    """Give each of ``discussions`` its rendered ``discussion-row`` partial (the same for every
    viewer) as ``discussion.fragment``, kept per version of the discussion (``changed_at``).
    Only the rows rendered now need their creators (with avatars): two queries for all of them,
    none when every row is kept."""
    _render_fragments(
        request,
        discussions,
        lambda discussion: ("discussion-row", discussion.pk, _version_text(discussion.changed_at)),
        f"{template_name}#discussion-row",
        lambda discussion: {"discussion": discussion},
        prepare=lambda missing: prefetch_related_objects(missing, "creator__profile_image"),
    )


def _render_fragments(
    request, items, key_of: Callable, template_name: str, context_of: Callable, *, prepare: Callable | None = None
) -> None:
    """Set ``item.fragment`` for each of ``items``: the markup kept in the page cache under
    ``key_of(item)`` (which holds everything the markup depends on), else ``template_name``
    rendered with ``context_of(item)`` now and kept; ``prepare(missing)`` first fetches what
    rendering those needs. One cache round trip for the kept ones."""
    cache = caches[PAGE_CACHE_ALIAS]
    keys = {}
    for item in items:
        keys[item] = "fragment:" + hashlib.md5(repr(key_of(item)).encode(), usedforsecurity=False).hexdigest()
    found = cache.get_many(list(keys.values()))
    missing = [item for item, key in keys.items() if key not in found]
    if missing and prepare is not None:
        prepare(missing)
    fresh = {}
    for item, key in keys.items():
        fragment = found.get(key)
        if fragment is None:
            fragment = fresh[key] = render_to_string(template_name, context_of(item), request)
        item.fragment = mark_safe(fragment)
    if fresh:
        cache.set_many(fresh, PAGE_CACHE_SECONDS)
