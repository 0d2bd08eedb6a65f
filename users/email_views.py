"""allauth's email page (``/accounts/email/``), where only a verified address becomes primary."""

from allauth.account.adapter import get_adapter
from allauth.account.views import EmailView as AllauthEmailView
from django.contrib import messages


class EmailView(AllauthEmailView):
    """allauth lets an account without a verified address make any of its addresses primary,
    and the primary address is the account's ``User.email``, which owns it (see
    ``UserQuerySet.owning_email``): typing in someone's address and making it primary would
    take it from them. Here an unverified address never becomes primary."""

    def _action_primary(self, request, *args, **kwargs):
        email_address = self._get_email_address(request)
        if email_address and not (email_address.verified or email_address.primary):
            get_adapter(request).add_message(request, messages.ERROR, "account/messages/unverified_primary_email.txt")
            return None  # allauth's view then redirects back to the page
        return super()._action_primary(request, *args, **kwargs)


email = EmailView.as_view()
