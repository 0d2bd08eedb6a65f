"""Anonymous uploads that nobody claimed are deleted, files and all."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from users.models import Upload
from users.uploads import delete_unclaimed_anonymous_uploads

pytestmark = pytest.mark.django_db(transaction=True)  # files go only after the commit


def age(upload, hours):
    Upload.objects.filter(pk=upload.pk).update(created_at=upload.created_at - timedelta(hours=hours))


def test_delete_unclaimed_anonymous_uploads_removes_rows_and_files(user, make_upload):
    stale, fresh, owned = make_upload(owner=None), make_upload(owner=None), make_upload(owner=user)
    age(stale, 25)
    age(owned, 25)
    storage, names = stale.file.storage, [stale.file.name, stale.thumbnail.name]

    assert delete_unclaimed_anonymous_uploads() == 1

    assert set(Upload.objects.values_list("pk", flat=True)) == {fresh.pk, owned.pk}
    assert not any(storage.exists(name) for name in names)


def test_delete_unclaimed_uploads_command_takes_hours(make_upload, capsys):
    age(make_upload(owner=None), 3)

    call_command("delete_unclaimed_uploads", "--hours", "2")

    assert "Deleted 1" in capsys.readouterr().out
    assert not Upload.objects.exists()
