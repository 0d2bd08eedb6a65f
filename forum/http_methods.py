"""Which HTTP methods an HTML view answers: any other gets 405 with an ``Allow`` header
(JSON views have theirs from ``forum.jsonapi.api_view``)."""

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe


def read_only(view):
    """A page or fragment that only reads: GET and HEAD.

    Exempt from Django's CSRF check, which would otherwise answer a POST or PUT with 403 before
    the view could answer 405; that loses nothing, since the view never runs for such a method."""
    return csrf_exempt(require_safe(view))


# A page with a form that posts back to it: GET and HEAD show it, POST submits it (with its
# CSRF token).
form_page = require_http_methods(["GET", "HEAD", "POST"])
