"""How fast one person may write: comments, discussions, invitations and reports.

The services call ``limit_writes`` once a write is known to be allowed and valid (a refused or
empty comment does not use up the limit; an invitation of an unknown login does, so that logins
cannot be guessed at speed), so the HTML pages, the htmx fragments and the JSON API share one
count. It is counted by allauth's cache-based rate
limiter, as logins, signups and uploads are (``users.api.consume_rate_limit``,
``users.upload_views``), per user, at the rates of ``settings.WRITE_RATE_LIMITS`` (allauth's
syntax: ``"10/m/user,100/h/user"``; an action left out is not limited). Moderators and admins are
not limited.

Over a limit, ``TooManyWrites`` (allauth's ``RateLimited``, with a sentence and the seconds to
wait): ``api_view`` answers 429 with ``Retry-After``; the HTML views show the sentence on the form.
"""

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from forum.permissions import is_staff_member

APP = "forum.writes"
TOO_FAST = {
    "post_comment": "You are posting comments too fast.",
    "start_discussion": "You are starting discussions too fast.",
    "invite_participant": "You are inviting people too fast.",
    "report_comment": "You are reporting comments too fast.",
}
WAIT = " Wait {wait} and try again."


class TooManyWrites(RateLimited):
    """Over a write limit: ``message`` for the person, ``retry_after`` seconds to wait."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def limit_writes(user, action: str) -> None:
    """Count one ``action`` (a key of ``TOO_FAST``) by ``user``; raise ``TooManyWrites`` when it
    goes over one of its limits. Each rate is counted on its own, so the error names the wait of
    the one that was exceeded (a minute's, not an hour's, when only the minute's is)."""
    if is_staff_member(user):
        return
    for rate in _rates(action):
        if not _consume(user, action, rate):
            seconds = int(ratelimit.parse_rate(rate).duration)
            raise TooManyWrites(TOO_FAST[action] + WAIT.format(wait=_readable_wait(seconds)), retry_after=seconds)


def _rates(action: str) -> list[str]:
    """The rates of ``action`` in ``settings.WRITE_RATE_LIMITS``, each counted per user."""
    rates = [rate.strip() for rate in settings.WRITE_RATE_LIMITS.get(action, "").split(",") if rate.strip()]
    for rate in rates:
        if ratelimit.parse_rate(rate).per != "user":
            message = f"WRITE_RATE_LIMITS[{action!r}]: count per user, as in '10/m/user' (not {rate!r})."
            raise ImproperlyConfigured(message)
    return rates


def _consume(user, action: str, rate: str) -> bool:
    """One hit against ``rate`` for ``user``: allauth's limiter, which keys a per-user rate by
    the user alone (no request needed)."""
    usage = ratelimit.consume(None, app=APP, action=action, config={action: rate}, user=user, limit_get=True)
    return usage is not None


def _readable_wait(seconds: int) -> str:
    if seconds >= 3600:
        hours = seconds // 3600
        return "an hour" if hours == 1 else f"{hours} hours"
    if seconds >= 60:
        minutes = seconds // 60
        return "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"
