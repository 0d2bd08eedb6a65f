"""Uploads that stay unused (on no comment, nobody's profile image) are deleted once older than a
day, anonymous or not, files and all; used ones stay whatever their age."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from forum.services import delete_comment, post_comment
from tests.factories import DiscussionFactory
from users.models import Upload, User
from users.uploads import delete_unused_uploads

pytestmark = pytest.mark.django_db(transaction=True)  # files go only after the commit


def age(upload, hours):
    Upload.objects.filter(pk=upload.pk).update(created_at=upload.created_at - timedelta(hours=hours))


def stored_names(upload) -> list[str]:
    return [name for name in (upload.file.name, upload.thumbnail.name) if name]


def assert_files_gone(upload):
    storage = upload.file.storage
    assert not any(storage.exists(name) for name in stored_names(upload))


def assert_files_kept(upload):
    storage = upload.file.storage
    assert all(storage.exists(name) for name in stored_names(upload))


def attach(upload, author):
    return post_comment(author=author, discussion=DiscussionFactory(creator=author), attachment_ids=[upload.pk])


def test_delete_unused_uploads_removes_stale_anonymous_uploads_and_their_files(make_upload):
    stale, fresh = make_upload(owner=None), make_upload(owner=None)
    age(stale, 25)

    assert delete_unused_uploads() == 1

    assert list(Upload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert_files_gone(stale)
    assert_files_kept(fresh)


def test_delete_unused_uploads_removes_a_logged_in_users_never_attached_upload(user, make_upload):
    stale, fresh = make_upload(owner=user), make_upload(owner=user)
    age(stale, 25)
    assert stale.thumbnail  # an image: its thumbnail goes too

    assert delete_unused_uploads() == 1

    assert list(Upload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert_files_gone(stale)
    assert_files_kept(fresh)


def test_delete_unused_uploads_keeps_attachments_whatever_their_age(user, moderator, make_upload):
    attached, on_deleted_comment = make_upload(owner=user), make_upload(owner=user)
    attach(attached, user)
    delete_comment(actor=moderator, comment=attach(on_deleted_comment, user))  # kept for the audit log
    age(attached, 24 * 30)
    age(on_deleted_comment, 24 * 30)

    assert delete_unused_uploads() == 0

    assert Upload.objects.count() == 2
    assert_files_kept(attached)


def test_delete_unused_uploads_keeps_profile_images_and_removes_replaced_ones(user, make_upload):
    replaced, current = make_upload(owner=user), make_upload(owner=user)
    age(replaced, 48)
    age(current, 48)
    User.objects.filter(pk=user.pk).update(profile_image=current)

    assert delete_unused_uploads() == 1

    assert list(Upload.objects.values_list("pk", flat=True)) == [current.pk]
    assert_files_gone(replaced)
    assert User.objects.get(pk=user.pk).profile_image_id == current.pk


def test_delete_unused_uploads_removes_documents_too(user, make_upload):
    document = make_upload(owner=user, data=b"plain notes\n", name="notes.txt")
    age(document, 25)

    assert delete_unused_uploads() == 1

    assert not Upload.objects.exists()
    assert_files_gone(document)


def test_delete_unclaimed_uploads_command_takes_hours(user, make_upload, capsys):
    age(make_upload(owner=None), 3)
    age(make_upload(owner=user), 3)
    kept = make_upload(owner=user)
    age(kept, 1)

    call_command("delete_unclaimed_uploads", "--hours", "2")

    assert "Deleted 2 unused upload(s)." in capsys.readouterr().out
    assert list(Upload.objects.values_list("pk", flat=True)) == [kept.pk]


def test_delete_unclaimed_uploads_command_keeps_uploads_younger_than_a_day_by_default(user, make_upload, capsys):
    age(make_upload(owner=user), 23)

    call_command("delete_unclaimed_uploads")

    assert "Deleted 0 unused upload(s)." in capsys.readouterr().out
    assert Upload.objects.count() == 1
