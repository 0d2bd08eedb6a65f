from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from forum.http_methods import read_only


@never_cache
@read_only
def health(request):
    """A few bytes and no database: the liveness probe, and the framework's ceiling in bench/."""
    return HttpResponse(b"ok", content_type="text/plain")
