"""Argon2 at the parameters OWASP recommends for password storage (Password Storage Cheat
Sheet: m=19 MiB, t=2, p=1), instead of Django's (100 MiB, 2, 8).

Django's parameters take 100 MiB per hash: a gunicorn worker that logs someone in grows from
about 65 MB to over 160 MB resident and keeps it. The algorithm name stays "argon2", so hashes
made with the old parameters still verify, and ``must_update`` (which compares the parameters
stored in the hash with these) rehashes them at the next successful login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = 19456  # KiB
    time_cost = 2
    parallelism = 1
