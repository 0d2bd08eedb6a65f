"""Schemathesis against a live server, from the document the server itself serves.

Every documented operation (except the temporary ``PENDING_OPERATIONS``) gets generated
requests, each sent by an anonymous client and by a logged-in one (a user who registered and
logged in over HTTP), and for the moderation operations by a moderator too. Every response must
not be a 5xx, and must have a documented status, the documented content type and headers, and a
body that matches the documented schema; a method that a path does not answer must get 405 with
an ``Allow`` header. The run is reproducible (fixed seed, derandomized) and bounded
(``MAX_EXAMPLES`` generated requests per operation, plus the document's examples and
Schemathesis's coverage cases: missing and wrong-typed fields, boundaries, other methods).

A failure prints the operation, the request as a curl command, what did not match, and which
client sent it. ``API_TEST_PENDING=1`` also runs the pending operations.
"""

import itertools
import os

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from forum.openapi import openapi_document
from tests.api.conftest import API_PASSWORD, ForumContent, LiveSession, log_in, make_forum_content, register_and_log_in
from tests.api.pending import PENDING_OPERATIONS
from tests.factories import PASSWORD, UserFactory

SEED = 20261203
MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    unsupported_method,
    allow_header_conformance,
]
# What every API client of this forum should send (see the document's description).
HEADERS = {"Accept": "application/json"}
PATH_PARAMETER_KINDS = {
    "discussion_id": "discussion_ids",
    "comment_id": "comment_ids",
    "upload_id": "upload_ids",
    "user_id": "user_ids",
    "report_id": "report_ids",
}


def schemathesis_config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # The session cookie comes from a real login (or is absent), never generated.
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )


def is_pending(operation) -> bool:
    """Skipped until merged; ``API_TEST_PENDING=1`` runs them too (to try a branch's endpoints)."""
    if os.environ.get("API_TEST_PENDING") == "1":
        return False
    return (operation.method.upper(), operation.path) in PENDING_OPERATIONS


# Schemathesis's lazy loader (``schemathesis.pytest.from_fixture``, which would read the document
# from the live server) does not work with pytest 9.2 (it sets ``Function._nodeid``). So the
# operations are collected from the document built in this process, and
# ``test_the_live_server_serves_the_tested_document`` proves that it is the one the server serves.
schema = schemathesis.openapi.from_dict(openapi_document(), config=schemathesis_config()).exclude(
    func=lambda ctx: is_pending(ctx.operation)
)


class Client:
    """A client that Schemathesis's requests go through: its cookie jar, anonymous (emptied
    before each request) or logged in (again, when a generated ``POST /logout`` logged it out).
    ``tags``: only the operations with one of these tags (None: all)."""

    def __init__(self, session: LiveSession, *, label="anonymous", credentials=None, tags=None):
        self.session = session
        self.label = label
        self.credentials = credentials
        self.tags = tags

    def call(self, case) -> None:
        if self.tags is not None and not self.tags & set(case.operation.tags or ()):
            return
        if self.credentials is None:
            self.session.cookies.clear()
        elif not self.session.logged_in:
            cache.clear()  # the run's own failed logins must not rate-limit this one
            log_in(self.session, *self.credentials)
        try:
            case.call_and_validate(base_url=self.session.base_url, session=self.session, headers=HEADERS, checks=CHECKS)
        except Exception as error:
            error.add_note(f"(sent by the {self.label} client)")
            raise


class Clients:
    """The clients, and real ids that go into some of the generated requests' path parameters
    (in turn with the generated ones, which mostly meet 404s)."""

    def __init__(self, clients: list[Client], content: ForumContent):
        self.clients = clients
        self.id_cycles = {
            name: itertools.cycle([None, *getattr(content, kind)]) for name, kind in PATH_PARAMETER_KINDS.items()
        }

    def call(self, case) -> None:
        for name in case.path_parameters or {}:
            if name in self.id_cycles and (real_id := next(self.id_cycles[name])) is not None:
                case.path_parameters[name] = real_id
        for client in self.clients:
            client.call(case)


@pytest.fixture
def clients(live_server):
    """Anonymous; ``member``, who registered and logged in over HTTP; and, for the moderation
    operations only, a moderator."""
    with (
        LiveSession(live_server.url) as anonymous,
        LiveSession(live_server.url) as member,
        LiveSession(live_server.url) as moderator,
    ):
        register_and_log_in(member, "member")
        content = make_forum_content(member=get_user_model().objects.get(login="member"))
        UserFactory(login="moderator", email="moderator@example.com", role_type="moderator")
        log_in(moderator, "moderator", PASSWORD)
        yield Clients(
            [
                Client(anonymous),
                Client(member, label="member", credentials=("member", API_PASSWORD)),
                Client(moderator, label="moderator", credentials=("moderator", PASSWORD), tags={"Moderation"}),
            ],
            content,
        )


# The clients are shared by all the requests of one operation on purpose (sessions, real ids).
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case, clients):
    """Each generated request is sent anonymously, then logged in (then as a moderator)."""
    clients.call(case)


def test_the_live_server_serves_the_tested_document(http):
    response = http.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == openapi_document()
