"""Sending SMS. No gateway ships with the forum: the console backend prints the message, like
Django's console email backend. A real provider subclasses SMSBackend and is named in the
SMS_BACKEND setting."""

import sys

from django.conf import settings
from django.utils.module_loading import import_string


class SMSBackend:
    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(SMSBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str) -> None:
        self.stream.write(f"SMS to {to}\n{body}\n{'-' * 40}\n")
        self.stream.flush()


def send_sms(*, to: str, body: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, body=body)
