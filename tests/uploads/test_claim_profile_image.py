"""users.uploads.claim_profile_image: which uploads may become a user's profile image."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.uploads.samples import tiny_pdf
from users.models import Upload
from users.uploads import ANONYMOUS_CLAIM_WINDOW, claim_profile_image

pytestmark = pytest.mark.django_db


def refusal(upload_id, user, anonymous_upload_ids=()) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        claim_profile_image(upload_id=upload_id, user=user, anonymous_upload_ids=anonymous_upload_ids)
    assert caught.value.code == "invalid_upload"
    return caught.value


def test_claim_profile_image_own_image_accepted(user, make_upload):
    upload = make_upload(owner=user)

    assert claim_profile_image(upload_id=str(upload.id), user=user) == upload


def test_claim_profile_image_accepts_uuid_objects(user, make_upload):
    upload = make_upload(owner=user)

    assert claim_profile_image(upload_id=upload.id, user=user) == upload


def test_claim_profile_image_anonymous_upload_gets_owner(user, make_upload):
    upload = make_upload(owner=None)

    claimed = claim_profile_image(upload_id=str(upload.id), user=user, anonymous_upload_ids=[str(upload.id)])

    assert claimed.owner == user
    upload.refresh_from_db()
    assert upload.owner == user


def test_claim_profile_image_anonymous_upload_claimable_once(user, other_user, make_upload):
    upload = make_upload(owner=None)
    claim_profile_image(upload_id=str(upload.id), user=user, anonymous_upload_ids=[str(upload.id)])

    error = refusal(str(upload.id), other_user, anonymous_upload_ids=[str(upload.id)])

    assert "no such upload" in error.messages[0]
    assert Upload.objects.get().owner == user


def test_claim_profile_image_someone_elses_refused(other_user, user, make_upload):
    upload = make_upload(owner=other_user)

    refusal(str(upload.id), user)

    assert Upload.objects.get().owner == other_user


def test_claim_profile_image_someone_elses_looks_unknown(user, other_user, make_upload):
    upload = make_upload(owner=other_user)

    assert refusal(str(upload.id), user).messages == refusal(str(uuid.uuid4()), user).messages


def test_claim_profile_image_anonymous_upload_of_another_session_refused(user, make_upload):
    upload = make_upload(owner=None)
    other_sessions_upload = make_upload(owner=None)

    error = refusal(str(upload.id), user, anonymous_upload_ids=[str(other_sessions_upload.id)])

    assert error.messages == refusal(str(uuid.uuid4()), user).messages
    upload.refresh_from_db()
    assert upload.owner is None


def test_claim_profile_image_anonymous_upload_without_a_session_refused(user, make_upload):
    upload = make_upload(owner=None)

    assert refusal(upload.id, user).messages == refusal(uuid.uuid4(), user).messages
    upload.refresh_from_db()
    assert upload.owner is None


def test_claim_profile_image_ignores_malformed_session_ids(user, make_upload):
    upload = make_upload(owner=None)

    claimed = claim_profile_image(upload_id=upload.id, user=user, anonymous_upload_ids=["junk", None, upload.id])

    assert claimed.owner == user


def test_claim_profile_image_not_an_image_refused(user, make_upload):
    upload = make_upload(owner=user, data=tiny_pdf(), name="paper.pdf")

    assert "must be an image" in refusal(str(upload.id), user).messages[0]


def test_claim_profile_image_unknown_id_refused(user):
    refusal(str(uuid.uuid4()), user)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "1234", 42, None, ["x"], {"id": "x"}])
def test_claim_profile_image_malformed_id_refused(user, bad_id):
    assert "not a valid upload id" in refusal(bad_id, user).messages[0]


def test_claim_profile_image_stale_anonymous_upload_refused(user, make_upload):
    upload = make_upload(owner=None)
    too_old = upload.created_at - ANONYMOUS_CLAIM_WINDOW - timedelta(minutes=1)
    Upload.objects.filter(pk=upload.pk).update(created_at=too_old)

    refusal(str(upload.id), user, anonymous_upload_ids=[str(upload.id)])

    assert Upload.objects.get().owner is None


def test_claim_profile_image_leaves_profile_to_caller(user, make_upload):
    upload = make_upload(owner=None)

    claim_profile_image(upload_id=str(upload.id), user=user, anonymous_upload_ids=[str(upload.id)])

    user.refresh_from_db()
    assert user.profile_image is None
