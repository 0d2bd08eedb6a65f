"""Which HTTP methods an HTML view answers: any other gets 405 with an ``Allow`` header
(JSON views have theirs from ``forum.jsonapi.api_view``)."""

from django.http import HttpResponseNotAllowed
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


# Pages served by views the forum does not write (allauth's account pages under /accounts/, the
# admin): every one is a page or a form page, so any method but these gets 405.
FORM_PAGE_METHODS = ("GET", "HEAD", "POST")
FORM_PAGE_PREFIXES = ("/accounts/", "/admin/")


class FormPageMethodsMiddleware:
    """Answers 405 with ``Allow: GET, HEAD, POST`` to any other method on a path under
    ``FORM_PAGE_PREFIXES`` (allauth's and Django's class-based views would answer OPTIONS with
    the full page and treat PUT as POST). No JSON endpoint lives under these prefixes.

    Place it before ``CsrfViewMiddleware``, so a PUT or DELETE without a token gets 405, not 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in FORM_PAGE_METHODS and request.path_info.startswith(FORM_PAGE_PREFIXES):
            return HttpResponseNotAllowed(FORM_PAGE_METHODS)
        return self.get_response(request)
