import pytest

from tests.conftest import make_image_bytes
from tests.uploads.samples import uploaded
from users.uploads import store_upload


@pytest.fixture
def make_upload(db):
    """Store a file through the service, as POST /uploads does (a small PNG by default)."""

    def make(owner=None, data=None, name="picture.png"):
        return store_upload(file=uploaded(name, data or make_image_bytes("PNG")), owner=owner)

    return make
