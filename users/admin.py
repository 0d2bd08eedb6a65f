"""The Django admin for users and uploads.

Roles and bans are read-only on the user's form: they change through the bulk actions here (or
the controls on the user's page, or the JSON API), which call ``users.services.set_role``,
``ban_user`` and ``unban_user``, so the same rules hold and every change is logged. Groups and
per-user permissions are not used (a user's role decides, see ``forum.admin_base``) and are not
shown. Users are never deleted here (their posts and the log refer to them): deactivate or ban.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from forum.admin_base import ModerationAdmin
from forum.moderation_forms import BanForm
from users import services
from users.models import Role, Upload, User
from users.permissions import banned_now_q, can_ban_users, can_set_role, deactivation_refusal, is_banned_now
from users.validators import validate_new_login

admin.site.unregister(Group)


class NewLoginMixin:
    """A login typed in the admin follows the signup rules; one left unchanged stays as it is."""

    def clean_login(self):
        login = self.cleaned_data["login"]
        if "login" in self.changed_data:
            validate_new_login(login)
        return login


class UserCreationAdminForm(NewLoginMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("login", "email")
        field_classes = {}


class UserChangeAdminForm(NewLoginMixin, UserChangeForm):
    """The user's form. Unticking "Active" is refused on one's own account and on the last active
    admin (``deactivation_refusal``). The admin's change view validates and saves in one
    transaction, in which ``demotion_refusal`` locks the admins' rows."""

    actor = None  # the admin using the form, set by ``UserAdmin.get_form``

    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {}

    def clean_is_active(self):
        is_active = self.cleaned_data["is_active"]
        if not is_active and self.instance.pk and "is_active" in self.changed_data:
            refusal = deactivation_refusal(self.actor, self.instance)
            if refusal:
                raise ValidationError(refusal, code="deactivation_refused")
        return is_active


class BannedNowFilter(admin.SimpleListFilter):
    """Banned at this moment (a timed ban whose end has passed does not count)."""

    title = "banned"
    parameter_name = "banned"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(banned_now_q())
        if self.value() == "no":
            return queryset.exclude(banned_now_q())
        return queryset


@admin.register(User)
class UserAdmin(ModerationAdmin, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("login", "email", "role_type", "banned", "date_joined", "is_active")
    list_filter = ("role_type", BannedNowFilter, "is_active", "date_joined")
    search_fields = ("login", "email", "firstname", "lastname", "phone_number")
    ordering = ("login",)
    date_hierarchy = "date_joined"
    filter_horizontal = ()
    raw_id_fields = ("profile_image",)
    fieldsets = (
        (None, {"fields": ("login", "password")}),
        ("Profile", {"fields": ("email", "firstname", "middlename", "lastname", "phone_number", "phone_verified", "profile_image")}),
        ("Role: change it with the actions of the user list, or on the user's page", {"fields": ("role_type", "is_staff", "is_superuser")}),
        ("Ban: change it with the actions of the user list, or on the user's page", {"fields": ("is_banned", "banned_until", "ban_reason")}),
        ("Account", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("login", "email", "usable_password", "password1", "password2")}),
    )
    readonly_fields = (
        "role_type", "is_staff", "is_superuser", "is_banned", "banned_until", "ban_reason", "last_login", "date_joined",
    )
    actions = ["ban_users", "unban_users", "make_users", "make_moderators", "make_admins"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class on every call
        form.actor = request.user
        return form

    @admin.display(boolean=True, description="Banned")
    def banned(self, user):
        return is_banned_now(user)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_ban_permission(self, request):
        return can_ban_users(request.user)

    def has_set_role_permission(self, request):
        return can_set_role(request.user)

    # --- Bans ---------------------------------------------------------------------------------

    @admin.action(description="Ban selected users…", permissions=["ban"])
    def ban_users(self, request, queryset):
        """An intermediate page asks for the reason, the end and whether to hide their posts;
        then each user is banned through ``ban_user`` (those the actor may not ban are named)."""
        form = BanForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                self._ban_each(request, queryset, form)
            except ValidationError as error:  # a bad reason or end: ask again
                form.add_error(None, error)
            else:
                return None  # back to the list, with the messages
        context = {
            **self.admin_site.each_context(request),
            "title": "Ban users",
            "opts": self.model._meta,
            "users": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "moderation/admin_ban_users.html", context)

    def _ban_each(self, request, queryset, form) -> None:
        arguments = form.ban_arguments()
        services.validate_ban(reason=arguments["reason"], until=arguments["until"])
        service = lambda user: services.ban_user(actor=request.user, user=user, **arguments)  # noqa: E731
        self.apply_service(request, queryset, service, "user(s) banned")

    @admin.action(description="Unban selected users", permissions=["ban"])
    def unban_users(self, request, queryset):
        service = lambda user: services.unban_user(actor=request.user, user=user)  # noqa: E731
        self.apply_service(request, queryset, service, "user(s) unbanned or not banned")

    # --- Roles --------------------------------------------------------------------------------

    def _set_roles(self, request, queryset, role_type):
        service = lambda user: services.set_role(actor=request.user, user=user, role_type=role_type)  # noqa: E731
        self.apply_service(request, queryset, service, f"user(s) now {Role(role_type).label.lower()}")

    @admin.action(description="Make selected users plain users", permissions=["set_role"])
    def make_users(self, request, queryset):
        self._set_roles(request, queryset, Role.USER)

    @admin.action(description="Make selected users moderators", permissions=["set_role"])
    def make_moderators(self, request, queryset):
        self._set_roles(request, queryset, Role.MODERATOR)

    @admin.action(description="Make selected users admins", permissions=["set_role"])
    def make_admins(self, request, queryset):
        self._set_roles(request, queryset, Role.ADMIN)


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Uploads: admins only (moderators have no Django permissions). Stored through the upload
    service only (Pillow checks), so there is no add or change form; admins may delete one."""

    list_display = ("name", "content_type", "size", "owner", "created_at")
    list_filter = ("content_type", "created_at")
    search_fields = ("name", "owner__login")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = ("owner", "file", "thumbnail", "content_type", "name", "size", "width", "height", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
