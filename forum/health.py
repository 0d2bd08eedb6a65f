from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def health(request):
    """A few bytes and no database: the liveness probe, and the framework's ceiling in bench/."""
    return HttpResponse(b"ok", content_type="text/plain")
