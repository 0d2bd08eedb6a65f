"""Settings come from the environment with embedded defaults (README: Configuration)."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.db import connection
out = {
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "pages_cache": settings.CACHES["pages"]["BACKEND"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "session_engine": settings.SESSION_ENGINE,
    "mailer": settings.MAILERS["default"]["BACKEND"],
    "mailer_options": settings.MAILERS["default"].get("OPTIONS", {}),
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "hasher": settings.PASSWORD_HASHERS[0],
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "media_root": str(settings.MEDIA_ROOT),
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "write_rate_limits": settings.WRITE_RATE_LIMITS,
}
if out["engine"].endswith("sqlite3"):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        out["journal_mode"] = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        out["busy_timeout"] = cursor.fetchone()[0]
    out["transaction_mode"] = settings.DATABASES["default"]["OPTIONS"]["transaction_mode"]
print(json.dumps(out))
"""

FORUM_VARIABLES = (
    "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "BASE_URL", "MEDIA_ROOT",
    "REDIS_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "WRITE_RATE_LIMITS",
)


def load_settings(tmp_path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in FORUM_VARIABLES}
    clean.update({"DJANGO_SETTINGS_MODULE": "forum.settings", "FORUM_VAR_DIR": str(tmp_path / "var")})
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_default_is_embedded(tmp_path):
    loaded = load_settings(tmp_path)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(tmp_path / "var" / "db.sqlite3")
    assert loaded["cache"].endswith("FileBasedCache")
    assert loaded["mailer"] == "users.mail.ReadableConsoleEmailBackend"
    assert loaded["debug"] is False
    assert loaded["hasher"].endswith("Argon2PasswordHasher")
    assert loaded["media_root"] == str(tmp_path / "var" / "media")
    assert loaded["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_settings_sqlite_is_tuned_for_a_web_server(tmp_path):
    loaded = load_settings(tmp_path)
    assert loaded["journal_mode"] == "wal"
    assert loaded["busy_timeout"] >= 5000
    assert loaded["transaction_mode"] == "IMMEDIATE"


def test_settings_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_settings(tmp_path)["secret_key"]
    second = load_settings(tmp_path)["secret_key"]
    key_file = tmp_path / "var" / "secret_key"
    assert first == second and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_settings_secret_key_from_environment_wins(tmp_path):
    assert load_settings(tmp_path, SECRET_KEY="x" * 60)["secret_key"] == "x" * 60
    assert not (tmp_path / "var" / "secret_key").exists()


def test_settings_database_url_selects_postgresql(tmp_path):
    loaded = load_settings(tmp_path, DATABASE_URL="postgres://forum:pw@db.internal:5432/forumdb")
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "forumdb"


def test_settings_redis_url_selects_redis_cache(tmp_path):
    assert load_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")["cache"].endswith("RedisCache")


def test_settings_email_host_selects_smtp(tmp_path):
    loaded = load_settings(tmp_path, EMAIL_HOST="smtp.example.com", EMAIL_PORT="2525", EMAIL_HOST_USER="me")
    assert loaded["mailer"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["mailer_options"]["host"] == "smtp.example.com"
    assert loaded["mailer_options"]["port"] == 2525
    assert loaded["mailer_options"]["username"] == "me"


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("off", False), ("", False)])
def test_settings_debug_flag(tmp_path, value, expected):
    assert load_settings(tmp_path, DEBUG=value)["debug"] is expected


def test_settings_write_rate_limits_by_default_replaced_or_none(tmp_path):
    assert load_settings(tmp_path)["write_rate_limits"]["post_comment"] == "10/m/user,100/h/user"
    replaced = load_settings(tmp_path, WRITE_RATE_LIMITS='{"post_comment": "5/m/user"}')["write_rate_limits"]
    assert replaced == {"post_comment": "5/m/user"}
    assert load_settings(tmp_path, WRITE_RATE_LIMITS="{}")["write_rate_limits"] == {}


def test_settings_allowed_hosts_from_a_comma_list(tmp_path):
    assert load_settings(tmp_path, ALLOWED_HOSTS="forum.example.com, www.example.com")["allowed_hosts"] == [
        "forum.example.com",
        "www.example.com",
    ]


def test_settings_pages_cache_is_memory_by_default_and_redis_with_redis_url(tmp_path):
    assert load_settings(tmp_path)["pages_cache"].endswith("LocMemCache")
    assert load_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")["pages_cache"].endswith("RedisCache")


def test_settings_keep_database_connections_and_cache_sessions(tmp_path):
    for env in ({}, {"DATABASE_URL": "postgres://forum:pw@db.internal:5432/forumdb"}):
        loaded = load_settings(tmp_path, **env)
        assert loaded["conn_max_age"] > 0
        assert loaded["session_engine"] == "django.contrib.sessions.backends.cached_db"


def test_password_hasher_uses_owasp_argon2_parameters_and_upgrades_old_hashes():
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password

    from users.hashers import OwaspArgon2PasswordHasher

    hasher = OwaspArgon2PasswordHasher()
    encoded = hasher.encode("a long passphrase", hasher.salt())
    params = hasher.decode(encoded)["params"]
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19456, 2, 1)
    assert hasher.algorithm == "argon2" and not hasher.must_update(encoded)

    old = Argon2PasswordHasher().encode("a long passphrase", hasher.salt())  # Django's 100 MiB
    assert hasher.verify("a long passphrase", old) and not hasher.verify("wrong", old)
    assert hasher.must_update(old)

    upgraded = []
    with override_settings(PASSWORD_HASHERS=["users.hashers.OwaspArgon2PasswordHasher"]):
        assert check_password("a long passphrase", old, setter=upgraded.append)
    assert len(upgraded) == 1  # check_password rehashed it with the new parameters
