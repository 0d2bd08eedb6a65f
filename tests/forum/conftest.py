import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from forum.models import Visibility
from tests.factories import DiscussionFactory
from users.uploads import store_upload


@pytest.fixture
def discussion(user):
    """A public discussion started by ``user`` (alice)."""
    return DiscussionFactory(creator=user, name="Public talk")


@pytest.fixture
def private_discussion(user):
    """A private discussion; ``user`` (alice) is its only participant."""
    return DiscussionFactory(creator=user, name="Secret talk", visibility=Visibility.PRIVATE)


@pytest.fixture
def png_file(png_bytes):
    """A fresh PNG file as a browser form would send it."""

    def make(name="picture.png"):
        return SimpleUploadedFile(name, png_bytes, content_type="image/png")

    return make


@pytest.fixture
def make_upload(png_file):
    """An upload of ``owner``, stored through the uploads service as POST /uploads does."""

    def make(owner, name="picture.png"):
        return store_upload(file=png_file(name), owner=owner)

    return make
