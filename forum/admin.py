"""The Django admin for discussions, comments, reports and the audit log. Who may do what here
is decided in ``forum.admin_base``; every change goes through the moderation services."""

from django.contrib import admin

from forum import moderation
from forum.admin_base import ModerationAdmin
from forum.models import Comment, Discussion, ModerationAction, Report
from forum.services import delete_comment

ADMIN_REASON = "From the admin."


@admin.register(Discussion)
class DiscussionAdmin(ModerationAdmin):
    list_display = ("name", "creator", "visibility", "is_locked", "is_pinned", "comments_count", "last_activity_at")
    list_filter = ("visibility", "is_locked", "is_pinned", "created_at")
    search_fields = ("name", "creator__login")
    list_select_related = ("creator",)
    date_hierarchy = "last_activity_at"
    fields = ("name", "visibility", "creator", "is_locked", "is_pinned", "comments_count", "created_at", "last_activity_at")
    # Locking and pinning go through the services (logged): the actions below, or the site.
    readonly_fields = ("creator", "is_locked", "is_pinned", "comments_count", "created_at", "last_activity_at")
    actions = ["lock", "unlock", "pin", "unpin"]

    def has_add_permission(self, request):
        return False  # discussions are started on the site (forum.services.start_discussion)

    def has_delete_permission(self, request, obj=None):
        return False  # they hold comments and the log refers to them: lock instead

    def _discussion_action(self, request, queryset, service, done):
        self.apply_service(
            request, queryset, lambda d: service(actor=request.user, discussion=d, reason=ADMIN_REASON), done
        )

    @admin.action(description="Lock selected discussions", permissions=["moderate"])
    def lock(self, request, queryset):
        self._discussion_action(request, queryset, moderation.lock_discussion, "discussion(s) locked")

    @admin.action(description="Unlock selected discussions", permissions=["moderate"])
    def unlock(self, request, queryset):
        self._discussion_action(request, queryset, moderation.unlock_discussion, "discussion(s) unlocked")

    @admin.action(description="Pin selected discussions", permissions=["moderate"])
    def pin(self, request, queryset):
        self._discussion_action(request, queryset, moderation.pin_discussion, "discussion(s) pinned")

    @admin.action(description="Unpin selected discussions", permissions=["moderate"])
    def unpin(self, request, queryset):
        self._discussion_action(request, queryset, moderation.unpin_discussion, "discussion(s) unpinned")


@admin.register(Comment)
class CommentAdmin(ModerationAdmin):
    list_display = ("excerpt", "author", "discussion", "created_at", "is_deleted", "deleted_by")
    list_filter = ("is_deleted", "created_at")
    search_fields = ("text", "author__login", "discussion__name")
    list_select_related = ("author", "discussion", "deleted_by")
    date_hierarchy = "created_at"
    fields = ("discussion", "author", "text", "replied_to", "created_at", "edited_at", "is_deleted", "deleted_at", "deleted_by")
    readonly_fields = fields
    actions = ["soft_delete"]

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return comment.text[:80] + ("…" if len(comment.text) > 80 else "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # moderators delete, nobody rewrites what others said

    def has_delete_permission(self, request, obj=None):
        return False  # deletion is soft (the action), so the text stays for staff and the log

    @admin.action(description="Delete selected comments (hidden from users, kept for staff)", permissions=["moderate"])
    def soft_delete(self, request, queryset):
        comments = queryset.select_related("discussion", "author")
        service = lambda c: delete_comment(actor=request.user, comment=c, reason=ADMIN_REASON)  # noqa: E731
        self.apply_service(request, comments, service, "comment(s) deleted")


@admin.register(Report)
class ReportAdmin(ModerationAdmin):
    list_display = ("id", "comment_excerpt", "reporter", "reason", "status", "created_at", "handled_by")
    list_filter = ("status", "created_at")
    search_fields = ("reason", "reporter__login", "comment__text", "comment__author__login")
    list_select_related = ("comment__author", "comment__discussion", "reporter", "handled_by")
    fields = ("comment", "reporter", "reason", "status", "created_at", "handled_by", "handled_at")
    readonly_fields = fields
    actions = ["resolve_deleting_comment", "resolve", "dismiss"]

    @admin.display(description="Comment")
    def comment_excerpt(self, report):
        return f"{report.comment.author}: {report.comment.text[:60]}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _report_action(self, request, queryset, service, done, **arguments):
        service_for = lambda r: service(actor=request.user, report=r, reason=ADMIN_REASON, **arguments)  # noqa: E731
        self.apply_service(request, queryset.select_related("comment__discussion", "reporter"), service_for, done)

    @admin.action(description="Resolve selected reports and delete their comments", permissions=["moderate"])
    def resolve_deleting_comment(self, request, queryset):
        self._report_action(request, queryset, moderation.resolve_report, "report(s) resolved", delete_comment=True)

    @admin.action(description="Resolve selected reports (keep the comments)", permissions=["moderate"])
    def resolve(self, request, queryset):
        self._report_action(request, queryset, moderation.resolve_report, "report(s) resolved")

    @admin.action(description="Dismiss selected reports", permissions=["moderate"])
    def dismiss(self, request, queryset):
        self._report_action(request, queryset, moderation.dismiss_report, "report(s) dismissed")


@admin.register(ModerationAction)
class ModerationActionAdmin(ModerationAdmin):
    """The audit log: read-only for everybody, admins included."""

    list_display = ("created_at", "actor", "kind", "target_user", "discussion", "reason")
    list_filter = ("kind", "created_at")
    search_fields = ("actor__login", "target_user__login", "discussion__name", "reason")
    list_select_related = ("actor", "target_user", "discussion")
    date_hierarchy = "created_at"
    fields = ("created_at", "actor", "kind", "target_user", "discussion", "comment", "reason", "details")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
