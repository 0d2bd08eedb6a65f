"""Discussions and comments: every write happens here, once, behind a ``check_*`` permission.

The HTML views, the JSON views and the tests call these functions. Each runs in one
transaction: when it raises, nothing it wrote stays (uploaded files it stored are deleted too).
Errors: ``PermissionDenied`` (403: not allowed) and ``ValidationError`` keyed by the API's
field names (400: invalid input).
"""

import uuid
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from forum import moderation
from forum.page_cache import changed_now, mark_changed
from forum.rate_limits import limit_writes
from forum.markdown import render_markdown
from forum.models import Comment, CommentAttachment, Discussion, ModerationAction, Participant, Visibility
from forum.permissions import (
    check_delete_comment,
    check_edit_comment,
    check_invite_participant,
    check_post_as,
    check_post_comment,
    check_start_discussion,
    note_participation,
)
from users.models import Upload, User
from users.uploads import UploadRejected, store_upload

EMPTY_COMMENT = "Write something or attach a file."
BAD_REPLY = "You can only reply to a comment of this discussion that has not been deleted."
BAD_ATTACHMENT = "Attach only your own uploads that are not attached to another comment yet."
UNKNOWN_LOGIN = "Nobody has that login."
ALREADY_PARTICIPANT = "{login} is a participant already."


@transaction.atomic
def start_discussion(*, creator, name: str, visibility: str = Visibility.PUBLIC, comment_text: str = "") -> Discussion:
    """Create a discussion with ``creator`` as its first participant, and optionally its
    first comment.

    Preconditions: ``name`` and ``visibility`` come from a valid ``StartDiscussionForm``.
    Raises ``PermissionDenied`` when the creator is anonymous or banned; ``TooManyWrites`` over
    the creator's limit (``forum.rate_limits``; a first comment counts as a comment too).
    """
    check_start_discussion(creator)
    limit_writes(creator, "start_discussion")
    discussion = Discussion.objects.create(name=name, creator=creator, visibility=visibility)
    Participant.objects.create(discussion=discussion, user=creator)
    if comment_text:
        post_comment(author=creator, discussion=discussion, text=comment_text)
    return discussion


@transaction.atomic
def post_comment(
    *,
    author,
    discussion: Discussion,
    text: str = "",
    replied_to_id: uuid.UUID | None = None,
    attachment_ids: Sequence[uuid.UUID] = (),
    files: Iterable = (),
    claimed_author_id: uuid.UUID | str | None = None,
) -> Comment:
    """Post a comment by ``author`` in ``discussion``; the author becomes a participant, and
    the discussion's ``comments_count`` and ``last_activity_at`` move on.

    ``attachment_ids`` name uploads the author already made; ``files`` are stored now as the
    author's uploads (``users.uploads.store_upload``) and attached after them.

    Preconditions: ``discussion`` was fetched through ``visible_to(author)``; the arguments
    come from a valid ``CommentForm``.
    Raises ``PermissionDenied`` when the author may not post there (anonymous, banned,
    locked, private and not a participant) or ``claimed_author_id`` names someone else;
    ``ValidationError`` when the reply is not a live comment of this discussion, an attachment
    is unknown, someone else's or already attached, a file is refused, or there is neither
    text nor attachment; ``TooManyWrites`` over the author's limit (``forum.rate_limits``).
    """
    _lock_for_posting(discussion)
    check_post_comment(author, discussion)
    check_post_as(author, claimed_author_id)
    replied_to = _reply_target(discussion, replied_to_id)
    uploads = _claimable_uploads(author, attachment_ids)
    files = list(files)
    if not text and not uploads and not files:
        raise ValidationError({"comment_text": [ValidationError(EMPTY_COMMENT, code="empty")]})
    limit_writes(author, "post_comment")  # only a comment that would be posted counts
    with _deleting_files_on_error() as stored:
        uploads += _store_files(author, files, stored)
        comment = Comment.objects.create(
            discussion=discussion, author=author, text=text, html=render_markdown(text), replied_to=replied_to
        )
        _attach(comment, uploads)
        Participant.objects.get_or_create(discussion=discussion, user=author)
        note_participation(discussion, author)
        _record_activity(discussion, comment.created_at)
    return comment


@transaction.atomic
def store_attachments(*, author, discussion: Discussion, files: Iterable) -> list[Upload]:
    """Store ``files`` as ``author``'s uploads before the comment exists, exactly as
    ``post_comment`` stores them (``users.uploads.store_upload``), to be named later in its
    ``attachment_ids``: the Preview of a comment form sent without JavaScript keeps the chosen
    files this way, since a browser cannot fill a file input again.

    Preconditions: ``discussion`` was fetched through ``visible_to(author)``; ``files`` come
    from a valid ``CommentForm``.
    Raises ``PermissionDenied`` when the author may not post there (``check_post_comment``);
    ``ValidationError`` (``files``) when a file is refused, and then stores none of them.
    """
    check_post_comment(author, discussion)
    with _deleting_files_on_error() as stored:
        return _store_files(author, list(files), stored)


@transaction.atomic
def edit_comment(*, actor, comment: Comment, text: str) -> Comment:
    """Replace the text of ``comment`` with ``text`` (Markdown), render it again into
    ``comment.html`` and set ``edited_at``. The same text again changes nothing.

    Preconditions: ``comment`` was fetched among the comments of discussions visible to
    ``actor``; ``text`` comes from a valid ``EditCommentForm``.
    Raises ``PermissionDenied`` unless the actor is the author, not banned, the comment is not
    deleted and its discussion not locked (``check_edit_comment``); ``ValidationError``
    (``comment_text``) when the comment would be left with neither text nor attachment.
    """
    _lock_for_changing(comment)
    check_edit_comment(actor, comment)
    if text == comment.text:
        return comment
    if not text and not comment.attachments.exists():
        raise ValidationError({"comment_text": [ValidationError(EMPTY_COMMENT, code="empty")]})
    comment.text = text
    comment.html = render_markdown(text)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["text", "html", "edited_at"])
    mark_changed(Discussion.objects.filter(pk=comment.discussion_id))
    return comment


@transaction.atomic
def delete_comment(*, actor, comment: Comment, reason: str = "") -> Comment:
    """Soft-delete ``comment``: it stays in its place as "deleted", its text and attachments
    hidden from everyone but moderators and admins (and kept for the audit log); ``deleted_at``
    and ``deleted_by`` say when and by whom. When the actor is not the author (a moderator),
    the deletion is written to the audit log with ``reason``, in the same transaction.

    Preconditions: ``comment`` was fetched among the comments of discussions visible to ``actor``.
    Raises ``PermissionDenied`` when the actor is neither the author (in an unlocked discussion)
    nor a moderator or admin, is banned, or the comment is deleted already
    (``check_delete_comment``).
    """
    _lock_for_changing(comment)
    check_delete_comment(actor, comment)
    comment.is_deleted = True
    comment.deleted_at = timezone.now()
    comment.deleted_by = actor
    comment.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
    mark_changed(Discussion.objects.filter(pk=comment.discussion_id))
    if actor.pk != comment.author_id:
        moderation.record_action(
            actor=actor,
            kind=ModerationAction.Kind.DELETE_COMMENT,
            target_user=comment.author,
            discussion=comment.discussion,
            comment=comment,
            reason=reason,
        )
    return comment


@transaction.atomic
def invite_participant(*, inviter, discussion: Discussion, login: str) -> Participant:
    """Make the user whose login is ``login`` (in any letter case) a participant of
    ``discussion``, invited by ``inviter``: in a private discussion they can then read and post,
    and it is listed among their discussions.

    Preconditions: ``discussion`` was fetched through ``visible_to(inviter)`` (one they cannot
    see is a 404 before this is called); ``login`` comes from a valid ``InviteParticipantForm``.
    Raises ``PermissionDenied`` unless the inviter is a participant, not banned, and the
    discussion is not locked (``check_invite_participant``); ``ValidationError`` (``login``)
    when no active user has that login, or they take part already; ``TooManyWrites`` over the
    inviter's limit (``forum.rate_limits``; unknown logins count too, so logins cannot be guessed
    at speed).
    """
    _lock_for_posting(discussion)
    check_invite_participant(inviter, discussion)
    limit_writes(inviter, "invite_participant")
    invitee = _active_user_by_login(login)
    already = ValidationError(
        {"login": [ValidationError(ALREADY_PARTICIPANT.format(login=invitee.login), code="already_participant")]}
    )
    if Participant.objects.filter(discussion=discussion, user=invitee).exists():
        raise already
    try:
        with transaction.atomic():
            participant = Participant.objects.create(discussion=discussion, user=invitee, invited_by=inviter)
    except IntegrityError:  # invited by someone else a moment ago
        raise already
    note_participation(discussion, invitee)
    mark_changed(Discussion.objects.filter(pk=discussion.pk))
    return participant


def _active_user_by_login(login: str) -> User:
    invitee = User.objects.select_related("profile_image").filter(login__iexact=login, is_active=True).first()
    if invitee is None:
        raise ValidationError({"login": [ValidationError(UNKNOWN_LOGIN, code="unknown_login")]})
    return invitee


def _lock_for_changing(comment: Comment) -> None:
    """Re-read, under row locks, what editing and deleting depend on: whether the discussion is
    locked, then whether the comment is deleted (and its text). The discussion row is locked
    first, as ``post_comment`` does, so a reply being posted to this comment cannot deadlock
    with the edit."""
    _lock_for_posting(comment.discussion)
    comment.refresh_from_db(from_queryset=Comment.objects.select_for_update(), fields=["text", "is_deleted"])


def _lock_for_posting(discussion: Discussion) -> None:
    """Re-read what the rules depend on under a row lock (PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers), so a discussion locked a moment ago is seen."""
    discussion.refresh_from_db(
        from_queryset=Discussion.objects.select_for_update(),
        fields=["is_locked", "visibility", "comments_count"],
    )


def _reply_target(discussion: Discussion, comment_id: uuid.UUID | None) -> Comment | None:
    if comment_id is None:
        return None
    comment = Comment.objects.filter(pk=comment_id, discussion=discussion, is_deleted=False).first()
    if comment is None:
        raise ValidationError({"replied_message": [ValidationError(BAD_REPLY, code="bad_reply")]})
    return comment


def _claimable_uploads(owner, upload_ids: Sequence[uuid.UUID]) -> list:
    """The uploads named, in the order named, if every one is ``owner``'s and unattached."""
    if not upload_ids:
        return []
    attachable = Upload.objects.select_for_update(of=("self",)).attachable_by(owner)
    by_id = {upload.pk: upload for upload in attachable.filter(pk__in=upload_ids)}
    missing = [str(upload_id) for upload_id in upload_ids if upload_id not in by_id]
    if missing:
        raise ValidationError(
            {"attachments": [ValidationError(f"{BAD_ATTACHMENT} Refused: {', '.join(missing)}.", code="bad_attachment")]}
        )
    return [by_id[upload_id] for upload_id in upload_ids]


@contextmanager
def _deleting_files_on_error():
    """Collects the uploads stored during the block; if the block raises, their files leave
    storage too (their rows go with the transaction's rollback)."""
    stored = []
    try:
        yield stored
    except BaseException:
        for upload in stored:
            _delete_stored_files(upload)
        raise


def _delete_stored_files(upload) -> None:
    for field in (upload.file, upload.thumbnail):
        if field:
            field.storage.delete(field.name)


def _store_files(owner, files: list, stored: list) -> list:
    """Store each file as ``owner``'s upload (appending it to ``stored`` as it goes)."""
    for file in files:
        try:
            stored.append(store_upload(file=file, owner=owner))
        except UploadRejected as rejected:
            name = getattr(file, "name", "file")
            raise ValidationError({"files": [ValidationError(f"{name}: {rejected.message}", code="rejected")]})
    return list(stored)


def _attach(comment: Comment, uploads: list) -> None:
    """Link the uploads to the comment. The OneToOne on the upload is the last wall against
    attaching one upload twice (two requests racing for it): its IntegrityError becomes a 400."""
    if not uploads:
        return
    links = [CommentAttachment(comment=comment, upload=upload, position=i) for i, upload in enumerate(uploads)]
    try:
        with transaction.atomic():
            CommentAttachment.objects.bulk_create(links)
    except IntegrityError:
        raise ValidationError({"attachments": [ValidationError(BAD_ATTACHMENT, code="bad_attachment")]})


def _record_activity(discussion: Discussion, when) -> None:
    """Count the comment and move the activity time and the version (``changed_at``), in SQL
    (F()), and mirror the count and time on the object (exact: the row is locked, or the
    transaction is the only writer on SQLite)."""
    Discussion.objects.filter(pk=discussion.pk).update(
        comments_count=F("comments_count") + 1, last_activity_at=when, changed_at=changed_now()
    )
    discussion.comments_count += 1
    discussion.last_activity_at = when
