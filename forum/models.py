import uuid
from html import unescape

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class DiscussionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Public discussions for everyone; private ones for their participants and staff.

        An EXISTS subquery rather than a join: no DISTINCT, so the result can still be
        counted, sliced and locked (SELECT ... FOR UPDATE refuses DISTINCT on PostgreSQL).
        """
        if user.is_authenticated and user.is_moderator:
            return self
        public = Q(visibility=Visibility.PUBLIC)
        if not user.is_authenticated:
            return self.filter(public)
        return self.filter(public | Q(Exists(_participation(user))))

    def of_participant(self, user):
        return self.filter(Exists(_participation(user)))

    def in_list_order(self):
        return self.order_by("-is_pinned", "-last_activity_at", "-id")

    def in_activity_order(self):
        return self.order_by("-last_activity_at", "-id")

    def with_participants(self):
        """Prefetch the participants' users (with their avatars) in one query for all rows."""
        users = Participant.objects.select_related("user__profile_image").order_by("joined_at", "id")
        return self.prefetch_related(Prefetch("participants", queryset=users))

    def with_viewer_participation(self, user):
        """Annotate ``viewer_is_participant``: whether ``user`` takes part (no query per row)."""
        if not user.is_authenticated:
            return self.annotate(viewer_is_participant=Value(False))
        return self.annotate(viewer_is_participant=Exists(_participation(user)))

    def with_participants_count(self):
        """Annotate ``participants_count`` (a subquery: no GROUP BY over the other columns)."""
        counted = (
            Participant.objects.filter(discussion=OuterRef("pk"))
            .order_by()
            .values("discussion")
            .annotate(total=Count("id"))
            .values("total")
        )
        return self.annotate(participants_count=Coalesce(Subquery(counted), 0))

    def with_latest_comments(self, limit: int):
        """Prefetch each discussion's latest ``limit`` comments, in time order, into
        ``latest_comments``: one query for all rows (a window function), plus one for attachments."""
        comments = Comment.objects.latest_per_discussion(limit).with_related().in_time_order()
        return self.prefetch_related(Prefetch("comments", queryset=comments, to_attr="latest_comments"))


def _participation(user):
    return Participant.objects.filter(discussion=OuterRef("pk"), user=user)


class Discussion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_discussions"
    )
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_locked = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    comments_count = models.PositiveIntegerField(default=0)

    objects = DiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [
            models.Index(fields=["-is_pinned", "-last_activity_at"], name="discussion_list_order"),
            models.Index(fields=["visibility", "-is_pinned", "-last_activity_at"], name="discussion_public_order"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("discussion-detail", kwargs={"discussion_id": self.id})

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE


class Participant(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "user"], name="participant_once_per_discussion"),
        ]
        indexes = [models.Index(fields=["user", "discussion"], name="participant_by_user")]

    def __str__(self):
        return f"{self.user} in {self.discussion}"


class CommentQuerySet(models.QuerySet):
    def with_related(self):
        """Authors, the comment replied to and avatars joined; attachments in one more query,
        in the order they were attached."""
        from users.models import Upload

        attachments = Upload.objects.order_by("attachment__position", "attachment__id")
        return self.select_related(
            "author__profile_image", "replied_to__author__profile_image", "deleted_by"
        ).prefetch_related(Prefetch("attachments", queryset=attachments))

    def in_time_order(self):
        return self.order_by("created_at", "id")

    def up_to(self, comment):
        """Comments up to and including ``comment`` in time order."""
        return self.filter(
            Q(created_at__lt=comment.created_at) | Q(created_at=comment.created_at, id__lte=comment.id)
        )

    def newer_than(self, comment):
        """Comments after ``comment`` in time order (ties on the timestamp broken by id)."""
        return self.filter(
            Q(created_at__gt=comment.created_at) | Q(created_at=comment.created_at, id__gt=comment.id)
        )

    def newer_than_id(self, comment_id):
        """Comments after the comment ``comment_id`` in time order, in one query (its time is a
        subquery); none when no such comment exists."""
        anchor = Subquery(Comment.objects.filter(pk=comment_id).values("created_at")[:1])
        return self.filter(Q(created_at__gt=anchor) | Q(created_at=anchor, id__gt=comment_id))

    def latest_per_discussion(self, limit: int):
        """The latest ``limit`` comments of every discussion in the queryset's scope, numbered
        newest first per discussion by ROW_NUMBER() (SQLite and PostgreSQL alike)."""
        newest_first = Window(
            RowNumber(),
            partition_by=[F("discussion_id")],
            order_by=[F("created_at").desc(), F("id").desc()],
        )
        return self.annotate(row_number=newest_first).filter(row_number__lte=limit)


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    text = models.TextField(blank=True)
    replied_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    attachments = models.ManyToManyField(
        "users.Upload", through="CommentAttachment", related_name="comments", blank=True
    )
    # The Markdown in ``text`` rendered to cleaned HTML once, when the comment is saved.
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["discussion", "created_at", "id"], name="comment_in_discussion"),
            models.Index(fields=["author", "-created_at"], name="comment_by_author"),
        ]

    def __str__(self):
        return f"Comment by {self.author} in {self.discussion}"

    def get_absolute_url(self):
        """The comment's permalink, which redirects to the page of its discussion showing it."""
        return reverse("comment-permalink", kwargs={"comment_id": self.id})

    @property
    def plain_text(self) -> str:
        """What the comment says without its Markdown, on one line: for quotes and excerpts."""
        text = unescape(strip_tags(self.html)) if self.html else self.text
        return " ".join(text.split())


class CommentAttachment(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    # One comment per upload, enforced by the database: an upload is attached once.
    upload = models.OneToOneField("users.Upload", on_delete=models.CASCADE, related_name="attachment")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.upload} on {self.comment_id}"


class ModerationAction(models.Model):
    """One entry of the audit log: who did what to whom or what, why, and when. Written only
    by ``forum.moderation.record_action``; never edited."""

    class Kind(models.TextChoices):
        LOCK = "lock", "Locked discussion"
        UNLOCK = "unlock", "Unlocked discussion"
        PIN = "pin", "Pinned discussion"
        UNPIN = "unpin", "Unpinned discussion"
        DELETE_COMMENT = "delete_comment", "Deleted comment"
        BAN = "ban", "Banned user"
        UNBAN = "unban", "Unbanned user"
        SET_ROLE = "set_role", "Changed role"
        RESOLVE_REPORT = "resolve_report", "Resolved report"
        DISMISS_REPORT = "dismiss_report", "Dismissed report"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discussion = models.ForeignKey(Discussion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="moderation_by_kind"),
            models.Index(fields=["target_user", "-created_at"], name="moderation_by_target"),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_kind_display().lower()} at {self.created_at:%Y-%m-%d %H:%M}"


class Report(models.Model):
    """A user's report of a comment, waiting in the moderators' queue until handled."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(status="open"),
                name="report_open_once_per_reporter",
            ),
        ]

    def __str__(self):
        return f"Report on {self.comment_id} by {self.reporter}"
