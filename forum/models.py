import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class DiscussionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Public discussions for everyone; private ones for their participants and staff."""
        if user.is_authenticated and user.is_moderator:
            return self
        public = Q(visibility=Visibility.PUBLIC)
        if not user.is_authenticated:
            return self.filter(public)
        return self.filter(public | Q(participants__user=user)).distinct()

    def of_participant(self, user):
        return self.filter(participants__user=user)

    def in_list_order(self):
        return self.order_by("-is_pinned", "-last_activity_at", "-id")


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
        return self.select_related(
            "author__profile_image", "replied_to__author__profile_image"
        ).prefetch_related("attachments")

    def in_time_order(self):
        return self.order_by("created_at", "id")


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
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)

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
        return reverse("discussion-detail", kwargs={"discussion_id": self.discussion_id}) + f"#comment-{self.id}"


class CommentAttachment(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    # One comment per upload, enforced by the database: an upload is attached once.
    upload = models.OneToOneField("users.Upload", on_delete=models.CASCADE, related_name="attachment")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.upload} on {self.comment_id}"
