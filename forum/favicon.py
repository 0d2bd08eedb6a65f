"""``/favicon.ico``, which browsers ask for by themselves whatever the page's ``<link rel="icon">``."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect

from forum.http_methods import read_only


@read_only
def favicon(request):
    """For good to the SVG icon in ``static/``, by its plain name (WhiteNoise serves it with a
    short cache life, unlike the hashed name, so the redirect stays right when the icon changes)."""
    return HttpResponsePermanentRedirect(f"{settings.STATIC_URL}favicon.svg")
