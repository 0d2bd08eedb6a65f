import io
import json
import os

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.test import Client  # noqa: E402
from PIL import Image  # noqa: E402

from tests.factories import PASSWORD, UserFactory  # noqa: E402


@pytest.fixture(autouse=True)
def clear_cache():
    # Rate limit counters live in the cache, cached pages in "pages"; without this they leak
    # from one test to the next.
    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its files in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(login="alice", email="alice@example.com", phone_number="+447911123456")


@pytest.fixture
def other_user(db):
    return UserFactory(login="bob", email="bob@example.com")


@pytest.fixture
def moderator(db):
    return UserFactory(login="mod", email="mod@example.com", role_type="moderator")


@pytest.fixture
def admin_user(db):
    return UserFactory(login="root", email="root@example.com", role_type="admin", is_staff=True, is_superuser=True)


class JsonClient(Client):
    """A test client that speaks JSON the way an API client does."""

    def _json(self, method, path, data=None, **extra):
        body = json.dumps(data) if data is not None else ""
        return getattr(super(), method)(path, body, content_type="application/json", **extra)

    def post_json(self, path, data=None, **extra):
        return self._json("post", path, data, **extra)

    def patch_json(self, path, data=None, **extra):
        return self._json("patch", path, data, **extra)

    def delete_json(self, path, data=None, **extra):
        return self._json("delete", path, data, **extra)


@pytest.fixture
def api_client():
    return JsonClient()


@pytest.fixture
def logged_in_api_client(user):
    client = JsonClient()
    client.force_login(user)
    return client


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


def make_image_bytes(fmt="PNG", size=(64, 48), color=(200, 30, 30), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


@pytest.fixture
def png_bytes():
    return make_image_bytes("PNG")


@pytest.fixture
def jpeg_bytes():
    return make_image_bytes("JPEG")
