"""manage.py seed_forum at a tiny size: what it writes is consistent with what the forum's
services would have written (rows, kept counters, replies, participants, attachments)."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, F, Max, OuterRef

from forum.management.commands.seed_forum import (
    BENCH_DISCUSSION_NAME,
    BENCH_LOGIN,
    SEED_PASSWORD,
)
from forum.models import Comment, CommentAttachment, Discussion, Participant, Visibility
from users.models import Role, Upload, User

TINY = {"users": 40, "discussions": 30, "comments": 400, "long_discussion": 100, "now": "2026-06-01T00:00:00Z"}


def seed(**options):
    stderr = io.StringIO()
    stdout = io.StringIO()
    call_command("seed_forum", stdout=stdout, stderr=stderr, **{**TINY, **options})
    return stdout.getvalue(), stderr.getvalue()


def fingerprint():
    comments = Comment.objects.order_by("id").values_list("id", "discussion_id", "author_id", "text", "replied_to_id", "created_at")
    discussions = Discussion.objects.order_by("id").values_list("id", "name", "visibility", "comments_count", "last_activity_at")
    return list(comments), list(discussions), sorted(User.objects.values_list("login", "email"))


@pytest.mark.django_db
def test_seed_forum_creates_the_rows_asked_for():
    stdout, stderr = seed()
    assert User.objects.count() == 40
    assert Discussion.objects.count() == 30
    assert Comment.objects.count() == 400
    assert "Seeded 40 users, 30 discussions, 400 comments" in stdout
    assert "comments" in stderr and "100%" in stderr  # the progress bar


@pytest.mark.django_db
def test_seed_forum_keeps_the_counters_right():
    seed()
    counted = Discussion.objects.annotate(n=Count("comments"), last=Max("comments__created_at"))
    for discussion in counted:
        assert discussion.comments_count == discussion.n
        assert discussion.last_activity_at == (discussion.last or discussion.created_at)
        assert discussion.last_activity_at >= discussion.created_at


@pytest.mark.django_db
def test_seed_forum_replies_to_earlier_comments_of_the_same_discussion():
    seed()
    replies = Comment.objects.exclude(replied_to=None).select_related("replied_to")
    assert replies.exists()
    for reply in replies:
        assert reply.replied_to.discussion_id == reply.discussion_id
        assert (reply.replied_to.created_at, str(reply.replied_to.id)) != (reply.created_at, str(reply.id))
        assert reply.replied_to.created_at <= reply.created_at


@pytest.mark.django_db
def test_seed_forum_attaches_each_upload_once_and_shares_stored_files():
    seed(comments=1500, discussions=40)
    attachments = CommentAttachment.objects.all()
    assert attachments.exists()
    uploads = Counter(attachments.values_list("upload_id", flat=True))
    assert max(uploads.values()) == 1
    attached = Upload.objects.filter(attachment__isnull=False)
    assert set(attached.values_list("owner_id", flat=True)) <= set(User.objects.values_list("id", flat=True))
    for upload in attached.select_related("attachment__comment"):
        assert upload.owner_id == upload.attachment.comment.author_id
        assert upload.is_image and upload.file.storage.exists(upload.file.name)
    # A handful of stored images, each behind several Upload rows.
    assert Upload.objects.values("file").distinct().count() < Upload.objects.count()


@pytest.mark.django_db
def test_seed_forum_makes_every_author_a_participant():
    seed()
    authors_not_participants = Comment.objects.exclude(
        Exists(Participant.objects.filter(discussion=OuterRef("discussion"), user=OuterRef("author")))
    )
    assert not authors_not_participants.exists()
    assert not Discussion.objects.exclude(
        Exists(Participant.objects.filter(discussion=OuterRef("pk"), user=OuterRef("creator")))
    ).exists()


@pytest.mark.django_db
def test_seed_forum_writes_private_pinned_and_locked_discussions():
    seed(discussions=200, comments=1000)
    assert Discussion.objects.filter(visibility=Visibility.PRIVATE).exists()
    assert Discussion.objects.filter(is_pinned=True).exists()
    assert Discussion.objects.filter(is_locked=True).exists()
    # In a private discussion only its participants write.
    for discussion in Discussion.objects.filter(visibility=Visibility.PRIVATE):
        members = set(discussion.participants.values_list("user_id", flat=True))
        assert set(discussion.comments.values_list("author_id", flat=True)) <= members


@pytest.mark.django_db
def test_seed_forum_users_share_the_documented_password():
    seed()
    assert len(set(User.objects.values_list("password", flat=True))) == 1
    bench = User.objects.get(login=BENCH_LOGIN)
    assert bench.check_password(SEED_PASSWORD)
    assert User.objects.filter(role_type=Role.MODERATOR).exists()
    assert User.objects.filter(role_type=Role.ADMIN).count() == 1
    assert User.objects.exclude(phone_number=None).exists()
    emails = list(User.objects.values_list("email", flat=True))
    assert len(set(email.lower() for email in emails)) == len(emails)


@pytest.mark.django_db
def test_seed_forum_writes_the_long_discussion_with_rendered_markdown():
    seed()
    long = Discussion.objects.get(name=BENCH_DISCUSSION_NAME)
    assert long.comments_count == 100 == long.comments.count()
    assert long.visibility == Visibility.PUBLIC and not long.is_locked
    assert long.participants.filter(user__login=BENCH_LOGIN).exists()
    comment = long.comments.exclude(text="").first()
    assert comment.html.startswith("<")
    from forum.markdown import render_markdown

    assert comment.html == render_markdown(comment.text)


@pytest.mark.django_db
def test_seed_forum_is_deterministic_for_a_seed():
    seed(seed=7)
    first = fingerprint()
    for model in (CommentAttachment, Comment, Participant, Discussion):
        model.objects.all().delete()
    User.objects.update(profile_image=None)
    Upload.objects.all().delete()
    User.objects.all().delete()
    seed(seed=7)
    assert fingerprint() == first


@pytest.mark.django_db
def test_seed_forum_refuses_a_forum_with_discussions():
    seed()
    with pytest.raises(CommandError, match="discussions already"):
        seed()
