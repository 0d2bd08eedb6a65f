from allauth.core.exceptions import RateLimited
from allauth.core.ratelimit import respond_429


class RateLimitedTo429Middleware:
    """allauth raises RateLimited from some flows (phone verification) without catching it;
    answer 429 instead of letting it become a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return respond_429(request)
        return None
