"""The console email backend prints reset links whole, so they can be copied from the terminal."""

import io

import pytest
from django.core.mail import EmailMessage

from users.mail import ReadableConsoleEmailBackend

LINK = "http://localhost:8000/password-reset-procedure/" + "a" * 32 + "-dj0rk0-" + "f" * 32


def test_a_long_link_is_printed_on_one_line():
    stream = io.StringIO()
    body = f"Click the link below to reset your password, café.\n\n{LINK}\n"
    message = EmailMessage("Password Reset Email", body, "forum@localhost", ["zed@example.com"])

    ReadableConsoleEmailBackend(stream=stream).send_messages([message])

    output = stream.getvalue()
    assert LINK in output.splitlines()
    assert "Subject: Password Reset Email" in output and "To: zed@example.com" in output


@pytest.mark.django_db
def test_the_reset_email_through_the_backend_has_a_working_link(api_client, user, settings, capsys):
    settings.MAILERS = {"default": {"BACKEND": "users.mail.ReadableConsoleEmailBackend"}}

    api_client.post_json("/password-reset-request", {"email": "alice@example.com"})

    printed = capsys.readouterr().out
    link = next(line for line in printed.splitlines() if "/password-reset-procedure/" in line)
    path = link.removeprefix("http://testserver")
    assert api_client.get(path, HTTP_ACCEPT="application/json").status_code == 200
