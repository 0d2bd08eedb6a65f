import re
import uuid
from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from forum.validators import validate_person_name
from users.permissions import is_banned_now

# Mixed into the session auth hash while a user is banned (see User._get_session_auth_hash).
SESSION_BANNED_MARK = "|banned"


class Role(models.TextChoices):
    USER = "user", "User"
    MODERATOR = "moderator", "Moderator"
    ADMIN = "admin", "Admin"


class UserQuerySet(models.QuerySet):
    def with_profile_image(self):
        return self.select_related("profile_image")

    def owning_email(self, email: str):
        """The accounts whose address ``email`` is: their primary ``email``, or an extra address
        they verified (listed first). An unverified extra address is only a claim (anyone can
        type anyone's address): it makes nobody its owner, so it never takes an address from
        signup nor logs anybody in. The one rule for "this address is taken".
        """
        from allauth.account.models import EmailAddress  # allauth's models need ours loaded

        email = email.lower()  # stored lower-case, here and by allauth
        verified = EmailAddress.objects.filter(email=email, verified=True)
        owners = self.filter(Q(email=email) | Q(pk__in=verified.values("user_id")))
        return owners.alias(has_verified=Exists(verified.filter(user=OuterRef("pk")))).order_by("-has_verified", "pk")


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, login, email, password, **extra_fields):
        if not login:
            raise ValueError("A user needs a login.")
        user = self.model(login=login, email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, login, email="", password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(login, email, password, **extra_fields)

    def create_superuser(self, login, email="", password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role_type", Role.ADMIN)
        return self._create_user(login, email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    login = models.CharField(
        max_length=150,
        unique=True,
        validators=[
            # ASCII only, and never shaped like an email address or a phone number: a login
            # must not pass for someone else (look-alike letters) or for another identity.
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z",
                "Use letters a-z, digits, '.', '_' and '-' only, starting with a letter or digit.",
                code="invalid_login",
            )
        ],
        help_text="Letters a-z, digits, '.', '_' and '-'.",
        error_messages={"unique": "A user with that login already exists."},
    )
    email = models.EmailField(max_length=254)
    phone_number = models.CharField(max_length=16, unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(default=False)
    firstname = models.CharField(max_length=150, blank=True, validators=[validate_person_name])
    lastname = models.CharField(max_length=150, blank=True, validators=[validate_person_name])
    middlename = models.CharField(max_length=150, blank=True, validators=[validate_person_name])
    profile_image = models.ForeignKey(
        "users.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role_type = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    is_banned = models.BooleanField(default=False)
    banned_until = models.DateTimeField(null=True, blank=True, help_text="Empty for a ban without end.")
    ban_reason = models.TextField(blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "login"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["login"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.UniqueConstraint(Lower("login"), name="user_login_unique_ci"),
        ]

    def __str__(self):
        return self.login

    def clean(self):
        # Emails are stored lower-case (allauth looks them up that way); logins keep their case
        # but are unique without it (allauth checks, the constraint above enforces).
        super().clean()
        self.email = type(self).objects.normalize_email(self.email).lower()

    def get_absolute_url(self):
        return reverse("user-profile", kwargs={"login": self.login})

    @property
    def display_name(self) -> str:
        full = " ".join(part for part in (self.firstname, self.lastname) if part)
        return full or self.login

    @property
    def is_moderator(self) -> bool:
        return self.role_type in (Role.MODERATOR, Role.ADMIN) or self.is_superuser

    @property
    def is_admin(self) -> bool:
        return self.role_type == Role.ADMIN or self.is_superuser

    def _get_session_auth_hash(self, secret=None):
        """Django's HMAC of the password (behind ``get_session_auth_hash`` and its fallbacks for
        ``SECRET_KEY_FALLBACKS``), with the ban mixed in: banning a user changes it, so every
        session they already hold stops working on its next request, as after a password
        change. Without a ban the value is exactly Django's."""
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password + (SESSION_BANNED_MARK if is_banned_now(self) else "")
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


def upload_path(instance, filename):
    """A fresh, unguessable storage name; only a short alphanumeric extension is kept from
    ``filename`` (which users.uploads makes itself, never the client)."""
    extension = PurePosixPath(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    return f"uploads/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}{extension}"


class UploadQuerySet(models.QuerySet):
    def readable_by(self, user, *, anonymous_upload_ids=()):
        """Uploads that ``user`` may download.

        - moderators and admins: all;
        - anyone: profile images, and attachments of comments that are not deleted, in
          discussions that ``Discussion.objects.visible_to(user)`` shows (so an attachment in a
          private discussion is only for its participants);
        - the owner: their own uploads, whatever they are attached to;
        - an anonymous uploader: their unclaimed anonymous uploads whose ids the caller passes
          in ``anonymous_upload_ids`` (the views keep them in the session). Unclaimed anonymous
          uploads are not readable by anyone else, so they cannot serve as free image hosting.
        """
        if user.is_authenticated and user.is_moderator:
            return self
        from forum.models import Discussion  # forum's models refer to users'; import when used

        readable = Q(Exists(User.objects.filter(profile_image=OuterRef("pk"))))
        readable |= Q(
            attachment__comment__discussion__in=Discussion.objects.visible_to(user),
            attachment__comment__is_deleted=False,
        )
        if anonymous_upload_ids:
            readable |= Q(owner__isnull=True, pk__in=list(anonymous_upload_ids))
        if user.is_authenticated:
            readable |= Q(owner=user)
        return self.filter(readable)

    def attachable_by(self, user):
        """``user``'s own uploads that no comment has yet: what they may attach to a comment."""
        return self.filter(owner=user, attachment__isnull=True)

    def unused(self):
        """Uploads that no comment has and nobody has as their profile image: anonymous uploads
        nobody claimed, files uploaded (or kept by a preview) and never posted, replaced profile
        images."""
        is_profile_image = Exists(User.objects.filter(profile_image=OuterRef("pk")))
        return self.filter(attachment__isnull=True).exclude(is_profile_image)


class Upload(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="uploads"
    )
    file = models.FileField(upload_to=upload_path, max_length=255)
    thumbnail = models.FileField(upload_to=upload_path, max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    name = models.CharField(max_length=255, help_text="The file name the client sent, for display.")
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.content_type})"

    def get_absolute_url(self):
        return reverse("upload-file", kwargs={"upload_id": self.id})

    @property
    def thumbnail_url(self) -> str:
        return reverse("upload-thumbnail", kwargs={"upload_id": self.id})

    @property
    def is_image(self) -> bool:
        return self.width is not None
