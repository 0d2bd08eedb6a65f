import uuid
from html import unescape

from django.conf import settings
from django.db import connections, models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, Window
from django.db.models.query import ModelIterable
from django.db.models.functions import Coalesce, Now, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from forum import page_cache
from forum.validators import validate_discussion_name


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class DiscussionQuerySet(models.QuerySet):
    # The user whose ``visible_to`` filter is this queryset's only filter: ``count()`` then counts
    # in two index lookups (see ``count``). Every way of adding a condition clears it (below):
    # comparing WHERE trees instead costs a millisecond.
    _visible_count_for = None
    # ``with_latest_comments``: how many to attach to each discussion fetched.
    _latest_comments_limit = None

    def _clone(self):
        clone = super()._clone()
        clone._visible_count_for = self._visible_count_for
        clone._latest_comments_limit = self._latest_comments_limit
        return clone

    def _filter_or_exclude_inplace(self, negate, args, kwargs):
        self._visible_count_for = None
        super()._filter_or_exclude_inplace(negate, args, kwargs)

    def complex_filter(self, filter_obj):
        return self._without_count_hint(super().complex_filter(filter_obj))

    def none(self):
        return self._without_count_hint(super().none())

    def extra(self, *args, **kwargs):
        return self._without_count_hint(super().extra(*args, **kwargs))

    @staticmethod
    def _without_count_hint(queryset):
        queryset._visible_count_for = None
        return queryset

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if not fetched and self._latest_comments_limit is not None and self._iterable_class is ModelIterable:
            _attach_latest_comments(self._result_cache, self._latest_comments_limit)

    def visible_to(self, user):
        """Public discussions for everyone; private ones for their participants and staff.

        An EXISTS subquery rather than a join: no DISTINCT, so the result can still be
        counted, sliced and locked (SELECT ... FOR UPDATE refuses DISTINCT on PostgreSQL).
        Correlated EXISTS rather than ``pk IN (the user's discussions)``: walking the list order
        index, the first page stops after 20 rows, whereas SQLite plans ``public OR pk IN (...)``
        as a union of two index searches (MULTI-INDEX OR) and sorts all 90 000 public rows.
        """
        if user.is_authenticated and user.is_moderator:
            return self
        public = Q(visibility=Visibility.PUBLIC)
        if not user.is_authenticated:
            visible = self.filter(public)
        else:
            visible = self.filter(public | Q(Exists(_participation(user))))
        if not self.query.where:
            visible._visible_count_for = user
        return visible

    def count(self):
        """As ``QuerySet.count()``; for ``visible_to(user)`` with no other filter (the list
        pages), the public discussions (``_public_count``) plus the user's private ones (an
        index range of their participations), instead of testing every discussion for public
        OR participation."""
        user = self._visible_count_for
        query = self.query
        if user is None or self._result_cache is not None or query.is_sliced or query.distinct or query.combinator:
            return super().count()
        if not user.is_authenticated:
            return _public_count(self.db, page_cache.list_version(self.db))
        version, private_count = _version_and_private_count(self.db, user)
        return _public_count(self.db, version) + private_count

    def of_participant(self, user):
        """The discussions ``user`` takes part in: their discussion ids from the participant
        index (``participant_by_user``), then those rows by primary key; not an EXISTS test on
        every discussion."""
        return self.filter(pk__in=Participant.objects.filter(user=user).values("discussion_id"))

    def in_list_order(self):
        return self.order_by("-is_pinned", "-last_activity_at", "-id")

    def in_activity_order(self):
        return self.order_by("-last_activity_at", "-id")

    def with_participants(self):
        """Prefetch the participants' users (with their avatars) in one query for all rows: the
        columns the JSON serialisers read (``api_user_columns``)."""
        users = (
            Participant.objects.select_related("user__profile_image")
            .only("id", "discussion", "user", *api_user_columns("user__"))
            .order_by("joined_at", "id")
        )
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
        """Attach each fetched discussion's latest ``limit`` comments, in time order, as
        ``latest_comments``: one query for all the rows fetched, plus one for attachments.

        Not a ``Prefetch`` with a window function: that numbers every comment of the page's
        discussions (18 000 for the biggest: 400 ms on SQLite with the joins, 45 ms on the bare
        index). Instead each discussion row carries the time of its ``limit``-th latest comment
        (``latest_comments_from``: a subquery reading ``limit`` entries of the index
        ``comment_in_discussion``), and ``_attach_latest_comments`` reads, per discussion, the
        index range from that time on."""
        clone = self._chain()
        clone._latest_comments_limit = limit
        if limit > 0:
            newest_first = Comment.objects.filter(discussion=OuterRef("pk")).order_by("-created_at", "-id")
            clone = clone.annotate(latest_comments_from=Subquery(newest_first.values("created_at")[limit - 1 : limit]))
        return clone


def _attach_latest_comments(discussions, limit: int) -> None:
    """Set ``latest_comments`` on ``discussions`` (fetched ``with_latest_comments(limit)``): one
    query for the comments of each discussion from its ``latest_comments_from`` on (all of them
    when it has fewer than ``limit``), an index range each (SQLite: MULTI-INDEX OR; PostgreSQL:
    BitmapOr); then the latest ``limit`` of each, as comments at that very time may be more."""
    by_discussion = {discussion.pk: [] for discussion in discussions}
    if by_discussion and limit > 0:
        ranges = Q()
        for discussion in discussions:
            since = getattr(discussion, "latest_comments_from", None)
            ranges |= Q(discussion_id=discussion.pk, **({"created_at__gte": since} if since is not None else {}))
        for comment in Comment.objects.filter(ranges).for_api().in_time_order():
            by_discussion[comment.discussion_id].append(comment)
    for discussion in discussions:
        discussion.latest_comments = by_discussion[discussion.pk][-limit:] if limit > 0 else []


# What ``users.serializers.user_data`` and ``upload_data`` read of a user and of an upload.
API_USER_FIELDS = (
    "id", "login", "email", "phone_number", "firstname", "lastname", "middlename", "profile_image",
    "role_type", "is_banned", "banned_until",
)
API_UPLOAD_FIELDS = ("id", "created_at", "content_type", "name", "size", "width", "height")


def api_user_columns(prefix: str) -> list[str]:
    """``only()`` paths for a user at ``prefix`` (e.g. ``"author__"``) joined with its avatar:
    what the JSON shows, without the password hash, the ban reason and the rest."""
    return [prefix + f for f in API_USER_FIELDS] + [f"{prefix}profile_image__{f}" for f in API_UPLOAD_FIELDS]


def _participation(user):
    return Participant.objects.filter(discussion=OuterRef("pk"), user=user)


def _public_count(db: str, version) -> int:
    """How many public discussions there are, counted once per ``version`` of the lists
    (``page_cache.list_version``: every discussion started or changed moves it, and discussions
    are never deleted). Counting them walks an index of 90 000 entries at 100 000 discussions."""
    public = Discussion.objects.using(db).filter(visibility=Visibility.PUBLIC)
    return page_cache.remember(("public-discussions", db, version), public.count)


def _version_and_private_count(db: str, user) -> tuple:
    """The version of the lists (the latest ``changed_at``, as the database gives it) and how
    many private discussions ``user`` takes part in, in one statement. The count is driven from
    their participations (``participant_by_user``), each discussion looked up by primary key; as
    a join, SQLite (no statistics) walks all private discussions instead. Written in SQL: the
    ORM takes a millisecond to build it, ten times what SQLite takes to run it."""
    participant, discussion = Participant._meta.db_table, Discussion._meta.db_table
    sql = (
        f"SELECT (SELECT MAX(changed_at) FROM {discussion}),"
        f" (SELECT COUNT(*) FROM {participant} p WHERE p.user_id = %s AND EXISTS"
        f" (SELECT 1 FROM {discussion} d WHERE d.id = p.discussion_id AND d.visibility = %s))"
    )
    connection = connections[db]
    return _one_row(connection, sql, [_participant_user_id(user, connection), Visibility.PRIVATE])


def latest_changes_seen_by(db: str, user) -> tuple:
    """The latest ``changed_at`` of the public discussions, and of the private ones ``user``
    takes part in (None when anonymous or none), in one statement; the private part driven from
    their participations, as in ``_version_and_private_count``."""
    participant, discussion = Participant._meta.db_table, Discussion._meta.db_table
    sql = (
        f"SELECT (SELECT changed_at FROM {discussion} WHERE visibility = %s ORDER BY changed_at DESC LIMIT 1),"
        f" (SELECT MAX((SELECT d.changed_at FROM {discussion} d WHERE d.id = p.discussion_id AND d.visibility = %s))"
        f" FROM {participant} p WHERE p.user_id = %s)"
    )
    connection = connections[db]
    row = _one_row(connection, sql, [Visibility.PUBLIC, Visibility.PRIVATE, _participant_user_id(user, connection)])
    return tuple(_as_datetime(value, connection) for value in row)


def participants_count_and_viewer(discussion, user) -> tuple[int, bool]:
    """How many take part in ``discussion``, and whether ``user`` does (False when anonymous), in
    one statement on the participant indexes. Written in SQL for the reason given in
    ``_version_and_private_count``."""
    participant = Participant._meta.db_table
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {participant} WHERE discussion_id = %s),"
        f" EXISTS (SELECT 1 FROM {participant} WHERE discussion_id = %s AND user_id = %s)"
    )
    connection = connections[discussion._state.db or "default"]
    discussion_id = Participant._meta.get_field("discussion").get_db_prep_value(discussion.pk, connection)
    count, takes_part = _one_row(connection, sql, [discussion_id, discussion_id, _participant_user_id(user, connection)])
    return count, bool(takes_part)


def _participant_user_id(user, connection):
    """``user``'s id as participant rows store it, for raw SQL; None for an anonymous visitor."""
    if not user.is_authenticated:
        return None
    return Participant._meta.get_field("user").get_db_prep_value(user.pk, connection)


def _one_row(connection, sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _as_datetime(value, connection):
    """A ``changed_at`` read in raw SQL as the ORM gives it: SQLite returns text, or a naive
    datetime, which its backend's converter makes aware; PostgreSQL an aware datetime."""
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    return convert(value, None, connection) if convert is not None else value


class Discussion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, validators=[validate_discussion_name])
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_discussions"
    )
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_locked = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    comments_count = models.PositiveIntegerField(default=0)
    # Moves on with every write that changes what the discussion's page or the list shows
    # (forum.page_cache.mark_changed): the version of their cached copies and their ETags. The
    # database default covers rows written in raw SQL (seed_forum).
    changed_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    objects = DiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [
            # The list order in full (``in_list_order``), the id breaking ties: a page is read off
            # the index with no sort step.
            models.Index(fields=["-is_pinned", "-last_activity_at", "-id"], name="discussion_list_order"),
            models.Index(
                fields=["visibility", "-is_pinned", "-last_activity_at", "-id"], name="discussion_public_order"
            ),
            # The latest change of the public discussions (``page_cache.list_version_seen_by``).
            models.Index(fields=["visibility", "-changed_at"], name="discussion_changed_by_kind"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("discussion-detail", kwargs={"discussion_id": self.id})

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE


class Participant(models.Model):
    # No single-column indexes: participant_once_per_discussion and participant_in_discussion
    # start with the discussion, participant_by_user with the user.
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "user"], name="participant_once_per_discussion"),
        ]
        indexes = [
            models.Index(fields=["user", "discussion"], name="participant_by_user"),
            # A discussion's participants in the order they joined (the page, the JSON lists).
            models.Index(fields=["discussion", "joined_at", "id"], name="participant_in_discussion"),
        ]

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

    def for_api(self):
        """``with_related`` for the JSON serialisers (``forum.serializers.comment_data``): only
        the columns they read, so not the rendered HTML, the password hashes or who deleted. A
        serialiser that reads more gets a query per comment: the query-count tests catch it."""
        return (
            self.with_related()
            .select_related(None)
            .select_related("author__profile_image", "replied_to__author__profile_image")
            .only(
                "id", "discussion", "author", "text", "replied_to", "created_at", "edited_at", "is_deleted",
                *api_user_columns("author__"),
                "replied_to__id", "replied_to__created_at", "replied_to__author", "replied_to__text",
                "replied_to__is_deleted", *api_user_columns("replied_to__author__"),
            )
        )

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
    # No single-column indexes: comment_in_discussion starts with the discussion,
    # comment_by_author with the author.
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments", db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments", db_index=False
    )
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
    target_user = models.ForeignKey(  # indexed by moderation_by_target
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
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
