"""A console email backend whose output a person can copy links from.

Django 6 encodes a text body with long lines as quoted-printable, so the console backend prints
a reset link broken by soft line breaks (``=``) that no longer works when pasted. This backend
prints the headers a person needs and the text body as it was written.
"""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleEmailBackend(EmailBackend):
    def write_message(self, message) -> None:
        headers = {
            "From": message.from_email,
            "To": ", ".join(message.to),
            "Cc": ", ".join(message.cc),
            "Subject": message.subject,
        }
        for name, value in headers.items():
            if value:
                self.stream.write(f"{name}: {value}\n")
        self.stream.write(f"\n{message.body}\n")
        self.stream.write("-" * 79 + "\n")
