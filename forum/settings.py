"""Settings for the forum, read from the environment with embedded defaults.

With no environment at all the forum runs on an SQLite file and local media
under ``var/``, prints emails to the console, and keeps its cache in memory.
Every variable read here is documented in README.md.
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FORUM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def load_or_create_secret_key(path: Path) -> str:
    """Generate a secret key once and keep it in a local file, so sessions survive restarts."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or ([BASE_URL] if BASE_URL else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "users",
    "forum",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "forum.http_methods.FormPageMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "users.middleware.RateLimitedTo429Middleware",
    "users.middleware.BannedSessionMiddleware",
]

ROOT_URLCONF = "forum.urls"
WSGI_APPLICATION = "forum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server has several threads or processes writing: WAL lets readers go on while
    # one writes, the busy timeout waits instead of failing, and IMMEDIATE transactions take
    # the write lock up front so that two writers never deadlock on a lock upgrade.
    # Connections are kept (CONN_MAX_AGE, 60 s): opening one runs the PRAGMAs below on every
    # request otherwise. Between requests a kept connection is in autocommit and holds no lock,
    # and each gunicorn worker (one thread) opens its own after the fork.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ----------------------------------------------------------------------

# "default" holds rate limits (allauth) and sessions, so every worker process must share it, or
# each would count on its own: Redis when there is one, else files under var/ (shared on one
# machine). "pages" holds what forum/page_cache.py keeps (pages for anonymous visitors, and the
# parts of logged-in pages that are the same for everyone), keyed by versions read from the
# database, so a copy per process is correct: memory by default, Redis
# (shared by every app server) when there is one. Its entries live PAGE_CACHE_SECONDS (60 s).
REDIS_URL = os.environ.get("REDIS_URL", "")
# Whole pages (~40 kB), pages of comments (~35 kB) and rendered fragments (~2 kB), least recently
# used first out: some 10 to 40 MB per worker.
PAGES_CACHE_ENTRIES = 1000
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "pages"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": PAGES_CACHE_ENTRIES},
        },
    }

# --- Accounts ----------------------------------------------------------------

AUTH_USER_MODEL = "users.User"
# allauth's backend, made to hash exactly once per login attempt (see users/auth_backends.py).
# Django's ModelBackend must not follow it: it would hash a second time after every failure.
AUTHENTICATION_BACKENDS = [
    "users.auth_backends.AuthenticationBackend",
]
# OWASP's Argon2 parameters (users/hashers.py); Django's own Argon2 hasher must not follow it in
# this list: it has the same algorithm name and would take its place.
PASSWORD_HASHERS = [
    "users.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("login", "email", "firstname", "lastname", "middlename")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "discussion-list"
LOGOUT_REDIRECT_URL = "discussion-list"

ACCOUNT_ADAPTER = "users.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "login"
ACCOUNT_LOGIN_METHODS = {"email", "username", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "phone", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "users.forms.LoginForm",
    "signup": "users.forms.SignupForm",
    "add_email": "users.forms.AddEmailForm",
    "reset_password": "users.forms.ResetPasswordForm",
}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# A reset request for an unknown address sends nothing (allauth would mail "no such account").
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if BASE_URL.startswith("https") else "http"
ACCOUNT_PHONE_VERIFICATION_ENABLED = env_bool("PHONE_VERIFICATION")
# No SMS gateway ships with the forum: codes go through this class, which prints them like the
# console email backend. A real provider is a subclass with the same send() method.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "users.sms.ConsoleSMSBackend")
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Email -------------------------------------------------------------------

# Read into local names: Django 6.1 refuses the old EMAIL_* settings beside MAILERS.
_smtp_host = os.environ.get("EMAIL_HOST", "")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    # Django's console backend prints bodies quoted-printable, which breaks long links.
    MAILERS = {"default": {"BACKEND": "users.mail.ReadableConsoleEmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "forum@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static files and uploads ------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Limits for POST /uploads; the pixel cap refuses decompression bombs before decoding.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_ANONYMOUS_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# How fast one person writes (forum.rate_limits), in allauth's rate syntax, per user; an action
# left out is not limited. Moderators and admins are not limited. The environment may replace
# them with a JSON object ({} for none; bench/run.py lets its one user post hundreds of comments
# a second).
WRITE_RATE_LIMITS = {
    "post_comment": "10/m/user,100/h/user",
    "start_discussion": "3/m/user,20/h/user",
    "invite_participant": "20/m/user",
    "report_comment": "10/m/user",
}
if os.environ.get("WRITE_RATE_LIMITS"):
    WRITE_RATE_LIMITS = json.loads(os.environ["WRITE_RATE_LIMITS"])

# --- Security ------------------------------------------------------------------

# Sessions in the database, read through the shared default cache: one query less per
# logged-in request. Correct with several workers because that cache is shared (files or Redis).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BASE_URL.startswith("https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "forum.errors.csrf_failure"
if env_bool("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Presentation ------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
